/* test_lease.c — the lease: the term arithmetic, the template check and rendering, and the
 * lease's state machine driven directly: every state × event × party against an
 * expectation written here by hand (the state reached, the household's messages, the
 * history, the unit's status; a refused firing changes nothing); then the move-in needing
 * both sides, and the database allowing one live lease per unit and household. On SQLite
 * and, when a server is given, on PostgreSQL. */
#include <string.h>

#include "domain/lease.h"
#include "store/application_store.h"
#include "store/housing_store.h"
#include "store/region_store.h"
#include "store/user_store.h"
#include "unit.h"

#define CITY 230600
#define PATH "/100000/230000/230600/230602/230602001/230602001001/"
#define NOW 1800000000000LL /* 2027-01-15: after the test leases' terms */

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

START_TEST(term_end)
{
	ck_assert_int_eq(lease_term_end(20270101, 36), 20291231);
	ck_assert_int_eq(lease_term_end(20260315, 12), 20270314);
	ck_assert_int_eq(lease_term_end(20260131, 1), 20260228);  /* no 29 February in 2026 */
	ck_assert_int_eq(lease_term_end(20280131, 1), 20280229);
	ck_assert_int_eq(lease_term_end(20261201, 1), 20261231);
	ck_assert_int_eq(lease_term_end(20261215, 1), 20270114);
	ck_assert_int_eq(lease_term_end(20260101, 60), 20301231);
	ck_assert_int_eq(lease_term_end(20260101, 61), 0);
	ck_assert_int_eq(lease_term_end(20260101, 0), 0);
	ck_assert_int_eq(lease_term_end(20260230, 12), 0);
}
END_TEST

