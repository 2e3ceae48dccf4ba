/* test_review.c — the application review's state machine, driven directly: every state ×
 * every event × every party, against an expectation written here by hand (not read from
 * the table), with the effect each allowed transition has on the database (timeline,
 * messages, jobs, objections, version) and nothing changed by a refused one; then the
 * guards one by one. On SQLite and, when a server is given, on PostgreSQL. */
#include <stdio.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/review.h"
#include "domain/workflow.h"
#include "store/media_store.h"
#include "store/region_store.h"
#include "store/user_store.h"
#include "unit.h"

static struct unit_db udb;
static int on_pg;

static void use_sqlite(void) { on_pg = 0; }
static void use_pg(void) { on_pg = 1; }

#define CITY 230600
#define PATH "/100000/230000/230600/230602/230602001/230602001001/"
#define NOW 1780000000000LL /* a Monday in 2026 */

static const char *household_text =
	"{\"kind\":\"rental\","
	" \"applicant\":{\"name\":\"王伟\",\"id_number\":\"230602198001010126\",\"relation\":\"self\","
	"  \"occupation\":\"工人\",\"income_fen_month\":150000,\"groups\":[]},"
	" \"members\":[],"
	" \"housing\":{\"area_m2\":24,\"tenure\":\"rented\"},"
	" \"assets\":{\"properties\":0,\"vehicles\":0,\"vehicle_value_fen\":0,\"business_value_fen\":0},"
	" \"residence_years\":3,\"declaration_signed\":true}";

/* What the test expects of each allowed (state, event): who fires it, where it leads
 * and how many timeline entries, messages, jobs and objections it adds. */
struct expect {
	int from, event;
	unsigned who;
	int to;
	int events, messages, jobs, objections;
};

static const struct expect flow[] = {
	{ REVIEW_DRAFT, REVIEW_EDIT, FSM_OWNER, REVIEW_DRAFT, 0, 0, 0, 0 },
	{ REVIEW_CORRECTION, REVIEW_EDIT, FSM_OWNER, REVIEW_CORRECTION, 0, 0, 0, 0 },
	{ REVIEW_DRAFT, REVIEW_SUBMIT, FSM_OWNER, REVIEW_ACCEPTANCE, 1, 1, 0, 0 },
	{ REVIEW_CORRECTION, REVIEW_SUBMIT, FSM_OWNER, REVIEW_ACCEPTANCE, 1, 1, 0, 0 },
	{ REVIEW_ACCEPTANCE, REVIEW_ACCEPT, FSM_DECIDER, REVIEW_STEP, 1, 1, 0, 0 },
	{ REVIEW_ACCEPTANCE, REVIEW_CORRECT, FSM_DECIDER, REVIEW_CORRECTION, 0, 1, 0, 0 },
	{ REVIEW_ACCEPTANCE, REVIEW_REFUSE, FSM_DECIDER, REVIEW_REFUSED, 0, 1, 0, 0 },
	/* the district step: approving it starts the department check, a job */
	{ REVIEW_STEP, REVIEW_APPROVE, FSM_DECIDER, REVIEW_DEPT, 1, 1, 1, 0 },
	{ REVIEW_STEP, REVIEW_CORRECT, FSM_DECIDER, REVIEW_CORRECTION, 0, 1, 0, 0 },
	{ REVIEW_STEP, REVIEW_REFUSE, FSM_DECIDER, REVIEW_REFUSED, 0, 1, 0, 0 },
	{ REVIEW_DEPT, REVIEW_DELAY, FSM_SYSTEM, REVIEW_DEPT, 0, 1, 0, 0 },
	{ REVIEW_DEPT, REVIEW_CHECKED, FSM_SYSTEM, REVIEW_STEP, 1, 0, 0, 0 },
	{ REVIEW_PUBLICITY, REVIEW_OBJECT, FSM_ANYONE, REVIEW_PUBLICITY, 0, 0, 0, 1 },
	/* no objection lodged: qualified (the objections arm is its own test) */
	{ REVIEW_PUBLICITY, REVIEW_PUBLICITY_END, FSM_SYSTEM, REVIEW_QUALIFIED, 0, 1, 0, 0 },
	{ REVIEW_OBJECTION, REVIEW_APPROVE, FSM_DECIDER, REVIEW_QUALIFIED, 0, 1, 0, 0 },
	{ REVIEW_OBJECTION, REVIEW_REFUSE, FSM_DECIDER, REVIEW_REFUSED, 0, 1, 0, 0 },
	/* the applicant withdraws until a step approves it for publicity */
	{ REVIEW_DRAFT, REVIEW_WITHDRAW, FSM_OWNER, REVIEW_WITHDRAWN, 0, 1, 0, 0 },
	{ REVIEW_CORRECTION, REVIEW_WITHDRAW, FSM_OWNER, REVIEW_WITHDRAWN, 0, 1, 0, 0 },
	{ REVIEW_ACCEPTANCE, REVIEW_WITHDRAW, FSM_OWNER, REVIEW_WITHDRAWN, 0, 1, 0, 0 },
	{ REVIEW_STEP, REVIEW_WITHDRAW, FSM_OWNER, REVIEW_WITHDRAWN, 0, 1, 0, 0 },
	{ REVIEW_DEPT, REVIEW_WITHDRAW, FSM_OWNER, REVIEW_WITHDRAWN, 0, 1, 0, 0 },
};

