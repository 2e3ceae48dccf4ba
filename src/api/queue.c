/*
 * queue.c — the waiting list (轮候, R6/R18): the resident's place on it (position in all
 * and in the group, the group and why, the households ahead competing for the same
 * layouts, the expected wait with its method, the history of every change), the city's
 * ordering rules, the staff list, and the staff's recheck and decisions on an entry.
 * How an entry moves is its state machine, domain/queue.c.
 */
#include "api/api.h"
#include "domain/pii.h"
#include "domain/queue.h"
#include "domain/workflow.h"
#include "partners/dept.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY_MAX 100

static int me_queue(struct http_req *req);
static int rules_get(struct http_req *req);
static int rules_put(struct http_req *req);
static int list(struct http_req *req);
static int recheck(struct http_req *req);
static int decide(struct http_req *req);

void
api_queue_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/me/queue", me_queue);
	router_add(r, "GET", "/api/v1/cities/:city/queue-rules", rules_get);
	router_add(r, "PUT", "/api/v1/cities/:city/queue-rules", rules_put);
	router_add(r, "GET", "/api/v1/cities/:city/queue", list);
	router_add(r, "POST", "/api/v1/queue/:id/recheck", recheck);
	router_add(r, "POST", "/api/v1/queue/:id/decision", decide);
}

/* The entry as the API shows it; name (may be NULL) is the applicant's, masked. */
static json_t *
entry_json(struct http_req *req, const struct queue_entry *e, const json_t *rules, const char *name)
{
	json_t *layouts = json_loads(e->layouts, 0, NULL);

	return json_pack("{s:I, s:I, s:s, s:s, s:{s:s, s:s, s:i, s:s}, s:i, s:i, s:i, s:i, s:o,"
			 " s:i, s:I, s:i, s:s, s:i, s:s?, s:I}",
		"id", (json_int_t)e->id, "application_id", (json_int_t)e->application_id,
		"kind", e->kind, "state", e->state,
		"group", "code", e->group_code, "name", queue_group_name(rules, e->group_code),
		"rank", e->group_rank, "reason", e->group_reason,
		"position", e->position, "group_position", e->group_position,
		"ahead_competing", e->ahead_competing, "persons", e->persons,
		"layouts", layouts ? layouts : json_array(), "max_area_m2", e->max_area_dm2 / 100,
		"qualified_at", (json_int_t)e->qualified_at, "points", e->points,
		"state_reason", e->state_reason, "version", e->version,
		"applicant", name ? pii_mask_name(req->arena, name) : NULL,
		"region_code", (json_int_t)e->region_code);
}

/* The expected wait of e: the supply of its layouts read, the method in words. */
static int
estimate_json(struct http_req *req, struct db_conn *c, const struct queue_entry *e, json_t **out)
{
	json_t *layouts = http_json_owned(req, json_loads(e->layouts, 0, NULL));
	struct queue_estimate est;
	int vacant, turnover, rc;

	if ((rc = queue_supply(c, e->city_id, layouts, gzf_now_ms(), &vacant, &turnover,
			       &req->err)) != GZF_OK)
		return rc;
	/* No allocation round is planned through gzf yet: rounds count no units. */
	queue_estimate_compute(json_array_size(layouts) > 0 && strcmp(e->state, "waiting") == 0,
			       e->ahead_competing, vacant, turnover, 0, &est);
	*out = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:s}", "status", est.status,
		"needed", est.needed, "vacant", est.vacant, "turnover_12m", est.turnover,
		"rounds", est.rounds, "p50_months", est.p50, "p90_months", est.p90,
		"method",
		"排在您前面、与您竞争同类户型的家庭每户需要一套房源，您需要其后的一套。"
		"您可选户型现有空置并已发布的房源与已计划轮次的房源先满足前面的家庭；"
		"其余按近12个月这些户型新发布房源的速度随机出现（泊松过程）估算：50%的可能在"
		"前一个数字的月数内、90%的可能在后一个数字的月数内轮到您。假设每套房源依次配给"
		"排在最前的竞争家庭、无人放弃；近12个月没有房源发布时无法估算。详见 docs/queue.md。");
	return GZF_OK;
}

/* GET /api/v1/me/queue — the resident's entry, estimate and history; {"entry": null} for a
 * household not on any list. */
