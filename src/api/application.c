/*
 * application.c — eligibility applications as the applicant (or the counter clerk who
 * enters one for them) sees them: drafts saved at every step of the wizard and resumed
 * anywhere, materials, submission and resubmission after a request for corrections
 * (补正), the progress timeline, and the inbox. The declared household is sealed at rest;
 * replies mask ID numbers and bank accounts to staff. Counter applications (代办) record
 * the person's consent: a signed form upload and an SMS code sent to their phone.
 * The review itself (decisions, worklists, chain, publicity, report) is in review.c.
 */
#include "api/api.h"
#include "api/application.h"
#include "core/crypto.h"
#include "core/log.h"
#include "domain/calendar.h"
#include "domain/pii.h"
#include "domain/review.h"
#include "domain/workflow.h"
#include "partners/sms.h"
#include "store/region_store.h"
#include "store/user_store.h"
#include "store/sms_code_store.h"

#include <stdlib.h>
#include <string.h>

#define CODE_DIGITS 6
#define CODE_TTL_MS (10 * 60 * 1000)
#define CONSENT_PURPOSE "counter_consent"

static int app_create(struct http_req *req);
static int app_list(struct http_req *req);
static int app_get(struct http_req *req);
static int app_put(struct http_req *req);
static int app_reveal(struct http_req *req);
static int app_submit(struct http_req *req);
static int app_withdraw(struct http_req *req);
static int material_upload(struct http_req *req);
static int material_get(struct http_req *req);
static int material_delete(struct http_req *req);
static int messages_list(struct http_req *req);
static int message_read(struct http_req *req);
static int counter_code(struct http_req *req);
static int counter_create(struct http_req *req);
static int apply_fields(struct http_req *req, struct db_conn *c, const struct caller *who,
			struct application *a, json_t *body);
static int check_version(struct http_req *req, json_t *body, const struct application *a);
static int owner_change(struct http_req *req, json_t *body, struct db_conn **c, struct caller **who,
			struct application *a, json_t **chain);
static int owner_fire(struct http_req *req, struct db_conn *c, const struct caller *who,
		      struct application *a, const json_t *chain, enum review_event event,
		      struct review_input *in, const char *action);
static int reply_application(struct http_req *req, struct db_conn *c, int64_t id, int status,
			     int masked);

void
api_application_routes(struct router *r)
{
	router_add(r, "POST", "/api/v1/applications", app_create);
	router_add(r, "GET", "/api/v1/applications", app_list);
	router_add(r, "GET", "/api/v1/applications/:id", app_get);
	router_add(r, "POST", "/api/v1/applications/:id/reveal", app_reveal);
	router_add(r, "PUT", "/api/v1/applications/:id", app_put);
	router_add(r, "POST", "/api/v1/applications/:id/submit", app_submit);
	router_add(r, "POST", "/api/v1/applications/:id/withdraw", app_withdraw);
	router_add(r, "POST", "/api/v1/applications/:id/materials", material_upload);
	router_add(r, "GET", "/api/v1/applications/:id/materials/:mid", material_get);
	router_add(r, "DELETE", "/api/v1/applications/:id/materials/:mid", material_delete);
	router_add(r, "GET", "/api/v1/me/messages", messages_list);
	router_add(r, "POST", "/api/v1/me/messages/:id/read", message_read);
	router_add(r, "POST", "/api/v1/counter/consent-codes", counter_code);
	router_add(r, "POST", "/api/v1/counter/applications", counter_create);
}

struct object
api_app_object(const struct application *a)
{
	/* A counter draft is the clerks' own work: their region sees it. */
	return (struct object){ .owner_id = a->owner_id, .region_path = a->region_path,
				.draft = strcmp(a->status, "draft") == 0 && a->counter_clerk_id == 0 };
}

int
api_app_get(struct http_req *req, struct db_conn *c, struct application *a)
{
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK)
		return rc;
	return application_store_get(c, id, a, &req->err);
}

int
api_app_authorize(struct http_req *req, struct db_conn *c, const struct caller *who,
		  enum action action, const struct application *a)
{
	struct object obj;
	int rc;

	/* A counter application is edited by the clerks of its community. */
	if (action == ACT_APP_EDIT && a->counter_clerk_id != 0 && who->actor.kind == ACTOR_STAFF)
		action = ACT_APP_COUNTER;
	obj = api_app_object(a);
	rc = api_authorize(req, c, who, action, &obj, "application.access", "application", a->id);
	/* Someone else's application is, to a resident, no application at all; so is a
	 * resident's unsubmitted draft to staff. */
	if (rc == GZF_EFORBIDDEN && (who->actor.kind == ACTOR_RESIDENT || strcmp(a->status, "draft") == 0))
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "application_not_found", NULL,
				   "no such application");
	return rc;
}

