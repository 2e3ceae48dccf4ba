/*
 * eligibility.c — the eligibility_rules table: one JSON document per city.
 */
#include "store/eligibility_store.h"

int
eligibility_store_get(struct db_conn *c, int64_t city_id, const char **rules,
		      int64_t *updated_by, int64_t *updated_at, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT rules, COALESCE(updated_by, 0), updated_at FROM eligibility_rules"
		      " WHERE city_id = $1", DB_ARGS(DB_I(city_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "rules_not_found", NULL,
				   "city %lld has no eligibility rules of its own", (long long)city_id);
	*rules = db_res_text(r, 0, 0);
	if (updated_by != NULL)
		*updated_by = db_res_int(r, 0, 1);
	if (updated_at != NULL)
		*updated_at = db_res_int(r, 0, 2);
	return GZF_OK;
}

int
eligibility_store_put(struct db_conn *c, int64_t city_id, const char *rules, int64_t updated_by,
		      int64_t now, struct gzf_err *err)
{
	return db_exec(c, "INSERT INTO eligibility_rules (city_id, rules, updated_by, updated_at)"
		       " VALUES ($1, $2, $3, $4) ON CONFLICT (city_id) DO UPDATE SET"
		       " rules = excluded.rules, updated_by = excluded.updated_by,"
		       " updated_at = excluded.updated_at",
		       DB_ARGS(DB_I(city_id), DB_T(rules), updated_by ? DB_I(updated_by) : DB_NULLV,
			       DB_I(now)), NULL, err);
}
