/*
 * bank.c — the client of the bank payment gateway (docs/partners/bank.md): payment
 * orders, queries and refunds over the signed partner
 * protocol; the daily statement fetched and checked; and the verification of the
 * bank's signed notifications.
 */
#include "partners/bank.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "domain/sanitize.h"

static int bad_reply(const struct partner *p, struct gzf_err *err);
static const char *member(struct arena *a, json_t *o, const char *name, size_t max);
static int order_from(const struct partner *p, struct arena *a, json_t *v,
		      struct bank_order *out, struct gzf_err *err);
static int notification_read(struct arena *a, json_t *v, struct bank_notification *out,
			     struct gzf_err *err);
static int csv_fields(char *line, char **f, int max);
static int date_valid(const char *s);

int
bank_no_valid(const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	return n >= BANK_NO_MIN && n <= BANK_NO_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

int
bank_url_valid(const char *s)
{
	size_t i;

	if (s == NULL || (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= BANK_URL_MAX || s[i] <= ' ' || s[i] > '~' || strchr("\"'<>\\`", s[i]) != NULL)
			return 0;
	return 1;
}

/* YYYY-MM-DD with digits in the right places (the calendar checks the day itself). */
static int
date_valid(const char *s)
{
	int i;

	if (s == NULL || strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

void
bank_notify_sign(const unsigned char *key, size_t key_len, const char *timestamp,
		 const char *nonce, const void *body, size_t len, char out[PARTNER_SIGNATURE_HEX])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, key_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)nonce, strlen(nonce));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
	if (len > 0)
		crypto_auth_hmacsha256_update(&st, body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, PARTNER_SIGNATURE_HEX, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

/* The string member name of o, at most max bytes and valid plain text, copied into a;
 * NULL when absent, not a string, empty, too long or with control characters. */
static const char *
member(struct arena *a, json_t *o, const char *name, size_t max)
{
	const char *s = json_string_value(json_object_get(o, name));

	if (s == NULL || *s == '\0' || strlen(s) > max || !sanitize_text_ok(s, 0))
		return NULL;
	return arena_strdup(a, s);
}

int
bank_verify_notification(const unsigned char *key, size_t key_len, const char *timestamp,
			 const char *nonce, const char *signature, const void *body, size_t len,
			 int64_t now_s, struct arena *a, struct bank_notification *out,
			 struct gzf_err *err)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char expect[PARTNER_SIGNATURE_HEX], lower[PARTNER_SIGNATURE_HEX];
	json_t *v;
	int i, rc;

	memset(out, 0, sizeof(*out));
	out->amount_fen = -1;
	crypto_hash_sha256(digest, len ? body : (const void *)"", len);
	sodium_bin2hex(out->body_sha256, sizeof(out->body_sha256), digest, sizeof(digest));
	if (len > BANK_NOTIFY_MAX_BODY)
		return gzf_err_set(err, GZF_ETOOLARGE, "body_too_large", NULL,
				   "a notification has at most %d bytes", BANK_NOTIFY_MAX_BODY);
	if (timestamp == NULL || gzf_parse_int(timestamp, 0, INT64_C(1) << 40, &out->timestamp_s) != GZF_OK)
		return gzf_err_set(err, GZF_EUNAUTH, "bad_signature", "X-Bank-Timestamp",
				   "X-Bank-Timestamp is missing or not a number of seconds");
	if (nonce == NULL || strlen(nonce) < 16 || strlen(nonce) > 64 ||
	    strspn(nonce, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
		    strlen(nonce))
		return gzf_err_set(err, GZF_EUNAUTH, "bad_signature", "X-Bank-Nonce",
				   "X-Bank-Nonce is missing or not 16-64 letters, digits, '.', '_' or '-'");
	if (signature == NULL || strlen(signature) != PARTNER_SIGNATURE_HEX - 1)
		return gzf_err_set(err, GZF_EUNAUTH, "bad_signature", "X-Bank-Signature",
				   "X-Bank-Signature is missing or not 64 hex characters");
	for (i = 0; i < PARTNER_SIGNATURE_HEX; i++)
		lower[i] = (signature[i] >= 'A' && signature[i] <= 'F') ?
			   (char)(signature[i] - 'A' + 'a') : signature[i];
	bank_notify_sign(key, key_len, timestamp, nonce, body, len, expect);
	if (sodium_memcmp(expect, lower, PARTNER_SIGNATURE_HEX - 1) != 0)
		return gzf_err_set(err, GZF_EUNAUTH, "bad_signature", "X-Bank-Signature",
				   "the signature does not match the notification");
	if (out->timestamp_s < now_s - BANK_NOTIFY_SKEW_S || out->timestamp_s > now_s + BANK_NOTIFY_SKEW_S)
		return gzf_err_set(err, GZF_EUNAUTH, "stale_request", "X-Bank-Timestamp",
				   "X-Bank-Timestamp is more than %d seconds away from gzf's clock "
				   "(%lld)", BANK_NOTIFY_SKEW_S, (long long)now_s);
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	rc = notification_read(a, v, out, err);
	json_decref(v);
	return rc;
}

/* The members of a verified notification, by event. */
static int
notification_read(struct arena *a, json_t *v, struct bank_notification *out, struct gzf_err *err)
{
	static const char *const events[] = { "payment.succeeded", "payment.failed",
					      "refund.succeeded", "agreement.signed",
					      "agreement.cancelled", NULL };
	const char *const *e;
	json_t *amount, *at;
	int agreement;

	if (!json_is_object(v))
		return gzf_err_set(err, GZF_EINVAL, "bad_notification", NULL,
				   "a notification is a JSON object");
	if ((out->notify_id = member(a, v, "notify_id", 64)) == NULL)
		return gzf_err_set(err, GZF_EINVAL, "bad_notification", "notify_id",
				   "notify_id must be a string of 1 to 64 characters");
	out->event = member(a, v, "event", 32);
	for (e = events; out->event != NULL && *e != NULL && strcmp(*e, out->event) != 0; e++)
		;
	if (out->event == NULL || *e == NULL)
		return gzf_err_set(err, GZF_EINVAL, "bad_notification", "event",
				   "event must be one of payment.succeeded, payment.failed, "
				   "refund.succeeded, agreement.signed, agreement.cancelled");
	at = json_object_get(v, "at");
	if (!json_is_integer(at) || json_integer_value(at) < 0)
		return gzf_err_set(err, GZF_EINVAL, "bad_notification", "at",
				   "at must be a time in ms since 1970");
	out->at_ms = json_integer_value(at);
	agreement = strncmp(out->event, "agreement.", 10) == 0;
	if (agreement) {
		out->agreement_no = member(a, v, "agreement_no", BANK_NO_MAX);
		if (!bank_no_valid(out->agreement_no))
			return gzf_err_set(err, GZF_EINVAL, "bad_notification", "agreement_no",
					   "agreement_no must be 6-32 letters, digits, '_' or '-'");
		return GZF_OK;
	}
	out->order_no = member(a, v, "order_no", BANK_NO_MAX);
	if (!bank_no_valid(out->order_no))
		return gzf_err_set(err, GZF_EINVAL, "bad_notification", "order_no",
				   "order_no must be 6-32 letters, digits, '_' or '-'");
	amount = json_object_get(v, "amount_fen");
	if (!json_is_integer(amount) || json_integer_value(amount) < 1 ||
	    json_integer_value(amount) > BANK_MAX_AMOUNT_FEN)
		return gzf_err_set(err, GZF_EINVAL, "bad_notification", "amount_fen",
				   "amount_fen must be a whole number of fen from 1 to %d",
				   BANK_MAX_AMOUNT_FEN);
	out->amount_fen = json_integer_value(amount);
	out->bank_txn_id = member(a, v, "bank_txn_id", 64);
	if (strcmp(out->event, "payment.failed") == 0) {
		if ((out->reason = member(a, v, "reason", 64)) == NULL)
			return gzf_err_set(err, GZF_EINVAL, "bad_notification", "reason",
					   "reason must be a string of 1 to 64 characters");
		return GZF_OK;
	}
	if (out->bank_txn_id == NULL)
		return gzf_err_set(err, GZF_EINVAL, "bad_notification", "bank_txn_id",
				   "bank_txn_id must be a string of 1 to 64 characters");
	if (strcmp(out->event, "refund.succeeded") == 0) {
		out->refund_no = member(a, v, "refund_no", BANK_NO_MAX);
		if (!bank_no_valid(out->refund_no))
			return gzf_err_set(err, GZF_EINVAL, "bad_notification", "refund_no",
					   "refund_no must be 6-32 letters, digits, '_' or '-'");
	}
	return GZF_OK;
}

static int
bad_reply(const struct partner *p, struct gzf_err *err)
{
	return gzf_err_set(err, GZF_EUNAVAIL, "partner_bad_reply", p->name,
			   "%s gave a reply gzf cannot read; please try again later", p->title);
}

/* An order object of the bank's replies. */
static int
order_from(const struct partner *p, struct arena *a, json_t *v, struct bank_order *out,
	   struct gzf_err *err)
{
	static const char *const states[] = { "pending", "paid", "closed", "failed", NULL };
	json_t *amount = json_object_get(v, "amount_fen");
	const char *const *s;

	memset(out, 0, sizeof(*out));
	out->order_no = member(a, v, "order_no", BANK_NO_MAX);
	out->status = member(a, v, "status", 16);
	for (s = states; out->status != NULL && *s != NULL && strcmp(*s, out->status) != 0; s++)
		;
	if (out->order_no == NULL || out->status == NULL || *s == NULL || !json_is_integer(amount))
		return bad_reply(p, err);
	out->amount_fen = json_integer_value(amount);
	out->refunded_fen = json_integer_value(json_object_get(v, "refunded_fen"));
	out->pay_url = member(a, v, "pay_url", 1024);
	out->bank_txn_id = member(a, v, "bank_txn_id", 64);
	out->paid_at_ms = json_integer_value(json_object_get(v, "paid_at"));
	out->expire_at_ms = json_integer_value(json_object_get(v, "expire_at"));
	return GZF_OK;
}

int
bank_order_create(const struct partner *p, struct arena *a, const struct bank_order_req *r,
		  struct bank_order *out, struct gzf_err *err)
{
	json_t *body, *reply;
	int rc;

	if (!bank_no_valid(r->order_no))
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "order_no",
				   "order_no must be 6-32 letters, digits, '_' or '-'");
	if (r->amount_fen < 1 || r->amount_fen > BANK_MAX_AMOUNT_FEN)
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "amount_fen",
				   "amount_fen must be from 1 to %d", BANK_MAX_AMOUNT_FEN);
	if (r->subject == NULL || *r->subject == '\0' || gzf_utf8_chars(r->subject) > BANK_SUBJECT_MAX)
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "subject",
				   "subject must have 1 to %d characters", BANK_SUBJECT_MAX);
	if (!bank_url_valid(r->notify_url) || !bank_url_valid(r->return_url))
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "notify_url",
				   "notify_url and return_url must be http(s) URLs");
	body = json_pack("{s:s, s:I, s:s, s:s, s:s, s:I}", "order_no", r->order_no,
			 "amount_fen", (json_int_t)r->amount_fen, "subject", r->subject,
			 "notify_url", r->notify_url, "return_url", r->return_url,
			 "expire_at", (json_int_t)r->expire_at_ms);
	if (body == NULL)
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "subject", "subject is not valid text");
	rc = partner_call(p, a, "POST", "/v1/orders", body, &reply, err);
	json_decref(body);
	if (rc != GZF_OK)
		return rc;
	if ((rc = order_from(p, a, reply, out, err)) != GZF_OK)
		return rc;
	return out->pay_url != NULL ? GZF_OK : bad_reply(p, err);
}

