/*
 * subsidy.c — the rental subsidy API (R10, R23; docs/api/subsidy.md): each city's formula,
 * the households' entitlements (granted, recomputed, suspended, resumed, ended, the
 * account corrected or revealed with a reason), what a household sees of its own, and the
 * city's monthly batches (compute, check, approve, send, results, exceptions, export).
 */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/application.h"
#include "core/crypto.h"
#include "domain/pii.h"
#include "domain/subsidy.h"
#include "partners/bank_batch.h"
#include "store/application_store.h"

#define LIST_MAX 200
#define REVEAL_REASON_MIN 4
#define REVEAL_REASON_MAX 200

static int formula_get(struct http_req *req);
static int formula_put(struct http_req *req);
static int ent_create(struct http_req *req);
static int ent_list(struct http_req *req);
static int ent_get(struct http_req *req);
static int ent_event(struct http_req *req);
static int ent_reveal(struct http_req *req);
static int me_subsidy(struct http_req *req);
static int batch_compute(struct http_req *req);
static int batch_list(struct http_req *req);
static int batch_get(struct http_req *req);
static int batch_event(struct http_req *req);
static int batch_results(struct http_req *req);
static int batch_import(struct http_req *req);
static int batch_export(struct http_req *req);
static int exceptions_get(struct http_req *req);
static int city_staff(struct http_req *req, struct db_conn **c, struct caller **who,
		      struct region *city, const char *audit_action);
static int ent_load(struct http_req *req, struct db_conn *c, const struct caller *who,
		    struct subsidy_entitlement *e, const char *audit_action);
static int batch_load(struct http_req *req, struct db_conn *c, const struct caller *who,
		      struct subsidy_batch *b, const char *audit_action);
static int read_account(struct http_req *req, json_t *acct, struct subsidy_input *in);
static int read_household(struct http_req *req, json_t *body, struct subsidy_household *h,
			  struct subsidy_input *in);
static int version_matches(struct http_req *req, json_t *body, int version);
static json_t *ent_json(struct http_req *req, const struct subsidy_entitlement *e, int names);
static int ent_detail(struct http_req *req, struct db_conn *c, const struct subsidy_entitlement *e,
		      int names, json_t **out);
static json_t *batch_json(const struct subsidy_batch *b);
static json_t *line_json(struct http_req *req, const struct subsidy_line *l, int names);
static int import_one(struct http_req *req, struct db_conn *c, const struct caller *who,
		      int64_t batch_id, int file_no, const char *file, size_t len, json_t **out);
static int deliver(struct http_req *req, struct db_conn *c, const struct subsidy_batch *b,
		   json_t **out);
static const char *sent_hashes(struct http_req *req, const json_t *files);

static const struct api_city_setting formula_setting = {
	.member = "formula", .act = ACT_SUBSIDY_MANAGE, .audit = "subsidy_formula.put",
	.get = subsidy_formula_get, .check = subsidy_formula_check,
};

void
api_subsidy_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/cities/:city/subsidy-formula", formula_get);
	router_add(r, "PUT", "/api/v1/cities/:city/subsidy-formula", formula_put);
	router_add(r, "GET", "/api/v1/cities/:city/subsidy-entitlements", ent_list);
	router_add(r, "POST", "/api/v1/subsidy-entitlements", ent_create);
	router_add(r, "GET", "/api/v1/subsidy-entitlements/:id", ent_get);
	router_add(r, "POST", "/api/v1/subsidy-entitlements/:id/events", ent_event);
	router_add(r, "POST", "/api/v1/subsidy-entitlements/:id/reveal", ent_reveal);
	router_add(r, "GET", "/api/v1/me/subsidy", me_subsidy);
	router_add(r, "POST", "/api/v1/cities/:city/subsidy-batches", batch_compute);
	router_add(r, "GET", "/api/v1/cities/:city/subsidy-batches", batch_list);
	router_add(r, "GET", "/api/v1/cities/:city/subsidy-exceptions", exceptions_get);
	router_add(r, "GET", "/api/v1/subsidy-batches/:id", batch_get);
	router_add(r, "POST", "/api/v1/subsidy-batches/:id/events", batch_event);
	router_add(r, "POST", "/api/v1/subsidy-batches/:id/results", batch_results);
	router_add(r, "POST", "/api/v1/subsidy-batches/:id/results/import", batch_import);
	router_add(r, "GET", "/api/v1/subsidy-batches/:id/export", batch_export);
}

/* ---- helpers ---- */

