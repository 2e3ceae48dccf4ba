/*
 * refund_store.h — refunds of rent payments (migration 058): the refunds finance asked of
 * the bank, each of one payment, and the running sum of a payment's live refunds
 * (rent_payments.refunds_fen) that keeps them within what was paid.
 */
#ifndef GZF_STORE_REFUND_STORE_H
#define GZF_STORE_REFUND_STORE_H

#include "store/db.h"

#define REFUND_LIST_MAX 100 /* rows of one list page */

/* One refund. Strings live in the connection's arena. */
struct refund {
	int64_t id, city_id, payment_id, lease_id;
	const char *refund_no, *order_no;
	int64_t amount_fen;
	const char *reason;
	const char *state;        /* "requested", "succeeded", "failed" (domain/refund.h) */
	const char *failure;      /* why it failed ("" otherwise) */
	const char *notify_url;   /* where the bank sends its notification */
	const char *bank_txn_id;  /* NULL until succeeded */
	int64_t requested_by, created_at, updated_at, done_at; /* done_at 0 while requested */
	const char *lease_no;     /* read, not written */
};

/* A payment as refunding sees it. */
struct refund_payment {
	int64_t id, city_id, lease_id, payer_id;
	const char *order_no, *lease_no, *region_path;
	int64_t region_code;
	int64_t amount_fen;
	int64_t refunds_fen;      /* live refunds: requested or succeeded */
	int64_t refunded_fen;     /* succeeded ones, as the bank order records them */
};

/* refund_store_payment — rent payment id with its lease's region; GZF_ENOTFOUND
 * "payment_not_found". */
int refund_store_payment(struct db_conn *c, int64_t id, struct refund_payment *out,
			 struct gzf_err *err);

/* refund_store_hold — add delta_fen (negative: give back) to payment_id's live refunds,
 * under its row lock: *ok = 0, and nothing changed, when the sum would leave 0..amount. */
int refund_store_hold(struct db_conn *c, int64_t payment_id, int64_t delta_fen, int *ok,
		      struct gzf_err *err);

/* refund_store_add — record r (id, state's outcome members and lease_no ignored; state
 * "requested"); *id its id. GZF_ECONFLICT (db_is_duplicate) for a refund_no that exists. */
int refund_store_add(struct db_conn *c, const struct refund *r, int64_t *id, struct gzf_err *err);

/* refund_store_get — the refund numbered refund_no; GZF_ENOTFOUND "refund_not_found". */
int refund_store_get(struct db_conn *c, const char *refund_no, struct refund *out,
		     struct gzf_err *err);

/* refund_store_finish — save r's state, failure, bank_txn_id and done_at at now, if it is
 * still requested; GZF_ECONFLICT "refund_settled" when it is not (another writer won).
 * GZF_ECONFLICT (db_is_duplicate) for a bank_txn_id recorded already. */
int refund_store_finish(struct db_conn *c, const struct refund *r, int64_t now, struct gzf_err *err);

/* refund_store_list — refunds of payment_id (0: any) in city_id (0: any), newest first,
 * with id below before_id (0: from the newest), at most limit (≤ REFUND_LIST_MAX). */
int refund_store_list(struct db_conn *c, int64_t city_id, int64_t payment_id, int64_t before_id,
		      int limit, struct refund **out, int *n, struct gzf_err *err);

#endif
