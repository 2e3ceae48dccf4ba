/*
 * payment.c — residents paying rent through the bank (docs/api/payments.md): a bank
 * order for their open bills (POST with Idempotency-Key), its state, their receipts
 * (list, PDF) and the public receipt check page, monthly debit agreements (代扣), and for
 * finance the payments and the bank notifications gzf refused. What a paid order does is
 * domain/rent_payment.c, reached through the bank's notification (api/bank.c) or the
 * order query job.
 */
#include "api/api.h"
#include "core/crypto.h"
#include "domain/pii.h"
#include "domain/rent_payment.h"
#include "store/region_store.h"
#include "store/user_store.h"

#include <inttypes.h>
#include <string.h>

static int payments_post(struct http_req *req);
static int payment_get(struct http_req *req);
static int payable_get(struct http_req *req);
static int receipts_get(struct http_req *req);
static int receipt_pdf(struct http_req *req);
static int receipt_check(struct http_req *req);
static int withholding_get(struct http_req *req);
static int withholding_post(struct http_req *req);
static int withholding_cancel(struct http_req *req);
static int staff_payments(struct http_req *req);
static int staff_rejected(struct http_req *req);

void
api_payment_routes(struct router *r)
{
	router_add(r, "POST", "/api/v1/me/payments", payments_post);
	router_add(r, "GET", "/api/v1/me/payments/:order_no", payment_get);
	router_add(r, "GET", "/api/v1/me/payable-bills", payable_get);
	router_add(r, "GET", "/api/v1/me/receipts", receipts_get);
	router_add(r, "GET", "/api/v1/me/receipts/:code/pdf", receipt_pdf);
	router_add(r, "GET", "/api/v1/receipts/:code", receipt_check);
	router_add(r, "GET", "/api/v1/me/withholding", withholding_get);
	router_add(r, "POST", "/api/v1/me/withholding", withholding_post);
	router_add(r, "POST", "/api/v1/me/withholding/:agreement_no/cancel", withholding_cancel);
	router_add(r, "GET", "/api/v1/payments", staff_payments);
	router_add(r, "GET", "/api/v1/payments/rejected", staff_rejected);
}

/* The logged-in resident (GZF_EFORBIDDEN "residents_only" for staff). */
static int
resident(struct http_req *req, struct db_conn **c, struct caller **who)
{
	int rc;

	if ((rc = api_db(req, c)) != GZF_OK || (rc = api_login_required(req, *c, who)) != GZF_OK)
		return rc;
	if ((*who)->actor.kind != ACTOR_RESIDENT)
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "residents_only", NULL,
				   "only a resident pays their own bills");
	return GZF_OK;
}

/* The bill ids of body.bills: 1..RENT_PAYMENT_BILLS_MAX distinct positive integers. */
static int
read_bill_ids(struct http_req *req, json_t *body, int64_t *ids, int *n)
{
	json_t *a = json_object_get(body, "bills"), *v;
	size_t i, j;

	if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > RENT_PAYMENT_BILLS_MAX)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "bills",
				   "bills must list 1 to %d bill ids", RENT_PAYMENT_BILLS_MAX);
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "bills",
					   "bills must list bill ids");
		ids[i] = json_integer_value(v);
		for (j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "bills",
						   "bill %" PRId64 " is listed twice", ids[i]);
	}
	*n = (int)json_array_size(a);
	return GZF_OK;
}

/* The order paying bills ids[0..n) of the caller: their lease, outstanding sum and
 * purpose. Bills of others are not found; settled ones cannot be paid. */