/* The caller: staff allowed ACT_SUBSIDY_MANAGE in the city of :city (refusals audited). */
static int
city_staff(struct http_req *req, struct db_conn **c, struct caller **who, struct region *city,
	   const char *audit_action)
{
	struct object obj;
	int rc;

	if ((rc = api_db(req, c)) != GZF_OK || (rc = api_login_required(req, *c, who)) != GZF_OK ||
	    (rc = api_param_city(req, *c, city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city->path };
	return api_authorize(req, *c, *who, ACT_SUBSIDY_MANAGE, &obj, audit_action, "region", city->code);
}

/* The entitlement of :id, for staff allowed ACT_SUBSIDY_MANAGE on its household (or,
 * with audit_action NULL, for its owner too). Another's is not found. */
static int
ent_load(struct http_req *req, struct db_conn *c, const struct caller *who,
	 struct subsidy_entitlement *e, const char *audit_action)
{
	struct object obj;
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = subsidy_store_entitlement_get(c, id, e, &req->err)) != GZF_OK)
		return rc;
	if (audit_action == NULL && who->actor.kind == ACTOR_RESIDENT) {
		if (e->owner_id != who->actor.user_id)
			return gzf_err_set(&req->err, GZF_ENOTFOUND, "not_found", NULL, "no such entitlement");
		return GZF_OK;
	}
	obj = (struct object){ .region_path = e->region_path };
	return api_authorize(req, c, who, ACT_SUBSIDY_MANAGE, &obj,
			     audit_action ? audit_action : "subsidy.view", "subsidy_entitlement", e->id);
}

static int
batch_load(struct http_req *req, struct db_conn *c, const struct caller *who,
	   struct subsidy_batch *b, const char *audit_action)
{
	struct region city;
	struct object obj;
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = subsidy_store_batch_get(c, id, b, &req->err)) != GZF_OK ||
	    (rc = region_store_get(c, b->city_id, &city, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city.path };
	return api_authorize(req, c, who, ACT_SUBSIDY_MANAGE, &obj, audit_action, "subsidy_batch", b->id);
}

/* {"bank","account","holder"}: checked, then sealed into in. */
static int
read_account(struct http_req *req, json_t *acct, struct subsidy_input *in)
{
	struct service *svc = req->service;
	const char *bank, *account, *holder;
	char *sealed;
	int rc;

	if (!json_is_object(acct))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "account",
				   "account is {\"bank\",\"account\",\"holder\"}");
	if ((rc = api_field_string(req, acct, "bank", 1, 40, &bank)) != GZF_OK ||
	    (rc = api_field_string(req, acct, "account", 1, BANK_BATCH_ACCOUNT_MAX, &account)) != GZF_OK ||
	    (rc = api_field_string(req, acct, "holder", 1, BANK_BATCH_NAME_MAX, &holder)) != GZF_OK)
		return rc;
	if (!bank_batch_account_valid(account))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_account", "account.account",
				   "an account number is 8 to 32 digits");
	if (!bank_batch_name_valid(holder))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "account.holder",
				   "the holder's name as the bank has it, without commas");
	in->bank_name = bank;
	crypto_seal(req->arena, svc->secrets->data_key, account, &sealed);
	in->account_enc = sealed;
	crypto_seal(req->arena, svc->secrets->data_key, holder, &sealed);
	in->holder_enc = sealed;
	in->account_last4 = subsidy_account_last4(req->arena, account);
	return GZF_OK;
}

/* body.household into *h, its figures as text into in. */
static int
read_household(struct http_req *req, json_t *body, struct subsidy_household *h,
	       struct subsidy_input *in)
{
	json_t *hh = json_object_get(body, "household");
	char *text;
	int rc;

	if ((rc = subsidy_household_parse(hh, h, &req->err)) != GZF_OK)
		return rc;
	text = json_dumps(hh, JSON_COMPACT | JSON_SORT_KEYS);
	in->figures = arena_strdup(req->arena, text);
	free(text);
	in->household = h;
	return GZF_OK;
}

static int
version_matches(struct http_req *req, json_t *body, int version)
{
	json_t *v = json_object_get(body, "version");

	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) != version))
		return gzf_err_set(&req->err, GZF_ECONFLICT, "version_conflict", "version",
				   "it was changed meanwhile; reload it");
	return GZF_OK;
}

/* An entitlement as the screens show it: the account masked, the holder's name masked
 * (names = 1) or left out. */
