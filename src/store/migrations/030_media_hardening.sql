-- 030 media hardening: private files sealed at rest, and which articles show which files.
-- sealed = 1: the bytes on disk are encrypted with the data key (nonce, then the
-- secretbox of the file) and named by a keyed hash of the content instead of its SHA-256;
-- files stored before stay plain (sealed = 0) and are read as they are.
ALTER TABLE media ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1));

-- article_media: every file an article shows (its cover and the images of its body). A
-- file is public while at least one published article shows it; the rows let a draft's
-- editors read its pictures and let withdrawing find what goes private again.
CREATE TABLE article_media (
	article_id BIGINT NOT NULL REFERENCES articles (id),
	media_id BIGINT NOT NULL,
	PRIMARY KEY (article_id, media_id)
);
CREATE INDEX article_media_media ON article_media (media_id);
INSERT INTO article_media (article_id, media_id)
	SELECT id, cover_media_id FROM articles WHERE cover_media_id > 0;
-- @sqlite
INSERT INTO article_media (article_id, media_id)
	SELECT DISTINCT a.id, j.value FROM articles a, json_each(a.media) j
	WHERE j.value > 0 AND j.value <> a.cover_media_id;
-- @end
-- @pgsql
INSERT INTO article_media (article_id, media_id)
	SELECT DISTINCT a.id, j.value::bigint FROM articles a, jsonb_array_elements_text(a.media::jsonb) j
	WHERE j.value::bigint > 0 AND j.value::bigint <> a.cover_media_id;
-- @end

-- Files an article made public before these rules: documents never should have been,
-- and pictures shown by no published article any more are private again.
UPDATE media SET public = 0
	WHERE public = 1 AND (purpose NOT IN ('image', 'photo') OR (purpose = 'image'
		AND id IN (SELECT media_id FROM article_media) AND NOT EXISTS (SELECT 1
			FROM article_media am JOIN articles a ON a.id = am.article_id
			WHERE am.media_id = media.id AND a.status = 'published')));