unsigned
api_app_may(const struct caller *who, const struct application *a, const json_t *chain)
{
	struct object obj = api_app_object(a);

	if (who->actor.kind != ACTOR_STAFF || authz_check(&who->actor, ACT_APP_DECIDE, &obj) != GZF_OK)
		return 0;
	return review_decisions(a, chain, authz_role_name(who->actor.role));
}

json_t *
api_app_actions(const struct caller *who, const struct application *a, const json_t *chain)
{
	unsigned may = api_app_may(who, a, chain);
	json_t *out = json_array();
	int ev;

	for (ev = 0; ev < REVIEW_NEVENTS; ev++)
		if (may & (1u << ev))
			json_array_append_new(out, json_string(review_fsm.events[ev]));
	return out;
}

json_t *
api_app_household(struct http_req *req, const struct application *a, int masked)
{
	const char *text = api_unseal(req, a->household_enc);
	json_t *h = text ? json_loads(text, 0, NULL) : NULL, *m, *p, *bank;
	const char *id;
	size_t i;

	if (h == NULL)
		return json_object();
	if (!masked)
		return h;
	p = json_object_get(h, "applicant");
	for (i = 0; p != NULL; p = json_array_get(json_object_get(h, "members"), i++)) {
		m = json_object_get(p, "id_number");
		if ((id = json_string_value(m)) != NULL)
			json_object_set_new(p, "id_number", json_string(pii_mask_id(req->arena, id)));
	}
	bank = json_object_get(h, "bank");
	if ((id = json_string_value(json_object_get(bank, "account"))) != NULL)
		json_object_set_new(bank, "account", json_string(pii_mask_id(req->arena, id)));
	return h;
}

void
api_app_members(struct jsonw *w, struct http_req *req, const struct application *a,
		const json_t *chain, int masked)
{
	const json_t *step = workflow_step(chain, a->step_index);
	const char *name = api_unseal(req, a->applicant_name_enc);
	int64_t now = gzf_now_ms();

	jsonw_member_int(w, "id", a->id);
	jsonw_member_int(w, "city_id", a->city_id);
	jsonw_member_int(w, "community_code", a->region_code);
	jsonw_member_string(w, "kind", a->kind);
	jsonw_member_string(w, "status", a->status);
	jsonw_member_string(w, "step", a->step);
	jsonw_member_string(w, "step_kind", step ? workflow_step_str(step, "kind") : NULL);
	jsonw_member_string(w, "step_name", step ? workflow_step_str(step, "name") : "");
	jsonw_member_string(w, "step_name_en", step ? json_string_value(json_object_get(step, "name_en")) : NULL);
	jsonw_member_int(w, "step_started_at", a->step_started_at);
	jsonw_member_int(w, "deadline", a->step_deadline);
	jsonw_member_bool(w, "overdue", a->step_deadline > 0 && a->step_deadline < now &&
			  strcmp(a->status, "review") == 0);
	jsonw_member_int(w, "draft_step", a->draft_step);
	jsonw_member_int(w, "persons", a->persons);
	jsonw_member_int(w, "version", a->version);
	if (a->delay_reason != NULL)
		jsonw_member_string(w, "delay_reason", a->delay_reason);
	if (a->correction_reason != NULL)
		jsonw_member_string(w, "correction_reason", a->correction_reason);
	if (a->decision_reason != NULL)
		jsonw_member_string(w, "decision_reason", a->decision_reason);
	if (a->failed_criterion != NULL)
		jsonw_member_string(w, "failed_criterion", a->failed_criterion);
	jsonw_member_int(w, "submitted_at", a->submitted_at);
	jsonw_member_int(w, "total_deadline", a->total_deadline);
	jsonw_member_int(w, "publicity_until", a->publicity_until);
	jsonw_member_int(w, "decided_at", a->decided_at);
	jsonw_member_bool(w, "counter", a->counter_clerk_id != 0);
	jsonw_member_int(w, "created_at", a->created_at);
	jsonw_member_int(w, "updated_at", a->updated_at);
	jsonw_member_string(w, "reference", a->reference);
	jsonw_member_string(w, "applicant_name",
			    name == NULL ? "" : masked ? pii_mask_name(req->arena, name) : name);
	if (a->overall != NULL)
		jsonw_member_string(w, "overall", a->overall);
	/* Residents see the criteria once decided (the reason for a refusal); staff always.
	 * The column holds the JSON text the review wrote. */
	if (a->criteria != NULL && *a->criteria != '\0' &&
	    (masked || strcmp(a->status, "refused") == 0 || strcmp(a->status, "qualified") == 0)) {
		jsonw_key(w, "criteria");
		jsonw_raw(w, a->criteria);
	}
}

