/*
 * session.c — login sessions, found by the keyed hash of their token (the token
 * itself is never stored).
 */
#include "store/session_store.h"

#include <assert.h>

int
session_store_create(struct db_conn *c, const struct user *u, const char *token_hash, int64_t now,
		     int64_t expires_at, const char *client_ip, const char *user_agent,
		     struct gzf_err *err)
{
	assert(u->id > 0 && token_hash != NULL);
	return db_exec(c,
		"INSERT INTO sessions (city_id, user_id, token_hash, created_at, last_seen_at,"
		" expires_at, client_ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
		DB_ARGS(DB_I(u->city_id), DB_I(u->id), DB_T(token_hash), DB_I(now), DB_I(expires_at),
			DB_T(client_ip), DB_T(user_agent)), NULL, err);
}

int
session_store_find(struct db_conn *c, const char *token_hash, struct session *s, struct user *u,
		   struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	/* The session and its account in one statement: every signed-in request asks. */
	rc = db_query(c, "SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at,"
		      " COALESCE(s.revoked_at, 0), " USER_STORE_COLUMNS USER_STORE_FROM
		      " JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = $1",
		      DB_ARGS(DB_T(token_hash)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "session_not_found", NULL, "no such session");
	s->id = db_res_int(r, 0, 0);
	s->user_id = db_res_int(r, 0, 1);
	s->created_at = db_res_int(r, 0, 2);
	s->last_seen_at = db_res_int(r, 0, 3);
	s->expires_at = db_res_int(r, 0, 4);
	s->revoked_at = db_res_int(r, 0, 5);
	user_store_from_row(r, 0, 6, u);
	return GZF_OK;
}

int
session_store_touch(struct db_conn *c, int64_t id, int64_t now, struct gzf_err *err)
{
	return db_exec(c, "UPDATE sessions SET last_seen_at = $1 WHERE id = $2",
		       DB_ARGS(DB_I(now), DB_I(id)), NULL, err);
}

int
session_store_revoke(struct db_conn *c, int64_t id, int64_t now, struct gzf_err *err)
{
	return db_exec(c, "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
		       DB_ARGS(DB_I(now), DB_I(id)), NULL, err);
}

int
session_store_revoke_user(struct db_conn *c, int64_t user_id, int64_t now, struct gzf_err *err)
{
	return db_exec(c, "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
		       DB_ARGS(DB_I(now), DB_I(user_id)), NULL, err);
}
