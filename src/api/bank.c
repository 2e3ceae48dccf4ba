/*
 * bank.c — POST /api/v1/partners/bank/notify: the bank's asynchronous notifications
 * (docs/partners/bank.md). Each delivery is verified over its raw body (signature,
 * timestamp, nonce), applied to gzf's payment order (domain/payment.c) and recorded with
 * its audit entry in one transaction — with, for an order paying bills, the payment
 * credited once and its receipt (domain/rent_payment.c); a refund's notification settles
 * the refund gzf asked for (domain/refund.c), and one it never asked for is refused. A
 * duplicate (a notification accepted before) is acknowledged and changes nothing; a refused one is recorded as rejected, with its
 * reason, and audited in a transaction of its own, and the bank gets the error, so it
 * tries again later. An address with too many refusals is locked out for a while
 * (throttle_bank_notify_ip), and then nothing more of it is recorded.
 */
#include "api/api.h"
#include "domain/payment.h"
#include "domain/refund.h"
#include "domain/rent_payment.h"
#include "partners/bank.h"
#include "store/bank_store.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

static int notify_post(struct http_req *req);
static int notify_apply(struct http_req *req, struct db_conn *c, const struct bank_notification *n,
			int64_t now, int64_t *city_id, int *duplicate);
static int notify_reject(struct http_req *req, struct db_conn *c, const struct bank_notification *n,
			 int64_t city_id, int64_t now);
static const char *notify_detail(struct http_req *req, const struct bank_notification *n,
				 const char *reason);

void
api_bank_routes(struct router *r)
{
	router_add(r, "POST", "/api/v1/partners/bank/notify", notify_post);
}

/* The audit detail of a delivery: what it claimed, and why it was refused. */
static const char *
notify_detail(struct http_req *req, const struct bank_notification *n, const char *reason)
{
	json_t *d = json_pack("{s:s}", "body_sha256", n->body_sha256);
	const char *text;
	char *s;

	if (n->notify_id != NULL)
		json_object_set_new(d, "notify_id", json_string(n->notify_id));
	if (n->event != NULL)
		json_object_set_new(d, "event", json_string(n->event));
	if (n->order_no != NULL)
		json_object_set_new(d, "order_no", json_string(n->order_no));
	if (n->refund_no != NULL)
		json_object_set_new(d, "refund_no", json_string(n->refund_no));
	if (n->amount_fen >= 0)
		json_object_set_new(d, "amount_fen", json_integer(n->amount_fen));
	if (reason != NULL)
		json_object_set_new(d, "reason", json_string(reason));
	s = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	text = arena_strdup(req->arena, s);
	free(s);
	json_decref(d);
	return text;
}

/* Inside the transaction: the nonce, then the order's transition and the record.
 * *city_id gets the order's city (0 when unknown); *duplicate = 1 for a notification
 * accepted before (nothing is changed then). Errors are the notification's refusal. */
static int
notify_apply(struct http_req *req, struct db_conn *c, const struct bank_notification *n,
	     int64_t now, int64_t *city_id, int *duplicate)
{
	struct caller bank = { .actor = { .kind = ACTOR_SYSTEM } };
	struct bank_notification_row row;
	struct bank_order_row o = { 0 };
	struct gzf_err unknown = { 0 };
	int rc, seen = 0;

	*duplicate = 0;
	rc = bank_store_nonce_use(c, http_header(req, "X-Bank-Nonce"),
				  (n->timestamp_s + BANK_NOTIFY_SKEW_S + 1) * 1000, gzf_wall_ms(), &req->err);
	if (db_is_duplicate(rc, &req->err))
		return gzf_err_set(&req->err, GZF_ECONFLICT, "replayed", "X-Bank-Nonce",
				   "this nonce was already used; every delivery needs a new one");
	if (rc != GZF_OK)
		return rc;
	/* Deliveries of one order's notifications at once: each waits here for the one
	 * before, and then sees it (a duplicate) rather than failing to apply it again. An
	 * unknown order is a refusal, once the notification is known not to be a repeat.
	 * The order's read tells whether the notification was accepted before it began; one
	 * accepted while it waited has moved the order on from pending, so for an order no
	 * longer pending (or none) that is asked again. */
	if (n->order_no != NULL) {
		rc = bank_store_order_lock(c, n->order_no, n->notify_id, &o, &seen, &req->err);
		if (rc == GZF_ENOTFOUND) {
			unknown = req->err;
			gzf_err_clear(&req->err);
		} else if (rc != GZF_OK) {
			return rc;
		}
	}
	if (!seen && (o.id == 0 || strcmp(o.status, "pending") != 0) &&
	    (rc = bank_store_notification_seen(c, n->notify_id, &seen, &req->err)) != GZF_OK)
		return rc;
	if (seen) {
		*duplicate = 1;
		return GZF_OK;
	}
	if (n->refund_no != NULL) {
		if ((rc = refund_settle(c, ((struct service *)req->service)->audit_key, n, now, city_id,
					&o.id, &req->err)) != GZF_OK)
			return rc;
	} else if (payment_event_of(n->event) >= 0) {
		if (unknown.code != GZF_OK) {
			req->err = unknown;
			return unknown.code;
		}
		*city_id = o.city_id;
		if ((rc = rent_payment_apply(c, &o, n, now, &req->err)) != GZF_OK)
			return rc;
	} else if ((rc = rent_payment_agreement_apply(c, n, now, city_id, &req->err)) != GZF_OK) {
		return rc;
	}
	row = (struct bank_notification_row){
		.city_id = *city_id, .notify_id = n->notify_id, .event = n->event,
		.order_no = n->order_no, .amount_fen = n->amount_fen, .accepted = 1, .reason = "",
		.body_sha256 = n->body_sha256, .received_at = now,
	};
	/* Under an order's lock no other delivery of it is recorded meanwhile: the record
	 * goes with the next statement. Without one (an agreement's), a delivery at once
	 * twice is found here. */
	rc = bank_store_notification_add(c, &row, n->order_no != NULL, &req->err);
	if (db_is_duplicate(rc, &req->err)) { /* the same notification, delivered at once twice */
		*duplicate = 1;
		return GZF_OK;
	}
	if (rc != GZF_OK)
		return rc;
	bank.actor.city_id = *city_id;
	return api_audit(req, c, &bank, "bank.notify", "bank_order", o.id, 0, "ok",
			 notify_detail(req, n, NULL));
}

