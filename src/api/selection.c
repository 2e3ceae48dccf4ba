/*
 * selection.c — choosing a flat online (选房, R7): the city's housing manager sets a
 * selection session up on a round whose results are final and opens it; each household,
 * in its slot, sees the free units that fit it (with photos, layout, floor, area, rent),
 * picks one, and confirms it before the hold runs out — or declines, having read what
 * declining costs it. A clerk may choose at the counter for a household with its recorded
 * consent. The staff's control panel shows who is up and the live unit board. How a
 * session and a pick move is their state machines, domain/selection.c.
 */
#include "api/api.h"
#include "domain/pii.h"
#include "domain/selection.h"
#include "store/allocation_store.h"
#include "store/application_store.h"

#include <assert.h>
#include <string.h>

#define NAME_CHARS 60
#define SESSIONS_MAX 50

static int session_create(struct http_req *req);
static int session_list(struct http_req *req);
static int session_get(struct http_req *req);
static int session_decide(struct http_req *req);
static int me_selection(struct http_req *req);
static int pick_get(struct http_req *req);
static int pick_choose(struct http_req *req);

void
api_selection_routes(struct router *r)
{
	router_add(r, "POST", "/api/v1/allocation-rounds/:id/selection", session_create);
	router_add(r, "GET", "/api/v1/cities/:city/selections", session_list);
	router_add(r, "GET", "/api/v1/selections/:id", session_get);
	router_add(r, "POST", "/api/v1/selections/:id/decision", session_decide);
	router_add(r, "GET", "/api/v1/me/selection", me_selection);
	router_add(r, "GET", "/api/v1/selection-picks/:id", pick_get);
	router_add(r, "POST", "/api/v1/selection-picks/:id/choice", pick_choose);
}

static json_t *
session_json(const struct selection_session *s)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:i, s:i, s:i, s:i, s:I}",
		"id", (json_int_t)s->id, "city_id", (json_int_t)s->city_id,
		"round_id", (json_int_t)s->round_id, "name", s->name, "state", s->state,
		"starts_at", (json_int_t)s->starts_at, "slot_minutes", s->slot_minutes,
		"confirm_minutes", s->confirm_minutes, "per_slot", s->per_slot,
		"version", s->version, "created_at", (json_int_t)s->created_at);
}

/* A pick as its household (or the staff) sees it; name (may be NULL) masked. */
static json_t *
pick_json(struct http_req *req, const struct selection_pick *p, const char *name)
{
	json_t *layouts = json_loads(p->layouts, 0, NULL);

	return json_pack("{s:I, s:I, s:I, s:s?, s:i, s:s, s:I, s:I, s:I, s:o?, s:I, s:i, s:o, s:i,"
			 " s:b, s:s?, s:i, s:I}",
		"id", (json_int_t)p->id, "session_id", (json_int_t)p->session_id,
		"application_id", (json_int_t)p->application_id, "reference", p->reference,
		"lottery_rank", p->lottery_rank, "state", p->state,
		"slot_starts_at", (json_int_t)p->slot_starts_at, "slot_ends_at", (json_int_t)p->slot_ends_at,
		"wait_until", (json_int_t)p->wait_until, "unit_id", p->unit_id ? json_integer(p->unit_id) : NULL,
		"held_until", (json_int_t)p->held_until, "persons", p->persons,
		"layouts", layouts ? layouts : json_array(), "max_area_dm2", p->max_area_dm2,
		"counter", p->chosen_by != 0 && p->chosen_by != p->owner_id && p->consent[0] != '\0',
		"household", name ? pii_mask_name(req->arena, name) : NULL, "version", p->version,
		"region_code", (json_int_t)p->region_code);
}

