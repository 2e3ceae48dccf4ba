/*
 * media.c — the media table: one row per upload; and article_media, which articles show
 * which files (and so which files are public).
 */
#include "store/media_store.h"

#include <assert.h>

#define MEDIA_COLUMNS "id, city_id, owner_id, region_path, purpose, name, mime, size, sha256," \
		      " width, height, public, created_at, sealed"

static void
media_from_row(const struct db_res *r, int row, struct media *out)
{
	out->id = db_res_int(r, row, 0);
	out->city_id = db_res_int(r, row, 1);
	out->owner_id = db_res_int(r, row, 2);
	out->region_path = db_res_text(r, row, 3);
	out->purpose = db_res_text(r, row, 4);
	out->name = db_res_text(r, row, 5);
	out->mime = db_res_text(r, row, 6);
	out->size = db_res_int(r, row, 7);
	out->sha256 = db_res_text(r, row, 8);
	out->width = (int)db_res_int(r, row, 9);
	out->height = (int)db_res_int(r, row, 10);
	out->public = (int)db_res_int(r, row, 11);
	out->created_at = db_res_int(r, row, 12);
	out->sealed = (int)db_res_int(r, row, 13);
}

int
media_store_create(struct db_conn *c, const struct media *m, int64_t *id, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	assert(m->purpose != NULL && m->sha256 != NULL && m->size >= 0);
	rc = db_query(c,
		"INSERT INTO media (city_id, owner_id, region_path, purpose, name, mime, size, sha256,"
		" width, height, public, created_at, sealed)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
		DB_ARGS(DB_I(m->city_id), DB_I(m->owner_id), DB_T(m->region_path), DB_T(m->purpose),
			DB_T(m->name), DB_T(m->mime), DB_I(m->size), DB_T(m->sha256), DB_I(m->width),
			DB_I(m->height), DB_I(m->public), DB_I(m->created_at), DB_I(m->sealed)),
		&r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
media_store_get(struct db_conn *c, int64_t id, struct media *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " MEDIA_COLUMNS " FROM media WHERE id = $1", DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "media_not_found", NULL, "no such file");
	media_from_row(r, 0, out);
	return GZF_OK;
}

int
media_store_set_public(struct db_conn *c, int64_t id, int public, struct gzf_err *err)
{
	return db_exec(c, "UPDATE media SET public = $2 WHERE id = $1",
		       DB_ARGS(DB_I(id), DB_I(public ? 1 : 0)), NULL, err);
}

int
media_store_count_since(struct db_conn *c, int64_t owner_id, int64_t since, int64_t *n,
			struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT COUNT(*) FROM media WHERE owner_id = $1 AND created_at >= $2",
		      DB_ARGS(DB_I(owner_id), DB_I(since)), &r, err);
	if (rc == GZF_OK)
		*n = db_res_int(r, 0, 0);
	return rc;
}

int
media_store_use(struct db_conn *c, int64_t id, struct media_use *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c,
		"SELECT COALESCE((SELECT application_id FROM application_materials WHERE media_id = $1 LIMIT 1),"
		" (SELECT id FROM applications WHERE consent_media_id = $1 LIMIT 1), 0),"
		" COALESCE((SELECT article_id FROM article_media WHERE media_id = $1 LIMIT 1), 0),"
		" COALESCE((SELECT id FROM leases WHERE pdf_media_id = $1 LIMIT 1),"
		" (SELECT id FROM leases WHERE paper_media_id = $1 LIMIT 1),"
		" (SELECT lease_id FROM lease_move_in_photos WHERE media_id = $1 LIMIT 1), 0)",
		DB_ARGS(DB_I(id)), &r, err);
	if (rc == GZF_OK)
		*out = (struct media_use){ .application_id = db_res_int(r, 0, 0),
					   .article_id = db_res_int(r, 0, 1),
					   .lease_id = db_res_int(r, 0, 2) };
	return rc;
}

/* The file is public while a published article shows it. */
static int
article_publicity(struct db_conn *c, int64_t media_id, struct gzf_err *err)
{
	return db_exec(c,
		"UPDATE media SET public = CASE WHEN EXISTS (SELECT 1 FROM article_media am"
		" JOIN articles a ON a.id = am.article_id WHERE am.media_id = media.id"
		" AND a.status = 'published') THEN 1 ELSE 0 END WHERE id = $1",
		DB_ARGS(DB_I(media_id)), NULL, err);
}

int
media_store_article_set(struct db_conn *c, int64_t article_id, const int64_t *ids, int n,
			struct gzf_err *err)
{
	struct db_res *r;
	int rc, i, nold;
	int64_t *old;

	if ((rc = db_query(c, "SELECT media_id FROM article_media WHERE article_id = $1",
			   DB_ARGS(DB_I(article_id)), &r, err)) != GZF_OK)
		return rc;
	nold = r->nrows;
	old = arena_alloc(db_arena(c), sizeof(*old) * (size_t)(nold + 1));
	for (i = 0; i < nold; i++)
		old[i] = db_res_int(r, i, 0);
	if ((rc = db_exec(c, "DELETE FROM article_media WHERE article_id = $1",
			  DB_ARGS(DB_I(article_id)), NULL, err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = db_exec(c, "INSERT INTO article_media (article_id, media_id) VALUES ($1, $2)"
				  " ON CONFLICT DO NOTHING", DB_ARGS(DB_I(article_id), DB_I(ids[i])),
				  NULL, err)) != GZF_OK ||
		    (rc = article_publicity(c, ids[i], err)) != GZF_OK)
			return rc;
	for (i = 0; i < nold; i++)
		if ((rc = article_publicity(c, old[i], err)) != GZF_OK)
			return rc;
	return GZF_OK;
}

int
media_store_sealed(struct db_conn *c, struct db_res **out, struct gzf_err *err)
{
	return db_query(c, "SELECT sha256 FROM media WHERE sealed = 1", DB_NOARGS, out, err);
}

int
media_store_sha_known(struct db_conn *c, const char *sha256, int *yes, struct gzf_err *err)
{
	struct db_res *r;
	int rc = db_query(c, "SELECT 1 FROM media WHERE sha256 = $1 LIMIT 1", DB_ARGS(DB_T(sha256)), &r, err);

	if (rc == GZF_OK)
		*yes = r->nrows > 0;
	return rc;
}
