/*
 * selection.c — choosing a flat (selection.h): the session's and the pick's tables, their
 * guards and effects, the city's rule on refusals and what one more refusal costs, and the
 * set-up of a session from a round whose results are final.
 */
#include "domain/selection.h"

#include <assert.h>
#include <string.h>
#include <time.h>

#include "domain/calendar.h"
#include "domain/housing.h"
#include "domain/jobs.h"
#include "domain/queue.h"
#include "store/allocation_store.h"
#include "store/application_store.h"
#include "store/housing_store.h"
#include "store/user_store.h"

#define MINUTE_MS 60000LL
#define LOCAL_OFFSET_MS (8LL * 3600 * 1000) /* China Standard Time, for the messages */

/* One firing of the session's machine. */
struct session_run {
	struct db_conn *c;
	struct selection_session *s;
	const struct selection_input *in;
	int version;
};

/* One firing of a pick's machine. */
struct pick_run {
	struct db_conn *c;
	struct selection_pick *p;
	const struct selection_input *in;
	struct selection_session s;
	int version;
};

static int fx_session_open(void *ctx, struct gzf_err *err);
static int fx_session_close(void *ctx, struct gzf_err *err);
static int session_is_open(void *ctx, struct gzf_err *err);
static int slot_not_over(void *ctx, struct gzf_err *err);
static int unit_may_be_picked(void *ctx, struct gzf_err *err);
static int hold_not_over(void *ctx, struct gzf_err *err);
static int fx_slot_open(void *ctx, struct gzf_err *err);
static int fx_pick(void *ctx, struct gzf_err *err);
static int fx_confirm(void *ctx, struct gzf_err *err);
static int fx_decline(void *ctx, struct gzf_err *err);
static int fx_slot_end(void *ctx, struct gzf_err *err);
static int fx_hold_end(void *ctx, struct gzf_err *err);

static const char *const session_states[SESSION_NSTATES] = {
	[SESSION_SCHEDULED] = "scheduled", [SESSION_OPEN] = "open", [SESSION_CLOSED] = "closed",
};
static const char *const session_events[SESSION_NEVENTS] = {
	[SESSION_START] = "open", [SESSION_END] = "close",
};

/* The session, as docs/design/state-machines.md draws it. The decider is the city's
 * housing manager (or administrator); the system closes it after the last hold. */
static const struct fsm_transition selection_session_flow[] = {
	/* from               event          who                        guard  to               effects  effect */
	{ SESSION_SCHEDULED, SESSION_START, FSM_DECIDER,               NULL,  SESSION_OPEN,    FX_JOB,  fx_session_open },
	{ SESSION_SCHEDULED, SESSION_END,   FSM_DECIDER,               NULL,  SESSION_CLOSED,  0,       fx_session_close },
	{ SESSION_OPEN,      SESSION_END,   FSM_DECIDER | FSM_SYSTEM,  NULL,  SESSION_CLOSED,  0,       fx_session_close },
};

const struct fsm selection_session_fsm = {
	.name = "selection session", .states = session_states, .n_states = SESSION_NSTATES,
	.events = session_events, .n_events = SESSION_NEVENTS, .table = selection_session_flow,
	.n = (int)(sizeof(selection_session_flow) / sizeof(selection_session_flow[0])),
};

static const char *const pick_states[PICK_NSTATES] = {
	[PICK_WAITING] = "waiting", [PICK_UP] = "up", [PICK_HELD] = "held",
	[PICK_CONFIRMED] = "confirmed", [PICK_DECLINED] = "declined", [PICK_MISSED] = "missed",
	[PICK_RELEASED] = "released",
};
static const char *const pick_events[PICK_NEVENTS] = {
	[PICK_SLOT_OPEN] = "slot_open", [PICK_CHOOSE] = "pick", [PICK_CONFIRM] = "confirm",
	[PICK_DECLINE] = "decline", [PICK_SLOT_END] = "slot_end", [PICK_HOLD_END] = "hold_end",
};

/* A household's pick. The owner is the household, or a clerk at the counter with its
 * recorded consent; the system is the jobs that open and end slots and holds. */
