/*
 * rent_payment.c — paying rent through the bank (rent_payment.h): the follow-ups of a
 * bank order's transitions (record, credit, receipt; the notice of a failed debit), the
 * debit agreements' events, the order query for lost notifications and the monthly
 * debit collection.
 */
#include "domain/rent_payment.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/crypto.h"
#include "core/log.h"
#include "core/pdf.h"
#include "domain/audit.h"
#include "domain/billing.h"
#include "store/application_store.h"
#include "store/job_store.h"

#define QUERY_KIND "payment_query"
#define COLLECT_KIND "withholding_collect"
#define COLLECT_REF "withholding"
#define CHINA_OFFSET_S (8 * 3600)

static int job_query(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
		     const json_t *payload, struct gzf_err *err);
static int job_collect(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
		       const json_t *payload, struct gzf_err *err);

int
rent_payment_purpose_lease(const char *purpose, int64_t *lease_id)
{
	const char *colon;
	char digits[24];
	size_t n;

	if (purpose == NULL || strncmp(purpose, "bills:", 6) != 0 ||
	    (colon = strchr(purpose + 6, ':')) == NULL)
		return 0;
	n = (size_t)(colon - (purpose + 6));
	if (n == 0 || n >= sizeof(digits))
		return 0;
	memcpy(digits, purpose + 6, n);
	digits[n] = '\0';
	return gzf_parse_int(digits, 1, INT64_MAX, lease_id) == GZF_OK;
}

const char *
rent_payment_purpose_bills(const char *purpose)
{
	int64_t lease;

	return rent_payment_purpose_lease(purpose, &lease) ? strchr(purpose + 6, ':') + 1 : "";
}

const char *
rent_payment_purpose(struct arena *a, int64_t lease_id, const int64_t *ids, int n)
{
	char *s = arena_printf(a, "bills:%" PRId64 ":", lease_id);
	int i;

	assert(n > 0);
	for (i = 0; i < n; i++)
		s = arena_printf(a, "%s%s%" PRId64, s, i ? "," : "", ids[i]);
	return s;
}

void
rent_payment_key_no(const char *label, char prefix, int64_t account_id, const char *key,
		    char out[BANK_NO_MAX + 1])
{
	char text[160], hash[CRYPTO_HASH_HEX];
	int n = snprintf(text, sizeof(text), "%" PRId64 ":%s", account_id, key);

	assert(n > 0 && (size_t)n < sizeof(text)); /* keys are at most 128 characters */
	crypto_hmac_hex((const unsigned char *)label, strlen(label), text, (size_t)n, hash);
	snprintf(out, BANK_NO_MAX + 1, "%c%.24s", prefix, hash);
}

void
rent_payment_order_no(int64_t account_id, const char *key, char out[BANK_NO_MAX + 1])
{
	rent_payment_key_no("gzf rent payment order", 'P', account_id, key, out);
}

void
rent_payment_receipt_code(char out[RENT_RECEIPT_CODE_DIGITS + 1])
{
	crypto_random_digits(out, RENT_RECEIPT_CODE_DIGITS);
}

/* The paid order o: its payment recorded with a new receipt code, and credited. */
static int
settle(struct db_conn *c, const struct bank_order_row *o, int64_t lease_id, int64_t now,
       struct gzf_err *err)
{
	char code[RENT_RECEIPT_CODE_DIGITS + 1];
	struct rent_payment p;
	int64_t id;
	int rc;

	rent_payment_receipt_code(code);
	p = (struct rent_payment){
		.city_id = o->city_id, .lease_id = lease_id,
		.order_no = o->order_no, .bank_txn_id = o->bank_txn_id,
		.bills = rent_payment_purpose_bills(o->purpose),
		.via = o->order_no[0] == 'D' ? "debit" : "online", .receipt_code = code,
		.amount_fen = o->amount_fen, .paid_at = o->paid_at, .created_at = now,
	};
	rc = rent_payment_store_add(c, &p, &id, err);
	if (db_is_duplicate(rc, err))
		return gzf_err_set(err, GZF_ECONFLICT, "already_credited", "bank_txn_id",
				   "the payment of order %s is credited already", o->order_no);
	if (rc != GZF_OK)
		return rc;
	return billing_credit_payment(c, lease_id, id, o->amount_fen, now, err);
}

