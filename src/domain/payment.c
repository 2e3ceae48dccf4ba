/*
 * payment.c — a payment order's life as the bank's notifications tell it (payment.h).
 */
#include "domain/payment.h"

#include <assert.h>
#include <string.h>

/* What a transition works on. */
struct run {
	struct db_conn *c;
	struct bank_order_row *o;
	const struct bank_notification *n;
	int64_t now;
};

static int amount_matches(void *ctx, struct gzf_err *err);
static int refund_fits(void *ctx, struct gzf_err *err);
static int fx_paid(void *ctx, struct gzf_err *err);
static int fx_closed(void *ctx, struct gzf_err *err);
static int fx_refunded(void *ctx, struct gzf_err *err);

static const char *const payment_states[PAYMENT_NSTATES] = {
	[PAYMENT_PENDING] = "pending", [PAYMENT_PAID] = "paid", [PAYMENT_CLOSED] = "closed",
};

static const char *const payment_events[PAYMENT_NEVENTS] = {
	[PAYMENT_SUCCEEDED] = "payment.succeeded", [PAYMENT_FAILED] = "payment.failed",
	[PAYMENT_REFUNDED] = "refund.succeeded",
};

/* A payment order (docs/design/state-machines.md). The bank is the only party. A payment
 * that arrives after gzf closed the order still counts: the payer's money is at the bank
 * and must be matched (and refunded by staff if it is not wanted). A second payment of a
 * paid order has no row: it is refused and recorded for reconciliation. */
static const struct fsm_transition payment_flow[] = {
	/* from             event              who         guard           to              effects    effect */
	{ PAYMENT_PENDING,  PAYMENT_SUCCEEDED, FSM_SYSTEM, amount_matches, PAYMENT_PAID,   FX_RECORD, fx_paid },
	{ PAYMENT_CLOSED,   PAYMENT_SUCCEEDED, FSM_SYSTEM, amount_matches, PAYMENT_PAID,   FX_RECORD, fx_paid },
	{ PAYMENT_PENDING,  PAYMENT_FAILED,    FSM_SYSTEM, amount_matches, PAYMENT_CLOSED, FX_RECORD, fx_closed },
	{ PAYMENT_PAID,     PAYMENT_REFUNDED,  FSM_SYSTEM, refund_fits,    PAYMENT_PAID,   FX_RECORD, fx_refunded },
};

const struct fsm payment_fsm = {
	.name = "payment order", .states = payment_states, .n_states = PAYMENT_NSTATES,
	.events = payment_events, .n_events = PAYMENT_NEVENTS, .table = payment_flow,
	.n = (int)(sizeof(payment_flow) / sizeof(payment_flow[0])),
};

enum payment_state
payment_state_of(const struct bank_order_row *o)
{
	if (strcmp(o->status, "paid") == 0)
		return PAYMENT_PAID;
	if (strcmp(o->status, "closed") == 0)
		return PAYMENT_CLOSED;
	assert(strcmp(o->status, "pending") == 0); /* the database allows no other status */
	return PAYMENT_PENDING;
}

int
payment_event_of(const char *event)
{
	return fsm_event_find(&payment_fsm, event);
}

static int
amount_matches(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;

	if (r->n->amount_fen != r->o->amount_fen)
		return gzf_err_set(err, GZF_EINVAL, "amount_mismatch", "amount_fen",
				   "the bank reports %lld fen for order %s, which is for %lld fen",
				   (long long)r->n->amount_fen, r->o->order_no,
				   (long long)r->o->amount_fen);
	return GZF_OK;
}

static int
refund_fits(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;

	if (r->n->amount_fen > r->o->amount_fen - r->o->refunded_fen)
		return gzf_err_set(err, GZF_EINVAL, "refund_too_large", "amount_fen",
				   "the bank reports a refund of %lld fen for order %s, of which "
				   "%lld fen are left", (long long)r->n->amount_fen, r->o->order_no,
				   (long long)(r->o->amount_fen - r->o->refunded_fen));
	return GZF_OK;
}

static int
fx_paid(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;

	r->o->status = "paid";
	r->o->bank_txn_id = r->n->bank_txn_id;
	r->o->paid_at = r->n->at_ms;
	return bank_store_order_put(r->c, r->o, r->now, err);
}

static int
fx_closed(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;

	r->o->status = "closed";
	return bank_store_order_put(r->c, r->o, r->now, err);
}

static int
fx_refunded(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;

	r->o->refunded_fen += r->n->amount_fen;
	return bank_store_order_put(r->c, r->o, r->now, err);
}

int
payment_fire(struct db_conn *c, struct bank_order_row *o, const struct bank_notification *n,
	     int64_t now, struct gzf_err *err)
{
	struct run run = { .c = c, .o = o, .n = n, .now = now };
	const struct fsm_transition *t;
	int event = payment_event_of(n->event), rc;

	assert(event >= 0 && o->id > 0);
	if ((rc = fsm_find(&payment_fsm, payment_state_of(o), event, FSM_SYSTEM, &run, &t, err)) != GZF_OK)
		return rc;
	return t->effect(&run, err);
}