static const struct fsm_transition selection_pick_flow[] = {
	/* from          event           who         guard               to               effects                              effect */
	{ PICK_WAITING, PICK_SLOT_OPEN, FSM_SYSTEM, session_is_open,    PICK_UP,         FX_MESSAGE | FX_JOB,                 fx_slot_open },
	{ PICK_UP,      PICK_CHOOSE,    FSM_OWNER,  unit_may_be_picked, PICK_HELD,       FX_RECORD | FX_JOB,                  fx_pick },
	{ PICK_UP,      PICK_DECLINE,   FSM_OWNER,  slot_not_over,      PICK_DECLINED,   FX_RECORD | FX_MESSAGE,              fx_decline },
	{ PICK_UP,      PICK_SLOT_END,  FSM_SYSTEM, NULL,               PICK_MISSED,     FX_RECORD | FX_MESSAGE,              fx_slot_end },
	{ PICK_HELD,    PICK_CONFIRM,   FSM_OWNER,  hold_not_over,      PICK_CONFIRMED,  FX_RECORD | FX_MESSAGE | FX_TIMELINE, fx_confirm },
	{ PICK_HELD,    PICK_DECLINE,   FSM_OWNER,  NULL,               PICK_DECLINED,   FX_RECORD | FX_MESSAGE,              fx_decline },
	{ PICK_HELD,    PICK_HOLD_END,  FSM_SYSTEM, NULL,               PICK_RELEASED,   FX_RECORD | FX_MESSAGE,              fx_hold_end },
};

const struct fsm selection_pick_fsm = {
	.name = "selection pick", .states = pick_states, .n_states = PICK_NSTATES,
	.events = pick_events, .n_events = PICK_NEVENTS, .table = selection_pick_flow,
	.n = (int)(sizeof(selection_pick_flow) / sizeof(selection_pick_flow[0])),
};

/* The rule on refusals. */

int
selection_rules_check(const json_t *sel, struct gzf_err *err)
{
	const json_t *v;

	if (sel == NULL)
		return GZF_OK;
	if (!json_is_object(sel))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "selection",
				   "selection: an object {max_refusals, wait_days, missed_counts}");
	v = json_object_get(sel, "max_refusals");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 20))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "selection.max_refusals",
				   "max_refusals: 0 (never removed) to 20");
	v = json_object_get(sel, "wait_days");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 3650))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "selection.wait_days",
				   "wait_days: 0 to 3650");
	v = json_object_get(sel, "missed_counts");
	if (v != NULL && !json_is_boolean(v))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "selection.missed_counts",
				   "missed_counts: true or false");
	return GZF_OK;
}

void
selection_rules_of(const json_t *queue_rules, struct selection_rules *out)
{
	const json_t *sel = json_object_get(queue_rules, "selection"), *v;

	*out = (struct selection_rules){ .max_refusals = 3, .wait_days = 0, .missed_counts = 1 };
	if ((v = json_object_get(sel, "max_refusals")) != NULL)
		out->max_refusals = (int)json_integer_value(v);
	if ((v = json_object_get(sel, "wait_days")) != NULL)
		out->wait_days = (int)json_integer_value(v);
	if ((v = json_object_get(sel, "missed_counts")) != NULL)
		out->missed_counts = json_is_true(v);
}

int
selection_cost_of(struct db_conn *c, const struct selection_pick *p, int missed,
		  struct selection_cost *out, struct gzf_err *err)
{
	struct arena *ar = db_arena(c);
	struct selection_rules rules;
	json_t *qr;
	int64_t wait_until;
	int rc;

	if ((rc = queue_rules_get(c, p->city_id, &qr, err)) != GZF_OK)
		return rc;
	selection_rules_of(qr, &rules);
	json_decref(qr);
	if ((rc = selection_store_refusals(c, p->application_id, &out->refusals, &wait_until, err)) != GZF_OK)
		return rc;
	out->counts = !missed || rules.missed_counts;
	out->max_refusals = rules.max_refusals;
	out->removed = out->counts && rules.max_refusals > 0 && out->refusals + 1 >= rules.max_refusals;
	out->wait_days = out->counts && !out->removed ? rules.wait_days : 0;
	if (!out->counts)
		out->text = "按本市规则，错过选房不计入放弃次数，也不影响您的轮候。";
	else if (out->removed)
		out->text = arena_printf(ar, "这将是您第%d次放弃选房。按本市规则，放弃%d次将退出轮候名单，"
					 "需重新申请。", out->refusals + 1, rules.max_refusals);
	else if (out->wait_days > 0)
		out->text = arena_printf(ar, "这将是您第%d次放弃选房%s。按本市规则，放弃后%d天内不能再选房，"
					 "您仍在轮候名单上。", out->refusals + 1,
					 rules.max_refusals > 0 ? arena_printf(ar, "（放弃%d次将退出轮候）",
									      rules.max_refusals) : "",
					 out->wait_days);
	else
		out->text = arena_printf(ar, "这将是您第%d次放弃选房%s。您仍在轮候名单上，可参加以后的选房。",
					 out->refusals + 1,
					 rules.max_refusals > 0 ? arena_printf(ar, "（放弃%d次将退出轮候）",
									      rules.max_refusals) : "");
	return GZF_OK;
}

