/*
 * allocation.c — the allocation rounds (配租轮次, R20): staff set a round up (who takes
 * part, the units offered), freeze it (a lottery publishes its commitment), the notary
 * enters the digits drawn on site, staff draw, publish the results and confirm them, or
 * cancel; direct matching is approved by a second member of staff. The public reads a
 * round's commitments, its proof (what `gzf lottery verify` checks) and its published
 * results with masked names, and anyone may object to them during the publicity period
 * (staff resolve each before the results become final); a resident reads their
 * household's place. How a round
 * moves is its state machine, domain/allocation.c.
 */
#include "api/api.h"
#include "core/crypto.h"
#include "domain/allocation.h"
#include "domain/pii.h"
#include "domain/queue.h"
#include "domain/throttle.h"

#include <assert.h>
#include <string.h>

#define ENTRIES_MAX 500
#define OBJECTION_MAX_CHARS 1000
#define CONTACT_MAX_CHARS 100

static int round_list(struct http_req *req);
static int round_create(struct http_req *req);
static int round_get(struct http_req *req);
static int round_edit(struct http_req *req);
static int round_freeze(struct http_req *req);
static int round_refreeze(struct http_req *req);
static int round_digits(struct http_req *req);
static int round_draw(struct http_req *req);
static int round_approve(struct http_req *req);
static int round_publish(struct http_req *req);
static int round_finalize(struct http_req *req);
static int round_cancel(struct http_req *req);
static int round_proof(struct http_req *req);
static int round_commitment(struct http_req *req);
static int round_results(struct http_req *req);
static int round_object(struct http_req *req);
static int round_resolve(struct http_req *req);
static int me_allocation(struct http_req *req);
static int refused(struct http_req *req, struct db_conn *c, const struct caller *who, const char *action,
		   int64_t id, int64_t city, int rc);

void
api_allocation_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/cities/:city/allocation-rounds", round_list);
	router_add(r, "POST", "/api/v1/cities/:city/allocation-rounds", round_create);
	router_add(r, "GET", "/api/v1/allocation-rounds/:id", round_get);
	router_add(r, "PUT", "/api/v1/allocation-rounds/:id", round_edit);
	router_add(r, "POST", "/api/v1/allocation-rounds/:id/freeze", round_freeze);
	router_add(r, "POST", "/api/v1/allocation-rounds/:id/refreeze", round_refreeze);
	router_add(r, "POST", "/api/v1/allocation-rounds/:id/digits", round_digits);
	router_add(r, "POST", "/api/v1/allocation-rounds/:id/draw", round_draw);
	router_add(r, "POST", "/api/v1/allocation-rounds/:id/approve", round_approve);
	router_add(r, "POST", "/api/v1/allocation-rounds/:id/publish", round_publish);
	router_add(r, "POST", "/api/v1/allocation-rounds/:id/finalize", round_finalize);
	router_add(r, "POST", "/api/v1/allocation-rounds/:id/cancel", round_cancel);
	router_add(r, "GET", "/api/v1/allocation-rounds/:id/proof", round_proof);
	router_add(r, "GET", "/api/v1/allocation-rounds/:id/commitment", round_commitment);
	router_add(r, "GET", "/api/v1/allocation-rounds/:id/results", round_results);
	router_add(r, "POST", "/api/v1/allocation-rounds/:id/objections", round_object);
	router_add(r, "POST", "/api/v1/allocation-rounds/:id/objections/:objection/resolve", round_resolve);
	router_add(r, "GET", "/api/v1/me/allocation", me_allocation);
}

/* A time in ms as the lottery writes it, or null for 0. */
static json_t *
time_json(int64_t ms)
{
	char t[21];

	if (ms <= 0)
		return json_null();
	lottery_time_format(ms / 1000, t);
	return json_string(t);
}

