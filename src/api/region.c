/*
 * region.c — the public region tree (province → city → district → street →
 * community): forms use it to pick where a household lives. Also the levels of the
 * tree and where each staff role may be placed, as authz.c decides them.
 */
#include "api/api.h"
#include "store/region_store.h"

static int regions_list(struct http_req *req);
static int region_get(struct http_req *req);
static json_t *region_json(const struct region *r);
static int meta_roles(struct http_req *req);

void
api_region_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/regions", regions_list);
	router_add(r, "GET", "/api/v1/regions/:code", region_get);
	router_add(r, "GET", "/api/v1/meta/roles", meta_roles);
}

static json_t *
region_json(const struct region *r)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "code", (json_int_t)r->code,
			      "level", r->level, "name", r->name, "name_en", r->name_en,
			      "office_address", r->office_address, "office_phone", r->office_phone);

	json_object_set_new(o, "parent_code", r->parent_code ? json_integer(r->parent_code) : json_null());
	json_object_set_new(o, "city_id", r->city_id ? json_integer(r->city_id) : json_null());
	return o;
}

/* GET /api/v1/regions?parent=CODE — the children of parent (the top when absent). */
static int
regions_list(struct http_req *req)
{
	struct db_conn *c;
	struct region *list;
	int64_t parent;
	json_t *items;
	int rc, n, i;

	if ((rc = api_query_int(req, "parent", 1, 999999999999, 0, &parent)) != GZF_OK)
		return rc;
	if ((rc = api_db(req, &c)) != GZF_OK)
		return rc;
	if ((rc = region_store_children(c, parent, &list, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, region_json(&list[i]));
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/v1/regions/:code — one region with its path from the top. */
static int
region_get(struct http_req *req)
{
	struct db_conn *c;
	struct region r, up;
	int64_t code;
	json_t *path;
	int rc;

	if ((rc = api_param_int(req, "code", &code)) != GZF_OK)
		return rc;
	if ((rc = api_db(req, &c)) != GZF_OK)
		return rc;
	if ((rc = region_store_get(c, code, &r, &req->err)) != GZF_OK)
		return rc;
	path = json_array();
	for (up = r; up.parent_code != 0;) {
		if ((rc = region_store_get(c, up.parent_code, &up, &req->err)) != GZF_OK) {
			json_decref(path);
			return rc;
		}
		json_array_insert_new(path, 0, region_json(&up));
	}
	json_t *o = region_json(&r);
	json_object_set_new(o, "path", path);
	return http_reply_json(req, 200, o);
}

/* GET /api/v1/meta/roles — the region levels from the top, each with the level below
 * it (null for a community), and for each staff role the levels where it may be
 * placed: what the staff API enforces, for the console's pickers. Public. */
static int
meta_roles(struct http_req *req)
{
	json_t *levels = json_array(), *roles = json_array(), *at;
	const char *name, *child;
	int l, role;

	for (l = LEVEL_NONE + 1; l < LEVEL_COUNT; l++) {
		name = authz_level_name((enum level)l);
		child = authz_level_child(name);
		json_array_append_new(levels, json_pack("{s:s, s:o}", "code", name,
							"child", child ? json_string(child) : json_null()));
	}
	for (role = ROLE_NONE + 1; role < ROLE_COUNT; role++) {
		at = json_array();
		for (l = LEVEL_NONE + 1; l < LEVEL_COUNT; l++) {
			name = authz_level_name((enum level)l);
			if (authz_role_fits_level((enum role)role, name))
				json_array_append_new(at, json_string(name));
		}
		json_array_append_new(roles, json_pack("{s:s, s:o}", "code", authz_role_name((enum role)role),
						       "levels", at));
	}
	return http_reply_json(req, 200, json_pack("{s:o, s:o}", "levels", levels, "roles", roles));
}