int
selection_fits(const char *layouts, int max_area_dm2, const char *layout, int64_t area_dm2)
{
	json_t *arr = json_loads(layouts, 0, NULL);
	const json_t *l;
	size_t i;
	int fits = 0;

	json_array_foreach(arr, i, l)
		fits |= json_is_string(l) && strcmp(json_string_value(l), layout) == 0;
	json_decref(arr);
	return fits && (max_area_dm2 == 0 || area_dm2 <= max_area_dm2);
}

enum selection_session_state
selection_session_state_of(const struct selection_session *s)
{
	int i;

	for (i = 0; i < SESSION_NSTATES; i++)
		if (strcmp(s->state, session_states[i]) == 0)
			return (enum selection_session_state)i;
	assert(0 && "the database allows no other state");
	return SESSION_CLOSED;
}

enum selection_pick_state
selection_pick_state_of(const struct selection_pick *p)
{
	int i;

	for (i = 0; i < PICK_NSTATES; i++)
		if (strcmp(p->state, pick_states[i]) == 0)
			return (enum selection_pick_state)i;
	assert(0 && "the database allows no other state");
	return PICK_RELEASED;
}

/* Setting up. */

int
selection_session_create(struct db_conn *c, int64_t round_id, struct selection_session *s,
			 struct gzf_err *err)
{
	struct allocation_round round;
	struct allocation_entry *entries;
	struct allocation_unit *units;
	struct selection_pick p;
	struct application a;
	int rc, n, nu, i, total, drawn = 0;

	if ((rc = allocation_store_get_round(c, round_id, &round, err)) != GZF_OK)
		return rc;
	if (strcmp(round.state, "final") != 0 &&
	    !(strcmp(round.state, "publicity") == 0 && round.publicity_ends_at > 0 &&
	      round.publicity_ends_at <= s->created_at))
		return gzf_err_set(err, GZF_ESTATE, "round_not_final", NULL,
				   "the round's results are not final yet: households choose after publicity");
	if ((rc = allocation_store_list_entries(c, round_id, 0, 0, &entries, &n, &total, err)) != GZF_OK ||
	    (rc = allocation_store_list_units(c, round_id, &units, &nu, err)) != GZF_OK)
		return rc;
	s->city_id = round.city_id;
	s->round_id = round_id;
	s->region_code = round.region_code;
	s->state = "scheduled";
	s->updated_at = s->created_at;
	rc = selection_store_session_create(c, s, &s->id, err);
	if (db_is_duplicate(rc, err))
		return gzf_err_set(err, GZF_ECONFLICT, "selection_exists", "round_id",
				   "this round has a selection session already");
	if (rc != GZF_OK)
		return rc;
	s->version = 1;
	for (i = 0; i < nu; i++)
		if ((rc = selection_store_unit_add(c, s->id, units[i].unit_id, err)) != GZF_OK)
			return rc;
	for (i = 0; i < n; i++) {
		if (entries[i].lottery_rank <= 0)
			continue;
		if ((rc = application_store_get(c, entries[i].application_id, &a, err)) != GZF_OK)
			return rc;
		p = (struct selection_pick){ .session_id = s->id, .city_id = s->city_id,
			.round_entry_id = entries[i].id, .application_id = entries[i].application_id,
			.queue_entry_id = entries[i].queue_entry_id, .owner_id = entries[i].owner_id,
			.region_code = a.region_code, .region_path = a.region_path, .persons = entries[i].persons,
			.layouts = entries[i].layouts, .max_area_dm2 = entries[i].max_area_dm2,
			.lottery_rank = entries[i].lottery_rank, .state = "waiting",
			.updated_at = s->created_at };
		if ((rc = selection_store_pick_create(c, &p, &p.id, err)) != GZF_OK)
			return rc;
		drawn++;
	}
	if (drawn == 0)
		return gzf_err_set(err, GZF_EINVAL, "no_households", "round_id",
				   "the round has no households in lottery order");
	return GZF_OK;
}