static json_t *
ent_json(struct http_req *req, const struct subsidy_entitlement *e, int names)
{
	json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:i, s:I, s:s, s:s, s:i, s:I, s:I}",
		"id", (json_int_t)e->id, "city_id", (json_int_t)e->city_id,
		"application_id", (json_int_t)e->application_id, "region_code", (json_int_t)e->region_code,
		"state", e->state, "reason", e->reason, "start_month", e->start_month,
		"monthly_fen", (json_int_t)e->monthly_fen, "bank", e->bank_name,
		"account", subsidy_account_mask(req->arena, e->account_last4), "version", e->version,
		"created_at", (json_int_t)e->created_at, "updated_at", (json_int_t)e->updated_at);

	if (names)
		json_object_set_new(j, "holder", json_string(pii_mask_name(req->arena,
								api_unseal(req, e->holder_enc))));
	return j;
}

static json_t *
line_json(struct http_req *req, const struct subsidy_line *l, int names)
{
	json_t *j = json_pack("{s:I, s:s, s:i, s:i, s:I, s:i, s:I, s:s, s:s, s:s, s:s, s:I}",
		"id", (json_int_t)l->id, "batch_no", l->batch_no, "file_no", l->file_no, "seq", l->seq,
		"entitlement_id", (json_int_t)l->entitlement_id, "month", l->month,
		"amount_fen", (json_int_t)l->amount_fen,
		"account", subsidy_account_mask(req->arena, l->account_last4), "state", l->state,
		"reason", l->reason, "exception", l->exception, "result_at", (json_int_t)l->result_at);

	if (names)
		json_object_set_new(j, "holder", json_string(pii_mask_name(req->arena,
								api_unseal(req, l->holder_enc))));
	return j;
}

/* The entitlement with every version of its amount (figures and computation) and its
 * payments. */
