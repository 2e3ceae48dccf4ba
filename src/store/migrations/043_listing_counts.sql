-- The listed units of each city counted by the four facets of the public search
-- (district, layout, fitted out, near transport), kept by the database itself as units
-- change, so a search with counts reads a few rows instead of counting the city's units.
CREATE TABLE listing_counts (
	city_id BIGINT NOT NULL,
	district_code BIGINT NOT NULL,
	layout TEXT NOT NULL,
	fitted INTEGER NOT NULL,
	near_transport INTEGER NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (city_id, district_code, layout, fitted, near_transport)
);
INSERT INTO listing_counts (city_id, district_code, layout, fitted, near_transport, n)
	SELECT city_id, district_code, layout, fitted, near_transport, COUNT(*) FROM units
	WHERE listed = 1 GROUP BY city_id, district_code, layout, fitted, near_transport;
-- @sqlite
CREATE TRIGGER units_counts_ai AFTER INSERT ON units WHEN new.listed = 1 BEGIN
	INSERT INTO listing_counts (city_id, district_code, layout, fitted, near_transport, n)
		VALUES (new.city_id, new.district_code, new.layout, new.fitted, new.near_transport, 1)
		ON CONFLICT (city_id, district_code, layout, fitted, near_transport) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER units_counts_ad AFTER DELETE ON units WHEN old.listed = 1 BEGIN
	UPDATE listing_counts SET n = n - 1 WHERE city_id = old.city_id AND
		district_code = old.district_code AND layout = old.layout AND fitted = old.fitted AND
		near_transport = old.near_transport;
END;
CREATE TRIGGER units_counts_au AFTER UPDATE OF listed, city_id, district_code, layout, fitted,
		near_transport ON units BEGIN
	UPDATE listing_counts SET n = n - 1 WHERE old.listed = 1 AND city_id = old.city_id AND
		district_code = old.district_code AND layout = old.layout AND fitted = old.fitted AND
		near_transport = old.near_transport;
	INSERT INTO listing_counts (city_id, district_code, layout, fitted, near_transport, n)
		SELECT new.city_id, new.district_code, new.layout, new.fitted, new.near_transport, 1
		WHERE new.listed = 1
		ON CONFLICT (city_id, district_code, layout, fitted, near_transport) DO UPDATE SET n = n + 1;
END;
-- @end
-- @pgsql
CREATE FUNCTION units_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.listed = 1 THEN
		UPDATE listing_counts SET n = n - 1 WHERE city_id = OLD.city_id AND
			district_code = OLD.district_code AND layout = OLD.layout AND
			fitted = OLD.fitted AND near_transport = OLD.near_transport;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.listed = 1 THEN
		INSERT INTO listing_counts (city_id, district_code, layout, fitted, near_transport, n)
			VALUES (NEW.city_id, NEW.district_code, NEW.layout, NEW.fitted, NEW.near_transport, 1)
			ON CONFLICT (city_id, district_code, layout, fitted, near_transport)
			DO UPDATE SET n = listing_counts.n + 1;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER units_counts AFTER INSERT OR DELETE OR UPDATE OF listed, city_id, district_code,
	layout, fitted, near_transport ON units FOR EACH ROW EXECUTE FUNCTION units_counts();
-- @end
