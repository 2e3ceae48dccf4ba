/*
 * user_store.h — the rows of accounts (user.c).
 */
#ifndef GZF_STORE_USER_STORE_H
#define GZF_STORE_USER_STORE_H

#include "store/db.h"

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
	const char *lang;          /* the language of its app: "zh-CN" or "en" (migration 055) */
};

/* The columns of a user (u) and its region (r), from USER_STORE_FROM: a statement of
 * another store that reads the account with its own row uses both, and
 * user_store_from_row. */
#define USER_STORE_COLUMNS \
	"u.id, u.kind, u.city_id, COALESCE(u.region_code, 0), r.path, r.level, u.role, u.username," \
	" u.display_name_enc, u.phone_hash, u.phone_enc, u.real_name_enc, u.id_hash, u.id_enc," \
	" COALESCE(u.real_name_at, 0), u.password_hash, u.status, COALESCE(u.created_by, 0)," \
	" u.created_at, u.updated_at, u.lang"
/* A staff member's region is their own; a resident's is their city. */
#define USER_STORE_FROM " FROM users u JOIN regions r ON r.code = COALESCE(u.region_code, u.city_id)"

/* user_store_from_row — the user in the columns of USER_STORE_COLUMNS from column first
 * of row; its strings borrowed from r. */
void user_store_from_row(const struct db_res *r, int row, int first, struct user *u);

/* user_store_create — insert u (id, path and level ignored); *id gets the new id.
 * GZF_ECONFLICT when the phone (per kind) or the username is taken. */
int user_store_create(struct db_conn *c, const struct user *u, int64_t *id, struct gzf_err *err);

/* user_store_get — by id; GZF_ENOTFOUND if none. */
int user_store_get(struct db_conn *c, int64_t id, struct user *out, struct gzf_err *err);

/* user_store_set_lang — the account's language, "zh-CN" or "en" (the caller checks it). */
int user_store_set_lang(struct db_conn *c, int64_t id, const char *lang, struct gzf_err *err);

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
#endif
