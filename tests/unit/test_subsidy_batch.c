/* test_subsidy_batch.c — rental-subsidy entitlements and monthly batches: both state
 * machines walked state × event × party against an expectation written here by hand,
 * the bank's batch payment and result files written and read back, headers that do not
 * match their lines, and the household figures refused out of range. */
#include <string.h>

#include "core/arena.h"
#include "domain/subsidy.h"
#include "partners/bank_batch.h"
#include "unit.h"

struct expect {
	int from, event;
	unsigned who;
};

#define STAFF FSM_DECIDER
static const struct expect ent_flow[] = {
	{ SUBSIDY_ENT_NONE, SUBSIDY_ENT_GRANT, STAFF },
	{ SUBSIDY_ENT_ACTIVE, SUBSIDY_ENT_RECOMPUTE, STAFF },
	{ SUBSIDY_ENT_SUSPENDED, SUBSIDY_ENT_RECOMPUTE, STAFF },
	{ SUBSIDY_ENT_ACTIVE, SUBSIDY_ENT_SUSPEND, STAFF },
	{ SUBSIDY_ENT_SUSPENDED, SUBSIDY_ENT_RESUME, STAFF },
	{ SUBSIDY_ENT_ACTIVE, SUBSIDY_ENT_END, STAFF },
	{ SUBSIDY_ENT_SUSPENDED, SUBSIDY_ENT_END, STAFF },
	{ SUBSIDY_ENT_ACTIVE, SUBSIDY_ENT_ACCOUNT, STAFF },
	{ SUBSIDY_ENT_SUSPENDED, SUBSIDY_ENT_ACCOUNT, STAFF },
};

static const struct expect batch_flow[] = {
	{ SUBSIDY_BATCH_NONE, SUBSIDY_BATCH_COMPUTE, STAFF },
	{ SUBSIDY_BATCH_COMPUTED, SUBSIDY_BATCH_CHECK, STAFF },
	{ SUBSIDY_BATCH_CHECKED, SUBSIDY_BATCH_APPROVE, STAFF },
	{ SUBSIDY_BATCH_APPROVED, SUBSIDY_BATCH_SEND, STAFF },
	{ SUBSIDY_BATCH_SENT, SUBSIDY_BATCH_RESEND, STAFF },
	{ SUBSIDY_BATCH_SENT, SUBSIDY_BATCH_IMPORT, STAFF | FSM_SYSTEM },
	{ SUBSIDY_BATCH_CLOSED, SUBSIDY_BATCH_IMPORT, STAFF | FSM_SYSTEM },
	{ SUBSIDY_BATCH_COMPUTED, SUBSIDY_BATCH_CANCEL, STAFF },
	{ SUBSIDY_BATCH_CHECKED, SUBSIDY_BATCH_CANCEL, STAFF },
	{ SUBSIDY_BATCH_APPROVED, SUBSIDY_BATCH_CANCEL, STAFF },
};

static const unsigned parties[] = { FSM_OWNER, FSM_DECIDER, FSM_SYSTEM, FSM_ANYONE, FSM_WITNESS };

static const struct expect *
expected(const struct expect *flow, size_t n, int state, int event)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (flow[i].from == state && flow[i].event == event)
			return &flow[i];
	return NULL;
}

/* Every state × event × party of m allowed exactly as flow says, and nothing more. */
static void
walk(const struct fsm *m, const struct expect *flow, size_t n)
{
	const struct fsm_transition *t;
	struct gzf_err err = { 0 };
	size_t p;
	int s, ev, rc;

	for (s = 0; s < m->n_states; s++)
		for (ev = 0; ev < m->n_events; ev++)
			for (p = 0; p < sizeof(parties) / sizeof(parties[0]); p++) {
				const struct expect *x = expected(flow, n, s, ev);
				int want = x != NULL && (x->who & parties[p]) != 0;

				ck_assert_msg(fsm_allows(m, s, ev, parties[p]) == want, "%s: %s + %s by %u",
					      m->name, m->states[s], m->events[ev], parties[p]);
				if (x == NULL) {
					rc = fsm_find(m, s, ev, parties[p], NULL, &t, &err);
					ck_assert_int_eq(rc, GZF_ESTATE);
					ck_assert_str_eq(err.name, "illegal_transition");
				} else if (!want) {
					rc = fsm_find(m, s, ev, parties[p], NULL, &t, &err);
					ck_assert_int_eq(rc, GZF_EFORBIDDEN);
				}
			}
	for (s = 0; s < m->n; s++)
		ck_assert_ptr_nonnull(expected(flow, n, m->table[s].from, m->table[s].event));
	ck_assert_int_eq(m->n, (int)n);
}

START_TEST(entitlement_every_state_event_and_party)
{
	walk(&subsidy_entitlement_fsm, ent_flow, sizeof(ent_flow) / sizeof(ent_flow[0]));
	/* suspended and ended households are never in a batch: only "active" is paid */
	ck_assert_str_eq(subsidy_entitlement_fsm.states[SUBSIDY_ENT_ACTIVE], "active");
}
END_TEST