/* The session's machine. */

int
selection_session_fire(struct db_conn *c, struct selection_session *s,
		       enum selection_session_event event, const struct selection_input *in,
		       struct gzf_err *err)
{
	const struct fsm_transition *t;
	struct session_run run = { .c = c, .s = s, .in = in, .version = s->version };
	struct selection_session was;
	int rc;

	assert(in->now > 0);
	if ((rc = fsm_find(&selection_session_fsm, selection_session_state_of(s), event, in->party,
			   &run, &t, err)) != GZF_OK)
		return rc;
	was = *s;
	s->updated_at = in->now;
	if ((rc = t->effect(&run, err)) != GZF_OK ||
	    (rc = selection_store_session_save(c, s, run.version, err)) != GZF_OK) {
		*s = was; /* refused: the caller's copy is as stored */
		return rc;
	}
	assert((int)selection_session_state_of(s) == t->to);
	s->version = run.version + 1;
	return GZF_OK;
}

/* "selection_pick:42", the reference of a pick's jobs. */
static const char *
pick_ref(struct db_conn *c, int64_t id)
{
	return arena_printf(db_arena(c), "selection_pick:%lld", (long long)id);
}

/* Give p the slot from start: saved, its jobs enqueued (the slot's end; its opening, or
 * opened here when due — in the session's transaction, where the session reads as open to
 * the guard: its row is saved after this effect). */
static int
lay_out(struct session_run *r, struct selection_pick *p, int64_t start, struct gzf_err *err)
{
	struct selection_input sys = { .party = FSM_SYSTEM, .now = r->in->now };
	const char *ref = pick_ref(r->c, p->id);
	int version = p->version, rc;

	p->slot_starts_at = start;
	p->slot_ends_at = start + r->s->slot_minutes * MINUTE_MS;
	p->updated_at = r->in->now;
	if ((rc = selection_store_pick_save(r->c, p, version, err)) != GZF_OK)
		return rc;
	p->version = version + 1;
	if ((rc = jobs_enqueue(r->c, r->s->city_id, "selection_slot_end", ref, NULL, p->slot_ends_at,
			       err)) != GZF_OK)
		return rc;
	if (start > r->in->now)
		return jobs_enqueue(r->c, r->s->city_id, "selection_slot_open", ref, NULL, start, err);
	return selection_pick_fire(r->c, p, PICK_SLOT_OPEN, &sys, err);
}

/* Lay the slots out from max(starts_at, now) in lottery order, per_slot households a slot.
 * A household still in its waiting period after a refusal (selection.h) when its slot
 * would begin is passed over there: after the others, in lottery order, each such
 * household gets a slot of its own, from the end of the last slot or from the end of its
 * waiting period, whichever is later. Open the slots already due, enqueue the jobs that
 * open and end the others, and the session's end after the last hold could run out. */
static int
fx_session_open(void *ctx, struct gzf_err *err)
{
	struct session_run *r = ctx;
	struct selection_session *s = r->s;
	struct selection_pick *picks, **later;
	int64_t base = s->starts_at > r->in->now ? s->starts_at : r->in->now;
	int64_t slot = s->slot_minutes * MINUTE_MS, start, next;
	int rc, n, i, laid = 0, nlater = 0;

	s->state = "open";
	s->starts_at = base;
	if ((rc = selection_store_picks(r->c, s->id, &picks, &n, err)) != GZF_OK)
		return rc;
	later = arena_alloc(db_arena(r->c), sizeof(*later) * (size_t)(n + 1));
	for (i = 0; i < n; i++) {
		start = base + (int64_t)(laid / s->per_slot) * slot;
		if (picks[i].wait_until > start) {
			later[nlater++] = &picks[i];
			continue;
		}
		if ((rc = lay_out(r, &picks[i], start, err)) != GZF_OK)
			return rc;
		laid++;
	}
	next = base + (int64_t)((laid + s->per_slot - 1) / s->per_slot) * slot;
	for (i = 0; i < nlater; i++) {
		start = later[i]->wait_until > next ? later[i]->wait_until : next;
		if ((rc = lay_out(r, later[i], start, err)) != GZF_OK)
			return rc;
		next = start + slot;
	}
	return jobs_enqueue(r->c, s->city_id, "selection_close",
			    arena_printf(db_arena(r->c), "selection:%lld", (long long)s->id), NULL,
			    next + s->confirm_minutes * MINUTE_MS, err);
}