static int
order_for_bills(struct http_req *req, struct db_conn *c, const struct caller *who, const int64_t *ids,
		int n, struct bank_order_row *o, struct rent_lease *lease)
{
	struct rent_bill b[RENT_PAYMENT_BILLS_MAX];
	int64_t total = 0;
	int i, rc;

	if ((rc = rent_payment_store_bills(c, ids, n, b, &req->err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if (b[i].owner_id != who->actor.user_id)
			return gzf_err_set(&req->err, GZF_ENOTFOUND, "bill_not_found", "bills",
					   "no bill %" PRId64, ids[i]);
		if (b[i].lease_id != b[0].lease_id)
			return gzf_err_set(&req->err, GZF_EINVAL, "bills_of_several_leases", "bills",
					   "one payment pays the bills of one lease");
		if (b[i].outstanding_fen <= 0)
			return gzf_err_set(&req->err, GZF_ESTATE, "bill_settled", "bills",
					   "bill %s has nothing left to pay", b[i].bill_no);
		total += b[i].outstanding_fen;
	}
	if (total > BANK_MAX_AMOUNT_FEN)
		return gzf_err_set(&req->err, GZF_EINVAL, "amount_too_large", "bills",
				   "one payment is at most %d fen", BANK_MAX_AMOUNT_FEN);
	if ((rc = rent_payment_store_lease(c, b[0].lease_id, lease, &req->err)) != GZF_OK)
		return rc;
	o->city_id = b[0].city_id;
	o->purpose = rent_payment_purpose(req->arena, b[0].lease_id, ids, n);
	o->amount_fen = total;
	o->status = "pending";
	return GZF_OK;
}

/*
 * POST /api/v1/me/payments {"bills": [id, ...]} with Idempotency-Key: the order is kept
 * (with its query job) first, then created at the bank — a retry names the same order
 * with the same details, which the bank answers with the same page — and the reply is
 * stored with the key.
 */
static int
payments_post(struct http_req *req)
{
	struct service *svc = req->service;
	char order_no[BANK_NO_MAX + 1];
	int64_t ids[RENT_PAYMENT_BILLS_MAX], now = gzf_now_ms();
	struct bank_order_row o = { 0 }, old;
	struct bank_order_req br;
	struct bank_order bo;
	struct rent_lease lease;
	struct api_idem idem;
	struct caller *who;
	struct db_conn *c;
	const char *site;
	json_t *body, *reply;
	int rc, n = 0;

	if ((rc = resident(req, &c, &who)) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = read_bill_ids(req, body, ids, &n)) != GZF_OK)
		return rc;
	if ((rc = api_site_url(req, &site)) != GZF_OK)
		return rc;
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = api_idem_begin(req, c, who->actor.user_id, who->actor.city_id, 1, &idem)) != GZF_OK ||
	    idem.replayed || (rc = order_for_bills(req, c, who, ids, n, &o, &lease)) != GZF_OK)
		goto out;
	rent_payment_order_no(who->actor.user_id, idem.key, order_no);
	o.order_no = order_no;
	o.created_at = now;
	rc = bank_store_order_create(c, &o, &o.id, &req->err);
	if (db_is_duplicate(rc, &req->err)) { /* a retry after the bank did not answer */
		db_rollback(c);
		gzf_err_clear(&req->err);
		if ((rc = bank_store_order_get(c, order_no, &old, &req->err)) != GZF_OK)
			return rc;
		if (strcmp(old.purpose, o.purpose) != 0 || old.amount_fen != o.amount_fen)
			return gzf_err_set(&req->err, GZF_ESTATE, "idempotency_key_reused",
					   "Idempotency-Key", "this key was used for another payment");
		o = old;
	} else if (rc != GZF_OK ||
		   (rc = rent_payment_query_schedule(c, o.city_id, order_no,
						     now + RENT_PAYMENT_QUERY_AFTER_MS, &req->err)) != GZF_OK ||
		   (rc = db_commit(c, &req->err)) != GZF_OK) {
		goto out;
	}
	br = (struct bank_order_req){
		.order_no = order_no, .amount_fen = o.amount_fen,
		.subject = arena_printf(req->arena, "公租房租金 %s", lease.lease_no),
		.notify_url = arena_printf(req->arena, "%s/api/v1/partners/bank/notify", site),
		.return_url = arena_printf(req->arena, "%s/services/bills/%" PRId64 "/pay?order=%s", site,
					   ids[0], order_no),
		.expire_at_ms = gzf_wall_of(o.created_at) + RENT_PAYMENT_EXPIRE_MS, /* the bank's clock */
	};
	if ((rc = bank_order_create(&svc->partners.bank, req->arena, &br, &bo, &req->err)) != GZF_OK)
		return rc;
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = api_idem_begin(req, c, who->actor.user_id, who->actor.city_id, 1, &idem)) != GZF_OK ||
	    idem.replayed)
		goto out;
	reply = json_pack("{s:s, s:s, s:I, s:s, s:I, s:s}", "order_no", order_no, "status", "pending",
			  "amount_fen", (json_int_t)o.amount_fen, "pay_url", bo.pay_url,
			  "expire_at", (json_int_t)br.expire_at_ms, "bills",
			  rent_payment_purpose_bills(o.purpose));
	if ((rc = api_audit(req, c, who, "payment.create", "bank_order", o.id, lease.region_code, "ok",
			    arena_printf(req->arena, "{\"order_no\":\"%s\",\"amount_fen\":%" PRId64 "}",
					 order_no, o.amount_fen))) != GZF_OK ||
	    (rc = api_idem_reply(req, c, &idem, 201, reply)) != GZF_OK)
		goto out;
	return db_commit(c, &req->err);