START_TEST(batch_every_state_event_and_party)
{
	walk(&subsidy_batch_fsm, batch_flow, sizeof(batch_flow) / sizeof(batch_flow[0]));
}
END_TEST

static const struct bank_batch_line lines3[] = {
	{ 1, "6217002340001234567", "毛斌", 260319, "202612" },
	{ 2, "62220202001122334455", "严丹", 120000, "202612" },
	{ 3, "12345678", "Li Lei", 1, "202611" },
};

START_TEST(payment_file_written_and_read_back)
{
	struct arena *a = arena_create();
	struct gzf_err err = { 0 };
	struct bank_batch_file f;
	char *text, sha[65];
	size_t len;

	ck_assert_int_eq(bank_batch_write(a, "SB2306002026121a2b3c4d-1", lines3, 3, &text, &len, &err), GZF_OK);
	ck_assert_str_eq(text, "GZFPAY,SB2306002026121a2b3c4d-1,3,380320\n"
			       "1,6217002340001234567,毛斌,260319,202612\n"
			       "2,62220202001122334455,严丹,120000,202612\n"
			       "3,12345678,Li Lei,1,202611\n");
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_int_eq(bank_batch_parse(a, text, len, &f, &err), GZF_OK);
	ck_assert_str_eq(f.batch_no, "SB2306002026121a2b3c4d-1");
	ck_assert_int_eq(f.count, 3);
	ck_assert_int_eq(f.total_fen, 380320);
	ck_assert_str_eq(f.lines[1].name, "严丹");
	ck_assert_str_eq(f.lines[2].memo, "202611");
	bank_batch_sha256("abc", 3, sha);
	ck_assert_str_eq(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* what may not be written */
	struct bank_batch_line bad = lines3[0];
	bad.name = "毛,斌";
	ck_assert_int_eq(bank_batch_write(a, "SB-1", lines3, 3, &text, &len, &err), GZF_EINVAL);
	ck_assert_int_eq(bank_batch_write(a, "SB2306-1", &bad, 1, &text, &len, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "bad_batch_file");
	bad = lines3[0];
	bad.account = "62170023400012345X";
	ck_assert_int_eq(bank_batch_write(a, "SB2306-1", &bad, 1, &text, &len, &err), GZF_EINVAL);
	bad = lines3[1];
	ck_assert_int_eq(bank_batch_write(a, "SB2306-1", &bad, 1, &text, &len, &err), GZF_EINVAL); /* seq 2 first */
	ck_assert_int_eq(bank_batch_write(a, "SB2306-1", lines3, 0, &text, &len, &err), GZF_EINVAL);
	arena_destroy(a);
}
END_TEST

static int
parse(struct arena *a, const char *text, struct gzf_err *err)
{
	struct bank_batch_file f;

	return bank_batch_parse(a, text, strlen(text), &f, err);
}

START_TEST(payment_file_headers_and_lines_refused)
{
	struct arena *a = arena_create();
	struct gzf_err err = { 0 };
	static const struct { const char *text, *name; } cases[] = {
		{ "GZFPAY,SB2306-1,2,300\n1,62170000000000001,张三,100,202612\n2,62170000000000002,李四,200,202612\n", NULL },
		{ "GZFPAY,SB2306-1,3,300\n1,62170000000000001,张三,100,202612\n2,62170000000000002,李四,200,202612\n", "header_mismatch" },
		{ "GZFPAY,SB2306-1,1,300\n1,62170000000000001,张三,100,202612\n2,62170000000000002,李四,200,202612\n", "header_mismatch" },
		{ "GZFPAY,SB2306-1,2,301\n1,62170000000000001,张三,100,202612\n2,62170000000000002,李四,200,202612\n", "header_mismatch" },
		{ "GZFPAY,SB2306-1,2,300\n1,62170000000000001,张三,100,202612\n2,62170000000000002,李四,200,202612", "bad_batch_file" },
		{ "GZFPAY,SB2306-1,2,300\n2,62170000000000001,张三,100,202612\n1,62170000000000002,李四,200,202612\n", "bad_batch_file" },
		{ "GZFPAY,SB2306-1,2,300\n1,62170000000000001,张三,100,202612\n2,62170000000000002,李四,200\n", "bad_batch_file" },
		{ "GZFPAY,SB2306-1,2,300\n1,62170000000000001,张三,100,202612\n2,62170000000000002,李四,200,2026/12\n", "bad_batch_file" },
		{ "GZFRES,SB2306-1,1,100\n1,62170000000000001,张三,100,202612\n", "bad_batch_file" },
		{ "GZFPAY,SB 2306,1,100\n1,62170000000000001,张三,100,202612\n", "bad_batch_file" },
		{ "", "bad_batch_file" },
		{ "GZFPAY,SB2306-1,0,0\n", "bad_batch_file" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(a, cases[i].text, &err);

		if (cases[i].name == NULL) {
			ck_assert_msg(rc == GZF_OK, "case %zu: %s", i, err.message);
			continue;
		}
		ck_assert_msg(rc == GZF_EINVAL && strcmp(err.name, cases[i].name) == 0,
			      "case %zu: got %d %s, want %s", i, rc, rc ? err.name : "ok", cases[i].name);
	}
	arena_destroy(a);
}
END_TEST

START_TEST(result_file_written_and_read_back)
{
	struct arena *a = arena_create();
	struct gzf_err err = { 0 };
	struct bank_batch_file f;
	struct bank_batch_result r[2] = {
		{ 1, "6217002340001234567", 260319, 1, "" },
		{ 2, "62220202001122334455", 120000, 0, "account_closed" },
	};
	char *text;
	size_t len;

	ck_assert_int_eq(bank_batch_result_write(a, "SB2306-1", r, 2, &text, &len, &err), GZF_OK);
	ck_assert_str_eq(text, "GZFRES,SB2306-1,2,380319\n1,6217002340001234567,260319,ok,\n"
			       "2,62220202001122334455,120000,failed,account_closed\n");
	ck_assert_int_eq(bank_batch_result_parse(a, text, len, &f, &err), GZF_OK);
	ck_assert_int_eq(f.results[0].ok, 1);
	ck_assert_int_eq(f.results[1].ok, 0);
	ck_assert_str_eq(f.results[1].reason, "account_closed");
	/* the total counts every line, paid or not; a failure names its reason, a success none */
	ck_assert_int_eq(bank_batch_result_parse(a, "GZFRES,SB2306-1,1,5\n1,12345678,6,ok,\n", 37, &f, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "header_mismatch");
	ck_assert_int_eq(bank_batch_result_parse(a, "GZFRES,SB2306-1,1,6\n1,12345678,6,failed,\n", 40, &f, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "bad_batch_file");
	ck_assert_int_eq(bank_batch_result_parse(a, "GZFRES,SB2306-1,1,6\n1,12345678,6,ok,why\n", 40, &f, &err), GZF_EINVAL);
	r[1].reason = "";
	ck_assert_int_eq(bank_batch_result_write(a, "SB2306-1", r, 2, &text, &len, &err), GZF_EINVAL);
	arena_destroy(a);
}
END_TEST

START_TEST(household_figures_and_months)
{
	struct gzf_err err = { 0 };
	struct subsidy_household h;
	static const struct { const char *json, *field; } cases[] = {
		{ "{\"categories\":[\"dibao\",\"tekun\"],\"income_fen_per_capita\":0,\"persons\":1,\"area_dm2\":0,\"district\":230602}", NULL },
		{ "{\"income_fen_per_capita\":1,\"persons\":0,\"area_dm2\":1}", "household.persons" },
		{ "{\"income_fen_per_capita\":-1,\"persons\":1,\"area_dm2\":1}", "household.income_fen_per_capita" },
		{ "{\"income_fen_per_capita\":1,\"persons\":1}", "household.area_dm2" },
		{ "{\"income_fen_per_capita\":1,\"persons\":1,\"area_dm2\":1.5}", "household.area_dm2" },
		{ "{\"income_fen_per_capita\":1,\"persons\":1,\"area_dm2\":1,\"district\":23}", "household.district" },
		{ "{\"income_fen_per_capita\":1,\"persons\":1,\"area_dm2\":1,\"categories\":[\"rich\"]}", "household.categories" },
		{ "{\"income_fen_per_capita\":1,\"persons\":1,\"area_dm2\":1,\"pets\":2}", "household" },
		{ "[]", "household" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = json_loads(cases[i].json, 0, NULL);
		int rc = subsidy_household_parse(j, &h, &err);

		json_decref(j);
		if (cases[i].field == NULL) {
			ck_assert_int_eq(rc, GZF_OK);
			ck_assert_int_eq(h.categories, SUBSIDY_CAT_DIBAO | SUBSIDY_CAT_TEKUN);
			ck_assert_int_eq(h.district, 230602);
			continue;
		}
		ck_assert_msg(rc == GZF_EINVAL && strcmp(err.field, cases[i].field) == 0, "case %zu: %s", i,
			      rc ? err.field : "ok");
	}
	ck_assert(subsidy_month_valid(202612));
	ck_assert(!subsidy_month_valid(202613));
	ck_assert(!subsidy_month_valid(202600));
	ck_assert(!subsidy_month_valid(199912));
	/* 2026-12-31 16:00 UTC is already January in China */
	ck_assert_int_eq(subsidy_month_of(1798732800000LL), 202701);
	ck_assert_int_eq(subsidy_month_of(1798732800000LL - 1), 202612);
}
END_TEST

Suite *
subsidy_batch_suite(void)
{
	Suite *s = suite_create("subsidy_batch");
	TCase *tc = tcase_create("batch");

	tcase_add_test(tc, entitlement_every_state_event_and_party);
	tcase_add_test(tc, batch_every_state_event_and_party);
	tcase_add_test(tc, payment_file_written_and_read_back);
	tcase_add_test(tc, payment_file_headers_and_lines_refused);
	tcase_add_test(tc, result_file_written_and_read_back);
	tcase_add_test(tc, household_figures_and_months);
	suite_add_tcase(s, tc);
	return s;
}
