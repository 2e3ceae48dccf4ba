/* test_recon.c — the daily reconciliation (domain/recon.c): matching of every kind of line
 * with its totals, against figures worked out by hand; both state machines walked state ×
 * event × party against their own expectation tables; and, on SQLite and (when a server
 * is given) PostgreSQL, a day's run: a file whose summary disagrees refused and recorded,
 * then matched, reconciled again without adding anything, its exceptions assigned and
 * resolved (refused without a resolution or a note) until the run closes. */
#include <stdio.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/recon.h"
#include "store/bank_store.h"
#include "unit.h"

#define CITY 230600
#define OTHER 230100
#define DAY 20261201

static struct unit_db udb;
static int on_pg;

static void use_sqlite(void) { on_pg = 0; }
static void use_pg(void) { on_pg = 1; }

#define HEAD "bank_txn_id,order_no,refund_no,type,amount_fen,time\n"

/* The file of the matching test: one line of each case, the summary right. */
static const char day_file[] = HEAD
	"T01,B-000001,,payment,65000,2026-12-01T10:00:00+08:00\n"  /* matched */
	"T02,B-000002,,payment,48001,2026-12-01T10:01:00+08:00\n"  /* 1 fen more: mismatch */
	"T03,EXTRA-0001,,payment,100,2026-12-01T10:02:00+08:00\n"  /* unknown: bank_only */
	"T04,B-000001,,payment,65000,2026-12-01T10:03:00+08:00\n"  /* paid twice: bank_only */
	"R05,B-000001,B-000001-R1,refund,900,2026-12-01T11:00:00+08:00\n"  /* matched */
	"R06,B-000002,B-000002-R1,refund,500,2026-12-01T11:01:00+08:00\n"  /* gzf 200: mismatch */
	"T07,B-000009,,payment,7000,2026-12-01T12:00:00+08:00\n"   /* another city's */
	"T08,B-000010,,payment,300,2026-12-01T12:01:00+08:00\n"    /* pending in gzf: bank_only */
	"T09,UNKN-0002,,payment,50,2026-12-01T12:02:00+08:00\n"    /* claimed by another city */
	"SUMMARY,9,184051\n";

static struct recon_order day_orders[] = {
	{ .order_no = "B-000002", .status = "paid", .city_id = CITY, .amount_fen = 48000,
	  .refunded_fen = 200 },
	{ .order_no = "B-000001", .status = "paid", .city_id = CITY, .amount_fen = 65000,
	  .refunded_fen = 900 },
	{ .order_no = "B-000003", .status = "paid", .city_id = CITY, .amount_fen = 30000 },
	{ .order_no = "B-000004", .status = "paid", .city_id = CITY, .amount_fen = 111 },
	{ .order_no = "B-000009", .status = "paid", .city_id = OTHER, .amount_fen = 7000 },
	{ .order_no = "B-000010", .status = "pending", .city_id = CITY, .amount_fen = 300 },
};

