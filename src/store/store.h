/*
 * store.h — the use-case queries, one source file per resource (region.c, ...). Each
 * function takes a connection from db_acquire(); strings in results live in that
 * connection's arena. Callers own the transaction (db_begin/db_commit).
 */
#ifndef GZF_STORE_STORE_H
#define GZF_STORE_STORE_H

#include "store/db.h"

/* ---- regions (region.c) ---- */

struct region {
	int64_t code;
	int64_t parent_code; /* 0 for the root */
	const char *level;   /* nation, province, city, district, street, community */
	const char *name;
	const char *name_en;
	int64_t city_id;     /* 0 above city level */
	const char *path;    /* "/100000/230000/230600/": codes from the root down */
};

/* region_store_put — insert r (its path is derived from the parent's), or update its
 * names if the code exists. GZF_ENOTFOUND when the parent does not exist. */
int region_store_put(struct db_conn *c, const struct region *r, struct gzf_err *err);

/* region_store_get — the region with code; GZF_ENOTFOUND if none. */
int region_store_get(struct db_conn *c, int64_t code, struct region *out, struct gzf_err *err);

/* region_store_children — the regions under parent (0: the roots), by code, in an
 * arena array of *n. */
int region_store_children(struct db_conn *c, int64_t parent, struct region **out, int *n,
			  struct gzf_err *err);

/* ---- accounts (user.c) ---- */

/* An account. Personal fields are as stored: *_enc encrypted, *_hash keyed hashes. */
struct user {
	int64_t id;
	const char *kind;          /* "resident" or "staff" */
	int64_t city_id;
	int64_t region_code;       /* staff: their region; residents: 0 */
	const char *region_path;   /* staff: their region's; residents: their city's */
	const char *region_level;
	const char *role;          /* staff only */
	const char *username;      /* staff only */
	const char *display_name_enc; /* staff only */
	const char *phone_hash;
	const char *phone_enc;
	const char *real_name_enc;
	const char *id_hash;
	const char *id_enc;
	int64_t real_name_at;      /* 0 until real-name authentication passed */
	const char *password_hash;
	const char *status;        /* "active" or "disabled" */
	int64_t created_by;
	int64_t created_at;
	int64_t updated_at;
};

/* user_store_create — insert u (id, path and level ignored); *id gets the new id.
 * GZF_ECONFLICT when the phone (per kind) or the username is taken. */
int user_store_create(struct db_conn *c, const struct user *u, int64_t *id, struct gzf_err *err);

/* user_store_get — by id; GZF_ENOTFOUND if none. */
int user_store_get(struct db_conn *c, int64_t id, struct user *out, struct gzf_err *err);

/* user_store_by_phone — the account of kind with this phone hash; GZF_ENOTFOUND. */
int user_store_by_phone(struct db_conn *c, const char *kind, const char *phone_hash,
			struct user *out, struct gzf_err *err);

/* user_store_by_username — the staff account with this username; GZF_ENOTFOUND. */
int user_store_by_username(struct db_conn *c, const char *username, struct user *out,
			   struct gzf_err *err);

/* user_store_set_password — replace the password hash. */
int user_store_set_password(struct db_conn *c, int64_t id, const char *hash, int64_t now,
			    struct gzf_err *err);

/* user_store_set_real_name — record a passed real-name check. GZF_ECONFLICT when
 * another account already holds this ID number (id_hash). */
int user_store_set_real_name(struct db_conn *c, int64_t id, const char *name_enc,
			     const char *id_hash, const char *id_enc, int64_t now,
			     struct gzf_err *err);

/* user_store_staff_list — staff whose region is inside the subtree at path, optionally of
 * one role (NULL: all), ordered by id, at most limit after after_id. */
int user_store_staff_list(struct db_conn *c, const char *path, const char *role, int limit,
		     int64_t after_id, struct user **out, int *n, struct gzf_err *err);

/* A staff member's display name still stored in clear, from before names were sealed. */
struct staff_name {
	int64_t id;
	const char *name;
};

/* user_store_staff_clear_names — the staff whose display name is stored in clear, in an arena
 * array of *n. */
int user_store_staff_clear_names(struct db_conn *c, struct staff_name **out, int *n,
			    struct gzf_err *err);

/* user_store_staff_seal_name — store id's sealed display name and forget the clear one. */
int user_store_staff_seal_name(struct db_conn *c, int64_t id, const char *name_enc,
			  struct gzf_err *err);

/* user_store_staff_update — set a staff member's region, role, sealed name and status. */
int user_store_staff_update(struct db_conn *c, const struct user *u, int64_t now,
		       struct gzf_err *err);

/* ---- sessions (session.c) ---- */

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

/* ---- SMS codes (sms_code.c) ---- */

struct sms_code {
	int64_t id;
	const char *code_hash;
	int64_t created_at;
	int64_t expires_at;
	int attempts;
};

/* sms_code_store_create — remember a code sent to phone_hash for purpose. */
int sms_code_store_create(struct db_conn *c, int64_t city_id, const char *phone_hash,
		      const char *purpose, const char *code_hash, int64_t now, int64_t expires_at,
		      struct gzf_err *err);

/* sms_code_store_latest — the newest unused, unexpired code; GZF_ENOTFOUND. */
int sms_code_store_latest(struct db_conn *c, const char *phone_hash, const char *purpose,
		      int64_t now, struct sms_code *out, struct gzf_err *err);

/* sms_code_store_attempt — count a wrong try; sms_code_store_use marks it used (once:
 * GZF_ECONFLICT when it already was). */
int sms_code_store_attempt(struct db_conn *c, int64_t id, struct gzf_err *err);
int sms_code_store_use(struct db_conn *c, int64_t id, int64_t now, struct gzf_err *err);

/* ---- attempt throttles (throttle.c) ---- */

struct throttle {
	int attempts;
	int64_t window_start;
	int64_t locked_until;
};

/* throttle_store_get — the state of scope (all zero when none). */
int throttle_store_get(struct db_conn *c, const char *scope, struct throttle *out,
		       struct gzf_err *err);

/* throttle_store_put — save the state of scope. */
int throttle_store_put(struct db_conn *c, const char *scope, int64_t city_id,
		       const struct throttle *t, struct gzf_err *err);

/* throttle_store_clear — forget scope (after a success). */
int throttle_store_clear(struct db_conn *c, const char *scope, struct gzf_err *err);

#endif
