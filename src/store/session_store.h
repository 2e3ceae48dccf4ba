/*
 * session_store.h — the rows of sessions (session.c).
 */
#ifndef GZF_STORE_SESSION_STORE_H
#define GZF_STORE_SESSION_STORE_H

#include "store/db.h"
#include "store/user_store.h"

struct session {
	int64_t id;
	int64_t user_id;
	int64_t created_at;
	int64_t last_seen_at;
	int64_t expires_at;
	int64_t revoked_at;
};

/* session_store_create — a new session for user, found later by token_hash. */
int session_store_create(struct db_conn *c, const struct user *u, const char *token_hash,
			 int64_t now, int64_t expires_at, const char *client_ip,
			 const char *user_agent, struct gzf_err *err);

/* session_store_find — the session with token_hash and its account; GZF_ENOTFOUND. */
int session_store_find(struct db_conn *c, const char *token_hash, struct session *s,
		       struct user *u, struct gzf_err *err);

/* session_store_touch — record activity now. */
int session_store_touch(struct db_conn *c, int64_t id, int64_t now, struct gzf_err *err);

/* session_store_revoke — end one session; session_store_revoke_user ends all of a
 * user's sessions (after a password change). */
int session_store_revoke(struct db_conn *c, int64_t id, int64_t now, struct gzf_err *err);
int session_store_revoke_user(struct db_conn *c, int64_t user_id, int64_t now,
			      struct gzf_err *err);
#endif
