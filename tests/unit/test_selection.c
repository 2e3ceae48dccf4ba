/* test_selection.c — choosing a flat: the city's rule on refusals and its check, what fits
 * a household, and the pick's state machine driven directly: every state × event × party
 * against an expectation written here by hand (the state reached, the messages and
 * refusals it adds, the unit and the waiting-list entry it changes; a refused firing
 * changes nothing); then the guards: a pick out of turn, a unit that does not fit, a unit
 * another household holds, a confirmation after the hold ran out, and the third refusal
 * removing the household from the waiting list. On SQLite and, when a server is given,
 * on PostgreSQL. */
#include <string.h>

#include "domain/queue.h"
#include "domain/selection.h"
#include "store/allocation_store.h"
#include "store/application_store.h"
#include "store/housing_store.h"
#include "store/region_store.h"
#include "store/user_store.h"
#include "unit.h"

#define CITY 230600
#define PATH "/100000/230000/230600/230602/230602001/230602001001/"
#define NOW 1780000000000LL /* 2026-05-28 */
#define MINUTE 60000LL

static struct unit_db udb;
static int on_pg;
static struct db *db;
static struct arena *ar;
static struct db_conn *conn;
static int64_t owner, estate_id, building_id;
static int serial;

static void use_sqlite(void) { on_pg = 0; }
static void use_pg(void) { on_pg = 1; }

static void
ok(int rc, const struct gzf_err *e)
{
	ck_assert_msg(rc == GZF_OK, "%d %s: %s", rc, e->name, e->message);
}