static int
ent_detail(struct http_req *req, struct db_conn *c, const struct subsidy_entitlement *e, int names,
	   json_t **out)
{
	struct subsidy_amount *am;
	struct subsidy_line *lines;
	json_t *amounts = json_array(), *pays = json_array();
	int n, i, rc;

	*out = ent_json(req, e, names);
	json_object_set_new(*out, "amounts", amounts);
	json_object_set_new(*out, "payments", pays);
	if ((rc = subsidy_store_amounts(c, e->id, &am, &n, &req->err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++)
		json_array_append_new(amounts, json_pack("{s:i, s:I, s:s, s:o?, s:o?, s:I}",
			"effective_month", am[i].effective_month, "monthly_fen", (json_int_t)am[i].monthly_fen,
			"cause", am[i].cause, "figures", json_loads(am[i].figures, 0, NULL),
			"calc", json_loads(am[i].calc, 0, NULL), "created_at", (json_int_t)am[i].created_at));
	if ((rc = subsidy_store_lines_of(c, e->id, &lines, &n, &req->err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++)
		json_array_append_new(pays, line_json(req, &lines[i], 0));
	return GZF_OK;
}

static json_t *
batch_json(const struct subsidy_batch *b)
{
	return json_pack("{s:I, s:I, s:s, s:i, s:s, s:i, s:I, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I,"
			 " s:I, s:I, s:I, s:i}",
		"id", (json_int_t)b->id, "city_id", (json_int_t)b->city_id, "batch_no", b->batch_no,
		"month", b->month, "state", b->state, "lines", b->lines, "total_fen", (json_int_t)b->total_fen,
		"files", b->files, "files_done", b->files_done, "computed_by", (json_int_t)b->computed_by,
		"checked_by", (json_int_t)b->checked_by, "approved_by", (json_int_t)b->approved_by,
		"sent_by", (json_int_t)b->sent_by, "computed_at", (json_int_t)b->computed_at,
		"checked_at", (json_int_t)b->checked_at, "approved_at", (json_int_t)b->approved_at,
		"sent_at", (json_int_t)b->sent_at, "closed_at", (json_int_t)b->closed_at,
		"version", b->version);
}

/* ---- the formula ---- */

/* GET /api/v1/cities/:city/subsidy-formula — public: {"city_id","formula"} (null: none). */
static int
formula_get(struct http_req *req)
{
	return api_city_setting_reply(req, &formula_setting);
}

/* PUT /api/v1/cities/:city/subsidy-formula {"formula"} — applies to amounts computed from
 * now on (grants and recomputations); amounts in force stay as they were. */
static int
formula_put(struct http_req *req)
{
	struct region city;
	struct caller *who;
	struct db_conn *c;
	const char *text;
	json_t *formula;
	int rc;

	if ((rc = api_city_setting_read(req, &formula_setting, &c, &who, &city, &formula, &text)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = subsidy_store_formula_put(c, city.code, text, who->actor.user_id, gzf_now_ms(),
					    &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, formula_setting.audit, "region", city.code, city.code, "ok",
			    NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:I, s:O}", "city_id", (json_int_t)city.code,
						   "formula", formula));
}

/* ---- entitlements ---- */

/* POST /api/v1/subsidy-entitlements {"application_id","household","start_month",
 * "account"?} — grant the entitlement of a qualified subsidy application; the account
 * defaults to the one the application declared, in the applicant's name. */
static int
ent_create(struct http_req *req)
{
	struct subsidy_input in = { .party = FSM_DECIDER, .now = gzf_now_ms() };
	struct subsidy_entitlement e = { 0 };
	struct subsidy_household h;
	struct subsidy_formula f;
	struct application a;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	json_t *body, *acct, *decl, *out;
	int64_t app_id = 0, month = 0;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_int(req, body, "application_id", 1, 1, INT64_MAX, &app_id)) != GZF_OK ||
	    (rc = api_field_int(req, body, "start_month", 1, 200001, 299912, &month)) != GZF_OK ||
	    (rc = read_household(req, body, &h, &in)) != GZF_OK)
		return rc;
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	rc = application_store_get(c, app_id, &a, &req->err);
	if (rc == GZF_ENOTFOUND)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "application_id",
				   "no such application");
	if (rc != GZF_OK)
		return rc;
	obj = (struct object){ .owner_id = a.owner_id, .region_path = a.region_path };
	if ((rc = api_authorize(req, c, who, ACT_SUBSIDY_MANAGE, &obj, "subsidy.grant", "application",
				a.id)) != GZF_OK)
		return rc;
	if (strcmp(a.kind, "subsidy") != 0 || strcmp(a.status, "qualified") != 0)
		return gzf_err_set(&req->err, GZF_ESTATE, "not_qualified", "application_id",
				   "only a qualified rental subsidy application has an entitlement");
	acct = json_object_get(body, "account");
	if (acct == NULL) {
		decl = http_json_owned(req, api_app_household(req, &a, 0));
		acct = http_json_owned(req, json_pack("{s:O?, s:O?, s:O?}",
			"bank", json_object_get(json_object_get(decl, "bank"), "bank"),
			"account", json_object_get(json_object_get(decl, "bank"), "account"),
			"holder", json_object_get(json_object_get(decl, "applicant"), "name")));
	}
	if ((rc = read_account(req, acct, &in)) != GZF_OK ||
	    (rc = subsidy_formula_load(c, a.city_id, &f, &req->err)) != GZF_OK)
		return rc;
	in.formula = &f;
	in.month = (int)month;
	in.actor_id = who->actor.user_id;
	in.city_id = a.city_id;
	in.application_id = a.id;
	in.owner_id = a.owner_id;
	in.region_code = a.region_code;
	in.region_path = a.region_path;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = subsidy_entitlement_fire(c, &e, SUBSIDY_ENT_GRANT, &in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "subsidy.grant", "subsidy_entitlement", e.id, e.region_code, "ok",
			    arena_printf(req->arena, "{\"application_id\":%lld,\"monthly_fen\":%lld}",
					 (long long)a.id, (long long)e.monthly_fen))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = ent_detail(req, c, &e, 1, &out)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:o}", "entitlement", out));
}

/* GET /api/v1/cities/:city/subsidy-entitlements?state=&offset=&limit= */
static int
ent_list(struct http_req *req)
{
	static const char *const states[] = { "active", "suspended", "ended", NULL };
	struct subsidy_entitlement *all;
	const char *state = http_query(req, "state");
	struct region city;
	struct caller *who;
	struct db_conn *c;
	int64_t offset, limit, total;
	json_t *items;
	int n, i, rc;

	if ((rc = api_query_int(req, "offset", 0, 1000000, 0, &offset)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, LIST_MAX, 50, &limit)) != GZF_OK)
		return rc;
	for (i = 0; state != NULL && states[i] != NULL && strcmp(states[i], state) != 0; i++)
		;
	if (state != NULL && states[i] == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "state",
				   "state is active, suspended or ended");
	if ((rc = city_staff(req, &c, &who, &city, "subsidy.list")) != GZF_OK ||
	    (rc = subsidy_store_entitlement_list(c, city.code, state, (int)offset, (int)limit, &all, &n,
						 &total, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, ent_json(req, &all[i], 1));
	return http_reply_json(req, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total));
}

