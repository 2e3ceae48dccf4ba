/* test_allocation.c — the allocation round's state machine driven directly: every state ×
 * event × party against an expectation written here by hand, with the commitments and
 * messages each allowed transition adds, and nothing changed by a refused one; a drawn
 * round's proof verifies. Then the guards one by one: less than 24 hours' notice, digits
 * or a draw before the committed time, a second set of digits, a re-freeze after the
 * digits, a direct match approved by its author, objections outside the publicity period,
 * a finalize while an objection is open. On SQLite and, when a server is given,
 * on PostgreSQL. */
#include <string.h>

#include "domain/allocation.h"
#include "domain/queue.h"
#include "store/region_store.h"
#include "store/user_store.h"
#include "unit.h"

#define CITY 230600
#define PATH "/100000/230000/230600/230602/230602001/230602001001/"
#define NOW 1780000000000LL /* 2026-05-28 */
#define HOUR 3600000LL
#define DAY (24 * HOUR)
#define LATER (NOW + 10 * DAY) /* when the event under test is fired */

static struct unit_db udb;
static int on_pg;
static struct db *db;
static struct arena *ar;
static struct db_conn *conn;
static int64_t owner, estate, building, queue_ids[3];
static int serial;

static void use_sqlite(void) { on_pg = 0; }
static void use_pg(void) { on_pg = 1; }

static void
ok(int rc, const struct gzf_err *e)
{
	ck_assert_msg(rc == GZF_OK, "%d %s: %s", rc, e->name, e->message);
}

static int64_t
insert_id(const char *sql, const struct db_val *args, int n)
{
	struct gzf_err e;
	struct db_res *r;

	ok(db_query(conn, sql, args, n, &r, &e), &e);
	return db_res_int(r, 0, 0);
}

/* A listed one-room unit of the test estate, of its own (a unit is in one open round). */
static int64_t
unit(void)
{
	return insert_id("INSERT INTO units (city_id, estate_id, building_id, district_code, region_path,"
			 " unit_no, layout, floor_area_dm2, usable_area_dm2, floor, rent_fen, status,"
			 " published, published_at, listed, created_at, updated_at)"
			 " VALUES ($1, $2, $3, 230602, $4, $5, '一室', 3800, 3200, 1, 40000, 'vacant', 1, $6, 1, $6, $6)"
			 " RETURNING id",
			 DB_ARGS(DB_I(CITY), DB_I(estate), DB_I(building), DB_T(PATH),
				 DB_T(arena_printf(ar, "U%d", ++serial)), DB_I(NOW)));
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
	struct queue_facts f = { .persons = 1 };
	size_t i;

	db = unit_db_fresh(&udb, on_pg, 1);
	ar = arena_create();
	ck_assert_int_eq(db_acquire(db, ar, &conn, &e), GZF_OK);
	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		ok(region_store_put(conn, &regions[i], &e), &e);
	ok(user_store_create(conn, &u, &owner, &e), &e);
	estate = insert_id("INSERT INTO estates (city_id, region_code, region_path, name, created_at, updated_at)"
			   " VALUES ($1, $1, $2, '测试小区', $3, $3) RETURNING id",
			   DB_ARGS(DB_I(CITY), DB_T("/100000/230000/230600/"), DB_I(NOW)));
	building = insert_id("INSERT INTO buildings (city_id, estate_id, name, created_at)"
			     " VALUES ($1, $2, '1号楼', $3) RETURNING id", DB_ARGS(DB_I(CITY), DB_I(estate), DB_I(NOW)));
	/* Three one-person households waiting, the owner's the first. */
	for (i = 0; i < 3; i++) {
		struct application a = { .city_id = CITY, .owner_id = i == 0 ? owner : 0,
					 .region_code = 230602001001, .region_path = PATH, .kind = "rental",
					 .status = "qualified", .step = "", .household_enc = "-", .persons = 1,
					 .created_at = NOW, .updated_at = NOW };
		struct queue_input in = { .party = FSM_SYSTEM, .now = NOW - DAY + (int64_t)i, .app = &a, .facts = &f };
		struct queue_entry q = { 0 };

		a.applicant_id_hash = arena_printf(ar, "H-%zu", i);
		ok(application_store_create(conn, &a, &a.id, &e), &e);
		ok(db_begin(conn, &e), &e);
		ok(queue_fire(conn, &q, QUEUE_JOIN, &in, &e), &e);
		ok(db_commit(conn, &e), &e);
		queue_ids[i] = q.id;
	}
}

