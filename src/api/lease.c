/*
 * lease.c — leases (R8, R21): each city's lease template versions; the housing manager
 * writes a lease from a confirmed pick's reserved flat (or any flat reserved for a
 * qualified household); the household reads it on the phone and signs it with an SMS code
 * — the signed document is kept as a PDF with its SHA-256, the signer, the time and the
 * consent — or a clerk takes the signature at the counter on a scanned signed paper; the
 * move-in (keys, inventory with photos, meters) is confirmed by both sides; renewal,
 * termination, the end of the term and the cancellation of an unsigned lease. How a
 * lease moves is its state machine, domain/lease.c.
 */
#include "api/api.h"
#include "core/crypto.h"
#include "domain/billing.h"
#include "domain/calendar.h"
#include "domain/lease.h"
#include "domain/pii.h"
#include "store/application_store.h"
#include "store/housing_store.h"
#include "store/selection_store.h"
#include "store/sms_code_store.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIGN_PURPOSE "lease_sign"
#define LIST_MAX 200
#define CONSENT_CHARS 500
#define METER_CHARS 12
#define LOCAL_OFFSET_MS (8LL * 3600 * 1000)

static int template_list(struct http_req *req);
static int template_create(struct http_req *req);
static int template_get(struct http_req *req);
static int template_put(struct http_req *req);
static int lease_list(struct http_req *req);
static int lease_candidates(struct http_req *req);
static int lease_create(struct http_req *req);
static int lease_get(struct http_req *req);
static int me_lease(struct http_req *req);
static int sign_code(struct http_req *req);
static int sign(struct http_req *req);
static int counter_sign(struct http_req *req);
static int document(struct http_req *req);
static int move_in_put(struct http_req *req);
static int move_in_confirm(struct http_req *req);
static int decide(struct http_req *req);

void
api_lease_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/cities/:city/lease-templates", template_list);
	router_add(r, "POST", "/api/v1/cities/:city/lease-templates", template_create);
	router_add(r, "GET", "/api/v1/lease-templates/:id", template_get);
	router_add(r, "PUT", "/api/v1/lease-templates/:id", template_put);
	router_add(r, "GET", "/api/v1/cities/:city/leases", lease_list);
	router_add(r, "GET", "/api/v1/cities/:city/lease-candidates", lease_candidates);
	router_add(r, "POST", "/api/v1/cities/:city/leases", lease_create);
	router_add(r, "GET", "/api/v1/leases/:id", lease_get);
	router_add(r, "GET", "/api/v1/me/lease", me_lease);
	router_add(r, "POST", "/api/v1/leases/:id/sign-code", sign_code);
	router_add(r, "POST", "/api/v1/leases/:id/sign", sign);
	router_add(r, "POST", "/api/v1/leases/:id/counter-sign", counter_sign);
	router_add(r, "GET", "/api/v1/leases/:id/document", document);
	router_add(r, "PUT", "/api/v1/leases/:id/move-in", move_in_put);
	router_add(r, "POST", "/api/v1/leases/:id/move-in/confirm", move_in_confirm);
	router_add(r, "POST", "/api/v1/leases/:id/decision", decide);
}

/* Templates. */

static json_t *
template_json(const struct lease_template *t)
{
	return json_pack("{s:I, s:I, s:i, s:s, s:s, s:s, s:I, s:I, s:I, s:b}",
		"id", (json_int_t)t->id, "city_id", (json_int_t)t->city_id, "version", t->version,
		"title", t->title, "body", t->body, "note", t->note,
		"created_at", (json_int_t)t->created_at, "updated_at", (json_int_t)t->updated_at,
		"used", (json_int_t)t->used, "locked", t->used > 0);
}

/* The city of :city (or city_id), with action authorised on it. */
static int
city_authorize(struct http_req *req, struct db_conn *c, const struct caller *who, int64_t city_id,
	       enum action action, const char *audit, struct region *city)
{
	struct object obj;
	int rc;

	if ((rc = city_id ? region_store_get(c, city_id, city, &req->err)
			  : api_param_city(req, c, city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city->path };
	return api_authorize(req, c, who, action, &obj, audit, "region", city->code);
}

/* The title, body and note of a template from the request body, checked. */
static int
template_read(struct http_req *req, struct lease_template *t)
{
	json_t *body;
	int rc;

	t->note = "";
	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "title", 1, LEASE_TEMPLATE_TITLE_CHARS, &t->title)) != GZF_OK ||
	    (rc = api_field_string(req, body, "body", 1, LEASE_TEMPLATE_BODY_CHARS, &t->body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "note", 0, LEASE_REASON_CHARS, &t->note)) != GZF_OK)
		return rc;
	if (t->note == NULL)
		t->note = "";
	if (t->title[0] == '\0')
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "title", "title is required");
	return lease_template_check(t->body, &req->err);
}

/* GET /api/v1/cities/:city/lease-templates — the versions, newest first, and the
 * built-in text a city starts from. */
