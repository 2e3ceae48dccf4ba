/*
 * refund.h — money given back of a rent payment through the bank (R22; docs/api/
 * payments.md "Refunds"): finance asks for a refund of part or all of what a payment has
 * left, gzf keeps it (requested) and asks the bank, and the bank's refund.succeeded
 * notification — or the refund query, for a notification that never came — settles it:
 * the bank order's refunded_fen, the tenant's ledger (a refund op that takes the lease's
 * credit first and reopens the bills paid last), the resident's notice and the audit
 * entries, in one transaction. A refund the bank refuses fails, and its amount is free to
 * refund again. A state machine (docs/design/state-machines.md) whose only party is the
 * bank (FSM_SYSTEM).
 */
#ifndef GZF_DOMAIN_REFUND_H
#define GZF_DOMAIN_REFUND_H

#include "domain/fsm.h"
#include "domain/jobs.h"
#include "partners/bank.h"
#include "store/refund_store.h"

#define REFUND_REASON_MAX 64 /* characters of a refund's reason */

enum refund_state { REFUND_REQUESTED, REFUND_SUCCEEDED, REFUND_FAILED, REFUND_NSTATES };
enum refund_event { REFUND_BANK_SUCCEEDED, REFUND_BANK_REFUSED, REFUND_NEVENTS };

extern const struct fsm refund_fsm;

/* What a transition of refund r works on: the connection and audit key, the bank's word
 * (n, for refund.succeeded: its order, amount and transaction) or the failure's reason,
 * and the time of receipt (ms). The guards read r and n only. */
struct refund_run {
	struct db_conn *c;
	const unsigned char *audit_key;
	struct refund *r;
	const struct bank_notification *n;
	const char *failure;
	int64_t now;
};

/* refund_state_of — the state of r (its state column). */
enum refund_state refund_state_of(const struct refund *r);

/* refund_no_of — the number of the refund that account_id's request with Idempotency-Key
 * key makes: "R" and 24 hex characters of a hash of both, so every retry of one request
 * names the same refund at the bank. out: BANK_NO_MAX + 1 bytes. */
void refund_no_of(int64_t account_id, const char *key, char out[BANK_NO_MAX + 1]);

/*
 * refund_request — in c's transaction: record r (refund_no, amount_fen, reason,
 * notify_url, requested_by, created_at set by the caller) as a requested refund of
 * payment p, its amount held against what p has left (under p's row lock), and its query
 * job queued. GZF_EINVAL "refund_too_large" (field amount_fen) when p has less left;
 * GZF_ECONFLICT (db_is_duplicate) when the refund_no exists (a retry). r->id is set.
 */
int refund_request(struct db_conn *c, const struct refund_payment *p, struct refund *r,
		   struct gzf_err *err);

/*
 * refund_settle — the bank's refund.succeeded n, verified, in c's transaction: the refund
 * it names succeeds (the amount and order must be the refund's: GZF_EINVAL
 * "amount_mismatch"), the order's refunded_fen grows (payment_fire), the ledger gets the
 * refund (billing_refund), the payer a notice, the audit log refund.succeeded. *city_id
 * and *order_id (may be NULL) get the refund's city and its bank order's id.
 * GZF_ENOTFOUND "unknown_refund" for a refund gzf never asked for; GZF_ESTATE
 * "illegal_transition" for one that is not requested any more.
 */
int refund_settle(struct db_conn *c, const unsigned char *audit_key, const struct bank_notification *n,
		  int64_t now, int64_t *city_id, int64_t *order_id, struct gzf_err *err);

/*
 * refund_fail — in c's transaction: the bank refused refund refund_no (failure: its
 * reason); it fails, its amount is free again, audited refund.failed. GZF_ESTATE
 * "illegal_transition" when it is not requested any more.
 */
int refund_fail(struct db_conn *c, const unsigned char *audit_key, const char *refund_no,
		const char *failure, int64_t now, struct gzf_err *err);

/* refund_bank_request — ask the bank p for refund r (POST /v1/refunds: the same number
 * and details on every try). When the bank refuses it (GZF_EINVAL "partner_rejected": the
 * refund must fail) *refused gets the reason to record ("refund_too_large", ...), else
 * NULL; other errors as partner_call(). */
int refund_bank_request(const struct partner *p, struct arena *a, const struct refund *r,
			const char **refused, struct gzf_err *err);

/* refund_jobs_register — the job kind "refund_query": one requested refund asked of the
 * bank (GET /v1/refunds/{no}); settled as its notification would, sent again when the
 * bank never took it, failed when the bank refuses it, asked again later otherwise. */
int refund_jobs_register(void);

#endif