static const unsigned parties[] = { FSM_OWNER, FSM_DECIDER, FSM_SYSTEM, FSM_ANYONE };

static struct db *db;
static struct arena *ar;
static struct db_conn *conn;
static json_t *chain, *household;
static int64_t owner, media;
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
	struct media m = { .city_id = CITY, .region_path = PATH, .purpose = "material",
			   .name = "x.pdf", .mime = "application/pdf", .size = 10,
			   .sha256 = "0000000000000000000000000000000000000000000000000000000000000001",
			   .created_at = NOW };
	struct user u = { .kind = "resident", .city_id = CITY, .phone_hash = "p1",
			  .password_hash = "x",
			  .created_at = NOW, .updated_at = NOW };

	db = unit_db_fresh(&udb, on_pg, 1);
	ar = arena_create();
	ck_assert_int_eq(db_acquire(db, ar, &conn, &e), GZF_OK);
	chain = workflow_chain_default();
	household = json_loads(household_text, 0, NULL);
	ck_assert_ptr_nonnull(household);
	static const struct region regions[] = {
		{ .code = 100000, .level = "nation", .name = "中国" },
		{ .code = 230000, .parent_code = 100000, .level = "province", .name = "黑龙江省" },
		{ .code = CITY, .parent_code = 230000, .level = "city", .name = "大庆市", .city_id = CITY },
	};
	size_t i;

	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		ok(region_store_put(conn, &regions[i], &e), &e);
	ok(user_store_create(conn, &u, &owner, &e), &e);
	ok(user_store_set_real_name(conn, owner, "-", "H-owner", "-", NOW - 1, &e), &e);
	m.owner_id = owner;
	ok(media_store_create(conn, &m, &media, &e), &e);
}

static void
close_db(void)
{
	json_decref(chain);
	json_decref(household);
	db_release(conn);
	arena_destroy(ar);
	unit_db_done(&udb, db);
}

static int
step_of(const char *code)
{
	int i = workflow_step_find(chain, code);

	ck_assert_int_ge(i, 0);
	return i;
}

/* A new application (a counter one: the applicant's account is not checked) with every
 * required material, put in state. */
