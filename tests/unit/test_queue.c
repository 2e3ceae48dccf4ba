/* test_queue.c — the waiting list: the rules and their check, the facts and groups read
 * from department evidence (never from what the household declares), the ordering, the
 * expected wait on known inputs, and the entry's state machine driven directly: every
 * state × event × party against an expectation written here by hand, with the history
 * rows and messages each allowed transition adds and nothing changed by a refused one;
 * then a priority household joining ahead and one ahead being housed. On SQLite and,
 * when a server is given, on PostgreSQL. */
#include <stdlib.h>
#include <string.h>

#include "domain/queue.h"
#include "domain/workflow.h"
#include "store/region_store.h"
#include "store/user_store.h"
#include "store/session_store.h"
#include "store/sms_code_store.h"
#include "store/throttle_store.h"
#include "unit.h"

#define CITY 230600
#define PATH "/100000/230000/230600/230602/230602001/230602001001/"
#define NOW 1780000000000LL /* 2026-05-28 */
#define DAY 86400000LL

static struct unit_db udb;
static int on_pg;

static void use_sqlite(void) { on_pg = 0; }
static void use_pg(void) { on_pg = 1; }

/* Evidence as the department check keeps it: civil affairs, disability, household register. */
static json_t *
evidence(int dibao, int tekun, int level, int since_year)
{
	return json_pack("[{s:s, s:s, s:[{s:s, s:b, s:{s:i, s:i}}]},"
			 " {s:s, s:s, s:[{s:s, s:b, s:{s:i}}]},"
			 " {s:s, s:s, s:[{s:s, s:b, s:{s:s, s:i}}]}]",
			 "source", "civil", "status", "ok", "persons", "id_number", "230602198001010126",
			 "found", 1, "facts", "dibao", dibao, "tekun", tekun,
			 "source", "disability", "status", "ok", "persons", "id_number",
			 "230602198001010126", "found", 1, "facts", "level", level,
			 "source", "hukou", "status", "ok", "persons", "id_number", "230602198001010126",
			 "found", 1, "facts", "registered_city", "230600", "since_year", since_year);
}

/* A household of an applicant born on birth who declares groups (ignored). */
static json_t *
household(const char *id, const char *declared)
{
	return json_pack("{s:s, s:{s:s, s:s, s:s, s:[s]}, s:[]}", "kind", "rental", "applicant",
			 "name", "王伟", "id_number", id, "relation", "self", "groups", declared,
			 "members");
}

