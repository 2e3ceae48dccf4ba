/*
 * ledger.c — a tenant's rent ledger: bills, payments allocated oldest first, waivers,
 * refunds, credit and balance (ledger.h). Every operation checks its input first and
 * changes nothing when it refuses it.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "domain/ledger.h"

static int amount_check(int64_t amount, struct gzf_err *err);
static void bill_settle(struct ledger_bill *b);
static void allocate(struct ledger *l, int64_t amount);

void
ledger_init(struct ledger *l)
{
	memset(l, 0, sizeof(*l));
}

void
ledger_cleanup(struct ledger *l)
{
	free(l->bills);
	memset(l, 0, sizeof(*l));
}

const char *
ledger_bill_state_name(enum bill_state s)
{
	static const char *const names[] = { "open", "part_paid", "paid", "waived" };

	assert((unsigned)s < sizeof(names) / sizeof(names[0]));
	return names[s];
}

/* An amount of money given to an operation: 1 to LEDGER_AMOUNT_MAX_FEN. */
static int
amount_check(int64_t amount, struct gzf_err *err)
{
	if (amount <= 0)
		return gzf_err_set(err, GZF_EINVAL, "amount_invalid", "amount_fen",
				   "an amount must be above 0 fen");
	if (amount > LEDGER_AMOUNT_MAX_FEN)
		return gzf_err_set(err, GZF_EINVAL, "amount_too_large", "amount_fen",
				   "an amount must be at most %lld fen", LEDGER_AMOUNT_MAX_FEN);
	return GZF_OK;
}

/* Give bill b the state its figures say. */
static void
bill_settle(struct ledger_bill *b)
{
	int64_t outstanding = b->amount_fen - b->paid_fen - b->waived_fen;

	assert(b->paid_fen >= 0 && b->waived_fen >= 0 && outstanding >= 0);
	if (outstanding > 0)
		b->state = b->paid_fen + b->waived_fen > 0 ? BILL_PART_PAID : BILL_OPEN;
	else
		b->state = b->waived_fen > 0 ? BILL_WAIVED : BILL_PAID;
}

/* Allocate amount (paid, not yet on any bill) to the oldest bills with something
 * outstanding; the rest becomes credit. The balance is the caller's. */
static void
allocate(struct ledger *l, int64_t amount)
{
	struct ledger_bill *b;
	int64_t part;

	while (amount > 0 && l->first_open < l->nbills) {
		b = &l->bills[l->first_open];
		part = b->amount_fen - b->paid_fen - b->waived_fen;
		if (part > amount)
			part = amount;
		b->paid_fen += part;
		amount -= part;
		bill_settle(b);
		if (b->state == BILL_PAID || b->state == BILL_WAIVED)
			l->first_open++;
	}
	l->credit_fen += amount;
}

int
ledger_bill_issue(struct ledger *l, const struct bill_lines *lines, size_t *index,
		  struct gzf_err *err)
{
	struct ledger_bill *b;
	int64_t amount;
	int rc;

	if (lines->rent_fen < 0 || lines->reduction_fen < 0 || lines->late_fee_fen < 0 ||
	    lines->reduction_fen > lines->rent_fen)
		return gzf_err_set(err, GZF_EINVAL, "amount_invalid", "lines",
				   "bill lines are 0 or more, the reduction at most the rent");
	if (lines->rent_fen > LEDGER_AMOUNT_MAX_FEN || lines->late_fee_fen > LEDGER_AMOUNT_MAX_FEN)
		return gzf_err_set(err, GZF_EINVAL, "amount_too_large", "lines",
				   "a bill line must be at most %lld fen", LEDGER_AMOUNT_MAX_FEN);
	amount = lines->rent_fen - lines->reduction_fen + lines->late_fee_fen;
	rc = amount_check(amount, err);
	if (rc != GZF_OK)
		return rc;
	if (l->billed_fen > LEDGER_TOTAL_MAX_FEN - amount)
		return gzf_err_set(err, GZF_EINVAL, "total_too_large", "amount_fen",
				   "the bills of a ledger must total at most %lld fen", LEDGER_TOTAL_MAX_FEN);
	if (l->nbills == LEDGER_BILLS_MAX)
		return gzf_err_set(err, GZF_EINVAL, "too_many_bills", NULL,
				   "a ledger holds at most %d bills", LEDGER_BILLS_MAX);
	if (l->nbills == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->bills = gzf_realloc(l->bills, l->cap * sizeof(*l->bills));
	}
	b = &l->bills[l->nbills++];
	memset(b, 0, sizeof(*b));
	b->lines = *lines;
	b->amount_fen = amount;
	bill_settle(b);
	l->billed_fen += amount;
	l->balance_fen += amount;
	if (index != NULL)
		*index = l->nbills - 1;
	/* Credit exists only when every older bill is settled: it goes to this one. */
	amount = l->credit_fen;
	l->credit_fen = 0;
	allocate(l, amount);
	return GZF_OK;
}

