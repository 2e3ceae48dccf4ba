/*
 * review.c — the staff side of eligibility applications: worklists per step (limited to
 * the reviewer's region, sorted by deadline, overdue marked), decisions on a step
 * (accept, approve, correct, refuse — optimistic concurrency: the second of two
 * reviewers deciding the same version gets 409), the review page's rule checklist, each
 * city's review chain, the processing-time report and the public publicity list with its
 * objections. The department check and the end of publicity are jobs
 * (domain/review_jobs.c).
 */
#include "api/api.h"
#include "api/reply_cache.h"
#include "api/application.h"
#include "core/crypto.h"
#include "domain/calendar.h"
#include "domain/eligibility.h"
#include "domain/pii.h"
#include "domain/review.h"
#include "domain/workflow.h"
#include "store/region_store.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_DAYS_MAX 3660
#define REPORT_EVENTS_MAX 50000 /* timeline events one report reads */
#define OBJECTION_MAX_CHARS 1000

/* The worklist's pages: WORKLIST_PER_PAGE applications a page unless asked for up to
 * WORKLIST_PER_PAGE_MAX, at most WORKLIST_PAGES pages. */
#define WORKLIST_PER_PAGE 20
#define WORKLIST_PER_PAGE_MAX 100
#define WORKLIST_PAGES 10000

static int worklist(struct http_req *req);
static int decide(struct http_req *req);
static int checklist(struct http_req *req);
static int chain_get(struct http_req *req);
static int chain_put(struct http_req *req);
static int report(struct http_req *req);
static int publicity_list(struct http_req *req);
static int objection_post(struct http_req *req);
static int cmp_int(const void *a, const void *b);

void
api_review_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/worklist", worklist);
	router_add(r, "POST", "/api/v1/applications/:id/decision", decide);
	router_add(r, "GET", "/api/v1/applications/:id/checklist", checklist);
	router_add(r, "GET", "/api/v1/cities/:city/review-chain", chain_get);
	router_add(r, "PUT", "/api/v1/cities/:city/review-chain", chain_put);
	router_add(r, "GET", "/api/v1/cities/:city/processing-report", report);
	router_add(r, "GET", "/api/v1/cities/:city/publicity", publicity_list);
	router_add(r, "POST", "/api/v1/publicity/:id/objections", objection_post);
}

/* The key a worklist page is kept in memory under (reply_cache.h): the city's worklist
 * generation and everything else the page depends on — the caller (whose role and region
 * say which applications and which actions) and the query. NULL (not kept) for a ?step=
 * that is not a step's code. */
