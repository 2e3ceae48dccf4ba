/*
 * refund.c — finance refunding rent payments through the bank (docs/api/payments.md
 * "Refunds"): a refund of a payment (POST with Idempotency-Key), a payment's refunds and
 * the city's. The refund is kept first (requested, with its query job), then asked of the
 * bank; what the bank's answer does is domain/refund.c, reached through its notification
 * (api/bank.c) or the refund query job.
 */
#include "api/api.h"
#include "core/log.h"
#include "domain/refund.h"
#include "domain/sanitize.h"

#include <inttypes.h>
#include <string.h>

static int refunds_post(struct http_req *req);
static int payment_refunds(struct http_req *req);
static int city_refunds(struct http_req *req);

void
api_refund_routes(struct router *r)
{
	router_add(r, "POST", "/api/v1/payments/:id/refunds", refunds_post);
	router_add(r, "GET", "/api/v1/payments/:id/refunds", payment_refunds);
	router_add(r, "GET", "/api/v1/refunds", city_refunds);
}

static json_t *
refund_json(const struct refund *r)
{
	json_t *j = json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:I}",
			      "id", (json_int_t)r->id, "refund_no", r->refund_no, "payment_id",
			      (json_int_t)r->payment_id, "order_no", r->order_no, "lease_id",
			      (json_int_t)r->lease_id, "lease_no", r->lease_no, "amount_fen",
			      (json_int_t)r->amount_fen, "reason", r->reason, "state", r->state,
			      "failure", r->failure, "requested_by", (json_int_t)r->requested_by,
			      "created_at", (json_int_t)r->created_at, "updated_at",
			      (json_int_t)r->updated_at);

	json_object_set_new(j, "bank_txn_id", r->bank_txn_id ? json_string(r->bank_txn_id) : json_null());
	json_object_set_new(j, "done_at", r->done_at ? json_integer(r->done_at) : json_null());
	return j;
}

/* The rent payment of :id, once who may act on its lease's region. */
static int
payment_for(struct http_req *req, struct db_conn *c, const struct caller *who, enum action act,
	    const char *audit, struct refund_payment *p)
{
	struct object obj;
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = refund_store_payment(c, id, p, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = p->region_path };
	return api_authorize(req, c, who, act, &obj, audit, "rent_payment", p->id);
}

/* body.reason: 1 to REFUND_REASON_MAX characters of single-line text. */
static int
read_reason(struct http_req *req, json_t *body, const char **reason)
{
	int rc;

	if ((rc = api_field_string(req, body, "reason", 1, REFUND_REASON_MAX, reason)) != GZF_OK)
		return rc;
	if ((*reason)[0] == '\0' || !sanitize_text_ok(*reason, 0))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "reason",
				   "reason must be 1 to %d characters of plain text on one line",
				   REFUND_REASON_MAX);
	return GZF_OK;
}

/* Refund r, which the bank refused (failure: why), fails in a transaction of its own. */
static int
refused_by_bank(struct http_req *req, struct db_conn *c, const struct refund *r, const char *failure)
{
	struct service *svc = req->service;
	int rc;

	log_msg(LOG_WARN, "bank refused a refund", "refund_no", r->refund_no, "detail",
		req->err.message, NULL);
	gzf_err_clear(&req->err);
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	rc = refund_fail(c, svc->audit_key, r->refund_no, failure, gzf_now_ms(), &req->err);
	if (rc == GZF_ESTATE) { /* settled meanwhile: nothing to undo */
		gzf_err_clear(&req->err);
		rc = GZF_OK;
	}
	if (rc == GZF_OK)
		return db_commit(c, &req->err);
	db_rollback(c);
	return rc;
}

/*
 * POST /api/v1/payments/:id/refunds {"amount_fen", "reason"} with Idempotency-Key: the
 * refund is kept (requested, its amount held, its query job queued) and committed first,
 * then asked of the bank — a retry names the same refund with the same details, which the
 * bank answers the same way; a bank that cannot be reached leaves it to the query job — and
 * the reply (202, the refund as it stands) is stored with the key.
 */