/* The round as staff see it (the public sees the same but the digits' author). */
static json_t *
round_json(const struct allocation_round *r)
{
	json_t *criteria = json_loads(r->criteria, 0, NULL);

	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:i, s:s, s:s, s:s, s:s,"
			 " s:o, s:o, s:s, s:b, s:s, s:I, s:i, s:I, s:I, s:s}",
		"id", (json_int_t)r->id, "city_id", (json_int_t)r->city_id, "name", r->name,
		"method", r->method, "state", r->state, "criteria", criteria ? criteria : json_object(),
		"frozen_at", time_json(r->frozen_at), "draw_at", time_json(r->draw_at),
		"list_hash", r->list_hash, "digit_count", r->digit_count,
		"beacon_source", r->beacon_source, "digits", r->digits, "beacon", r->beacon,
		"seed", r->seed, "drawn_at", time_json(r->drawn_at),
		"publicity_ends_at", time_json(r->publicity_ends_at), "reason", r->reason,
		"approved", r->approved_by != 0, "state_reason", r->state_reason,
		"created_by", (json_int_t)r->created_by, "version", r->version,
		"created_at", (json_int_t)r->created_at, "updated_at", (json_int_t)r->updated_at,
		"algorithm", LOTTERY_VERSION);
}

/* What the caller is to rounds of city: the parties of the state machine it may act as
 * (0: none), after the read check (refusals audited; 404 for a round they may not see). */
static int
caller_party(struct http_req *req, struct db_conn *c, const struct caller *who, const struct region *city,
	     const char *audit, int64_t id, unsigned *party)
{
	struct object obj = { .region_path = city->path };
	int rc;

	*party = 0;
	if ((rc = api_authorize(req, c, who, ACT_ALLOCATION_READ, &obj, audit, "allocation_round", id)) != GZF_OK)
		return rc == GZF_EFORBIDDEN && id != 0
			? gzf_err_set(&req->err, GZF_ENOTFOUND, "round_not_found", NULL, "no such allocation round")
			: rc;
	if (authz_check(&who->actor, ACT_ALLOCATION_MANAGE, &obj) == GZF_OK)
		*party |= FSM_DECIDER;
	if (authz_check(&who->actor, ACT_ALLOCATION_WITNESS, &obj) == GZF_OK)
		*party |= FSM_WITNESS;
	return GZF_OK;
}

/* The round named by :id, with its city. */
static int
round_load(struct http_req *req, struct db_conn *c, struct allocation_round *r, struct region *city)
{
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = allocation_store_get_round(c, id, r, &req->err)) != GZF_OK)
		return rc;
	return region_store_get(c, r->city_id, city, &req->err);
}

/* The setup members of body. */
static int
setup_read(struct http_req *req, json_t *body, struct allocation_setup *s)
{
	int rc;

	if ((rc = api_field_string(req, body, "name", 1, 100, &s->name)) != GZF_OK ||
	    (rc = api_field_string(req, body, "reason", 0, 500, &s->reason)) != GZF_OK)
		return rc;
	s->criteria = json_object_get(body, "criteria");
	s->units = json_object_get(body, "units");
	if (s->criteria == NULL)
		s->criteria = http_json_owned(req, json_object());
	return GZF_OK;
}

/* GET /api/v1/cities/:city/allocation-rounds?offset=&limit= — staff: the city's rounds. */
static int
round_list(struct http_req *req)
{
	struct allocation_round *list;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	int64_t offset, limit;
	unsigned party;
	json_t *items;
	int rc, n, total, i;

	if ((rc = api_query_int(req, "offset", 0, 1000000, 0, &offset)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, 100, 20, &limit)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK ||
	    (rc = caller_party(req, c, who, &city, "allocation.list", 0, &party)) != GZF_OK ||
	    (rc = allocation_store_list_rounds(c, city.code, (int)offset, (int)limit, &list, &n, &total,
					       &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, round_json(&list[i]));
	return http_reply_json(req, 200, json_pack("{s:o, s:i, s:b, s:b}", "items", items, "total", total,
						   "may_manage", (party & FSM_DECIDER) != 0,
						   "may_witness", (party & FSM_WITNESS) != 0));
}

/* The entries of r from offset, names masked (unsealed only to be masked). */
static json_t *
entries_json(struct http_req *req, const struct allocation_entry *e, int n, const json_t *rules)
{
	json_t *items = json_array();
	const char *name;
	int i;

	for (i = 0; i < n; i++) {
		name = api_unseal(req, e[i].name_enc);
		json_array_append_new(items, json_pack("{s:I, s:s?, s:s, s:s, s:i, s:i, s:i, s:i, s:s?}",
			"application_id", (json_int_t)e[i].application_id, "reference", e[i].reference,
			"group", e[i].group_code, "group_name", queue_group_name(rules, e[i].group_code),
			"queue_position", e[i].queue_position, "persons", e[i].persons,
			"lottery_rank", e[i].lottery_rank, "group_position", e[i].group_position,
			"applicant", name ? pii_mask_name(req->arena, name) : NULL));
	}
	return items;
}

static json_t *
commitments_json(const struct allocation_commitment *m, int n)
{
	json_t *items = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:i, s:s, s:o, s:o, s:s, s:i, s:s, s:i, s:s, s:s}",
			"seq", m[i].seq, "algorithm", LOTTERY_VERSION, "frozen_at", time_json(m[i].frozen_at),
			"draw_at", time_json(m[i].draw_at), "list_hash", m[i].list_hash,
			"digit_count", m[i].digit_count, "beacon_source", m[i].beacon_source,
			"candidates", m[i].candidates, "status", m[i].status,
			"status_reason", m[i].status_reason));
	return items;
}

