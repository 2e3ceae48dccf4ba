/*
 * eligibility.c — a city's eligibility rules (public to read, edited by its
 * administrators, audited), a trial evaluation of a household against them, and a
 * department data check on a household's persons for the staff who review cases.
 */
#include "api/api.h"
#include "domain/eligibility.h"
#include "domain/workflow.h"
#include "partners/dept.h"
#include "store/eligibility_store.h"
#include "store/region_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rules_get(struct http_req *req);
static int rules_put(struct http_req *req);
static int rules_evaluate(struct http_req *req);
static int dept_check(struct http_req *req);

void
api_eligibility_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/cities/:city/eligibility-rules", rules_get);
	router_add(r, "PUT", "/api/v1/cities/:city/eligibility-rules", rules_put);
	router_add(r, "POST", "/api/v1/cities/:city/eligibility-rules/evaluate", rules_evaluate);
	router_add(r, "POST", "/api/v1/cities/:city/dept-check", dept_check);
}

/* GET /api/v1/cities/:city/eligibility-rules -> {"city_id","rules","custom","updated_at"} */
static int
rules_get(struct http_req *req)
{
	struct region city;
	struct db_conn *c;
	const char *text;
	int64_t updated_at = 0, updated_by = 0;
	json_t *rules;
	int rc, custom;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_param_city(req, c, &city)) != GZF_OK)
		return rc;
	rc = eligibility_store_get(c, city.code, &text, &updated_by, &updated_at, &req->err);
	if (rc != GZF_OK && rc != GZF_ENOTFOUND)
		return rc;
	custom = rc == GZF_OK;
	if ((rc = eligibility_rules_get(c, city.code, &rules, &req->err)) != GZF_OK)
		return rc;
	json_object_del(rules, "city_code");
	return http_reply_json(req, 200, json_pack("{s:I, s:o, s:b, s:I}", "city_id",
						   (json_int_t)city.code, "rules", rules,
						   "custom", custom, "updated_at", (json_int_t)updated_at));
}

/* PUT /api/v1/cities/:city/eligibility-rules {"rules":{...}} — replace the city's rules. */
static int
rules_put(struct http_req *req)
{
	struct region city;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	char *text;
	json_t *body, *rules;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	rules = json_object_get(body, "rules");
	if (rules == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "rules", "rules is required");
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city.path };
	if ((rc = api_authorize(req, c, who, ACT_RULES_EDIT, &obj, "eligibility.rules_put",
				"region", city.code)) != GZF_OK ||
	    (rc = eligibility_rules_check(rules, &req->err)) != GZF_OK)
		return rc;
	json_object_del(rules, "city_code");
	text = json_dumps(rules, JSON_COMPACT | JSON_SORT_KEYS);
	arena_cleanup_add(req->arena, free, text);
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = eligibility_store_put(c, city.code, text, who->actor.user_id, gzf_now_ms(),
					&req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "eligibility.rules_put", "region", city.code, city.code,
			    "ok", text)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:I, s:O, s:b}", "city_id", (json_int_t)city.code,
						   "rules", rules, "custom", 1));
}

/* POST /api/v1/cities/:city/eligibility-rules/evaluate {"household":{...},"evidence":[...]?}
 * -> {"overall","criteria"}: what the engine says, for anyone logged in (a resident's
 * self-check before applying, a reviewer's what-if). Nothing is stored. */
static int
rules_evaluate(struct http_req *req)
{
	struct region city;
	struct caller *who;
	struct db_conn *c;
	const char *overall;
	json_t *body, *rules, *criteria;
	int rc, persons;

	/* The household is checked as a draft application is: every figure a whole number
	 * or a number within its range, a bounded number of members. */
	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = workflow_household_check(json_object_get(body, "household"), 0, &persons,
					   &req->err)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK ||
	    (rc = eligibility_rules_get(c, city.code, &rules, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, rules);
	if ((rc = eligibility_evaluate(rules, json_object_get(body, "household"),
				       json_object_get(body, "evidence"), &criteria, &overall,
				       &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:s, s:o}", "overall", overall,
						   "criteria", criteria));
}

/* POST /api/v1/cities/:city/dept-check {"persons":[{"id_number","name","relation"}]}
 * -> {"evidence":[...]} — ask the department data services about a household, for the
 * caseworkers of the city (audited: it reads personal data held by other departments). */
static int
dept_check(struct http_req *req)
{
	struct service *svc = req->service;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	char reasons[512];
	json_t *body, *evidence;
	int rc, down;

	if ((rc = http_read_json(req, &body)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city.path };
	if ((rc = api_authorize(req, c, who, ACT_RESIDENT_REVEAL, &obj, "dept.check", "region",
				city.code)) != GZF_OK)
		return rc;
	if ((rc = dept_check_household(&svc->partners, json_object_get(body, "persons"), &evidence,
				       &req->err)) != GZF_OK)
		return rc;
	down = dept_evidence_unavailable(evidence, reasons, sizeof(reasons));
	if ((rc = api_audit_alone(req, c, who, "dept.check", "region", city.code, city.code, "ok",
				  arena_printf(req->arena, "{\"persons\":%zu,\"unavailable\":%d}",
					       json_array_size(json_object_get(body, "persons")),
					       down))) != GZF_OK) {
		json_decref(evidence);
		return rc;
	}
	return http_reply_json(req, 200, json_pack("{s:o, s:i, s:s}", "evidence", evidence,
						   "unavailable", down, "reasons", reasons));
}
