/*
 * audit.c — the audit log as staff search it: administrators and supervisors, each
 * only within their region's subtree.
 */
#include "api/api.h"
#include "domain/audit.h"
#include "store/region_store.h"

static int audit_list(struct http_req *req);
static json_t *row_json(const struct audit_row *r);

void
api_audit_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/audit", audit_list);
}

static json_t *
row_json(const struct audit_row *r)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id,
			      "at", (json_int_t)r->at, "actor_kind", r->actor_kind,
			      "action", r->action, "result", r->result,
			      "client_ip", r->client_ip ? r->client_ip : "");

	json_object_set_new(o, "actor_id", r->actor_id ? json_integer(r->actor_id) : json_null());
	json_object_set_new(o, "actor_role", r->actor_role ? json_string(r->actor_role) : json_null());
	json_object_set_new(o, "actor_region", r->actor_region ? json_integer(r->actor_region) : json_null());
	json_object_set_new(o, "object_type", r->object_type ? json_string(r->object_type) : json_null());
	json_object_set_new(o, "object_id", r->object_id ? json_string(r->object_id) : json_null());
	json_object_set_new(o, "object_region", r->object_region ? json_integer(r->object_region) : json_null());
	json_object_set_new(o, "request_id", r->request_id ? json_string(r->request_id) : json_null());
	json_object_set_new(o, "detail", r->detail ? json_loads(r->detail, 0, NULL) : json_null());
	return o;
}

/* GET /api/v1/audit?region=&action=&actor=&object_type=&object_id=&from=&to=&before=&limit= */
static int
audit_list(struct http_req *req)
{
	struct audit_filter f = { 0 };
	struct audit_row *rows;
	struct caller *who;
	struct db_conn *c;
	struct region region;
	struct object obj;
	int64_t limit;
	json_t *items;
	int rc, n, i;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_query_region(req, c, who, &region)) != GZF_OK ||
	    (rc = api_query_int(req, "actor", 0, INT64_MAX, 0, &f.actor_id)) != GZF_OK ||
	    (rc = api_query_int(req, "from", 0, INT64_MAX, 0, &f.from_ms)) != GZF_OK ||
	    (rc = api_query_int(req, "to", 0, INT64_MAX, 0, &f.to_ms)) != GZF_OK ||
	    (rc = api_query_int(req, "before", 0, INT64_MAX, 0, &f.before_id)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, 200, 50, &limit)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = region.path };
	if ((rc = api_authorize(req, c, who, ACT_AUDIT_SEARCH, &obj, "audit.search", "region", region.code)) != GZF_OK)
		return rc;
	f.region_path = region.path;
	f.city_id = region.city_id;
	f.action = http_query(req, "action");
	f.object_type = http_query(req, "object_type");
	f.object_id = http_query(req, "object_id");
	f.limit = (int)limit;
	if ((rc = audit_search(c, &f, &rows, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, row_json(&rows[i]));
	return http_reply_json(req, 200, json_pack("{s:o, s:o}", "items", items, "next_before",
		n == limit ? json_integer(rows[n - 1].id) : json_null()));
}