static int
template_list(struct http_req *req)
{
	struct lease_template *list;
	const char *title, *body;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	json_t *items;
	int rc, n, i;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = city_authorize(req, c, who, 0, ACT_LEASE_MANAGE, "lease_template.list", &city)) != GZF_OK ||
	    (rc = lease_store_template_list(c, city.code, &list, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, template_json(&list[i]));
	lease_template_default(&title, &body);
	return http_reply_json(req, 200, json_pack("{s:o, s:{s:s, s:s}}", "items", items,
						   "default", "title", title, "body", body));
}

/* POST /api/v1/cities/:city/lease-templates {"title","body","note"} — a new version. */
static int
template_create(struct http_req *req)
{
	struct lease_template t = { .created_at = gzf_now_ms() };
	struct region city;
	struct caller *who;
	struct db_conn *c;
	int rc;

	if ((rc = template_read(req, &t)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = city_authorize(req, c, who, 0, ACT_LEASE_MANAGE, "lease_template.create", &city)) != GZF_OK)
		return rc;
	t.city_id = city.code;
	t.created_by = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	rc = lease_store_template_create(c, &t, &req->err);
	if (db_is_duplicate(rc, &req->err))
		return gzf_err_set(&req->err, GZF_ECONFLICT, "version_conflict", NULL,
				   "another version was written at the same time: reload");
	if (rc != GZF_OK ||
	    (rc = api_audit(req, c, who, "lease_template.create", "lease_template", t.id, city.code, "ok",
			    arena_printf(req->arena, "{\"version\":%d}", t.version))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:o}", "template", template_json(&t)));
}

/* The template of :id, with ACT_LEASE_MANAGE on its city. */
static int
template_load(struct http_req *req, struct db_conn *c, const struct caller *who, const char *audit,
	      struct lease_template *t, struct region *city)
{
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = lease_store_template_get(c, id, t, &req->err)) != GZF_OK)
		return rc;
	return city_authorize(req, c, who, t->city_id, ACT_LEASE_MANAGE, audit, city);
}

/* GET /api/v1/lease-templates/:id */
static int
template_get(struct http_req *req)
{
	struct lease_template t;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = template_load(req, c, who, "lease_template.read", &t, &city)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "template", template_json(&t)));
}

/* PUT /api/v1/lease-templates/:id {"title","body","note"} — correct a version no lease
 * was written from (409 template_in_use otherwise: write a new version). */
static int
template_put(struct http_req *req)
{
	struct lease_template t, in = { 0 };
	struct region city;
	struct caller *who;
	struct db_conn *c;
	int rc;

	if ((rc = template_read(req, &in)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = template_load(req, c, who, "lease_template.update", &t, &city)) != GZF_OK)
		return rc;
	t.title = in.title;
	t.body = in.body;
	t.note = in.note;
	t.updated_at = gzf_now_ms();
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = lease_store_template_update(c, &t, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "lease_template.update", "lease_template", t.id, city.code, "ok",
			    NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "template", template_json(&t)));
}

/* Leases. */

