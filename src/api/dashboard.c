/*
 * dashboard.c — the staff console's home (工作台): for the signed-in member, what waits
 * for them and when it is due. Per step of the city's review chain that their role
 * decides: how many applications wait (the worklist's count), how many are due today and
 * how many are overdue; for content editors the drafts; for the housing stock's managers
 * and readers the vacant units, and those of them not published. What a role may not
 * read is left out, not refused: authz_check decides each part.
 */
#include "api/api.h"
#include "domain/workflow.h"
#include "store/application_store.h"
#include "store/article_store.h"
#include "store/housing_store.h"

#include <string.h>

#define DAY_MS 86400000LL
#define CHINA_OFFSET_MS (8 * 3600000LL) /* deadlines and days are China time (UTC+8) */

static int dashboard_get(struct http_req *req);
static int steps_json(struct http_req *req, struct db_conn *c, const struct caller *who, int64_t now,
		      json_t *out);

void
api_dashboard_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/me/dashboard", dashboard_get);
}

/* GET /api/v1/me/dashboard — {"steps":[{step,name,kind,count,due_today,overdue}],
 * "count","due_today","overdue" (their sums), "drafts"?, "housing"?:{vacant,unpublished}}. */
static int
dashboard_get(struct http_req *req)
{
	int64_t now = gzf_now_ms(), vacant, unpublished, total;
	struct article_query q = { .public_city = -1, .status = "draft", .limit = 1 };
	struct article *list;
	struct caller *who;
	struct db_conn *c;
	struct object own;
	json_t *o;
	int rc, n;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	own = (struct object){ .region_path = who->actor.region_path };
	if (who->actor.kind != ACTOR_STAFF)
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "forbidden", NULL,
				   "the dashboard is the staff's");
	o = http_json_owned(req, json_object());
	if ((rc = steps_json(req, c, who, now, o)) != GZF_OK)
		return rc;
	if (authz_check(&who->actor, ACT_CONTENT_EDIT, &own) == GZF_OK) {
		q.city = who->actor.city_id;
		if ((rc = article_store_list(c, &q, &list, &n, &total, &req->err)) != GZF_OK)
			return rc;
		json_object_set_new(o, "drafts", json_integer(n == 0 ? 0 : total));
	}
	if (authz_check(&who->actor, ACT_HOUSING_READ, &own) == GZF_OK) {
		if ((rc = housing_store_unit_counts(c, who->actor.region_path, &vacant, &unpublished,
						    &req->err)) != GZF_OK)
			return rc;
		json_object_set_new(o, "housing", json_pack("{s:I, s:I}", "vacant", (json_int_t)vacant,
							    "unpublished", (json_int_t)unpublished));
	}
	return http_reply_json(req, 200, json_incref(o));
}

/* The steps who decides (the worklist's rule: the step's decider is their role), with
 * their counts, into out; nothing for a role that reads no applications. */
static int
steps_json(struct http_req *req, struct db_conn *c, const struct caller *who, int64_t now, json_t *out)
{
	struct object own = { .region_path = who->actor.region_path };
	/* The end of today in China time: deadlines before it and not yet past are due today. */
	int64_t day_end = ((now + CHINA_OFFSET_MS) / DAY_MS + 1) * DAY_MS - CHINA_OFFSET_MS;
	int64_t total, due, overdue, sum_total = 0, sum_due = 0, sum_overdue = 0;
	const json_t *s;
	json_t *chain, *steps;
	size_t i;
	int rc;

	steps = json_array();
	json_object_set_new(out, "steps", steps);
	if (who->actor.city_id != 0 && authz_check(&who->actor, ACT_APP_READ, &own) == GZF_OK) {
		if ((rc = workflow_chain_get(c, who->actor.city_id, &chain, &req->err)) != GZF_OK)
			return rc;
		http_json_owned(req, chain);
		json_array_foreach(json_object_get(chain, "steps"), i, s) {
			if (strcmp(workflow_step_decider(s), authz_role_name(who->actor.role)) != 0)
				continue;
			if ((rc = application_store_step_counts(c, who->actor.city_id,
					workflow_step_str(s, "code"), who->actor.region_path, now, day_end,
					&total, &due, &overdue, NULL, &req->err)) != GZF_OK)
				return rc;
			json_array_append_new(steps, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}",
				"step", workflow_step_str(s, "code"), "name", workflow_step_str(s, "name"),
				"kind", workflow_step_str(s, "kind"), "count", (json_int_t)total,
				"due_today", (json_int_t)due, "overdue", (json_int_t)overdue));
			sum_total += total;
			sum_due += due;
			sum_overdue += overdue;
		}
	}
	json_object_set_new(out, "count", json_integer(sum_total));
	json_object_set_new(out, "due_today", json_integer(sum_due));
	json_object_set_new(out, "overdue", json_integer(sum_overdue));
	return GZF_OK;
}