START_TEST(template_render)
{
	struct gzf_err e = { 0 };
	struct arena *a = arena_create();
	const char *title, *body, *out;
	struct lease_fields f = { .lease_no = "230600-2027-000001-1", .city = "大庆市",
		.lessor = "大庆市住房保障服务中心", .tenant = "王秀英", .reference = "230600-2026-000001",
		.persons = 3, .address = "萨尔图区幸福路1号", .estate = "幸福家园", .layout = "两室一厅",
		.area_dm2 = 5230, .rent_fen = 123456, .deposit_fen = 246912, .starts_on = 20270101,
		.ends_on = 20291231, .term_months = 36 };

	lease_template_default(&title, &body);
	ck_assert_int_eq(lease_template_check(body, &e), GZF_OK);
	out = lease_render(a, body, &f, 0);
	ck_assert_ptr_null(strstr(out, "{{"));
	ck_assert_ptr_nonnull(strstr(out, "承租人（乙方）：王秀英"));
	ck_assert_ptr_nonnull(strstr(out, "建筑面积52.30平方米"));
	ck_assert_ptr_nonnull(strstr(out, "月租金为人民币1234.56元"));
	ck_assert_ptr_nonnull(strstr(out, "押金人民币2469.12元"));
	ck_assert_ptr_nonnull(strstr(out, "自2027年1月1日起至2029年12月31日止"));
	ck_assert_ptr_nonnull(strstr(out, "转借、转租"));
	ck_assert_ptr_nonnull(strstr(out, "连续六个月以上闲置"));
	ck_assert_ptr_nonnull(strstr(out, "累计六个月以上拖欠租金"));
	/* The stored text keeps the name apart; rendering it again fills only the name. */
	out = lease_render(a, body, &f, 1);
	ck_assert_ptr_nonnull(strstr(out, "承租人（乙方）：{{tenant}}"));
	ck_assert_ptr_null(strstr(out, "{{lease_no}}"));
	out = lease_render(a, out, &(struct lease_fields){ .tenant = "李军" }, 0);
	ck_assert_ptr_nonnull(strstr(out, "承租人（乙方）：李军"));
	ck_assert_ptr_null(strstr(out, "{{"));
	/* Text that only looks like a marker stays as written. */
	ck_assert_str_eq(lease_render(a, "a {{ b", &f, 0), "a {{ b");
	ck_assert_str_eq(lease_render(a, "{{x}} {{rent}}", &f, 0), "{{x}} 1234.56");
	ck_assert_int_eq(lease_template_check("甲 {{rent}} 乙 {{deposit}}", &e), GZF_OK);
	ck_assert_int_eq(lease_template_check("甲 {{rents}}", &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "unknown_field");
	ck_assert_int_eq(lease_template_check("甲 {{rent", &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "invalid_value");
	arena_destroy(a);
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

/* A unit reserved for a new qualified household; its application into *app. */
static int64_t
reserved_unit(int64_t *app)
{
	struct gzf_err e;
	struct unit u = { .city_id = CITY, .estate_id = estate_id, .building_id = building_id,
			  .district_code = 230602, .region_path = "/100000/230000/230600/230602/",
			  .layout = "一室一厅", .floor_area_dm2 = 3800, .usable_area_dm2 = 3000,
			  .floor = 3, .orientation = "南", .rent_fen = 30000, .status = "reserved",
			  .created_at = 1, .updated_at = 1 };
	struct application a = { .city_id = CITY, .owner_id = owner, .region_code = 230602001001,
				 .region_path = PATH, .kind = "rental", .status = "qualified",
				 .step = "", .household_enc = "-", .persons = 1, .created_at = NOW,
				 .updated_at = NOW };
	int64_t id;

	u.unit_no = arena_printf(ar, "%d", ++serial);
	ok(housing_store_unit_save(conn, &u, 0, &id, &e), &e);
	ok(housing_store_unit_set_status(conn, id, "reserved", NOW, &e), &e);
	a.applicant_id_hash = arena_printf(ar, "H-%d", ++serial);
	ok(application_store_create(conn, &a, app, &e), &e);
	return id;
}

/* An offered lease of a new household, from 2026-01-01 for 12 months. */
static int
offer(int64_t unit, int64_t app, struct lease *l, struct gzf_err *e)
{
	struct lease_fields f = { .tenant = "王秀英", .rent_fen = 30000 };

	*l = (struct lease){ .city_id = CITY, .application_id = app, .owner_id = owner,
			     .unit_id = unit, .region_code = 230602001001, .region_path = PATH,
			     .starts_on = 20260101, .ends_on = lease_term_end(20260101, 12),
			     .area_dm2 = 3800, .rent_fen = 30000, .deposit_fen = 60000,
			     .title = "公共租赁住房租赁合同", .created_by = 1, .created_at = NOW };
	return lease_generate(conn, l, "reserved", "乙方 {{tenant}}，月租金{{rent}}元", &f, e);
}

static const struct lease_move_in record = {
	.keys_handed = 1, .inventory = "[{\"item\":\"钥匙\",\"condition\":\"3把\"}]",
	.water_m3 = "1.5", .electricity_kwh = "20", .gas_m3 = "3",
};

/* Fire event by party on l (guards satisfied: a signature, a reason, a term, a move-in
 * record, a time after the term); commit or roll back; the code. */
static int
fire(struct lease *l, int event, unsigned party, struct gzf_err *err)
{
	struct lease_input in = { .party = party, .actor_id = party == FSM_OWNER ? owner : 1,
				  .staff = party != FSM_OWNER, .now = NOW, .reason = "理由",
				  .method = "sms", .consent = "本人同意", .pdf_media_id = 1,
				  .pdf_sha256 = "00", .term_months = 12, .move_in = &record };
	int rc;

	ok(db_begin(conn, err), err);
	rc = lease_fire(conn, l, (enum lease_event)event, &in, err);
	if (rc == GZF_OK)
		ok(db_commit(conn, err), err);
	else
		db_rollback(conn);
	return rc;
}

/* What the test expects of each allowed (state, event, party). */
struct expect {
	int from, event;
	unsigned who;
	int to;
	int messages;
	const char *unit; /* the unit's status after */
};

static const struct expect flow[] = {
	{ LEASE_OFFERED, LEASE_SIGN, FSM_OWNER, LEASE_SIGNED, 1, "allocated" },
	{ LEASE_OFFERED, LEASE_CANCEL, FSM_DECIDER, LEASE_CANCELLED, 1, "reserved" },
	{ LEASE_SIGNED, LEASE_RECORD, FSM_DECIDER, LEASE_SIGNED, 0, "allocated" },
	/* The lease in state signed below has its move-in recorded, no side confirmed. */
	{ LEASE_SIGNED, LEASE_CONFIRM, FSM_OWNER, LEASE_SIGNED, 0, "allocated" },
	{ LEASE_SIGNED, LEASE_CONFIRM, FSM_DECIDER, LEASE_SIGNED, 0, "allocated" },
	{ LEASE_SIGNED, LEASE_TERMINATE, FSM_DECIDER, LEASE_TERMINATED, 1, "vacant" },
	{ LEASE_ACTIVE, LEASE_RENEW, FSM_DECIDER, LEASE_ACTIVE, 1, "occupied" },
	{ LEASE_ACTIVE, LEASE_TERMINATE, FSM_DECIDER, LEASE_TERMINATED, 1, "vacant" },
	{ LEASE_ACTIVE, LEASE_END, FSM_DECIDER, LEASE_ENDED, 1, "vacant" },
};

static const unsigned parties[] = { FSM_OWNER, FSM_DECIDER, FSM_SYSTEM, FSM_ANYONE };

static const struct expect *
expected(int state, int event, unsigned party)
{
	size_t i;

	for (i = 0; i < sizeof(flow) / sizeof(flow[0]); i++)
		if (flow[i].from == state && flow[i].event == event && flow[i].who == party)
			return &flow[i];
	return NULL;
}

/* 1 when some row of the expectations leaves state on event (for anyone). */
static int
event_leaves(int state, int event)
{
	size_t i;

	for (i = 0; i < sizeof(flow) / sizeof(flow[0]); i++)
		if (flow[i].from == state && flow[i].event == event)
			return 1;
	return 0;
}

/* [messages of the owner, history lines of l, version of l] */
static void
counts(const struct lease *l, int64_t out[3])
{
	struct gzf_err e;
	struct db_res *r;

	ok(db_query(conn, "SELECT count(*) FROM messages WHERE user_id = $1", DB_ARGS(DB_I(owner)),
		    &r, &e), &e);
	out[0] = db_res_int(r, 0, 0);
	ok(db_query(conn, "SELECT count(*) FROM lease_events WHERE lease_id = $1", DB_ARGS(DB_I(l->id)),
		    &r, &e), &e);
	out[1] = db_res_int(r, 0, 0);
	ok(db_query(conn, "SELECT version FROM leases WHERE id = $1", DB_ARGS(DB_I(l->id)), &r, &e), &e);
	out[2] = db_res_int(r, 0, 0);
}

static const char *
unit_status(int64_t unit)
{
	struct gzf_err e;
	struct unit u;

	ok(housing_store_unit_get(conn, unit, &u, &e), &e);
	return u.status;
}

/* A lease of a new household in state. */
static void
make(int state, struct lease *l, int64_t *unit)
{
	struct gzf_err err;
	int64_t app;

	*unit = reserved_unit(&app);
	ok(db_begin(conn, &err), &err);
	ok(offer(*unit, app, l, &err), &err);
	ok(db_commit(conn, &err), &err);
	if (state == LEASE_CANCELLED)
		ok(fire(l, LEASE_CANCEL, FSM_DECIDER, &err), &err);
	if (state == LEASE_OFFERED || state == LEASE_CANCELLED)
		return;
	ok(fire(l, LEASE_SIGN, FSM_OWNER, &err), &err);
	ok(fire(l, LEASE_RECORD, FSM_DECIDER, &err), &err);
	if (state != LEASE_SIGNED) {
		ok(fire(l, LEASE_CONFIRM, FSM_OWNER, &err), &err);
		ok(fire(l, LEASE_CONFIRM, FSM_DECIDER, &err), &err);
	}
	if (state == LEASE_ENDED)
		ok(fire(l, LEASE_END, FSM_DECIDER, &err), &err);
	if (state == LEASE_TERMINATED)
		ok(fire(l, LEASE_TERMINATE, FSM_DECIDER, &err), &err);
	ck_assert_int_eq(lease_state_of(l), state);
}

START_TEST(every_state_event_party)
{
	int state, event;
	size_t p;

	open_db();
	for (state = 0; state < LEASE_NSTATES; state++)
		for (event = 0; event < LEASE_NEVENTS; event++)
			for (p = 0; p < sizeof(parties) / sizeof(parties[0]); p++) {
				const struct expect *x = expected(state, event, parties[p]);
				struct gzf_err err = { 0 };
				struct lease l, stored;
				int64_t unit, before[3], after[3];
				const char *unit_before;
				int rc;

				make(state, &l, &unit);
				counts(&l, before);
				unit_before = unit_status(unit);
				rc = fire(&l, event, parties[p], &err);
				counts(&l, after);
				ok(lease_store_get(conn, l.id, &stored, &err), &err);
				if (x == NULL) {
					ck_assert_msg(rc == (event_leaves(state, event) ? GZF_EFORBIDDEN : GZF_ESTATE),
						      "%s × %s × %u: %d %s", lease_fsm.states[state],
						      lease_fsm.events[event], parties[p], rc, err.name);
					ck_assert_int_eq(lease_state_of(&stored), state);
					ck_assert_str_eq(l.state, stored.state);
					ck_assert_int_eq(after[0], before[0]);
					ck_assert_int_eq(after[1], before[1]);
					ck_assert_int_eq(after[2], before[2]);
					ck_assert_str_eq(unit_status(unit), unit_before);
					continue;
				}
				ck_assert_msg(rc == GZF_OK, "%s × %s × %u: %s", lease_fsm.states[state],
					      lease_fsm.events[event], parties[p], err.message);
				ck_assert_int_eq(lease_state_of(&stored), x->to);
				ck_assert_int_eq(after[0], before[0] + x->messages);
				ck_assert_int_eq(after[1], before[1] + 1);
				ck_assert_int_eq(after[2], before[2] + 1);
				ck_assert_int_eq(l.version, (int)after[2]);
				ck_assert_str_eq(unit_status(unit), x->unit);
			}
	close_db();
}
END_TEST

START_TEST(guards_and_uniqueness)
{
	struct gzf_err err = { 0 };
	struct lease l, second;
	struct lease_input in = { .party = FSM_OWNER, .actor_id = 1, .now = NOW, .method = "sms" };
	int64_t unit, app, unit2, app2;

	open_db();
	/* No signature, no reason, a term over five years, the term not over: refused. */
	make(LEASE_OFFERED, &l, &unit);
	ok(db_begin(conn, &err), &err);
	ck_assert_int_eq(lease_fire(conn, &l, LEASE_SIGN, &in, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "signature_required");
	in.party = FSM_DECIDER;
	ck_assert_int_eq(lease_fire(conn, &l, LEASE_CANCEL, &in, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "reason_required");
	db_rollback(conn);
	make(LEASE_ACTIVE, &l, &unit);
	in.term_months = 61;
	ok(db_begin(conn, &err), &err);
	ck_assert_int_eq(lease_fire(conn, &l, LEASE_RENEW, &in, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "invalid_term");
	in.now = NOW - 400LL * 86400000; /* inside the 2026 term */
	ck_assert_int_eq(lease_fire(conn, &l, LEASE_END, &in, &err), GZF_ESTATE);
	ck_assert_str_eq(err.name, "term_not_over");
	in.term_months = 60;
	ok(lease_fire(conn, &l, LEASE_RENEW, &in, &err), &err);
	ck_assert_int_eq(l.ends_on, 20311231);
	ok(db_commit(conn, &err), &err);

	/* The move-in: not before it is recorded, active only once both sides confirmed. */
	make(LEASE_OFFERED, &l, &unit);
	ck_assert_int_eq(fire(&l, LEASE_SIGN, FSM_OWNER, &err), GZF_OK);
	ck_assert_int_eq(fire(&l, LEASE_CONFIRM, FSM_OWNER, &err), GZF_ESTATE);
	ck_assert_str_eq(err.name, "move_in_incomplete");
	ok(fire(&l, LEASE_RECORD, FSM_DECIDER, &err), &err);
	ok(fire(&l, LEASE_CONFIRM, FSM_DECIDER, &err), &err);
	ok(fire(&l, LEASE_CONFIRM, FSM_DECIDER, &err), &err);
	ck_assert_str_eq(l.state, "signed");
	ok(fire(&l, LEASE_CONFIRM, FSM_OWNER, &err), &err);
	ck_assert_str_eq(l.state, "active");
	ck_assert_str_eq(unit_status(unit), "occupied");

	/* One live lease per unit and per household, whatever the caller does. */
	unit2 = reserved_unit(&app2);
	(void)app2;
	unit = reserved_unit(&app);
	ok(db_begin(conn, &err), &err);
	ok(offer(unit, app, &l, &err), &err);
	ck_assert_int_eq(offer(unit, app2, &second, &err), GZF_ECONFLICT);
	ck_assert_str_eq(err.name, "lease_exists");
	db_rollback(conn);
	ok(db_begin(conn, &err), &err);
	ok(offer(unit, app, &l, &err), &err);
	ck_assert_int_eq(offer(unit2, app, &second, &err), GZF_ECONFLICT);
	db_rollback(conn);
	ok(offer(unit, app, &l, &err), &err);
	ok(db_begin(conn, &err), &err);
	ck_assert_int_eq(lease_generate(conn, &second, "vacant", "x", &(struct lease_fields){ 0 }, &err),
			 GZF_ESTATE);
	ck_assert_str_eq(err.name, "unit_not_reserved");
	db_rollback(conn);
	close_db();
}
END_TEST

static TCase *
db_tcase(const char *name, void (*setup)(void))
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, every_state_event_party);
	tcase_add_test(tc, guards_and_uniqueness);
	return tc;
}

Suite *
lease_suite(void)
{
	Suite *s = suite_create("lease");
	TCase *pure = tcase_create("pure");

	tcase_add_test(pure, term_end);
	tcase_add_test(pure, template_render);
	suite_add_tcase(s, pure);
	suite_add_tcase(s, db_tcase("sqlite", use_sqlite));
	if (unit_pg_wanted(s))
		suite_add_tcase(s, db_tcase("pgsql", use_pg));
	return s;
}