/* The round with its commitments, units and a page of its households. */
static int
round_reply(struct http_req *req, struct db_conn *c, const struct allocation_round *r, unsigned party,
	    int status)
{
	struct allocation_commitment *m;
	struct allocation_entry *e;
	struct allocation_unit *u;
	struct allocation_objection *ob;
	json_t *units, *rules, *o, *objections;
	int64_t offset, limit;
	int rc, nm, ne, nu, nob, total, i;

	if ((rc = api_query_int(req, "offset", 0, 10000000, 0, &offset)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, ENTRIES_MAX, 50, &limit)) != GZF_OK ||
	    (rc = allocation_store_commitments(c, r->id, &m, &nm, &req->err)) != GZF_OK ||
	    (rc = allocation_store_list_units(c, r->id, &u, &nu, &req->err)) != GZF_OK ||
	    (rc = allocation_store_list_entries(c, r->id, (int)offset, (int)limit, &e, &ne, &total,
						&req->err)) != GZF_OK ||
	    (rc = allocation_store_objections(c, r->id, &ob, &nob, &req->err)) != GZF_OK ||
	    (rc = queue_rules_get(c, r->city_id, &rules, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, rules);
	/* The objections as the application's are shown: what they say and whether a way to
	 * reach the author was left, never the contact itself nor who lodged them. */
	objections = json_array();
	for (i = 0; i < nob; i++)
		json_array_append_new(objections, json_pack("{s:I, s:I, s:s, s:s, s:s, s:b, s:o, s:o}",
			"id", (json_int_t)ob[i].id, "application_id", (json_int_t)ob[i].application_id,
			"text", ob[i].text, "status", ob[i].status, "resolution_reason", ob[i].resolution_reason,
			"has_contact", ob[i].contact_enc != NULL, "created_at", time_json(ob[i].created_at),
			"resolved_at", time_json(ob[i].resolved_at)));
	units = json_array();
	for (i = 0; i < nu; i++)
		json_array_append_new(units, json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:f, s:I, s:I}",
			"unit_id", (json_int_t)u[i].unit_id, "estate_id", (json_int_t)u[i].estate_id,
			"building_id", (json_int_t)u[i].building_id, "estate", u[i].estate_name,
			"building", u[i].building_name, "unit_no", u[i].unit_no, "layout", u[i].layout,
			"status", u[i].status, "floor_area_m2", (double)u[i].floor_area_dm2 / 100.0,
			"rent_fen", (json_int_t)u[i].rent_fen, "floor", (json_int_t)u[i].floor));
	o = json_pack("{s:o, s:o, s:o, s:o, s:i, s:o, s:b, s:b}", "round", round_json(r),
		      "commitments", commitments_json(m, nm), "units", units,
		      "entries", entries_json(req, e, ne, rules), "entries_total", total,
		      "objections", objections,
		      "may_manage", (party & FSM_DECIDER) != 0, "may_witness", (party & FSM_WITNESS) != 0);
	return http_reply_json(req, status, o);
}

/* GET /api/v1/allocation-rounds/:id?offset=&limit= — staff and the notary. */
static int
round_get(struct http_req *req)
{
	struct allocation_round r;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	unsigned party;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = round_load(req, c, &r, &city)) != GZF_OK ||
	    (rc = caller_party(req, c, who, &city, "allocation.read", r.id, &party)) != GZF_OK)
		return rc;
	return round_reply(req, c, &r, party, 200);
}

