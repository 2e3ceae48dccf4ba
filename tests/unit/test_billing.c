/*
 * test_billing.c — rent bills in the database (domain/billing.c): a month's run with a
 * full month, a prorated first month, a 低保 reduction and a month entirely waived; run
 * twice, each bill once; payments, waivers and later months entered in random order, the
 * stored bills always equal to the ledger's replay and the balance equation holding; and
 * the XLSX writer read back by the XLSX reader.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/billing.h"
#include "domain/calendar.h"
#include "domain/ledger.h"
#include "domain/sheet.h"

#define CITY 230600
/* 2026-03-02 12:00 local time: March is billed on the 1st, due on the 15th. */
#define NOW (1772424000000LL)

static const char rules[] =
	"{\"rules\":{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1050,"
	"\"reductions\":[{\"category\":\"dibao\",\"kind\":\"percent\",\"bp\":5000},"
	"{\"category\":\"tekun\",\"kind\":\"waive\"}]}],"
	"\"late_fee\":{\"bp_per_day\":5,\"grace_days\":15,\"cap_bp\":1000,\"basis\":\"第十条\"}},"
	"\"billing_day\":1,\"due_day\":15}";

static void
lease(struct db_conn *c, int64_t id, int starts, const char *category)
{
	struct gzf_err e;

	ck_assert_msg(db_exec(c, "INSERT INTO leases (id, city_id, lease_no, application_id, owner_id,"
				 " unit_id, region_code, region_path, state, starts_on, ends_on, area_dm2,"
				 " rent_fen, household_category, created_at, updated_at) VALUES ($1, 230600,"
				 " 'L' || $1, $1, 7, $1, 230602, '/100000/230000/230600/230602/', 'active',"
				 " $2, 20301231, 4567, 0, $3, 0, 0)",
			      DB_ARGS(DB_I(id), DB_I(starts), DB_T(category)), NULL, &e) == GZF_OK,
		      "%s", e.message);
}

/* The stored bills of lease id equal the replay of its ledger ops, and the balance
 * equation holds. */
static void
check_ledger(struct db_conn *c, int64_t id)
{
	struct bill_filter f = { .lease_id = id };
	struct bill_row *b;
	struct bill_op *ops;
	struct ledger l;
	struct gzf_err e;
	int64_t *ids, paid = 0, outstanding = 0;
	int n, nb, i, k = 0;

	ck_assert_int_eq(bill_store_ledger(c, id, id, &ops, &n, &e), GZF_OK);
	ck_assert_int_eq(bill_store_bills(c, &f, 0, 1000, &b, &nb, NULL, &e), GZF_OK);
	ids = calloc((size_t)n + 1, sizeof(*ids));
	ledger_init(&l);
	for (i = 0; i < n; i++) {
		if (strcmp(ops[i].kind, "bill") == 0) {
			struct bill_lines lines = { ops[i].rent_fen, ops[i].reduction_fen, ops[i].late_fee_fen };

			ids[k++] = ops[i].bill_id;
			ck_assert_int_eq(ledger_bill_issue(&l, &lines, NULL, &e), GZF_OK);
		} else if (strcmp(ops[i].kind, "payment") == 0) {
			ck_assert_int_eq(ledger_pay(&l, ops[i].amount_fen, &e), GZF_OK);
		} else {
			size_t j;

			for (j = 0; j < (size_t)k && ids[j] != ops[i].bill_id; j++)
				;
			ck_assert_int_eq(ledger_waive(&l, j, ops[i].amount_fen, &e), GZF_OK);
		}
	}
	ck_assert_int_eq(nb, k);
	for (i = 0; i < nb; i++) {
		size_t j;

		for (j = 0; j < (size_t)k && ids[j] != b[i].id; j++)
			;
		ck_assert_uint_lt(j, (size_t)k);
		ck_assert_int_eq(b[i].paid_fen, l.bills[j].paid_fen);
		ck_assert_int_eq(b[i].waived_fen, l.bills[j].waived_fen);
		ck_assert_str_eq(b[i].state, ledger_bill_state_name(l.bills[j].state));
		ck_assert_int_eq(b[i].amount_fen, l.bills[j].amount_fen);
		paid += b[i].paid_fen;
		outstanding += b[i].amount_fen - b[i].paid_fen - b[i].waived_fen;
	}
	ck_assert_int_eq(l.balance_fen, outstanding - l.credit_fen);
	ck_assert_int_eq(paid + l.credit_fen, l.payments_fen - l.refunds_fen);
	ledger_cleanup(&l);
	free(ids);
}

