/*
 * idempotency.c — the Idempotency-Key helper of money-moving handlers
 * (docs/api/idempotency.md): a retry gets the first reply again, byte for byte, and has
 * no second effect; the same key on another request is refused. The rules are in
 * domain/idempotency.c; this file reads the header and puts replies on the request.
 */
#include "api/api.h"
#include "domain/idempotency.h"

#include <assert.h>
#include <string.h>

int
api_idem_begin(struct http_req *req, struct db_conn *c, int64_t account_id, int64_t city_id,
	       int required, struct api_idem *idem)
{
	const char *key = http_header(req, "Idempotency-Key");
	struct idempotency_record first;
	int rc;

	memset(idem, 0, sizeof(*idem));
	idem->account_id = account_id;
	idem->city_id = city_id;
	if (key == NULL) {
		if (required)
			return gzf_err_set(&req->err, GZF_EINVAL, "idempotency_key_required",
					   "Idempotency-Key",
					   "this request moves money: send an Idempotency-Key header "
					   "(a fresh random value, the same on every retry)");
		return GZF_OK;
	}
	idempotency_request_hash(req->method, req->path, req->body, req->body_len, idem->hash);
	rc = idempotency_lookup(c, account_id, key, idem->hash, &first, &idem->replayed, &req->err);
	if (rc != GZF_OK)
		return rc;
	idem->key = key;
	if (idem->replayed) {
		http_reply_bytes(req, first.status, "application/json; charset=utf-8", first.reply,
				 strlen(first.reply));
		http_reply_header(req, "Idempotent-Replayed", "true");
	}
	return GZF_OK;
}

int
api_idem_reply(struct http_req *req, struct db_conn *c, const struct api_idem *idem, int status,
	       json_t *body)
{
	struct idempotency_record rec;
	int rc;

	assert(!idem->replayed);
	if ((rc = http_reply_json(req, status, body)) != GZF_OK || idem->key == NULL)
		return rc;
	rec = (struct idempotency_record){
		.city_id = idem->city_id,
		.route = arena_printf(req->arena, "%s %s", req->method,
				      req->route ? req->route : req->path),
		.request_hash = idem->hash, .status = status,
		.reply = arena_strndup(req->arena, req->reply, req->reply_len),
	};
	return idempotency_remember(c, idem->account_id, idem->key, &rec, gzf_now_ms(), &req->err);
}