static void
make(int state, struct application *a)
{
	struct gzf_err e;
	const json_t *mat;
	int64_t id;
	size_t i;
	int version;

	*a = (struct application){ .city_id = CITY, .owner_id = owner, .region_code = 230602001001,
				   .region_path = PATH, .kind = "rental", .status = "draft",
				   .household_enc = "-", .persons = 1, .counter_clerk_id = 7,
				   .created_at = NOW, .updated_at = NOW };
	a->applicant_id_hash = arena_printf(ar, "H-%d", ++serial);
	ok(application_store_create(conn, a, &a->id, &e), &e);
	ok(application_store_get(conn, a->id, a, &e), &e);
	json_array_foreach(json_object_get(chain, "materials"), i, mat)
		ok(application_store_material_add(conn, CITY, a->id, workflow_step_str(mat, "code"), media, NOW, &id, &e), &e);
	version = a->version;
	switch (state) {
	case REVIEW_DRAFT:
		return;
	case REVIEW_CORRECTION:
		ok(review_enter_step(conn, a, chain, 0, NOW, &e), &e);
		a->status = "correction";
		break;
	case REVIEW_ACCEPTANCE:
		ok(review_enter_step(conn, a, chain, 0, NOW, &e), &e);
		break;
	case REVIEW_STEP:
		ok(review_enter_step(conn, a, chain, step_of("district"), NOW, &e), &e);
		break;
	case REVIEW_DEPT:
		ok(review_enter_step(conn, a, chain, step_of("dept_check"), NOW, &e), &e);
		break;
	case REVIEW_PUBLICITY:
	case REVIEW_OBJECTION:
		ok(review_enter_step(conn, a, chain, step_of("publicity"), NOW, &e), &e);
		if (state == REVIEW_OBJECTION)
			a->status = "review";
		break;
	case REVIEW_QUALIFIED:
		ok(review_enter_step(conn, a, chain, (int)json_array_size(json_object_get(chain, "steps")),
				     NOW, &e), &e);
		break;
	case REVIEW_REFUSED:
		a->status = "refused";
		break;
	case REVIEW_WITHDRAWN:
		a->status = "withdrawn";
		break;
	}
	a->reference = arena_printf(ar, "%lld-2026-%06lld", (long long)CITY, (long long)a->id); /* submitted */
	ok(application_store_save(conn, a, version, &e), &e);
	ok(application_store_get(conn, a->id, a, &e), &e);
	ck_assert_int_eq((int)review_state_of(a, chain), state);
}

/* The rows about application id: [timeline, messages, jobs, objections, version]. */
static void
counts(int64_t id, int64_t out[5])
{
	static const char *const sql[] = {
		"SELECT count(*) FROM application_events WHERE application_id = $1",
		"SELECT count(*) FROM messages WHERE application_id = $1",
		"SELECT count(*) FROM jobs WHERE ref = $1",
		"SELECT count(*) FROM objections WHERE application_id = $1",
		"SELECT version FROM applications WHERE id = $1",
	};
	struct gzf_err e;
	struct db_res *res;
	const char *ref = arena_printf(ar, "application:%lld", (long long)id);
	int i;

	for (i = 0; i < 5; i++) {
		if (i == 2)
			ok(db_query(conn, sql[i], DB_ARGS(DB_T(ref)), &res, &e), &e);
		else
			ok(db_query(conn, sql[i], DB_ARGS(DB_I(id)), &res, &e), &e);
		out[i] = db_res_int(res, 0, 0);
	}
}

/* Everything an event may read, valid. */
static struct review_input
input(unsigned party)
{
	return (struct review_input){ .party = party, .actor_id = 9, .now = NOW + 1000,
				      .reason = "理由写明", .household = household,
				      .delay_reason = "部门数据暂不可用", .objection = "此户有房产未申报" };
}

static const struct expect *
expected(int state, int event)
{
	size_t i;

	for (i = 0; i < sizeof(flow) / sizeof(flow[0]); i++)
		if (flow[i].from == state && flow[i].event == event)
			return &flow[i];
	return NULL;
}

/* Fire event on a fresh application in state, by party; check the outcome. */
static void
fire_one(int state, int event, unsigned party)
{
	const struct expect *x = expected(state, event);
	struct review_input in = input(party);
	struct application a;
	struct gzf_err e = { 0 };
	int64_t before[5], after[5];
	int rc, want = x == NULL ? GZF_ESTATE : x->who == party ? GZF_OK : GZF_EFORBIDDEN;

	make(state, &a);
	counts(a.id, before);
	ck_assert_int_eq(review_check(&a, chain, event, party, &e), want); /* the table alone */
	ok(db_begin(conn, &e), &e);
	rc = review_fire(conn, &a, chain, event, &in, NULL, &e);
	if (rc == GZF_OK)
		ok(db_commit(conn, &e), &e);
	else
		db_rollback(conn);
	counts(a.id, after);
	ck_assert_msg(rc == want, "%s + %s by %u: got %d (%s), want %d", review_fsm.states[state],
		      review_fsm.events[event], party, rc, e.name, want);
	if (rc != GZF_OK) {
		ck_assert_str_eq(e.name, x == NULL ? "illegal_transition" : "forbidden");
		ck_assert_mem_eq(before, after, sizeof(before)); /* nothing changed */
		return;
	}
	ok(application_store_get(conn, a.id, &a, &e), &e);
	ck_assert_msg((int)review_state_of(&a, chain) == x->to, "%s + %s: now %s, want %s",
		      review_fsm.states[state], review_fsm.events[event],
		      review_fsm.states[review_state_of(&a, chain)], review_fsm.states[x->to]);
	ck_assert_int_eq(after[0] - before[0], x->events);
	ck_assert_int_eq(after[1] - before[1], x->messages);
	ck_assert_int_eq(after[2] - before[2], x->jobs);
	ck_assert_int_eq(after[3] - before[3], x->objections);
	ck_assert_int_eq(after[4], before[4] + 1); /* every change bumps the version once */
}