START_TEST(matching_every_kind)
{
	static const struct { const char *order, *txn, *kind, *status; int64_t bank, gzf; } want[] = {
		{ "B-000001", "T01", "matched", "none", 65000, 65000 },
		{ "B-000002", "T02", "amount_mismatch", "open", 48001, 48000 },
		{ "EXTRA-0001", "T03", "bank_only", "open", 100, 0 },
		{ "B-000001", "T04", "bank_only", "open", 65000, 0 },
		{ "B-000001", "R05", "matched", "none", 900, 900 },
		{ "B-000002", "R06", "amount_mismatch", "open", 500, 200 },
		{ "B-000010", "T08", "bank_only", "open", 300, 0 },
		{ "B-000003", NULL, "gzf_only", "open", 0, 30000 },
	};
	static const char *const claimed[] = { "T09" };
	struct arena *a = arena_create();
	struct bank_statement st;
	struct recon_run r = { 0 };
	struct recon_line *lines;
	struct gzf_err e = { 0 };
	int64_t from = recon_day_start(DAY);
	size_t i;
	int n;

	for (i = 0; i < 4; i++)
		day_orders[i].paid_at = from + 3600000; /* paid that day in gzf */
	day_orders[3].paid_at = from - 1;           /* B-000004: the day before */
	ck_assert_int_eq(bank_statement_parse(a, day_file, strlen(day_file), 100, &st, &e), GZF_OK);
	recon_match(a, &st, CITY, from, from + DAY_MS, day_orders, 6, claimed, 1, &r, &lines, &n);
	ck_assert_int_eq(n, (int)(sizeof(want) / sizeof(want[0])));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_str_eq(lines[i].order_no, want[i].order);
		if (want[i].txn)
			ck_assert_str_eq(lines[i].bank_txn_id, want[i].txn);
		else
			ck_assert_ptr_null(lines[i].bank_txn_id);
		ck_assert_str_eq(lines[i].kind, want[i].kind);
		ck_assert_str_eq(lines[i].status, want[i].status);
		ck_assert_int_eq(lines[i].bank_fen, want[i].bank);
		ck_assert_int_eq(lines[i].gzf_fen, want[i].gzf);
	}
	ck_assert_str_eq(lines[4].type, "refund");
	ck_assert_str_eq(lines[4].refund_no, "B-000001-R1");
	/* totals to the fen: payments minus refunds on each side */
	ck_assert_int_eq(r.file_rows, 9);
	ck_assert_int_eq(r.file_total_fen, 184051);
	ck_assert_int_eq(r.bank_rows, 7);
	ck_assert_int_eq(r.bank_total_fen, 65000 + 48001 + 100 + 65000 - 900 - 500 + 300);
	ck_assert_int_eq(r.gzf_rows, 5);
	ck_assert_int_eq(r.gzf_total_fen, 65000 + 48000 - 900 - 200 + 30000);
	ck_assert_int_eq(r.counts[RECON_MATCHED], 2);
	ck_assert_int_eq(r.counts[RECON_AMOUNT_MISMATCH], 2);
	ck_assert_int_eq(r.counts[RECON_BANK_ONLY], 3);
	ck_assert_int_eq(r.counts[RECON_GZF_ONLY], 1);
	ck_assert_int_eq(r.open_exceptions, 6);
	arena_destroy(a);
}
END_TEST