out:
	db_rollback(c);
	return rc;
}

/* The order order_no of the caller with its lease; 404 for another's. */
static int
own_order(struct http_req *req, struct db_conn *c, const struct caller *who, const char *order_no,
	  struct bank_order_row *o)
{
	struct rent_lease l;
	int64_t lease_id;
	int rc;

	if (!bank_no_valid(order_no))
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "order_not_found", NULL, "no such order");
	rc = bank_store_order_get(c, order_no, o, &req->err);
	if (rc == GZF_OK && rent_payment_purpose_lease(o->purpose, &lease_id))
		rc = rent_payment_store_lease(c, lease_id, &l, &req->err);
	else if (rc == GZF_OK)
		l.owner_id = 0;
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && l.owner_id != who->actor.user_id)) {
		gzf_err_clear(&req->err);
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "order_not_found", NULL, "no such order");
	}
	return rc;
}

/* GET /api/v1/me/payments/:order_no — the order's state; its receipt once paid. */
static int
payment_get(struct http_req *req)
{
	struct bank_order_row o;
	struct rent_payment p;
	struct caller *who;
	struct db_conn *c;
	json_t *reply;
	int rc;

	if ((rc = resident(req, &c, &who)) != GZF_OK ||
	    (rc = own_order(req, c, who, http_param(req, "order_no"), &o)) != GZF_OK)
		return rc;
	reply = json_pack("{s:s, s:s, s:I, s:s, s:I}", "order_no", o.order_no, "status", o.status,
			  "amount_fen", (json_int_t)o.amount_fen, "bills",
			  rent_payment_purpose_bills(o.purpose), "created_at", (json_int_t)o.created_at);
	rc = rent_payment_store_by_order(c, o.order_no, &p, &req->err);
	if (rc == GZF_OK) {
		json_object_set_new(reply, "receipt_code", json_string(p.receipt_code));
		json_object_set_new(reply, "paid_at", json_integer(p.paid_at));
	} else if (rc != GZF_ENOTFOUND) {
		json_decref(reply);
		return rc;
	}
	gzf_err_clear(&req->err);
	return http_reply_json(req, 200, reply);
}

static json_t *
bill_json(const struct rent_bill *b)
{
	return json_pack("{s:I, s:s, s:I, s:i, s:I, s:I, s:I, s:s}", "id", (json_int_t)b->id,
			 "bill_no", b->bill_no, "lease_id", (json_int_t)b->lease_id, "month", b->month,
			 "due_on", (json_int_t)b->due_on, "amount_fen", (json_int_t)b->amount_fen,
			 "outstanding_fen", (json_int_t)b->outstanding_fen, "state", b->state);
}

