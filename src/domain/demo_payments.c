/*
 * demo_payments.c — the demo city's rent paid through the bank: of its live leases, the
 * first with bills has its oldest bill paid online (the order, the bank's payment applied
 * as its notification would be, the payment credited with its receipt; the later bills
 * stay owed) and the next lease has a signed monthly debit agreement (代扣). Once: nothing is paid when the first lease
 * has a bank order already, and no agreement is added beside a live one. Needs leases and
 * bills: called after their demo data.
 */
#include "domain/demo.h"

#include <inttypes.h>
#include <string.h>

#include "domain/rent_payment.h"

#define DEMO_CITY 230600

/* The oldest open bill of lease_id paid online, as the bank's notification would. */
static int
pay_oldest(struct db_conn *c, int64_t lease_id, int64_t now, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	struct bank_notification n;
	struct bank_order_row o;
	struct rent_bill *b;
	int64_t paid_at = now - 40 * 86400000LL; /* weeks ago, on a day long reconciled */
	int nb, rc;

	if ((rc = rent_payment_store_open_bills(c, 0, lease_id, &b, &nb, err)) != GZF_OK || nb == 0)
		return rc;
	o = (struct bank_order_row){
		.city_id = DEMO_CITY, .order_no = arena_printf(a, "PDEMO-%" PRId64, b[0].id),
		.purpose = rent_payment_purpose(a, lease_id, &b[0].id, 1),
		.amount_fen = b[0].outstanding_fen, .status = "pending", .created_at = paid_at - 600000,
	};
	if ((rc = bank_store_order_create(c, &o, &o.id, err)) != GZF_OK)
		return rc;
	n = (struct bank_notification){
		.notify_id = arena_printf(a, "ntf_demo_%" PRId64, o.id), .event = "payment.succeeded",
		.order_no = o.order_no, .amount_fen = o.amount_fen,
		.bank_txn_id = arena_printf(a, "TDEMO%014" PRId64, o.id), .at_ms = paid_at,
	};
	return rent_payment_apply(c, &o, &n, paid_at, err);
}

int
demo_payments_load(struct db_conn *c, int64_t now, struct gzf_err *err)
{
	struct debit_agreement g, *have;
	struct rent_lease l;
	int64_t leases[2], orders;
	int i, n, nl, rc;

	if ((rc = rent_payment_store_live_leases(c, DEMO_CITY, 2, leases, &nl, err)) != GZF_OK || nl == 0 ||
	    (rc = rent_payment_store_orders(c, leases[0], NULL, &orders, err)) != GZF_OK)
		return rc;
	if (orders == 0 && (rc = pay_oldest(c, leases[0], now, err)) != GZF_OK)
		return rc;
	if (nl < 2 || (rc = rent_payment_store_lease(c, leases[1], &l, err)) != GZF_OK ||
	    (rc = rent_payment_store_agreements(c, l.owner_id, NULL, 0, RENT_PAYMENT_LIST_MAX, &have, &n,
						err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (have[i].lease_id == l.id && strcmp(have[i].status, "cancelled") != 0)
			return GZF_OK; /* loaded before, or the resident has one */
	g = (struct debit_agreement){
		.city_id = DEMO_CITY, .lease_id = l.id, .owner_id = l.owner_id,
		.agreement_no = arena_printf(db_arena(c), "WDEMO-%" PRId64, l.id), .status = "signed",
		.sign_url = "", .notify_url = "http://127.0.0.1:8080/api/v1/partners/bank/notify",
		.created_at = now,
	};
	return rent_payment_store_agreement_add(c, &g, &g.id, err);
}