static int
refunds_post(struct http_req *req)
{
	struct service *svc = req->service;
	char refund_no[BANK_NO_MAX + 1];
	struct refund_payment p;
	struct refund r, old;
	struct api_idem idem;
	struct caller *who;
	struct db_conn *c;
	const char *site, *reason = NULL, *refused;
	int64_t amount = 0, now = gzf_now_ms();
	json_t *body;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = payment_for(req, c, who, ACT_BILL_MANAGE, "refund.request", &p)) != GZF_OK ||
	    (rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_int(req, body, "amount_fen", 1, 1, BANK_MAX_AMOUNT_FEN, &amount)) != GZF_OK ||
	    (rc = read_reason(req, body, &reason)) != GZF_OK || (rc = api_site_url(req, &site)) != GZF_OK)
		return rc;
	r = (struct refund){
		.amount_fen = amount, .reason = reason, .requested_by = who->actor.user_id,
		.notify_url = arena_printf(req->arena, "%s/api/v1/partners/bank/notify", site),
		.created_at = now, .lease_no = p.lease_no, .failure = "",
	};
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = api_idem_begin(req, c, who->actor.user_id, p.city_id, 1, &idem)) != GZF_OK ||
	    idem.replayed)
		goto out;
	refund_no_of(who->actor.user_id, idem.key, refund_no);
	r.refund_no = refund_no;
	rc = refund_request(c, &p, &r, &req->err);
	if (db_is_duplicate(rc, &req->err)) { /* a retry after the bank did not answer */
		db_rollback(c);
		gzf_err_clear(&req->err);
		if ((rc = refund_store_get(c, refund_no, &old, &req->err)) != GZF_OK)
			return rc;
		if (old.payment_id != p.id || old.amount_fen != amount || strcmp(old.reason, reason) != 0)
			return gzf_err_set(&req->err, GZF_ESTATE, "idempotency_key_reused",
					   "Idempotency-Key", "this key was used for another refund");
		r = old;
	} else if (rc != GZF_OK ||
		   (rc = api_audit(req, c, who, "refund.request", "refund", r.id, p.region_code, "ok",
				   arena_printf(req->arena, "{\"refund_no\":\"%s\",\"order_no\":\"%s\","
						"\"amount_fen\":%" PRId64 "}", refund_no, p.order_no,
						amount))) != GZF_OK ||
		   (rc = db_commit(c, &req->err)) != GZF_OK) {
		goto out;
	}
	if (strcmp(r.state, "requested") == 0) {
		rc = refund_bank_request(&svc->partners.bank, req->arena, &r, &refused, &req->err);
		if (refused != NULL && (rc = refused_by_bank(req, c, &r, refused)) != GZF_OK)
			return rc;
		if (rc != GZF_OK) { /* not reached: the query job sends it again */
			log_msg(LOG_WARN, "refund request not answered", "refund_no", refund_no,
				"detail", req->err.message, NULL);
			gzf_err_clear(&req->err);
		}
	}
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = api_idem_begin(req, c, who->actor.user_id, p.city_id, 1, &idem)) != GZF_OK ||
	    idem.replayed || (rc = refund_store_get(c, refund_no, &r, &req->err)) != GZF_OK ||
	    (rc = api_idem_reply(req, c, &idem, 202, refund_json(&r))) != GZF_OK)
		goto out;
	return db_commit(c, &req->err);
out:
	db_rollback(c);
	return rc;
}

/* Reply a page of refunds (payment_id 0: the city's) as {items, next_before} and extra. */
static int
refunds_page(struct http_req *req, struct db_conn *c, int64_t city_id, int64_t payment_id,
	     json_t *extra)
{
	struct refund *r;
	int64_t before, limit;
	json_t *items;
	int rc, i, n;

	if ((rc = api_query_int(req, "before", 0, INT64_MAX, 0, &before)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, REFUND_LIST_MAX, 50, &limit)) != GZF_OK ||
	    (rc = refund_store_list(c, city_id, payment_id, before, (int)limit, &r, &n, &req->err)) != GZF_OK) {
		json_decref(extra);
		return rc;
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, refund_json(&r[i]));
	json_object_set_new(extra, "items", items);
	json_object_set_new(extra, "next_before", n == limit ? json_integer(r[n - 1].id) : json_null());
	return http_reply_json(req, 200, extra);
}

/* GET /api/v1/payments/:id/refunds — finance: a payment, what is left of it, its refunds. */
static int
payment_refunds(struct http_req *req)
{
	struct refund_payment p;
	struct caller *who;
	struct db_conn *c;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = payment_for(req, c, who, ACT_FINANCE_READ, "refund.list", &p)) != GZF_OK)
		return rc;
	return refunds_page(req, c, 0, p.id, json_pack("{s:{s:I, s:s, s:I, s:I, s:I}}", "payment",
			    "id", (json_int_t)p.id, "order_no", p.order_no, "amount_fen",
			    (json_int_t)p.amount_fen, "refunded_fen", (json_int_t)p.refunded_fen,
			    "refundable_fen", (json_int_t)(p.amount_fen - p.refunds_fen)));
}

/* GET /api/v1/refunds — finance: the city's refunds, newest first. */
static int
city_refunds(struct http_req *req)
{
	struct region city;
	struct db_conn *c;
	int rc;

	if ((rc = api_finance_city(req, &c, "refund.list", &city)) != GZF_OK)
		return rc;
	return refunds_page(req, c, city.city_id, 0, json_object());
}