json_t *
api_app_json(struct http_req *req, struct db_conn *c, const struct application *a,
	     const json_t *chain, int detail, int masked)
{
	int64_t now = gzf_now_ms();
	struct app_material *mats;
	struct app_event *ev;
	struct region office;
	struct media m;
	struct jsonw w;
	const char *text;
	json_t *o, *arr;
	size_t len;
	int n, i;

	jsonw_init(&w, req->arena);
	jsonw_open(&w, '{');
	api_app_members(&w, req, a, chain, masked);
	jsonw_close(&w);
	text = jsonw_text(&w, &len);
	/* Never NULL but for a criteria column that is not the JSON the review wrote. */
	if ((o = json_loadb(text, len, 0, NULL)) == NULL) {
		log_msg(LOG_ERROR, "an application's summary is not JSON", "id",
			arena_printf(req->arena, "%lld", (long long)a->id), NULL);
		o = json_pack("{s:I}", "id", (json_int_t)a->id);
	}
	if (!detail)
		return o;
	json_object_set_new(o, "household", api_app_household(req, a, masked));
	arr = json_array();
	if (application_store_materials(c, a->id, &mats, &n, &req->err) == GZF_OK)
		for (i = 0; i < n; i++)
			if (media_store_get(c, mats[i].media_id, &m, &req->err) == GZF_OK)
				json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:I}",
					"id", (json_int_t)mats[i].id, "code", mats[i].code, "name", m.name,
					"mime", m.mime, "size", (json_int_t)m.size,
					"url", arena_printf(req->arena, "/api/v1/applications/%lld/materials/%lld",
							    (long long)a->id, (long long)mats[i].id),
					"created_at", (json_int_t)mats[i].created_at));
	json_object_set_new(o, "materials", arr);
	json_object_set(o, "materials_required", json_object_get(chain, "materials"));
	arr = json_array();
	if (application_store_events(c, a->id, &ev, &n, &req->err) == GZF_OK)
		for (i = 0; i < n; i++) {
			const json_t *s = workflow_step(chain, workflow_step_find(chain, ev[i].step));
			int open = ev[i].finished_at == 0;

			if (region_store_get(c, ev[i].office_code, &office, &req->err) != GZF_OK)
				office = (struct region){ .name = "", .name_en = "" };
			json_array_append_new(arr, json_pack(
				"{s:s, s:s, s:s?, s:I, s:s, s:s?, s:i, s:I, s:I, s:I, s:s, s:s?, s:b}",
				"step", ev[i].step, "step_name", s ? workflow_step_str(s, "name") : ev[i].step,
				"step_name_en", s ? json_string_value(json_object_get(s, "name_en")) : NULL,
				"office_code", (json_int_t)ev[i].office_code, "office", office.name,
				"office_en", office.name_en, "limit_days", ev[i].limit_days,
				"arrived_at", (json_int_t)ev[i].arrived_at, "deadline", (json_int_t)ev[i].deadline,
				"finished_at", (json_int_t)ev[i].finished_at, "outcome", ev[i].outcome,
				"reason", open && a->delay_reason ? a->delay_reason : ev[i].reason,
				"overdue", ev[i].deadline > 0 &&
					(open ? now : ev[i].finished_at) > ev[i].deadline &&
					strcmp(workflow_step_str(s, "kind"), "publicity") != 0));
		}
	json_object_set_new(o, "timeline", arr);
	gzf_err_clear(&req->err);
	return o;
}

/* Apply the editable members of body to a draft: household, draft_step, kind, community. */
static int
apply_fields(struct http_req *req, struct db_conn *c, const struct caller *who,
	     struct application *a, json_t *body)
{
	struct service *svc = req->service;
	json_t *h = json_object_get(body, "household"), *ds = json_object_get(body, "draft_step");
	json_t *cc = json_object_get(body, "community_code");
	const char *name, *id;
	char *text, *sealed;
	struct region r;
	int rc, persons;

