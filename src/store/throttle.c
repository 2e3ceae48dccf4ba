/*
 * throttle.c — attempt counters per scope (account, phone, client address).
 */
#include "store/throttle_store.h"

int
throttle_store_get(struct db_conn *c, const char *scope, struct throttle *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	out->attempts = 0;
	out->window_start = 0;
	out->locked_until = 0;
	rc = db_query(c, "SELECT failures, window_start, locked_until FROM throttles WHERE scope = $1",
		      DB_ARGS(DB_T(scope)), &r, err);
	if (rc != GZF_OK || r->nrows == 0)
		return rc;
	out->attempts = (int)db_res_int(r, 0, 0);
	out->window_start = db_res_int(r, 0, 1);
	out->locked_until = db_res_int(r, 0, 2);
	return GZF_OK;
}

int
throttle_store_put(struct db_conn *c, const char *scope, int64_t city_id, const struct throttle *t,
		   struct gzf_err *err)
{
	return db_exec(c,
		"INSERT INTO throttles (scope, city_id, failures, window_start, locked_until)"
		" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope) DO UPDATE SET"
		" failures = excluded.failures, window_start = excluded.window_start,"
		" locked_until = excluded.locked_until",
		DB_ARGS(DB_T(scope), DB_I(city_id), DB_I(t->attempts), DB_I(t->window_start),
			DB_I(t->locked_until)), NULL, err);
}

int
throttle_store_clear(struct db_conn *c, const char *scope, struct gzf_err *err)
{
	return db_exec(c, "DELETE FROM throttles WHERE scope = $1", DB_ARGS(DB_T(scope)), NULL, err);
}