/* GET /api/v1/subsidy-entitlements/:id — staff, or the household itself. */
static int
ent_get(struct http_req *req)
{
	struct subsidy_entitlement e;
	struct caller *who;
	struct db_conn *c;
	json_t *out;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = ent_load(req, c, who, &e, NULL)) != GZF_OK ||
	    (rc = ent_detail(req, c, &e, 1, &out)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "entitlement", out));
}

/* POST /api/v1/subsidy-entitlements/:id/events {"event","version"?, ...}:
 *   recompute {"cause","month","household"}, suspend {"reason"}, resume, end {"reason"},
 *   account {"account":{"bank","account","holder"}} (its exceptions are paid again). */
static int
ent_event(struct http_req *req)
{
	static const char *const events[] = { "recompute", "suspend", "resume", "end", "account", NULL };
	struct subsidy_input in = { .party = FSM_DECIDER, .now = gzf_now_ms() };
	struct subsidy_entitlement e;
	struct subsidy_household h;
	struct subsidy_formula f;
	struct caller *who;
	struct db_conn *c;
	const char *name;
	json_t *body, *out;
	int64_t month = 0;
	int event, rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_read_choice(req, "event", events, &name)) != GZF_OK)
		return rc;
	event = fsm_event_find(&subsidy_entitlement_fsm, name);
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = ent_load(req, c, who, &e, arena_printf(req->arena, "subsidy.%s", name))) != GZF_OK ||
	    (rc = version_matches(req, body, e.version)) != GZF_OK)
		return rc;
	if ((rc = api_field_string(req, body, "reason", 0, 32, &in.reason)) != GZF_OK ||
	    (rc = api_field_string(req, body, "cause", 0, 32, &in.cause)) != GZF_OK)
		return rc;
	if (event == SUBSIDY_ENT_RECOMPUTE) {
		if ((rc = api_field_int(req, body, "month", 1, 200001, 299912, &month)) != GZF_OK ||
		    (rc = read_household(req, body, &h, &in)) != GZF_OK ||
		    (rc = subsidy_formula_load(c, e.city_id, &f, &req->err)) != GZF_OK)
			return rc;
		in.formula = &f;
		in.month = (int)month;
	}
	if (event == SUBSIDY_ENT_ACCOUNT && (rc = read_account(req, json_object_get(body, "account"), &in)) != GZF_OK)
		return rc;
	in.actor_id = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = subsidy_entitlement_fire(c, &e, event, &in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, arena_printf(req->arena, "subsidy.%s", name),
			    "subsidy_entitlement", e.id, e.region_code, "ok",
			    arena_printf(req->arena, "{\"state\":\"%s\",\"monthly_fen\":%lld}", e.state,
					 (long long)e.monthly_fen))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = ent_detail(req, c, &e, 1, &out)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "entitlement", out));
}

/* POST /api/v1/subsidy-entitlements/:id/reveal {"reason"} — the full account and holder's
 * name, for staff who pay subsidies, with the reason in the audit entry. */
static int
ent_reveal(struct http_req *req)
{
	struct subsidy_entitlement e;
	struct caller *who;
	struct db_conn *c;
	const char *reason;
	json_t *body, *detail;
	char *text;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "reason", 1, REVEAL_REASON_MAX, &reason)) != GZF_OK)
		return rc;
	if (gzf_utf8_chars(reason) < REVEAL_REASON_MIN)
		return gzf_err_set(&req->err, GZF_EINVAL, "reason_required", "reason",
				   "say why the full account is needed (at least %d characters)",
				   REVEAL_REASON_MIN);
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = ent_load(req, c, who, &e, "subsidy.reveal")) != GZF_OK)
		return rc;
	detail = json_pack("{s:s, s:s}", "field", "account", "reason", reason);
	text = json_dumps(detail, JSON_COMPACT);
	json_decref(detail);
	rc = api_audit_alone(req, c, who, "subsidy.reveal", "subsidy_entitlement", e.id, e.region_code,
			     "ok", arena_strdup(req->arena, text));
	free(text);
	if (rc != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:s, s:s?, s:s?}", "field", "account",
		"value", api_unseal(req, e.account_enc), "holder", api_unseal(req, e.holder_enc)));
}

/* GET /api/v1/me/subsidy — the household's own entitlements: how each was computed and
 * every payment with its state. */
static int
me_subsidy(struct http_req *req)
{
	struct subsidy_entitlement *all;
	struct caller *who;
	struct db_conn *c;
	json_t *items, *one;
	int n, i, rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	if (who->actor.kind != ACTOR_RESIDENT)
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "forbidden", NULL,
				   "this is a resident's own page");
	if ((rc = subsidy_store_entitlement_of_owner(c, who->actor.user_id, &all, &n, &req->err)) != GZF_OK)
		return rc;
	items = http_json_owned(req, json_array());
	for (i = 0; i < n; i++) {
		if ((rc = ent_detail(req, c, &all[i], 0, &one)) != GZF_OK) {
			json_decref(one);
			return rc;
		}
		json_array_append_new(items, one);
	}
	return http_reply_json(req, 200, json_pack("{s:O}", "items", items));
}