	(void)who;
	if (ds != NULL && (!json_is_integer(ds) || json_integer_value(ds) < 0 || json_integer_value(ds) > 20))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "draft_step",
				   "draft_step must be the wizard page, 0 to 20");
	if (ds != NULL)
		a->draft_step = (int)json_integer_value(ds);
	if (cc != NULL) {
		rc = json_is_integer(cc) ? region_store_get(c, json_integer_value(cc), &r, &req->err)
					 : GZF_ENOTFOUND;
		if (rc == GZF_ENOTFOUND || (rc == GZF_OK && (strcmp(r.level, "community") != 0 ||
							      r.city_id != a->city_id)))
			return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "community_code",
					   "community_code must be a community of your city");
		if (rc != GZF_OK)
			return rc;
		a->region_code = r.code;
		a->region_path = r.path;
	}
	if (h == NULL)
		return GZF_OK;
	if ((rc = workflow_household_check(h, 0, &persons, &req->err)) != GZF_OK)
		return rc;
	a->persons = persons;
	if (json_is_string(json_object_get(h, "kind")))
		a->kind = json_string_value(json_object_get(h, "kind"));
	name = json_string_value(json_object_get(json_object_get(h, "applicant"), "name"));
	id = json_string_value(json_object_get(json_object_get(h, "applicant"), "id_number"));
	text = json_dumps(h, JSON_COMPACT);
	arena_cleanup_add(req->arena, free, text);
	crypto_seal(req->arena, svc->secrets->data_key, text, &sealed);
	a->household_enc = sealed;
	a->applicant_name_enc = NULL;
	if (name != NULL) {
		crypto_seal(req->arena, svc->secrets->data_key, name, &sealed);
		a->applicant_name_enc = sealed;
	}
	a->applicant_id_hash = id && *id ? api_hash(req, svc->secrets->index_key, "id", id) : NULL;
	return GZF_OK;
}

/* Answer status with the application as it is stored now (personal data masked for
 * staff when masked). */
static int
reply_application(struct http_req *req, struct db_conn *c, int64_t id, int status, int masked)
{
	struct application a;
	json_t *chain;
	int rc;

	if ((rc = application_store_get(c, id, &a, &req->err)) != GZF_OK ||
	    (rc = workflow_chain_get(c, a.city_id, &chain, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, chain);
	return http_reply_json(req, status, json_pack("{s:o}", "application",
						      api_app_json(req, c, &a, chain, 1, masked)));
}

/* The version the client saw must be the current one (when it sends one). */
static int
check_version(struct http_req *req, json_t *body, const struct application *a)
{
	json_t *v = json_object_get(body, "version");

	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) != a->version))
		return gzf_err_set(&req->err, GZF_ECONFLICT, "version_conflict", "version",
				   "the application was changed elsewhere (another device or person): reload it");
	return GZF_OK;
}

/* The start of an applicant's change to :id (body read): the caller, the application they
 * may edit at the version they saw, and its chain (request-owned). */
static int
owner_change(struct http_req *req, json_t *body, struct db_conn **c, struct caller **who,
	     struct application *a, json_t **chain)
{
	int rc;