int
bank_order_query(const struct partner *p, struct arena *a, const char *order_no,
		 struct bank_order *out, struct gzf_err *err)
{
	json_t *reply;
	int rc;

	if (!bank_no_valid(order_no))
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "order_no",
				   "order_no must be 6-32 letters, digits, '_' or '-'");
	rc = partner_call(p, a, "GET", arena_printf(a, "/v1/orders/%s", order_no), NULL, &reply, err);
	if (rc != GZF_OK)
		return rc;
	return order_from(p, a, reply, out, err);
}

int
bank_refund_create(const struct partner *p, struct arena *a, const char *order_no,
		   const char *refund_no, int64_t amount_fen, const char *reason,
		   const char *notify_url, const char **status, struct gzf_err *err)
{
	json_t *body, *reply;
	int rc;

	if (!bank_no_valid(order_no) || !bank_no_valid(refund_no))
		return gzf_err_set(err, GZF_EINVAL, "bad_order", bank_no_valid(order_no) ?
				   "refund_no" : "order_no",
				   "order and refund numbers are 6-32 letters, digits, '_' or '-'");
	if (amount_fen < 1 || amount_fen > BANK_MAX_AMOUNT_FEN || !bank_url_valid(notify_url))
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "amount_fen",
				   "a refund needs an amount and an http(s) notify_url");
	body = json_pack("{s:s, s:s, s:I, s:s, s:s}", "order_no", order_no, "refund_no", refund_no,
			 "amount_fen", (json_int_t)amount_fen, "reason", reason ? reason : "",
			 "notify_url", notify_url);
	if (body == NULL)
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "reason", "reason is not valid text");
	rc = partner_call(p, a, "POST", "/v1/refunds", body, &reply, err);
	json_decref(body);
	if (rc != GZF_OK)
		return rc;
	if ((*status = member(a, reply, "status", 16)) == NULL)
		return bad_reply(p, err);
	return GZF_OK;
}