/* "2026年12月2日 15:40" (China Standard Time). */
static const char *
local_time(struct arena *a, int64_t ms)
{
	time_t t = (time_t)((ms + LOCAL_OFFSET_MS) / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	return arena_printf(a, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			    tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* The events of the machine the caller may fire on l, as the console and app offer them. */
static json_t *
actions_json(const struct caller *who, const struct lease *l)
{
	struct object obj = { .owner_id = l->owner_id, .region_path = l->region_path };
	enum lease_state s = lease_state_of(l);
	json_t *list = json_array();
	int e, owner = who->actor.kind == ACTOR_RESIDENT;

	if (!owner && authz_check(&who->actor, ACT_LEASE_MANAGE, &obj) == GZF_OK)
		for (e = 0; e < LEASE_NEVENTS; e++)
			if (fsm_allows(&lease_fsm, (int)s, e, FSM_DECIDER))
				json_array_append_new(list, json_string(lease_fsm.events[e]));
	if (authz_check(&who->actor, ACT_LEASE_SIGN, &obj) == GZF_OK) {
		if (s == LEASE_OFFERED)
			json_array_append_new(list, json_string(owner ? "sign" : "counter_sign"));
		if (owner && s == LEASE_SIGNED)
			json_array_append_new(list, json_string("move_in_confirm"));
	}
	return list;
}

static json_t *
move_in_json(const struct lease_move_in *m)
{
	json_t *inventory = json_loads(m->inventory, 0, NULL), *photos = json_array();
	int i;

	for (i = 0; i < m->n_photos; i++)
		json_array_append_new(photos, json_pack("{s:I, s:o}", "id", (json_int_t)m->photos[i],
			"url", json_sprintf("/api/v1/media/%lld", (long long)m->photos[i])));
	return json_pack("{s:b, s:o, s:o, s:{s:s, s:s, s:s}, s:I, s:I, s:I}",
		"keys_handed", m->keys_handed, "inventory", inventory ? inventory : json_array(),
		"photos", photos, "meters", "water_m3", m->water_m3, "electricity_kwh",
		m->electricity_kwh, "gas_m3", m->gas_m3, "recorded_at", (json_int_t)m->recorded_at,
		"staff_confirmed_at", (json_int_t)m->staff_confirmed_at,
		"resident_confirmed_at", (json_int_t)m->resident_confirmed_at);
}

/* The lease's text with the tenant's name filled in (name: as the reader may see it). */
static const char *
lease_text(struct http_req *req, const struct lease *l, const char *name)
{
	struct lease_fields f = { .tenant = name };

	return lease_render(req->arena, l->body, &f, 0);
}

/* The tenant's name as stored, opened. */
static const char *
tenant_name(struct http_req *req, const struct lease *l)
{
	const char *name = api_unseal(req, l->household_name_enc);

	return name ? name : "";
}

/* The lease as its household (full) or the staff (the name masked) see it; details adds
 * the text, the move-in and the history. */
static int
lease_json(struct http_req *req, struct db_conn *c, const struct caller *who, const struct lease *l,
	   int details, json_t **out)
{
	const char *name = tenant_name(req, l);
	struct lease_move_in m;
	struct lease_event_row *ev;
	json_t *events;
	struct unit u;
	int rc, n, i, own = who->actor.kind == ACTOR_RESIDENT;

	if (!own)
		name = pii_mask_name(req->arena, name);
	if ((rc = housing_store_unit_get(c, l->unit_id, &u, &req->err)) != GZF_OK)
		return rc;
	*out = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:{s:I, s:s, s:s, s:s, s:s, s:s, s:I},"
			 " s:i, s:i, s:I, s:I, s:I, s:I, s:s, s:I, s:s, s:s, s:s?, s:s, s:I, s:s, s:i,"
			 " s:I, s:o}",
		"id", (json_int_t)l->id, "lease_no", l->lease_no, "state", l->state,
		"application_id", (json_int_t)l->application_id, "pick_id", (json_int_t)l->pick_id,
		"region_code", (json_int_t)l->region_code, "household", name,
		"unit", "id", (json_int_t)u.id, "estate", u.estate_name, "building", u.building_name,
		"unit_no", u.unit_no, "layout", u.layout, "address", u.address ? u.address : "",
		"floor", (json_int_t)u.floor,
		"starts_on", l->starts_on, "ends_on", l->ends_on, "area_dm2", (json_int_t)l->area_dm2,
		"rent_fen", (json_int_t)l->rent_fen, "deposit_fen", (json_int_t)l->deposit_fen,
		"template_id", (json_int_t)l->template_id, "title", l->title,
		"signed_at", (json_int_t)l->signed_at, "sign_method", l->sign_method,
		"consent", l->consent,
		"document_url", l->pdf_media_id ? arena_printf(req->arena, "/api/v1/leases/%lld/document",
							       (long long)l->id) : NULL,
		"pdf_sha256", l->pdf_sha256, "paper_media_id", (json_int_t)l->paper_media_id,
		"end_reason", l->end_reason, "version", l->version,
		"created_at", (json_int_t)l->created_at, "actions", actions_json(who, l));
	if (!details)
		return GZF_OK;
	http_json_owned(req, *out);
	if ((rc = lease_store_move_in_get(c, l->id, &m, &req->err)) != GZF_OK ||
	    (rc = lease_store_events(c, l->id, &ev, &n, &req->err)) != GZF_OK)
		return rc;
	events = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(events, json_pack("{s:s, s:s, s:s, s:I}", "event", ev[i].event,
			"state", ev[i].state, "detail", ev[i].detail, "at", (json_int_t)ev[i].at));
	json_object_set_new(*out, "text", json_string(lease_text(req, l, name)));
	json_object_set_new(*out, "move_in", move_in_json(&m));
	json_object_set_new(*out, "events", events);
	json_incref(*out); /* the caller's, beside the request's */
	return GZF_OK;
}

static int
reply_lease(struct http_req *req, struct db_conn *c, const struct caller *who,
	    const struct lease *l, int status)
{
	json_t *j;
	int rc;

	if ((rc = lease_json(req, c, who, l, 1, &j)) != GZF_OK)
		return rc;
	return http_reply_json(req, status, json_pack("{s:o}", "lease", j));
}

/* The lease of :id with action authorised on it: its household (another's is 404 to a
 * resident) or the staff of its region (403 outside). */
static int
lease_load(struct http_req *req, struct db_conn *c, const struct caller *who, enum action action,
	   const char *audit, struct lease *l)
{
	struct object obj;
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = lease_store_get(c, id, l, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .owner_id = l->owner_id, .region_path = l->region_path };
	rc = api_authorize(req, c, who, action, &obj, audit, "lease", l->id);
	if (rc == GZF_EFORBIDDEN && who->actor.kind == ACTOR_RESIDENT)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "lease_not_found", NULL, "no such lease");
	return rc;
}

/* The "version" of the body as the caller saw l: 409 when it moved on. */
static int
version_check(struct http_req *req, json_t *body, const struct lease *l)
{
	json_t *jv = json_object_get(body, "version");

	if (!json_is_integer(jv))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "version",
				   "version (of the lease as you saw it) is required");
	if (json_integer_value(jv) != l->version)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "version_conflict", "version",
				   "the lease changed in the meantime: reload it");
	return GZF_OK;
}