	if ((rc = api_db(req, c)) != GZF_OK || (rc = api_login_required(req, *c, who)) != GZF_OK ||
	    (rc = api_app_get(req, *c, a)) != GZF_OK ||
	    (rc = api_app_authorize(req, *c, *who, ACT_APP_EDIT, a)) != GZF_OK ||
	    (rc = check_version(req, body, a)) != GZF_OK ||
	    (rc = workflow_chain_get(*c, a->city_id, chain, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, *chain);
	return GZF_OK;
}

/* Fire event on a for its applicant in one transaction with the audit entry action, and
 * reply with the application as it now is. */
static int
owner_fire(struct http_req *req, struct db_conn *c, const struct caller *who,
	   struct application *a, const json_t *chain, enum review_event event,
	   struct review_input *in, const char *action)
{
	int rc;

	in->actor_id = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = review_fire(c, a, chain, event, in, NULL, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, action, "application", a->id, a->region_code, "ok",
			    NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return reply_application(req, c, a->id, 200, 0);
}

/* The applicant of a resident's new draft is the account holder: the name and ID number
 * real-name authentication verified fill in what body's household leaves out, so nobody
 * types them twice. */
static int
prefill_applicant(struct http_req *req, struct db_conn *c, const struct caller *who, json_t *body)
{
	json_t *h = json_object_get(body, "household"), *p;
	const char *name, *id;
	struct user u;
	int rc;

	if ((rc = user_store_get(c, who->actor.user_id, &u, &req->err)) != GZF_OK)
		return rc;
	name = api_unseal(req, u.real_name_enc);
	id = api_unseal(req, u.id_enc);
	if (u.real_name_at == 0 || name == NULL || id == NULL)
		return GZF_OK;
	if (h == NULL)
		json_object_set_new(body, "household", h = json_object());
	if (!json_is_object(h))
		return GZF_OK; /* apply_fields refuses it */
	if ((p = json_object_get(h, "applicant")) == NULL)
		json_object_set_new(h, "applicant", p = json_object());
	if (!json_is_object(p))
		return GZF_OK;
	if (json_object_get(p, "name") == NULL)
		json_object_set_new(p, "name", json_string(name));
	if (json_object_get(p, "id_number") == NULL)
		json_object_set_new(p, "id_number", json_string(id));
	return GZF_OK;
}

/* POST /api/v1/applications {"household"?, "draft_step"?, "community_code"?} -> 201 draft,
 * the applicant's verified name and ID number filled in when the household leaves them out */
static int
app_create(struct http_req *req)
{
	struct application a = { 0 };
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	json_t *body;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	obj = (struct object){ .owner_id = who->actor.user_id, .region_path = who->actor.region_path };
	if (who->actor.kind != ACTOR_RESIDENT)
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "forbidden", NULL,
				   "staff enter applications for others at the counter (/api/v1/counter/applications)");
	if ((rc = api_authorize(req, c, who, ACT_APP_EDIT, &obj, "application.create", "application", 0)) != GZF_OK ||
	    (rc = prefill_applicant(req, c, who, body)) != GZF_OK)
		return rc;
	a = (struct application){
		.city_id = who->actor.city_id, .owner_id = who->actor.user_id,
		.region_code = who->actor.region_code, .region_path = who->actor.region_path,
		.kind = "rental", .status = review_fsm.states[REVIEW_DRAFT], .household_enc = "", .persons = 1,
		.created_at = gzf_now_ms(),
	};
	a.household_enc = NULL;
	crypto_seal(req->arena, ((struct service *)req->service)->secrets->data_key, "{}", (char **)&a.household_enc);
	if ((rc = apply_fields(req, c, who, &a, body)) != GZF_OK)
		return rc;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = application_store_create(c, &a, &a.id, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "application.create", "application", a.id, a.region_code,
			    "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return reply_application(req, c, a.id, 201, 0);
}

/* GET /api/v1/applications — the caller's own applications. */
static int
app_list(struct http_req *req)
{
	struct application *all;
	struct caller *who;
	struct db_conn *c;
	json_t *items, *chain;
	int rc, n, i;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = application_store_by_owner(c, who->actor.user_id, &all, &n, &req->err)) != GZF_OK ||
	    (rc = workflow_chain_get(c, who->actor.city_id, &chain, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, chain);
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, api_app_json(req, c, &all[i], chain, 0, 0));
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/v1/applications/:id — the application, its materials and its timeline. Staff
 * see ID numbers and accounts masked (the view is audited). */
static int
app_get(struct http_req *req)
{
	struct application a;
	struct caller *who;
	struct db_conn *c;
	json_t *chain, *o;
	int rc, staff;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_app_get(req, c, &a)) != GZF_OK ||
	    (rc = api_app_authorize(req, c, who, ACT_APP_READ, &a)) != GZF_OK ||
	    (rc = workflow_chain_get(c, a.city_id, &chain, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, chain);
	staff = who->actor.kind == ACTOR_STAFF;
	if (staff && (rc = api_audit_alone(req, c, who, "application.view", "application", a.id,
					   a.region_code, "ok", NULL)) != GZF_OK)
		return rc;
	o = api_app_json(req, c, &a, chain, 1, staff);
	json_object_set_new(o, "actions", api_app_actions(who, &a, chain));
	return http_reply_json(req, 200, json_pack("{s:o}", "application", o));
}

/* POST /api/v1/applications/:id/reveal {"field":"id_number"|"name"|"bank_account",
 * "member"?: n} — the full value of a person of the household (the applicant, or members[n])
 * or of the bank account, for those who check identities; each look is audited. */
static int
app_reveal(struct http_req *req)
{
	static const char *const fields[] = { "id_number", "name", "bank_account", NULL };
	const char *field, *path;
	struct application a;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	json_t *body, *h, *person, *member;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_read_choice(req, "field", fields, &field)) != GZF_OK)
		return rc;
	member = json_object_get(body, "member");
	if (member != NULL && (!json_is_integer(member) || json_integer_value(member) < 0 ||
			       json_integer_value(member) >= WORKFLOW_MAX_MEMBERS))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "member",
				   "member is the index of a household member");
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_app_get(req, c, &a)) != GZF_OK ||
	    (rc = api_app_authorize(req, c, who, ACT_APP_READ, &a)) != GZF_OK)
		return rc;
	obj = (struct object){ .owner_id = a.owner_id, .region_path = a.region_path };
	if ((rc = api_authorize(req, c, who, ACT_RESIDENT_REVEAL, &obj, "application.reveal",
				"application", a.id)) != GZF_OK)
		return rc;
	h = http_json_owned(req, api_app_household(req, &a, 0));
	if (strcmp(field, "bank_account") == 0)
		return api_reply_value(req, c, who, "application.reveal", "application", a.id,
				       a.region_code, "bank.account",
				       json_string_value(json_object_get(json_object_get(h, "bank"), "account")));
	person = member == NULL ? json_object_get(h, "applicant")
		 : json_array_get(json_object_get(h, "members"), (size_t)json_integer_value(member));
	if (person == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "member",
				   "the household has no such member");
	path = member == NULL ? arena_printf(req->arena, "applicant.%s", field)
	       : arena_printf(req->arena, "members[%lld].%s", (long long)json_integer_value(member), field);
	return api_reply_value(req, c, who, "application.reveal", "application", a.id, a.region_code,
			       path, json_string_value(json_object_get(person, field)));
}