static const char *
worklist_key(struct http_req *req, const struct caller *who, int64_t gen, const char *want,
	     const char *sort, int64_t page, int64_t per_page)
{
	if (want != NULL && (strlen(want) > 32 || strspn(want, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(want)))
		return NULL;
	return arena_printf(req->arena, "worklist|%lld|%lld|%lld|%d|%lld|%s|%s|%s|%lld|%lld",
			    (long long)who->actor.city_id, (long long)gen, (long long)who->actor.user_id,
			    (int)who->actor.role, (long long)who->actor.region_code,
			    who->actor.region_path ? who->actor.region_path : "", want ? want : "*",
			    sort ? sort : "", (long long)page, (long long)per_page);
}

/* GET /api/v1/worklist?step=&sort=deadline|-deadline&page=&per_page= — the applications
 * waiting at the steps the caller decides (or at ?step=), inside the caller's region. A
 * page is kept in memory under the city's worklist generation, which the database raises
 * whenever a waiting application or the chain changes (migration 063), and served until
 * the earliest deadline among the applications it counts passes (an overdue count and
 * flag change then with nothing written). */
static int
worklist(struct http_req *req)
{
	const char *want = http_query(req, "step"), *sort = http_query(req, "sort");
	const char *steps[APP_WORKLIST_STEPS];
	struct reply_cached kept;
	struct application *all;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	const json_t *s;
	const char *key;
	struct jsonw w;
	json_t *chain;
	int64_t page, per_page, total = 0, overdue = 0, t, due, late, next, first = 0, gen;
	int64_t now = gzf_now_ms();
	size_t i;
	unsigned may;
	int rc, n, k, ev, nsteps = 0;

	if ((rc = api_query_int(req, "page", 1, WORKLIST_PAGES, 1, &page)) != GZF_OK ||
	    (rc = api_query_int(req, "per_page", 1, WORKLIST_PER_PAGE_MAX, WORKLIST_PER_PAGE, &per_page)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = who->actor.region_path };
	if ((rc = api_authorize(req, c, who, ACT_APP_READ, &obj, "application.worklist", "region",
				who->actor.region_code)) != GZF_OK)
		return rc;
	if (sort != NULL && strcmp(sort, "deadline") != 0 && strcmp(sort, "-deadline") != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "sort",
				   "sort must be deadline or -deadline");
	if ((rc = application_store_worklist_generation(c, who->actor.city_id, &gen, &req->err)) != GZF_OK)
		return rc;
	key = worklist_key(req, who, gen, want, sort, page, per_page);
	if (key != NULL && reply_cache_get(key, req->arena, &kept))
		return reply_cache_send(req, key, &kept);
	if ((rc = workflow_chain_get(c, who->actor.city_id, &chain, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, chain);
	/* The steps listed, each counted whole: the total and the overdue of every page. */
	json_array_foreach(json_object_get(chain, "steps"), i, s) {
		const char *code = workflow_step_str(s, "code");

		if (want != NULL ? strcmp(want, code) != 0
				 : strcmp(workflow_step_decider(s), authz_role_name(who->actor.role)) != 0)
			continue;
		assert(nsteps < APP_WORKLIST_STEPS); /* a chain has at most WORKFLOW_MAX_STEPS */
		steps[nsteps++] = code;
		if ((rc = application_store_step_counts(c, who->actor.city_id, code, who->actor.region_path,
							now, now, &t, &due, &late, &next, &req->err)) != GZF_OK)
			return rc;
		total += t;
		overdue += late;
		if (next > 0 && (first == 0 || next < first))
			first = next;
	}
	if (nsteps > 0 &&
	    (rc = application_store_worklist(c, who->actor.city_id, steps, nsteps, who->actor.region_path,
					     sort != NULL && *sort == '-', (int)per_page,
					     (int)((page - 1) * per_page), &all, &n, &req->err)) != GZF_OK)
		return rc;
	/* Written as JSON text directly: a page is 20 to 100 applications of 30 members. */
	jsonw_init(&w, req->arena);
	jsonw_open(&w, '{');
	jsonw_key(&w, "items");
	jsonw_open(&w, '[');
	for (k = 0; nsteps > 0 && k < n; k++) {
		jsonw_open(&w, '{');
		api_app_members(&w, req, &all[k], chain, 1);
		may = api_app_may(who, &all[k], chain);
		jsonw_key(&w, "actions");
		jsonw_open(&w, '[');
		for (ev = 0; ev < REVIEW_NEVENTS; ev++)
			if (may & (1u << ev))
				jsonw_string(&w, review_fsm.events[ev]);
		jsonw_close(&w);
		jsonw_close(&w);
	}
	jsonw_close(&w);
	jsonw_member_int(&w, "total", total);
	jsonw_member_int(&w, "overdue", overdue);
	jsonw_member_int(&w, "page", page);
	jsonw_member_int(&w, "per_page", per_page);
	jsonw_close(&w);
	kept = (struct reply_cached){ .until = first > 0 ? first + 1 : 0 };
	kept.body = jsonw_text(&w, &kept.len);
	if (key != NULL)
		reply_cache_put(key, &kept);
	return reply_cache_send(req, key, &kept);
}

/* GET /api/v1/applications/:id/checklist — the rule engine on the application's declared
 * household and its department evidence: pass / fail / unknown per criterion. */
static int
checklist(struct http_req *req)
{
	struct application a;
	struct caller *who;
	struct db_conn *c;
	const char *overall, *ev;
	json_t *rules, *h, *evidence = NULL, *criteria;
	struct app_objection *obj;
	json_t *objections;
	int rc, n, i;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_app_get(req, c, &a)) != GZF_OK ||
	    (rc = api_app_authorize(req, c, who, ACT_APP_DECIDE, &a)) != GZF_OK ||
	    (rc = api_audit_alone(req, c, who, "application.checks", "application", a.id,
				  a.region_code, "ok", NULL)) != GZF_OK)
		return rc;
	if ((rc = eligibility_rules_get(c, a.city_id, &rules, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, rules);
	h = http_json_owned(req, api_app_household(req, &a, 0));
	ev = api_unseal(req, a.evidence_enc);
	if (ev != NULL)
		evidence = http_json_owned(req, json_loads(ev, 0, NULL));
	if ((rc = eligibility_evaluate(rules, h, evidence, &criteria, &overall, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, criteria);
	/* The evidence as reviewers see it: sources, references and times, ID numbers masked. */
	if (evidence != NULL) {
		json_t *e, *p;
		size_t k, j;

		json_array_foreach(evidence, k, e)
			json_array_foreach(json_object_get(e, "persons"), j, p)
				json_object_set_new(p, "id_number", json_string(pii_mask_id(req->arena,
					json_string_value(json_object_get(p, "id_number")) ?
					json_string_value(json_object_get(p, "id_number")) : "")));
	}
	/* Objections lodged in publicity: what they say; whether they left a way to reach them. */
	if ((rc = application_store_objections(c, a.id, &obj, &n, &req->err)) != GZF_OK)
		return rc;
	objections = http_json_owned(req, json_array());
	for (i = 0; i < n; i++)
		json_array_append_new(objections, json_pack("{s:I, s:s, s:s, s:I, s:b}", "id", (json_int_t)obj[i].id,
			"text", obj[i].text, "status", obj[i].status, "created_at", (json_int_t)obj[i].created_at,
			"has_contact", obj[i].contact_enc != NULL));
	return http_reply_json(req, 200, json_pack("{s:s, s:O, s:O?, s:s?, s:O}", "overall", overall,
		"criteria", criteria, "evidence", evidence, "delay_reason", a.delay_reason,
		"objections", objections));
}

/* POST /api/v1/applications/:id/decision {"action","reason","version","failed_criterion"?} */
/* The decisions a step may take (the review's table, domain/review.c, says which, where). */
static const char *const actions[] = { "accept", "approve", "correct", "refuse", NULL };

static int
decide(struct http_req *req)
{
	struct review_input in = { .party = FSM_DECIDER, .now = gzf_now_ms(),
				   .data_key = ((struct service *)req->service)->secrets->data_key };
	const char *action;
	struct application a;
	struct caller *who;
	struct db_conn *c;
	const json_t *step;
	json_t *body, *chain, *jv;
	int rc, event, stale;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_read_choice(req, "action", actions, &action)) != GZF_OK ||
	    (rc = api_field_string(req, body, "reason", 0, 500, &in.reason)) != GZF_OK ||
	    (rc = api_field_string(req, body, "failed_criterion", 0, 40, &in.failed_criterion)) != GZF_OK)
		return rc;
	jv = json_object_get(body, "version");
	if (!json_is_integer(jv))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "version",
				   "version (of the application as you saw it) is required");
	event = fsm_event_find(&review_fsm, action);
	assert(event >= 0); /* every action is an event of the review */
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_app_get(req, c, &a)) != GZF_OK ||
	    (rc = api_app_authorize(req, c, who, ACT_APP_DECIDE, &a)) != GZF_OK ||
	    (rc = workflow_chain_get(c, a.city_id, &chain, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, chain);
	step = workflow_step(chain, a.step_index);
	/* The step's role decides it; objections after publicity go to the city approver;
	 * the department check finishes by itself (the table refuses it). A caller whose view
	 * is stale gets the conflict, whatever the step is now: of two reviewers acting at
	 * once, one wins and the other is told to reload. */
	stale = json_integer_value(jv) != a.version;
	if (!review_may_decide(&a, chain, authz_role_name(who->actor.role)) && !stale)
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "not_your_step", NULL,
				   "the %s step is decided by the role %s", a.step,
				   workflow_step_decider(step));
	if (stale)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "version_conflict", "version",
				   "someone else decided this application in the meantime: reload it");
	if ((rc = review_check(&a, chain, event, in.party, &req->err)) != GZF_OK) {
		api_audit_alone(req, c, who, "application.decide", "application", a.id, a.region_code,
				"failed", arena_printf(req->arena, "{\"action\":\"%s\",\"why\":\"illegal\"}", action));
		return rc;
	}
	in.actor_id = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = review_fire(c, &a, chain, event, &in, NULL, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "application.decide", "application", a.id, a.region_code, "ok",
			    arena_printf(req->arena, "{\"action\":\"%s\",\"step\":\"%s\"}", action,
					 workflow_step_str(step, "code")))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = application_store_get(c, a.id, &a, &req->err)) != GZF_OK)
		return rc;
	jv = api_app_json(req, c, &a, chain, 1, 1);
	json_object_set_new(jv, "actions", api_app_actions(who, &a, chain));
	return http_reply_json(req, 200, json_pack("{s:o}", "application", jv));
}

