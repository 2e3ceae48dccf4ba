-- 020 housing: the stock of public rental housing — estates (小区/项目), their buildings
-- and units — and what the public listings search reads.
-- Units of measure: money in fen (rent_fen: monthly rent), areas in hundredths of a
-- square metre (= dm², *_dm2), coordinates in millionths of a degree (lng_e6, lat_e6,
-- GCJ-02 as Chinese maps use). Flags are INTEGER 0/1.
CREATE TABLE estates (
	id @ID@,
	city_id BIGINT NOT NULL,
	region_code BIGINT NOT NULL REFERENCES regions (code),
	region_path TEXT NOT NULL,
	name TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	lng_e6 BIGINT,
	lat_e6 BIGINT,
	facilities TEXT NOT NULL DEFAULT '',
	transport TEXT NOT NULL DEFAULT '',
	near_transport INTEGER NOT NULL DEFAULT 0,
	photos TEXT NOT NULL DEFAULT '[]',
	-- name, address, facilities and transport together: what text search reads.
	search_text TEXT NOT NULL DEFAULT '',
	created_by BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (city_id, name)
);
CREATE INDEX estates_region ON estates (region_path);

CREATE TABLE buildings (
	id @ID@,
	city_id BIGINT NOT NULL,
	estate_id BIGINT NOT NULL REFERENCES estates (id),
	name TEXT NOT NULL,
	floors INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	UNIQUE (estate_id, name)
);

-- A unit's occupancy status and whether it is published are separate: a vacant unit
-- may stay unpublished. listed = published AND vacant, kept by the store, is what the
-- public sees, so the search indexes below can be partial on it.
CREATE TABLE units (
	id @ID@,
	city_id BIGINT NOT NULL,
	estate_id BIGINT NOT NULL REFERENCES estates (id),
	building_id BIGINT NOT NULL REFERENCES buildings (id),
	district_code BIGINT NOT NULL,
	region_path TEXT NOT NULL,
	unit_no TEXT NOT NULL,
	layout TEXT NOT NULL,
	floor_area_dm2 INTEGER NOT NULL,
	usable_area_dm2 INTEGER NOT NULL,
	floor INTEGER NOT NULL,
	orientation TEXT NOT NULL DEFAULT '',
	fitted INTEGER NOT NULL DEFAULT 0,
	rent_fen BIGINT NOT NULL,
	near_transport INTEGER NOT NULL DEFAULT 0,
	status TEXT NOT NULL DEFAULT 'vacant' CHECK (status IN
		('vacant', 'reserved', 'allocated', 'occupied', 'under_repair', 'withdrawn')),
	published INTEGER NOT NULL DEFAULT 0,
	published_at BIGINT,
	listed INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (building_id, unit_no)
);
CREATE INDEX units_estate ON units (estate_id, id);
CREATE INDEX units_region ON units (region_path);
-- The public search reads one covering index: every filter and sort column of the
-- listed units, so counting, grouping per filter and choosing a page's ids never touch
-- the table (a city holds some ten thousand listings: scanning them in the index is
-- cheap and, unlike walking a sort index past rows the filters reject, always cheap).
CREATE INDEX units_listed ON units (city_id, district_code, layout, fitted, near_transport,
	rent_fen, floor_area_dm2, published_at, estate_id, id) WHERE listed = 1;
-- An estate's other listings (the detail page), and the text search's estates.
CREATE INDEX units_listed_estate ON units (estate_id, rent_fen) WHERE listed = 1;

-- Chinese text search over estates: trigrams on both backends (SQLite FTS5's trigram
-- tokenizer; PostgreSQL pg_trgm). Queries shorter than three characters use LIKE.
-- @sqlite
CREATE VIRTUAL TABLE estates_fts USING fts5 (search_text, content='estates', content_rowid='id',
	tokenize='trigram');
CREATE TRIGGER estates_fts_ai AFTER INSERT ON estates BEGIN
	INSERT INTO estates_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER estates_fts_ad AFTER DELETE ON estates BEGIN
	INSERT INTO estates_fts (estates_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER estates_fts_au AFTER UPDATE OF search_text ON estates BEGIN
	INSERT INTO estates_fts (estates_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
	INSERT INTO estates_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- @end
-- @pgsql
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX estates_trgm ON estates USING gin (search_text gin_trgm_ops);
-- @end