/* PUT /api/v1/applications/:id {"household","draft_step","community_code","version"?} —
 * save the draft (or the corrections asked for). */
static int
app_put(struct http_req *req)
{
	struct review_input in = { .party = FSM_OWNER, .now = gzf_now_ms() };
	struct application a;
	struct caller *who;
	struct db_conn *c;
	json_t *body, *chain;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = owner_change(req, body, &c, &who, &a, &chain)) != GZF_OK ||
	    (rc = review_check(&a, chain, REVIEW_EDIT, in.party, &req->err)) != GZF_OK ||
	    (rc = apply_fields(req, c, who, &a, body)) != GZF_OK)
		return rc;
	return owner_fire(req, c, who, &a, chain, REVIEW_EDIT, &in, "application.save");
}

/* POST /api/v1/applications/:id/submit {"version"?} — a complete draft goes to the
 * acceptance step; corrections go back to the step that asked for them. */
static int
app_submit(struct http_req *req)
{
	struct review_input in = { .party = FSM_OWNER, .now = gzf_now_ms() };
	struct application a;
	struct caller *who;
	struct db_conn *c;
	json_t *body, *chain;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = owner_change(req, body, &c, &who, &a, &chain)) != GZF_OK)
		return rc;
	in.household = http_json_owned(req, api_app_household(req, &a, 0));
	return owner_fire(req, c, who, &a, chain, REVIEW_SUBMIT, &in,
			  review_state_of(&a, chain) == REVIEW_CORRECTION ? "application.resubmit"
									  : "application.submit");
}

/* POST /api/v1/applications/:id/withdraw {"reason","version"} — the applicant (or the
 * counter clerks of a counter application) withdraws it before a decision. */
static int
app_withdraw(struct http_req *req)
{
	struct review_input in = { .party = FSM_OWNER, .now = gzf_now_ms() };
	struct application a;
	struct caller *who;
	struct db_conn *c;
	json_t *body, *chain;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "reason", 1, 500, &in.reason)) != GZF_OK)
		return rc;
	if (!json_is_integer(json_object_get(body, "version")))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "version",
				   "version (of the application as you saw it) is required");
	if ((rc = owner_change(req, body, &c, &who, &a, &chain)) != GZF_OK)
		return rc;
	return owner_fire(req, c, who, &a, chain, REVIEW_WITHDRAW, &in, "application.withdraw");
}

/* POST /api/v1/applications/:id/materials?code=income&name=x.pdf, the file as body. */
static int
material_upload(struct http_req *req)
{
	const char *code = http_query(req, "code");
	struct application a;
	struct caller *who;
	struct db_conn *c;
	struct media_upload up;
	struct media m;
	json_t *chain, *mat;
	int64_t id;
	size_t i;
	int rc, known = 0;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_app_get(req, c, &a)) != GZF_OK ||
	    (rc = api_app_authorize(req, c, who, ACT_APP_EDIT, &a)) != GZF_OK ||
	    (rc = workflow_chain_get(c, a.city_id, &chain, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, chain);
	json_array_foreach(json_object_get(chain, "materials"), i, mat)
		if (code != NULL && strcmp(workflow_step_str(mat, "code"), code) == 0)
			known = 1;
	if (!known)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "code",
				   "code must be one of the materials this city asks for");
	if ((rc = review_check(&a, chain, REVIEW_EDIT, FSM_OWNER, &req->err)) != GZF_OK ||
	    (rc = api_media_check(req, "material", &up)) != GZF_OK || (rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = api_media_store(req, c, who, &up, a.city_id, a.region_path, &m)) != GZF_OK ||
	    (rc = application_store_material_add(c, a.city_id, a.id, code, m.id, gzf_now_ms(), &id, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "application.material_add", "application", a.id,
			    a.region_code, "ok", arena_printf(req->arena, "{\"code\":\"%s\",\"media\":%lld}",
							      code, (long long)m.id))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:{s:I, s:s, s:o}}", "material", "id",
						   (json_int_t)id, "code", code, "media", api_media_json(&m)));
}

