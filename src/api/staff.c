/*
 * staff.c — staff accounts and the region tree, managed by administrators inside
 * their own region: create, list, read, change, and reveal a member's phone number.
 * A member's name and phone number are sealed at rest, like residents' personal data.
 */
#include "api/api.h"
#include "core/crypto.h"
#include "domain/pii.h"
#include "store/region_store.h"
#include "store/user_store.h"
#include "store/session_store.h"

#include <ctype.h>
#include <string.h>

static int staff_list(struct http_req *req);
static int staff_create(struct http_req *req);
static int staff_get(struct http_req *req);
static int staff_patch(struct http_req *req);
static int staff_reveal(struct http_req *req);
static int region_create(struct http_req *req);
static int load_member(struct http_req *req, struct db_conn *c, struct user *u, struct object *obj);
static int check_username(struct http_req *req, const char *username);
static int place_role(struct http_req *req, struct db_conn *c, const char *role_name,
		      int64_t region_code, enum role *role, struct region *region);

void
api_staff_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/staff", staff_list);
	router_add(r, "POST", "/api/v1/staff", staff_create);
	router_add(r, "GET", "/api/v1/staff/:id", staff_get);
	router_add(r, "PATCH", "/api/v1/staff/:id", staff_patch);
	router_add(r, "POST", "/api/v1/staff/:id/reveal", staff_reveal);
	router_add(r, "POST", "/api/v1/regions", region_create);
}

static int
check_username(struct http_req *req, const char *username)
{
	size_t i, n = strlen(username);

	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)username[i]) || isdigit((unsigned char)username[i]) ||
		      username[i] == '_' || username[i] == '.' || username[i] == '-'))
			break;
	if (n < 3 || n > 32 || i < n)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_username", "username",
				   "username must be 3 to 32 characters: lowercase letters, digits, '_', '.' or '-'");
	return GZF_OK;
}

/* Resolve a role name and a region code, and check the role belongs at that level. */
static int
place_role(struct http_req *req, struct db_conn *c, const char *role_name, int64_t region_code,
	   enum role *role, struct region *region)
{
	int rc;

	if (authz_role_parse(role_name, role) != GZF_OK)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_role", "role", "unknown role '%s'", role_name);
	rc = region_store_get(c, region_code, region, &req->err);
	if (rc == GZF_ENOTFOUND)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_region", "region_code",
				   "no region with code %lld", (long long)region_code);
	if (rc != GZF_OK)
		return rc;
	if (!authz_role_fits_level(*role, region->level))
		return gzf_err_set(&req->err, GZF_EINVAL, "role_level_mismatch", "role",
				   "a %s cannot be placed at a %s", role_name, region->level);
	return GZF_OK;
}

static json_t *
member_json(struct http_req *req, const struct user *u)
{
	json_t *o = api_account_json(req, u);

	json_object_set_new(o, "created_at", json_integer(u->created_at));
	return o;
}

