-- The listed units of each city counted by the four facets of the public search and by
-- rent band (100 yuan: rent_fen / 10000), kept by the database as units change, like
-- listing_counts (migration 043). A search with a rent range reads the bands the range
-- covers whole from here and counts only the units of its two partial bands (index
-- units_listed_rent), instead of counting every listing of the city.
CREATE TABLE listing_rent_counts (
	city_id BIGINT NOT NULL,
	rent_band BIGINT NOT NULL,
	district_code BIGINT NOT NULL,
	layout TEXT NOT NULL,
	fitted INTEGER NOT NULL,
	near_transport INTEGER NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (city_id, rent_band, district_code, layout, fitted, near_transport)
);
INSERT INTO listing_rent_counts (city_id, rent_band, district_code, layout, fitted, near_transport, n)
	SELECT city_id, rent_fen / 10000, district_code, layout, fitted, near_transport, COUNT(*)
	FROM units WHERE listed = 1
	GROUP BY city_id, rent_fen / 10000, district_code, layout, fitted, near_transport;
-- The listings of a city in each sort order, carrying every filter column: a page of a
-- search sorted by rent, area or date walks one of these from its start and stops at the
-- page's end, instead of sorting every listing of the city that matches; units_listed
-- (migration 020) stays the way in for searches narrowed by district and layout. The rent
-- one also gives the units of a partial rent band. Each ends with listed itself: SQLite
-- reads an index alone (never the table) only when it holds every column the query names,
-- the partial index's own condition included.
DROP INDEX units_listed;
CREATE INDEX units_listed ON units (city_id, district_code, layout, fitted, near_transport,
	rent_fen, floor_area_dm2, published_at, estate_id, id, listed) WHERE listed = 1;
CREATE INDEX units_listed_rent ON units (city_id, rent_fen, id, district_code, layout, fitted,
	near_transport, floor_area_dm2, published_at, estate_id, listed) WHERE listed = 1;
CREATE INDEX units_listed_area ON units (city_id, floor_area_dm2, id, district_code, layout,
	fitted, near_transport, rent_fen, published_at, estate_id, listed) WHERE listed = 1;
CREATE INDEX units_listed_newest ON units (city_id, published_at, id, district_code, layout,
	fitted, near_transport, rent_fen, floor_area_dm2, estate_id, listed) WHERE listed = 1;
-- @sqlite
CREATE TRIGGER units_rent_counts_ai AFTER INSERT ON units WHEN new.listed = 1 BEGIN
	INSERT INTO listing_rent_counts (city_id, rent_band, district_code, layout, fitted, near_transport, n)
		VALUES (new.city_id, new.rent_fen / 10000, new.district_code, new.layout, new.fitted,
			new.near_transport, 1)
		ON CONFLICT (city_id, rent_band, district_code, layout, fitted, near_transport)
		DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER units_rent_counts_ad AFTER DELETE ON units WHEN old.listed = 1 BEGIN
	UPDATE listing_rent_counts SET n = n - 1 WHERE city_id = old.city_id AND
		rent_band = old.rent_fen / 10000 AND district_code = old.district_code AND
		layout = old.layout AND fitted = old.fitted AND near_transport = old.near_transport;
END;
CREATE TRIGGER units_rent_counts_au AFTER UPDATE OF listed, city_id, rent_fen, district_code,
		layout, fitted, near_transport ON units BEGIN
	UPDATE listing_rent_counts SET n = n - 1 WHERE old.listed = 1 AND city_id = old.city_id AND
		rent_band = old.rent_fen / 10000 AND district_code = old.district_code AND
		layout = old.layout AND fitted = old.fitted AND near_transport = old.near_transport;
	INSERT INTO listing_rent_counts (city_id, rent_band, district_code, layout, fitted, near_transport, n)
		SELECT new.city_id, new.rent_fen / 10000, new.district_code, new.layout, new.fitted,
			new.near_transport, 1
		WHERE new.listed = 1
		ON CONFLICT (city_id, rent_band, district_code, layout, fitted, near_transport)
		DO UPDATE SET n = n + 1;
END;
-- @end
-- @pgsql
CREATE FUNCTION units_rent_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.listed = 1 THEN
		UPDATE listing_rent_counts SET n = n - 1 WHERE city_id = OLD.city_id AND
			rent_band = OLD.rent_fen / 10000 AND district_code = OLD.district_code AND
			layout = OLD.layout AND fitted = OLD.fitted AND near_transport = OLD.near_transport;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.listed = 1 THEN
		INSERT INTO listing_rent_counts (city_id, rent_band, district_code, layout, fitted,
						 near_transport, n)
			VALUES (NEW.city_id, NEW.rent_fen / 10000, NEW.district_code, NEW.layout,
				NEW.fitted, NEW.near_transport, 1)
			ON CONFLICT (city_id, rent_band, district_code, layout, fitted, near_transport)
			DO UPDATE SET n = listing_rent_counts.n + 1;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER units_rent_counts AFTER INSERT OR DELETE OR UPDATE OF listed, city_id, rent_fen,
	district_code, layout, fitted, near_transport ON units FOR EACH ROW
	EXECUTE FUNCTION units_rent_counts();
-- @end
