/* test_refund.c — the refund's machine (domain/refund.c) walked state × event × party
 * against an expectation written here, with the guard that checks the bank's word (order
 * and amount); and refund numbers, the same for every retry of one request. */
#include <string.h>

#include "domain/refund.h"
#include "domain/rent_payment.h"
#include "unit.h"

/* The state each (state, event) leads to; -1: no transition. */
static const int expect_to[REFUND_NSTATES][REFUND_NEVENTS] = {
	[REFUND_REQUESTED] = { [REFUND_BANK_SUCCEEDED] = REFUND_SUCCEEDED, [REFUND_BANK_REFUSED] = REFUND_FAILED },
	[REFUND_SUCCEEDED] = { -1, -1 },
	[REFUND_FAILED] = { -1, -1 },
};
static const char *const state_names[REFUND_NSTATES] = { "requested", "succeeded", "failed" };

START_TEST(every_state_and_event)
{
	unsigned parties[] = { FSM_OWNER, FSM_DECIDER, FSM_SYSTEM, FSM_ANYONE, FSM_WITNESS };
	int s, ev, p, bank_ok;

	for (s = 0; s < REFUND_NSTATES; s++) {
		struct refund r = { .id = 7, .refund_no = "R0123456789", .order_no = "P42",
				    .amount_fen = 900, .state = state_names[s] };

		ck_assert_int_eq(refund_state_of(&r), s);
		for (ev = 0; ev < REFUND_NEVENTS; ev++) {
			/* only the bank may fire anything */
			for (p = 0; p < 5; p++)
				ck_assert_int_eq(fsm_allows(&refund_fsm, s, ev, parties[p]),
						 parties[p] == FSM_SYSTEM && expect_to[s][ev] >= 0);
			for (bank_ok = 0; bank_ok < 4; bank_ok++) {
				/* 0: the refund's order and amount; 1: a fen more; 2: another order;
				 * 3: no notification at all (a refusal has none) */
				struct bank_notification n = { .event = "refund.succeeded",
							       .order_no = bank_ok == 2 ? "P43" : "P42",
							       .refund_no = r.refund_no, .bank_txn_id = "R1",
							       .amount_fen = 900 + (bank_ok == 1) };
				struct refund_run run = { .r = &r, .n = bank_ok == 3 ? NULL : &n,
							  .failure = "order_not_paid" };
				const struct fsm_transition *t = NULL;
				struct gzf_err e = { 0 };
				int rc = fsm_find(&refund_fsm, s, ev, FSM_SYSTEM, &run, &t, &e), want;

				if (expect_to[s][ev] < 0)
					want = GZF_ESTATE;
				else if (ev == REFUND_BANK_SUCCEEDED && bank_ok != 0)
					want = GZF_EINVAL;
				else
					want = GZF_OK;
				ck_assert_msg(rc == want, "%s × %s (bank %d): %d, not %d (%s)", state_names[s],
					      refund_fsm.events[ev], bank_ok, rc, want, e.message);
				if (rc == GZF_ESTATE)
					ck_assert_str_eq(e.name, "illegal_transition");
				else if (rc == GZF_EINVAL)
					ck_assert_str_eq(e.name, "amount_mismatch");
				else
					ck_assert_int_eq(t->to, expect_to[s][ev]);
			}
		}
	}
	ck_assert_int_eq(fsm_event_find(&refund_fsm, "refund.succeeded"), REFUND_BANK_SUCCEEDED);
	ck_assert_int_eq(fsm_event_find(&refund_fsm, "payment.succeeded"), -1);
}
END_TEST

START_TEST(numbers)
{
	char a[BANK_NO_MAX + 1], b[BANK_NO_MAX + 1], c[BANK_NO_MAX + 1], o[BANK_NO_MAX + 1];

	refund_no_of(5, "key-1", a);
	refund_no_of(5, "key-1", b);
	refund_no_of(6, "key-1", c);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_int_eq(strlen(a), 25);
	ck_assert_int_eq(a[0], 'R');
	ck_assert(bank_no_valid(a));
	rent_payment_order_no(5, "key-1", o); /* an order of the same request is another number */
	ck_assert_str_ne(a + 1, o + 1);
}
END_TEST

Suite *
refund_suite(void)
{
	Suite *s = suite_create("refund");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, every_state_and_event);
	tcase_add_test(tc, numbers);
	suite_add_tcase(s, tc);
	return s;
}