/* The region of the city the caller lists: its own subtree when inside the city. */
static const char *
listed_path(const struct caller *who, const struct region *city)
{
	return authz_region_within(who->actor.region_path, city->path) ? who->actor.region_path
									  : city->path;
}

/* GET /api/v1/cities/:city/leases?state=&before= — the leases of the caller's region,
 * newest first. */
static int
lease_list(struct http_req *req)
{
	const char *state = http_query(req, "state");
	struct lease *list;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	json_t *items, *j;
	int64_t before = 0, limit = 50;
	int rc, n, i;

	if (state != NULL && state[0] == '\0')
		state = NULL;
	for (i = 0; state != NULL && i < LEASE_NSTATES && strcmp(state, lease_fsm.states[i]) != 0; i++)
		;
	if (state != NULL && i == LEASE_NSTATES)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "state", "no such lease state");
	if ((rc = api_query_int(req, "before", 0, INT64_MAX, 0, &before)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, LIST_MAX, 50, &limit)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = listed_path(who, &city) };
	if ((rc = api_authorize(req, c, who, ACT_LEASE_READ, &obj, "lease.list", "region", city.code)) != GZF_OK ||
	    (rc = lease_store_list(c, city.code, obj.region_path, state, before, (int)limit, &list, &n,
				   &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	http_json_owned(req, items);
	for (i = 0; i < n; i++) {
		if ((rc = lease_json(req, c, who, &list[i], 0, &j)) != GZF_OK)
			return rc;
		json_array_append_new(items, j);
	}
	return http_reply_json(req, 200, json_pack("{s:O, s:I}", "items", items,
		"next_before", (json_int_t)(n == limit ? list[n - 1].id : 0)));
}

/* GET /api/v1/cities/:city/lease-candidates — confirmed picks whose reserved flat has no
 * lease yet (names masked). */
static int
lease_candidates(struct http_req *req)
{
	struct lease_candidate *list;
	struct application a;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	json_t *items;
	int rc, n, i;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = listed_path(who, &city) };
	if ((rc = api_authorize(req, c, who, ACT_LEASE_MANAGE, &obj, "lease.candidates", "region",
				city.code)) != GZF_OK ||
	    (rc = lease_store_candidates(c, city.code, obj.region_path, LIST_MAX, &list, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++) {
		if ((rc = application_store_get(c, list[i].application_id, &a, &req->err)) != GZF_OK) {
			json_decref(items);
			return rc;
		}
		json_array_append_new(items, json_pack("{s:I, s:I, s:s?, s:s, s:i, s:{s:I, s:s, s:s, s:s, s:s, s:I, s:I}}",
			"pick_id", (json_int_t)list[i].pick_id, "application_id", (json_int_t)list[i].application_id,
			"reference", a.reference,
			"household", pii_mask_name(req->arena, api_unseal(req, a.applicant_name_enc)),
			"lottery_rank", list[i].lottery_rank,
			"unit", "id", (json_int_t)list[i].unit_id, "estate", list[i].estate_name,
			"building", list[i].building_name, "unit_no", list[i].unit_no, "layout", list[i].layout,
			"area_dm2", (json_int_t)list[i].area_dm2, "rent_fen", (json_int_t)list[i].rent_fen));
	}
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/*
 * POST /api/v1/cities/:city/leases {"pick_id"} or {"unit_id","application_id"},
 * "starts_on"? (yyyymmdd, default tomorrow), "term_months"? (1-60, default 36),
 * "deposit_months"? (0-12, default 2) — the housing manager writes the offered lease from
 * the city's current template: the household, the flat, its area and monthly rent, the
 * deposit and the term. A second live lease of the flat or household: 409 lease_exists.
 */
static int
lease_create(struct http_req *req)
{
	struct lease l = { .created_at = gzf_now_ms() };
	struct lease_template t;
	struct lease_fields f;
	struct selection_pick p;
	struct application a;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	struct unit u;
	json_t *body;
	int64_t pick_id = 0, unit_id = 0, app_id = 0, starts = 0, term = LEASE_TERM_MONTHS_DEFAULT;
	int64_t deposit_months = 2;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_int(req, body, "pick_id", 0, 1, INT64_MAX, &pick_id)) != GZF_OK ||
	    (rc = api_field_int(req, body, "unit_id", 0, 1, INT64_MAX, &unit_id)) != GZF_OK ||
	    (rc = api_field_int(req, body, "application_id", 0, 1, INT64_MAX, &app_id)) != GZF_OK ||
	    (rc = api_field_int(req, body, "starts_on", 0, 19700101, 20991231, &starts)) != GZF_OK ||
	    (rc = api_field_int(req, body, "term_months", 0, 1, LEASE_TERM_MONTHS_MAX, &term)) != GZF_OK ||
	    (rc = api_field_int(req, body, "deposit_months", 0, 0, 12, &deposit_months)) != GZF_OK)
		return rc;
	if (pick_id == 0 && (unit_id == 0 || app_id == 0))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "pick_id",
				   "name the confirmed pick, or the reserved unit and the application");
	if (starts == 0)
		starts = calendar_local_date(l.created_at + 86400000LL);
	if (!calendar_date_valid((int)starts))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "starts_on",
				   "starts_on: a date as yyyymmdd");
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK)
		return rc;
	if (pick_id != 0) {
		if ((rc = selection_store_pick_get(c, pick_id, &p, &req->err)) != GZF_OK)
			return rc;
		if (strcmp(p.state, "confirmed") != 0 || p.city_id != city.code)
			return gzf_err_set(&req->err, GZF_ESTATE, "pick_not_confirmed", "pick_id",
					   "a lease is written for a household that confirmed its flat");
		unit_id = p.unit_id;
		app_id = p.application_id;
	}
	if ((rc = application_store_get(c, app_id, &a, &req->err)) != GZF_OK ||
	    (rc = housing_store_unit_get(c, unit_id, &u, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = a.region_path };
	if ((rc = api_authorize(req, c, who, ACT_LEASE_MANAGE, &obj, "lease.create", "application", a.id)) != GZF_OK)
		return rc;
	if (a.city_id != city.code || u.city_id != city.code || strcmp(a.status, "qualified") != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "not_qualified", "application_id",
				   "a lease is written for a qualified household of this city");
	l.city_id = city.code;
	l.application_id = a.id;
	l.owner_id = a.owner_id;
	l.unit_id = u.id;
	l.pick_id = pick_id;
	l.region_code = a.region_code;
	l.region_path = a.region_path;
	l.starts_on = (int)starts;
	l.ends_on = lease_term_end((int)starts, (int)term);
	l.area_dm2 = u.floor_area_dm2;
	l.household_name_enc = a.applicant_name_enc;
	l.created_by = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = billing_lease_terms(c, city.code, l.starts_on, l.area_dm2, u.rent_fen,
				      (int)deposit_months, &l.rent_fen, &l.deposit_fen, &req->err)) != GZF_OK ||
	    (rc = lease_template_current(c, city.code, who->actor.user_id, l.created_at, &t,
					 &req->err)) != GZF_OK)
		return rc;
	l.template_id = t.id;
	l.title = t.title;
	lease_fields_of(req->arena, &city, &a, &u, &l, (int)term, &f);
	if ((rc = lease_generate(c, &l, u.status, t.body, &f, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "lease.create", "lease", l.id, l.region_code, "ok",
			    arena_printf(req->arena, "{\"unit_id\":%lld,\"application_id\":%lld,\"template\":%d}",
					 (long long)u.id, (long long)a.id, t.version))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = lease_store_get(c, l.id, &l, &req->err)) != GZF_OK)
		return rc;
	return reply_lease(req, c, who, &l, 201);
}