/* ---- batches ---- */

/* POST /api/v1/cities/:city/subsidy-batches {"month","file_lines"?} — compute the month's
 * batch: one line per household due a payment. */
static int
batch_compute(struct http_req *req)
{
	struct subsidy_input in = { .party = FSM_DECIDER, .now = gzf_now_ms(),
				    .file_lines = BANK_BATCH_MAX_LINES };
	struct subsidy_batch b = { 0 };
	struct region city;
	struct caller *who;
	struct db_conn *c;
	json_t *body;
	int64_t month = 0, lines = BANK_BATCH_MAX_LINES;
	char rnd[9];
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_int(req, body, "month", 1, 200001, 299912, &month)) != GZF_OK ||
	    (rc = api_field_int(req, body, "file_lines", 0, 1, BANK_BATCH_MAX_LINES, &lines)) != GZF_OK ||
	    (rc = city_staff(req, &c, &who, &city, "subsidy_batch.compute")) != GZF_OK)
		return rc;
	gzf_random_hex(rnd, 4);
	in.month = (int)month;
	in.file_lines = (int)lines;
	in.city_id = city.code;
	in.actor_id = who->actor.user_id;
	in.batch_no = arena_printf(req->arena, "SB%lld%06d%s", (long long)city.code, (int)month, rnd);
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = subsidy_batch_fire(c, &b, SUBSIDY_BATCH_COMPUTE, &in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "subsidy_batch.compute", "subsidy_batch", b.id, city.code, "ok",
			    arena_printf(req->arena, "{\"month\":%d,\"lines\":%d,\"total_fen\":%lld}",
					 b.month, b.lines, (long long)b.total_fen))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:o}", "batch", batch_json(&b)));
}