/* GET /api/v1/me/payable-bills — the caller's bills with something outstanding. */
static int
payable_get(struct http_req *req)
{
	struct rent_bill *b;
	struct caller *who;
	struct db_conn *c;
	json_t *items;
	int rc, i, n;

	if ((rc = resident(req, &c, &who)) != GZF_OK ||
	    (rc = rent_payment_store_open_bills(c, who->actor.user_id, 0, &b, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, bill_json(&b[i]));
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* A payment as its payer sees it; finance (staff 1) also sees what is left to refund. */
static json_t *
payment_json(const struct rent_payment *p, int staff)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:I}", "id",
			      (json_int_t)p->id, "receipt_code", p->receipt_code, "order_no",
			      p->order_no, "bank_txn_id", p->bank_txn_id, "amount_fen",
			      (json_int_t)p->amount_fen, "paid_at", (json_int_t)p->paid_at, "via",
			      p->via, "bills", p->bills, "estate_name", p->estate_name, "lease_no",
			      p->lease_no, "refunded_fen", (json_int_t)p->refunded_fen);

	if (staff)
		json_object_set_new(j, "refundable_fen", json_integer(p->amount_fen - p->refunds_fen));
	return j;
}

/* A page of payments (payer 0: the city's) as {items, next_before}. */
static int
payments_page(struct http_req *req, struct db_conn *c, int64_t payer, int64_t city)
{
	struct rent_payment *p;
	int64_t before, limit;
	json_t *items;
	int rc, i, n;

	if ((rc = api_query_int(req, "before", 0, INT64_MAX, 0, &before)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, RENT_PAYMENT_LIST_MAX, 50, &limit)) != GZF_OK ||
	    (rc = rent_payment_store_list(c, payer, city, before, (int)limit, &p, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, payment_json(&p[i], payer == 0));
	return http_reply_json(req, 200, json_pack("{s:o, s:o}", "items", items, "next_before",
				n == limit ? json_integer(p[n - 1].id) : json_null()));
}

/* GET /api/v1/me/receipts — the caller's payments, newest first. */
static int
receipts_get(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	int rc;

	if ((rc = resident(req, &c, &who)) != GZF_OK)
		return rc;
	return payments_page(req, c, who->actor.user_id, 0);
}

/* The payment of receipt code (24 digits; anything else is not found). */
static int
receipt_of(struct http_req *req, struct db_conn *c, const char *code, struct rent_payment *p)
{
	if (code == NULL || strlen(code) != RENT_RECEIPT_CODE_DIGITS ||
	    strspn(code, "0123456789") != RENT_RECEIPT_CODE_DIGITS)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "receipt_not_found", NULL,
				   "no receipt has this code");
	return rent_payment_store_by_code(c, code, p, &req->err);
}

/* The payer as a receipt shows them: the masked real name, or "—". */
static const char *
payer_masked(struct http_req *req, struct db_conn *c, int64_t payer_id)
{
	const char *name;
	struct user u;

	if (user_store_get(c, payer_id, &u, &req->err) != GZF_OK) {
		gzf_err_clear(&req->err);
		return "—";
	}
	name = api_unseal(req, u.real_name_enc);
	return name ? pii_mask_name(req->arena, name) : "—";
}

/* GET /api/v1/me/receipts/:code/pdf — the caller's own receipt as a PDF. */
static int
receipt_pdf(struct http_req *req)
{
	const unsigned char *bytes;
	struct rent_payment p;
	struct caller *who;
	struct db_conn *c;
	size_t len;
	int rc;

	if ((rc = resident(req, &c, &who)) != GZF_OK ||
	    (rc = receipt_of(req, c, http_param(req, "code"), &p)) != GZF_OK)
		return rc;
	if (p.payer_id != who->actor.user_id)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "receipt_not_found", NULL,
				   "no receipt has this code");
	if ((rc = rent_payment_receipt_pdf(req->arena, &p, payer_masked(req, c, p.payer_id), &bytes,
					   &len, &req->err)) != GZF_OK)
		return rc;
	http_reply_header(req, "Content-Disposition", arena_printf(req->arena,
			  "attachment; filename=\"receipt-%s.pdf\"", p.receipt_code));
	return http_reply_bytes(req, 200, "application/pdf", (const char *)bytes, len);
}

/* GET /api/v1/receipts/:code — public: is this receipt genuine? The amount, the date, the
 * estate and the payer masked; nothing that names a person or a flat. */
static int
receipt_check(struct http_req *req)
{
	struct rent_payment p;
	struct db_conn *c;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = receipt_of(req, c, http_param(req, "code"), &p)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:b, s:s, s:I, s:I, s:s, s:s, s:s}", "genuine", 1,
		"receipt_code", p.receipt_code, "amount_fen", (json_int_t)p.amount_fen,
		"paid_at", (json_int_t)p.paid_at, "estate_name", p.estate_name,
		"payer", payer_masked(req, c, p.payer_id), "via", p.via));
}

