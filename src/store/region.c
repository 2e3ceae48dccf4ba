/*
 * region.c — the regions table: the province → city → district → street → community
 * tree with official codes.
 */
#include "store/region_store.h"

#include <stdlib.h>

#define REGION_COLUMNS "code, COALESCE(parent_code, 0), level, name, name_en, COALESCE(city_id, 0), path," \
	" office_address, office_phone"

static void
region_from_row(const struct db_res *r, int row, struct region *out)
{
	out->code = db_res_int(r, row, 0);
	out->parent_code = db_res_int(r, row, 1);
	out->level = db_res_text(r, row, 2);
	out->name = db_res_text(r, row, 3);
	out->name_en = db_res_text(r, row, 4);
	out->city_id = db_res_int(r, row, 5);
	out->path = db_res_text(r, row, 6);
	out->office_address = db_res_text(r, row, 7);
	out->office_phone = db_res_text(r, row, 8);
}

int
region_store_put(struct db_conn *c, const struct region *r, struct gzf_err *err)
{
	struct region parent;
	const char *path;
	int rc;

	if (r->parent_code == 0) {
		path = arena_printf(db_arena(c), "/%lld/", (long long)r->code);
	} else {
		if ((rc = region_store_get(c, r->parent_code, &parent, err)) != GZF_OK)
			return rc;
		path = arena_printf(db_arena(c), "%s%lld/", parent.path, (long long)r->code);
	}
	return db_exec(c,
		"INSERT INTO regions (code, parent_code, level, name, name_en, city_id, path,"
		" office_address, office_phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
		" ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,"
		" office_address = CASE WHEN excluded.office_address = '' THEN regions.office_address"
		" ELSE excluded.office_address END,"
		" office_phone = CASE WHEN excluded.office_phone = '' THEN regions.office_phone"
		" ELSE excluded.office_phone END",
		DB_ARGS(DB_I(r->code), r->parent_code ? DB_I(r->parent_code) : DB_NULLV,
			DB_T(r->level), DB_T(r->name), DB_T(r->name_en ? r->name_en : ""),
			r->city_id ? DB_I(r->city_id) : DB_NULLV, DB_T(path),
			DB_T(r->office_address ? r->office_address : ""),
			DB_T(r->office_phone ? r->office_phone : "")),
		NULL, err);
}

int
region_store_get(struct db_conn *c, int64_t code, struct region *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " REGION_COLUMNS " FROM regions WHERE code = $1",
		      DB_ARGS(DB_I(code)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "region_not_found", NULL,
				   "no region with code %lld", (long long)code);
	region_from_row(r, 0, out);
	return GZF_OK;
}

int
region_store_children(struct db_conn *c, int64_t parent, struct region **out, int *n,
		      struct gzf_err *err)
{
	struct db_res *r;
	struct region *list;
	int rc, i;

	if (parent == 0)
		rc = db_query(c, "SELECT " REGION_COLUMNS " FROM regions"
			      " WHERE parent_code IS NULL ORDER BY code", DB_NOARGS, &r, err);
	else
		rc = db_query(c, "SELECT " REGION_COLUMNS " FROM regions"
			      " WHERE parent_code = $1 ORDER BY code", DB_ARGS(DB_I(parent)), &r, err);
	if (rc != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		region_from_row(r, i, &list[i]);
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}