int
ledger_pay(struct ledger *l, int64_t amount_fen, struct gzf_err *err)
{
	int rc = amount_check(amount_fen, err);

	if (rc != GZF_OK)
		return rc;
	if (l->payments_fen > LEDGER_TOTAL_MAX_FEN - amount_fen)
		return gzf_err_set(err, GZF_EINVAL, "total_too_large", "amount_fen",
				   "the payments of a ledger must total at most %lld fen", LEDGER_TOTAL_MAX_FEN);
	l->payments_fen += amount_fen;
	l->balance_fen -= amount_fen;
	allocate(l, amount_fen);
	return GZF_OK;
}

int
ledger_waive(struct ledger *l, size_t index, int64_t amount_fen, struct gzf_err *err)
{
	struct ledger_bill *b;
	int rc = amount_check(amount_fen, err);

	if (rc != GZF_OK)
		return rc;
	if (index >= l->nbills)
		return gzf_err_set(err, GZF_EINVAL, "no_such_bill", "bill", "no bill %zu in this ledger",
				   index);
	b = &l->bills[index];
	if (amount_fen > b->amount_fen - b->paid_fen - b->waived_fen)
		return gzf_err_set(err, GZF_EINVAL, "waiver_exceeds_outstanding", "amount_fen",
				   "the bill has %lld fen outstanding",
				   (long long)(b->amount_fen - b->paid_fen - b->waived_fen));
	/* Σ waivers ≤ Σ bills ≤ LEDGER_TOTAL_MAX_FEN: no total to check. */
	b->waived_fen += amount_fen;
	bill_settle(b);
	l->waivers_fen += amount_fen;
	l->balance_fen -= amount_fen;
	while (l->first_open < l->nbills && (l->bills[l->first_open].state == BILL_PAID ||
					     l->bills[l->first_open].state == BILL_WAIVED))
		l->first_open++;
	return GZF_OK;
}

int
ledger_refund(struct ledger *l, int64_t amount_fen, struct gzf_err *err)
{
	struct ledger_bill *b;
	int64_t left, part;
	size_t i;
	int rc = amount_check(amount_fen, err);

	if (rc != GZF_OK)
		return rc;
	if (amount_fen > l->payments_fen - l->refunds_fen)
		return gzf_err_set(err, GZF_EINVAL, "refund_exceeds_paid", "amount_fen",
				   "at most %lld fen paid can be refunded",
				   (long long)(l->payments_fen - l->refunds_fen));
	l->refunds_fen += amount_fen;
	l->balance_fen += amount_fen;
	part = amount_fen < l->credit_fen ? amount_fen : l->credit_fen;
	l->credit_fen -= part;
	left = amount_fen - part;
	/* Σ paid of bills + credit = Σ payments − Σ refunds, so the bills hold the rest. */
	for (i = l->nbills; left > 0 && i-- > 0;) {
		b = &l->bills[i];
		part = left < b->paid_fen ? left : b->paid_fen;
		if (part == 0)
			continue;
		b->paid_fen -= part;
		left -= part;
		bill_settle(b);
		if (b->state != BILL_PAID && b->state != BILL_WAIVED && i < l->first_open)
			l->first_open = i;
	}
	assert(left == 0);
	return GZF_OK;
}