/* A unit of the board: what the household compares, its photos and whether it is free. */
static json_t *
unit_json(const struct selection_unit *u)
{
	json_t *photos = json_loads(u->photos ? u->photos : "[]", 0, NULL), *list = json_array();
	const json_t *v;
	size_t i;

	json_array_foreach(photos, i, v)
		if (json_is_integer(v))
			json_array_append_new(list, json_sprintf("/api/v1/media/%lld",
								 (long long)json_integer_value(v)));
	json_decref(photos);
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:o, s:s, s:b,"
			 " s:i}",
		"id", (json_int_t)u->id, "estate_id", (json_int_t)u->estate_id,
		"estate_name", u->estate_name, "building", u->building_name, "unit_no", u->unit_no,
		"layout", u->layout, "orientation", u->orientation, "floor", (json_int_t)u->floor,
		"floor_area_dm2", (json_int_t)u->floor_area_dm2,
		"usable_area_dm2", (json_int_t)u->usable_area_dm2, "rent_fen", (json_int_t)u->rent_fen,
		"fitted", u->fitted, "photos", list,
		"status", u->pick_state[0] ? u->pick_state : u->status,
		"free", u->pick_state[0] == '\0' && strcmp(u->status, "vacant") == 0,
		"lottery_rank", u->lottery_rank);
}

/* The units of the session free now that fit the household of p. */
static int
free_units_json(struct http_req *req, struct db_conn *c, const struct selection_pick *p, json_t **out)
{
	struct selection_unit *units;
	int rc, n, i;

	if ((rc = selection_store_units(c, p->session_id, &units, &n, &req->err)) != GZF_OK)
		return rc;
	*out = json_array();
	for (i = 0; i < n; i++)
		if (units[i].pick_state[0] == '\0' && strcmp(units[i].status, "vacant") == 0 &&
		    selection_fits(p->layouts, p->max_area_dm2, units[i].layout, units[i].floor_area_dm2))
			json_array_append_new(*out, unit_json(&units[i]));
	return GZF_OK;
}

/* What the household sees of its pick: the pick, its session, the free units that fit
 * it, the unit it holds or took, and what declining (or missing the slot) costs it. */
static int
reply_pick(struct http_req *req, struct db_conn *c, const struct selection_pick *p)
{
	struct selection_session s;
	struct selection_cost decline, missed;
	struct selection_unit *units;
	json_t *free, *chosen = json_null();
	int rc, n, i;

	if ((rc = selection_store_session_get(c, p->session_id, &s, &req->err)) != GZF_OK ||
	    (rc = free_units_json(req, c, p, &free)) != GZF_OK)
		return rc;
	http_json_owned(req, free);
	if ((rc = selection_cost_of(c, p, 0, &decline, &req->err)) != GZF_OK ||
	    (rc = selection_cost_of(c, p, 1, &missed, &req->err)) != GZF_OK ||
	    (rc = selection_store_units(c, p->session_id, &units, &n, &req->err)) != GZF_OK)
		return rc;
	for (i = 0; i < n && p->unit_id != 0; i++)
		if (units[i].id == p->unit_id)
			chosen = unit_json(&units[i]);
	return http_reply_json(req, 200, json_pack(
		"{s:o, s:o, s:O, s:o, s:{s:i, s:i, s:b, s:i, s:s}, s:{s:b, s:b, s:s}, s:I}",
		"pick", pick_json(req, p, NULL), "session", session_json(&s), "units", free,
		"unit", chosen,
		"decline_cost", "refusals", decline.refusals, "max_refusals", decline.max_refusals,
		"removed", decline.removed, "wait_days", decline.wait_days, "text", decline.text,
		"missed_cost", "counts", missed.counts, "removed", missed.removed, "text", missed.text,
		"now", (json_int_t)gzf_now_ms()));
}

/* The pick of :id and who may act on it: its household (a resident: 404 for another's),
 * or staff at the counter of its community. *counter is 1 for staff. */