/* The failed debit o: the resident is told the bill stays to be paid by hand. */
static int
debit_failed(struct db_conn *c, const struct bank_order_row *o, int64_t lease_id,
	     const char *reason, int64_t now, struct gzf_err *err)
{
	struct rent_lease l;
	int rc;

	if ((rc = rent_payment_store_lease(c, lease_id, &l, err)) != GZF_OK)
		return rc;
	return application_store_message_add(
		c, o->city_id, l.owner_id, 0, "payment", "租金代扣未成功",
		arena_printf(db_arena(c), "合同 %s 的租金 %" PRId64 ".%02" PRId64 " 元银行代扣未成功"
			     "（%s），账单仍待缴纳。请在“缴费”中自行缴纳，以免产生滞纳金。",
			     l.lease_no, o->amount_fen / 100, o->amount_fen % 100,
			     reason ? reason : "银行未受理"), now, err);
}

int
rent_payment_apply(struct db_conn *c, struct bank_order_row *o, const struct bank_notification *n,
		   int64_t now, struct gzf_err *err)
{
	int event = payment_event_of(n->event), rc;
	int64_t lease_id;

	if ((rc = payment_fire(c, o, n, now, err)) != GZF_OK ||
	    !rent_payment_purpose_lease(o->purpose, &lease_id))
		return rc;
	if (event == PAYMENT_SUCCEEDED)
		return settle(c, o, lease_id, now, err);
	if (event == PAYMENT_FAILED && o->order_no[0] == 'D')
		return debit_failed(c, o, lease_id, n->reason, now, err);
	return GZF_OK;
}

int
rent_payment_agreement_apply(struct db_conn *c, const struct bank_notification *n, int64_t now,
			     int64_t *city_id, struct gzf_err *err)
{
	struct debit_agreement g;
	struct job_row job;
	int signed_ = strcmp(n->event, "agreement.signed") == 0, rc;

	rc = rent_payment_store_agreement_get(c, n->agreement_no, &g, err);
	if (rc == GZF_ENOTFOUND)
		return gzf_err_set(err, GZF_ENOTFOUND, "unknown_agreement", "agreement_no",
				   "gzf has no debit agreement %s", n->agreement_no);
	if (rc != GZF_OK)
		return rc;
	*city_id = g.city_id;
	if (strcmp(g.status, "cancelled") == 0 || (signed_ && strcmp(g.status, "signed") == 0))
		return GZF_OK; /* nothing left to change */
	g.status = signed_ ? "signed" : "cancelled";
	if ((rc = rent_payment_store_agreement_put(c, &g, now, err)) != GZF_OK)
		return rc;
	if (!signed_)
		return GZF_OK;
	/* the first debit at once; then the daily run, which is queued when none is */
	if ((rc = jobs_enqueue(c, g.city_id, COLLECT_KIND, arena_printf(db_arena(c), "agreement:%s",
			       g.agreement_no), NULL, now, err)) != GZF_OK)
		return rc;
	rc = job_store_find(c, COLLECT_KIND, COLLECT_REF, &job, err);
	if (rc != GZF_ENOTFOUND)
		return rc;
	gzf_err_clear(err);
	return jobs_enqueue(c, 0, COLLECT_KIND, COLLECT_REF, NULL, now + RENT_PAYMENT_COLLECT_EVERY_MS, err);
}

int
rent_payment_query_schedule(struct db_conn *c, int64_t city_id, const char *order_no,
			    int64_t run_at, struct gzf_err *err)
{
	return jobs_enqueue(c, city_id, QUERY_KIND, arena_printf(db_arena(c), "order:%s", order_no),
			    NULL, run_at, err);
}