static json_t *
agreement_json(const struct debit_agreement *g)
{
	return json_pack("{s:s, s:I, s:s, s:s, s:I, s:I}", "agreement_no", g->agreement_no,
			 "lease_id", (json_int_t)g->lease_id, "status", g->status, "sign_url",
			 g->sign_url, "created_at", (json_int_t)g->created_at, "updated_at",
			 (json_int_t)g->updated_at);
}

/* GET /api/v1/me/withholding — the caller's leases that can be debited, and agreements. */
static int
withholding_get(struct http_req *req)
{
	struct debit_agreement *g;
	struct rent_lease *l;
	struct caller *who;
	struct db_conn *c;
	json_t *leases, *items;
	int rc, i, n, nl;

	if ((rc = resident(req, &c, &who)) != GZF_OK ||
	    (rc = rent_payment_store_owner_leases(c, who->actor.user_id, &l, &nl, &req->err)) != GZF_OK ||
	    (rc = rent_payment_store_agreements(c, who->actor.user_id, NULL, 0, RENT_PAYMENT_LIST_MAX,
						&g, &n, &req->err)) != GZF_OK)
		return rc;
	leases = json_array();
	for (i = 0; i < nl; i++)
		json_array_append_new(leases, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)l[i].id,
			"lease_no", l[i].lease_no, "state", l[i].state, "estate_name", l[i].estate_name));
	items = json_array();
	for (i = n - 1; i >= 0; i--)
		json_array_append_new(items, agreement_json(&g[i]));
	return http_reply_json(req, 200, json_pack("{s:o, s:o}", "leases", leases, "items", items));
}

/* Save g's status and sign_url with an audit entry, in a transaction of its own. */
static int
agreement_save(struct http_req *req, struct db_conn *c, const struct caller *who,
	       const struct debit_agreement *g, const struct rent_lease *l, const char *action)
{
	int rc;

	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = rent_payment_store_agreement_put(c, g, gzf_now_ms(), &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, action, "debit_agreement", g->id, l->region_code, "ok",
			    arena_printf(req->arena, "{\"agreement_no\":\"%s\",\"status\":\"%s\"}",
					 g->agreement_no, g->status))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		db_rollback(c);
	return rc;
}

/* POST /api/v1/me/withholding {"lease_id"} — a debit agreement for the caller's lease,
 * to be signed on the bank's page (reply: sign_url). One pending or signed per lease. */
static int
withholding_post(struct http_req *req)
{
	struct service *svc = req->service;
	struct debit_agreement g;
	struct rent_lease l;
	struct caller *who;
	struct db_conn *c;
	const char *site, *sign_url;
	char digits[9];
	int64_t lease_id = 0;
	json_t *body;
	int rc;

	if ((rc = resident(req, &c, &who)) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_int(req, body, "lease_id", 1, 1, INT64_MAX, &lease_id)) != GZF_OK)
		return rc;
	if ((rc = api_site_url(req, &site)) != GZF_OK)
		return rc;
	rc = rent_payment_store_lease(c, lease_id, &l, &req->err);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && l.owner_id != who->actor.user_id))
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "lease_not_found", "lease_id", "no such lease");
	if (rc != GZF_OK)
		return rc;
	if (strcmp(l.state, "signed") != 0 && strcmp(l.state, "active") != 0)
		return gzf_err_set(&req->err, GZF_ESTATE, "lease_not_live", "lease_id",
				   "only a signed or active lease can be debited");
	crypto_random_digits(digits, 8);
	g = (struct debit_agreement){
		.city_id = l.city_id, .lease_id = l.id, .owner_id = l.owner_id,
		.agreement_no = arena_printf(req->arena, "W%" PRId64 "-%s", l.id, digits),
		.status = "pending", .sign_url = "",
		.notify_url = arena_printf(req->arena, "%s/api/v1/partners/bank/notify", site),
		.created_at = gzf_now_ms(),
	};
	rc = rent_payment_store_agreement_add(c, &g, &g.id, &req->err);
	if (db_is_duplicate(rc, &req->err))
		return gzf_err_set(&req->err, GZF_ECONFLICT, "agreement_exists", "lease_id",
				   "this lease has a debit agreement already");
	if (rc != GZF_OK)
		return rc;
	rc = bank_agreement_create(&svc->partners.bank, req->arena, g.agreement_no,
				   "公租房租金按月代扣", g.notify_url,
				   arena_printf(req->arena, "%s/services/bills", site), &sign_url, &req->err);
	if (rc != GZF_OK) { /* not made at the bank: the lease is free for another try */
		struct gzf_err refusal = req->err;

		gzf_err_clear(&req->err);
		g.status = "cancelled";
		if (agreement_save(req, c, who, &g, &l, "withholding.fail") == GZF_OK)
			req->err = refusal;
		return req->err.code;
	}
	g.sign_url = sign_url;
	if ((rc = agreement_save(req, c, who, &g, &l, "withholding.create")) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, agreement_json(&g));
}