static void
close_db(void)
{
	db_release(conn);
	arena_destroy(ar);
	unit_db_done(&udb, db);
}

/* What the test expects of each allowed (state, event): who fires it, where it leads,
 * the commitments it adds, whether it writes the households' messages. */
struct expect {
	int from, event;
	unsigned who;
	int to;
	int commitments, messages;
};

static const struct expect flow[] = {
	{ ALLOC_NONE, ALLOC_CREATE, FSM_DECIDER, ALLOC_DRAFT, 0, 0 },
	{ ALLOC_DRAFT, ALLOC_EDIT, FSM_DECIDER, ALLOC_DRAFT, 0, 0 },
	{ ALLOC_DRAFT, ALLOC_FREEZE, FSM_DECIDER, ALLOC_FROZEN, 1, 0 },
	{ ALLOC_FROZEN, ALLOC_REFREEZE, FSM_DECIDER, ALLOC_FROZEN, 1, 0 },
	{ ALLOC_FROZEN, ALLOC_DIGITS, FSM_WITNESS, ALLOC_FROZEN, 0, 0 },
	{ ALLOC_FROZEN, ALLOC_DRAW, FSM_DECIDER, ALLOC_DRAWN, 0, 0 },
	{ ALLOC_DRAFT, ALLOC_APPROVE, FSM_DECIDER, ALLOC_DRAWN, 0, 0 },
	{ ALLOC_DRAWN, ALLOC_PUBLISH, FSM_DECIDER, ALLOC_PUBLICITY, 0, 1 },
	{ ALLOC_PUBLICITY, ALLOC_OBJECT, FSM_ANYONE, ALLOC_PUBLICITY, 0, 0 },
	{ ALLOC_PUBLICITY, ALLOC_RESOLVE, FSM_DECIDER, ALLOC_PUBLICITY, 0, 0 },
	{ ALLOC_PUBLICITY, ALLOC_FINALIZE, FSM_DECIDER, ALLOC_FINAL, 0, 0 },
	{ ALLOC_DRAFT, ALLOC_CANCEL, FSM_DECIDER, ALLOC_CANCELLED, 0, 0 },
	{ ALLOC_FROZEN, ALLOC_CANCEL, FSM_DECIDER, ALLOC_CANCELLED, 0, 0 },
	{ ALLOC_DRAWN, ALLOC_CANCEL, FSM_DECIDER, ALLOC_CANCELLED, 0, 0 },
	{ ALLOC_PUBLICITY, ALLOC_CANCEL, FSM_DECIDER, ALLOC_CANCELLED, 0, 1 },
};

static const unsigned parties[] = { FSM_OWNER, FSM_DECIDER, FSM_SYSTEM, FSM_ANYONE, FSM_WITNESS };

static const struct expect *
expected(int state, int event)
{
	size_t i;

	for (i = 0; i < sizeof(flow) / sizeof(flow[0]); i++)
		if (flow[i].from == state && flow[i].event == event)
			return &flow[i];
	return NULL;
}

/* The set-up of a round of method over a fresh unit (held by the caller's json). */
static struct allocation_setup
setup(const char *method, json_t **keep)
{
	json_t *criteria = strcmp(method, "direct") == 0
		? json_pack("{s:I}", "queue_entry_id", (json_int_t)queue_ids[0])
		: json_pack("{s:i}", "position_from", 1);
	json_t *units = json_pack("[{s:I}]", "unit_id", (json_int_t)unit());

	*keep = json_pack("[o, o]", criteria, units);
	return (struct allocation_setup){ .name = "测试轮次", .method = method, .criteria = criteria,
					  .units = units, .reason = "定向理由" };
}