/* GET /api/v1/leases/:id */
static int
lease_get(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct lease l;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = lease_load(req, c, who, ACT_LEASE_READ, "lease.read", &l)) != GZF_OK)
		return rc;
	return reply_lease(req, c, who, &l, 200);
}

/* GET /api/v1/me/lease — the resident's live (else newest) lease; {"lease": null}. */
static int
me_lease(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct lease l;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	rc = lease_store_by_owner(c, who->actor.user_id, &l, &req->err);
	if (rc == GZF_ENOTFOUND)
		return http_reply_json(req, 200, json_pack("{s:n}", "lease"));
	if (rc != GZF_OK)
		return rc;
	return reply_lease(req, c, who, &l, 200);
}

/* The household's own lease of :id for signing (staff: 403; another's: 404), offered. */
static int
own_offered(struct http_req *req, struct db_conn *c, const struct caller *who, const char *audit,
	    struct lease *l, struct user *u)
{
	int rc;

	if (who->actor.kind != ACTOR_RESIDENT)
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "forbidden", NULL,
				   "staff take a signature at the counter (counter-sign)");
	if ((rc = lease_load(req, c, who, ACT_LEASE_SIGN, audit, l)) != GZF_OK)
		return rc;
	if (lease_state_of(l) != LEASE_OFFERED)
		return gzf_err_set(&req->err, GZF_ESTATE, "illegal_transition", NULL,
				   "the lease is %s: there is nothing to sign", l->state);
	return user_store_get(c, who->actor.user_id, u, &req->err);
}

