/*
 * allocation.c — the allocation round (allocation.h): the set-up and its check, who takes
 * part, the commitment, the notary's digits, the draw or the ordering, direct matching,
 * the publicity of the results with the objections to them, and the round's state machine
 * with its effects.
 */
#include "domain/allocation.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "store/application_store.h"
#include "store/queue_store.h"

/* One firing: what guards and effects see. */
struct run {
	struct db_conn *c;
	struct allocation_round *r;
	struct allocation_input *in;
	int version;
	int64_t *units;  /* create, edit: the units resolved from the selectors */
	int n_units;
	struct queue_entry direct; /* create, edit of a direct round: the household */
};

static int setup_valid(void *ctx, struct gzf_err *err);
static int notice_given(void *ctx, struct gzf_err *err);
static int refreeze_allowed(void *ctx, struct gzf_err *err);
static int digits_allowed(void *ctx, struct gzf_err *err);
static int draw_allowed(void *ctx, struct gzf_err *err);
static int second_approver(void *ctx, struct gzf_err *err);
static int publicity_over(void *ctx, struct gzf_err *err);
static int reason_given(void *ctx, struct gzf_err *err);
static int objection_open(void *ctx, struct gzf_err *err);
static int resolution_valid(void *ctx, struct gzf_err *err);
static int fx_create(void *ctx, struct gzf_err *err);
static int fx_edit(void *ctx, struct gzf_err *err);
static int fx_freeze(void *ctx, struct gzf_err *err);
static int fx_digits(void *ctx, struct gzf_err *err);
static int fx_draw(void *ctx, struct gzf_err *err);
static int fx_approve(void *ctx, struct gzf_err *err);
static int fx_publish(void *ctx, struct gzf_err *err);
static int fx_finalize(void *ctx, struct gzf_err *err);
static int fx_cancel(void *ctx, struct gzf_err *err);
static int fx_object(void *ctx, struct gzf_err *err);
static int fx_resolve(void *ctx, struct gzf_err *err);

static const char *const state_names[ALLOC_NSTATES] = {
	[ALLOC_NONE] = "none", [ALLOC_DRAFT] = "draft", [ALLOC_FROZEN] = "frozen",
	[ALLOC_DRAWN] = "drawn", [ALLOC_PUBLICITY] = "publicity", [ALLOC_FINAL] = "final",
	[ALLOC_CANCELLED] = "cancelled",
};

static const char *const event_names[ALLOC_NEVENTS] = {
	[ALLOC_CREATE] = "create", [ALLOC_EDIT] = "edit", [ALLOC_FREEZE] = "freeze",
	[ALLOC_REFREEZE] = "refreeze", [ALLOC_DIGITS] = "digits", [ALLOC_DRAW] = "draw",
	[ALLOC_APPROVE] = "approve", [ALLOC_PUBLISH] = "publish", [ALLOC_FINALIZE] = "finalize",
	[ALLOC_CANCEL] = "cancel", [ALLOC_OBJECT] = "object", [ALLOC_RESOLVE] = "resolve",
};

#define STAFF FSM_DECIDER
/* The round, as docs/design/state-machines.md draws it. A second draw finds no row: a
 * drawn round is drawn once; only a new commitment (a re-freeze, before any digits are
 * entered) changes what will be drawn, and every commitment stays public. */
static const struct fsm_transition allocation_flow[] = {
	/* from            event           who          guard             to               effects                  effect */
	{ ALLOC_NONE,      ALLOC_CREATE,   STAFF,       setup_valid,      ALLOC_DRAFT,     FX_RECORD,               fx_create },
	{ ALLOC_DRAFT,     ALLOC_EDIT,     STAFF,       setup_valid,      ALLOC_DRAFT,     FX_RECORD,               fx_edit },
	{ ALLOC_DRAFT,     ALLOC_FREEZE,   STAFF,       notice_given,     ALLOC_FROZEN,    FX_RECORD,               fx_freeze },
	{ ALLOC_FROZEN,    ALLOC_REFREEZE, STAFF,       refreeze_allowed, ALLOC_FROZEN,    FX_RECORD,               fx_freeze },
	{ ALLOC_FROZEN,    ALLOC_DIGITS,   FSM_WITNESS, digits_allowed,   ALLOC_FROZEN,    0,                       fx_digits },
	{ ALLOC_FROZEN,    ALLOC_DRAW,     STAFF,       draw_allowed,     ALLOC_DRAWN,     FX_RECORD,               fx_draw },
	{ ALLOC_DRAFT,     ALLOC_APPROVE,  STAFF,       second_approver,  ALLOC_DRAWN,     FX_RECORD,               fx_approve },
	{ ALLOC_DRAWN,     ALLOC_PUBLISH,  STAFF,       NULL,             ALLOC_PUBLICITY, FX_MESSAGE,              fx_publish },
	{ ALLOC_PUBLICITY, ALLOC_OBJECT,   FSM_ANYONE,  objection_open,   ALLOC_PUBLICITY, FX_RECORD,               fx_object },
	{ ALLOC_PUBLICITY, ALLOC_RESOLVE,  STAFF,       resolution_valid, ALLOC_PUBLICITY, FX_RECORD,               fx_resolve },
	{ ALLOC_PUBLICITY, ALLOC_FINALIZE, STAFF,       publicity_over,   ALLOC_FINAL,     0,                       fx_finalize },
	{ ALLOC_DRAFT,     ALLOC_CANCEL,   STAFF,       reason_given,     ALLOC_CANCELLED, 0,                       fx_cancel },
	{ ALLOC_FROZEN,    ALLOC_CANCEL,   STAFF,       reason_given,     ALLOC_CANCELLED, 0,                       fx_cancel },
	{ ALLOC_DRAWN,     ALLOC_CANCEL,   STAFF,       reason_given,     ALLOC_CANCELLED, 0,                       fx_cancel },
	{ ALLOC_PUBLICITY, ALLOC_CANCEL,   STAFF,       reason_given,     ALLOC_CANCELLED, FX_MESSAGE,              fx_cancel },
};

