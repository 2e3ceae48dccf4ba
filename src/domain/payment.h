/*
 * payment.h — a payment order at the bank as gzf keeps it (bank_orders), and what the
 * bank's notifications do to it: a state machine (docs/design/state-machines.md) whose
 * only party is the bank (FSM_SYSTEM), fired by POST /api/v1/partners/bank/notify once
 * the notification is verified (partners/bank.h). Bills (R9, R22) create the orders.
 */
#ifndef GZF_DOMAIN_PAYMENT_H
#define GZF_DOMAIN_PAYMENT_H

#include "domain/fsm.h"
#include "partners/bank.h"
#include "store/bank_store.h"

enum payment_state { PAYMENT_PENDING, PAYMENT_PAID, PAYMENT_CLOSED, PAYMENT_NSTATES };
enum payment_event { PAYMENT_SUCCEEDED, PAYMENT_FAILED, PAYMENT_REFUNDED, PAYMENT_NEVENTS };

extern const struct fsm payment_fsm;

/* payment_state_of — the state of o (its status). */
enum payment_state payment_state_of(const struct bank_order_row *o);

/* payment_event_of — the event a notification's event name fires, or -1 for one that
 * concerns no order (agreement.signed, agreement.cancelled). */
int payment_event_of(const char *event);

/*
 * payment_fire — apply the verified notification n to the order o in c's transaction:
 * the transition of (o's state, n's event), whose guard checks the amount (a payment or
 * failure must state the order's amount, GZF_EINVAL "amount_mismatch"; a refund at most
 * what is left, GZF_EINVAL "refund_too_large") and whose effect saves the order. An
 * event the state does not take (a second payment of a paid order) is GZF_ESTATE
 * "illegal_transition". now is the time of receipt (ms).
 */
int payment_fire(struct db_conn *c, struct bank_order_row *o, const struct bank_notification *n,
		 int64_t now, struct gzf_err *err);

#endif