/* [round version, commitments, drawn entries, messages of the owner] */
static void
counts(int64_t id, int64_t out[4])
{
	struct gzf_err e;
	struct db_res *r;

	ok(db_query(conn, "SELECT COALESCE(max(version), 0) FROM allocation_rounds WHERE id = $1",
		    DB_ARGS(DB_I(id)), &r, &e), &e);
	out[0] = db_res_int(r, 0, 0);
	ok(db_query(conn, "SELECT count(*) FROM allocation_commitments WHERE round_id = $1",
		    DB_ARGS(DB_I(id)), &r, &e), &e);
	out[1] = db_res_int(r, 0, 0);
	ok(db_query(conn, "SELECT count(*) FROM allocation_round_entries WHERE round_id = $1 AND lottery_rank > 0",
		    DB_ARGS(DB_I(id)), &r, &e), &e);
	out[2] = db_res_int(r, 0, 0);
	ok(db_query(conn, "SELECT count(*) FROM messages WHERE user_id = $1", DB_ARGS(DB_I(owner)), &r, &e), &e);
	out[3] = db_res_int(r, 0, 0);
}

/* Fire event on r as the staff member 1 (or the notary 3) at now, committing. */
static void
step(struct allocation_round *r, int event, unsigned party, int64_t now, struct allocation_input *in)
{
	struct gzf_err e;

	in->party = party;
	in->actor_id = party == FSM_WITNESS ? 3 : 1;
	in->now = now;
	ok(db_begin(conn, &e), &e);
	ok(allocation_fire(conn, r, (enum allocation_event)event, in, &e), &e);
	ok(db_commit(conn, &e), &e);
}

/* A round of method in state (none: not stored): created, frozen on NOW for NOW + 25 h,
 * with digits when digits, drawn, published for a day, final or cancelled. */
static void
make(int state, const char *method, int digits, struct allocation_round *r)
{
	struct allocation_input in = { 0 };
	struct allocation_setup s;
	json_t *keep;

	*r = (struct allocation_round){ 0 };
	if (state == ALLOC_NONE)
		return;
	s = setup(method, &keep);
	in = (struct allocation_input){ .setup = &s, .city_id = CITY };
	step(r, ALLOC_CREATE, FSM_DECIDER, NOW, &in);
	json_decref(keep);
	if (state == ALLOC_DRAFT)
		return;
	if (state == ALLOC_CANCELLED) {
		in = (struct allocation_input){ .reason = "取消" };
		step(r, ALLOC_CANCEL, FSM_DECIDER, NOW, &in);
		return;
	}
	in = (struct allocation_input){ .draw_at = NOW + 25 * HOUR, .digit_count = 4 };
	step(r, ALLOC_FREEZE, FSM_DECIDER, NOW, &in);
	if (digits || state > ALLOC_FROZEN) {
		in = (struct allocation_input){ .digits = "0042" };
		step(r, ALLOC_DIGITS, FSM_WITNESS, NOW + 26 * HOUR, &in);
	}
	if (state == ALLOC_FROZEN)
		return;
	in = (struct allocation_input){ 0 };
	step(r, ALLOC_DRAW, FSM_DECIDER, NOW + 26 * HOUR, &in);
	if (state == ALLOC_DRAWN)
		return;
	in = (struct allocation_input){ .publicity_days = 1 };
	step(r, ALLOC_PUBLISH, FSM_DECIDER, NOW + 27 * HOUR, &in);
	if (state == ALLOC_PUBLICITY)
		return;
	in = (struct allocation_input){ 0 };
	step(r, ALLOC_FINALIZE, FSM_DECIDER, NOW + 3 * DAY, &in);
	ck_assert_int_eq(allocation_state_of(r), state);
}