START_TEST(test_run_store_and_ledger)
{
	struct unit_db u;
	struct db *db = unit_db_fresh(&u, 0, 2);
	struct arena *a = arena_create();
	unsigned char key[AUDIT_KEY_BYTES] = { 0 };
	struct billing_run_result res;
	struct bill_filter f = { .city_id = CITY, .month = 202603 };
	struct bill_row *b;
	struct db_conn *c;
	struct gzf_err e;
	json_t *body = json_loads(rules, 0, NULL);
	int64_t id, bill;
	int n, i, version, month = 202603, payments = 0;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "PRAGMA foreign_keys = OFF", DB_NOARGS, NULL, &e), GZF_OK);
	lease(c, 1, 20260301, "dibao");
	lease(c, 2, 20260320, "dibao");
	lease(c, 3, 20260301, "tekun");
	lease(c, 4, 20260301, "");
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_msg(billing_rules_put(c, CITY, body, 0, NOW, &version, &e) == GZF_OK, "%s", e.message);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	json_decref(body);

	ck_assert_msg(billing_run_month(db, key, CITY, month, 0, NOW, &res, &e) == GZF_OK, "%s", e.message);
	ck_assert_int_eq(res.leases_seen, 4);
	ck_assert_int_eq(res.bills_issued, 3); /* 特困: nothing due, no bill */
	ck_assert_int_eq(billing_run_month(db, key, CITY, month, 0, NOW, &res, &e), GZF_OK);
	ck_assert_int_eq(res.bills_issued, 0);
	ck_assert_int_eq(bill_store_bills(c, &f, 0, 10, &b, &n, NULL, &e), GZF_OK);
	ck_assert_int_eq(n, 3);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(b[i].due_on, 20260315);
		if (b[i].lease_id == 1)
			ck_assert_int_eq(b[i].amount_fen, 23977);
		else if (b[i].lease_id == 2) /* docs/design/rent.md §2: 12 of 31 days */
			ck_assert_int_eq(b[i].amount_fen, 18563 - 9281);
		else
			ck_assert_int_eq(b[i].amount_fen, 47954);
	}
	ck_assert_int_eq(billing_issue_month(c, 1, month, NOW, &bill, &e), GZF_OK);
	ck_assert_int_gt(bill, 0); /* exists: its id */

	/* Random payments, waivers and later months on lease 1; the store stays the replay. */
	srandom(42);
	for (i = 0; i < 120; i++) {
		int r = (int)(random() % 4);
		int64_t amount = 1 + random() % 30000;

		ck_assert_int_eq(db_begin(c, &e), GZF_OK);
		if (r == 0 && month < 202812) {
			month = month % 100 == 12 ? month + 89 : month + 1;
			ck_assert_msg(billing_issue_month(c, 1, month, NOW, &id, &e) == GZF_OK, "%s", e.message);
		} else if (r == 1 || r == 2) {
			ck_assert_int_eq(billing_credit_payment(c, 1, ++payments, amount, NOW, &e), GZF_OK);
			if (r == 2) { /* the same payment again: refused, nothing changes */
				ck_assert_int_eq(db_commit(c, &e), GZF_OK);
				ck_assert_int_eq(db_begin(c, &e), GZF_OK);
				ck_assert_int_eq(billing_credit_payment(c, 1, payments, amount, NOW, &e),
						 GZF_ECONFLICT);
			}
		} else {
			struct bill_filter g = { .lease_id = 1 };
			int nb;

			ck_assert_int_eq(bill_store_bills(c, &g, 0, 1000, &b, &nb, NULL, &e), GZF_OK);
			id = b[random() % nb].id;
			int rc = billing_waive(c, id, amount, 9, NOW + i, &e);
			ck_assert(rc == GZF_OK || (rc == GZF_EINVAL &&
				  (!strcmp(e.name, "waiver_exceeds_outstanding"))));
		}
		ck_assert_int_eq(db_commit(c, &e), GZF_OK);
		check_ledger(c, 1);
	}
	check_ledger(c, 2);
	check_ledger(c, 4);
	db_release(c);
	arena_destroy(a);
	unit_db_done(&u, db);
}
END_TEST