/* GET /api/v1/staff?region=CODE&role=NAME&after=ID&limit=N */
static int
staff_list(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct region region;
	struct object obj;
	struct user *list;
	const char *role = http_query(req, "role");
	int64_t after, limit;
	enum role parsed;
	json_t *items;
	int rc, n, i;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_query_region(req, c, who, &region)) != GZF_OK ||
	    (rc = api_query_int(req, "after", 0, INT64_MAX, 0, &after)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, 200, 50, &limit)) != GZF_OK)
		return rc;
	if (role != NULL && authz_role_parse(role, &parsed) != GZF_OK)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_role", "role", "unknown role '%s'", role);
	obj = (struct object){ .region_path = region.path };
	if ((rc = api_authorize(req, c, who, ACT_STAFF_LIST, &obj, "staff.list", "region", region.code)) != GZF_OK ||
	    (rc = user_store_staff_list(c, region.path, role, (int)limit, after, &list, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, member_json(req, &list[i]));
	return http_reply_json(req, 200, json_pack("{s:o, s:o}", "items", items, "next_after",
		n == limit ? json_integer(list[n - 1].id) : json_null()));
}

/* POST /api/v1/staff {"username","display_name","phone","password","role","region_code"} */
static int
staff_create(struct http_req *req)
{
	struct service *svc = req->service;
	const char *username, *display_name, *phone, *password, *role_name;
	char pwhash[CRYPTO_PWHASH_MAX];
	struct caller *who;
	struct db_conn *c;
	struct region region;
	struct object obj;
	struct user u = { 0 };
	enum role role;
	json_t *body, *jr;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "username", 1, 32, &username)) != GZF_OK ||
	    (rc = api_field_string(req, body, "display_name", 1, 40, &display_name)) != GZF_OK ||
	    (rc = api_field_string(req, body, "phone", 1, 20, &phone)) != GZF_OK ||
	    (rc = api_field_string(req, body, "password", 1, 64, &password)) != GZF_OK ||
	    (rc = api_field_string(req, body, "role", 1, 32, &role_name)) != GZF_OK)
		return rc;
	jr = json_object_get(body, "region_code");
	if (!json_is_integer(jr))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "region_code", "region_code is required");
	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	if ((rc = check_username(req, username)) != GZF_OK ||
	    (rc = pii_check_name(display_name, "display_name", &req->err)) != GZF_OK ||
	    (rc = pii_check_phone(phone, &req->err)) != GZF_OK ||
	    (rc = pii_check_password(password, &req->err)) != GZF_OK ||
	    (rc = place_role(req, c, role_name, json_integer_value(jr), &role, &region)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = region.path, .role = role };
	if ((rc = api_authorize(req, c, who, ACT_STAFF_CREATE, &obj, "staff.create", "region", region.code)) != GZF_OK)
		return rc;
	if (crypto_password_hash(password, pwhash) != GZF_OK)
		return gzf_err_set(&req->err, GZF_EINTERNAL, "internal", NULL, "could not protect the password");
	u.kind = "staff";
	u.city_id = region.city_id;
	u.region_code = region.code;
	u.role = role_name;
	u.username = username;
	crypto_seal(req->arena, svc->secrets->data_key, display_name, (char **)&u.display_name_enc);
	u.phone_hash = api_hash(req, svc->secrets->index_key, "phone", phone);
	crypto_seal(req->arena, svc->secrets->data_key, phone, (char **)&u.phone_enc);
	u.password_hash = pwhash;
	u.created_by = who->actor.user_id;
	u.created_at = gzf_now_ms();
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	rc = user_store_create(c, &u, &u.id, &req->err);
	if (rc == GZF_ECONFLICT)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "staff_exists", "username",
				   "a staff account with this username or phone number already exists");
	if (rc != GZF_OK ||
	    (rc = api_audit(req, c, who, "staff.create", "staff", u.id, region.code, "ok",
			    arena_printf(req->arena, "{\"role\":\"%s\"}", role_name))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = user_store_get(c, u.id, &u, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:o}", "staff", member_json(req, &u)));
}

/* Load the staff member named by :id and describe it for authorisation. A resident's
 * id is "not found" here, like an id that does not exist. */
static int
load_member(struct http_req *req, struct db_conn *c, struct user *u, struct object *obj)
{
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK)
		return rc;
	rc = user_store_get(c, id, u, &req->err);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && strcmp(u->kind, "staff") != 0))
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "not_found", NULL, "no such staff member");
	if (rc != GZF_OK)
		return rc;
	*obj = (struct object){ .region_path = u->region_path };
	authz_role_parse(u->role, &obj->role);
	return GZF_OK;
}

/* GET /api/v1/staff/:id */
static int
staff_get(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	struct user u;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = load_member(req, c, &u, &obj)) != GZF_OK ||
	    (rc = api_authorize(req, c, who, ACT_STAFF_READ, &obj, "staff.read", "staff", u.id)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "staff", member_json(req, &u)));
}

/* PATCH /api/v1/staff/:id {"display_name"?, "role"?, "region_code"?, "status"?} — the
 * actor must be allowed to manage the member both where it is and where it goes. */