static void
fire_one(int state, int event, unsigned party)
{
	const struct expect *x = expected(state, event);
	struct allocation_round r;
	struct allocation_setup s;
	struct allocation_input in;
	struct gzf_err err = { 0 };
	json_t *keep = NULL;
	int64_t before[4], after[4];
	int rc, want = x == NULL ? GZF_ESTATE : (x->who & party) ? GZF_OK : GZF_EFORBIDDEN;
	/* Objections and their resolution come inside the day of publicity. */
	int64_t now = event == ALLOC_OBJECT || event == ALLOC_RESOLVE ? NOW + 28 * HOUR : LATER;

	make(state, event == ALLOC_APPROVE && state <= ALLOC_DRAFT ? "direct" : "lottery",
	     event == ALLOC_DRAW, &r);
	s = setup(event == ALLOC_APPROVE ? "direct" : "lottery", &keep);
	in = (struct allocation_input){ .party = FSM_ANYONE, .objection = "名单有误请核查" };
	if (event == ALLOC_RESOLVE && state == ALLOC_PUBLICITY)
		step(&r, ALLOC_OBJECT, FSM_ANYONE, NOW + 28 * HOUR, &in);
	in = (struct allocation_input){ .party = party, .actor_id = 2, .now = now, .setup = &s,
					.city_id = CITY, .draw_at = LATER + 25 * HOUR, .digit_count = 4,
					.digits = "1234", .publicity_days = 2, .reason = "理由写明",
					.objection = "名单有误请核查", .objection_id = in.objection_id,
					.resolution = "rejected" };
	counts(r.id, before);
	ok(db_begin(conn, &err), &err);
	rc = allocation_fire(conn, &r, (enum allocation_event)event, &in, &err);
	if (rc == GZF_OK)
		ok(db_commit(conn, &err), &err);
	else
		db_rollback(conn);
	json_decref(keep);
	ck_assert_msg(rc == want, "%s + %s by %u: got %d (%s: %s), want %d", allocation_fsm.states[state],
		      allocation_fsm.events[event], party, rc, err.name, err.message, want);
	counts(r.id, after);
	if (rc != GZF_OK) {
		ck_assert_str_eq(err.name, x == NULL ? "illegal_transition" : "forbidden");
		ck_assert_mem_eq(before, after, sizeof(before));
		return;
	}
	ok(allocation_store_get_round(conn, r.id, &r, &err), &err);
	ck_assert_int_eq(allocation_state_of(&r), x->to);
	ck_assert_int_eq(after[0], state == ALLOC_NONE ? 1 : before[0] + 1);
	ck_assert_int_eq(after[1] - before[1], x->commitments);
	ck_assert_int_eq(after[3] > before[3], x->messages);
	if (event == ALLOC_DRAW) {
		json_t *proof = json_loads(r.proof, 0, NULL);

		ck_assert_int_eq(after[2], 3);
		ok(lottery_proof_verify(proof, &err), &err);
		json_decref(proof);
	}
}

START_TEST(every_state_and_event)
{
	size_t p;
	int s, ev;

	open_db();
	for (s = 0; s < ALLOC_NSTATES; s++)
		for (ev = 0; ev < ALLOC_NEVENTS; ev++)
			for (p = 0; p < sizeof(parties) / sizeof(parties[0]); p++)
				fire_one(s, ev, parties[p]);
	/* The table has no row this test does not expect, and the other way round. */
	for (s = 0; s < allocation_fsm.n; s++)
		ck_assert_ptr_nonnull(expected(allocation_fsm.table[s].from, allocation_fsm.table[s].event));
	ck_assert_int_eq(allocation_fsm.n, (int)(sizeof(flow) / sizeof(flow[0])));
	close_db();
}
END_TEST

/* event on r as party (actor) at now with in's other members: the error's name, "" for
 * none; a refusal is rolled back. */
static const char *
attempt(struct allocation_round *r, int event, unsigned party, int64_t actor, int64_t now,
	struct allocation_input in)
{
	static struct gzf_err err;
	int rc;

	in.party = party;
	in.actor_id = actor;
	in.now = now;
	gzf_err_clear(&err);
	ok(db_begin(conn, &err), &err);
	rc = allocation_fire(conn, r, (enum allocation_event)event, &in, &err);
	if (rc == GZF_OK)
		ok(db_commit(conn, &err), &err);
	else
		db_rollback(conn);
	return rc == GZF_OK ? "" : err.name;
}