START_TEST(test_rules_refused)
{
	struct unit_db u;
	struct db *db = unit_db_fresh(&u, 0, 2);
	struct arena *a = arena_create();
	unsigned char key[AUDIT_KEY_BYTES] = { 0 };
	struct billing_run_result res;
	struct db_conn *c;
	struct gzf_err e;
	json_t *body = json_loads(rules, 0, NULL), *changed;
	int version;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "PRAGMA foreign_keys = OFF", DB_NOARGS, NULL, &e), GZF_OK);
	lease(c, 1, 20260301, "");
	ck_assert_int_eq(billing_run_month(db, key, CITY, 202603, 0, NOW, &res, &e), GZF_ENOTFOUND);
	ck_assert_str_eq(e.name, "no_rent_rules");
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(billing_rules_put(c, CITY, body, 0, NOW, &version, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	ck_assert_int_eq(billing_run_month(db, key, CITY, 202603, 0, NOW, &res, &e), GZF_OK);
	changed = json_deep_copy(body);
	json_object_set_new(json_array_get(json_object_get(json_object_get(changed, "rules"), "versions"), 0),
			    "fen_per_m2", json_integer(1100));
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(billing_rules_put(c, CITY, changed, 0, NOW, &version, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "rewrites_billed_month");
	json_object_set_new(changed, "due_day", json_integer(29));
	ck_assert_int_eq(billing_rules_put(c, CITY, changed, 0, NOW, &version, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "due_day");
	db_rollback(c);
	json_decref(changed);
	json_decref(body);
	db_release(c);
	arena_destroy(a);
	unit_db_done(&u, db);
}
END_TEST

START_TEST(test_xlsx_round_trip)
{
	static const char *cells[3][4] = {
		{ "合同编号", "欠费金额（分）", "a&b<c>\"d\"", "" },
		{ "L-1", "123456", "第十条 (10)", "x" },
		{ "L-2", "-7", "007", "  spaced  " },
	};
	static const int numeric[] = { 0, 1, 1, 0 };
	struct arena *a = arena_create();
	struct sheet s = { 3, NULL }, back;
	struct gzf_err e;
	unsigned char *bytes;
	size_t len;
	int i, j;

	s.rows = arena_alloc(a, sizeof(*s.rows) * 3);
	for (i = 0; i < 3; i++) {
		s.rows[i] = (struct sheet_row){ .line = i + 1, .ncells = 4,
						 .cells = arena_alloc(a, sizeof(char *) * 4) };
		for (j = 0; j < 4; j++)
			s.rows[i].cells[j] = (char *)cells[i][j];
	}
	ck_assert_int_eq(sheet_write_xlsx(a, &s, "欠费", numeric, 4, &bytes, &len, &e), GZF_OK);
	ck_assert(sheet_is_xlsx(bytes, len));
	ck_assert_msg(sheet_parse_xlsx(a, bytes, len, &back, &e) == GZF_OK, "%s", e.message);
	ck_assert_int_eq(back.nrows, 3);
	for (i = 0; i < 3; i++)
		for (j = 0; j < 4 && j < back.rows[i].ncells; j++)
			ck_assert_str_eq(back.rows[i].cells[j], cells[i][j]);
	s.rows[1].cells[2] = "bell\a";
	ck_assert_int_eq(sheet_write_xlsx(a, &s, "欠费", NULL, 0, &bytes, &len, &e), GZF_EINVAL);
	ck_assert_int_eq(sheet_write_xlsx(a, &s, "bad/name", NULL, 0, &bytes, &len, &e), GZF_EINVAL);
	arena_destroy(a);
}
END_TEST

Suite *
billing_suite(void)
{
	Suite *s = suite_create("billing");
	TCase *tc = tcase_create("billing");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_run_store_and_ledger);
	tcase_add_test(tc, test_rules_refused);
	tcase_add_test(tc, test_xlsx_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