static int
me_queue(struct http_req *req)
{
	struct queue_entry e;
	struct queue_change *h;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	json_t *rules, *history, *estimate;
	int rc, n, i, total, in_group;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	rc = queue_store_by_owner(c, who->actor.user_id, &e, &total, &in_group, &req->err);
	if (rc == GZF_ENOTFOUND) {
		gzf_err_clear(&req->err);
		return http_reply_json(req, 200, json_pack("{s:n}", "entry"));
	}
	if (rc != GZF_OK)
		return rc;
	obj = (struct object){ .owner_id = e.owner_id };
	if ((rc = api_authorize(req, c, who, ACT_QUEUE_READ, &obj, "queue.read", "queue_entry",
				e.id)) != GZF_OK ||
	    (rc = queue_rules_shared(c, e.city_id, gzf_now_ms(), &rules, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, rules);
	if ((rc = estimate_json(req, c, &e, &estimate)) != GZF_OK ||
	    (rc = queue_store_changes(c, e.id, HISTORY_MAX, &h, &n, &req->err)) != GZF_OK)
		return rc;
	history = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(history, json_pack("{s:I, s:s, s:s, s:i, s:i, s:s, s:s}",
			"at", (json_int_t)h[i].at, "cause", h[i].cause, "detail", h[i].detail,
			"position_from", h[i].position_from, "position_to", h[i].position_to,
			"group_from", h[i].group_from, "group_to", h[i].group_to));
	return http_reply_json(req, 200, json_pack("{s:o, s:i, s:i, s:o, s:o}",
		"entry", entry_json(req, &e, rules, NULL), "total", total, "group_total", in_group,
		"estimate", estimate, "history", history));
}

/* A city's waiting-list rules: public; the city administrator's. */
static const struct api_city_setting rules_setting = {
	.member = "rules", .act = ACT_QUEUE_RULES, .audit = "queue_rules.put",
	.get = queue_rules_get, .check = queue_rules_check,
};

/* GET /api/v1/cities/:city/queue-rules */
static int
rules_get(struct http_req *req)
{
	return api_city_setting_reply(req, &rules_setting);
}

/* PUT /api/v1/cities/:city/queue-rules {"rules"} — the lists are reordered under the new
 * rules in the same transaction. */
static int
rules_put(struct http_req *req)
{
	struct region city;
	struct caller *who;
	struct db_conn *c;
	const char *text;
	json_t *rules;
	int64_t now = gzf_now_ms();
	int rc;

	if ((rc = api_city_setting_read(req, &rules_setting, &c, &who, &city, &rules, &text)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = queue_store_rules_put(c, city.code, text, who->actor.user_id, now, &req->err)) != GZF_OK ||
	    (rc = queue_rules_apply(c, city.code, rules, now, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, rules_setting.audit, "region", city.code, city.code, "ok",
			    NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:I, s:O}", "city_id", (json_int_t)city.code,
						   "rules", rules));
}

static const char *const kinds[] = { "rental", "subsidy", NULL };
static const char *const states[] = { "waiting", "suspended", "housed", "removed", NULL };

/* The query parameter name, one of choices (NULL when absent); GZF_EINVAL otherwise. */
static int
query_choice(struct http_req *req, const char *name, const char *const *choices, const char **out)
{
	const char *v = http_query(req, name);
	int i;

	*out = NULL;
	if (v == NULL)
		return GZF_OK;
	for (i = 0; choices[i] != NULL; i++)
		if (strcmp(v, choices[i]) == 0) {
			*out = choices[i];
			return GZF_OK;
		}
	return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", name, "%s is not valid", name);
}

/* GET /api/v1/cities/:city/queue?kind=rental&state=&group=&offset=&limit= — staff: the
 * list in order, names masked. */
static int
list(struct http_req *req)
{
	const char *kind, *state, *group = http_query(req, "group"), **names;
	struct queue_entry *all;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	json_t *rules, *items;
	int64_t offset, limit;
	int rc, n, i, total;

	if ((rc = api_query_int(req, "offset", 0, 10000000, 0, &offset)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, 200, 50, &limit)) != GZF_OK ||
	    (rc = query_choice(req, "kind", kinds, &kind)) != GZF_OK ||
	    (rc = query_choice(req, "state", states, &state)) != GZF_OK)
		return rc;
	if (group != NULL && (strlen(group) > 24 || strspn(group, "abcdefghijklmnopqrstuvwxyz_") != strlen(group)))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "group", "group is not valid");
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city.path };
	if ((rc = api_authorize(req, c, who, ACT_QUEUE_READ, &obj, "queue.list", "region",
				city.code)) != GZF_OK ||
	    (rc = queue_rules_get(c, city.code, &rules, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, rules);
	if ((rc = queue_store_list(c, city.code, kind ? kind : "rental", state, group, (int)offset,
				   (int)limit, &all, &names, &n, &total, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, entry_json(req, &all[i], rules, api_unseal(req, names[i])));
	return http_reply_json(req, 200, json_pack("{s:o, s:i, s:O}", "items", items, "total", total,
						   "groups", json_object_get(rules, "groups")));
}

/* The entry named by :id, its application, and who may manage it (404 for those who may
 * not: an entry is as private as its application). */
static int
entry_load(struct http_req *req, struct db_conn *c, const struct caller *who, const char *audit,
	   struct queue_entry *e, struct application *a)
{
	struct object obj;
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = queue_store_get(c, id, e, &req->err)) != GZF_OK ||
	    (rc = application_store_get(c, e->application_id, a, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = a->region_path };
	if ((rc = api_authorize(req, c, who, ACT_QUEUE_MANAGE, &obj, audit, "queue_entry", e->id)) != GZF_OK)
		return rc == GZF_EFORBIDDEN ? gzf_err_set(&req->err, GZF_ENOTFOUND, "queue_entry_not_found",
							   NULL, "no such entry") : rc;
	return GZF_OK;
}

/* The entry after a change, as the reply. */
static int
reply_entry(struct http_req *req, struct db_conn *c, const struct queue_entry *e)
{
	json_t *rules;
	int rc;

	if ((rc = queue_rules_get(c, e->city_id, &rules, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, rules);
	return http_reply_json(req, 200, json_pack("{s:o}", "entry", entry_json(req, e, rules, NULL)));
}

/* POST /api/v1/queue/:id/recheck — the household's circumstances changed: ask the
 * departments again (nothing changes while a source is down: 503, with the reasons), then
 * its group follows what they say now; the household sees why in its history. */
static int
recheck(struct http_req *req)
{
	struct service *svc = req->service;
	struct queue_input in = { .party = FSM_DECIDER, .now = gzf_now_ms() };
	struct queue_entry e;
	struct application a;
	struct queue_facts f;
	struct caller *who;
	struct db_conn *c;
	json_t *h, *persons, *evidence;
	const char *plain;
	char reasons[512];
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = entry_load(req, c, who, "queue.recheck", &e, &a)) != GZF_OK)
		return rc;
	plain = api_unseal(req, a.household_enc);
	if (plain == NULL || (h = http_json_owned(req, json_loads(plain, 0, NULL))) == NULL)
		return gzf_err_set(&req->err, GZF_EINTERNAL, "bad_household", NULL,
				   "the household cannot be read");
	persons = http_json_owned(req, workflow_persons(h));
	if ((rc = dept_check_household(&svc->partners, persons, &evidence, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, evidence);
	if (dept_evidence_unavailable(evidence, reasons, sizeof(reasons)) > 0)
		return gzf_err_set(&req->err, GZF_EUNAVAIL, "partner_unavailable", NULL,
				   "department data unavailable, nothing changed: %s", reasons);
	queue_facts_of(h, evidence, in.now, &f);
	in.facts = &f;
	in.actor_id = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = queue_fire(c, &e, QUEUE_RECHECK, &in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "queue.recheck", "queue_entry", e.id, e.region_code, "ok",
			    arena_printf(req->arena, "{\"group\":\"%s\"}", e.group_code))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return reply_entry(req, c, &e);
}

static const char *const actions[] = { "suspend", "resume", "remove", NULL };

/* POST /api/v1/queue/:id/decision {"action","reason","version"} — staff suspend, resume or
 * remove an entry (the table in domain/queue.c says which, when). */
static int
decide(struct http_req *req)
{
	struct queue_input in = { .party = FSM_DECIDER, .now = gzf_now_ms() };
	const char *action;
	struct queue_entry e;
	struct application a;
	struct caller *who;
	struct db_conn *c;
	json_t *body, *jv;
	int rc, event;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_read_choice(req, "action", actions, &action)) != GZF_OK ||
	    (rc = api_field_string(req, body, "reason", 0, 500, &in.reason)) != GZF_OK)
		return rc;
	jv = json_object_get(body, "version");
	if (!json_is_integer(jv))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "version",
				   "version (of the entry as you saw it) is required");
	event = fsm_event_find(&queue_fsm, action);
	assert(event >= 0); /* every action is an event of the entry */
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = entry_load(req, c, who, "queue.decide", &e, &a)) != GZF_OK)
		return rc;
	if (json_integer_value(jv) != e.version)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "version_conflict", "version",
				   "the entry changed in the meantime: reload it");
	in.actor_id = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = queue_fire(c, &e, (enum queue_event)event, &in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "queue.decide", "queue_entry", e.id, e.region_code, "ok",
			    arena_printf(req->arena, "{\"action\":\"%s\"}", action))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return reply_entry(req, c, &e);
}
