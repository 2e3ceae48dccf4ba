/*
 * idempotency.c — the rows of idempotency_keys: stored first replies of requests sent
 * with an Idempotency-Key.
 */
#include "store/idempotency_store.h"

int
idempotency_store_get(struct db_conn *c, int64_t account_id, const char *key,
		      struct idempotency_record *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT id, city_id, route, request_hash, status, reply, created_at"
			 " FROM idempotency_keys WHERE account_id = $1 AND idem_key = $2",
		      DB_ARGS(DB_I(account_id), DB_T(key)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "not_found", NULL, "no such idempotency key");
	out->id = db_res_int(r, 0, 0);
	out->city_id = db_res_int(r, 0, 1);
	out->route = db_res_text(r, 0, 2);
	out->request_hash = db_res_text(r, 0, 3);
	out->status = (int)db_res_int(r, 0, 4);
	out->reply = db_res_text(r, 0, 5);
	out->created_at = db_res_int(r, 0, 6);
	return GZF_OK;
}

int
idempotency_store_put(struct db_conn *c, int64_t account_id, const char *key,
		      const struct idempotency_record *r, struct gzf_err *err)
{
	return db_exec(c, "INSERT INTO idempotency_keys (city_id, account_id, idem_key, route,"
			  " request_hash, status, reply, created_at)"
			  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
		       DB_ARGS(DB_I(r->city_id), DB_I(account_id), DB_T(key), DB_T(r->route),
			       DB_T(r->request_hash), DB_I(r->status), DB_T(r->reply),
			       DB_I(r->created_at)), NULL, err);
}

int
idempotency_store_purge(struct db_conn *c, int64_t before_ms, int64_t *deleted,
			struct gzf_err *err)
{
	return db_exec(c, "DELETE FROM idempotency_keys WHERE created_at < $1",
		       DB_ARGS(DB_I(before_ms)), deleted, err);
}

int
idempotency_store_oldest(struct db_conn *c, int64_t *created_at, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT MIN(created_at) FROM idempotency_keys", DB_NOARGS, &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0 || db_res_isnull(r, 0, 0))
		return gzf_err_set(err, GZF_ENOTFOUND, "not_found", NULL, "no idempotency keys");
	*created_at = db_res_int(r, 0, 0);
	return GZF_OK;
}