START_TEST(rules_check)
{
	struct gzf_err e = { 0 };
	json_t *r = queue_rules_default(), *g;

	ck_assert_int_eq(queue_rules_check(r, &e), GZF_OK);
	/* A group no department can vouch for (优抚对象) is refused, naming why. */
	g = json_pack("{s:s, s:s, s:s}", "code", "youfu", "name", "优抚对象", "derive", "veteran");
	json_array_append_new(json_object_get(r, "groups"), g);
	ck_assert_int_eq(queue_rules_check(r, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "no_source");
	json_object_set_new(g, "derive", json_string("dibao"));
	json_object_set_new(g, "code", json_string("elderly"));
	ck_assert_int_eq(queue_rules_check(r, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "duplicate");
	json_object_set_new(g, "code", json_string("general"));
	ck_assert_int_eq(queue_rules_check(r, &e), GZF_EINVAL);
	json_array_remove(json_object_get(r, "groups"), 3);
	ck_assert_int_eq(queue_rules_check(r, &e), GZF_OK);
	/* Sizes ascend; areas and layouts are bounded. */
	json_object_set_new(json_array_get(json_object_get(r, "sizes"), 1), "max_persons", json_integer(2));
	ck_assert_int_eq(queue_rules_check(r, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "sizes.max_persons");
	json_decref(r);
	r = queue_rules_default();
	json_object_set_new(json_array_get(json_object_get(r, "sizes"), 0), "max_area_m2", json_integer(0));
	ck_assert_int_eq(queue_rules_check(r, &e), GZF_EINVAL);
	json_object_set_new(r, "points", json_string("income"));
	ck_assert_int_eq(queue_rules_check(r, &e), GZF_EINVAL);
	json_decref(r);
	ck_assert_int_eq(queue_rules_check(json_null(), &e), GZF_EINVAL);
}
END_TEST

START_TEST(groups_from_department_data)
{
	struct arena *ar = arena_create();
	json_t *rules = queue_rules_default(), *h, *ev;
	struct queue_facts f;
	const char *code, *name, *reason, *layouts;
	int rank, area;

	/* Declares "elderly" at 46 with no department record of anything: general. */
	h = household("230602198001010126", "elderly");
	ev = evidence(0, 0, 0, 2001);
	queue_facts_of(h, ev, NOW, &f);
	ck_assert_int_eq(f.oldest_age, 46);
	ck_assert_int_eq(f.residence_years, 25);
	ck_assert_int_eq(f.persons, 1);
	queue_classify(ar, rules, &f, &code, &rank, &name, &reason);
	ck_assert_str_eq(code, "general");
	ck_assert_int_eq(rank, 3);
	json_decref(ev);
	/* 低保 in the civil affairs record: the first group, whatever else holds. */
	ev = evidence(1, 0, 2, 2001);
	queue_facts_of(h, ev, NOW, &f);
	queue_classify(ar, rules, &f, &code, &rank, &name, &reason);
	ck_assert_str_eq(code, "dibao_tekun");
	ck_assert_int_eq(rank, 0);
	ck_assert_ptr_nonnull(strstr(reason, "民政"));
	json_decref(ev);
	/* Disability level 2 from the federation: the third group. */
	ev = evidence(0, 0, 2, 2001);
	queue_facts_of(h, ev, NOW, &f);
	queue_classify(ar, rules, &f, &code, &rank, &name, &reason);
	ck_assert_str_eq(code, "disabled");
	json_decref(ev);
	json_decref(h);
	/* 60 on the ID number (born 1966-05-01, read on 2026-05-28): elderly. */
	h = household("230602196605010125", "");
	queue_facts_of(h, NULL, NOW, &f);
	ck_assert_int_eq(f.oldest_age, 60);
	queue_classify(ar, rules, &f, &code, &rank, &name, &reason);
	ck_assert_str_eq(code, "elderly");
	json_decref(h);
	/* No evidence at all: general, saying so. */
	queue_facts_of(NULL, NULL, NOW, &f);
	queue_classify(ar, rules, &f, &code, &rank, &name, &reason);
	ck_assert_str_eq(code, "general");
	ck_assert_ptr_nonnull(strstr(reason, "没有部门"));
	/* Household size to layouts and area. */
	queue_fit(ar, rules, 1, &layouts, &area);
	ck_assert_str_eq(layouts, "[\"一室\",\"一室一厅\"]");
	ck_assert_int_eq(area, 4000);
	queue_fit(ar, rules, 3, &layouts, &area);
	ck_assert_int_eq(area, 6000);
	queue_fit(ar, rules, 30, &layouts, &area);
	ck_assert_int_eq(area, 8000);
	json_decref(rules);
	arena_destroy(ar);
}
END_TEST

START_TEST(ordering)
{
	/* id: rank, qualified, points, mask. Expected order: 3 (rank 0), then rank 1 by day
	 * (2 before 5 before 1: 1 qualified later; 5 and 2 the same day, 5 more points... */
	struct queue_row rows[] = {
		{ .id = 1, .application_id = 11, .rank = 1, .qualified_at = NOW + 2 * DAY, .points = 9, .mask = 1 },
		{ .id = 2, .application_id = 12, .rank = 1, .qualified_at = NOW, .points = 3, .mask = 2 },
		{ .id = 3, .application_id = 13, .rank = 0, .qualified_at = NOW + 9 * DAY, .points = 0, .mask = 1 },
		{ .id = 4, .application_id = 14, .rank = 2, .qualified_at = NOW - 99 * DAY, .points = 0, .mask = 3 },
		{ .id = 5, .application_id = 15, .rank = 1, .qualified_at = NOW + 3600000, .points = 7, .mask = 1 },
		{ .id = 6, .application_id = 10, .rank = 1, .qualified_at = NOW + 7200000, .points = 7, .mask = 2 },
	};
	/* ...and 6 before 5: same day and points, the lower application number). */
	static const int64_t order[] = { 3, 6, 5, 2, 1, 4 };
	static const int group_pos[] = { 1, 1, 2, 3, 4, 1 };
	static const int ahead[] = { 0, 0, 1, 1, 2, 5 };
	int i;

	queue_order(rows, 6);
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(rows[i].id, order[i]);
		ck_assert_int_eq(rows[i].position, i + 1);
		ck_assert_int_eq(rows[i].group_position, group_pos[i]);
		ck_assert_int_eq(rows[i].ahead, ahead[i]);
	}
	queue_order(rows, 0);
}
END_TEST

START_TEST(estimate)
{
	struct queue_estimate est;

	/* 9 ahead, nothing vacant, 12 units a year: the 10th unit, Gamma(10, 1/month). */
	queue_estimate_compute(1, 9, 0, 12, 0, &est);
	ck_assert_str_eq(est.status, "months");
	ck_assert_int_eq(est.needed, 10);
	ck_assert_int_eq(est.p50, 10); /* exact median 9.67 months */
	ck_assert_int_eq(est.p90, 15); /* exact 90% 14.21 months */
	/* 3 vacant serve the first 3: the 7th unit to come. */
	queue_estimate_compute(1, 9, 3, 12, 0, &est);
	ck_assert_int_eq(est.p50, 7);
	/* Enough vacant: the next round. */
	queue_estimate_compute(1, 2, 3, 0, 0, &est);
	ck_assert_str_eq(est.status, "next_round");
	/* No history of turnover: unknown, not a guess. */
	queue_estimate_compute(1, 2, 0, 0, 0, &est);
	ck_assert_str_eq(est.status, "unknown");
	queue_estimate_compute(0, 2, 0, 5, 0, &est);
	ck_assert_str_eq(est.status, "not_applicable");
}
END_TEST

/* The state machine, on a database. */

static struct db *db;
static struct arena *ar;
static struct db_conn *conn;
static int64_t owner;
static int serial;

static void
ok(int rc, const struct gzf_err *e)
{
	ck_assert_msg(rc == GZF_OK, "%d %s: %s", rc, e->name, e->message);
}

static void
open_db(void)
{
	struct gzf_err e;
	struct user u = { .kind = "resident", .city_id = CITY, .phone_hash = "p1",
			  .password_hash = "x", .created_at = NOW, .updated_at = NOW };
	static const struct region regions[] = {
		{ .code = 100000, .level = "nation", .name = "中国" },
		{ .code = 230000, .parent_code = 100000, .level = "province", .name = "黑龙江省" },
		{ .code = CITY, .parent_code = 230000, .level = "city", .name = "大庆市", .city_id = CITY },
	};
	size_t i;

	db = unit_db_fresh(&udb, on_pg, 1);
	ar = arena_create();
	ck_assert_int_eq(db_acquire(db, ar, &conn, &e), GZF_OK);
	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		ok(region_store_put(conn, &regions[i], &e), &e);
	ok(user_store_create(conn, &u, &owner, &e), &e);
}

static void
close_db(void)
{
	db_release(conn);
	arena_destroy(ar);
	unit_db_done(&udb, db);
}

/* A qualified application of persons, on the list with facts f at now. */
static void
joined(const struct queue_facts *f, int64_t now, struct queue_entry *e)
{
	struct gzf_err err;
	struct application a = { .city_id = CITY, .owner_id = owner, .region_code = 230602001001,
				 .region_path = PATH, .kind = "rental", .status = "qualified",
				 .step = "", .household_enc = "-", .persons = 1, .created_at = NOW,
				 .updated_at = NOW };
	struct queue_input in = { .party = FSM_SYSTEM, .now = now, .app = &a, .facts = f };

	a.applicant_id_hash = arena_printf(ar, "H-%d", ++serial);
	ok(application_store_create(conn, &a, &a.id, &err), &err);
	*e = (struct queue_entry){ 0 };
	ok(db_begin(conn, &err), &err);
	ok(queue_fire(conn, e, QUEUE_JOIN, &in, &err), &err);
	ok(db_commit(conn, &err), &err);
}

/* What the test expects of each allowed (state, event): who fires it, where it leads,
 * the history rows and messages it adds. */
struct expect {
	int from, event;
	unsigned who;
	int to;
	int history, messages;
};

static const struct expect flow[] = {
	{ QUEUE_NONE, QUEUE_JOIN, FSM_SYSTEM, QUEUE_WAITING, 1, 0 },
	{ QUEUE_WAITING, QUEUE_RECHECK, FSM_DECIDER | FSM_SYSTEM, QUEUE_WAITING, 1, 0 },
	{ QUEUE_SUSPENDED, QUEUE_RECHECK, FSM_DECIDER | FSM_SYSTEM, QUEUE_SUSPENDED, 1, 0 },
	{ QUEUE_WAITING, QUEUE_SUSPEND, FSM_DECIDER, QUEUE_SUSPENDED, 1, 1 },
	{ QUEUE_SUSPENDED, QUEUE_RESUME, FSM_DECIDER, QUEUE_WAITING, 1, 1 },
	{ QUEUE_WAITING, QUEUE_HOUSE, FSM_DECIDER | FSM_SYSTEM, QUEUE_HOUSED, 1, 1 },
	{ QUEUE_WAITING, QUEUE_REMOVE, FSM_OWNER | FSM_DECIDER | FSM_SYSTEM, QUEUE_REMOVED, 1, 1 },
	{ QUEUE_SUSPENDED, QUEUE_REMOVE, FSM_OWNER | FSM_DECIDER | FSM_SYSTEM, QUEUE_REMOVED, 1, 1 },
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

/* [history rows of e, messages of its owner, version] */
static void
counts(int64_t id, int64_t out[3])
{
	struct gzf_err e;
	struct db_res *r;

	ok(db_query(conn, "SELECT count(*) FROM queue_history WHERE entry_id = $1",
		    DB_ARGS(DB_I(id)), &r, &e), &e);
	out[0] = db_res_int(r, 0, 0);
	ok(db_query(conn, "SELECT count(*) FROM messages WHERE user_id = $1", DB_ARGS(DB_I(owner)), &r, &e), &e);
	out[1] = db_res_int(r, 0, 0);
	ok(db_query(conn, "SELECT COALESCE(max(version), 0) FROM queue_entries WHERE id = $1",
		    DB_ARGS(DB_I(id)), &r, &e), &e);
	out[2] = db_res_int(r, 0, 0);
}

static struct queue_input
input(unsigned party, const struct queue_facts *f)
{
	return (struct queue_input){ .party = party, .actor_id = 9, .now = NOW + 1000,
				     .reason = "理由写明", .facts = f };
}

/* An entry in state (none: not stored). */
static void
make(int state, const struct queue_facts *f, struct queue_entry *e)
{
	struct gzf_err err;
	struct queue_input in = input(FSM_DECIDER, f);

	if (state == QUEUE_NONE) {
		*e = (struct queue_entry){ 0 };
		return;
	}
	joined(f, NOW, e);
	ok(db_begin(conn, &err), &err);
	if (state == QUEUE_SUSPENDED)
		ok(queue_fire(conn, e, QUEUE_SUSPEND, &in, &err), &err);
	if (state == QUEUE_HOUSED)
		ok(queue_fire(conn, e, QUEUE_HOUSE, &in, &err), &err);
	if (state == QUEUE_REMOVED)
		ok(queue_fire(conn, e, QUEUE_REMOVE, &in, &err), &err);
	ok(db_commit(conn, &err), &err);
	ck_assert_int_eq(queue_state_of(e), state);
}

static void
fire_one(int state, int event, unsigned party)
{
	const struct expect *x = expected(state, event);
	struct queue_facts f = { .persons = 1 };
	struct queue_entry e;
	struct queue_input in = input(party, &f);
	struct gzf_err err = { 0 };
	int64_t before[3], after[3];
	int rc, want = x == NULL ? GZF_ESTATE : (x->who & party) ? GZF_OK : GZF_EFORBIDDEN;

	make(state, &f, &e);
	if (state == QUEUE_NONE && event != QUEUE_JOIN)
		e.id = 0;
	counts(e.id, before);
	ok(db_begin(conn, &err), &err);
	if (event == QUEUE_JOIN && state != QUEUE_NONE) {
		rc = queue_fire(conn, &e, (enum queue_event)event, &in, &err);
	} else if (event == QUEUE_JOIN) {
		/* joining needs an application: go through joined() when allowed */
		db_rollback(conn);
		if (want == GZF_OK) {
			joined(&f, NOW, &e);
			counts(e.id, after);
			ck_assert_int_eq(after[0], 1);
			ck_assert_int_eq(queue_state_of(&e), QUEUE_WAITING);
			ck_assert_int_gt(e.position, 0);
			return;
		}
		ok(db_begin(conn, &err), &err);
		rc = queue_fire(conn, &e, (enum queue_event)event, &in, &err);
	} else {
		rc = queue_fire(conn, &e, (enum queue_event)event, &in, &err);
	}
	if (rc == GZF_OK)
		ok(db_commit(conn, &err), &err);
	else
		db_rollback(conn);
	ck_assert_msg(rc == want, "%s + %s by %u: got %d (%s), want %d", queue_fsm.states[state],
		      queue_fsm.events[event], party, rc, err.name, want);
	counts(e.id, after);
	if (rc != GZF_OK) {
		ck_assert_str_eq(err.name, x == NULL ? "illegal_transition" : "forbidden");
		ck_assert_mem_eq(before, after, sizeof(before));
		return;
	}
	ok(queue_store_get(conn, e.id, &e, &err), &err);
	ck_assert_int_eq(queue_state_of(&e), x->to);
	ck_assert_int_eq(after[0] - before[0], x->history);
	ck_assert_int_eq(after[1] - before[1], x->messages);
	ck_assert_int_eq(after[2], before[2] + 1);
	ck_assert_int_eq(e.position > 0, x->to == QUEUE_WAITING);
}

START_TEST(every_state_and_event)
{
	size_t p;
	int s, ev;

	open_db();
	for (s = 0; s < QUEUE_NSTATES; s++)
		for (ev = 0; ev < QUEUE_NEVENTS; ev++)
			for (p = 0; p < sizeof(parties) / sizeof(parties[0]); p++)
				fire_one(s, ev, parties[p]);
	/* The table has no row this test does not expect, and the other way round. */
	for (s = 0; s < queue_fsm.n; s++)
		ck_assert_ptr_nonnull(expected(queue_fsm.table[s].from, queue_fsm.table[s].event));
	ck_assert_int_eq(queue_fsm.n, (int)(sizeof(flow) / sizeof(flow[0])));
	close_db();
}
END_TEST

/* The newest history row of e: cause, from, to. */
static void
last_change(int64_t id, const char *cause, int from, int to)
{
	struct queue_change *h;
	struct gzf_err e;
	int n;

	ok(queue_store_changes(conn, id, 1, &h, &n, &e), &e);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(h[0].cause, cause);
	ck_assert_int_eq(h[0].position_from, from);
	ck_assert_int_eq(h[0].position_to, to);
}

START_TEST(priority_joins_ahead)
{
	struct queue_facts plain = { .persons = 1, .civil_known = 1 },
			   poor = { .persons = 1, .civil_known = 1, .dibao = 1 };
	struct queue_entry a, b, p;
	struct queue_input in = input(FSM_DECIDER, &plain);
	struct gzf_err e;

	open_db();
	joined(&plain, NOW, &a);
	joined(&plain, NOW + DAY, &b);
	ck_assert_int_eq(b.position, 2);
	last_change(b.id, "joined", 0, 2);
	/* A 低保 household joins later, ahead of both: each moves down, saying why. */
	joined(&poor, NOW + 2 * DAY, &p);
	ck_assert_int_eq(p.position, 1);
	ck_assert_str_eq(p.group_code, "dibao_tekun");
	last_change(a.id, "priority_joined_ahead", 1, 2);
	last_change(b.id, "priority_joined_ahead", 2, 3);
	ok(queue_store_get(conn, b.id, &b, &e), &e);
	ck_assert_int_eq(b.group_position, 2);
	ck_assert_int_eq(b.ahead_competing, 2);
	/* It is housed: the others move up. */
	ok(db_begin(conn, &e), &e);
	ok(queue_fire(conn, &p, QUEUE_HOUSE, &in, &e), &e);
	ok(db_commit(conn, &e), &e);
	last_change(a.id, "ahead_housed", 2, 1);
	last_change(b.id, "ahead_housed", 3, 2);
	/* A recheck finds b now 特困: it moves to the first group, the top. */
	poor.dibao = 0;
	poor.tekun = 1;
	in.facts = &poor;
	ok(db_begin(conn, &e), &e);
	ok(queue_fire(conn, &b, QUEUE_RECHECK, &in, &e), &e);
	ok(db_commit(conn, &e), &e);
	ck_assert_int_eq(b.position, 1);
	last_change(b.id, "recheck", 2, 1);
	last_change(a.id, "ahead_changed", 1, 2);
	/* The same application cannot join twice. */
	{
		struct application app;
		struct queue_entry again = { 0 };
		struct queue_input j = { .party = FSM_SYSTEM, .now = NOW, .app = &app, .facts = &plain };

		ok(application_store_get(conn, a.application_id, &app, &e), &e);
		ok(db_begin(conn, &e), &e);
		ck_assert_int_eq(queue_fire(conn, &again, QUEUE_JOIN, &j, &e), GZF_ECONFLICT);
		ck_assert_str_eq(e.name, "already_on_list");
		db_rollback(conn);
	}
	close_db();
}
END_TEST

/* The household's page reads its list's counts with its entry (the last positions, equal
 * to a count) and the city's rules kept for a short while, forgotten when they change. */
START_TEST(page_reads)
{
	struct queue_facts plain = { .persons = 1, .civil_known = 1 },
			   poor = { .persons = 1, .civil_known = 1, .dibao = 1 };
	struct queue_entry a, b, p, mine;
	struct queue_input in = input(FSM_DECIDER, &plain);
	struct gzf_err e;
	json_t *r1, *r2, *r3, *changed;
	char *text;
	int total, in_group;

	open_db();
	joined(&plain, NOW, &a);
	joined(&plain, NOW + DAY, &b);
	joined(&poor, NOW + 2 * DAY, &p);
	ok(queue_store_by_owner(conn, owner, &mine, &total, &in_group, &e), &e);
	ck_assert_int_eq(mine.id, p.id); /* the newest */
	ck_assert_int_eq(total, 3);
	ck_assert_int_eq(in_group, 1);
	ok(db_begin(conn, &e), &e);
	ok(queue_fire(conn, &p, QUEUE_HOUSE, &in, &e), &e);
	ok(db_commit(conn, &e), &e);
	ok(queue_store_by_owner(conn, owner, &mine, &total, &in_group, &e), &e);
	ck_assert_int_eq(total, 2);
	ck_assert_int_eq(in_group, 0);

	queue_shared_forget(CITY);
	ok(queue_rules_shared(conn, CITY, NOW, &r1, &e), &e);
	changed = json_deep_copy(r1);
	json_object_set_new(changed, "note", json_string("changed"));
	text = json_dumps(changed, JSON_COMPACT);
	ok(queue_store_rules_put(conn, CITY, text, 0, NOW, &e), &e);
	/* Kept: the same rules a moment later, even though the table changed. */
	ok(queue_rules_shared(conn, CITY, NOW + QUEUE_SHARED_MS - 1, &r2, &e), &e);
	ck_assert_ptr_eq(r1, r2);
	ck_assert_ptr_null(json_object_get(r2, "note"));
	json_decref(r2);
	/* Read again once kept long enough. */
	ok(queue_rules_shared(conn, CITY, NOW + QUEUE_SHARED_MS, &r2, &e), &e);
	ck_assert_str_eq(json_string_value(json_object_get(r2, "note")), "changed");
	/* Forgotten at once when the rules change (queue_rules_apply). */
	json_object_set_new(changed, "note", json_string("again"));
	free(text);
	text = json_dumps(changed, JSON_COMPACT);
	ok(queue_store_rules_put(conn, CITY, text, 0, NOW, &e), &e);
	ok(db_begin(conn, &e), &e);
	ok(queue_rules_apply(conn, CITY, changed, NOW + QUEUE_SHARED_MS + 1, &e), &e);
	ok(db_commit(conn, &e), &e);
	ok(queue_rules_shared(conn, CITY, NOW + QUEUE_SHARED_MS + 2, &r3, &e), &e);
	ck_assert_str_eq(json_string_value(json_object_get(r3, "note")), "again");
	json_decref(r1);
	json_decref(r2);
	json_decref(r3);
	json_decref(changed);
	free(text);
	queue_shared_forget(CITY);
	close_db();
}
END_TEST

static TCase *
db_tcase(const char *name, void (*setup)(void))
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, every_state_and_event);
	tcase_add_test(tc, priority_joins_ahead);
	tcase_add_test(tc, page_reads);
	return tc;
}

Suite *
queue_suite(void)
{
	Suite *s = suite_create("queue");
	TCase *pure = tcase_create("pure");

	tcase_add_test(pure, rules_check);
	tcase_add_test(pure, groups_from_department_data);
	tcase_add_test(pure, ordering);
	tcase_add_test(pure, estimate);
	suite_add_tcase(s, pure);
	suite_add_tcase(s, db_tcase("sqlite", use_sqlite));
	if (unit_pg_wanted(s))
		suite_add_tcase(s, db_tcase("pgsql", use_pg));
	return s;
}