/* GET /api/v1/applications/:id/materials/:mid — the file, to the applicant and staff. */
static int
material_get(struct http_req *req)
{
	struct application a;
	struct app_material am;
	struct caller *who;
	struct db_conn *c;
	struct media m;
	int64_t mid;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_app_get(req, c, &a)) != GZF_OK ||
	    (rc = api_app_authorize(req, c, who, ACT_APP_READ, &a)) != GZF_OK ||
	    (rc = api_param_int(req, "mid", &mid)) != GZF_OK ||
	    (rc = application_store_material_get(c, a.id, mid, &am, &req->err)) != GZF_OK ||
	    (rc = media_store_get(c, am.media_id, &m, &req->err)) != GZF_OK)
		return rc;
	return api_media_reply(req, &m);
}

/* DELETE /api/v1/applications/:id/materials/:mid — while it can still be edited. */
static int
material_delete(struct http_req *req)
{
	struct application a;
	struct caller *who;
	struct db_conn *c;
	json_t *chain;
	int64_t mid;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_app_get(req, c, &a)) != GZF_OK ||
	    (rc = api_app_authorize(req, c, who, ACT_APP_EDIT, &a)) != GZF_OK ||
	    (rc = api_param_int(req, "mid", &mid)) != GZF_OK ||
	    (rc = workflow_chain_get(c, a.city_id, &chain, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, chain);
	if ((rc = review_check(&a, chain, REVIEW_EDIT, FSM_OWNER, &req->err)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = application_store_material_delete(c, a.id, mid, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "application.material_delete", "application", a.id,
			    a.region_code, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	req->status = 204;
	return GZF_OK;
}

/* GET /api/v1/me/messages — the inbox, newest first. */
static int
messages_list(struct http_req *req)
{
	struct app_message *m;
	struct caller *who;
	struct db_conn *c;
	json_t *items;
	int rc, n, i, unread = 0;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = application_store_messages(c, who->actor.user_id, &m, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++) {
		unread += m[i].read_at == 0;
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:I}",
			"id", (json_int_t)m[i].id, "application_id", (json_int_t)m[i].application_id,
			"kind", m[i].kind, "title", m[i].title, "body", m[i].body,
			"created_at", (json_int_t)m[i].created_at, "read_at", (json_int_t)m[i].read_at));
	}
	return http_reply_json(req, 200, json_pack("{s:o, s:i}", "items", items, "unread", unread));
}

/* POST /api/v1/me/messages/:id/read */
static int
message_read(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = application_store_message_read(c, who->actor.user_id, id, gzf_now_ms(), &req->err)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	req->status = 204;
	return GZF_OK;
}

/* POST /api/v1/counter/consent-codes {"phone"} — a clerk sends the person a code that
 * they read back to confirm they consent to the clerk applying for them. */
static int
counter_code(struct http_req *req)
{
	struct service *svc = req->service;
	const char *phone, *phone_hash, *phone_scope, *staff_scope;
	char code[CODE_DIGITS + 1];
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	json_t *body;
	int64_t now = gzf_now_ms();
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "phone", 1, 20, &phone)) != GZF_OK ||
	    (rc = pii_check_phone(phone, &req->err)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = who->actor.region_path };
	if ((rc = api_authorize(req, c, who, ACT_APP_COUNTER, &obj, "counter.consent_code", "phone", 0)) != GZF_OK)
		return rc;
	phone_hash = api_hash(req, svc->secrets->index_key, "phone", phone);
	/* Each code is a message to someone's phone: as few as for a resident's own codes
	 * per phone, whichever clerk sends them, and a busy hour's worth per clerk. */
	phone_scope = arena_printf(req->arena, "%s:%s:%s", throttle_sms_phone.name, CONSENT_PURPOSE,
				   phone_hash);
	staff_scope = arena_printf(req->arena, "%s:%lld", throttle_sms_staff.name,
				   (long long)who->actor.user_id);
	if ((rc = api_throttle_check(req, c, staff_scope)) != GZF_OK ||
	    (rc = api_throttle_check(req, c, phone_scope)) != GZF_OK ||
	    (rc = api_throttle_hit(req, c, &throttle_sms_phone, phone_scope, who->actor.city_id, NULL)) != GZF_OK ||
	    (rc = api_throttle_hit(req, c, &throttle_sms_staff, staff_scope, who->actor.city_id, NULL)) != GZF_OK)
		return rc;
	crypto_random_digits(code, CODE_DIGITS);
	if ((rc = sms_send(&svc->partners.sms, req->arena, phone,
			   arena_printf(req->arena, "【公租房】工作人员正在为您代办公租房申请，您的确认验证码是%s，10分钟内有效。同意代办请将验证码告知工作人员。", code),
			   &req->err)) != GZF_OK)
		return rc;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = sms_code_store_create(c, who->actor.city_id, phone_hash, CONSENT_PURPOSE,
				    api_hash(req, svc->secrets->token_key, phone_hash, code), now,
				    now + CODE_TTL_MS, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "counter.consent_code", "phone", 0, who->actor.region_code,
			    "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 202, json_pack("{s:s, s:I}", "status", "sent",
						   "expires_in_seconds", (json_int_t)(CODE_TTL_MS / 1000)));
}

