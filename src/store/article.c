/*
 * content.c — the articles' SQL (content_store.h).
 */
#include "store/article_store.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "store/db_text.h"

#define ARTICLE_COLUMNS \
	"id, city_id, kind, title, summary, body_html, fields, media, cover_media_id, status," \
	" published_at, search_text, author_id, version, created_at, updated_at"
/* A list's columns: the same, without the body and the search text. */
#define LIST_COLUMNS \
	"id, city_id, kind, title, summary, '', fields, media, cover_media_id, status," \
	" published_at, '', author_id, version, created_at, updated_at"

static void article_from_row(const struct db_res *r, int row, struct article *a);

static void
article_from_row(const struct db_res *r, int row, struct article *a)
{
	a->id = db_res_int(r, row, 0);
	a->city_id = db_res_int(r, row, 1);
	a->kind = db_res_text(r, row, 2);
	a->title = db_res_text(r, row, 3);
	a->summary = db_res_text(r, row, 4);
	a->body_html = db_res_text(r, row, 5);
	a->fields = db_res_text(r, row, 6);
	a->media = db_res_text(r, row, 7);
	a->cover_media_id = db_res_int(r, row, 8);
	a->status = db_res_text(r, row, 9);
	a->published_at = db_res_int(r, row, 10);
	a->search_text = db_res_text(r, row, 11);
	a->author_id = db_res_int(r, row, 12);
	a->version = (int)db_res_int(r, row, 13);
	a->created_at = db_res_int(r, row, 14);
	a->updated_at = db_res_int(r, row, 15);
}

int
article_store_create(struct db_conn *c, const struct article *a, int64_t *id, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "INSERT INTO articles (city_id, kind, title, summary, body_html, fields, media,"
		      " cover_media_id, status, published_at, search_text, author_id, created_at, updated_at)"
		      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
		      DB_ARGS(DB_I(a->city_id), DB_T(a->kind), DB_T(a->title), DB_T(a->summary),
			      DB_T(a->body_html), DB_T(a->fields), DB_T(a->media), DB_I(a->cover_media_id),
			      DB_T(a->status), DB_I(a->published_at), DB_T(a->search_text),
			      DB_I(a->author_id), DB_I(a->created_at)), &r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
article_store_get(struct db_conn *c, int64_t id, struct article *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " ARTICLE_COLUMNS " FROM articles WHERE id = $1", DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "article_not_found", NULL, "no such article");
	article_from_row(r, 0, out);
	return GZF_OK;
}

int
article_store_save(struct db_conn *c, const struct article *a, int expect_version, struct gzf_err *err)
{
	int64_t changed = 0;
	int rc;

	assert(a->id > 0 && expect_version >= 1);
	rc = db_exec(c, "UPDATE articles SET city_id = $3, kind = $4, title = $5, summary = $6,"
		     " body_html = $7, fields = $8, media = $9, cover_media_id = $10, status = $11,"
		     " published_at = $12, search_text = $13, updated_at = $14, version = version + 1"
		     " WHERE id = $1 AND version = $2",
		     DB_ARGS(DB_I(a->id), DB_I(expect_version), DB_I(a->city_id), DB_T(a->kind),
			     DB_T(a->title), DB_T(a->summary), DB_T(a->body_html), DB_T(a->fields),
			     DB_T(a->media), DB_I(a->cover_media_id), DB_T(a->status),
			     DB_I(a->published_at), DB_T(a->search_text), DB_I(a->updated_at)),
		     &changed, err);
	if (rc == GZF_OK && changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "version_conflict", "version",
				   "the article was changed by someone else in the meantime: reload it");
	return rc;
}

int
article_store_list(struct db_conn *c, const struct article_query *q, struct article **out, int *n,
		   int64_t *total, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	const char *text = q->text && *q->text ? q->text : NULL;
	int fts = text && db_conn_backend(c) == DB_SQLITE && gzf_utf8_chars(text) >= 3;
	const char *where, *match;
	struct db_res *r;
	int rc, i;

	/* $1 public city (-1: staff), $2 city, $3 kind, $4 status, $5 text, $6 limit, $7 offset. */
	where = " WHERE (($1 >= 0 AND status = 'published' AND city_id IN (0, $1))"
		" OR ($1 < 0 AND city_id = $2 AND ($4 = '' OR status = $4)))"
		" AND ($3 = '' OR kind = $3)";
	match = !text ? " AND $5 = ''"
		: fts ? " AND id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH $5)"
		      : " AND search_text LIKE $5 ESCAPE '\\'";
	text = !text ? "" : fts ? db_text_phrase(a, text) : db_text_like(a, text);
	rc = db_query(c, arena_printf(a, "SELECT " LIST_COLUMNS ", COUNT(*) OVER () FROM articles%s%s"
				      " ORDER BY published_at DESC, updated_at DESC, id DESC LIMIT $6 OFFSET $7",
				      where, match),
		      DB_ARGS(DB_I(q->public_city), DB_I(q->city), DB_T(q->kind ? q->kind : ""),
			      DB_T(q->status ? q->status : ""), DB_T(text), DB_I(q->limit), DB_I(q->offset)),
		      &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(a, sizeof(**out) * (size_t)(*n + 1));
	*total = *n ? db_res_int(r, 0, 16) : 0;
	for (i = 0; i < *n; i++)
		article_from_row(r, i, &(*out)[i]);
	return GZF_OK;
}