/* POST /api/v1/cities/:city/allocation-rounds {"name","method","criteria","units","reason"} */
static int
round_create(struct http_req *req)
{
	struct allocation_setup s = { 0 };
	struct allocation_input in = { .now = gzf_now_ms(), .setup = &s };
	struct allocation_round r = { 0 };
	struct region city;
	struct caller *who;
	struct db_conn *c;
	json_t *body;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK || (rc = setup_read(req, body, &s)) != GZF_OK ||
	    (rc = api_field_string(req, body, "method", 1, 10, &s.method)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK ||
	    (rc = caller_party(req, c, who, &city, "allocation.create", 0, &in.party)) != GZF_OK)
		return rc;
	in.actor_id = who->actor.user_id;
	in.city_id = city.code;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = allocation_fire(c, &r, ALLOC_CREATE, &in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "allocation.create", "allocation_round", r.id, city.code, "ok",
			    arena_printf(req->arena, "{\"method\":\"%s\"}", r.method))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return refused(req, c, who, "allocation.create", 0, city.code, rc);
	return round_reply(req, c, &r, in.party, 201);
}

/* A refusal inside the transaction: it is rolled back, and the attempt is recorded like
 * any denied one, req->err kept for the reply. Returns rc. */
static int
refused(struct http_req *req, struct db_conn *c, const struct caller *who, const char *action,
	int64_t id, int64_t city, int rc)
{
	struct gzf_err kept = req->err;

	db_rollback(c);
	if (rc == GZF_EFORBIDDEN)
		api_audit_alone(req, c, who, action, "allocation_round", id, city, "denied",
				arena_printf(req->arena, "{\"error\":\"%s\"}", kept.name));
	req->err = kept;
	return rc;
}

/*
 * The common course of an event on the round of :id: the body (read by fill, may be
 * NULL), the round, the caller's parties, its version when the body gives one, then in
 * one transaction the event and its audit entry; the round as the reply.
 */
static int
fire(struct http_req *req, enum allocation_event event,
     int (*fill)(struct http_req *req, json_t *body, struct allocation_input *in))
{
	struct allocation_input in = { .now = gzf_now_ms() };
	struct allocation_setup s = { 0 };
	const char *action = arena_printf(req->arena, "allocation.%s", allocation_fsm.events[event]);
	struct allocation_round r;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	json_t *body, *jv;
	int rc;

	in.setup = &s;
	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (fill != NULL && (rc = fill(req, body, &in)) != GZF_OK) ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = round_load(req, c, &r, &city)) != GZF_OK ||
	    (rc = caller_party(req, c, who, &city, action, r.id, &in.party)) != GZF_OK)
		return rc;
	jv = json_object_get(body, "version");
	if (jv != NULL && (!json_is_integer(jv) || json_integer_value(jv) != r.version))
		return gzf_err_set(&req->err, GZF_ECONFLICT, "version_conflict", "version",
				   "the round changed in the meantime: reload it");
	in.actor_id = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = allocation_fire(c, &r, event, &in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, action, "allocation_round", r.id, city.code, "ok",
			    arena_printf(req->arena, "{\"state\":\"%s\",\"list_hash\":\"%s\"}", r.state,
					 r.list_hash))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return refused(req, c, who, action, r.id, city.code, rc);
	return round_reply(req, c, &r, in.party, 200);
}

static int
fill_setup(struct http_req *req, json_t *body, struct allocation_input *in)
{
	return setup_read(req, body, (struct allocation_setup *)in->setup);
}

/* PUT /api/v1/allocation-rounds/:id {"name","criteria","units","reason","version"} — draft only. */
static int
round_edit(struct http_req *req)
{
	return fire(req, ALLOC_EDIT, fill_setup);
}

/* The commitment's terms: {"draw_at":"YYYY-MM-DDTHH:MM:SSZ","digit_count","beacon_source"}. */
static int
fill_terms(struct http_req *req, json_t *body, struct allocation_input *in)
{
	const char *at = NULL;
	const json_t *dc = json_object_get(body, "digit_count");
	int64_t t;
	int rc;

	if ((rc = api_field_string(req, body, "draw_at", 0, 20, &at)) != GZF_OK ||
	    (rc = api_field_string(req, body, "beacon_source", 0, LOTTERY_MAX_SOURCE, &in->beacon_source)) != GZF_OK ||
	    (rc = api_field_string(req, body, "reason", 0, 500, &in->reason)) != GZF_OK)
		return rc;
	if (at != NULL) {
		if (lottery_time_parse(at, &t) != GZF_OK)
			return gzf_err_set(&req->err, GZF_EINVAL, "invalid_time", "draw_at",
					   "draw_at is a UTC time written YYYY-MM-DDTHH:MM:SSZ");
		in->draw_at = t * 1000;
	}
	if (dc != NULL && !json_is_integer(dc))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "digit_count",
				   "digit_count is a whole number");
	in->digit_count = dc != NULL && json_integer_value(dc) >= 0 && json_integer_value(dc) <= 1000
		? (int)json_integer_value(dc) : dc != NULL ? -1 : 0;
	return GZF_OK;
}

