/*
 * user.c — the users table: residents' and staff accounts.
 */
#include "store/user_store.h"

#include <assert.h>

static int one_user(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
		    struct user *out, struct gzf_err *err);

void
user_store_from_row(const struct db_res *r, int row, int k, struct user *u)
{
	u->id = db_res_int(r, row, k);
	u->kind = db_res_text(r, row, k + 1);
	u->city_id = db_res_int(r, row, k + 2);
	u->region_code = db_res_int(r, row, k + 3);
	u->region_path = db_res_text(r, row, k + 4);
	u->region_level = db_res_text(r, row, k + 5);
	u->role = db_res_text(r, row, k + 6);
	u->username = db_res_text(r, row, k + 7);
	u->display_name_enc = db_res_text(r, row, k + 8);
	u->phone_hash = db_res_text(r, row, k + 9);
	u->phone_enc = db_res_text(r, row, k + 10);
	u->real_name_enc = db_res_text(r, row, k + 11);
	u->id_hash = db_res_text(r, row, k + 12);
	u->id_enc = db_res_text(r, row, k + 13);
	u->real_name_at = db_res_int(r, row, k + 14);
	u->password_hash = db_res_text(r, row, k + 15);
	u->status = db_res_text(r, row, k + 16);
	u->created_by = db_res_int(r, row, k + 17);
	u->created_at = db_res_int(r, row, k + 18);
	u->updated_at = db_res_int(r, row, k + 19);
	u->lang = db_res_text(r, row, k + 20);
}

static int
one_user(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
	 struct user *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc = db_query(c, sql, args, nargs, &r, err);

	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "account_not_found", NULL, "no such account");
	user_store_from_row(r, 0, 0, out);
	return GZF_OK;
}

int
user_store_create(struct db_conn *c, const struct user *u, int64_t *id, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	assert(u->kind != NULL && u->password_hash != NULL);
	rc = db_query(c,
		"INSERT INTO users (kind, city_id, region_code, role, username, display_name_enc,"
		" phone_hash, phone_enc, password_hash, status, created_by, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
		DB_ARGS(DB_T(u->kind), DB_I(u->city_id),
			u->region_code ? DB_I(u->region_code) : DB_NULLV, DB_T(u->role),
			DB_T(u->username), DB_T(u->display_name_enc), DB_T(u->phone_hash),
			DB_T(u->phone_enc), DB_T(u->password_hash), DB_T(u->status ? u->status : "active"),
			u->created_by ? DB_I(u->created_by) : DB_NULLV, DB_I(u->created_at)),
		&r, err);
	if (rc != GZF_OK)
		return rc;
	*id = db_res_int(r, 0, 0);
	return GZF_OK;
}

int
user_store_get(struct db_conn *c, int64_t id, struct user *out, struct gzf_err *err)
{
	return one_user(c, "SELECT " USER_STORE_COLUMNS USER_STORE_FROM " WHERE u.id = $1",
			DB_ARGS(DB_I(id)), out, err);
}

int
user_store_by_phone(struct db_conn *c, const char *kind, const char *phone_hash,
		    struct user *out, struct gzf_err *err)
{
	return one_user(c, "SELECT " USER_STORE_COLUMNS USER_STORE_FROM " WHERE u.kind = $1 AND u.phone_hash = $2",
			DB_ARGS(DB_T(kind), DB_T(phone_hash)), out, err);
}

int
user_store_by_username(struct db_conn *c, const char *username, struct user *out,
		       struct gzf_err *err)
{
	return one_user(c, "SELECT " USER_STORE_COLUMNS USER_STORE_FROM " WHERE u.username = $1 AND u.kind = 'staff'",
			DB_ARGS(DB_T(username)), out, err);
}

int
user_store_set_password(struct db_conn *c, int64_t id, const char *hash, int64_t now,
			struct gzf_err *err)
{
	return db_exec(c, "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3",
		       DB_ARGS(DB_T(hash), DB_I(now), DB_I(id)), NULL, err);
}

int
user_store_set_real_name(struct db_conn *c, int64_t id, const char *name_enc, const char *id_hash,
			 const char *id_enc, int64_t now, struct gzf_err *err)
{
	return db_exec(c,
		"UPDATE users SET real_name_enc = $1, id_hash = $2, id_enc = $3, real_name_at = $4,"
		" updated_at = $4 WHERE id = $5",
		DB_ARGS(DB_T(name_enc), DB_T(id_hash), DB_T(id_enc), DB_I(now), DB_I(id)), NULL, err);
}

int
user_store_staff_list(struct db_conn *c, const char *path, const char *role, int limit,
		 int64_t after_id, struct user **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	struct user *list;
	int rc, i;

	/* The subtree test is a prefix match on the region path; the pattern is built
	 * by the database from the bound path, so no input becomes SQL. */
	rc = db_query(c, "SELECT " USER_STORE_COLUMNS USER_STORE_FROM
		      " WHERE u.kind = 'staff' AND substr(r.path, 1, length(CAST($1 AS TEXT))) = $1"
		      " AND (CAST($2 AS TEXT) IS NULL OR u.role = $2) AND u.id > $3 ORDER BY u.id LIMIT $4",
		      DB_ARGS(DB_T(path), DB_T(role), DB_I(after_id), DB_I(limit)), &r, err);
	if (rc != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		user_store_from_row(r, i, 0, &list[i]);
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
user_store_staff_update(struct db_conn *c, const struct user *u, int64_t now, struct gzf_err *err)
{
	return db_exec(c,
		"UPDATE users SET region_code = $1, city_id = $2, role = $3, display_name_enc = $4,"
		" status = $5, updated_at = $6 WHERE id = $7 AND kind = 'staff'",
		DB_ARGS(DB_I(u->region_code), DB_I(u->city_id), DB_T(u->role), DB_T(u->display_name_enc),
			DB_T(u->status), DB_I(now), DB_I(u->id)), NULL, err);
}

int
user_store_staff_clear_names(struct db_conn *c, struct staff_name **out, int *n, struct gzf_err *err)
{
	struct staff_name *list;
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT id, display_name FROM users"
		      " WHERE kind = 'staff' AND display_name IS NOT NULL ORDER BY id",
		      DB_NOARGS, &r, err);
	if (rc != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++) {
		list[i].id = db_res_int(r, i, 0);
		list[i].name = db_res_text(r, i, 1);
	}
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
user_store_staff_seal_name(struct db_conn *c, int64_t id, const char *name_enc, struct gzf_err *err)
{
	return db_exec(c, "UPDATE users SET display_name_enc = $1, display_name = NULL WHERE id = $2",
		       DB_ARGS(DB_T(name_enc), DB_I(id)), NULL, err);
}

int
user_store_set_lang(struct db_conn *c, int64_t id, const char *lang, struct gzf_err *err)
{
	return db_exec(c, "UPDATE users SET lang = $1 WHERE id = $2", DB_ARGS(DB_T(lang), DB_I(id)),
		       NULL, err);
}