/* GET /api/v1/cities/:city/subsidy-batches */
static int
batch_list(struct http_req *req)
{
	struct subsidy_batch *all;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	json_t *items;
	int n, i, rc;

	if ((rc = city_staff(req, &c, &who, &city, "subsidy_batch.list")) != GZF_OK ||
	    (rc = subsidy_store_batch_list(c, city.code, &all, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, batch_json(&all[i]));
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/v1/subsidy-batches/:id?offset=&limit= — the batch, its files and a page of
 * its lines. */
static int
batch_get(struct http_req *req)
{
	struct subsidy_batch b;
	struct subsidy_line *lines;
	struct caller *who;
	struct db_conn *c;
	int64_t offset, limit;
	json_t *items, *files, *out;
	int n, i, rc;

	if ((rc = api_query_int(req, "offset", 0, 10000000, 0, &offset)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, LIST_MAX, 50, &limit)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = batch_load(req, c, who, &b, "subsidy_batch.view")) != GZF_OK ||
	    (rc = subsidy_store_lines(c, b.id, 0, (int)offset, (int)limit, &lines, &n, &req->err)) != GZF_OK ||
	    (rc = subsidy_store_files(c, b.id, &files, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, line_json(req, &lines[i], 1));
	out = batch_json(&b);
	json_object_set_new(out, "files_sha256", files);
	json_object_set_new(out, "items", items);
	return http_reply_json(req, 200, json_pack("{s:o}", "batch", out));
}

/* Hand every file of b to the bank (after the commit that fixed them): a list of
 * {file_no, bank_no, sha256, status | error}. A file the bank has seen is answered as
 * before and pays nobody twice. */
static int
deliver(struct http_req *req, struct db_conn *c, const struct subsidy_batch *b, json_t **out)
{
	struct service *svc = req->service;
	struct bank_batch_status st;
	struct subsidy_file f;
	struct gzf_err err;
	int i, rc;

	*out = http_json_owned(req, json_array());
	for (i = 1; i <= b->files; i++) {
		if ((rc = subsidy_batch_file(c, b, i, svc->secrets->data_key, req->arena, &f, &req->err)) != GZF_OK)
			return rc;
		gzf_err_clear(&err);
		rc = bank_batch_send(&svc->partners.bank, req->arena, f.bank_no, f.text, f.len, &st, &err);
		json_array_append_new(*out, json_pack("{s:i, s:s, s:s, s:s, s:s?}", "file_no", i,
			"bank_no", f.bank_no, "sha256", f.sha256,
			"status", rc == GZF_OK ? st.status : "not_delivered",
			"error", rc == GZF_OK ? NULL : err.name));
	}
	return GZF_OK;
}

/* The audit detail of a batch sent: {"sha256":[each file's, in order]}. */
static const char *
sent_hashes(struct http_req *req, const json_t *files)
{
	json_t *list = json_array(), *f, *detail;
	const char *out;
	char *text;
	size_t i;

	json_array_foreach(files, i, f)
		if (strcmp(json_string_value(json_object_get(f, "direction")), "sent") == 0)
			json_array_append(list, json_object_get(f, "sha256"));
	detail = json_pack("{s:o}", "sha256", list);
	text = json_dumps(detail, JSON_COMPACT);
	out = arena_strdup(req->arena, text);
	free(text);
	json_decref(detail);
	return out;
}

/* POST /api/v1/subsidy-batches/:id/events {"event","version"?}: check (a second person),
 * approve, send (the files fixed and handed to the bank), resend (the same files again),
 * cancel. */
static int
batch_event(struct http_req *req)
{
	static const char *const events[] = { "check", "approve", "send", "resend", "cancel", NULL };
	struct service *svc = req->service;
	struct subsidy_input in = { .party = FSM_DECIDER, .now = gzf_now_ms() };
	struct subsidy_batch b;
	struct caller *who;
	struct db_conn *c;
	const char *name;
	json_t *body, *files, *reply, *delivery = NULL;
	int event, rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_read_choice(req, "event", events, &name)) != GZF_OK)
		return rc;
	event = fsm_event_find(&subsidy_batch_fsm, name);
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = batch_load(req, c, who, &b, arena_printf(req->arena, "subsidy_batch.%s", name))) != GZF_OK ||
	    (rc = version_matches(req, body, b.version)) != GZF_OK)
		return rc;
	in.actor_id = who->actor.user_id;
	in.data_key = svc->secrets->data_key;
	in.arena = req->arena;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = subsidy_batch_fire(c, &b, event, &in, &req->err)) != GZF_OK ||
	    (event == SUBSIDY_BATCH_SEND &&
	     (rc = subsidy_results_enqueue(c, &b, in.now, &req->err)) != GZF_OK) ||
	    (rc = subsidy_store_files(c, b.id, &files, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, files);
	if ((rc = api_audit(req, c, who, arena_printf(req->arena, "subsidy_batch.%s", name), "subsidy_batch",
			    b.id, b.city_id, "ok", event == SUBSIDY_BATCH_SEND || event == SUBSIDY_BATCH_RESEND ?
			    sent_hashes(req, files) : NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	if ((event == SUBSIDY_BATCH_SEND || event == SUBSIDY_BATCH_RESEND) &&
	    (rc = deliver(req, c, &b, &delivery)) != GZF_OK)
		return rc;
	reply = batch_json(&b);
	json_object_set(reply, "files_sha256", files);
	if (delivery != NULL)
		json_object_set(reply, "delivery", delivery);
	return http_reply_json(req, 200, json_pack("{s:o}", "batch", reply));
}

/* Import one result file in its own transaction with its audit entry; *out describes it. */
static int
import_one(struct http_req *req, struct db_conn *c, const struct caller *who, int64_t batch_id,
	   int file_no, const char *file, size_t len, json_t **out)
{
	struct subsidy_input in = { .party = FSM_DECIDER, .now = gzf_now_ms(), .file_no = file_no,
				    .file = file, .file_len = len, .actor_id = who->actor.user_id };
	struct subsidy_batch b;
	int rc;

	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = subsidy_store_batch_get(c, batch_id, &b, &req->err)) != GZF_OK ||
	    (rc = subsidy_batch_fire(c, &b, SUBSIDY_BATCH_IMPORT, &in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "subsidy_batch.import", "subsidy_batch", b.id, b.city_id, "ok",
			    arena_printf(req->arena, "{\"file_no\":%d,\"sha256\":\"%s\",\"paid\":%d,"
					 "\"failed\":%d,\"duplicate\":%s}", file_no, in.sha256, in.paid,
					 in.failed, in.duplicate ? "true" : "false"))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	*out = json_pack("{s:i, s:s, s:s, s:i, s:i, s:b, s:s}", "file_no", file_no, "status", "imported",
			 "sha256", in.sha256, "paid", in.paid, "failed", in.failed,
			 "duplicate", in.duplicate, "batch_state", b.state);
	return GZF_OK;
}

/* POST /api/v1/subsidy-batches/:id/results — ask the bank now for the results not yet
 * imported and import those that are ready (the job does the same by itself). */
static int
batch_results(struct http_req *req)
{
	struct service *svc = req->service;
	struct subsidy_fetched *f;
	struct subsidy_batch b;
	struct caller *who;
	struct db_conn *c;
	json_t *files, *one;
	int n, i, rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = batch_load(req, c, who, &b, "subsidy_batch.import")) != GZF_OK)
		return rc;
	if (subsidy_batch_state_of(&b) != SUBSIDY_BATCH_SENT)
		return gzf_err_set(&req->err, GZF_ESTATE, "illegal_transition", NULL,
				   "results are fetched for a sent batch");
	if ((rc = subsidy_results_fetch(c, &svc->partners.bank, req->arena, &b, &f, &n, &req->err)) != GZF_OK)
		return rc;
	files = http_json_owned(req, json_array());
	for (i = 0; i < n; i++) {
		if (!f[i].ready) {
			json_array_append_new(files, json_pack("{s:i, s:s}", "file_no", f[i].file_no,
							       "status", "processing"));
			continue;
		}
		if ((rc = import_one(req, c, who, b.id, f[i].file_no, f[i].file, f[i].len, &one)) != GZF_OK)
			return rc;
		json_array_append_new(files, one);
	}
	if ((rc = subsidy_store_batch_get(c, b.id, &b, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o, s:O}", "batch", batch_json(&b), "files", files));
}

/* POST /api/v1/subsidy-batches/:id/results/import {"file_no","file"} — a result file got
 * from the bank another way. Imported twice, it records nothing twice. */
static int
batch_import(struct http_req *req)
{
	struct subsidy_batch b;
	struct caller *who;
	struct db_conn *c;
	const char *file;
	json_t *body, *one, *v;
	int64_t file_no = 0;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_int(req, body, "file_no", 1, 1, 10000, &file_no)) != GZF_OK)
		return rc;
	v = json_object_get(body, "file");
	if ((file = json_string_value(v)) == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "file", "file is the result file's text");
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = batch_load(req, c, who, &b, "subsidy_batch.import")) != GZF_OK ||
	    (rc = import_one(req, c, who, b.id, (int)file_no, file, json_string_length(v), &one)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, one);
}