/* A refused delivery, recorded and audited in a transaction of its own; req->err keeps
 * the refusal, which is what the bank is answered. */
static int
notify_reject(struct http_req *req, struct db_conn *c, const struct bank_notification *n,
	      int64_t city_id, int64_t now)
{
	const struct throttle_policy *p = &throttle_bank_notify_ip;
	struct gzf_err refusal = req->err;
	struct bank_notification_row row = {
		.city_id = city_id, .notify_id = n->notify_id, .event = n->event,
		.order_no = n->order_no, .amount_fen = n->amount_fen, .accepted = 0,
		.reason = refusal.name[0] ? refusal.name : gzf_code_name(refusal.code),
		.body_sha256 = n->body_sha256, .received_at = now,
	};
	int rc;

	log_msg(LOG_WARN, "bank notification refused", "reason", row.reason,
		"detail", refusal.message, NULL);
	gzf_err_clear(&req->err);
	if ((rc = api_throttle_hit(req, c, p, arena_printf(req->arena, "%s:%s", p->name,
							   req->client_ip), 0, NULL)) != GZF_OK)
		return rc;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = bank_store_notification_add(c, &row, 1, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, NULL, "bank.notify", "bank_order", 0, 0, "denied",
			    notify_detail(req, n, row.reason))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK) {
		db_rollback(c);
		return rc;
	}
	req->err = refusal;
	return refusal.code;
}

/* POST /api/v1/partners/bank/notify — signed by the bank with bank_key. */
static int
notify_post(struct http_req *req)
{
	struct service *svc = req->service;
	struct bank_notification n;
	struct db_conn *c;
	int64_t now = gzf_now_ms(), city_id = 0;
	int rc, duplicate = 0;

	/* The bank signs on its own time, which a test clock never moves. */
	rc = bank_verify_notification(svc->secrets->bank_key, sizeof(svc->secrets->bank_key),
				      http_header(req, "X-Bank-Timestamp"),
				      http_header(req, "X-Bank-Nonce"),
				      http_header(req, "X-Bank-Signature"), req->body, req->body_len,
				      gzf_wall_ms() / 1000, req->arena, &n, &req->err);
	if (api_db(req, &c) != GZF_OK)
		return req->err.code;
	if (api_throttle_check(req, c, arena_printf(req->arena, "%s:%s", throttle_bank_notify_ip.name,
						      req->client_ip)) != GZF_OK)
		return req->err.code;
	if (rc != GZF_OK)
		return notify_reject(req, c, &n, 0, now);
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	rc = notify_apply(req, c, &n, now, &city_id, &duplicate);
	if (rc == GZF_OK && duplicate) {
		db_rollback(c); /* a duplicate changes nothing */
		return http_reply_json(req, 200, json_pack("{s:s, s:b}", "status", "ok",
							   "duplicate", 1));
	}
	if (rc == GZF_OK)
		rc = db_commit(c, &req->err);
	if (rc == GZF_OK)
		return http_reply_json(req, 200, json_pack("{s:s, s:b}", "status", "ok",
							   "duplicate", 0));
	db_rollback(c);
	if (rc == GZF_EUNAVAIL || rc == GZF_EINTERNAL)
		return rc; /* gzf's own trouble: the bank tries again */
	return notify_reject(req, c, &n, city_id, now);
}
