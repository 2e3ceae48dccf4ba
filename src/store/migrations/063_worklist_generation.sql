-- 063 worklist generation: a number per city that the database raises whenever anything a
-- staff worklist of the city shows may have changed — an application waiting at a step
-- (in review or in publicity) before or after the change, or the city's review chain.
-- A server may keep worklist pages in memory under the generation they were computed at
-- (and until the next deadline passes); a page of an older generation is never served,
-- so a decision shows in the next page on every server at once. Drafts, and applications
-- long decided, change without touching it.
CREATE TABLE worklist_generations (
	city_id BIGINT PRIMARY KEY,
	gen BIGINT NOT NULL
);
INSERT INTO worklist_generations (city_id, gen) SELECT DISTINCT city_id, 1 FROM applications;
-- @sqlite
CREATE TRIGGER applications_wgen_ai AFTER INSERT ON applications
	WHEN new.status IN ('review', 'publicity') BEGIN
	INSERT INTO worklist_generations (city_id, gen) VALUES (new.city_id, 1)
		ON CONFLICT (city_id) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER applications_wgen_au AFTER UPDATE ON applications
	WHEN old.status IN ('review', 'publicity') OR new.status IN ('review', 'publicity') BEGIN
	INSERT INTO worklist_generations (city_id, gen) VALUES (new.city_id, 1)
		ON CONFLICT (city_id) DO UPDATE SET gen = gen + 1;
	UPDATE worklist_generations SET gen = gen + 1
		WHERE city_id = old.city_id AND old.city_id <> new.city_id;
END;
CREATE TRIGGER applications_wgen_ad AFTER DELETE ON applications
	WHEN old.status IN ('review', 'publicity') BEGIN
	UPDATE worklist_generations SET gen = gen + 1 WHERE city_id = old.city_id;
END;
CREATE TRIGGER review_chains_wgen_ai AFTER INSERT ON review_chains BEGIN
	INSERT INTO worklist_generations (city_id, gen) VALUES (new.city_id, 1)
		ON CONFLICT (city_id) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER review_chains_wgen_au AFTER UPDATE ON review_chains BEGIN
	INSERT INTO worklist_generations (city_id, gen) VALUES (new.city_id, 1)
		ON CONFLICT (city_id) DO UPDATE SET gen = gen + 1;
	UPDATE worklist_generations SET gen = gen + 1
		WHERE city_id = old.city_id AND old.city_id <> new.city_id;
END;
CREATE TRIGGER review_chains_wgen_ad AFTER DELETE ON review_chains BEGIN
	UPDATE worklist_generations SET gen = gen + 1 WHERE city_id = old.city_id;
END;
-- @end
-- @pgsql
CREATE FUNCTION worklist_gen_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- An application that waits neither before nor after changes no worklist. (Nested:
	-- a review chain has no status to read.)
	IF TG_TABLE_NAME = 'applications' THEN
		IF NOT ((TG_OP <> 'INSERT' AND OLD.status IN ('review', 'publicity')) OR
			(TG_OP <> 'DELETE' AND NEW.status IN ('review', 'publicity'))) THEN
			RETURN NULL;
		END IF;
	END IF;
	IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND NEW.city_id <> OLD.city_id) THEN
		UPDATE worklist_generations SET gen = gen + 1 WHERE city_id = OLD.city_id;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO worklist_generations (city_id, gen) VALUES (NEW.city_id, 1)
			ON CONFLICT (city_id) DO UPDATE SET gen = worklist_generations.gen + 1;
	END IF;
	RETURN NULL;
END $$;
-- Deferred to the commit: the generation's row is locked last, after every row the
-- transaction changes, so two transactions never wait for each other through it.
CREATE CONSTRAINT TRIGGER applications_wgen AFTER INSERT OR UPDATE OR DELETE ON applications
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION worklist_gen_bump();
CREATE CONSTRAINT TRIGGER review_chains_wgen AFTER INSERT OR UPDATE OR DELETE ON review_chains
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION worklist_gen_bump();
-- @end