START_TEST(rules_and_fit)
{
	struct gzf_err e = { 0 };
	struct selection_rules r;
	json_t *q = queue_rules_default();

	selection_rules_of(q, &r);
	ck_assert_int_eq(r.max_refusals, 3);
	ck_assert_int_eq(r.wait_days, 0);
	ck_assert_int_eq(r.missed_counts, 1);
	json_object_set_new(q, "selection", json_pack("{s:i, s:i, s:b}", "max_refusals", 0,
						      "wait_days", 30, "missed_counts", 0));
	ck_assert_int_eq(queue_rules_check(q, &e), GZF_OK);
	selection_rules_of(q, &r);
	ck_assert_int_eq(r.max_refusals, 0);
	ck_assert_int_eq(r.wait_days, 30);
	ck_assert_int_eq(r.missed_counts, 0);
	json_object_set_new(q, "selection", json_pack("{s:i}", "max_refusals", -1));
	ck_assert_int_eq(queue_rules_check(q, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "selection.max_refusals");
	json_object_set_new(q, "selection", json_pack("{s:s}", "missed_counts", "yes"));
	ck_assert_int_eq(queue_rules_check(q, &e), GZF_EINVAL);
	json_object_set_new(q, "selection", json_string("x"));
	ck_assert_int_eq(queue_rules_check(q, &e), GZF_EINVAL);
	json_decref(q);
	ck_assert_int_eq(selection_fits("[\"一室\",\"一室一厅\"]", 4000, "一室一厅", 4000), 1);
	ck_assert_int_eq(selection_fits("[\"一室\",\"一室一厅\"]", 4000, "一室一厅", 4001), 0);
	ck_assert_int_eq(selection_fits("[\"一室\",\"一室一厅\"]", 0, "两室一厅", 3000), 0);
	ck_assert_int_eq(selection_fits("[\"两室一厅\"]", 0, "两室一厅", 99000), 1);
	ck_assert_int_eq(selection_fits("not json", 0, "两室一厅", 1), 0);
}
END_TEST

static void
open_db(void)
{
	struct gzf_err e;

	db = unit_db_fresh(&udb, on_pg, 1);
	ar = arena_create();
	ck_assert_int_eq(db_acquire(db, ar, &conn, &e), GZF_OK);
	unit_db_city_estate(conn, NOW, &owner, &estate_id, &building_id);
}

static void
close_db(void)
{
	db_release(conn);
	arena_destroy(ar);
	unit_db_done(&udb, db);
}

/* A new vacant unit of layout and area (m²). */
static int64_t
new_unit(const char *layout, int area_m2)
{
	struct gzf_err e;
	struct unit u = { .city_id = CITY, .estate_id = estate_id, .building_id = building_id,
			  .district_code = 230602, .region_path = "/100000/230000/230600/230602/",
			  .layout = layout, .floor_area_dm2 = area_m2 * 100,
			  .usable_area_dm2 = area_m2 * 80, .floor = 3, .orientation = "南",
			  .rent_fen = 30000, .status = "vacant", .created_at = 1, .updated_at = 1 };
	int64_t id;

	u.unit_no = arena_printf(ar, "%d", ++serial);
	ok(housing_store_unit_save(conn, &u, 0, &id, &e), &e);
	return id;
}

/* A qualified household of one person on the waiting list (layouts 一室, 一室一厅 up to
 * 40 m²): its queue entry into *entry. */
static void
household(struct queue_entry *entry)
{
	struct gzf_err err;
	struct queue_facts f = { .persons = 1 };
	struct application a = { .city_id = CITY, .owner_id = owner, .region_code = 230602001001,
				 .region_path = PATH, .kind = "rental", .status = "qualified",
				 .step = "", .household_enc = "-", .persons = 1, .created_at = NOW,
				 .updated_at = NOW };
	struct queue_input in = { .party = FSM_SYSTEM, .now = NOW, .app = &a, .facts = &f };

	a.applicant_id_hash = arena_printf(ar, "H-%d", ++serial);
	ok(application_store_create(conn, &a, &a.id, &err), &err);
	*entry = (struct queue_entry){ 0 };
	ok(db_begin(conn, &err), &err);
	ok(queue_fire(conn, entry, QUEUE_JOIN, &in, &err), &err);
	ok(db_commit(conn, &err), &err);
}

/* A final round of households n (one person each) offering units, and its session
 * (per_slot households a slot, 30-minute slots, 15 minutes to confirm); the picks in
 * lottery order into picks[], the queue entries into entries[]. */
static void
session(int n, const int64_t *units, int nu, int per_slot, struct selection_session *s,
	struct selection_pick *picks, struct queue_entry *entries)
{
	struct gzf_err err;
	struct allocation_round r = { .city_id = CITY, .region_code = CITY, .name = "测试轮次",
				      .method = "lottery", .state = "final", .criteria = "{}",
				      .list_hash = "", .beacon_source = "", .digits = "",
				      .beacon = "", .seed = "", .proof = "", .reason = "",
				      .state_reason = "", .created_by = 1, .created_at = NOW,
				      .updated_at = NOW };
	struct selection_pick *all;
	int i, got;

	ok(allocation_store_create_round(conn, &r, &r.id, &err), &err);
	ok(allocation_store_units_set(conn, r.id, CITY, units, nu, &err), &err);
	for (i = 0; i < n; i++) {
		struct allocation_entry e = { .round_id = r.id, .city_id = CITY, .group_code = "general",
					      .persons = 1, .layouts = "[\"一室\",\"一室一厅\"]",
					      .max_area_dm2 = 4000, .owner_id = owner };

		household(&entries[i]);
		e.application_id = entries[i].application_id;
		e.queue_entry_id = entries[i].id;
		ok(allocation_store_entry_add(conn, &e, &e.id, &err), &err);
		ok(allocation_store_entry_rank(conn, e.id, i + 1, i + 1, &err), &err);
	}
	*s = (struct selection_session){ .name = "选房", .starts_at = NOW, .slot_minutes = 30,
					 .confirm_minutes = 15, .per_slot = per_slot,
					 .created_by = 1, .created_at = NOW };
	ok(db_begin(conn, &err), &err);
	ok(selection_session_create(conn, r.id, s, &err), &err);
	ok(db_commit(conn, &err), &err);
	ok(selection_store_picks(conn, s->id, &all, &got, &err), &err);
	ck_assert_int_eq(got, n);
	for (i = 0; i < n; i++)
		picks[i] = all[i];
}

/* Open session s at now: the first slot opens; picks[] read again. */
static void
open_session(struct selection_session *s, struct selection_pick *picks, int n)
{
	struct gzf_err err;
	struct selection_input in = { .party = FSM_DECIDER, .actor_id = 1, .now = NOW };
	int i;

	ok(db_begin(conn, &err), &err);
	ok(selection_session_fire(conn, s, SESSION_START, &in, &err), &err);
	ok(db_commit(conn, &err), &err);
	for (i = 0; i < n; i++)
		ok(selection_store_pick_get(conn, picks[i].id, &picks[i], &err), &err);
}

/* Fire event by party on p at now with unit; commit or roll back; the code. */
static int
fire(struct selection_pick *p, int event, unsigned party, int64_t now, int64_t unit,
     struct gzf_err *err)
{
	struct selection_input in = { .party = party, .actor_id = owner, .now = now, .unit_id = unit };
	int rc;

	ok(db_begin(conn, err), err);
	rc = selection_pick_fire(conn, p, (enum selection_pick_event)event, &in, err);
	if (rc == GZF_OK)
		ok(db_commit(conn, err), err);
	else
		db_rollback(conn);
	return rc;
}

/* What the test expects of each allowed (state, event). */
struct expect {
	int from, event;
	unsigned who;
	int to;
	int messages, refusals;
	const char *unit;  /* the unit's status after */
	const char *entry; /* the queue entry's state after */
};

static const struct expect flow[] = {
	{ PICK_WAITING, PICK_SLOT_OPEN, FSM_SYSTEM, PICK_UP, 1, 0, "vacant", "waiting" },
	{ PICK_UP, PICK_CHOOSE, FSM_OWNER, PICK_HELD, 0, 0, "vacant", "waiting" },
	{ PICK_UP, PICK_DECLINE, FSM_OWNER, PICK_DECLINED, 1, 1, "vacant", "waiting" },
	{ PICK_UP, PICK_SLOT_END, FSM_SYSTEM, PICK_MISSED, 1, 1, "vacant", "waiting" },
	{ PICK_HELD, PICK_CONFIRM, FSM_OWNER, PICK_CONFIRMED, 2, 0, "reserved", "housed" },
	{ PICK_HELD, PICK_DECLINE, FSM_OWNER, PICK_DECLINED, 1, 1, "vacant", "waiting" },
	{ PICK_HELD, PICK_HOLD_END, FSM_SYSTEM, PICK_RELEASED, 1, 1, "vacant", "waiting" },
};

static const unsigned parties[] = { FSM_OWNER, FSM_DECIDER, FSM_SYSTEM, FSM_ANYONE };

static const struct expect *
expected(int state, int event)
{
	size_t i;

	for (i = 0; i < sizeof(flow) / sizeof(flow[0]); i++)
		if (flow[i].from == state && flow[i].event == event)
			return &flow[i];
	return NULL;
}

/* [messages of the owner, refusals of the application, pick version] */
static void
counts(const struct selection_pick *p, int64_t out[3])
{
	struct gzf_err e;
	struct db_res *r;

	ok(db_query(conn, "SELECT count(*) FROM messages WHERE user_id = $1", DB_ARGS(DB_I(owner)),
		    &r, &e), &e);
	out[0] = db_res_int(r, 0, 0);
	ok(db_query(conn, "SELECT count(*) FROM selection_refusals WHERE application_id = $1",
		    DB_ARGS(DB_I(p->application_id)), &r, &e), &e);
	out[1] = db_res_int(r, 0, 0);
	ok(db_query(conn, "SELECT version FROM selection_picks WHERE id = $1", DB_ARGS(DB_I(p->id)),
		    &r, &e), &e);
	out[2] = db_res_int(r, 0, 0);
}

/* A pick of a new one-household session in state; its unit into *unit. */
static void
make(int state, struct selection_pick *p, struct queue_entry *entry, int64_t *unit)
{
	struct gzf_err err;
	struct selection_session s;

	*unit = new_unit("一室一厅", 38);
	session(1, unit, 1, 1, &s, p, entry);
	if (state == PICK_WAITING)
		return;
	open_session(&s, p, 1);
	ck_assert_str_eq(p->state, "up");
	if (state == PICK_HELD || state == PICK_CONFIRMED || state == PICK_RELEASED)
		ok(fire(p, PICK_CHOOSE, FSM_OWNER, NOW + 1000, *unit, &err), &err);
	if (state == PICK_CONFIRMED)
		ok(fire(p, PICK_CONFIRM, FSM_OWNER, NOW + 2000, 0, &err), &err);
	if (state == PICK_DECLINED)
		ok(fire(p, PICK_DECLINE, FSM_OWNER, NOW + 2000, 0, &err), &err);
	if (state == PICK_MISSED)
		ok(fire(p, PICK_SLOT_END, FSM_SYSTEM, NOW + 30 * MINUTE, 0, &err), &err);
	if (state == PICK_RELEASED)
		ok(fire(p, PICK_HOLD_END, FSM_SYSTEM, NOW + 20 * MINUTE, 0, &err), &err);
	ck_assert_int_eq(selection_pick_state_of(p), state);
}

static void
fire_one(int state, int event, unsigned party)
{
	const struct expect *x = expected(state, event);
	struct selection_pick p;
	struct queue_entry entry;
	struct gzf_err err = { 0 };
	struct unit u;
	int64_t unit, before[3], after[3];
	int rc, want = x == NULL ? GZF_ESTATE : (x->who & party) ? GZF_OK : GZF_EFORBIDDEN;

	make(state, &p, &entry, &unit);
	counts(&p, before);
	rc = fire(&p, event, party, NOW + 5000, unit, &err);
	ck_assert_msg(rc == want, "%s + %s by %u: got %d (%s), want %d", selection_pick_fsm.states[state],
		      selection_pick_fsm.events[event], party, rc, err.name, want);
	counts(&p, after);
	if (rc != GZF_OK) {
		ck_assert(strcmp(err.name, "illegal_transition") == 0 || strcmp(err.name, "forbidden") == 0 ||
			  strcmp(err.name, "not_your_turn") == 0);
		ck_assert_mem_eq(before, after, sizeof(before));
		return;
	}
	ok(selection_store_pick_get(conn, p.id, &p, &err), &err);
	ck_assert_int_eq(selection_pick_state_of(&p), x->to);
	ck_assert_int_eq(after[0] - before[0], x->messages);
	ck_assert_int_eq(after[1] - before[1], x->refusals);
	ck_assert_int_eq(after[2], before[2] + 1);
	ok(housing_store_unit_get(conn, unit, &u, &err), &err);
	ck_assert_str_eq(u.status, x->unit);
	ok(queue_store_get(conn, entry.id, &entry, &err), &err);
	ck_assert_str_eq(entry.state, x->entry);
}

START_TEST(every_state_and_event)
{
	size_t p;
	int s, ev;

	open_db();
	for (s = 0; s < PICK_NSTATES; s++)
		for (ev = 0; ev < PICK_NEVENTS; ev++)
			for (p = 0; p < sizeof(parties) / sizeof(parties[0]); p++)
				fire_one(s, ev, parties[p]);
	for (s = 0; s < selection_pick_fsm.n; s++)
		ck_assert_ptr_nonnull(expected(selection_pick_fsm.table[s].from,
					       selection_pick_fsm.table[s].event));
	ck_assert_int_eq(selection_pick_fsm.n, (int)(sizeof(flow) / sizeof(flow[0])));
	close_db();
}
END_TEST

/* The session's machine: every state × event × party against this table. */
static const struct { int from, event; unsigned who; int to; } session_flow[] = {
	{ SESSION_SCHEDULED, SESSION_START, FSM_DECIDER, SESSION_OPEN },
	{ SESSION_SCHEDULED, SESSION_END, FSM_DECIDER, SESSION_CLOSED },
	{ SESSION_OPEN, SESSION_END, FSM_DECIDER | FSM_SYSTEM, SESSION_CLOSED },
};

START_TEST(every_session_state_and_event)
{
	struct selection_session s;
	struct selection_pick p;
	struct queue_entry q;
	struct gzf_err err = { 0 };
	struct selection_input in = { .actor_id = 1, .now = NOW };
	size_t i, k;
	int64_t unit;
	int st, ev, rc, want, version;

	open_db();
	for (st = 0; st < SESSION_NSTATES; st++)
		for (ev = 0; ev < SESSION_NEVENTS; ev++)
			for (k = 0; k < sizeof(parties) / sizeof(parties[0]); k++) {
				unit = new_unit("一室一厅", 38);
				session(1, &unit, 1, 1, &s, &p, &q);
				in.party = FSM_DECIDER;
				ok(db_begin(conn, &err), &err);
				if (st == SESSION_OPEN)
					ok(selection_session_fire(conn, &s, SESSION_START, &in, &err), &err);
				if (st == SESSION_CLOSED)
					ok(selection_session_fire(conn, &s, SESSION_END, &in, &err), &err);
				ok(db_commit(conn, &err), &err);
				for (want = GZF_ESTATE, i = 0; i < sizeof(session_flow) / sizeof(session_flow[0]); i++)
					if (session_flow[i].from == st && session_flow[i].event == ev)
						want = (session_flow[i].who & parties[k]) ? GZF_OK : GZF_EFORBIDDEN;
				version = s.version;
				in.party = parties[k];
				ok(db_begin(conn, &err), &err);
				rc = selection_session_fire(conn, &s, (enum selection_session_event)ev, &in, &err);
				if (rc == GZF_OK)
					ok(db_commit(conn, &err), &err);
				else
					db_rollback(conn);
				ck_assert_msg(rc == want, "%s + %s by %u: got %d, want %d",
					      selection_session_fsm.states[st], selection_session_fsm.events[ev],
					      parties[k], rc, want);
				ok(selection_store_session_get(conn, s.id, &s, &err), &err);
				ck_assert_int_eq(s.version, version + (rc == GZF_OK));
				if (rc != GZF_OK)
					ck_assert_int_eq(selection_session_state_of(&s), st);
				/* Opened: the first household is up, at once. */
				ok(selection_store_pick_get(conn, p.id, &p, &err), &err);
				ck_assert_str_eq(p.state, st == SESSION_OPEN || (st == SESSION_SCHEDULED &&
							  ev == SESSION_START && rc == GZF_OK) ? "up" : "waiting");
			}
	ck_assert_int_eq(selection_session_fsm.n, (int)(sizeof(session_flow) / sizeof(session_flow[0])));
	close_db();
}
END_TEST

START_TEST(guards)
{
	struct selection_session s;
	struct selection_pick p[3];
	struct queue_entry q[3];
	struct gzf_err err = { 0 };
	int64_t units[3];
	int64_t before[3], after[3];

	open_db();
	units[0] = new_unit("一室一厅", 38);
	units[1] = new_unit("两室一厅", 38); /* not a layout of one person */
	units[2] = new_unit("一室", 45);     /* over 40 m² */
	/* Two households share the first slot, the third waits for the next. */
	session(3, units, 3, 2, &s, p, q);
	open_session(&s, p, 3);
	ck_assert_str_eq(p[0].state, "up");
	ck_assert_str_eq(p[1].state, "up");
	ck_assert_str_eq(p[2].state, "waiting");
	ck_assert_int_eq(p[2].slot_starts_at, NOW + 30 * MINUTE);
	/* Out of turn. */
	ck_assert_int_eq(fire(&p[2], PICK_CHOOSE, FSM_OWNER, NOW + 1000, units[0], &err), GZF_ESTATE);
	ck_assert_str_eq(err.name, "not_your_turn");
	/* Not fitting: the layout, the area. */
	ck_assert_int_eq(fire(&p[0], PICK_CHOOSE, FSM_OWNER, NOW + 1000, units[1], &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "unit_not_fitting");
	ck_assert_int_eq(fire(&p[0], PICK_CHOOSE, FSM_OWNER, NOW + 1000, units[2], &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "unit_not_fitting");
	/* Taken by another: the second household's pick changes nothing. */
	ok(fire(&p[0], PICK_CHOOSE, FSM_OWNER, NOW + 1000, units[0], &err), &err);
	counts(&p[1], before);
	ck_assert_int_eq(fire(&p[1], PICK_CHOOSE, FSM_OWNER, NOW + 2000, units[0], &err), GZF_ECONFLICT);
	ck_assert_str_eq(err.name, "unit_taken");
	counts(&p[1], after);
	ck_assert_mem_eq(before, after, sizeof(before));
	/* The slot over: no pick; the hold over: no confirmation. */
	ck_assert_int_eq(fire(&p[1], PICK_DECLINE, FSM_OWNER, NOW + 30 * MINUTE, 0, &err), GZF_ESTATE);
	ck_assert_str_eq(err.name, "slot_over");
	ck_assert_int_eq(fire(&p[0], PICK_CONFIRM, FSM_OWNER, NOW + 15 * MINUTE + 1000, 0, &err), GZF_ESTATE);
	ck_assert_str_eq(err.name, "hold_expired");
	/* Released, the unit is free for the next. */
	ok(fire(&p[0], PICK_HOLD_END, FSM_SYSTEM, NOW + 16 * MINUTE, 0, &err), &err);
	ok(fire(&p[1], PICK_CHOOSE, FSM_OWNER, NOW + 17 * MINUTE, units[0], &err), &err);
	ok(fire(&p[1], PICK_CONFIRM, FSM_OWNER, NOW + 18 * MINUTE, 0, &err), &err);
	ok(queue_store_get(conn, q[1].id, &q[1], &err), &err);
	ck_assert_str_eq(q[1].state, "housed");
	close_db();
}
END_TEST

START_TEST(third_refusal_removes)
{
	struct selection_session s;
	struct selection_pick p;
	struct selection_cost cost;
	struct queue_entry q;
	struct gzf_err err = { 0 };
	int64_t unit;

	open_db();
	unit = new_unit("一室一厅", 38);
	session(1, &unit, 1, 1, &s, &p, &q);
	open_session(&s, &p, 1);
	/* Two refusals before: this is the third. */
	ok(selection_store_refusal_add(conn, &p, "declined", NOW - 2, 0, &err), &err);
	ok(selection_store_refusal_add(conn, &p, "missed", NOW - 1, 0, &err), &err);
	ok(selection_cost_of(conn, &p, 0, &cost, &err), &err);
	ck_assert_int_eq(cost.refusals, 2);
	ck_assert_int_eq(cost.removed, 1);
	ck_assert_ptr_nonnull(strstr(cost.text, "第3次"));
	ok(fire(&p, PICK_DECLINE, FSM_OWNER, NOW + 1000, 0, &err), &err);
	ok(queue_store_get(conn, q.id, &q, &err), &err);
	ck_assert_str_eq(q.state, "removed");
	close_db();
}
END_TEST

/* A household still in its waiting period when its slot would begin is placed after the
 * others, in lottery order, its slot beginning once the period is over; one whose period
 * ends before its slot keeps its turn. */
START_TEST(waiting_period_after)
{
	struct selection_session s;
	struct selection_pick p[5];
	struct queue_entry q[5];
	struct gzf_err err = { 0 };
	int64_t units[5];
	int i;

	open_db();
	for (i = 0; i < 5; i++)
		units[i] = new_unit("一室一厅", 38);
	session(5, units, 5, 1, &s, p, q);
	ok(selection_store_refusal_add(conn, &p[0], "declined", NOW - 1, NOW + 5 * MINUTE, &err), &err);
	ok(selection_store_refusal_add(conn, &p[2], "declined", NOW - 1, NOW + 10 * MINUTE, &err), &err);
	ok(selection_store_refusal_add(conn, &p[3], "declined", NOW - 1, NOW + 180 * MINUTE, &err), &err);
	open_session(&s, p, 5);
	ck_assert_int_eq(p[1].slot_starts_at, NOW);
	ck_assert_str_eq(p[1].state, "up");
	ck_assert_int_eq(p[2].slot_starts_at, NOW + 30 * MINUTE); /* its period over by then */
	ck_assert_int_eq(p[4].slot_starts_at, NOW + 60 * MINUTE);
	ck_assert_int_eq(p[0].slot_starts_at, NOW + 90 * MINUTE); /* after the others */
	ck_assert_int_eq(p[0].wait_until, NOW + 5 * MINUTE);
	ck_assert_int_eq(p[3].slot_starts_at, NOW + 180 * MINUTE); /* when its period ends */
	ck_assert_int_eq(p[3].slot_ends_at, NOW + 210 * MINUTE);
	for (i = 0; i < 5; i++)
		if (i != 1)
			ck_assert_str_eq(p[i].state, "waiting");
	ck_assert_int_eq(fire(&p[0], PICK_CHOOSE, FSM_OWNER, NOW + 1000, units[0], &err), GZF_ESTATE);
	ck_assert_str_eq(err.name, "not_your_turn");
	close_db();
}
END_TEST

static TCase *
db_tcase(const char *name, void (*setup)(void))
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, every_state_and_event);
	tcase_add_test(tc, every_session_state_and_event);
	tcase_add_test(tc, guards);
	tcase_add_test(tc, third_refusal_removes);
	tcase_add_test(tc, waiting_period_after);
	return tc;
}

Suite *
selection_suite(void)
{
	Suite *s = suite_create("selection");
	TCase *pure = tcase_create("pure");

	tcase_add_test(pure, rules_and_fit);
	suite_add_tcase(s, pure);
	suite_add_tcase(s, db_tcase("sqlite", use_sqlite));
	if (unit_pg_wanted(s))
		suite_add_tcase(s, db_tcase("pgsql", use_pg));
	return s;
}