START_TEST(every_state_and_event)
{
	size_t p;
	int s, ev, rows = 0;

	open_db();
	for (s = 0; s < REVIEW_NSTATES; s++)
		for (ev = 0; ev < REVIEW_NEVENTS; ev++)
			for (p = 0; p < sizeof(parties) / sizeof(parties[0]); p++)
				fire_one(s, ev, parties[p]);
	/* The table has no row this test does not expect (the two arms of the end of
	 * publicity are one expectation). */
	for (s = 0; s < review_fsm.n; s++)
		ck_assert_ptr_nonnull(expected(review_fsm.table[s].from, review_fsm.table[s].event));
	for (s = 0; s < review_fsm.n; s++)
		rows += !(review_fsm.table[s].event == REVIEW_PUBLICITY_END);
	ck_assert_int_eq(rows + 1, (int)(sizeof(flow) / sizeof(flow[0])));
	close_db();
}
END_TEST

/* Fire event on a in a transaction that is rolled back; the code and error name. */
static int
try_fire(struct application *a, int event, struct review_input *in, struct gzf_err *e)
{
	int rc;

	ok(db_begin(conn, e), e);
	rc = review_fire(conn, a, chain, event, in, NULL, e);
	db_rollback(conn);
	return rc;
}

START_TEST(guards)
{
	struct review_input in;
	struct application a;
	struct gzf_err e = { 0 };
	json_t *h;

	open_db();
	/* Corrections and refusals need a reason the applicant will read. */
	make(REVIEW_STEP, &a);
	in = input(FSM_DECIDER);
	in.reason = "";
	ck_assert_int_eq(try_fire(&a, REVIEW_CORRECT, &in, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "reason");
	ck_assert_int_eq(try_fire(&a, REVIEW_REFUSE, &in, &e), GZF_EINVAL);
	/* So does a withdrawal: the offices read it. */
	in.party = FSM_OWNER;
	ck_assert_int_eq(try_fire(&a, REVIEW_WITHDRAW, &in, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "reason");
	/* Acceptance needs every required material. */
	make(REVIEW_ACCEPTANCE, &a);
	ck_assert_int_eq(db_exec(conn, "DELETE FROM application_materials WHERE application_id = $1",
				 DB_ARGS(DB_I(a.id)), NULL, &e), GZF_OK);
	in = input(FSM_DECIDER);
	ck_assert_int_eq(try_fire(&a, REVIEW_ACCEPT, &in, &e), GZF_ESTATE);
	ck_assert_str_eq(e.name, "incomplete");
	/* A submission needs the whole household... */
	make(REVIEW_DRAFT, &a);
	h = json_deep_copy(household);
	json_object_del(h, "housing");
	in = input(FSM_OWNER);
	in.household = h;
	ck_assert_int_eq(try_fire(&a, REVIEW_SUBMIT, &in, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "housing");
	json_decref(h);
	/* ...a community... */
	a.region_path = "/100000/230000/230600/";
	a.region_code = CITY;
	in = input(FSM_OWNER);
	ck_assert_int_eq(try_fire(&a, REVIEW_SUBMIT, &in, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "community_code");
	/* ...and, not at the counter, the account holder as the applicant. */
	make(REVIEW_DRAFT, &a);
	a.counter_clerk_id = 0;
	ck_assert_int_eq(try_fire(&a, REVIEW_SUBMIT, &in, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "applicant_not_account_holder");
	a.applicant_id_hash = "H-owner";
	ck_assert_int_eq(try_fire(&a, REVIEW_SUBMIT, &in, &e), GZF_OK);
	/* A change made meanwhile: the second of two decisions on one version loses. */
	make(REVIEW_STEP, &a);
	in = input(FSM_DECIDER);
	a.version -= 1;
	ck_assert_int_eq(try_fire(&a, REVIEW_APPROVE, &in, &e), GZF_ECONFLICT);
	close_db();
}
END_TEST

START_TEST(objections_go_to_the_approver)
{
	struct review_input in;
	struct application a;
	struct gzf_err e = { 0 };
	int64_t before[5], after[5];
	const char *outcome = NULL;

	open_db();
	make(REVIEW_PUBLICITY, &a);
	in = input(FSM_ANYONE);
	ok(db_begin(conn, &e), &e);
	ok(review_fire(conn, &a, chain, REVIEW_OBJECT, &in, &outcome, &e), &e);
	ok(db_commit(conn, &e), &e);
	ck_assert_int_gt(in.objection_id, 0);
	ck_assert_str_eq(outcome, "objection");
	/* The end of publicity read before the objection was lodged loses... */
	in = input(FSM_SYSTEM);
	ck_assert_int_eq(try_fire(&a, REVIEW_PUBLICITY_END, &in, &e), GZF_ECONFLICT);
	/* ...read after, it hands the household to the city approver, at the city office. */
	ok(application_store_get(conn, a.id, &a, &e), &e);
	counts(a.id, before);
	ok(db_begin(conn, &e), &e);
	ok(review_fire(conn, &a, chain, REVIEW_PUBLICITY_END, &in, &outcome, &e), &e);
	ok(db_commit(conn, &e), &e);
	counts(a.id, after);
	ck_assert_str_eq(outcome, "objections");
	ok(application_store_get(conn, a.id, &a, &e), &e);
	ck_assert_int_eq(review_state_of(&a, chain), REVIEW_OBJECTION);
	ck_assert_int_eq(after[0] - before[0], 1);
	ck_assert_int_eq(after[1] - before[1], 0);
	ck_assert_str_eq(workflow_step_decider(workflow_step(chain, a.step_index)), "city_approver");
	close_db();
}
END_TEST

/* The decisions each role is offered in each state: the step's own role, the table's
 * FSM_DECIDER rows; nobody else, nothing in the states the applicant or the system moves. */
START_TEST(decisions_per_state_and_role)
{
#define D(ev) (1u << (ev))
	static const struct {
		int state;
		const char *role;
		unsigned want;
	} cases[] = {
		{ REVIEW_DRAFT, "community_clerk", 0 },
		{ REVIEW_CORRECTION, "community_clerk", 0 },
		{ REVIEW_ACCEPTANCE, "community_clerk", D(REVIEW_ACCEPT) | D(REVIEW_CORRECT) | D(REVIEW_REFUSE) },
		{ REVIEW_ACCEPTANCE, "street_reviewer", 0 },
		{ REVIEW_ACCEPTANCE, "city_approver", 0 },
		{ REVIEW_STEP, "district_reviewer", D(REVIEW_APPROVE) | D(REVIEW_CORRECT) | D(REVIEW_REFUSE) },
		{ REVIEW_STEP, "street_reviewer", 0 },
		{ REVIEW_STEP, "community_clerk", 0 },
		{ REVIEW_DEPT, "city_approver", 0 },
		{ REVIEW_DEPT, "district_reviewer", 0 },
		{ REVIEW_PUBLICITY, "city_approver", 0 },
		{ REVIEW_OBJECTION, "city_approver", D(REVIEW_APPROVE) | D(REVIEW_REFUSE) },
		{ REVIEW_OBJECTION, "district_reviewer", 0 },
		{ REVIEW_QUALIFIED, "city_approver", 0 },
		{ REVIEW_REFUSED, "city_approver", 0 },
	};
	struct application a;
	size_t i;

	open_db();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make(cases[i].state, &a);
		ck_assert_msg(review_decisions(&a, chain, cases[i].role) == cases[i].want, "%s, %s: %#x",
			      review_fsm.states[cases[i].state], cases[i].role,
			      review_decisions(&a, chain, cases[i].role));
	}
	ck_assert_uint_eq(review_decisions(&a, chain, NULL), 0);
	close_db();
#undef D
}
END_TEST

static TCase *
db_tcase(const char *name, void (*setup)(void))
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, every_state_and_event);
	tcase_add_test(tc, guards);
	tcase_add_test(tc, objections_go_to_the_approver);
	tcase_add_test(tc, decisions_per_state_and_role);
	return tc;
}

Suite *
review_suite(void)
{
	Suite *s = suite_create("review");

	suite_add_tcase(s, db_tcase("sqlite", use_sqlite));
	if (unit_pg_wanted(s))
		suite_add_tcase(s, db_tcase("pgsql", use_pg));
	return s;
}