static int
pick_load(struct http_req *req, struct db_conn *c, const struct caller *who, const char *audit,
	  struct selection_pick *p, int *counter)
{
	struct object obj;
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = selection_store_pick_get(c, id, p, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .owner_id = p->owner_id, .region_path = p->region_path };
	*counter = who->actor.kind == ACTOR_STAFF;
	rc = api_authorize(req, c, who, *counter ? ACT_SELECTION_COUNTER : ACT_SELECTION_CHOOSE, &obj,
			   audit, "selection_pick", p->id);
	if (rc == GZF_EFORBIDDEN && !*counter)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "pick_not_found", NULL,
				   "no such household in a selection");
	return rc;
}

/* GET /api/v1/me/selection — the resident's pick in the newest session; {"pick": null}. */
static int
me_selection(struct http_req *req)
{
	struct selection_pick p;
	struct caller *who;
	struct db_conn *c;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	rc = selection_store_pick_by_owner(c, who->actor.user_id, &p, &req->err);
	if (rc == GZF_ENOTFOUND)
		return http_reply_json(req, 200, json_pack("{s:n}", "pick"));
	if (rc != GZF_OK)
		return rc;
	return reply_pick(req, c, &p);
}

/* GET /api/v1/selection-picks/:id — the same, for its household or the counter. */
static int
pick_get(struct http_req *req)
{
	struct selection_pick p;
	struct caller *who;
	struct db_conn *c;
	int rc, counter;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = pick_load(req, c, who, "selection.pick_read", &p, &counter)) != GZF_OK)
		return rc;
	return reply_pick(req, c, &p);
}

static const char *const choices[] = { "pick", "confirm", "decline", NULL };

/*
 * POST /api/v1/selection-picks/:id/choice {"action":"pick"|"confirm"|"decline","unit_id",
 * "version"} — the household's choice; from staff at the counter also {"consent":{"given":
 * true,"text"}}: the household's consent as recorded (refused without it). A unit taken by
 * another household at the same moment: 409 unit_taken, with the units still free.
 */
