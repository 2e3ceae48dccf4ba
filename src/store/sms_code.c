/*
 * sms_code.c — one-time codes sent by SMS, kept only as keyed hashes.
 */
#include "store/sms_code_store.h"

int
sms_code_store_create(struct db_conn *c, int64_t city_id, const char *phone_hash, const char *purpose,
		  const char *code_hash, int64_t now, int64_t expires_at, struct gzf_err *err)
{
	return db_exec(c,
		"INSERT INTO sms_codes (city_id, phone_hash, purpose, code_hash, created_at, expires_at)"
		" VALUES ($1, $2, $3, $4, $5, $6)",
		DB_ARGS(DB_I(city_id), DB_T(phone_hash), DB_T(purpose), DB_T(code_hash), DB_I(now),
			DB_I(expires_at)), NULL, err);
}

int
sms_code_store_latest(struct db_conn *c, const char *phone_hash, const char *purpose, int64_t now,
		  struct sms_code *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT id, code_hash, created_at, expires_at, attempts FROM sms_codes"
		      " WHERE phone_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3"
		      " ORDER BY created_at DESC, id DESC LIMIT 1",
		      DB_ARGS(DB_T(phone_hash), DB_T(purpose), DB_I(now)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "code_not_found", "code", "no valid code");
	out->id = db_res_int(r, 0, 0);
	out->code_hash = db_res_text(r, 0, 1);
	out->created_at = db_res_int(r, 0, 2);
	out->expires_at = db_res_int(r, 0, 3);
	out->attempts = (int)db_res_int(r, 0, 4);
	return GZF_OK;
}

int
sms_code_store_attempt(struct db_conn *c, int64_t id, struct gzf_err *err)
{
	return db_exec(c, "UPDATE sms_codes SET attempts = attempts + 1 WHERE id = $1",
		       DB_ARGS(DB_I(id)), NULL, err);
}

int
sms_code_store_use(struct db_conn *c, int64_t id, int64_t now, struct gzf_err *err)
{
	int64_t changed = 0;
	int rc = db_exec(c, "UPDATE sms_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
			 DB_ARGS(DB_I(now), DB_I(id)), &changed, err);

	if (rc == GZF_OK && changed != 1)
		return gzf_err_set(err, GZF_ECONFLICT, "code_used", "code",
				   "this code has already been used; request a new one");
	return rc;
}