static int
staff_patch(struct http_req *req)
{
	struct service *svc = req->service;
	const char *display_name, *role_name, *status;
	struct caller *who;
	struct db_conn *c;
	struct region region;
	struct object obj, target;
	struct user u;
	enum role role;
	json_t *body, *jr;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "display_name", 0, 40, &display_name)) != GZF_OK ||
	    (rc = api_field_string(req, body, "role", 0, 32, &role_name)) != GZF_OK ||
	    (rc = api_field_string(req, body, "status", 0, 16, &status)) != GZF_OK)
		return rc;
	jr = json_object_get(body, "region_code");
	if (jr != NULL && !json_is_integer(jr))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_type", "region_code", "region_code must be a number");
	if (status != NULL && strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "status",
				   "status must be \"active\" or \"disabled\"");
	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = load_member(req, c, &u, &obj)) != GZF_OK ||
	    (rc = api_authorize(req, c, who, ACT_STAFF_UPDATE, &obj, "staff.update", "staff", u.id)) != GZF_OK)
		return rc;
	if (u.id == who->actor.user_id && (role_name || jr || status))
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "forbidden", NULL,
				   "you cannot change your own role, region or status; ask another administrator");
	if (display_name != NULL && (rc = pii_check_name(display_name, "display_name", &req->err)) != GZF_OK)
		return rc;
	if ((rc = place_role(req, c, role_name ? role_name : u.role,
			     jr ? json_integer_value(jr) : u.region_code, &role, &region)) != GZF_OK)
		return rc;
	target = (struct object){ .region_path = region.path, .role = role };
	if ((rc = api_authorize(req, c, who, ACT_STAFF_UPDATE, &target, "staff.update", "staff", u.id)) != GZF_OK)
		return rc;
	if (display_name != NULL)
		crypto_seal(req->arena, svc->secrets->data_key, display_name,
			    (char **)&u.display_name_enc);
	u.role = authz_role_name(role);
	u.region_code = region.code;
	u.city_id = region.city_id;
	u.status = status ? status : u.status;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = user_store_staff_update(c, &u, gzf_now_ms(), &req->err)) != GZF_OK ||
	    (status && strcmp(status, "disabled") == 0 &&
	     (rc = session_store_revoke_user(c, u.id, gzf_now_ms(), &req->err)) != GZF_OK) ||
	    (rc = api_audit(req, c, who, "staff.update", "staff", u.id, region.code, "ok",
			    arena_printf(req->arena, "{\"role\":\"%s\",\"status\":\"%s\"}", u.role, u.status))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = user_store_get(c, u.id, &u, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "staff", member_json(req, &u)));
}

/* POST /api/v1/staff/:id/reveal {"field":"phone"} — the full number, audited. */
static int
staff_reveal(struct http_req *req)
{
	static const char *const fields[] = { "phone", NULL };
	const char *field;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	struct user u;
	int rc;

	if ((rc = api_read_choice(req, "field", fields, &field)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = load_member(req, c, &u, &obj)) != GZF_OK ||
	    (rc = api_authorize(req, c, who, ACT_STAFF_REVEAL, &obj, "staff.reveal", "staff", u.id)) != GZF_OK)
		return rc;
	return api_reply_revealed(req, c, who, "staff.reveal", "staff", u.id, u.region_code, field, u.phone_enc);
}

/* POST /api/v1/regions {"code","parent_code","level","name","name_en"?} — a new region
 * one level below its parent, inside the administrator's own region. */
static int
region_create(struct http_req *req)
{
	const char *level, *child, *name, *name_en;
	struct caller *who;
	struct db_conn *c;
	struct region parent, r = { 0 };
	struct object obj;
	json_t *body, *jc, *jp;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "level", 1, 16, &level)) != GZF_OK ||
	    (rc = api_field_string(req, body, "name", 1, 60, &name)) != GZF_OK ||
	    (rc = api_field_string(req, body, "name_en", 0, 120, &name_en)) != GZF_OK)
		return rc;
	jc = json_object_get(body, "code");
	jp = json_object_get(body, "parent_code");
	if (!json_is_integer(jc) || json_integer_value(jc) <= 0 || json_integer_value(jc) > 999999999999)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_code", "code",
				   "code must be the official administrative code (up to 12 digits)");
	if (!json_is_integer(jp))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "parent_code", "parent_code is required");
	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	rc = region_store_get(c, json_integer_value(jp), &parent, &req->err);
	if (rc == GZF_ENOTFOUND)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_region", "parent_code", "no such parent region");
	if (rc != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = parent.path };
	if ((rc = api_authorize(req, c, who, ACT_REGION_CREATE, &obj, "region.create", "region", parent.code)) != GZF_OK)
		return rc;
	child = authz_level_child(parent.level);
	if (child == NULL || strcmp(child, level) != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_level", "level",
				   "a region under a %s must be a %s", parent.level,
				   child != NULL ? child : "(nothing)");
	r.code = json_integer_value(jc);
	r.parent_code = parent.code;
	r.level = level;
	r.name = name;
	r.name_en = name_en;
	r.city_id = strcmp(level, "city") == 0 ? r.code : parent.city_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	rc = region_store_get(c, r.code, &parent, &req->err);
	if (rc == GZF_OK)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "region_exists", "code",
				   "a region with code %lld already exists", (long long)r.code);
	gzf_err_clear(&req->err);
	if ((rc = region_store_put(c, &r, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "region.create", "region", r.code, r.code, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = region_store_get(c, r.code, &r, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:I, s:s, s:s, s:s}", "code", (json_int_t)r.code,
						   "level", r.level, "name", r.name, "path", r.path));
}