/* POST /api/v1/leases/:id/sign-code — a code to sign with, sent to the household's phone. */
static int
sign_code(struct http_req *req)
{
	const char *scope, *code_hash, *phone;
	struct caller *who;
	struct db_conn *c;
	struct lease l;
	struct user u;
	int64_t now = gzf_now_ms();
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = own_offered(req, c, who, "lease.sign_code", &l, &u)) != GZF_OK)
		return rc;
	phone = api_unseal(req, u.phone_enc);
	assert(phone != NULL); /* every resident registered with a phone */
	scope = arena_printf(req->arena, "%s:%s:%s", throttle_sms_phone.name, SIGN_PURPOSE, u.phone_hash);
	if ((rc = api_throttle_check(req, c, scope)) != GZF_OK ||
	    (rc = api_throttle_hit(req, c, &throttle_sms_phone, scope, l.city_id, NULL)) != GZF_OK ||
	    (rc = api_sms_code_send(req, phone, u.phone_hash,
				    arena_printf(req->arena, "【公租房】您正在签署公共租赁住房租赁合同（%s），验证码是",
						 l.lease_no),
				    "，10分钟内有效。请勿将验证码告知他人。", &code_hash)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = sms_code_store_create(c, l.city_id, u.phone_hash, SIGN_PURPOSE, code_hash, now,
					now + API_CODE_TTL_MS, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "lease.sign_code", "lease", l.id, l.region_code, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 202, json_pack("{s:s, s:s, s:I}", "status", "sent",
		"phone", pii_mask_phone(req->arena, phone),
		"expires_in_seconds", (json_int_t)(API_CODE_TTL_MS / 1000)));
}

/* The signed document of l, kept as a private media file of the lease's household. */
static int
keep_document(struct http_req *req, struct db_conn *c, const struct caller *who, struct lease *l,
	      const char *signature, struct lease_input *in)
{
	const struct service *svc = req->service;

	return lease_document_keep(c, svc->cfg->data_dir, svc->secrets->data_key, l,
				   lease_text(req, l, tenant_name(req, l)), signature,
				   l->owner_id ? l->owner_id : who->actor.user_id, in, &req->err);
}

/* Fire in on l, audit it as action with detail, commit and answer with the lease. */
static int
fire_and_reply(struct http_req *req, struct db_conn *c, const struct caller *who, struct lease *l,
	       enum lease_event event, const struct lease_input *in, const char *action,
	       const char *detail)
{
	int rc;

	if ((rc = lease_fire(c, l, event, in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, action, "lease", l->id, l->region_code, "ok", detail)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return reply_lease(req, c, who, l, 200);
}

/*
 * POST /api/v1/leases/:id/sign {"code","consent":true,"version"} — the household signs
 * with the code sent to its phone: the signed document is rendered as PDF and kept, its
 * SHA-256, the signer, the time and the consent recorded and audited. A wrong or expired
 * code changes nothing but the code's count of tries.
 */
static int
sign(struct http_req *req)
{
	struct lease_input in = { .party = FSM_OWNER, .now = gzf_now_ms(), .method = "sms" };
	const char *code, *signature;
	struct caller *who;
	struct db_conn *c;
	struct lease l;
	struct user u;
	json_t *body;
	int64_t code_id;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "code", 1, 12, &code)) != GZF_OK)
		return rc;
	if (!json_is_true(json_object_get(body, "consent")))
		return gzf_err_set(&req->err, GZF_EINVAL, "consent_required", "consent",
				   "read the lease and agree to it before signing");
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = own_offered(req, c, who, "lease.sign", &l, &u)) != GZF_OK ||
	    (rc = version_check(req, body, &l)) != GZF_OK ||
	    (rc = api_sms_code_verify(req, c, u.phone_hash, SIGN_PURPOSE, code, &code_id)) != GZF_OK)
		return rc;
	in.actor_id = who->actor.user_id;
	in.consent = arena_printf(req->arena, "本人已阅读并同意《%s》（%s）全部条款，以短信验证码签署。",
				  l.title, l.lease_no);
	signature = arena_printf(req->arena, "承租人电子签署：%s 于 %s（北京时间）以手机 %s 接收的短信验证码确认签署。\n%s",
				 tenant_name(req, &l), local_time(req->arena, in.now),
				 pii_mask_phone(req->arena, api_unseal(req, u.phone_enc)), in.consent);
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = sms_code_store_use(c, code_id, in.now, &req->err)) != GZF_OK ||
	    (rc = keep_document(req, c, who, &l, signature, &in)) != GZF_OK)
		return rc;
	return fire_and_reply(req, c, who, &l, LEASE_SIGN, &in, "lease.sign",
			      arena_printf(req->arena, "{\"method\":\"sms\",\"sha256\":\"%s\"}", in.pdf_sha256));
}

/*
 * POST /api/v1/leases/:id/counter-sign {"paper_media_id","consent":{"given":true,"text"},
 * "version"} — a clerk takes the signature at the counter: the paper the household signed,
 * scanned and uploaded by the clerk (purpose consent), and its consent in words.
 */