/* POST /api/v1/allocation-rounds/:id/freeze — the list frozen; a lottery's commitment. */
static int
round_freeze(struct http_req *req)
{
	return fire(req, ALLOC_FREEZE, fill_terms);
}

/* POST /api/v1/allocation-rounds/:id/refreeze {… "reason"} — a new commitment. */
static int
round_refreeze(struct http_req *req)
{
	return fire(req, ALLOC_REFREEZE, fill_terms);
}

static int
fill_digits(struct http_req *req, json_t *body, struct allocation_input *in)
{
	int rc;

	if ((rc = api_field_string(req, body, "digits", 1, LOTTERY_MAX_DIGITS, &in->digits)) != GZF_OK)
		return rc;
	return api_field_string(req, body, "beacon", 0, LOTTERY_MAX_BEACON_HEX, &in->beacon);
}

/* POST /api/v1/allocation-rounds/:id/digits {"digits","beacon"} — the notary. */
static int
round_digits(struct http_req *req)
{
	return fire(req, ALLOC_DIGITS, fill_digits);
}

/* POST /api/v1/allocation-rounds/:id/draw — the draw, or the queue's ordering. */
static int
round_draw(struct http_req *req)
{
	return fire(req, ALLOC_DRAW, NULL);
}

/* POST /api/v1/allocation-rounds/:id/approve — direct matching, by a second member of staff. */
static int
round_approve(struct http_req *req)
{
	return fire(req, ALLOC_APPROVE, NULL);
}

static int
fill_publish(struct http_req *req, json_t *body, struct allocation_input *in)
{
	const json_t *d = json_object_get(body, "publicity_days");

	(void)req;
	in->publicity_days = d == NULL ? 7 : json_is_integer(d) && json_integer_value(d) > 0 &&
						     json_integer_value(d) <= 1000
			     ? (int)json_integer_value(d) : -1;
	return GZF_OK;
}

/* POST /api/v1/allocation-rounds/:id/publish {"publicity_days"} (default 7). */
static int
round_publish(struct http_req *req)
{
	return fire(req, ALLOC_PUBLISH, fill_publish);
}

/* POST /api/v1/allocation-rounds/:id/finalize — after the publicity period. */
static int
round_finalize(struct http_req *req)
{
	return fire(req, ALLOC_FINALIZE, NULL);
}

static int
fill_reason(struct http_req *req, json_t *body, struct allocation_input *in)
{
	return api_field_string(req, body, "reason", 0, 500, &in->reason);
}

static int
fill_resolve(struct http_req *req, json_t *body, struct allocation_input *in)
{
	int rc;

	if ((rc = api_param_int(req, "objection", &in->objection_id)) != GZF_OK ||
	    (rc = api_field_string(req, body, "resolution", 1, 10, &in->resolution)) != GZF_OK)
		return rc;
	return fill_reason(req, body, in);
}

/* POST /api/v1/allocation-rounds/:id/objections/:objection/resolve
 * {"resolution":"upheld"|"rejected","reason"} — staff who manage the round. */
static int
round_resolve(struct http_req *req)
{
	return fire(req, ALLOC_RESOLVE, fill_resolve);
}

/* POST /api/v1/allocation-rounds/:id/cancel {"reason"} */
static int
round_cancel(struct http_req *req)
{
	return fire(req, ALLOC_CANCEL, fill_reason);
}

/* The round of :id for the public, without login: any round once frozen (or approved);
 * a draft is staff's work in progress. */
static int
public_round(struct http_req *req, struct db_conn **c, struct allocation_round *r)
{
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK || (rc = api_db(req, c)) != GZF_OK ||
	    (rc = allocation_store_get_round(*c, id, r, &req->err)) != GZF_OK)
		return rc;
	if (strcmp(r->state, "draft") == 0 ||
	    (strcmp(r->state, "cancelled") == 0 && r->frozen_at == 0 && r->drawn_at == 0))
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "round_not_found", NULL, "no such allocation round");
	return GZF_OK;
}