int
bank_refund_query(const struct partner *p, struct arena *a, const char *refund_no,
		  struct bank_refund *out, struct gzf_err *err)
{
	json_t *reply, *amount;
	int rc;

	if (!bank_no_valid(refund_no))
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "refund_no",
				   "refund_no must be 6-32 letters, digits, '_' or '-'");
	rc = partner_call(p, a, "GET", arena_printf(a, "/v1/refunds/%s", refund_no), NULL, &reply, err);
	if (rc != GZF_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	out->refund_no = member(a, reply, "refund_no", BANK_NO_MAX);
	out->order_no = member(a, reply, "order_no", BANK_NO_MAX);
	out->status = member(a, reply, "status", 16);
	amount = json_object_get(reply, "amount_fen");
	if (out->refund_no == NULL || out->order_no == NULL || out->status == NULL ||
	    !json_is_integer(amount))
		return bad_reply(p, err);
	out->amount_fen = json_integer_value(amount);
	out->bank_txn_id = member(a, reply, "bank_txn_id", 64);
	out->refunded_at_ms = json_integer_value(json_object_get(reply, "refunded_at"));
	if (strcmp(out->status, "succeeded") == 0 && out->bank_txn_id == NULL)
		return bad_reply(p, err);
	return GZF_OK;
}