const struct fsm allocation_fsm = {
	.name = "allocation round", .states = state_names, .n_states = ALLOC_NSTATES,
	.events = event_names, .n_events = ALLOC_NEVENTS, .table = allocation_flow,
	.n = (int)(sizeof(allocation_flow) / sizeof(allocation_flow[0])),
};

enum allocation_state
allocation_state_of(const struct allocation_round *r)
{
	int i;

	if (r->state == NULL || r->id == 0)
		return ALLOC_NONE;
	for (i = ALLOC_DRAFT; i < ALLOC_NSTATES; i++)
		if (strcmp(r->state, state_names[i]) == 0)
			return (enum allocation_state)i;
	assert(0 && "the database allows no other state");
	return ALLOC_NONE;
}

int
allocation_fire(struct db_conn *c, struct allocation_round *r, enum allocation_event event,
		struct allocation_input *in, struct gzf_err *err)
{
	const struct fsm_transition *t;
	struct run run = { .c = c, .r = r, .in = in, .version = r->version };
	int rc;

	assert(in->now > 0);
	if ((rc = fsm_find(&allocation_fsm, allocation_state_of(r), event, in->party, &run, &t, err)) != GZF_OK)
		return rc;
	r->updated_at = in->now;
	rc = t->effect(&run, err);
	/* The table's promise: the target state is where the effect left r. */
	assert(rc != GZF_OK || (int)allocation_state_of(r) == t->to);
	return rc;
}

int
allocation_check(struct db_conn *c, struct allocation_round *r, enum allocation_event event,
		 struct allocation_input *in, struct gzf_err *err)
{
	const struct fsm_transition *t;
	struct run run = { .c = c, .r = r, .in = in, .version = r->version };

	return fsm_find(&allocation_fsm, allocation_state_of(r), event, in->party, &run, &t, err);
}

static int
is_method(const struct allocation_round *r, const char *method)
{
	return r->method != NULL && strcmp(r->method, method) == 0;
}

/* Characters (UTF-8 code points) of s. */
static size_t
chars_of(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int
bad_value(struct gzf_err *err, const char *field, const char *msg)
{
	return gzf_err_set(err, GZF_EINVAL, "invalid_value", field, "%s", msg);
}

/* An integer member of o in [min,max], def when absent; GZF_EINVAL (field) otherwise. */
static int
int_member(const json_t *o, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out,
	   struct gzf_err *err)
{
	const json_t *v = json_object_get(o, name);

	*out = def;
	if (v == NULL)
		return GZF_OK;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", name,
				   "%s must be a whole number from %lld to %lld", name, (long long)min,
				   (long long)max);
	*out = json_integer_value(v);
	return GZF_OK;
}

/* Only the members named in keys (NULL-ended) are allowed in o. */
static int
only_keys(const json_t *o, const char *const *keys, const char *field, struct gzf_err *err)
{
	const char *k;
	const json_t *v;
	int i;

	json_object_foreach((json_t *)o, k, v) {
		for (i = 0; keys[i] != NULL && strcmp(keys[i], k) != 0; i++)
			;
		if (keys[i] == NULL)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", field, "%s: unknown member %.40s",
					   field, k);
	}
	return GZF_OK;
}

/* A group code as the lottery takes it: 1..32 of a-z 0-9 _ -, the first a letter or digit. */
static int
group_code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= LOTTERY_MAX_GROUP_CODE &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n && s[0] != '_' && s[0] != '-';
}

