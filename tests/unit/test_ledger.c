/* test_ledger.c — the tenant ledger: a worked example of docs/design/rent.md step by step,
 * the refusals with their stable codes, and a property test of 100,000 random operations
 * (seeded; the seed is printed when a check fails) that checks every invariant after
 * every operation against a model the test keeps by itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/ledger.h"
#include "unit.h"

/* expect_bill — bill i of l has these figures and this state. */
static void
expect_bill(const struct ledger *l, size_t i, int64_t amount, int64_t paid, int64_t waived,
	    enum bill_state state)
{
	const struct ledger_bill *b = &l->bills[i];

	ck_assert_msg(b->amount_fen == amount && b->paid_fen == paid && b->waived_fen == waived &&
		      b->state == state,
		      "bill %zu: %lld/%lld/%lld %s, expected %lld/%lld/%lld %s", i,
		      (long long)b->amount_fen, (long long)b->paid_fen, (long long)b->waived_fen,
		      ledger_bill_state_name(b->state), (long long)amount, (long long)paid,
		      (long long)waived, ledger_bill_state_name(state));
}

START_TEST(worked_example)
{
	struct bill_lines march = { 47954, 23977, 0 }, april = { 47954, 23977, 431 };
	struct ledger l;
	size_t i;

	ledger_init(&l);
	/* March: rent 479.54, 低保 −239.77: 239.77 due. */
	ck_assert_int_eq(ledger_bill_issue(&l, &march, &i, NULL), GZF_OK);
	ck_assert_uint_eq(i, 0);
	expect_bill(&l, 0, 23977, 0, 0, BILL_OPEN);
	ck_assert_int_eq(l.balance_fen, 23977);
	/* April: 239.77 and a late fee of 4.31 on March: 244.08. Balance 483.85. */
	ck_assert_int_eq(ledger_bill_issue(&l, &april, &i, NULL), GZF_OK);
	expect_bill(&l, 1, 24408, 0, 0, BILL_OPEN);
	ck_assert_int_eq(l.balance_fen, 48385);
	/* 300.00 paid: March settled (239.77), 60.23 on April. Balance 183.85. */
	ck_assert_int_eq(ledger_pay(&l, 30000, NULL), GZF_OK);
	expect_bill(&l, 0, 23977, 23977, 0, BILL_PAID);
	expect_bill(&l, 1, 24408, 6023, 0, BILL_PART_PAID);
	ck_assert_int_eq(l.balance_fen, 18385);
	/* The late fee waived on April (4.31): 179.54 outstanding. */
	ck_assert_int_eq(ledger_waive(&l, 1, 431, NULL), GZF_OK);
	expect_bill(&l, 1, 24408, 6023, 431, BILL_PART_PAID);
	ck_assert_int_eq(l.balance_fen, 17954);
	/* 200.00 paid: April settled (179.54), 20.46 credit. Balance −20.46. */
	ck_assert_int_eq(ledger_pay(&l, 20000, NULL), GZF_OK);
	expect_bill(&l, 1, 24408, 23977, 431, BILL_WAIVED);
	ck_assert_int_eq(l.credit_fen, 2046);
	ck_assert_int_eq(l.balance_fen, -2046);
	/* May (239.77) takes the credit at once: 219.31 outstanding. */
	ck_assert_int_eq(ledger_bill_issue(&l, &march, &i, NULL), GZF_OK);
	expect_bill(&l, 2, 23977, 2046, 0, BILL_PART_PAID);
	ck_assert_int_eq(l.credit_fen, 0);
	ck_assert_int_eq(l.balance_fen, 21931);
	/* 50.00 refunded: from May's 20.46, then 29.54 from April, which is open again. */
	ck_assert_int_eq(ledger_refund(&l, 5000, NULL), GZF_OK);
	expect_bill(&l, 2, 23977, 0, 0, BILL_OPEN);
	expect_bill(&l, 1, 24408, 23977 - 2954, 431, BILL_PART_PAID);
	ck_assert_int_eq(l.balance_fen, 26931);
	ck_assert_uint_eq(l.first_open, 1);
	/* Σ bills 72362 − Σ payments 50000 − Σ waivers 431 + Σ refunds 5000 = 26931. */
	ck_assert_int_eq(l.billed_fen - l.payments_fen - l.waivers_fen + l.refunds_fen, 26931);
	ledger_cleanup(&l);
}
END_TEST