/* A city's review chain: the steps and their limits, public; the city administrator's. */
static const struct api_city_setting chain_setting = {
	.member = "chain", .act = ACT_CHAIN_EDIT, .audit = "review_chain.put",
	.get = workflow_chain_get, .check = workflow_chain_check,
};

/* GET /api/v1/cities/:city/review-chain */
static int
chain_get(struct http_req *req)
{
	return api_city_setting_reply(req, &chain_setting);
}

/* PUT /api/v1/cities/:city/review-chain {"chain":{...}} */
static int
chain_put(struct http_req *req)
{
	struct region city;
	struct caller *who;
	struct db_conn *c;
	const char *text;
	json_t *chain;
	int rc;

	if ((rc = api_city_setting_read(req, &chain_setting, &c, &who, &city, &chain, &text)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = application_store_chain_put(c, city.code, text, who->actor.user_id, gzf_now_ms(),
					      &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, chain_setting.audit, "region", city.code, city.code, "ok",
			    NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:I, s:O}", "city_id", (json_int_t)city.code,
						   "chain", chain));
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The q-th quantile (0..100) of n sorted values, nearest rank. */
static int
quantile(const int *v, int n, int q)
{
	int rank = (q * n + 99) / 100;

	return n == 0 ? 0 : v[rank < 1 ? 0 : rank - 1];
}

/* GET /api/v1/cities/:city/processing-report?days=365 — per step: how many finished,
 * the median and 90th percentile of working days taken, the share within the limit;
 * and the same for the whole review (submission to the last decision before publicity).
 * One query reads the events, one the calendar; partial says the events went past
 * REPORT_EVENTS_MAX (the newest applications' are counted). */
static int
report(struct http_req *req)
{
	struct calendar_span *span;
	struct region city;
	struct app_event *ev;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	const json_t *s;
	json_t *chain, *steps;
	int64_t days, now = gzf_now_ms(), since;
	int *took, *per, *totals, rc, n, i, k, m, within, total_n = 0, total_in = 0, limit, partial;
	size_t si;

	if ((rc = api_query_int(req, "days", 1, REPORT_DAYS_MAX, 365, &days)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city.path };
	since = now - days * 86400000LL;
	if ((rc = api_authorize(req, c, who, ACT_REPORT_READ, &obj, "report.processing", "region",
				city.code)) != GZF_OK ||
	    (rc = workflow_chain_get(c, city.code, &chain, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, chain);
	if ((rc = application_store_events_finished(c, city.code, since, REPORT_EVENTS_MAX, &ev, &n, &partial,
				      &req->err)) != GZF_OK ||
	    (rc = calendar_span_load(c, city.code, since, now, &span, &req->err)) != GZF_OK)
		return rc;
	/* The working days each event took, in one pass. */
	took = arena_alloc(req->arena, sizeof(int) * (size_t)(n + 1));
	for (i = 0; i < n; i++)
		took[i] = calendar_span_days(span, ev[i].arrived_at, ev[i].finished_at);
	steps = http_json_owned(req, json_array());
	per = arena_alloc(req->arena, sizeof(int) * (size_t)(n + 1));
	json_array_foreach(json_object_get(chain, "steps"), si, s) {
		if (strcmp(workflow_step_str(s, "kind"), "publicity") == 0)
			continue;
		limit = (int)json_integer_value(json_object_get(s, "days"));
		for (i = 0, m = 0, within = 0; i < n; i++) {
			/* A step the applicant withdrew from was stopped, not handled. */
			if (strcmp(ev[i].step, workflow_step_str(s, "code")) != 0 ||
			    strcmp(ev[i].outcome, "withdrawn") == 0)
				continue;
			per[m++] = took[i];
			within += ev[i].finished_at <= ev[i].deadline;
		}
		qsort(per, (size_t)m, sizeof(int), cmp_int);
		json_array_append_new(steps, json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:f}",
			"step", workflow_step_str(s, "code"), "name", workflow_step_str(s, "name"),
			"limit_days", limit, "count", m, "median_days", quantile(per, m, 50),
			"p90_days", quantile(per, m, 90),
			"within_limit_share", m ? (double)within / m : 0.0));
	}
	/* The whole review, per application (its events are together, oldest first): first
	 * arrival to the last finish before publicity. */
	totals = arena_alloc(req->arena, sizeof(int) * (size_t)(n + 1));
	for (i = 0, k = 0, m = 0; i < n; i++) {
		const json_t *st = workflow_step(chain, workflow_step_find(chain, ev[i].step));

		if (i == 0 || ev[i].application_id != ev[i - 1].application_id)
			k = i; /* the application's first event */
		if (strcmp(workflow_step_str(st, "kind"), "publicity") == 0 ||
		    !(strcmp(ev[i].outcome, "refused") == 0 ||
		      (strcmp(ev[i].outcome, "approved") == 0 &&
		       strcmp(workflow_step_str(workflow_step(chain, workflow_step_find(chain, ev[i].step) + 1), "kind"), "publicity") == 0)))
			continue;
		totals[m] = calendar_span_days(span, ev[k].arrived_at, ev[i].finished_at);
		total_in += totals[m] <= json_integer_value(json_object_get(chain, "total_days"));
		m++;
	}
	total_n = m;
	qsort(totals, (size_t)total_n, sizeof(int), cmp_int);
	return http_reply_json(req, 200, json_pack("{s:I, s:I, s:O, s:{s:i, s:i, s:i, s:i, s:f},"
						   " s:b, s:i}",
		"city_id", (json_int_t)city.code, "days", (json_int_t)days, "steps", steps, "total",
		"limit_days", (int)json_integer_value(json_object_get(chain, "total_days")),
		"count", total_n, "median_days", quantile(totals, total_n, 50),
		"p90_days", quantile(totals, total_n, 90),
		"within_limit_share", total_n ? (double)total_in / total_n : 0.0,
		"partial", partial, "events_limit", REPORT_EVENTS_MAX));
}

/* GET /api/v1/cities/:city/publicity — public: the households in their publicity period,
 * names and ID numbers masked. */
static int
publicity_list(struct http_req *req)
{
	struct application *all;
	struct region city, comm;
	struct db_conn *c;
	json_t *items, *h;
	const char *name, *id;
	int rc, n, i;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_param_city(req, c, &city)) != GZF_OK ||
	    (rc = application_store_in_publicity(c, city.code, &all, &n, &req->err)) != GZF_OK)
		return rc;
	items = http_json_owned(req, json_array());
	for (i = 0; i < n; i++) {
		h = http_json_owned(req, api_app_household(req, &all[i], 0));
		name = workflow_step_str(json_object_get(h, "applicant"), "name");
		id = workflow_step_str(json_object_get(h, "applicant"), "id_number");
		if (region_store_get(c, all[i].region_code, &comm, &req->err) != GZF_OK)
			comm = (struct region){ .name = "" };
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:I, s:I}",
			"id", (json_int_t)all[i].id, "name", pii_mask_name(req->arena, name),
			"id_number", pii_mask_id(req->arena, id), "kind", all[i].kind,
			"persons", all[i].persons, "community", comm.name,
			"from", (json_int_t)all[i].step_started_at, "until", (json_int_t)all[i].publicity_until));
	}
	gzf_err_clear(&req->err);
	return http_reply_json(req, 200, json_pack("{s:I, s:O}", "city_id", (json_int_t)city.code,
						   "items", items));
}