START_TEST(guards)
{
	struct allocation_round r, d;
	struct allocation_setup s;
	struct allocation_input terms = { .draw_at = NOW + 24 * HOUR - 1000, .digit_count = 4 }, obj;
	struct allocation_objection *ob;
	struct gzf_err err;
	int nob;
	json_t *keep;

	open_db();
	make(ALLOC_DRAFT, "lottery", 0, &r);
	/* 24 hours less a second of notice: refused; exactly 24 hours: taken. */
	ck_assert_str_eq(attempt(&r, ALLOC_FREEZE, FSM_DECIDER, 1, NOW, terms), "lottery_notice");
	ok(allocation_store_get_round(conn, r.id, &r, &err), &err);
	ck_assert_str_eq(r.state, "draft");
	terms.draw_at = NOW + 24 * HOUR;
	ck_assert_str_eq(attempt(&r, ALLOC_FREEZE, FSM_DECIDER, 1, NOW, terms), "");
	/* Before the committed time: no digits, no draw. */
	ck_assert_str_eq(attempt(&r, ALLOC_DIGITS, FSM_WITNESS, 3, NOW + 24 * HOUR - 1000,
				 (struct allocation_input){ .digits = "1234" }), "digits_too_early");
	ck_assert_str_eq(attempt(&r, ALLOC_DRAW, FSM_DECIDER, 1, NOW + 24 * HOUR - 1000,
				 (struct allocation_input){ 0 }), "draw_too_early");
	ck_assert_str_eq(attempt(&r, ALLOC_DRAW, FSM_DECIDER, 1, NOW + 24 * HOUR,
				 (struct allocation_input){ 0 }), "digits_missing");
	ck_assert_str_eq(attempt(&r, ALLOC_DIGITS, FSM_WITNESS, 3, NOW + 24 * HOUR,
				 (struct allocation_input){ .digits = "12345" }), "randomness_mismatch");
	ck_assert_str_eq(attempt(&r, ALLOC_DIGITS, FSM_WITNESS, 3, NOW + 24 * HOUR,
				 (struct allocation_input){ .digits = "1234" }), "");
	ck_assert_str_eq(attempt(&r, ALLOC_DIGITS, FSM_WITNESS, 3, NOW + 24 * HOUR,
				 (struct allocation_input){ .digits = "9999" }), "digits_entered");
	terms = (struct allocation_input){ .draw_at = NOW + 50 * HOUR, .digit_count = 4, .reason = "改期" };
	ck_assert_str_eq(attempt(&r, ALLOC_REFREEZE, FSM_DECIDER, 1, NOW + 24 * HOUR, terms), "digits_entered");
	ck_assert_str_eq(attempt(&r, ALLOC_DRAW, FSM_DECIDER, 1, NOW + 24 * HOUR, (struct allocation_input){ 0 }), "");
	ck_assert_str_eq(attempt(&r, ALLOC_DRAW, FSM_DECIDER, 1, NOW + 25 * HOUR, (struct allocation_input){ 0 }),
			 "illegal_transition");
	ck_assert_str_eq(attempt(&r, ALLOC_PUBLISH, FSM_DECIDER, 1, NOW + 25 * HOUR,
				 (struct allocation_input){ .publicity_days = 3 }), "");
	ck_assert_str_eq(attempt(&r, ALLOC_FINALIZE, FSM_DECIDER, 1, NOW + 25 * HOUR + 3 * DAY - 1,
				 (struct allocation_input){ 0 }), "publicity_not_over");
	/* Objections: a few words at least, an entry of the round, within the period; the
	 * results become final only once every objection is resolved. */
	obj = (struct allocation_input){ .objection = "不对" };
	ck_assert_str_eq(attempt(&r, ALLOC_OBJECT, FSM_ANYONE, 0, NOW + 26 * HOUR, obj), "invalid_value");
	obj = (struct allocation_input){ .objection = "第二名的家庭人数不对", .application_id = 999999 };
	ck_assert_str_eq(attempt(&r, ALLOC_OBJECT, FSM_ANYONE, 0, NOW + 26 * HOUR, obj), "entry_not_found");
	obj.application_id = 0;
	ck_assert_str_eq(attempt(&r, ALLOC_OBJECT, FSM_ANYONE, 0, NOW + 25 * HOUR + 3 * DAY, obj),
			 "illegal_transition");
	ck_assert_str_eq(attempt(&r, ALLOC_OBJECT, FSM_ANYONE, 0, NOW + 26 * HOUR, obj), "");
	ok(allocation_store_objections(conn, r.id, &ob, &nob, &err), &err);
	ck_assert_int_eq(nob, 1);
	ck_assert_str_eq(ob[0].status, "open");
	ck_assert_str_eq(attempt(&r, ALLOC_FINALIZE, FSM_DECIDER, 1, NOW + 25 * HOUR + 3 * DAY,
				 (struct allocation_input){ 0 }), "objections_unresolved");
	obj = (struct allocation_input){ .objection_id = ob[0].id, .resolution = "dismissed", .reason = "核实无误" };
	ck_assert_str_eq(attempt(&r, ALLOC_RESOLVE, FSM_DECIDER, 1, NOW + 25 * HOUR + 3 * DAY, obj),
			 "invalid_value");
	obj.resolution = "rejected";
	obj.reason = NULL;
	ck_assert_str_eq(attempt(&r, ALLOC_RESOLVE, FSM_DECIDER, 1, NOW + 25 * HOUR + 3 * DAY, obj), "required");
	obj.reason = "核实无误";
	obj.objection_id = ob[0].id + 1000;
	ck_assert_str_eq(attempt(&r, ALLOC_RESOLVE, FSM_DECIDER, 1, NOW + 25 * HOUR + 3 * DAY, obj),
			 "objection_not_found");
	obj.objection_id = ob[0].id;
	ck_assert_str_eq(attempt(&r, ALLOC_RESOLVE, FSM_DECIDER, 1, NOW + 25 * HOUR + 3 * DAY, obj), "");
	ck_assert_str_eq(attempt(&r, ALLOC_RESOLVE, FSM_DECIDER, 1, NOW + 25 * HOUR + 3 * DAY, obj),
			 "objection_resolved");
	ck_assert_str_eq(attempt(&r, ALLOC_FINALIZE, FSM_DECIDER, 1, NOW + 25 * HOUR + 3 * DAY,
				 (struct allocation_input){ 0 }), "");

	/* Direct matching: not by its author; its household is the one named. */
	s = setup("direct", &keep);
	d = (struct allocation_round){ 0 };
	ck_assert_str_eq(attempt(&d, ALLOC_CREATE, FSM_DECIDER, 1, NOW,
				 (struct allocation_input){ .setup = &s, .city_id = CITY }), "");
	json_decref(keep);
	ck_assert_str_eq(attempt(&d, ALLOC_APPROVE, FSM_DECIDER, 1, NOW, (struct allocation_input){ 0 }),
			 "second_approver_required");
	ck_assert_str_eq(attempt(&d, ALLOC_FREEZE, FSM_DECIDER, 1, NOW, terms), "direct_not_frozen");
	ck_assert_str_eq(attempt(&d, ALLOC_APPROVE, FSM_DECIDER, 2, NOW, (struct allocation_input){ 0 }), "");
	ck_assert_int_eq(d.approved_by, 2);
	close_db();
}
END_TEST

static TCase *
db_tcase(const char *name, void (*setup_fn)(void))
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, setup_fn, NULL);
	tcase_add_test(tc, every_state_and_event);
	tcase_add_test(tc, guards);
	return tc;
}

Suite *
allocation_suite(void)
{
	Suite *s = suite_create("allocation");

	suite_add_tcase(s, db_tcase("sqlite", use_sqlite));
	if (unit_pg_wanted(s))
		suite_add_tcase(s, db_tcase("pgsql", use_pg));
	return s;
}
