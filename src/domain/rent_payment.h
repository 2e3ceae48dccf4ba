/*
 * rent_payment.h — residents paying their rent through the bank (R9, R22; docs/api/
 * payments.md): a bank order for one or several bills, the payment credited to the lease
 * exactly once when the bank's notification (or the order query, for a notification that
 * never came) says it is paid, its electronic receipt with an unguessable code, and the
 * monthly debit agreements (代扣) whose collection job takes open bills through the bank.
 *
 * A bank order pays bills when its purpose is "bills:<lease_id>:<bill_id>[,<bill_id>...]".
 * Online orders are numbered "P…", debits "D<lease_id>-<yyyymm>" (one per lease and month
 * of its newest bill, so a failed debit is never retried: the bill stays to be paid by hand).
 */
#ifndef GZF_DOMAIN_RENT_PAYMENT_H
#define GZF_DOMAIN_RENT_PAYMENT_H

#include "core/arena.h"
#include "domain/jobs.h"
#include "domain/payment.h"
#include "store/rent_payment_store.h"

#define RENT_PAYMENT_QUERY_AFTER_MS (5 * 60 * 1000LL)  /* an order still pending then is queried */
#define RENT_PAYMENT_EXPIRE_MS (30 * 60 * 1000LL)      /* an online order closes unpaid then */
#define RENT_PAYMENT_COLLECT_EVERY_MS (24 * 3600 * 1000LL) /* the debit collection job's period */
#define RENT_RECEIPT_CODE_DIGITS 24                    /* about 80 bits: not guessable */

/* rent_payment_purpose_lease — the lease a bank order's purpose pays bills of: 1 and
 * *lease_id for "bills:<lease_id>:…", 0 for any other purpose. */
int rent_payment_purpose_lease(const char *purpose, int64_t *lease_id);

/* rent_payment_purpose_bills — the bill ids part of such a purpose ("3,4"), or "". */
const char *rent_payment_purpose_bills(const char *purpose);

/* rent_payment_purpose — the purpose of an order paying bills ids[0..n) of lease_id (a). */
const char *rent_payment_purpose(struct arena *a, int64_t lease_id, const int64_t *ids, int n);

/* rent_payment_order_no — the number of the online order that account_id's request
 * with Idempotency-Key key makes: "P" and 24 hex characters of a hash of both, so every
 * retry of one request names the same order at the bank. out: BANK_NO_MAX + 1 bytes. */
void rent_payment_order_no(int64_t account_id, const char *key, char out[BANK_NO_MAX + 1]);

/* rent_payment_key_no — prefix and 24 hex characters of a keyed hash, under label, of
 * account_id and key: the bank number of one request whatever its retries (the order
 * numbers above, refund numbers). out: BANK_NO_MAX + 1 bytes. */
void rent_payment_key_no(const char *label, char prefix, int64_t account_id, const char *key,
			 char out[BANK_NO_MAX + 1]);

/*
 * rent_payment_apply — what a verified bank event n does to the order o (in c's
 * transaction): the order's transition (payment_fire: amount and state checked), and
 * then, for an order paying bills, on payment.succeeded the payment recorded with its
 * receipt code and credited once (billing_credit_payment; the UNIQUE order_no and
 * bank_txn_id of rent_payments make a second credit fail with GZF_ECONFLICT), and on
 * payment.failed of a debit a notice in the resident's inbox. Errors as payment_fire().
 */
int rent_payment_apply(struct db_conn *c, struct bank_order_row *o, const struct bank_notification *n,
		       int64_t now, struct gzf_err *err);

/*
 * rent_payment_agreement_apply — an agreement.signed or agreement.cancelled event n, in c's
 * transaction: the agreement's status follows (a signed one queues the collection job);
 * *city_id gets its city. GZF_ENOTFOUND "unknown_agreement" for a number gzf did not make.
 */
int rent_payment_agreement_apply(struct db_conn *c, const struct bank_notification *n, int64_t now,
				 int64_t *city_id, struct gzf_err *err);

/* rent_payment_query_schedule — queue, in c's transaction, the query of order_no at
 * run_at (the job "payment_query"), for a notification that may never come. */
int rent_payment_query_schedule(struct db_conn *c, int64_t city_id, const char *order_no,
				int64_t run_at, struct gzf_err *err);

/* rent_payment_receipt_code — a new receipt code: RENT_RECEIPT_CODE_DIGITS random digits. */
void rent_payment_receipt_code(char out[RENT_RECEIPT_CODE_DIGITS + 1]);

/*
 * rent_payment_receipt_pdf — the receipt of p as a PDF (a): estate, lease, amount in yuan,
 * date (China time), bank transaction, payer shown as payer_masked, and the code with the
 * path of its check page. Deterministic: the same payment renders the same bytes.
 */
int rent_payment_receipt_pdf(struct arena *a, const struct rent_payment *p, const char *payer_masked,
			     const unsigned char **bytes, size_t *len, struct gzf_err *err);

/* rent_payment_jobs_register — the job kinds "payment_query" (one pending order: settled
 * or closed as the bank's order query says) and "withholding_collect" (open bills of
 * leases with a signed debit agreement taken through the bank; again every day). */
int rent_payment_jobs_register(void);

#endif
