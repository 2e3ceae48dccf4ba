/*
 * ledger.h — a tenant's rent ledger (R9, R22): the bills issued to one lease, the payments,
 * waivers and refunds, replayed in order. It keeps, after every operation,
 *   balance = Σ bills − Σ payments − Σ waivers + Σ refunds
 * (positive: the tenant owes; negative: the tenant has credit), allocates payments to the
 * oldest bill not yet settled, and gives each bill its state. Pure arithmetic: the store
 * keeps the operations and rebuilds a ledger by replaying them. docs/design/rent.md.
 */
#ifndef GZF_DOMAIN_LEDGER_H
#define GZF_DOMAIN_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "core/gzf.h"
#include "domain/rent.h"

/* Bounds: no single amount above LEDGER_AMOUNT_MAX_FEN (= RENT_AMOUNT_MAX_FEN, 10^12 fen);
 * no running total above LEDGER_TOTAL_MAX_FEN (10^15 fen); at most LEDGER_BILLS_MAX
 * bills in one ledger (a lease of 70 years has 840 months). */
#define LEDGER_AMOUNT_MAX_FEN RENT_AMOUNT_MAX_FEN
#define LEDGER_TOTAL_MAX_FEN 1000000000000000LL
#define LEDGER_BILLS_MAX 20000

/* A bill's state, which follows from its figures:
 *   open       nothing paid or waived;
 *   part_paid  something paid or waived, something still outstanding;
 *   paid       nothing outstanding, nothing waived;
 *   waived     nothing outstanding, some of it waived. */
enum bill_state { BILL_OPEN, BILL_PART_PAID, BILL_PAID, BILL_WAIVED };

/* The lines of a bill: rent, the reduction the household has (0 ≤ reduction ≤ rent) and
 * late fees charged on earlier bills. amount = rent − reduction + late_fee. */
struct bill_lines {
	int64_t rent_fen;
	int64_t reduction_fen;
	int64_t late_fee_fen;
};

/* One bill: its lines and amount, what has been paid of it and waived. outstanding =
 * amount − paid − waived ≥ 0. */
struct ledger_bill {
	struct bill_lines lines;
	int64_t amount_fen;
	int64_t paid_fen;
	int64_t waived_fen;
	enum bill_state state;
};

/* A ledger: its bills in the order issued (oldest first), the running totals, the credit
 * (payments not allocated to any bill) and the balance. first_open is the index of the
 * oldest bill with something outstanding (nbills when none). Read the fields; change
 * them only through the functions below. */
struct ledger {
	struct ledger_bill *bills;
	size_t nbills, cap;
	size_t first_open;
	int64_t billed_fen, payments_fen, waivers_fen, refunds_fen;
	int64_t credit_fen;
	int64_t balance_fen;
};

/* ledger_init — an empty ledger; ledger_cleanup frees what it holds. */
void ledger_init(struct ledger *l);
void ledger_cleanup(struct ledger *l);

/* ledger_bill_state_name — "open", "part_paid", "paid", "waived". */
const char *ledger_bill_state_name(enum bill_state s);

/*
 * ledger_bill_issue — add a bill with lines to l; *index (may be NULL) its index. Credit
 * the tenant has is applied to it at once. GZF_EINVAL (l unchanged): "amount_invalid"
 * (a line below 0, the reduction above the rent, or an amount ≤ 0: a month entirely
 * reduced is not billed), "amount_too_large" (a line or the amount above
 * LEDGER_AMOUNT_MAX_FEN), "total_too_large" (Σ bills would pass LEDGER_TOTAL_MAX_FEN),
 * "too_many_bills" (LEDGER_BILLS_MAX reached).
 */
int ledger_bill_issue(struct ledger *l, const struct bill_lines *lines, size_t *index,
		      struct gzf_err *err);

/*
 * ledger_pay — credit a payment of amount_fen: it settles the oldest bill with something
 * outstanding, then the next, ...; what is left becomes credit. GZF_EINVAL (l unchanged):
 * "amount_invalid" (≤ 0), "amount_too_large", "total_too_large" (Σ payments).
 */
int ledger_pay(struct ledger *l, int64_t amount_fen, struct gzf_err *err);

/*
 * ledger_waive — waive amount_fen of bill index (减免 after issue). GZF_EINVAL (l
 * unchanged): "amount_invalid" (≤ 0), "amount_too_large", "no_such_bill",
 * "waiver_exceeds_outstanding" (more than the bill still has outstanding).
 */
int ledger_waive(struct ledger *l, size_t index, int64_t amount_fen, struct gzf_err *err);

/*
 * ledger_refund — pay amount_fen back to the tenant: it comes from the credit first, then
 * from the payments allocated to bills, newest bill first (so those bills are open again
 * and payments stay allocated oldest first). GZF_EINVAL (l unchanged): "amount_invalid"
 * (≤ 0), "amount_too_large", "refund_exceeds_paid" (more than Σ payments − Σ refunds).
 */
int ledger_refund(struct ledger *l, int64_t amount_fen, struct gzf_err *err);

#endif
