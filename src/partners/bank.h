/*
 * bank.h — the bank payment gateway (docs/partners/bank.md): payment orders paid on the
 * bank's page, order queries, refunds, the daily statement (对账单), and the
 * asynchronous notifications the bank signs with
 * bank_key (HMAC-SHA256 over timestamp, nonce and the raw body) and sends to gzf.
 * Calls to the bank are the signed JSON protocol of docs/partners/README.md.
 */
#ifndef GZF_PARTNERS_BANK_H
#define GZF_PARTNERS_BANK_H

#include "partners/partner.h"

#define BANK_NO_MIN 6                 /* order, refund and agreement numbers: characters */
#define BANK_NO_MAX 32
#define BANK_MAX_AMOUNT_FEN 100000000 /* one payment: at most 1,000,000 yuan */
#define BANK_SUBJECT_MAX 64           /* characters */
#define BANK_URL_MAX 512              /* bytes of a notify or return URL */
#define BANK_NOTIFY_MAX_BODY 65536    /* a notification's body, bytes */
#define BANK_NOTIFY_SKEW_S 300        /* a notification older or newer than this is stale */
#define BANK_STATEMENT_MAX_BYTES (16 * 1024 * 1024)
#define BANK_STATEMENT_MAX_ROWS 200000

/* bank_no_valid — 1 when s is an order, refund or agreement number: BANK_NO_MIN to
 * BANK_NO_MAX characters from A-Z a-z 0-9 _ -. */
int bank_no_valid(const char *s);

/* bank_url_valid — 1 when s is an http:// or https:// URL of at most BANK_URL_MAX bytes
 * of printable ASCII without spaces, quotes or angle brackets. */
int bank_url_valid(const char *s);

/*
 * bank_notify_sign — the signature of a notification: hex HMAC-SHA256 under key of
 *     TIMESTAMP "\n" NONCE "\n" BODY
 * (BODY the raw bytes as sent) into out (PARTNER_SIGNATURE_HEX bytes).
 */
void bank_notify_sign(const unsigned char *key, size_t key_len, const char *timestamp,
		      const char *nonce, const void *body, size_t len,
		      char out[PARTNER_SIGNATURE_HEX]);

/* A notification as bank_verify_notification() read it. Strings are arena copies; a
 * member the event does not have is NULL (amount_fen -1). */
struct bank_notification {
	const char *notify_id;     /* the bank's id; the same on every delivery */
	const char *event;         /* payment.succeeded, payment.failed, refund.succeeded,
				    * agreement.signed, agreement.cancelled */
	const char *order_no, *refund_no, *agreement_no, *bank_txn_id, *reason;
	int64_t amount_fen;
	int64_t at_ms;             /* when it happened at the bank */
	int64_t timestamp_s;       /* X-Bank-Timestamp */
	char body_sha256[65];      /* hex SHA-256 of the raw body */
};

/*
 * bank_verify_notification — check one delivery: the signature (constant time) of
 * timestamp, nonce and the raw body (len bytes, at most BANK_NOTIFY_MAX_BODY) under key,
 * the timestamp within BANK_NOTIFY_SKEW_S of now_s, then the body: a JSON object with a
 * known event and the members that event needs, each bounded. Fills out (arena a).
 * Refusing a replayed nonce, and checking the order and the amount against gzf's own
 * record, are the caller's. Errors: GZF_EUNAUTH "bad_signature" (a header missing or
 * malformed, or the signature does not match) or "stale_request"; GZF_ETOOLARGE
 * "body_too_large"; GZF_EINVAL "bad_notification" (err->field names the member).
 * body_sha256 is set whatever the outcome.
 */
int bank_verify_notification(const unsigned char *key, size_t key_len, const char *timestamp,
			     const char *nonce, const char *signature, const void *body,
			     size_t len, int64_t now_s, struct arena *a,
			     struct bank_notification *out, struct gzf_err *err);

/* A payment order to create. */
struct bank_order_req {
	const char *order_no;     /* gzf's number, bank_no_valid() */
	int64_t amount_fen;       /* 1..BANK_MAX_AMOUNT_FEN */
	const char *subject;      /* shown to the payer, 1..BANK_SUBJECT_MAX characters */
	const char *notify_url;   /* where the bank sends its notifications */
	const char *return_url;   /* where the payer's browser goes afterwards */
	int64_t expire_at_ms;     /* the order closes then unpaid: 1 minute to 24 hours ahead */
};

/* An order as the bank reports it. Strings are arena copies; absent ones NULL. */
struct bank_order {
	const char *order_no;
	const char *status;       /* "pending", "paid", "closed", "failed" */
	int64_t amount_fen;
	int64_t refunded_fen;
	const char *pay_url;      /* create only: where to send the payer */
	const char *bank_txn_id;  /* once paid */
	int64_t paid_at_ms;       /* once paid, else 0 */
	int64_t expire_at_ms;
};

/*
 * bank_order_create — POST /v1/orders: create the order r at the bank p and get the URL
 * of its payment page. Creating the same order_no again with the same fields returns the
 * same order (safe to retry); with other fields the bank refuses it (GZF_EINVAL
 * "partner_rejected", order_exists). Errors as partner_call(); GZF_EINVAL "bad_order"
 * (field named) for a request gzf should not send.
 */
