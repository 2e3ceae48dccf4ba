/*
 * rent_payment_store.h — what residents paid of their rent through the bank (migration
 * 053): the payments credited to leases (rent_payments, one per bank payment, with the
 * receipt code), the monthly debit agreements (debit_agreements), and the reads paying
 * needs from leases, bills and the bank's notifications.
 */
#ifndef GZF_STORE_RENT_PAYMENT_STORE_H
#define GZF_STORE_RENT_PAYMENT_STORE_H

#include "store/db.h"

#define RENT_PAYMENT_LIST_MAX 100 /* rows of one list page */
#define RENT_PAYMENT_BILLS_MAX 24 /* bills one order may pay */

/* A lease as paying sees it. Strings live in the connection's arena. */
struct rent_lease {
	int64_t id, city_id, owner_id, region_code;
	const char *lease_no, *state;
	const char *estate_name;
};

/* A bill as paying sees it: outstanding = amount − paid − waived. */
struct rent_bill {
	int64_t id, city_id, lease_id, owner_id;
	const char *bill_no, *state;
	int month;
	int64_t due_on;
	int64_t amount_fen, outstanding_fen;
};

/* One payment credited to a lease. estate_name, lease_no, refunds_fen and refunded_fen
 * are read, not written. */
struct rent_payment {
	int64_t id, city_id, lease_id, payer_id;
	const char *order_no, *bank_txn_id;
	const char *bills;        /* the bill ids the order named: "3,4" */
	const char *via;          /* "online" or "debit" */
	const char *receipt_code;
	int64_t amount_fen, paid_at, created_at;
	const char *estate_name, *lease_no;
	int64_t refunds_fen;      /* refunds requested or succeeded (058) */
	int64_t refunded_fen;     /* refunds the bank made (its order's refunded_fen) */
};

/* A monthly debit agreement (代扣). */
struct debit_agreement {
	int64_t id, city_id, lease_id, owner_id;
	const char *agreement_no;
	const char *status;       /* "pending", "signed", "cancelled" */
	const char *sign_url, *notify_url;
	int64_t created_at, updated_at;
};

/* A notification the bank sent that gzf refused (bank_notifications, 047). */
struct rent_rejected {
	int64_t id, city_id, amount_fen; /* amount_fen -1: none */
	const char *notify_id, *event, *order_no, *reason, *body_sha256;
	int64_t received_at;
};

/* rent_payment_store_lease — the lease id with its estate's name; GZF_ENOTFOUND. */
int rent_payment_store_lease(struct db_conn *c, int64_t id, struct rent_lease *out,
			     struct gzf_err *err);

/* rent_payment_store_owner_leases — owner_id's leases that are signed or active (at most
 * RENT_PAYMENT_LIST_MAX), newest first, in the connection's arena. */
int rent_payment_store_owner_leases(struct db_conn *c, int64_t owner_id, struct rent_lease **out,
				    int *n, struct gzf_err *err);

/* rent_payment_store_bills — the bills ids[0..n) (n ≤ RENT_PAYMENT_BILLS_MAX) into
 * out[0..n), in the order given; GZF_ENOTFOUND "bill_not_found" when one does not exist. */
int rent_payment_store_bills(struct db_conn *c, const int64_t *ids, int n, struct rent_bill *out,
			     struct gzf_err *err);

/* rent_payment_store_open_bills — the bills with something outstanding of the leases of
 * owner_id (lease_id 0) or of lease_id (owner_id 0), oldest month first, at most
 * RENT_PAYMENT_LIST_MAX; *out in the connection's arena. */
int rent_payment_store_open_bills(struct db_conn *c, int64_t owner_id, int64_t lease_id,
				  struct rent_bill **out, int *n, struct gzf_err *err);

/* rent_payment_store_live_leases — up to max ids of city_id's signed or active leases,
 * those with bills first, then lowest id first; *n how many. */
int rent_payment_store_live_leases(struct db_conn *c, int64_t city_id, int max, int64_t *ids, int *n,
				    struct gzf_err *err);

/* rent_payment_store_add — record p (id, payer_id and the read-only members ignored: the
 * payer is the lease's holder); *id gets its id. GZF_ECONFLICT (db_is_duplicate) when its order_no, bank_txn_id or receipt_code is
 * recorded already: the database's guarantee that a payment is credited once. */
int rent_payment_store_add(struct db_conn *c, const struct rent_payment *p, int64_t *id,
			   struct gzf_err *err);

/* rent_payment_store_by_code / _by_order — one payment with its estate's name;
 * GZF_ENOTFOUND "receipt_not_found" / "payment_not_found". */
int rent_payment_store_by_code(struct db_conn *c, const char *code, struct rent_payment *out,
			       struct gzf_err *err);
int rent_payment_store_by_order(struct db_conn *c, const char *order_no, struct rent_payment *out,
				struct gzf_err *err);

/* rent_payment_store_list — payments of payer_id (0: any) in city_id (0: any), newest
 * first, with id below before_id (0: from the newest), at most limit
 * (≤ RENT_PAYMENT_LIST_MAX). */
int rent_payment_store_list(struct db_conn *c, int64_t payer_id, int64_t city_id, int64_t before_id,
			    int limit, struct rent_payment **out, int *n, struct gzf_err *err);

/* rent_payment_store_orders — *n = how many bank orders paying bills of lease_id there are
 * with status (NULL: any). */
int rent_payment_store_orders(struct db_conn *c, int64_t lease_id, const char *status, int64_t *n,
			      struct gzf_err *err);

/* rent_payment_store_rejected — refused notifications of city_id (and those whose city is
 * unknown), newest first, with id below before_id (0: from the newest), at most limit. */
int rent_payment_store_rejected(struct db_conn *c, int64_t city_id, int64_t before_id, int limit,
				struct rent_rejected **out, int *n, struct gzf_err *err);

/* rent_payment_store_agreement_add — a new agreement; *id its id. GZF_ECONFLICT
 * (db_is_duplicate) when the lease has one pending or signed, or the number exists. */
int rent_payment_store_agreement_add(struct db_conn *c, const struct debit_agreement *g, int64_t *id,
				     struct gzf_err *err);

/* rent_payment_store_agreement_get — by number; GZF_ENOTFOUND "agreement_not_found". */
int rent_payment_store_agreement_get(struct db_conn *c, const char *agreement_no,
				     struct debit_agreement *out, struct gzf_err *err);

/* rent_payment_store_agreement_put — save g's status and sign_url (by id) at now. */
int rent_payment_store_agreement_put(struct db_conn *c, const struct debit_agreement *g, int64_t now,
				     struct gzf_err *err);

/* rent_payment_store_agreements — agreements of owner_id (0: any) with status (NULL: any),
 * id above after_id, oldest first, at most limit (≤ RENT_PAYMENT_LIST_MAX). */
int rent_payment_store_agreements(struct db_conn *c, int64_t owner_id, const char *status,
				  int64_t after_id, int limit, struct debit_agreement **out, int *n,
				  struct gzf_err *err);

#endif