int
rent_payment_receipt_pdf(struct arena *a, const struct rent_payment *p, const char *payer_masked,
			 const unsigned char **bytes, size_t *len, struct gzf_err *err)
{
	struct pdf *d = pdf_create(a, "电子缴费凭证 Payment receipt");
	time_t t = (time_t)(p->paid_at / 1000) + CHINA_OFFSET_S;
	char when[32];
	struct tm tm;
	int rc;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	if ((rc = pdf_text(d, 18, 0, "公共租赁住房租金电子缴费凭证", err)) != GZF_OK ||
	    (rc = pdf_text(d, 10, 0, "Public rental housing — electronic rent receipt", err)) != GZF_OK)
		return rc;
	pdf_gap(d, 4);
	pdf_rule(d);
	pdf_gap(d, 4);
	rc = pdf_text(d, 12, 0, arena_printf(a,
		"凭证编号 Receipt code：%s\n"
		"小区 Estate：%s\n"
		"合同编号 Lease：%s\n"
		"缴款人 Payer：%s\n"
		"金额 Amount：¥%" PRId64 ".%02" PRId64 "\n"
		"缴款时间 Paid at：%s（北京时间 China time）\n"
		"方式 Channel：%s\n"
		"银行流水号 Bank transaction：%s\n"
		"支付订单号 Order：%s",
		p->receipt_code, p->estate_name, p->lease_no, payer_masked,
		p->amount_fen / 100, p->amount_fen % 100, when,
		strcmp(p->via, "debit") == 0 ? "银行代扣 Bank debit" : "网上支付 Online payment",
		p->bank_txn_id, p->order_no), err);
	if (rc != GZF_OK)
		return rc;
	pdf_gap(d, 6);
	pdf_rule(d);
	pdf_gap(d, 2);
	if ((rc = pdf_text(d, 9, 0, arena_printf(a,
		"真伪查验 Check this receipt: /receipt/%s\n"
		"本凭证由公租房管理服务平台根据银行到账通知生成。"
		"Issued by the public rental housing platform on the bank's confirmation.",
		p->receipt_code), err)) != GZF_OK)
		return rc;
	return pdf_finish(d, bytes, len, err);
}

/* The system's audit entry of a job's change, in c's transaction. */
static int
job_audit(const struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *action,
	  const char *type, const char *id, const char *detail, struct gzf_err *err)
{
	struct audit_entry e = { .city_id = city_id, .actor_kind = "system", .action = action,
				 .object_type = type, .object_id = id, .result = "ok",
				 .detail = detail };

	return audit_record(c, ctx->audit_key, &e, err);
}

/*
 * One pending order (ref "order:<order_no>"): ask the bank. Paid: settled as its
 * payment.succeeded notification would; closed or failed (or never made at the bank):
 * closed as payment.failed would; still pending: asked again later.
 */
static int
job_query(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	  const json_t *payload, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	struct bank_notification n = { .amount_fen = -1 };
	struct bank_order_row o;
	struct bank_order bo;
	const char *no = ref + 6;
	int64_t now = ctx->now_ms();
	int rc;

	(void)city_id;
	(void)payload;
	if (strncmp(ref, "order:", 6) != 0 || !bank_no_valid(no))
		return gzf_err_set(err, GZF_EINVAL, "bad_ref", NULL, "bad job reference %s", ref);
	if ((rc = bank_store_order_get(c, no, &o, err)) != GZF_OK)
		return rc;
	if (strcmp(o.status, "pending") != 0)
		return GZF_OK; /* the notification came */
	rc = bank_order_query(&ctx->partners->bank, a, no, &bo, err);
	if (rc == GZF_EINVAL && strcmp(err->name, "partner_rejected") == 0) {
		gzf_err_clear(err); /* the bank never took it */
		bo = (struct bank_order){ .order_no = no, .status = "closed" };
	} else if (rc != GZF_OK) {
		return rc == GZF_EINVAL ? rc : GZF_EUNAVAIL;
	}
	if (strcmp(bo.status, "pending") == 0) /* not paid yet: asked again with back-off */
		return gzf_err_set(err, GZF_EUNAVAIL, "order_pending", NULL,
				   "order %s is still pending at the bank", no);
	n.order_no = no;
	n.at_ms = now;
	if (strcmp(bo.status, "paid") == 0) {
		n.event = "payment.succeeded";
		n.amount_fen = bo.amount_fen;
		n.bank_txn_id = bo.bank_txn_id;
		n.at_ms = bo.paid_at_ms;
	} else {
		n.event = "payment.failed";
		n.amount_fen = o.amount_fen;
		n.reason = strcmp(bo.status, "failed") == 0 ? "银行未能扣款" : "订单已关闭";
	}
	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	if ((rc = bank_store_order_get(c, no, &o, err)) == GZF_OK && strcmp(o.status, "pending") == 0 &&
	    (rc = rent_payment_apply(c, &o, &n, now, err)) == GZF_OK)
		rc = job_audit(ctx, c, o.city_id, "payment.query", "bank_order",
			       arena_printf(a, "%" PRId64, o.id), arena_printf(a,
			       "{\"order_no\":\"%s\",\"bank_status\":\"%s\"}", no, bo.status), err);
	if (rc == GZF_OK)
		rc = db_commit(c, err);
	if (rc != GZF_OK)
		db_rollback(c);
	return rc;
}

/* Take the open bills of g's lease through the bank, unless an order for them is
 * pending or this month's debit was tried already (its order number exists). */