/* Split line at commas into at most max fields (no quoting: the format has none).
 * Returns the number of fields, or max + 1 when there are more. */
static int
csv_fields(char *line, char **f, int max)
{
	int n = 0;

	for (;;) {
		if (n == max)
			return max + 1;
		f[n++] = line;
		if ((line = strchr(line, ',')) == NULL)
			return n;
		*line++ = '\0';
	}
}

int
bank_statement_parse(struct arena *a, const char *csv, size_t len, int max_rows,
		     struct bank_statement *out, struct gzf_err *err)
{
	static const char header[] = "bank_txn_id,order_no,refund_no,type,amount_fen,time";
	char *text = arena_strndup(a, csv, len), *line, *next, *f[7];
	int64_t count, total, sum = 0, amount;
	int lineno = 0, n, cap = 64, done = 0;

	memset(out, 0, sizeof(*out));
	if (memchr(csv, '\0', len) != NULL || !gzf_utf8_valid(text))
		return gzf_err_set(err, GZF_EINVAL, "bad_statement", NULL,
				   "the statement is not UTF-8 text");
	out->rows = arena_alloc(a, sizeof(*out->rows) * (size_t)cap);
	for (line = text; *line != '\0' && !done; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (lineno == 1) {
			if (strcmp(line, header) != 0)
				return gzf_err_set(err, GZF_EINVAL, "bad_statement", NULL,
						   "line 1 must be the header %s", header);
			continue;
		}
		n = csv_fields(line, f, 6);
		if (n == 3 && strcmp(f[0], "SUMMARY") == 0) {
			if (gzf_parse_int(f[1], 0, max_rows, &count) != GZF_OK ||
			    gzf_parse_int(f[2], -(INT64_C(1) << 50), INT64_C(1) << 50, &total) != GZF_OK)
				return gzf_err_set(err, GZF_EINVAL, "bad_statement", NULL,
						   "line %d: the summary needs a count and a total in fen",
						   lineno);
			if (count != out->nrows || total != sum)
				return gzf_err_set(err, GZF_EINVAL, "bad_statement", NULL,
						   "line %d: the summary says %lld rows and %lld fen, the "
						   "file has %d rows and %lld fen", lineno, (long long)count,
						   (long long)total, out->nrows, (long long)sum);
			out->total_fen = total;
			done = 1;
			continue;
		}
		if (n != 6 || (strcmp(f[3], "payment") != 0 && strcmp(f[3], "refund") != 0) ||
		    *f[0] == '\0' || strlen(f[0]) > 64 || !bank_no_valid(f[1]) ||
		    (strcmp(f[3], "refund") == 0) != bank_no_valid(f[2]) ||
		    (strcmp(f[3], "payment") == 0 && *f[2] != '\0') ||
		    gzf_parse_int(f[4], 1, BANK_MAX_AMOUNT_FEN, &amount) != GZF_OK ||
		    strlen(f[5]) != 25)
			return gzf_err_set(err, GZF_EINVAL, "bad_statement", NULL,
					   "line %d is not bank_txn_id,order_no,refund_no,payment|refund,"
					   "amount_fen,time", lineno);
		if (out->nrows == max_rows)
			return gzf_err_set(err, GZF_EINVAL, "bad_statement", NULL,
					   "the statement has more than %d rows", max_rows);
		if (out->nrows == cap) {
			struct bank_statement_row *more = arena_alloc(a, sizeof(*more) * (size_t)cap * 2);

			memcpy(more, out->rows, sizeof(*more) * (size_t)cap);
			out->rows = more;
			cap *= 2;
		}
		out->rows[out->nrows] = (struct bank_statement_row){
			.bank_txn_id = f[0], .order_no = f[1], .refund_no = *f[2] ? f[2] : NULL,
			.refund = strcmp(f[3], "refund") == 0, .amount_fen = amount, .time = f[5],
		};
		sum += out->rows[out->nrows].refund ? -amount : amount;
		out->nrows++;
	}
	if (!done || *line != '\0')
		return gzf_err_set(err, GZF_EINVAL, "bad_statement", NULL,
				   done ? "line %d: nothing may follow the summary" :
				   "the statement ends without its SUMMARY line (after line %d)", lineno);
	return GZF_OK;
}