START_TEST(days)
{
	struct gzf_err e = { 0 };
	char t[11];
	int d;

	ck_assert_int_eq(recon_day_parse("2026-12-01", &d, &e), GZF_OK);
	ck_assert_int_eq(d, DAY);
	recon_day_text(d, t);
	ck_assert_str_eq(t, "2026-12-01");
	ck_assert_int_eq(recon_day_parse("2026-02-30", &d, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "bad_day");
	ck_assert_int_eq(recon_day_parse("2026-1-01", &d, &e), GZF_EINVAL);
	ck_assert_int_eq(recon_day_parse("2026-12-011", &d, &e), GZF_EINVAL);
	ck_assert_int_eq(recon_day_parse(NULL, &d, &e), GZF_EINVAL);
	/* a local day starts at 16:00 UTC the day before */
	ck_assert_int_eq(calendar_local_date(recon_day_start(DAY)), DAY);
	ck_assert_int_eq(calendar_local_date(recon_day_start(DAY) - 1), 20261130);
}
END_TEST

/* The expectations, by hand: the parties that may fire each (state, event). */
static const unsigned run_expect[RECON_NSTATES][RECON_NEVENTS] = {
	/*                 match                      settle */
	[RECON_NONE]    = { FSM_DECIDER | FSM_SYSTEM, 0 },
	[RECON_REFUSED] = { FSM_DECIDER | FSM_SYSTEM, 0 },
	[RECON_OPEN]    = { 0,                        FSM_DECIDER },
	[RECON_CLOSED]  = { 0,                        0 },
};
static const unsigned x_expect[RECON_X_NSTATES][RECON_X_NEVENTS] = {
	/*                    assign       resolve */
	[RECON_X_OPEN]     = { FSM_DECIDER, FSM_DECIDER },
	[RECON_X_RESOLVED] = { 0,           0 },
};

START_TEST(every_state_event_party)
{
	unsigned parties[] = { FSM_OWNER, FSM_DECIDER, FSM_SYSTEM, FSM_ANYONE, FSM_WITNESS };
	int s, ev, p;

	for (s = 0; s < RECON_NSTATES; s++)
		for (ev = 0; ev < RECON_NEVENTS; ev++)
			for (p = 0; p < 5; p++)
				ck_assert_msg(fsm_allows(&recon_fsm, s, ev, parties[p]) ==
					      ((run_expect[s][ev] & parties[p]) != 0),
					      "run %s × %s × party %u", recon_fsm.states[s],
					      recon_fsm.events[ev], parties[p]);
	for (s = 0; s < RECON_X_NSTATES; s++)
		for (ev = 0; ev < RECON_X_NEVENTS; ev++)
			for (p = 0; p < 5; p++)
				ck_assert_msg(fsm_allows(&recon_exception_fsm, s, ev, parties[p]) ==
					      ((x_expect[s][ev] & parties[p]) != 0),
					      "exception %s × %s × party %u",
					      recon_exception_fsm.states[s],
					      recon_exception_fsm.events[ev], parties[p]);
}
END_TEST

/* A paid order of city in the database. */
static void
paid_order(struct db_conn *c, int64_t city, const char *no, int64_t fen, int64_t paid_at,
	   int64_t refunded)
{
	struct bank_order_row o = { .city_id = city, .order_no = no, .purpose = "test",
				    .amount_fen = fen, .status = "pending", .created_at = paid_at };
	struct gzf_err e = { 0 };

	ck_assert_int_eq(bank_store_order_create(c, &o, &o.id, &e), GZF_OK);
	o.status = "paid";
	o.bank_txn_id = no;
	o.paid_at = paid_at;
	o.refunded_fen = refunded;
	ck_assert_int_eq(bank_store_order_put(c, &o, paid_at, &e), GZF_OK);
}

/* How many lines the city's runs hold. */
static int
lines_count(struct db_conn *c, int64_t run_id, const char *status)
{
	struct recon_filter f = { .run_id = run_id, .status = status };
	struct recon_line *l;
	struct gzf_err e = { 0 };
	int n, total;

	ck_assert_int_eq(recon_store_lines_list(c, &f, 0, 1, &l, &n, &total, &e), GZF_OK);
	return total;
}

/* One run of csv in a transaction of its own. */
static int
run_csv(struct db_conn *c, struct arena *a, const char *csv, unsigned party, struct recon_run *r,
	int *existing, struct gzf_err *e)
{
	struct recon_input in = { .city_id = CITY, .day = DAY, .party = party, .actor_id = 7,
				  .now = recon_day_start(DAY) + DAY_MS + RECON_CUTOFF_MS };
	int rc;

	ck_assert_int_eq(db_begin(c, e), GZF_OK);
	rc = recon_run_csv(c, a, csv, strlen(csv), &in, r, existing, e);
	if (rc == GZF_OK)
		ck_assert_int_eq(db_commit(c, e), GZF_OK);
	else
		db_rollback(c);
	return rc;
}

START_TEST(a_day_run)
{
	static const char bad_summary[] = HEAD
		"T01,B-000001,,payment,65000,2026-12-01T10:00:00+08:00\n"
		"SUMMARY,1,65001\n";
	static const char good[] = HEAD
		"T01,B-000001,,payment,65000,2026-12-01T10:00:00+08:00\n"
		"T02,B-000002,,payment,48001,2026-12-01T10:01:00+08:00\n"
		"T03,EXTRA-0001,,payment,100,2026-12-01T10:02:00+08:00\n"
		"SUMMARY,3,113101\n";
	struct db *db = unit_db_fresh(&udb, on_pg, 1);
	struct arena *ar = arena_create();
	int64_t from = recon_day_start(DAY);
	struct recon_xinput xi = { .party = FSM_DECIDER, .actor_id = 7, .now = from + 3 * DAY_MS };
	struct recon_line *lines;
	struct recon_run r, again;
	struct db_conn *c;
	struct gzf_err e = { 0 };
	struct recon_filter open = { .status = "open" };
	struct recon_input early = { .city_id = CITY, .day = DAY, .party = FSM_SYSTEM,
				     .now = from + DAY_MS - 1 };
	int existing, n, total, i;

	ck_assert_int_eq(db_acquire(db, ar, &c, &e), GZF_OK);
	paid_order(c, CITY, "B-000001", 65000, from + 1000, 0);
	paid_order(c, CITY, "B-000002", 48000, from + 2000, 0);
	paid_order(c, CITY, "B-000003", 30000, from + 3000, 0);
	paid_order(c, CITY, "B-000004", 999, from + DAY_MS, 0); /* the next day */

	/* a day that has not ended cannot be reconciled */
	ck_assert_int_eq(recon_run_day(c, &early, &r, &existing, &e), GZF_ESTATE);
	ck_assert_str_eq(e.name, "day_not_over");

	/* the summary disagrees with the lines: refused, and recorded with the reason */
	ck_assert_int_eq(run_csv(c, ar, bad_summary, FSM_SYSTEM, &r, &existing, &e), GZF_OK);
	ck_assert_int_eq(existing, 0);
	ck_assert_str_eq(r.state, "refused");
	ck_assert_ptr_nonnull(strstr(r.reason, "the summary says 1 rows and 65001 fen"));
	ck_assert_int_eq(recon_store_run_of_day(c, CITY, DAY, &again, &e), GZF_OK);
	ck_assert_str_eq(again.state, "refused");
	ck_assert_int_eq(lines_count(c, again.id, NULL), 0);

	/* a resident or a member of the public may not run it */
	ck_assert_int_eq(run_csv(c, ar, good, FSM_OWNER, &r, &existing, &e), GZF_EFORBIDDEN);

	/* a good file: matched, bank_only, amount_mismatch and gzf_only */
	ck_assert_int_eq(run_csv(c, ar, good, FSM_DECIDER, &r, &existing, &e), GZF_OK);
	ck_assert_int_eq(existing, 0);
	ck_assert_int_eq(r.id, again.id);
	ck_assert_str_eq(r.state, "open");
	ck_assert_int_eq(r.counts[RECON_MATCHED], 1);
	ck_assert_int_eq(r.counts[RECON_AMOUNT_MISMATCH], 1);
	ck_assert_int_eq(r.counts[RECON_BANK_ONLY], 1);
	ck_assert_int_eq(r.counts[RECON_GZF_ONLY], 1);
	ck_assert_int_eq(r.bank_total_fen, 113101);
	ck_assert_int_eq(r.gzf_total_fen, 65000 + 48000 + 30000);
	ck_assert_int_eq(r.open_exceptions, 3);
	ck_assert_int_eq(lines_count(c, r.id, NULL), 4);

	/* the same day again: nothing added, whatever the file says now */
	ck_assert_int_eq(run_csv(c, ar, bad_summary, FSM_SYSTEM, &again, &existing, &e), GZF_OK);
	ck_assert_int_eq(existing, 1);
	ck_assert_int_eq(again.id, r.id);
	ck_assert_int_eq(again.version, r.version);
	ck_assert_int_eq(lines_count(c, r.id, NULL), 4);

	/* the exceptions: assigned, then refused without a resolution or a note, resolved */
	open.city_id = CITY;
	ck_assert_int_eq(recon_store_lines_list(c, &open, 0, 10, &lines, &n, &total, &e), GZF_OK);
	ck_assert_int_eq(n, 3);
	xi.assignee_id = 7;
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(recon_exception_fire(c, &r, &lines[0], RECON_X_ASSIGN, &xi, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	open.assignee_id = 7;
	ck_assert_int_eq(recon_store_lines_list(c, &open, 0, 10, &lines, &n, &total, &e), GZF_OK);
	ck_assert_int_eq(total, 1);
	open.assignee_id = 0;
	ck_assert_int_eq(recon_store_lines_list(c, &open, 0, 10, &lines, &n, &total, &e), GZF_OK);
	xi.resolution = "forgiven";
	xi.note = "x";
	ck_assert_int_eq(recon_exception_fire(c, &r, &lines[0], RECON_X_RESOLVE, &xi, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "bad_resolution");
	xi.resolution = "bank_error_confirmed";
	xi.note = "";
	ck_assert_int_eq(recon_exception_fire(c, &r, &lines[0], RECON_X_RESOLVE, &xi, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "note_required");
	xi.note = "银行确认多记 1 分";
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(db_begin(c, &e), GZF_OK);
		ck_assert_int_eq(recon_exception_fire(c, &r, &lines[i], RECON_X_RESOLVE, &xi, &e), GZF_OK);
		ck_assert_int_eq(db_commit(c, &e), GZF_OK);
		ck_assert_str_eq(r.state, i + 1 < n ? "open" : "closed");
	}
	ck_assert_int_eq(recon_store_run_get(c, r.id, &again, &e), GZF_OK);
	ck_assert_str_eq(again.state, "closed");
	ck_assert_int_eq(again.open_exceptions, 0);
	ck_assert_int_eq(lines_count(c, r.id, "resolved"), 3);
	/* a resolved exception takes no more events; a matched line is none */
	ck_assert_int_eq(recon_store_line_get(c, lines[0].id, &lines[0], &e), GZF_OK);
	ck_assert_str_eq(lines[0].status, "resolved");
	ck_assert_str_eq(lines[0].note, "银行确认多记 1 分");
	ck_assert_int_eq(recon_exception_fire(c, &again, &lines[0], RECON_X_RESOLVE, &xi, &e), GZF_ESTATE);
	ck_assert_str_eq(e.name, "illegal_transition");
	open.status = "none";
	ck_assert_int_eq(recon_store_lines_list(c, &open, 0, 10, &lines, &n, &total, &e), GZF_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(recon_exception_fire(c, &again, &lines[0], RECON_X_RESOLVE, &xi, &e), GZF_ESTATE);
	ck_assert_str_eq(e.name, "not_an_exception");
	db_release(c);
	arena_destroy(ar);
	unit_db_done(&udb, db);
}
END_TEST

START_TEST(unknown_lines_once)
{
	static const char file[] = HEAD
		"T01,B-000001,,payment,100,2026-12-01T10:00:00+08:00\n"
		"T02,B-000009,,payment,200,2026-12-01T10:00:00+08:00\n"
		"T03,EXTRA-0001,,payment,300,2026-12-01T10:02:00+08:00\n"
		"SUMMARY,3,600\n";
	struct db *db = unit_db_fresh(&udb, on_pg, 1);
	struct arena *ar = arena_create();
	int64_t from = recon_day_start(DAY);
	struct recon_input in = { .day = DAY, .party = FSM_SYSTEM, .now = from + 2 * DAY_MS };
	struct recon_run r1, r2;
	struct db_conn *c;
	struct gzf_err e = { 0 };
	int existing;

	ck_assert_int_eq(db_acquire(db, ar, &c, &e), GZF_OK);
	paid_order(c, CITY, "B-000001", 100, from + 1000, 0);
	paid_order(c, OTHER, "B-000009", 200, from + 1000, 0);
	in.city_id = OTHER;
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(recon_run_csv(c, ar, file, strlen(file), &in, &r1, &existing, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	in.city_id = CITY;
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(recon_run_csv(c, ar, file, strlen(file), &in, &r2, &existing, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	/* each city has its own order's line; the unknown one is in the first run only */
	ck_assert_int_eq(r1.counts[RECON_MATCHED], 1);
	ck_assert_int_eq(r1.counts[RECON_BANK_ONLY], 1);
	ck_assert_int_eq(r1.bank_total_fen, 500);
	ck_assert_int_eq(r2.counts[RECON_MATCHED], 1);
	ck_assert_int_eq(r2.counts[RECON_BANK_ONLY], 0);
	ck_assert_str_eq(r2.state, "closed");
	ck_assert_int_eq(r2.bank_total_fen, 100);
	db_release(c);
	arena_destroy(ar);
	unit_db_done(&udb, db);
}
END_TEST

static TCase *
db_tcase(const char *name, void (*setup)(void))
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, a_day_run);
	tcase_add_test(tc, unknown_lines_once);
	return tc;
}

Suite *
recon_suite(void)
{
	Suite *s = suite_create("recon");
	TCase *pure = tcase_create("pure");

	tcase_add_test(pure, matching_every_kind);
	tcase_add_test(pure, days);
	tcase_add_test(pure, every_state_event_party);
	suite_add_tcase(s, pure);
	suite_add_tcase(s, db_tcase("sqlite", use_sqlite));
	if (unit_pg_wanted(s))
		suite_add_tcase(s, db_tcase("pgsql", use_pg));
	return s;
}