/* GET /api/v1/allocation-rounds/:id/proof — public: the proof of a drawn lottery, as
 * `gzf lottery verify` reads it (docs/lottery.md). */
static int
round_proof(struct http_req *req)
{
	struct allocation_round r;
	struct db_conn *c;
	int rc;

	if ((rc = public_round(req, &c, &r)) != GZF_OK)
		return rc;
	if (*r.proof == '\0')
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "proof_not_available", NULL,
				   "this round has no lottery proof (not drawn, or not a lottery)");
	http_reply_header(req, "Cache-Control", "public, max-age=60");
	return http_reply_bytes(req, 200, "application/json", r.proof, strlen(r.proof));
}

/* GET /api/v1/allocation-rounds/:id/commitment — public: every commitment of the round,
 * the current frozen list (pseudonymous: application numbers and groups) and the digits
 * once entered. */
static int
round_commitment(struct http_req *req)
{
	struct allocation_commitment *m;
	struct allocation_round r;
	struct lottery_list l;
	struct db_conn *c;
	json_t *list = NULL, *entries;
	size_t g, k;
	int rc, n;

	if ((rc = public_round(req, &c, &r)) != GZF_OK ||
	    (rc = allocation_store_commitments(c, r.id, &m, &n, &req->err)) != GZF_OK)
		return rc;
	if (strcmp(r.method, "lottery") == 0 && *r.list_hash != '\0') {
		if ((rc = allocation_list_of(c, &r, &l, &req->err)) != GZF_OK)
			return rc;
		entries = json_array();
		list = json_pack("{s:s, s:I, s:I, s:o, s:o, s:i, s:[], s:o}", "version", LOTTERY_VERSION,
				 "city", (json_int_t)l.city, "round_id", (json_int_t)l.round_id,
				 "frozen_at", time_json(r.frozen_at), "draw_at", time_json(r.draw_at),
				 "digit_count", l.digit_count, "groups", "entries", entries);
		if (*l.beacon_source != '\0')
			json_object_set_new(list, "beacon_source", json_string(l.beacon_source));
		for (g = 0; g < l.ngroups; g++) {
			json_array_append_new(json_object_get(list, "groups"), json_string(l.groups[g].code));
			for (k = 0; k < l.groups[g].n; k++)
				json_array_append_new(entries, json_pack("{s:I, s:s}", "application_id",
					(json_int_t)l.groups[g].ids[k], "group", l.groups[g].code));
		}
	}
	return http_reply_json(req, 200, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o}",
		"round_id", (json_int_t)r.id, "city_id", (json_int_t)r.city_id, "name", r.name,
		"method", r.method, "state", r.state, "algorithm", LOTTERY_VERSION,
		"commitments", commitments_json(m, n), "digits", r.digits, "beacon", r.beacon,
		"drawn_at", time_json(r.drawn_at), "list", list ? list : json_null(),
		"proof_url", *r.proof ? json_sprintf("/api/v1/allocation-rounds/%lld/proof", (long long)r.id)
				      : json_null()));
}

/* GET /api/v1/allocation-rounds/:id/results?offset=&limit= — public once published: the
 * order, names masked. */
static int
round_results(struct http_req *req)
{
	struct allocation_round r;
	struct allocation_entry *e;
	struct db_conn *c;
	json_t *rules;
	int64_t offset, limit;
	int rc, n, total;

	if ((rc = api_query_int(req, "offset", 0, 10000000, 0, &offset)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, ENTRIES_MAX, 100, &limit)) != GZF_OK ||
	    (rc = public_round(req, &c, &r)) != GZF_OK)
		return rc;
	if (strcmp(r.state, "publicity") != 0 && strcmp(r.state, "final") != 0)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "results_not_published", NULL,
				   "the results of this round are not published");
	if ((rc = allocation_store_list_entries(c, r.id, (int)offset, (int)limit, &e, &n, &total,
						&req->err)) != GZF_OK ||
	    (rc = queue_rules_get(c, r.city_id, &rules, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, rules);
	return http_reply_json(req, 200, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:i}",
		"round_id", (json_int_t)r.id, "name", r.name, "method", r.method, "state", r.state,
		"publicity_ends_at", time_json(r.publicity_ends_at),
		"items", entries_json(req, e, n, rules), "total", total));
}