static int
criteria_check(const struct allocation_round *r, const json_t *cr, struct run *run, struct gzf_err *err)
{
	static const char *const ranged[] = { "position_from", "position_to", "groups", NULL };
	static const char *const direct[] = { "queue_entry_id", NULL };
	const json_t *groups, *g;
	int64_t from, to, id;
	size_t i;
	int rc;

	if (!json_is_object(cr))
		return bad_value(err, "criteria", "criteria must be an object");
	if (is_method(r, "direct")) {
		if ((rc = only_keys(cr, direct, "criteria", err)) != GZF_OK ||
		    (rc = int_member(cr, "queue_entry_id", 1, LOTTERY_MAX_ID, 0, &id, err)) != GZF_OK)
			return rc;
		if (id == 0)
			return gzf_err_set(err, GZF_EINVAL, "required", "queue_entry_id",
					   "direct matching names the household: its waiting-list entry");
		rc = queue_store_get(run->c, id, &run->direct, err);
		if (rc == GZF_OK && (run->direct.city_id != r->city_id ||
				     strcmp(run->direct.state, "waiting") != 0 ||
				     strcmp(run->direct.kind, "rental") != 0))
			rc = gzf_err_set(err, GZF_EINVAL, "not_waiting", "queue_entry_id",
					 "the household is not waiting on this city's rental list");
		else if (rc == GZF_ENOTFOUND)
			rc = gzf_err_set(err, GZF_EINVAL, "not_waiting", "queue_entry_id",
					 "no such waiting-list entry");
		return rc;
	}
	if ((rc = only_keys(cr, ranged, "criteria", err)) != GZF_OK ||
	    (rc = int_member(cr, "position_from", 1, 10000000, 1, &from, err)) != GZF_OK ||
	    (rc = int_member(cr, "position_to", 0, 10000000, 0, &to, err)) != GZF_OK)
		return rc;
	if (to != 0 && to < from)
		return bad_value(err, "position_to", "position_to must not be before position_from");
	groups = json_object_get(cr, "groups");
	if (groups != NULL && (!json_is_array(groups) || json_array_size(groups) > LOTTERY_MAX_GROUPS))
		return bad_value(err, "groups", "groups must be a list of at most 32 group codes");
	json_array_foreach(groups, i, g)
		if (!group_code_ok(json_string_value(g)))
			return bad_value(err, "groups", "a group code is not valid");
	return GZF_OK;
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The units the selectors name: resolved, sorted, each once. */
static int
units_resolve(struct run *run, const struct allocation_round *r, const json_t *sel, struct gzf_err *err)
{
	static const char *const keys[] = { "unit_id", "estate_id", "building_id", "layout", NULL };
	const json_t *s, *layout;
	int64_t unit, estate, building;
	size_t i;
	int rc, n = 0, k, out = 0;

	if (!json_is_array(sel) || json_array_size(sel) == 0 || json_array_size(sel) > ALLOCATION_MAX_SELECTORS)
		return bad_value(err, "units", "units must list 1 to 50 selectors");
	run->units = arena_alloc(db_arena(run->c), sizeof(int64_t) * ALLOCATION_MAX_UNITS);
	json_array_foreach(sel, i, s) {
		if (!json_is_object(s) || (rc = only_keys(s, keys, "units", err)) != GZF_OK)
			return json_is_object(s) ? rc : bad_value(err, "units", "a selector must be an object");
		if ((rc = int_member(s, "unit_id", 1, LOTTERY_MAX_ID, 0, &unit, err)) != GZF_OK ||
		    (rc = int_member(s, "estate_id", 1, LOTTERY_MAX_ID, 0, &estate, err)) != GZF_OK ||
		    (rc = int_member(s, "building_id", 1, LOTTERY_MAX_ID, 0, &building, err)) != GZF_OK)
			return rc;
		layout = json_object_get(s, "layout");
		if (layout != NULL && (!json_is_string(layout) || chars_of(json_string_value(layout)) > 20))
			return bad_value(err, "layout", "layout must be a layout name");
		if (unit != 0) {
			if (estate || building || layout)
				return bad_value(err, "units", "a selector names a unit or filters, not both");
			if (n == ALLOCATION_MAX_UNITS)
				return bad_value(err, "units", "a round offers at most 2000 units");
			run->units[n++] = unit;
			continue;
		}
		if (!estate && !building && layout == NULL)
			return bad_value(err, "units", "a selector needs a unit, an estate, a building or a layout");
		if ((rc = allocation_store_match_units(run->c, r->city_id, estate, building,
						       json_string_value(layout), run->units,
						       ALLOCATION_MAX_UNITS, &n, err)) != GZF_OK)
			return rc;
	}
	qsort(run->units, (size_t)n, sizeof(int64_t), cmp_id);
	for (k = 0; k < n; k++)
		if (out == 0 || run->units[out - 1] != run->units[k])
			run->units[out++] = run->units[k];
	run->n_units = out;
	if (out == 0)
		return gzf_err_set(err, GZF_EINVAL, "no_units", "units", "the selectors match no listed unit");
	if (is_method(r, "direct") && out != 1)
		return gzf_err_set(err, GZF_EINVAL, "direct_one_unit", "units",
				   "direct matching offers exactly one unit");
	return GZF_OK;
}

/* create, edit: the set-up as a whole. */
static int
setup_valid(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;
	const struct allocation_setup *s = run->in->setup;
	struct allocation_round probe = *run->r;
	int rc;

	assert(s != NULL);
	if (s->name == NULL || *s->name == '\0' || chars_of(s->name) > 100)
		return gzf_err_set(err, GZF_EINVAL, "required", "name", "the round needs a name of 1 to 100 characters");
	if (allocation_state_of(run->r) == ALLOC_NONE) {
		if (s->method == NULL || (strcmp(s->method, "lottery") != 0 && strcmp(s->method, "queue") != 0 &&
					  strcmp(s->method, "direct") != 0))
			return bad_value(err, "method", "method is lottery, queue or direct");
		probe.method = s->method;
		probe.city_id = run->in->city_id;
	}
	if (strcmp(probe.method, "direct") == 0 &&
	    (s->reason == NULL || *s->reason == '\0' || chars_of(s->reason) > 500))
		return gzf_err_set(err, GZF_EINVAL, "required", "reason",
				   "direct matching needs its reason (up to 500 characters)");
	if ((rc = criteria_check(&probe, s->criteria, run, err)) != GZF_OK)
		return rc;
	return units_resolve(run, &probe, s->units, err);
}

/* The household of a direct round, as its frozen list's one entry. */
static int
direct_entry(struct run *run, struct gzf_err *err)
{
	const struct queue_entry *q = &run->direct;
	struct allocation_entry e = {
		.round_id = run->r->id, .city_id = run->r->city_id, .application_id = q->application_id,
		.queue_entry_id = q->id, .group_code = q->group_code, .group_rank = q->group_rank,
		.queue_position = q->position, .persons = q->persons, .layouts = q->layouts,
		.max_area_dm2 = q->max_area_dm2, .owner_id = q->owner_id,
	};
	int64_t id;
	int rc;

	if ((rc = allocation_store_entries_clear(run->c, run->r->id, err)) != GZF_OK)
		return rc;
	return allocation_store_entry_add(run->c, &e, &id, err);
}

/* Save r at the version it was read with; r's version follows. */
static int
save(struct run *run, struct gzf_err *err)
{
	int rc = allocation_store_save_round(run->c, run->r, run->version, err);

	if (rc == GZF_OK)
		run->r->version = run->version + 1;
	return rc;
}

static const char *
compact(struct run *run, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	const char *out = arena_strdup(db_arena(run->c), s);

	free(s);
	return out;
}

static int
fx_create(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;
	struct allocation_round *r = run->r;
	const struct allocation_setup *s = run->in->setup;
	int rc;

	*r = (struct allocation_round){
		.city_id = run->in->city_id, .region_code = run->in->city_id, .name = s->name,
		.method = s->method, .state = "draft", .criteria = compact(run, s->criteria),
		.list_hash = "", .beacon_source = "", .digits = "", .beacon = "", .seed = "",
		.proof = "", .reason = s->reason ? s->reason : "", .state_reason = "",
		.created_by = run->in->actor_id, .version = 1, .created_at = run->in->now,
		.updated_at = run->in->now,
	};
	if ((rc = allocation_store_create_round(run->c, r, &r->id, err)) != GZF_OK ||
	    (rc = allocation_store_units_set(run->c, r->id, r->city_id, run->units, run->n_units, err)) != GZF_OK)
		return rc;
	return is_method(r, "direct") ? direct_entry(run, err) : GZF_OK;
}

static int
fx_edit(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;
	struct allocation_round *r = run->r;
	const struct allocation_setup *s = run->in->setup;
	int rc;

	r->name = s->name;
	r->criteria = compact(run, s->criteria);
	r->reason = is_method(r, "direct") ? s->reason : "";
	if ((rc = allocation_store_units_set(run->c, r->id, r->city_id, run->units, run->n_units, err)) != GZF_OK ||
	    (is_method(r, "direct") && (rc = direct_entry(run, err)) != GZF_OK))
		return rc;
	return save(run, err);
}

/* freeze, refreeze: the commitment's terms (a lottery's; a queue round has none). */
static int
notice_given(void *ctx, struct gzf_err *err)
{
	const struct run *run = ctx;
	const struct allocation_input *in = run->in;
	int64_t frozen = in->now / 1000 * 1000;
	const char *b = in->beacon_source;

	if (is_method(run->r, "direct"))
		return gzf_err_set(err, GZF_ESTATE, "direct_not_frozen", NULL,
				   "direct matching is approved, not frozen and drawn");
	if (!is_method(run->r, "lottery"))
		return GZF_OK;
	if (in->digit_count < 1 || in->digit_count > LOTTERY_MAX_DIGITS)
		return bad_value(err, "digit_count", "digit_count is from 1 to 64");
	if (b != NULL && (strlen(b) > LOTTERY_MAX_SOURCE))
		return bad_value(err, "beacon_source", "beacon_source is at most 128 characters");
	for (; b != NULL && *b; b++)
		if (*b < 0x20 || *b > 0x7e)
			return bad_value(err, "beacon_source", "beacon_source is printable ASCII");
	if (in->draw_at % 1000 != 0 || in->draw_at - frozen < LOTTERY_MIN_NOTICE_S * 1000LL)
		return gzf_err_set(err, GZF_EINVAL, "lottery_notice", "draw_at",
				   "the draw must be at least 24 hours after the commitment is published");
	if (in->draw_at / 1000 > 4102444799LL)
		return bad_value(err, "draw_at", "draw_at is before 2100");
	return GZF_OK;
}

static int
reason_given(void *ctx, struct gzf_err *err)
{
	const struct run *run = ctx;
	const char *s = run->in->reason;

	if (s == NULL || *s == '\0' || chars_of(s) > 500)
		return gzf_err_set(err, GZF_EINVAL, "required", "reason",
				   "give the reason (up to 500 characters); it is published");
	return GZF_OK;
}

static int
refreeze_allowed(void *ctx, struct gzf_err *err)
{
	const struct run *run = ctx;
	int rc;

	if ((rc = reason_given(ctx, err)) != GZF_OK)
		return rc;
	if (*run->r->digits != '\0')
		return gzf_err_set(err, GZF_ECONFLICT, "digits_entered", NULL,
				   "the digits are entered: this commitment is the one drawn");
	return notice_given(ctx, err);
}

/* Does a household with these layouts (JSON text) and largest area fit one of the units? */
static int
fits(const char *layouts, int max_area_dm2, const struct allocation_unit *u, int n)
{
	json_t *l = json_loads(layouts, 0, NULL);
	const json_t *v;
	size_t i;
	int k, ok = 0;

	for (k = 0; k < n && !ok; k++) {
		if (max_area_dm2 > 0 && u[k].floor_area_dm2 > max_area_dm2)
			continue;
		json_array_foreach(l, i, v)
			if (json_is_string(v) && strcmp(json_string_value(v), u[k].layout) == 0)
				ok = 1;
	}
	json_decref(l);
	return ok;
}

static int
in_groups(const json_t *groups, const char *code)
{
	const json_t *g;
	size_t i;

	if (json_array_size(groups) == 0)
		return 1;
	json_array_foreach(groups, i, g)
		if (strcmp(json_string_value(g), code) == 0)
			return 1;
	return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct allocation_entry *x = a, *y = b;

	if (x->group_rank != y->group_rank)
		return x->group_rank - y->group_rank;
	return (x->application_id > y->application_id) - (x->application_id < y->application_id);
}

/* The lottery list of entries e[0..n), sorted as cmp_entry sorts, with r's terms. */
static void
list_from(struct arena *a, const struct allocation_round *r, const struct allocation_entry *e, int n,
	  struct lottery_list *l)
{
	int i;

	memset(l, 0, sizeof(*l));
	l->city = r->region_code;
	l->round_id = r->id;
	l->frozen_at = r->frozen_at / 1000;
	l->draw_at = r->draw_at / 1000;
	l->digit_count = r->digit_count;
	snprintf(l->beacon_source, sizeof(l->beacon_source), "%s", r->beacon_source);
	for (i = 0; i < n; i++) {
		struct lottery_group *g;

		if (i == 0 || e[i].group_rank != e[i - 1].group_rank) {
			assert(l->ngroups < LOTTERY_MAX_GROUPS);
			g = &l->groups[l->ngroups++];
			snprintf(g->code, sizeof(g->code), "%s", e[i].group_code);
			g->ids = arena_alloc(a, sizeof(int64_t) * (size_t)n);
		}
		g = &l->groups[l->ngroups - 1];
		g->ids[g->n++] = e[i].application_id;
	}
	l->n = (size_t)n;
}

int
allocation_list_of(struct db_conn *c, const struct allocation_round *r, struct lottery_list *l,
		   struct gzf_err *err)
{
	struct allocation_entry *e;
	int rc, n, total;

	if ((rc = allocation_store_list_entries(c, r->id, 0, 0, &e, &n, &total, err)) != GZF_OK)
		return rc;
	qsort(e, (size_t)n, sizeof(*e), cmp_entry);
	list_from(db_arena(c), r, e, n, l);
	return GZF_OK;
}

/* freeze, refreeze: who takes part, the frozen list, and a lottery's commitment. */
static int
fx_freeze(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;
	struct allocation_round *r = run->r;
	struct allocation_input *in = run->in;
	struct arena *a = db_arena(run->c);
	struct allocation_unit *units;
	struct allocation_entry *e;
	struct queue_entry *q;
	struct lottery_list l;
	json_t *cr = json_loads(r->criteria, 0, NULL);
	const json_t *groups = json_object_get(cr, "groups");
	const char **names;
	int64_t from, to, id;
	int rc, nu, nq, total, i, n = 0;

	from = json_integer_value(json_object_get(cr, "position_from"));
	to = json_integer_value(json_object_get(cr, "position_to"));
	from = from > 0 ? from : 1;
	if ((rc = allocation_store_list_units(run->c, r->id, &units, &nu, err)) != GZF_OK ||
	    (rc = queue_store_list(run->c, r->city_id, "rental", "waiting", NULL, (int)from - 1,
				   to > 0 ? (int)(to - from + 1) : ALLOCATION_MAX_CANDIDATES, &q, &names,
				   &nq, &total, err)) != GZF_OK)
		goto out;
	e = arena_alloc(a, sizeof(*e) * (size_t)(nq + 1));
	for (i = 0; i < nq; i++) {
		if (!in_groups(groups, q[i].group_code) || !fits(q[i].layouts, q[i].max_area_dm2, units, nu))
			continue;
		e[n++] = (struct allocation_entry){
			.round_id = r->id, .city_id = r->city_id, .application_id = q[i].application_id,
			.queue_entry_id = q[i].id, .group_code = q[i].group_code,
			.group_rank = q[i].group_rank, .queue_position = q[i].position,
			.persons = q[i].persons, .layouts = q[i].layouts, .max_area_dm2 = q[i].max_area_dm2,
			.owner_id = q[i].owner_id };
	}
	if (n == 0) {
		rc = gzf_err_set(err, GZF_ESTATE, "no_candidates", "criteria",
				 "no waiting household matches the criteria and fits the units offered");
		goto out;
	}
	qsort(e, (size_t)n, sizeof(*e), cmp_entry);
	if ((rc = allocation_store_entries_clear(run->c, r->id, err)) != GZF_OK)
		goto out;
	for (i = 0; i < n; i++)
		if ((rc = allocation_store_entry_add(run->c, &e[i], &id, err)) != GZF_OK)
			goto out;
	r->state = "frozen";
	r->frozen_at = in->now / 1000 * 1000;
	if (is_method(r, "lottery")) {
		struct allocation_commitment m;

		r->draw_at = in->draw_at;
		r->digit_count = in->digit_count;
		r->beacon_source = in->beacon_source ? in->beacon_source : "";
		list_from(a, r, e, n, &l);
		r->list_hash = arena_alloc(a, LOTTERY_HEX);
		lottery_list_hash(&l, (char *)r->list_hash);
		m = (struct allocation_commitment){ .frozen_at = r->frozen_at, .draw_at = r->draw_at,
			.list_hash = r->list_hash, .digit_count = r->digit_count,
			.beacon_source = r->beacon_source, .candidates = n, .created_by = in->actor_id };
		if ((rc = allocation_store_commitment_close(run->c, r->id, "superseded", in->reason, err)) != GZF_OK ||
		    (rc = allocation_store_commitment_add(run->c, r->id, r->city_id, &m, err)) != GZF_OK)
			goto out;
	}
	rc = save(run, err);
out:
	json_decref(cr);
	return rc;
}

/* The terms a lottery's randomness is checked against (no entries needed). */
static void
terms_of(const struct allocation_round *r, struct lottery_list *l)
{
	memset(l, 0, sizeof(*l));
	l->digit_count = r->digit_count;
	snprintf(l->beacon_source, sizeof(l->beacon_source), "%s", r->beacon_source);
}

static int
digits_allowed(void *ctx, struct gzf_err *err)
{
	const struct run *run = ctx;
	struct lottery_randomness rnd = { 0 };
	struct lottery_list l;

	if (!is_method(run->r, "lottery"))
		return gzf_err_set(err, GZF_ESTATE, "not_a_lottery", NULL, "only a lottery has digits");
	if (*run->r->digits != '\0')
		return gzf_err_set(err, GZF_ECONFLICT, "digits_entered", NULL,
				   "the digits are entered already; they are not changed");
	if (run->in->now < run->r->draw_at)
		return gzf_err_set(err, GZF_ESTATE, "digits_too_early", NULL,
				   "the digits are drawn on site at the committed draw time, not before");
	if (run->in->digits == NULL || strlen(run->in->digits) > LOTTERY_MAX_DIGITS ||
	    (run->in->beacon != NULL && strlen(run->in->beacon) > LOTTERY_MAX_BEACON_HEX))
		return gzf_err_set(err, GZF_EINVAL, "invalid_randomness", "digits",
				   "the digits (and the beacon value) as drawn");
	snprintf(rnd.digits, sizeof(rnd.digits), "%s", run->in->digits);
	snprintf(rnd.beacon, sizeof(rnd.beacon), "%s", run->in->beacon ? run->in->beacon : "");
	terms_of(run->r, &l);
	return lottery_randomness_check(&l, &rnd, err);
}

static int
fx_digits(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;

	run->r->digits = run->in->digits;
	run->r->beacon = run->in->beacon ? run->in->beacon : "";
	run->r->digits_by = run->in->actor_id;
	return save(run, err);
}

static int
draw_allowed(void *ctx, struct gzf_err *err)
{
	const struct run *run = ctx;

	if (!is_method(run->r, "lottery"))
		return GZF_OK;
	if (run->in->now < run->r->draw_at)
		return gzf_err_set(err, GZF_ESTATE, "draw_too_early", NULL,
				   "the draw is at the committed time, not before");
	if (*run->r->digits == '\0')
		return gzf_err_set(err, GZF_ESTATE, "digits_missing", NULL,
				   "the notary has not entered the digits drawn on site");
	return GZF_OK;
}

struct app_entry {
	int64_t application_id, entry_id;
};

static int
cmp_app(const void *a, const void *b)
{
	const struct app_entry *x = a, *y = b;

	return (x->application_id > y->application_id) - (x->application_id < y->application_id);
}

/* The lottery: the draw of the frozen list, every entry's rank, the proof kept. */
static int
draw_lottery(struct run *run, struct gzf_err *err)
{
	struct allocation_round *r = run->r;
	struct arena *a = db_arena(run->c);
	struct allocation_entry *e;
	struct lottery_randomness rnd = { 0 };
	struct lottery_list l;
	struct lottery_draw d;
	struct app_entry *map, key, *hit;
	json_t *proof;
	char *text;
	size_t g, k;
	int rc, n, total, i, rank = 0;

	if ((rc = allocation_store_list_entries(run->c, r->id, 0, 0, &e, &n, &total, err)) != GZF_OK)
		return rc;
	qsort(e, (size_t)n, sizeof(*e), cmp_entry);
	list_from(a, r, e, n, &l);
	snprintf(rnd.digits, sizeof(rnd.digits), "%s", r->digits);
	snprintf(rnd.beacon, sizeof(rnd.beacon), "%s", r->beacon);
	if ((rc = lottery_draw(a, &l, &rnd, run->in->now / 1000, &d, err)) != GZF_OK)
		return rc;
	/* The commitment published is the list drawn. */
	assert(strcmp(d.list_hash, r->list_hash) == 0);
	map = arena_alloc(a, sizeof(*map) * (size_t)n);
	for (i = 0; i < n; i++)
		map[i] = (struct app_entry){ e[i].application_id, e[i].id };
	qsort(map, (size_t)n, sizeof(*map), cmp_app);
	for (g = 0; g < l.ngroups; g++)
		for (k = 0; k < l.groups[g].n; k++) {
			key.application_id = d.order[g].ids[k];
			hit = bsearch(&key, map, (size_t)n, sizeof(*map), cmp_app);
			assert(hit != NULL);
			if ((rc = allocation_store_entry_rank(run->c, hit->entry_id, ++rank, (int)k + 1, err)) != GZF_OK)
				return rc;
		}
	proof = lottery_proof_build(&l, &rnd, &d);
	text = json_dumps(proof, JSON_COMPACT);
	json_decref(proof);
	r->proof = arena_strdup(a, text);
	free(text);
	r->seed = arena_strdup(a, d.seed);
	return allocation_store_commitment_close(run->c, r->id, "drawn", "", err);
}

static int
cmp_position(const void *a, const void *b)
{
	const struct allocation_entry *x = a, *y = b;

	return x->queue_position - y->queue_position;
}

/* The queue: the order of the waiting list when frozen. */
static int
order_by_queue(struct run *run, struct gzf_err *err)
{
	struct allocation_entry *e;
	int rc, n, total, i, j, in_group;

	if ((rc = allocation_store_list_entries(run->c, run->r->id, 0, 0, &e, &n, &total, err)) != GZF_OK)
		return rc;
	qsort(e, (size_t)n, sizeof(*e), cmp_position);
	for (i = 0; i < n; i++) {
		for (j = 0, in_group = 1; j < i; j++)
			in_group += strcmp(e[j].group_code, e[i].group_code) == 0;
		if ((rc = allocation_store_entry_rank(run->c, e[i].id, i + 1, in_group, err)) != GZF_OK)
			return rc;
	}
	return GZF_OK;
}

static int
fx_draw(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;
	int rc;

	rc = is_method(run->r, "lottery") ? draw_lottery(run, err) : order_by_queue(run, err);
	if (rc != GZF_OK)
		return rc;
	run->r->state = "drawn";
	run->r->drawn_at = run->in->now / 1000 * 1000;
	return save(run, err);
}

static int
second_approver(void *ctx, struct gzf_err *err)
{
	const struct run *run = ctx;

	if (!is_method(run->r, "direct"))
		return gzf_err_set(err, GZF_ESTATE, "not_direct", NULL, "only direct matching is approved");
	if (run->in->actor_id == run->r->created_by)
		return gzf_err_set(err, GZF_EFORBIDDEN, "second_approver_required", NULL,
				   "direct matching is approved by a member of staff other than its author");
	return GZF_OK;
}

static int
fx_approve(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;
	struct allocation_entry *e;
	int rc, n, total;

	if ((rc = allocation_store_list_entries(run->c, run->r->id, 0, 0, &e, &n, &total, err)) != GZF_OK)
		return rc;
	assert(n == 1); /* a direct round holds its household from its creation */
	if ((rc = allocation_store_entry_rank(run->c, e[0].id, 1, 1, err)) != GZF_OK)
		return rc;
	run->r->state = "drawn";
	run->r->approved_by = run->in->actor_id;
	run->r->drawn_at = run->in->now / 1000 * 1000;
	return save(run, err);
}

/* Each household of the round is told (its number, or the cancellation). */
static int
tell_all(struct run *run, const char *kind, const char *title, int with_rank, struct gzf_err *err)
{
	struct arena *a = db_arena(run->c);
	struct allocation_entry *e;
	int rc, n, total, i;

	if ((rc = allocation_store_list_entries(run->c, run->r->id, 0, 0, &e, &n, &total, err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++) {
		const char *body = with_rank
			? arena_printf(a, "您在配租轮次「%s」中的顺序号为第%d号（本组第%d位）。结果公示中，可在“我的轮候”查看并验证摇号。",
				       run->r->name, e[i].lottery_rank, e[i].group_position)
			: arena_printf(a, "配租轮次「%s」已取消：%s", run->r->name, run->r->state_reason);

		if (e[i].owner_id != 0 &&
		    (rc = application_store_message_add(run->c, run->r->city_id, e[i].owner_id,
							e[i].application_id, kind, title, body,
							run->in->now, err)) != GZF_OK)
			return rc;
	}
	return GZF_OK;
}

static int
fx_publish(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;
	int days = run->in->publicity_days;
	int rc;

	if (days < 1 || days > ALLOCATION_MAX_PUBLICITY_DAYS)
		return bad_value(err, "publicity_days", "publicity_days is from 1 to 30");
	run->r->state = "publicity";
	run->r->publicity_ends_at = run->in->now + days * DAY_MS;
	if ((rc = save(run, err)) != GZF_OK)
		return rc;
	return tell_all(run, "allocation_result", "配租结果公示", 1, err);
}

static int
publicity_over(void *ctx, struct gzf_err *err)
{
	const struct run *run = ctx;
	int64_t open;
	int rc;

	if (run->in->now < run->r->publicity_ends_at)
		return gzf_err_set(err, GZF_ESTATE, "publicity_not_over", NULL,
				   "the results stay in publicity until the period ends");
	if ((rc = allocation_store_objections_open(run->c, run->r->id, &open, err)) != GZF_OK)
		return rc;
	if (open > 0)
		return gzf_err_set(err, GZF_ECONFLICT, "objections_unresolved", NULL,
				   "%lld objection(s) to the results are not resolved yet", (long long)open);
	return GZF_OK;
}

/* Objections are taken while the publicity period runs, and say what is wrong. */
static int
objection_open(void *ctx, struct gzf_err *err)
{
	const struct run *run = ctx;

	if (run->in->now >= run->r->publicity_ends_at)
		return gzf_err_set(err, GZF_ESTATE, "illegal_transition", NULL,
				   "the publicity period of this round has ended");
	if (run->in->objection == NULL || chars_of(run->in->objection) < ALLOCATION_OBJECTION_MIN_CHARS)
		return bad_value(err, "text", "say what is wrong (at least a few words)");
	if (run->in->application_id < 0)
		return bad_value(err, "application_id", "application_id is a household's number");
	return GZF_OK;
}

static int
resolution_valid(void *ctx, struct gzf_err *err)
{
	const struct run *run = ctx;
	const char *res = run->in->resolution;

	if (res == NULL || (strcmp(res, "upheld") != 0 && strcmp(res, "rejected") != 0))
		return bad_value(err, "resolution", "resolution is upheld or rejected");
	if (run->in->objection_id <= 0)
		return bad_value(err, "objection_id", "objection_id names an objection of the round");
	return reason_given(ctx, err);
}

/* The objection is stored; the round's version moves, so that a finalize read before it
 * saves against a stale version and must look again. */
static int
fx_object(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;
	struct allocation_objection o = { .application_id = run->in->application_id,
					  .text = run->in->objection, .contact_enc = run->in->contact_enc,
					  .created_at = run->in->now };
	int rc;

	if ((rc = allocation_store_objection_add(run->c, run->r->id, run->r->city_id, &o,
						 &run->in->objection_id, err)) != GZF_OK)
		return rc;
	return save(run, err);
}

static int
fx_resolve(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;
	struct allocation_objection o = { .status = run->in->resolution,
					  .resolution_reason = run->in->reason,
					  .resolved_by = run->in->actor_id, .resolved_at = run->in->now };
	int rc;

	if ((rc = allocation_store_objection_resolve(run->c, run->r->id, run->in->objection_id, &o,
						     err)) != GZF_OK)
		return rc;
	return save(run, err);
}

static int
fx_finalize(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;

	run->r->state = "final";
	return save(run, err);
}

static int
fx_cancel(void *ctx, struct gzf_err *err)
{
	struct run *run = ctx;
	int published = strcmp(run->r->state, "publicity") == 0;
	int rc;

	run->r->state = "cancelled";
	run->r->state_reason = run->in->reason;
	if ((rc = allocation_store_commitment_close(run->c, run->r->id, "cancelled", run->in->reason, err)) != GZF_OK ||
	    (rc = save(run, err)) != GZF_OK)
		return rc;
	return published ? tell_all(run, "allocation_cancelled", "配租轮次已取消", 0, err) : GZF_OK;
}
