-- 004 media: uploaded files (application materials, consent forms, article images,
-- estate photos). The bytes live on disk under DATA_DIR/media/, named by their SHA-256,
-- outside the web root; a row here says who uploaded them, for which city and region,
-- what they are (the type sniffed from the content, never the name) and whether anyone
-- may read them (public = 1 once the article or listing using them is published).
-- Private files are read by their uploader here, and by staff through the object that
-- uses them (an application's materials are served by the application API).
CREATE TABLE media (
	id @ID@,
	city_id BIGINT NOT NULL,
	owner_id BIGINT NOT NULL REFERENCES users (id),
	region_path TEXT NOT NULL,
	purpose TEXT NOT NULL,
	name TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	width INTEGER NOT NULL DEFAULT 0,
	height INTEGER NOT NULL DEFAULT 0,
	public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
	created_at BIGINT NOT NULL
);
CREATE INDEX media_owner ON media (owner_id, created_at);
CREATE INDEX media_sha ON media (sha256);