/* POST /api/v1/allocation-rounds/:id/objections {"text","contact"?,"application_id"?} —
 * anyone, signed in or not, objects to the results during the publicity period: to the
 * round as a whole or to one household's entry (its number as the results show it).
 * Throttled per address together with the objections to applications. */
static int
round_object(struct http_req *req)
{
	struct allocation_input in = { .party = FSM_ANYONE, .now = gzf_now_ms() };
	struct service *svc = req->service;
	struct allocation_round r;
	const char *contact, *scope;
	struct caller *who;
	struct db_conn *c;
	json_t *body, *jv;
	char *sealed = NULL;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "text", 1, OBJECTION_MAX_CHARS, &in.objection)) != GZF_OK ||
	    (rc = api_field_string(req, body, "contact", 0, CONTACT_MAX_CHARS, &contact)) != GZF_OK)
		return rc;
	jv = json_object_get(body, "application_id");
	if (jv != NULL && !json_is_null(jv) && (!json_is_integer(jv) || json_integer_value(jv) <= 0))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "application_id",
				   "application_id is a household's number as the results show it");
	in.application_id = json_is_integer(jv) ? json_integer_value(jv) : 0;
	if ((rc = public_round(req, &c, &r)) != GZF_OK || (rc = api_caller(req, c, &who)) != GZF_OK ||
	    (rc = allocation_check(c, &r, ALLOC_OBJECT, &in, &req->err)) != GZF_OK)
		return rc;
	scope = arena_printf(req->arena, "%s:%s", throttle_objection_ip.name, req->client_ip);
	if ((rc = api_throttle_check(req, c, scope)) != GZF_OK ||
	    (rc = api_throttle_hit(req, c, &throttle_objection_ip, scope, r.city_id, NULL)) != GZF_OK)
		return rc;
	if (contact != NULL && *contact != '\0')
		crypto_seal(req->arena, svc->secrets->data_key, contact, &sealed);
	in.contact_enc = sealed;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = allocation_fire(c, &r, ALLOC_OBJECT, &in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "allocation.object", "allocation_round", r.id, r.city_id, "ok",
			    arena_printf(req->arena, "{\"application_id\":%lld}",
					 (long long)in.application_id))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:{s:I, s:s}}", "objection", "id",
						   (json_int_t)in.objection_id, "status", "open"));
}

/* GET /api/v1/me/allocation — the rounds the resident's household takes part in, its
 * group and, once drawn, its number; {"items": []} for none. */
static int
me_allocation(struct http_req *req)
{
	struct allocation_entry *e;
	struct allocation_round r;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	json_t *items, *rules;
	int rc, n, i, total, drawn;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	obj = (struct object){ .owner_id = who->actor.user_id };
	if ((rc = api_authorize(req, c, who, ACT_QUEUE_READ, &obj, "allocation.me", "user",
				who->actor.user_id)) != GZF_OK ||
	    (rc = allocation_store_entries_of_owner(c, who->actor.user_id, &e, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++) {
		struct allocation_entry *all;
		int na;

		if ((rc = allocation_store_get_round(c, e[i].round_id, &r, &req->err)) != GZF_OK ||
		    (rc = allocation_store_list_entries(c, r.id, 0, 1, &all, &na, &total, &req->err)) != GZF_OK ||
		    (rc = queue_rules_get(c, r.city_id, &rules, &req->err)) != GZF_OK)
			return rc;
		http_json_owned(req, rules);
		drawn = strcmp(r.state, "drawn") == 0 || strcmp(r.state, "publicity") == 0 ||
			strcmp(r.state, "final") == 0;
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:I, s:s?, s:s, s:s, s:i, s:i,"
						       " s:i, s:o, s:o, s:o, s:s, s:s, s:o}",
			"round_id", (json_int_t)r.id, "name", r.name, "method", r.method, "state", r.state,
			"application_id", (json_int_t)e[i].application_id, "reference", e[i].reference,
			"group", e[i].group_code, "group_name", queue_group_name(rules, e[i].group_code),
			"lottery_rank", drawn ? e[i].lottery_rank : 0,
			"group_position", drawn ? e[i].group_position : 0, "candidates", total,
			"draw_at", time_json(r.draw_at), "drawn_at", time_json(r.drawn_at),
			"publicity_ends_at", time_json(r.publicity_ends_at), "list_hash", r.list_hash,
			"digits", r.digits,
			"proof_url", *r.proof ? json_sprintf("/api/v1/allocation-rounds/%lld/proof", (long long)r.id)
					      : json_null()));
	}
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