/* POST /api/v1/counter/applications {"phone","code","consent_media_id","community_code",
 * "household"?} — a clerk opens a draft for a person, with their consent: the signed form
 * (uploaded with purpose "consent") and the code sent to their phone. If the person has
 * an account, the application is theirs too (they see it and its messages). */
static int
counter_create(struct http_req *req)
{
	struct service *svc = req->service;
	const char *phone, *code, *phone_hash;
	struct application a = { 0 };
	struct sms_code sc;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	struct media m;
	struct user u;
	json_t *body, *jm;
	char *sealed;
	int64_t now = gzf_now_ms();
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "phone", 1, 20, &phone)) != GZF_OK ||
	    (rc = api_field_string(req, body, "code", 1, 12, &code)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = who->actor.region_path };
	if ((rc = api_authorize(req, c, who, ACT_APP_COUNTER, &obj, "counter.create", "application", 0)) != GZF_OK)
		return rc;
	jm = json_object_get(body, "consent_media_id");
	rc = json_is_integer(jm) ? media_store_get(c, json_integer_value(jm), &m, &req->err) : GZF_ENOTFOUND;
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && (m.owner_id != who->actor.user_id ||
						      strcmp(m.purpose, "consent") != 0)))
		return gzf_err_set(&req->err, GZF_EINVAL, "consent_form_required", "consent_media_id",
				   "upload the signed consent form first (purpose consent) and give its id");
	if (rc != GZF_OK)
		return rc;
	phone_hash = api_hash(req, svc->secrets->index_key, "phone", phone);
	rc = sms_code_store_latest(c, phone_hash, CONSENT_PURPOSE, now, &sc, &req->err);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && (sc.attempts >= 5 ||
		!crypto_equal(api_hash(req, svc->secrets->token_key, phone_hash, code), sc.code_hash)))) {
		if (rc == GZF_OK && db_begin(c, &req->err) == GZF_OK &&
		    sms_code_store_attempt(c, sc.id, &req->err) == GZF_OK)
			db_commit(c, &req->err);
		return gzf_err_set(&req->err, GZF_EINVAL, "wrong_code", "code",
				   "the confirmation code is wrong or has expired: send a new one");
	}
	if (rc != GZF_OK)
		return rc;
	rc = user_store_by_phone(c, "resident", phone_hash, &u, &req->err);
	if (rc != GZF_OK && rc != GZF_ENOTFOUND)
		return rc;
	crypto_seal(req->arena, svc->secrets->data_key, phone, &sealed);
	a = (struct application){
		.city_id = who->actor.city_id, .owner_id = rc == GZF_OK ? u.id : 0,
		.region_code = who->actor.region_code, .region_path = who->actor.region_path,
		.kind = "rental", .status = review_fsm.states[REVIEW_DRAFT], .persons = 1, .counter_clerk_id = who->actor.user_id,
		.consent_media_id = m.id, .consent_phone_enc = sealed, .consent_at = now, .created_at = now,
	};
	gzf_err_clear(&req->err);
	crypto_seal(req->arena, svc->secrets->data_key, "{}", &sealed);
	a.household_enc = sealed;
	if (json_object_get(body, "community_code") == NULL && strcmp(who->actor.region_path, "") != 0 &&
	    workflow_office(who->actor.region_path, "community") == 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "community_code",
				   "community_code is required");
	if ((rc = apply_fields(req, c, who, &a, body)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = a.region_path };
	if ((rc = api_authorize(req, c, who, ACT_APP_COUNTER, &obj, "counter.create", "application", 0)) != GZF_OK)
		return rc;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = sms_code_store_use(c, sc.id, now, &req->err)) != GZF_OK ||
	    (rc = application_store_create(c, &a, &a.id, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "counter.create", "application", a.id, a.region_code, "ok",
			    arena_printf(req->arena, "{\"consent_media\":%lld,\"sms_confirmed\":true}",
					 (long long)m.id))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return reply_application(req, c, a.id, 201, 1);
}