int
bank_statement_fetch(const struct partner *p, struct arena *a, const char *date,
		     size_t max_bytes, int max_rows, struct bank_statement *out,
		     struct gzf_err *err)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1];
	const char *url, *sha;
	json_t *reply;
	char *data;
	size_t len;
	int rc;

	if (!date_valid(date))
		return gzf_err_set(err, GZF_EINVAL, "bad_date", "date", "date must be YYYY-MM-DD");
	if (max_bytes > BANK_STATEMENT_MAX_BYTES)
		max_bytes = BANK_STATEMENT_MAX_BYTES;
	rc = partner_call(p, a, "GET", arena_printf(a, "/v1/statements/%s", date), NULL, &reply, err);
	if (rc != GZF_OK)
		return rc;
	url = member(a, reply, "download_url", 1024);
	sha = member(a, reply, "sha256", 64);
	if (url == NULL || sha == NULL || strlen(sha) != 64)
		return bad_reply(p, err);
	rc = partner_fetch(a, url, max_bytes, p->timeout_ms, &data, &len, err);
	if (rc != GZF_OK)
		return rc;
	crypto_hash_sha256(digest, (const unsigned char *)data, len);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	if (strcasecmp(hex, sha) != 0)
		return gzf_err_set(err, GZF_EUNAVAIL, "partner_bad_reply", p->name,
				   "the statement of %s from %s does not match its SHA-256", date,
				   p->title);
	if ((rc = bank_statement_parse(a, data, len, max_rows, out, err)) != GZF_OK)
		return rc;
	out->date = arena_strdup(a, date);
	return GZF_OK;
}