static int
fx_session_close(void *ctx, struct gzf_err *err)
{
	struct session_run *r = ctx;

	(void)err;
	r->s->state = "closed";
	return GZF_OK;
}

/* The pick's machine. */

int
selection_pick_fire(struct db_conn *c, struct selection_pick *p, enum selection_pick_event event,
		    const struct selection_input *in, struct gzf_err *err)
{
	const struct fsm_transition *t;
	struct pick_run run = { .c = c, .p = p, .in = in, .version = p->version };
	struct selection_pick was;
	enum selection_pick_state state = selection_pick_state_of(p);
	int rc;

	assert(in->now > 0);
	if ((rc = selection_store_session_get(c, p->session_id, &run.s, err)) != GZF_OK)
		return rc;
	rc = fsm_find(&selection_pick_fsm, state, event, in->party, &run, &t, err);
	if (rc == GZF_ESTATE && state == PICK_WAITING && (event == PICK_CHOOSE || event == PICK_DECLINE))
		return gzf_err_set(err, GZF_ESTATE, "not_your_turn", NULL,
				   "your time to choose has not come: households choose in lottery order");
	if (rc != GZF_OK)
		return rc;
	was = *p;
	p->updated_at = in->now;
	if ((rc = t->effect(&run, err)) != GZF_OK) {
		*p = was; /* refused: the caller's copy is as stored */
		return rc;
	}
	assert((int)selection_pick_state_of(p) == t->to);
	p->version = run.version + 1;
	return GZF_OK;
}

static int
session_is_open(void *ctx, struct gzf_err *err)
{
	const struct pick_run *r = ctx;

	/* The session opening opens the first slots before its own row says "open". */
	if (strcmp(r->s.state, "closed") == 0)
		return gzf_err_set(err, GZF_ESTATE, "selection_closed", NULL, "the selection is closed");
	return GZF_OK;
}

static int
slot_not_over(void *ctx, struct gzf_err *err)
{
	const struct pick_run *r = ctx;
	int rc;

	if ((rc = session_is_open(ctx, err)) != GZF_OK)
		return rc;
	if (r->in->now >= r->p->slot_ends_at)
		return gzf_err_set(err, GZF_ESTATE, "slot_over", NULL,
				   "your time to choose has passed");
	return GZF_OK;
}

static int
hold_not_over(void *ctx, struct gzf_err *err)
{
	const struct pick_run *r = ctx;

	if (r->in->now >= r->p->held_until)
		return gzf_err_set(err, GZF_ESTATE, "hold_expired", NULL,
				   "the time to confirm has passed: the flat is free again");
	return GZF_OK;
}

/* The unit chosen: offered by the session, vacant, fitting the household; the household
 * not in a waiting period after a refusal. */
static int
unit_may_be_picked(void *ctx, struct gzf_err *err)
{
	const struct pick_run *r = ctx;
	struct unit u;
	int64_t wait_until;
	int rc, offered, refusals;

	if ((rc = slot_not_over(ctx, err)) != GZF_OK)
		return rc;
	if ((rc = selection_store_offers(r->c, r->s.id, r->in->unit_id, &offered, err)) != GZF_OK)
		return rc;
	if (!offered)
		return gzf_err_set(err, GZF_EINVAL, "unit_not_offered", "unit_id",
				   "this flat is not offered in this selection");
	if ((rc = housing_store_unit_get(r->c, r->in->unit_id, &u, err)) != GZF_OK)
		return rc;
	if (strcmp(u.status, "vacant") != 0)
		return gzf_err_set(err, GZF_ECONFLICT, "unit_taken", "unit_id",
				   "this flat is no longer free: choose another");
	if (!selection_fits(r->p->layouts, r->p->max_area_dm2, u.layout, u.floor_area_dm2))
		return gzf_err_set(err, GZF_EINVAL, "unit_not_fitting", "unit_id",
				   "this flat does not fit your household's size (layout or area)");
	if ((rc = selection_store_refusals(r->c, r->p->application_id, &refusals, &wait_until,
					   err)) != GZF_OK)
		return rc;
	if (wait_until > r->in->now)
		return gzf_err_set(err, GZF_ESTATE, "waiting_period", NULL,
				   "after your last refusal you may not choose before the waiting period ends");
	return GZF_OK;
}