static int
counter_sign(struct http_req *req)
{
	struct lease_input in = { .party = FSM_OWNER, .now = gzf_now_ms(), .method = "counter" };
	const char *signature;
	struct caller *who;
	struct db_conn *c;
	struct lease l;
	struct media m;
	json_t *body, *consent, *jm;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	consent = json_object_get(body, "consent");
	if (!json_is_true(json_object_get(consent, "given")) ||
	    api_field_string(req, consent, "text", 1, CONSENT_CHARS, &in.consent) != GZF_OK ||
	    in.consent[0] == '\0')
		return gzf_err_set(&req->err, GZF_EINVAL, "consent_required", "consent",
				   "a signature at the counter needs the household's consent, recorded in words");
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	if (who->actor.kind != ACTOR_STAFF)
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "forbidden", NULL,
				   "a household signs with its SMS code");
	if ((rc = lease_load(req, c, who, ACT_LEASE_SIGN, "lease.counter_sign", &l)) != GZF_OK ||
	    (rc = version_check(req, body, &l)) != GZF_OK)
		return rc;
	jm = json_object_get(body, "paper_media_id");
	rc = json_is_integer(jm) ? media_store_get(c, json_integer_value(jm), &m, &req->err) : GZF_ENOTFOUND;
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && (m.owner_id != who->actor.user_id ||
						      strcmp(m.purpose, "consent") != 0)))
		return gzf_err_set(&req->err, GZF_EINVAL, "paper_required", "paper_media_id",
				   "upload the signed paper first (purpose consent) and give its id");
	if (rc != GZF_OK)
		return rc;
	in.actor_id = who->actor.user_id;
	in.paper_media_id = m.id;
	signature = arena_printf(req->arena, "柜台签署：承租人 %s 在纸质合同上签字，经办人员（编号 %lld）于 %s（北京时间）"
				 "核对并上传签字件（SHA-256 %s）。\n承租人同意：%s",
				 tenant_name(req, &l), (long long)who->actor.user_id,
				 local_time(req->arena, in.now), m.sha256, in.consent);
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = keep_document(req, c, who, &l, signature, &in)) != GZF_OK)
		return rc;
	return fire_and_reply(req, c, who, &l, LEASE_SIGN, &in, "lease.counter_sign",
			      arena_printf(req->arena, "{\"method\":\"counter\",\"paper\":%lld,\"sha256\":\"%s\"}",
					   (long long)m.id, in.pdf_sha256));
}

/* GET /api/v1/leases/:id/document — the signed PDF, to the lease's readers. */
static int
document(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct lease l;
	struct media m;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = lease_load(req, c, who, ACT_LEASE_READ, "lease.document", &l)) != GZF_OK)
		return rc;
	if (l.pdf_media_id == 0)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "not_signed", NULL,
				   "the lease is not signed yet");
	if ((rc = media_store_get(c, l.pdf_media_id, &m, &req->err)) != GZF_OK)
		return rc;
	return api_media_reply(req, &m);
}

/* A meter reading: digits with at most two decimals, as written on the meter. */
static int
meter_read(struct http_req *req, json_t *meters, const char *name, const char **out)
{
	const char *v, *dot;
	size_t i;
	int rc;

	if ((rc = api_field_string(req, meters, name, 1, METER_CHARS, &v)) != GZF_OK)
		return rc;
	dot = strchr(v, '.');
	for (i = 0; v[i] != '\0'; i++)
		if (!(v[i] >= '0' && v[i] <= '9') && v + i != dot)
			break;
	if (v[0] == '\0' || v[i] != '\0' || v == dot || (dot && (dot[1] == '\0' || strlen(dot + 1) > 2)))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value",
				   arena_printf(req->arena, "meters.%s", name),
				   "%s: the reading as a number with at most two decimals", name);
	*out = v;
	return GZF_OK;
}

/* The inventory array [{"item","condition"}] checked and written back compactly. */
static int
inventory_read(struct http_req *req, json_t *body, const char **out)
{
	json_t *inv = json_object_get(body, "inventory"), *clean = json_array(), *it;
	const char *item, *cond;
	char *text;
	size_t i;
	int rc;

	http_json_owned(req, clean);
	if (inv != NULL && (!json_is_array(inv) || json_array_size(inv) > LEASE_INVENTORY_MAX))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "inventory",
				   "inventory: at most %d items {item, condition}", LEASE_INVENTORY_MAX);
	json_array_foreach(inv, i, it) {
		if (!json_is_object(it) ||
		    (rc = api_field_string(req, it, "item", 1, LEASE_ITEM_CHARS, &item)) != GZF_OK ||
		    (rc = api_field_string(req, it, "condition", 1, LEASE_ITEM_CHARS, &cond)) != GZF_OK ||
		    item[0] == '\0')
			return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value",
					   arena_printf(req->arena, "inventory[%zu]", i),
					   "each item of the inventory: {item, condition}");
		json_array_append_new(clean, json_pack("{s:s, s:s}", "item", item, "condition", cond));
	}
	text = json_dumps(clean, JSON_COMPACT);
	*out = arena_strdup(req->arena, text);
	free(text);
	return GZF_OK;
}

/*
 * PUT /api/v1/leases/:id/move-in {"keys_handed":true,"inventory":[{"item","condition"}],
 * "photos":[media ids],"meters":{"water_m3","electricity_kwh","gas_m3"},"version"} — the
 * housing manager records the hand-over of a signed lease (both sides confirm it again).
 * Photos are the caller's own uploads (purpose photo).
 */