START_TEST(refusals)
{
	struct bill_lines ok = { 10000, 0, 0 }, zero = { 5000, 5000, 0 }, neg = { 100, 0, -1 },
			  over = { 100, 101, 0 }, huge = { LEDGER_AMOUNT_MAX_FEN + 1, 2, 0 };
	struct ledger l, before;
	struct gzf_err e;

#define REFUSED(call, want)                                                             \
	do {                                                                            \
		before = l;                                                             \
		gzf_err_clear(&e);                                                      \
		ck_assert_int_eq((call), GZF_EINVAL);                                   \
		ck_assert_str_eq(e.name, (want));                                       \
		ck_assert_mem_eq(&l, &before, sizeof(l));                              \
	} while (0)

	ledger_init(&l);
	REFUSED(ledger_bill_issue(&l, &zero, NULL, &e), "amount_invalid");
	REFUSED(ledger_bill_issue(&l, &neg, NULL, &e), "amount_invalid");
	REFUSED(ledger_bill_issue(&l, &over, NULL, &e), "amount_invalid");
	REFUSED(ledger_bill_issue(&l, &huge, NULL, &e), "amount_too_large");
	REFUSED(ledger_pay(&l, 0, &e), "amount_invalid");
	REFUSED(ledger_pay(&l, -100, &e), "amount_invalid");
	REFUSED(ledger_pay(&l, LEDGER_AMOUNT_MAX_FEN + 1, &e), "amount_too_large");
	REFUSED(ledger_refund(&l, 1, &e), "refund_exceeds_paid");
	REFUSED(ledger_waive(&l, 0, 1, &e), "no_such_bill");
	ck_assert_int_eq(ledger_bill_issue(&l, &ok, NULL, NULL), GZF_OK);
	ck_assert_int_eq(ledger_pay(&l, 4000, NULL), GZF_OK);
	REFUSED(ledger_waive(&l, 0, 6001, &e), "waiver_exceeds_outstanding");
	REFUSED(ledger_waive(&l, 0, 0, &e), "amount_invalid");
	REFUSED(ledger_refund(&l, 4001, &e), "refund_exceeds_paid");
	REFUSED(ledger_refund(&l, -1, &e), "amount_invalid");
	ck_assert_int_eq(ledger_refund(&l, 4000, NULL), GZF_OK);
	REFUSED(ledger_refund(&l, 1, &e), "refund_exceeds_paid");
	/* Totals: payments reach exactly 10^15 (4000 fen, 999 of 10^12 and the rest); one
	 * more fen is refused. */
	for (int i = 0; i < 999; i++)
		ck_assert_int_eq(ledger_pay(&l, LEDGER_AMOUNT_MAX_FEN, NULL), GZF_OK);
	ck_assert_int_eq(ledger_pay(&l, LEDGER_TOTAL_MAX_FEN - l.payments_fen, NULL), GZF_OK);
	ck_assert_int_eq(l.payments_fen, LEDGER_TOTAL_MAX_FEN);
	REFUSED(ledger_pay(&l, 1, &e), "total_too_large");
	ledger_cleanup(&l);
	/* At most LEDGER_BILLS_MAX bills. */
	ledger_init(&l);
	for (int i = 0; i < LEDGER_BILLS_MAX; i++)
		ck_assert_int_eq(ledger_bill_issue(&l, &ok, NULL, NULL), GZF_OK);
	REFUSED(ledger_bill_issue(&l, &ok, NULL, &e), "too_many_bills");
	ledger_cleanup(&l);
#undef REFUSED
}
END_TEST

/* HOLDS — ck_assert_msg without Check's bookkeeping when the condition holds (a check
 * that passes costs a message to the test runner): millions of them run here. */