int
bank_agreement_create(const struct partner *p, struct arena *a, const char *agreement_no,
		      const char *subject, const char *notify_url, const char *return_url,
		      const char **sign_url, struct gzf_err *err)
{
	json_t *body, *reply;
	int rc;

	if (!bank_no_valid(agreement_no))
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "agreement_no",
				   "agreement_no must be 6-32 letters, digits, '_' or '-'");
	if (subject == NULL || *subject == '\0' || gzf_utf8_chars(subject) > BANK_SUBJECT_MAX ||
	    !bank_url_valid(notify_url) || !bank_url_valid(return_url))
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "subject",
				   "an agreement needs a subject and http(s) notify and return URLs");
	body = json_pack("{s:s, s:s, s:s, s:s}", "agreement_no", agreement_no, "subject", subject,
			 "notify_url", notify_url, "return_url", return_url);
	if (body == NULL)
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "subject", "subject is not valid text");
	rc = partner_call(p, a, "POST", "/v1/debit/agreements", body, &reply, err);
	json_decref(body);
	if (rc != GZF_OK)
		return rc;
	if ((*sign_url = member(a, reply, "sign_url", BANK_URL_MAX)) == NULL)
		return bad_reply(p, err);
	return GZF_OK;
}

int
bank_agreement_cancel(const struct partner *p, struct arena *a, const char *agreement_no,
		      struct gzf_err *err)
{
	json_t *reply;

	if (!bank_no_valid(agreement_no))
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "agreement_no",
				   "agreement_no must be 6-32 letters, digits, '_' or '-'");
	return partner_call(p, a, "POST", arena_printf(a, "/v1/debit/agreements/%s/cancel",
						       agreement_no), NULL, &reply, err);
}

int
bank_debit_request(const struct partner *p, struct arena *a, const char *agreement_no,
		   const char *order_no, int64_t amount_fen, const char *subject,
		   const char *notify_url, struct gzf_err *err)
{
	json_t *body, *reply;
	int rc;

	if (!bank_no_valid(agreement_no) || !bank_no_valid(order_no))
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "order_no",
				   "agreement and order numbers are 6-32 letters, digits, '_' or '-'");
	if (amount_fen < 1 || amount_fen > BANK_MAX_AMOUNT_FEN || subject == NULL ||
	    *subject == '\0' || gzf_utf8_chars(subject) > BANK_SUBJECT_MAX ||
	    !bank_url_valid(notify_url))
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "amount_fen",
				   "a debit needs an amount, a subject and an http(s) notify_url");
	body = json_pack("{s:s, s:s, s:I, s:s, s:s}", "agreement_no", agreement_no,
			 "order_no", order_no, "amount_fen", (json_int_t)amount_fen,
			 "subject", subject, "notify_url", notify_url);
	if (body == NULL)
		return gzf_err_set(err, GZF_EINVAL, "bad_order", "subject", "subject is not valid text");
	rc = partner_call(p, a, "POST", "/v1/debit/requests", body, &reply, err);
	json_decref(body);
	return rc;
}