int bank_order_create(const struct partner *p, struct arena *a, const struct bank_order_req *r,
		      struct bank_order *out, struct gzf_err *err);

/* bank_order_query — GET /v1/orders/{order_no}: the order's state at the bank (for a
 * notification that never came). GZF_EINVAL "partner_rejected" (order_not_found) for an
 * order the bank does not know; otherwise as partner_call(). */
int bank_order_query(const struct partner *p, struct arena *a, const char *order_no,
		     struct bank_order *out, struct gzf_err *err);

/*
 * bank_refund_create — POST /v1/refunds: refund amount_fen of the paid order_no as
 * refund refund_no (its own notification follows); *status (arena) gets the bank's
 * "processing" or "succeeded". Same refund_no with the same fields: the same answer.
 */
int bank_refund_create(const struct partner *p, struct arena *a, const char *order_no,
		       const char *refund_no, int64_t amount_fen, const char *reason,
		       const char *notify_url, const char **status, struct gzf_err *err);

/* A refund as the bank reports it. Strings are arena copies; absent ones NULL. */
struct bank_refund {
	const char *refund_no, *order_no;
	const char *status;       /* "processing", "succeeded" */
	int64_t amount_fen;
	const char *bank_txn_id;  /* once succeeded */
	int64_t refunded_at_ms;   /* once succeeded, else 0 */
};

/* bank_refund_query — GET /v1/refunds/{refund_no}: the refund's state at the bank (for a
 * notification that never came). GZF_EINVAL "partner_rejected" (refund_not_found) for a
 * refund the bank does not know; otherwise as partner_call(). */
int bank_refund_query(const struct partner *p, struct arena *a, const char *refund_no,
		      struct bank_refund *out, struct gzf_err *err);

/* One line of a statement. */
struct bank_statement_row {
	const char *bank_txn_id;
	const char *order_no;
	const char *refund_no;    /* NULL for a payment */
	int refund;               /* 1: money back to the payer */
	int64_t amount_fen;       /* > 0 */
	const char *time;         /* as the bank wrote it: 2026-12-01T10:15:30+08:00 */
};

/* A day's statement: its rows and the bank's summary line. */
struct bank_statement {
	const char *date;         /* YYYY-MM-DD */
	struct bank_statement_row *rows;
	int nrows;
	int64_t total_fen;        /* payments minus refunds, as summed by the bank */
};

/*
 * bank_statement_parse — read a statement's CSV (len bytes, not NUL-terminated needed):
 * the header line, at most max_rows rows, and the summary line "SUMMARY,count,total_fen",
 * whose count and total must match the rows. Strings in arena a. GZF_EINVAL
 * "bad_statement" with the line number in the message otherwise.
 */
int bank_statement_parse(struct arena *a, const char *csv, size_t len, int max_rows,
			 struct bank_statement *out, struct gzf_err *err);

/*
 * bank_statement_fetch — the statement of date (YYYY-MM-DD, China time): GET
 * /v1/statements/{date} for its download URL and SHA-256, then the file itself, at most
 * max_bytes (<= BANK_STATEMENT_MAX_BYTES) and max_rows rows, checked against that hash
 * and parsed. Errors as partner_call() and bank_statement_parse(); GZF_ETOOLARGE
 * "fetch_too_large"; GZF_EUNAVAIL "partner_bad_reply" for a file whose hash differs.
 */
int bank_statement_fetch(const struct partner *p, struct arena *a, const char *date,
			 size_t max_bytes, int max_rows, struct bank_statement *out,
			 struct gzf_err *err);

/*
 * bank_agreement_create — POST /v1/debit/agreements: a monthly debit agreement (代扣)
 * numbered agreement_no that the payer signs on the bank's page at *sign_url (arena a);
 * the outcome comes as an agreement.signed notification to notify_url. The same number
 * with the same details again: the same agreement. Errors as partner_call(); GZF_EINVAL
 * "bad_order" for a request gzf should not send.
 */
int bank_agreement_create(const struct partner *p, struct arena *a, const char *agreement_no,
			  const char *subject, const char *notify_url, const char *return_url,
			  const char **sign_url, struct gzf_err *err);

/* bank_agreement_cancel — POST /v1/debit/agreements/{no}/cancel: end the agreement (an
 * agreement.cancelled notification follows). Errors as partner_call(). */
int bank_agreement_cancel(const struct partner *p, struct arena *a, const char *agreement_no,
			  struct gzf_err *err);

/*
 * bank_debit_request — POST /v1/debit/requests: take amount_fen under the signed
 * agreement as the order order_no; the outcome comes as payment.succeeded or
 * payment.failed to notify_url, and the order can be queried. GZF_EINVAL
 * "partner_rejected" (agreement_not_signed) when the agreement is not signed; otherwise
 * as partner_call().
 */
int bank_debit_request(const struct partner *p, struct arena *a, const char *agreement_no,
		       const char *order_no, int64_t amount_fen, const char *subject,
		       const char *notify_url, struct gzf_err *err);

#endif