static int
move_in_put(struct http_req *req)
{
	struct lease_input in = { .party = FSM_DECIDER, .now = gzf_now_ms() };
	struct lease_move_in m = { 0 };
	int64_t photos[LEASE_PHOTOS_MAX];
	struct caller *who;
	struct db_conn *c;
	struct lease l;
	struct media md;
	json_t *body, *meters, *jp, *v;
	size_t i;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	meters = json_object_get(body, "meters");
	if (!json_is_object(meters))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "meters",
				   "meters: {water_m3, electricity_kwh, gas_m3}");
	if ((rc = meter_read(req, meters, "water_m3", &m.water_m3)) != GZF_OK ||
	    (rc = meter_read(req, meters, "electricity_kwh", &m.electricity_kwh)) != GZF_OK ||
	    (rc = meter_read(req, meters, "gas_m3", &m.gas_m3)) != GZF_OK ||
	    (rc = inventory_read(req, body, &m.inventory)) != GZF_OK)
		return rc;
	m.keys_handed = json_is_true(json_object_get(body, "keys_handed"));
	jp = json_object_get(body, "photos");
	if (jp != NULL && (!json_is_array(jp) || json_array_size(jp) > LEASE_PHOTOS_MAX))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "photos",
				   "photos: at most %d media ids", LEASE_PHOTOS_MAX);
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = lease_load(req, c, who, ACT_LEASE_MANAGE, "lease.move_in_record", &l)) != GZF_OK ||
	    (rc = version_check(req, body, &l)) != GZF_OK)
		return rc;
	json_array_foreach(jp, i, v) {
		rc = json_is_integer(v) ? media_store_get(c, json_integer_value(v), &md, &req->err) : GZF_ENOTFOUND;
		if (rc == GZF_ENOTFOUND || (rc == GZF_OK && (md.owner_id != who->actor.user_id ||
							      strcmp(md.purpose, "photo") != 0)))
			return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value",
					   arena_printf(req->arena, "photos[%zu]", i),
					   "photos: your own uploads (purpose photo)");
		if (rc != GZF_OK)
			return rc;
		photos[i] = md.id;
	}
	m.photos = photos;
	m.n_photos = (int)json_array_size(jp);
	in.actor_id = who->actor.user_id;
	in.move_in = &m;
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	return fire_and_reply(req, c, who, &l, LEASE_RECORD, &in, "lease.move_in_record",
			      arena_printf(req->arena, "{\"photos\":%d}", m.n_photos));
}

/* POST /api/v1/leases/:id/move-in/confirm {"version"} — the household (or the housing
 * manager) confirms the recorded move-in; the second side makes the lease active. */
static int
move_in_confirm(struct http_req *req)
{
	struct lease_input in = { .now = gzf_now_ms() };
	struct caller *who;
	struct db_conn *c;
	struct lease l;
	json_t *body;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	in.staff = who->actor.kind == ACTOR_STAFF;
	in.party = in.staff ? FSM_DECIDER : FSM_OWNER;
	if ((rc = lease_load(req, c, who, in.staff ? ACT_LEASE_MANAGE : ACT_LEASE_SIGN,
			     "lease.move_in_confirm", &l)) != GZF_OK ||
	    (rc = version_check(req, body, &l)) != GZF_OK)
		return rc;
	in.actor_id = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	return fire_and_reply(req, c, who, &l, LEASE_CONFIRM, &in, "lease.move_in_confirm",
			      in.staff ? "{\"side\":\"staff\"}" : "{\"side\":\"household\"}");
}

static const char *const decisions[] = { "cancel", "renew", "terminate", "end", NULL };

/* POST /api/v1/leases/:id/decision {"action":"cancel"|"renew"|"terminate"|"end","reason",
 * "term_months","version"} — the housing manager's events of the lease. */
static int
decide(struct http_req *req)
{
	struct lease_input in = { .party = FSM_DECIDER, .now = gzf_now_ms() };
	const char *action;
	struct caller *who;
	struct db_conn *c;
	struct lease l;
	json_t *body;
	int64_t term = 0;
	int rc, event;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_read_choice(req, "action", decisions, &action)) != GZF_OK ||
	    (rc = api_field_string(req, body, "reason", 0, LEASE_REASON_CHARS, &in.reason)) != GZF_OK ||
	    (rc = api_field_int(req, body, "term_months", strcmp(action, "renew") == 0, 1,
				LEASE_TERM_MONTHS_MAX, &term)) != GZF_OK)
		return rc;
	in.term_months = (int)term;
	event = fsm_event_find(&lease_fsm, action);
	assert(event >= 0); /* every decision is an event of the lease */
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = lease_load(req, c, who, ACT_LEASE_MANAGE, arena_printf(req->arena, "lease.%s", action),
			     &l)) != GZF_OK ||
	    (rc = version_check(req, body, &l)) != GZF_OK)
		return rc;
	in.actor_id = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	return fire_and_reply(req, c, who, &l, (enum lease_event)event, &in,
			      arena_printf(req->arena, "lease.%s", action),
			      term ? arena_printf(req->arena, "{\"term_months\":%lld}", (long long)term) : NULL);
}
