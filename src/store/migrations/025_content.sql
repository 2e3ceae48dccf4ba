-- 025 content: policy documents, news, service guides, FAQ and the operation manual.
-- city_id 0 is national. body_html is kept sanitised (src/domain/sanitize.c); fields holds
-- what each kind adds (a policy's document number and issuer, a guide's materials and
-- offices, ...) as JSON; media lists the images the article shows (made public with
-- it). search_text is the title, summary and text, for the trigram search.
CREATE TABLE articles (
	id @ID@,
	city_id BIGINT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('policy', 'news', 'guide', 'faq', 'manual')),
	title TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	body_html TEXT NOT NULL DEFAULT '',
	fields TEXT NOT NULL DEFAULT '{}',
	media TEXT NOT NULL DEFAULT '[]',
	cover_media_id BIGINT NOT NULL DEFAULT 0,
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn')),
	published_at BIGINT NOT NULL DEFAULT 0,
	search_text TEXT NOT NULL DEFAULT '',
	author_id BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX articles_public ON articles (status, city_id, kind, published_at);
CREATE INDEX articles_city ON articles (city_id, updated_at);

-- @sqlite
CREATE VIRTUAL TABLE articles_fts USING fts5 (search_text, content='articles', content_rowid='id',
	tokenize='trigram');
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
	INSERT INTO articles_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
	INSERT INTO articles_fts (articles_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF search_text ON articles BEGIN
	INSERT INTO articles_fts (articles_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
	INSERT INTO articles_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- @end
-- @pgsql
CREATE INDEX articles_trgm ON articles USING gin (search_text gin_trgm_ops);
-- @end