static int
pick_choose(struct http_req *req)
{
	struct selection_input in = { .party = FSM_OWNER, .now = gzf_now_ms() };
	struct selection_pick p;
	struct caller *who;
	struct db_conn *c;
	const char *action, *audit;
	json_t *body, *jv, *consent, *left, *reply;
	int rc, counter, event;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_read_choice(req, "action", choices, &action)) != GZF_OK)
		return rc;
	jv = json_object_get(body, "unit_id");
	if (strcmp(action, "pick") == 0) {
		if (!json_is_integer(jv) || json_integer_value(jv) <= 0)
			return gzf_err_set(&req->err, GZF_EINVAL, "required", "unit_id",
					   "unit_id: the flat chosen");
		in.unit_id = json_integer_value(jv);
	}
	jv = json_object_get(body, "version");
	if (jv != NULL && !json_is_integer(jv))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "version", "version: a number");
	event = fsm_event_find(&selection_pick_fsm, action);
	assert(event >= 0); /* every choice is an event of the pick */
	audit = arena_printf(req->arena, "selection.%s", action);
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = pick_load(req, c, who, audit, &p, &counter)) != GZF_OK)
		return rc;
	if (counter) {
		consent = json_object_get(body, "consent");
		if (!json_is_true(json_object_get(consent, "given")) ||
		    (rc = api_field_string(req, consent, "text", 1, SELECTION_CONSENT_CHARS, &in.consent)) != GZF_OK) {
			gzf_err_set(&req->err, GZF_EINVAL, "consent_required", "consent",
				    "a choice at the counter needs the household's consent, recorded in words");
			api_audit_alone(req, c, who, audit, "selection_pick", p.id, p.region_code,
					"denied", "{\"reason\":\"consent_required\"}");
			return GZF_EINVAL;
		}
	}
	if (jv != NULL && json_integer_value(jv) != p.version)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "version_conflict", "version",
				   "your choice changed in the meantime: reload it");
	in.actor_id = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	rc = selection_pick_fire(c, &p, (enum selection_pick_event)event, &in, &req->err);
	if (rc == GZF_ECONFLICT && strcmp(req->err.name, "unit_taken") == 0) {
		/* The loser of a race changes nothing and sees what is left. */
		db_rollback(c);
		if ((rc = selection_store_pick_get(c, p.id, &p, &req->err)) != GZF_OK ||
		    (rc = free_units_json(req, c, &p, &left)) != GZF_OK)
			return rc;
		reply = http_error_body(req);
		json_object_set_new(reply, "units", left);
		gzf_err_clear(&req->err); /* the reply is the error, with what is left */
		return http_reply_json(req, 409, reply);
	}
	if (rc != GZF_OK ||
	    (rc = api_audit(req, c, who, audit, "selection_pick", p.id, p.region_code, "ok",
			    counter ? arena_printf(req->arena, "{\"unit_id\":%lld,\"counter\":true}",
						   (long long)p.unit_id)
				    : arena_printf(req->arena, "{\"unit_id\":%lld}", (long long)p.unit_id))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return reply_pick(req, c, &p);
}

/* The city region of city_id, with action authorised on it (audit names the attempt). */
static int
city_authorize(struct http_req *req, struct db_conn *c, const struct caller *who, int64_t city_id,
	       enum action action, const char *audit, const char *type, int64_t id, struct region *city)
{
	struct object obj;
	int rc;

	if ((rc = region_store_get(c, city_id, city, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city->path };
	return api_authorize(req, c, who, action, &obj, audit, type, id);
}

/* POST /api/v1/allocation-rounds/:id/selection {"name","starts_at","slot_minutes","confirm_minutes",
 * "per_slot"} — the city's housing manager sets a session up (scheduled). */
static int
session_create(struct http_req *req)
{
	struct selection_session s = { .created_at = gzf_now_ms() };
	struct allocation_round round;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	json_t *body;
	int64_t round_id, slot = 30, confirm = 15, per_slot = 1;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "name", 0, NAME_CHARS, &s.name)) != GZF_OK ||
	    (rc = api_field_int(req, body, "starts_at", 0, 0, INT64_MAX / 2, &s.starts_at)) != GZF_OK ||
	    (rc = api_field_int(req, body, "slot_minutes", 0, 1, SELECTION_MINUTES_MAX, &slot)) != GZF_OK ||
	    (rc = api_field_int(req, body, "confirm_minutes", 0, 1, SELECTION_MINUTES_MAX, &confirm)) != GZF_OK ||
	    (rc = api_field_int(req, body, "per_slot", 0, 1, SELECTION_PER_SLOT_MAX, &per_slot)) != GZF_OK)
		return rc;
	s.slot_minutes = (int)slot;
	s.confirm_minutes = (int)confirm;
	s.per_slot = (int)per_slot;
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_int(req, "id", &round_id)) != GZF_OK ||
	    (rc = allocation_store_get_round(c, round_id, &round, &req->err)) != GZF_OK ||
	    (rc = city_authorize(req, c, who, round.city_id, ACT_SELECTION_RUN, "selection.create",
				 "allocation_round", round_id, &city)) != GZF_OK)
		return rc;
	if (s.name == NULL)
		s.name = arena_printf(req->arena, "%s 选房", round.name);
	s.created_by = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = selection_session_create(c, round_id, &s, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "selection.create", "selection", s.id, city.code, "ok",
			    arena_printf(req->arena, "{\"round_id\":%lld}", (long long)round_id))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:o}", "session", session_json(&s)));
}