static int
collect_one(struct job_ctx *ctx, struct db_conn *c, const struct debit_agreement *g, int64_t now,
	    struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	int64_t ids[RENT_PAYMENT_BILLS_MAX], total = 0, pending;
	struct bank_order_row o;
	struct rent_bill *b;
	int i, n, k = 0, rc;

	if ((rc = rent_payment_store_open_bills(c, 0, g->lease_id, &b, &n, err)) != GZF_OK ||
	    (rc = rent_payment_store_orders(c, g->lease_id, "pending", &pending, err)) != GZF_OK ||
	    n == 0 || pending > 0)
		return rc;
	for (i = 0; i < n && k < RENT_PAYMENT_BILLS_MAX &&
		    total + b[i].outstanding_fen <= BANK_MAX_AMOUNT_FEN; i++) {
		ids[k++] = b[i].id;
		total += b[i].outstanding_fen;
	}
	if (k == 0)
		return GZF_OK;
	o = (struct bank_order_row){
		.city_id = g->city_id, .purpose = rent_payment_purpose(a, g->lease_id, ids, k),
		.order_no = arena_printf(a, "D%" PRId64 "-%d", g->lease_id, b[k - 1].month),
		.amount_fen = total, .status = "pending", .created_at = now,
	};
	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	rc = bank_store_order_create(c, &o, &o.id, err);
	if (db_is_duplicate(rc, err)) { /* tried this month already: the bill is paid by hand */
		db_rollback(c);
		gzf_err_clear(err);
		return GZF_OK;
	}
	if (rc == GZF_OK)
		rc = rent_payment_query_schedule(c, g->city_id, o.order_no,
						 now + RENT_PAYMENT_QUERY_AFTER_MS, err);
	if (rc == GZF_OK)
		rc = job_audit(ctx, c, g->city_id, "payment.debit", "bank_order",
			       arena_printf(a, "%" PRId64, o.id), arena_printf(a,
			       "{\"order_no\":\"%s\",\"agreement_no\":\"%s\",\"amount_fen\":%" PRId64 "}",
			       o.order_no, g->agreement_no, total), err);
	if (rc == GZF_OK)
		rc = db_commit(c, err);
	if (rc != GZF_OK) {
		db_rollback(c);
		return rc;
	}
	/* Refused or unanswered: the order query finds the bank never took it and closes it,
	 * which tells the resident. */
	if (bank_debit_request(&ctx->partners->bank, a, g->agreement_no, o.order_no, total,
			       "公租房租金代扣", g->notify_url, err) != GZF_OK) {
		log_msg(LOG_WARN, "debit request failed", "order_no", o.order_no,
			"detail", err->message, NULL);
		gzf_err_clear(err);
	}
	return GZF_OK;
}

/* Ref "agreement:<no>": that agreement, just signed, if it still is. Ref "withholding":
 * every signed agreement, then again a day later. */
static int
job_collect(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	    const json_t *payload, struct gzf_err *err)
{
	struct debit_agreement *g, one;
	int64_t after = 0, now = ctx->now_ms();
	int i, n, rc;

	(void)city_id;
	(void)payload;
	if (strncmp(ref, "agreement:", 10) == 0) {
		if ((rc = rent_payment_store_agreement_get(c, ref + 10, &one, err)) != GZF_OK)
			return rc;
		return strcmp(one.status, "signed") == 0 ? collect_one(ctx, c, &one, now, err) : GZF_OK;
	}
	do {
		if ((rc = rent_payment_store_agreements(c, 0, "signed", after, RENT_PAYMENT_LIST_MAX,
							&g, &n, err)) != GZF_OK)
			return rc;
		for (i = 0; i < n; i++) {
			after = g[i].id;
			if ((rc = collect_one(ctx, c, &g[i], now, err)) != GZF_OK) {
				log_msg(LOG_WARN, "debit collection failed", "agreement_no",
					g[i].agreement_no, "detail", err->message, NULL);
				gzf_err_clear(err);
			}
		}
	} while (n == RENT_PAYMENT_LIST_MAX);
	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	if ((rc = jobs_enqueue(c, 0, COLLECT_KIND, COLLECT_REF, NULL,
			       now + RENT_PAYMENT_COLLECT_EVERY_MS, err)) == GZF_OK)
		rc = db_commit(c, err);
	if (rc != GZF_OK)
		db_rollback(c);
	return rc;
}

int
rent_payment_jobs_register(void)
{
	int rc;

	if ((rc = jobs_register(QUERY_KIND, job_query)) != GZF_OK)
		return rc;
	return jobs_register(COLLECT_KIND, job_collect);
}
