-- 001 core: the region tree that every tenant record hangs from.
-- A region's code is its official administrative division code (GB/T 2260 and the
-- statistical codes below county level). city_id is the code of the city a region
-- belongs to (NULL for the nation and provinces): the distribution key of every
-- tenant table. path lists the codes from the root down, "/100000/230000/230600/", so
-- "is this region inside that one" is a prefix test.
CREATE TABLE regions (
	code BIGINT PRIMARY KEY,
	parent_code BIGINT REFERENCES regions (code),
	level TEXT NOT NULL CHECK (level IN ('nation', 'province', 'city', 'district', 'street', 'community')),
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	city_id BIGINT,
	path TEXT NOT NULL UNIQUE
);
CREATE INDEX regions_parent ON regions (parent_code);
CREATE INDEX regions_city ON regions (city_id);