/* A time as the household reads it, China Standard Time: "6月1日 09:30", in English
 * "1 Jun 09:30". */
static const char *
local_time(struct arena *ar, int64_t ms, int en)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
					      "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)((ms + LOCAL_OFFSET_MS) / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	if (en)
		return arena_printf(ar, "%d %s %02d:%02d", tm.tm_mday, months[tm.tm_mon], tm.tm_hour,
				    tm.tm_min);
	return arena_printf(ar, "%d月%d日 %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* *en: 1 when the household of r reads English (its account's app is in English). */
static int
reads_english(struct pick_run *r, int *en, struct gzf_err *err)
{
	struct user u;
	int rc;

	*en = 0;
	if (r->p->owner_id == 0)
		return GZF_OK;
	if ((rc = user_store_get(r->c, r->p->owner_id, &u, err)) != GZF_OK)
		return rc;
	*en = strcmp(u.lang, "en") == 0;
	return GZF_OK;
}

/* The household's message about its pick, in its language: the Chinese title and body,
 * or the English (none for a household without an account). */
static int
tell(struct pick_run *r, const char *kind, const char *title, const char *body,
     const char *title_en, const char *body_en, struct gzf_err *err)
{
	int rc, en;

	if (r->p->owner_id == 0)
		return GZF_OK;
	if ((rc = reads_english(r, &en, err)) != GZF_OK)
		return rc;
	return application_store_message_add(r->c, r->p->city_id, r->p->owner_id, r->p->application_id,
					     kind, en ? title_en : title, en ? body_en : body,
					     r->in->now, err);
}

/* Save the pick in state; its version moves on. */
static int
save(struct pick_run *r, const char *state, struct gzf_err *err)
{
	r->p->state = state;
	return selection_store_pick_save(r->c, r->p, r->version, err);
}

static int
fx_slot_open(void *ctx, struct gzf_err *err)
{
	struct pick_run *r = ctx;
	struct arena *ar = db_arena(r->c);
	int rc;

	if ((rc = save(r, "up", err)) != GZF_OK ||
	    (rc = tell(r, "selection_up", "轮到您选房了",
		       arena_printf(ar, "您的选房时段已开始，请在%s前登录选择房源；选定后须在%d分钟内确认。",
				    local_time(ar, r->p->slot_ends_at, 0), r->s.confirm_minutes),
		       "It is your turn to choose a flat",
		       arena_printf(ar, "Your time to choose has begun: log in and choose a flat before %s"
				    " (China Standard Time); once chosen, confirm it within %d minutes.",
				    local_time(ar, r->p->slot_ends_at, 1), r->s.confirm_minutes),
		       err)) != GZF_OK)
		return rc;
	if (r->p->owner_id == 0)
		return GZF_OK;
	return jobs_enqueue(r->c, r->p->city_id, "selection_sms", pick_ref(r->c, r->p->id), NULL, 0, err);
}

static int
fx_pick(void *ctx, struct gzf_err *err)
{
	struct pick_run *r = ctx;
	int rc;

	r->p->unit_id = r->in->unit_id;
	r->p->held_until = r->in->now + r->s.confirm_minutes * MINUTE_MS;
	r->p->chosen_by = r->in->actor_id;
	r->p->consent = r->in->consent ? r->in->consent : "";
	if ((rc = save(r, "held", err)) != GZF_OK)
		return rc;
	return jobs_enqueue(r->c, r->p->city_id, "selection_hold_end", pick_ref(r->c, r->p->id), NULL,
			    r->p->held_until, err);
}

static int
fx_confirm(void *ctx, struct gzf_err *err)
{
	struct pick_run *r = ctx;
	struct arena *ar = db_arena(r->c);
	struct queue_input qin = { .party = FSM_SYSTEM, .actor_id = r->in->actor_id, .now = r->in->now };
	struct queue_entry e;
	struct unit u;
	int rc;

	if (r->in->consent != NULL)
		r->p->consent = r->in->consent;
	r->p->chosen_by = r->in->actor_id;
	if ((rc = save(r, "confirmed", err)) != GZF_OK ||
	    (rc = housing_store_unit_get(r->c, r->p->unit_id, &u, err)) != GZF_OK ||
	    (rc = housing_unit_fire(r->c, &u, UNIT_TO_RESERVED, FSM_DECIDER, r->in->now, err)) != GZF_OK)
		return rc;
	qin.reason = arena_printf(ar, "选房确认：%s%s%s", u.estate_name, u.building_name, u.unit_no);
	if (r->p->queue_entry_id != 0) {
		if ((rc = queue_store_get(r->c, r->p->queue_entry_id, &e, err)) != GZF_OK ||
		    (rc = queue_fire(r->c, &e, QUEUE_HOUSE, &qin, err)) != GZF_OK)
			return rc;
	}
	return tell(r, "selection_confirmed", "选房已确认",
		    arena_printf(ar, "您已确认选定%s%s%s，房源已为您保留，请等候签约通知。",
				 u.estate_name, u.building_name, u.unit_no),
		    "Your choice is confirmed",
		    arena_printf(ar, "You confirmed %s %s %s: the flat is reserved for you. Please wait"
				 " for the notice to sign the lease.", u.estate_name, u.building_name,
				 u.unit_no), err);
}

/* A refusal of kind: recorded when the city's rule counts it, and its cost paid — removal
 * from the waiting list, or a waiting period. */
static int
refuse(struct pick_run *r, const char *kind, int missed, struct gzf_err *err)
{
	struct arena *ar = db_arena(r->c);
	struct selection_cost cost;
	struct queue_input qin = { .party = FSM_SYSTEM, .actor_id = r->in->actor_id, .now = r->in->now };
	struct queue_entry e;
	int rc;

	if ((rc = selection_cost_of(r->c, r->p, missed, &cost, err)) != GZF_OK || !cost.counts)
		return rc;
	if ((rc = selection_store_refusal_add(r->c, r->p, kind, r->in->now,
					      cost.wait_days ? r->in->now + cost.wait_days * DAY_MS : 0,
					      err)) != GZF_OK)
		return rc;
	if (!cost.removed || r->p->queue_entry_id == 0)
		return GZF_OK;
	qin.reason = arena_printf(ar, "第%d次放弃选房，按本市规则退出轮候", cost.refusals + 1);
	if ((rc = queue_store_get(r->c, r->p->queue_entry_id, &e, err)) != GZF_OK)
		return rc;
	return queue_fire(r->c, &e, QUEUE_REMOVE, &qin, err);
}

static int
fx_decline(void *ctx, struct gzf_err *err)
{
	struct pick_run *r = ctx;
	int rc;

	r->p->chosen_by = r->in->actor_id;
	if (r->in->consent != NULL)
		r->p->consent = r->in->consent;
	if ((rc = save(r, "declined", err)) != GZF_OK || (rc = refuse(r, "declined", 0, err)) != GZF_OK)
		return rc;
	return tell(r, "selection_declined", "已放弃本次选房", "您已放弃本次选房。",
		    "You declined this selection", "You declined to choose a flat in this selection.",
		    err);
}

static int
fx_slot_end(void *ctx, struct gzf_err *err)
{
	struct pick_run *r = ctx;
	int rc;

	if ((rc = save(r, "missed", err)) != GZF_OK || (rc = refuse(r, "missed", 1, err)) != GZF_OK)
		return rc;
	return tell(r, "selection_missed", "选房时段已结束", "您的选房时段已结束，未选择房源。",
		    "Your time to choose has ended", "Your time to choose has ended without a choice.",
		    err);
}

static int
fx_hold_end(void *ctx, struct gzf_err *err)
{
	struct pick_run *r = ctx;
	int rc;

	if ((rc = save(r, "released", err)) != GZF_OK || (rc = refuse(r, "released", 1, err)) != GZF_OK)
		return rc;
	return tell(r, "selection_released", "选房未确认",
		    "您选定的房源未在规定时间内确认，已释放给其他家庭。",
		    "Your choice was not confirmed",
		    "The flat you chose was not confirmed in time and is free for other households again.",
		    err);
}