/* POST /api/v1/me/withholding/:agreement_no/cancel — end the caller's agreement. */
static int
withholding_cancel(struct http_req *req)
{
	struct service *svc = req->service;
	struct debit_agreement g;
	struct rent_lease l;
	struct caller *who;
	struct db_conn *c;
	int rc;

	if ((rc = resident(req, &c, &who)) != GZF_OK)
		return rc;
	rc = rent_payment_store_agreement_get(c, http_param(req, "agreement_no"), &g, &req->err);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && g.owner_id != who->actor.user_id))
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "agreement_not_found", NULL,
				   "no such agreement");
	if (rc != GZF_OK || (rc = rent_payment_store_lease(c, g.lease_id, &l, &req->err)) != GZF_OK)
		return rc;
	if (strcmp(g.status, "cancelled") == 0)
		return gzf_err_set(&req->err, GZF_ESTATE, "agreement_cancelled", NULL,
				   "this agreement is cancelled already");
	if ((rc = bank_agreement_cancel(&svc->partners.bank, req->arena, g.agreement_no,
					&req->err)) != GZF_OK)
		return rc;
	g.status = "cancelled";
	if ((rc = agreement_save(req, c, who, &g, &l, "withholding.cancel")) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, agreement_json(&g));
}

/* GET /api/v1/payments — finance: the city's payments, newest first. */
static int
staff_payments(struct http_req *req)
{
	struct region city;
	struct db_conn *c;
	int rc;

	if ((rc = api_finance_city(req, &c, "payment.list", &city)) != GZF_OK)
		return rc;
	return payments_page(req, c, 0, city.city_id);
}

/* GET /api/v1/payments/rejected — finance: the bank notifications gzf refused. */
static int
staff_rejected(struct http_req *req)
{
	struct rent_rejected *x;
	struct region city;
	struct db_conn *c;
	int64_t before, limit;
	json_t *items;
	int rc, i, n;

	if ((rc = api_finance_city(req, &c, "payment.rejected", &city)) != GZF_OK ||
	    (rc = api_query_int(req, "before", 0, INT64_MAX, 0, &before)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, RENT_PAYMENT_LIST_MAX, 50, &limit)) != GZF_OK ||
	    (rc = rent_payment_store_rejected(c, city.city_id, before, (int)limit, &x, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)x[i].id, "reason", x[i].reason,
				      "body_sha256", x[i].body_sha256, "received_at", (json_int_t)x[i].received_at);

		json_object_set_new(o, "notify_id", x[i].notify_id ? json_string(x[i].notify_id) : json_null());
		json_object_set_new(o, "event", x[i].event ? json_string(x[i].event) : json_null());
		json_object_set_new(o, "order_no", x[i].order_no ? json_string(x[i].order_no) : json_null());
		json_object_set_new(o, "amount_fen", x[i].amount_fen >= 0 ? json_integer(x[i].amount_fen) : json_null());
		json_array_append_new(items, o);
	}
	return http_reply_json(req, 200, json_pack("{s:o, s:o}", "items", items, "next_before",
				n == limit ? json_integer(x[n - 1].id) : json_null()));
}