/* POST /api/v1/publicity/:id/objections {"text","contact"?} — anyone may object to a
 * household during its publicity period; the city approver then decides. */
static int
objection_post(struct http_req *req)
{
	struct review_input in = { .party = FSM_ANYONE, .now = gzf_now_ms() };
	struct service *svc = req->service;
	const char *contact, *scope;
	struct application a;
	struct caller *who;
	struct db_conn *c;
	json_t *body, *chain;
	char *sealed = NULL;
	int64_t id;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "text", 1, OBJECTION_MAX_CHARS, &in.objection)) != GZF_OK ||
	    (rc = api_field_string(req, body, "contact", 0, 100, &contact)) != GZF_OK ||
	    (rc = api_param_int(req, "id", &id)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_caller(req, c, &who)) != GZF_OK ||
	    (rc = application_store_get(c, id, &a, &req->err)) != GZF_OK ||
	    (rc = workflow_chain_get(c, a.city_id, &chain, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, chain);
	if ((rc = review_check(&a, chain, REVIEW_OBJECT, in.party, &req->err)) != GZF_OK)
		return rc;
	if (strlen(in.objection) < 5)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "text",
				   "say what is wrong (at least a few words)");
	scope = arena_printf(req->arena, "%s:%s", throttle_objection_ip.name, req->client_ip);
	if ((rc = api_throttle_check(req, c, scope)) != GZF_OK ||
	    (rc = api_throttle_hit(req, c, &throttle_objection_ip, scope, a.city_id, NULL)) != GZF_OK)
		return rc;
	if (contact != NULL)
		crypto_seal(req->arena, svc->secrets->data_key, contact, &sealed);
	in.contact_enc = sealed;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = review_fire(c, &a, chain, REVIEW_OBJECT, &in, NULL, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "publicity.objection", "application", a.id, a.region_code,
			    "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:{s:I, s:s}}", "objection", "id",
						   (json_int_t)in.objection_id, "status", "open"));
}