#define HOLDS(cond, ...)                        \
	do {                                    \
		if (!(cond))                    \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* The model the property test keeps: what it asked for and the ledger accepted. */
struct model {
	int64_t bills, payments, waivers, refunds;
};

/* check — every invariant of l after an operation, with the seed and step in the message. */
static void
check(const struct ledger *l, const struct model *m, unsigned seed, long step)
{
	int64_t outstanding_sum = 0, paid_sum = 0, waived_sum = 0, billed_sum = 0, out;
	size_t i, first_open = l->nbills;
	int seen_open = 0;
	const struct ledger_bill *b;

	HOLDS(l->balance_fen == m->bills - m->payments - m->waivers + m->refunds,
		      "seed %u step %ld: balance %lld, model %lld", seed, step,
		      (long long)l->balance_fen,
		      (long long)(m->bills - m->payments - m->waivers + m->refunds));
	HOLDS(l->billed_fen == m->bills && l->payments_fen == m->payments &&
		      l->waivers_fen == m->waivers && l->refunds_fen == m->refunds,
		      "seed %u step %ld: totals differ from the model", seed, step);
	HOLDS(l->credit_fen >= 0, "seed %u step %ld: negative credit", seed, step);
	for (i = 0; i < l->nbills; i++) {
		b = &l->bills[i];
		out = b->amount_fen - b->paid_fen - b->waived_fen;
		HOLDS(b->amount_fen > 0 && b->paid_fen >= 0 && b->waived_fen >= 0 && out >= 0,
			      "seed %u step %ld: bill %zu has a negative figure or is paid beyond its amount",
			      seed, step, i);
		HOLDS(b->amount_fen == b->lines.rent_fen - b->lines.reduction_fen +
						       b->lines.late_fee_fen,
			      "seed %u step %ld: bill %zu amount is not its lines", seed, step, i);
		HOLDS(b->state == (out > 0 ? (b->paid_fen + b->waived_fen > 0 ? BILL_PART_PAID : BILL_OPEN)
						  : (b->waived_fen > 0 ? BILL_WAIVED : BILL_PAID)),
			      "seed %u step %ld: bill %zu is %s", seed, step, i,
			      ledger_bill_state_name(b->state));
		/* Oldest first: once a bill has something outstanding, no later bill has been paid. */
		HOLDS(!seen_open || b->paid_fen == 0,
			      "seed %u step %ld: bill %zu paid while an older bill is outstanding", seed,
			      step, i);
		if (out > 0 && !seen_open) {
			seen_open = 1;
			first_open = i;
		}
		outstanding_sum += out;
		paid_sum += b->paid_fen;
		waived_sum += b->waived_fen;
		billed_sum += b->amount_fen;
	}
	HOLDS(first_open == l->first_open, "seed %u step %ld: first_open %zu, expected %zu",
		      seed, step, l->first_open, first_open);
	HOLDS(l->credit_fen == 0 || outstanding_sum == 0,
		      "seed %u step %ld: credit while a bill is outstanding", seed, step);
	HOLDS(billed_sum == m->bills && waived_sum == m->waivers &&
		      paid_sum + l->credit_fen == m->payments - m->refunds &&
		      l->balance_fen == outstanding_sum - l->credit_fen,
		      "seed %u step %ld: the bills do not add up to the totals", seed, step);
}

/* A random amount: mostly ordinary, sometimes zero, negative, at or over the bound. */
static int64_t
amount(unsigned *r, int64_t typical)
{
	unsigned x = (unsigned)rand_r(r);

	switch (x % 40) {
	case 0: return 0;
	case 1: return -(int64_t)(x % 1000) - 1;
	case 2: return LEDGER_AMOUNT_MAX_FEN + 1;
	case 3: return LEDGER_AMOUNT_MAX_FEN;
	default: return 1 + (int64_t)((unsigned)rand_r(r) % (unsigned)typical);
	}
}

START_TEST(property_random_operations)
{
	const long steps = 100000, per_ledger = 1000;
	unsigned seed = getenv("GZF_TEST_SEED") ? (unsigned)strtoul(getenv("GZF_TEST_SEED"), NULL, 10)
						: (unsigned)gzf_now_ms();
	unsigned r = seed;
	struct ledger l;
	struct model m;
	struct bill_lines lines;
	int64_t a;
	long step;
	size_t idx;
	int rc, refused = 0;

	ledger_init(&l);
	memset(&m, 0, sizeof(m));
	for (step = 0; step < steps; step++) {
		if (step % per_ledger == 0) {
			/* A fresh tenant: ledgers of a lease's length, checked in full each step. */
			ledger_cleanup(&l);
			ledger_init(&l);
			memset(&m, 0, sizeof(m));
		}
		switch ((unsigned)rand_r(&r) % 8) {
		case 0: case 1: case 2:
			lines.rent_fen = amount(&r, 80000);
			lines.reduction_fen = (unsigned)rand_r(&r) % 3 == 0 && lines.rent_fen > 0
						      ? (int64_t)((unsigned)rand_r(&r) % (unsigned)(lines.rent_fen % 100000 + 2))
						      : 0;
			lines.late_fee_fen = (unsigned)rand_r(&r) % 4 == 0 ? amount(&r, 3000) : 0;
			rc = ledger_bill_issue(&l, &lines, NULL, NULL);
			if (rc == GZF_OK)
				m.bills += lines.rent_fen - lines.reduction_fen + lines.late_fee_fen;
			break;
		case 3: case 4: case 5:
			a = amount(&r, 100000);
			rc = ledger_pay(&l, a, NULL);
			if (rc == GZF_OK)
				m.payments += a;
			break;
		case 6:
			a = amount(&r, 20000);
			idx = l.nbills ? (size_t)rand_r(&r) % (l.nbills + 1) : 0;
			rc = ledger_waive(&l, idx, a, NULL);
			if (rc == GZF_OK)
				m.waivers += a;
			break;
		default:
			a = (unsigned)rand_r(&r) % 2 ? amount(&r, 50000)
						     : l.payments_fen - l.refunds_fen + (rand_r(&r) % 3 - 1);
			rc = ledger_refund(&l, a, NULL);
			if (rc == GZF_OK)
				m.refunds += a;
			HOLDS(rc != GZF_OK || a <= m.payments - (m.refunds - a),
				      "seed %u step %ld: refund beyond what was paid", seed, step);
			break;
		}
		HOLDS(rc == GZF_OK || rc == GZF_EINVAL, "seed %u step %ld: code %d", seed, step, rc);
		refused += rc != GZF_OK;
		check(&l, &m, seed, step);
	}
	/* Both kinds of outcome were exercised. */
	HOLDS(refused > steps / 50 && refused < steps / 2, "seed %u: %d refused", seed, refused);
	ledger_cleanup(&l);
}
END_TEST

Suite *
ledger_suite(void)
{
	Suite *s = suite_create("ledger");
	TCase *tc = tcase_create("ledger");

	tcase_add_test(tc, worked_example);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, property_random_operations);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
