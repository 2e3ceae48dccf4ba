/*
 * media.c — the media table: one row per upload.
 */
#include "store/media_store.h"

#define MEDIA_COLUMNS "id, city_id, owner_id, region_path, purpose, name, mime, size, sha256," \
		      " width, height, public, created_at"

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
}

int
store_media_create(struct db_conn *c, const struct media *m, int64_t *id, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c,
		"INSERT INTO media (city_id, owner_id, region_path, purpose, name, mime, size, sha256,"
		" width, height, public, created_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
		DB_ARGS(DB_I(m->city_id), DB_I(m->owner_id), DB_T(m->region_path), DB_T(m->purpose),
			DB_T(m->name), DB_T(m->mime), DB_I(m->size), DB_T(m->sha256), DB_I(m->width),
			DB_I(m->height), DB_I(m->public), DB_I(m->created_at)),
		&r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
store_media_get(struct db_conn *c, int64_t id, struct media *out, struct gzf_err *err)
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
store_media_set_public(struct db_conn *c, int64_t id, int public, struct gzf_err *err)
{
	return db_exec(c, "UPDATE media SET public = $2 WHERE id = $1",
		       DB_ARGS(DB_I(id), DB_I(public ? 1 : 0)), NULL, err);
}

int
store_media_count_since(struct db_conn *c, int64_t owner_id, int64_t since, int64_t *n,
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
store_media_sha_known(struct db_conn *c, const char *sha256, int *yes, struct gzf_err *err)
{
	struct db_res *r;
	int rc = db_query(c, "SELECT 1 FROM media WHERE sha256 = $1 LIMIT 1", DB_ARGS(DB_T(sha256)), &r, err);

	if (rc == GZF_OK)
		*yes = r->nrows > 0;
	return rc;
}
