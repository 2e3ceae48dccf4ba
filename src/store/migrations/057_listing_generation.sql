-- 057 listing generation: a number per city that the database raises whenever anything a
-- public listing search shows may have changed — a unit, an estate or a building of the
-- city, or any region's name. A server may keep search replies in memory under the
-- generation they were computed at; a reply of an older generation is never served, so
-- an unpublished unit disappears from the next search, on every server at once.
CREATE TABLE listing_generations (
	city_id BIGINT PRIMARY KEY,
	gen BIGINT NOT NULL
);
INSERT INTO listing_generations (city_id, gen) SELECT DISTINCT city_id, 1 FROM units;
-- @sqlite
CREATE TRIGGER units_gen_ai AFTER INSERT ON units BEGIN
	INSERT INTO listing_generations (city_id, gen) VALUES (new.city_id, 1)
		ON CONFLICT (city_id) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER units_gen_au AFTER UPDATE ON units BEGIN
	INSERT INTO listing_generations (city_id, gen) VALUES (new.city_id, 1)
		ON CONFLICT (city_id) DO UPDATE SET gen = gen + 1;
	UPDATE listing_generations SET gen = gen + 1
		WHERE city_id = old.city_id AND old.city_id <> new.city_id;
END;
CREATE TRIGGER units_gen_ad AFTER DELETE ON units BEGIN
	UPDATE listing_generations SET gen = gen + 1 WHERE city_id = old.city_id;
END;
CREATE TRIGGER estates_gen_au AFTER UPDATE ON estates BEGIN
	UPDATE listing_generations SET gen = gen + 1 WHERE city_id IN (old.city_id, new.city_id);
END;
CREATE TRIGGER buildings_gen_au AFTER UPDATE ON buildings BEGIN
	UPDATE listing_generations SET gen = gen + 1 WHERE city_id IN (old.city_id, new.city_id);
END;
CREATE TRIGGER regions_gen_au AFTER UPDATE ON regions BEGIN
	UPDATE listing_generations SET gen = gen + 1;
END;
-- @end
-- @pgsql
CREATE FUNCTION listing_gen_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_TABLE_NAME = 'regions' THEN
		UPDATE listing_generations SET gen = gen + 1;
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE listing_generations SET gen = gen + 1 WHERE city_id = OLD.city_id;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.city_id <> OLD.city_id) THEN
		INSERT INTO listing_generations (city_id, gen) VALUES (NEW.city_id, 1)
			ON CONFLICT (city_id) DO UPDATE SET gen = listing_generations.gen + 1;
	END IF;
	RETURN NULL;
END $$;
-- Deferred to the commit: the generation's row is locked last, after every row the
-- transaction changes, so two transactions never wait for each other through it.
CREATE CONSTRAINT TRIGGER units_gen AFTER INSERT OR UPDATE OR DELETE ON units
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION listing_gen_bump();
CREATE CONSTRAINT TRIGGER estates_gen AFTER UPDATE ON estates
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION listing_gen_bump();
CREATE CONSTRAINT TRIGGER buildings_gen AFTER UPDATE ON buildings
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION listing_gen_bump();
CREATE CONSTRAINT TRIGGER regions_gen AFTER UPDATE ON regions
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION listing_gen_bump();
-- @end