/* GET /api/v1/subsidy-batches/:id/export — the batch as CSV (accounts masked). */
static int
batch_export(struct http_req *req)
{
	struct subsidy_batch b;
	struct subsidy_line *lines;
	struct caller *who;
	struct db_conn *c;
	char *csv, *p;
	size_t size;
	int n, i, rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = batch_load(req, c, who, &b, "subsidy_batch.export")) != GZF_OK ||
	    (rc = subsidy_store_lines(c, b.id, 0, 0, b.lines > 0 ? b.lines : 1, &lines, &n, &req->err)) != GZF_OK ||
	    (rc = api_audit_alone(req, c, who, "subsidy_batch.export", "subsidy_batch", b.id, b.city_id, "ok",
				  NULL)) != GZF_OK)
		return rc;
	size = 128 + (size_t)n * 160;
	p = csv = arena_alloc(req->arena, size);
	p += snprintf(p, size, "batch_no,file_no,seq,month,holder,account,amount_fen,state,reason\n");
	for (i = 0; i < n; i++)
		p += snprintf(p, size - (size_t)(p - csv), "%s,%d,%d,%d,%s,%s,%lld,%s,%s\n", b.batch_no,
			      lines[i].file_no, lines[i].seq, lines[i].month,
			      pii_mask_name(req->arena, api_unseal(req, lines[i].holder_enc)),
			      subsidy_account_mask(req->arena, lines[i].account_last4),
			      (long long)lines[i].amount_fen, lines[i].state, lines[i].reason);
	http_reply_header(req, "Content-Disposition",
			  arena_printf(req->arena, "attachment; filename=\"%s.csv\"", b.batch_no));
	return http_reply_bytes(req, 200, "text/csv; charset=utf-8", csv, (size_t)(p - csv));
}

/* GET /api/v1/cities/:city/subsidy-exceptions — failed payments still open (the account
 * to correct) or corrected (paid again in the next batch). */
static int
exceptions_get(struct http_req *req)
{
	struct subsidy_line *lines;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	json_t *items;
	int n, i, rc;

	if ((rc = city_staff(req, &c, &who, &city, "subsidy.exceptions")) != GZF_OK ||
	    (rc = subsidy_store_exceptions(c, city.code, &lines, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, line_json(req, &lines[i], 1));
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