/* GET /api/v1/cities/:city/selections — the city's sessions, newest first. */
static int
session_list(struct http_req *req)
{
	struct selection_session *list;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	json_t *items;
	int rc, n, i;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK)
		return rc;
	/* A clerk sees the sessions of the city its community is in. */
	obj = (struct object){ .region_path = authz_region_within(who->actor.region_path, city.path)
					      ? who->actor.region_path : city.path };
	if ((rc = api_authorize(req, c, who, ACT_SELECTION_READ, &obj, "selection.list", "region",
				city.code)) != GZF_OK ||
	    (rc = selection_store_session_list(c, city.code, SESSIONS_MAX, &list, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, session_json(&list[i]));
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/v1/selections/:id — the control panel: the session, its households in lottery
 * order (those of the caller's region; names masked) with who is up, and the unit board. */
static int
session_get(struct http_req *req)
{
	struct selection_session s;
	struct selection_pick *picks;
	struct selection_unit *units;
	struct application a;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	struct region city;
	json_t *items, *board;
	int64_t id;
	int rc, n, nu, i, up = 0, confirmed = 0;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = selection_store_session_get(c, id, &s, &req->err)) != GZF_OK ||
	    (rc = region_store_get(c, s.city_id, &city, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = authz_region_within(who->actor.region_path, city.path)
					      ? who->actor.region_path : city.path };
	if ((rc = api_authorize(req, c, who, ACT_SELECTION_READ, &obj, "selection.read", "selection",
				s.id)) != GZF_OK ||
	    (rc = selection_store_picks(c, s.id, &picks, &n, &req->err)) != GZF_OK ||
	    (rc = selection_store_units(c, s.id, &units, &nu, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++) {
		up += strcmp(picks[i].state, "up") == 0 || strcmp(picks[i].state, "held") == 0;
		confirmed += strcmp(picks[i].state, "confirmed") == 0;
		if (!authz_region_within(picks[i].region_path, obj.region_path))
			continue;
		if ((rc = application_store_get(c, picks[i].application_id, &a, &req->err)) != GZF_OK) {
			json_decref(items);
			return rc;
		}
		json_array_append_new(items, pick_json(req, &picks[i], api_unseal(req, a.applicant_name_enc)));
	}
	board = json_array();
	for (i = 0; i < nu; i++)
		json_array_append_new(board, unit_json(&units[i]));
	return http_reply_json(req, 200, json_pack("{s:o, s:o, s:o, s:{s:i, s:i, s:i}, s:b, s:I}",
		"session", session_json(&s), "picks", items, "units", board,
		"counts", "households", n, "up", up, "confirmed", confirmed,
		"may_run", authz_check(&who->actor, ACT_SELECTION_RUN,
				       &(struct object){ .region_path = city.path }) == GZF_OK,
		"now", (json_int_t)gzf_now_ms()));
}

static const char *const session_actions[] = { "open", "close", NULL };

/* POST /api/v1/selections/:id/decision {"action":"open"|"close","version"} — the housing
 * manager opens the session (the slots are laid out from now) or closes it. */
static int
session_decide(struct http_req *req)
{
	struct selection_input in = { .party = FSM_DECIDER, .now = gzf_now_ms() };
	struct selection_session s;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	const char *action, *audit;
	json_t *body, *jv;
	int64_t id;
	int rc, event;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_read_choice(req, "action", session_actions, &action)) != GZF_OK)
		return rc;
	jv = json_object_get(body, "version");
	if (!json_is_integer(jv))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "version",
				   "version (of the session as you saw it) is required");
	event = fsm_event_find(&selection_session_fsm, action);
	assert(event >= 0);
	audit = arena_printf(req->arena, "selection.%s", action);
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = selection_store_session_get(c, id, &s, &req->err)) != GZF_OK ||
	    (rc = city_authorize(req, c, who, s.city_id, ACT_SELECTION_RUN, audit, "selection", s.id,
				 &city)) != GZF_OK)
		return rc;
	if (json_integer_value(jv) != s.version)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "version_conflict", "version",
				   "the session changed in the meantime: reload it");
	in.actor_id = who->actor.user_id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = selection_session_fire(c, &s, (enum selection_session_event)event, &in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, audit, "selection", s.id, city.code, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "session", session_json(&s)));
}
