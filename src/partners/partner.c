/*
 * partner.c — the client half of the partner protocol (docs/partners/README.md): sign a
 * JSON request, send it with libcurl within a time budget, retry what is safe to retry,
 * and turn every failure into a gzf error that names the service in plain words.
 * One curl easy handle per attempt: calls are rare (registration, notifications) and
 * this keeps the code free of shared connection state between threads.
 */
#include "partners/partner.h"
#include "core/fault.h"
#include "core/log.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONNECT_TIMEOUT_MS 2000
#define MIN_ATTEMPT_MS 50      /* no retry unless at least this much time is left */
#define BACKOFF_BASE_MS 100    /* first pause between attempts; doubles, plus jitter */
#define BACKOFF_MAX_MS 1000

/* The reply body, growing up to max bytes. */
struct reply_buf {
	char *data;
	size_t len, cap, max;
	int too_large;
};

/* What one attempt gave: a transport error (curl_code != CURLE_OK) or a status. */
struct attempt {
	CURLcode curl_code;
	long status;
	char curl_error[CURL_ERROR_SIZE];
	struct reply_buf body;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata);
static void curl_common(CURL *h, const char *url, long timeout_ms, size_t max,
			struct reply_buf *body, char *curl_error);
static const char *url_path(const char *url);
static void attempt_run(const struct partner *p, const char *method, const char *url,
			const char *sign_path, const char *payload, size_t payload_len,
			const char *idem_key, long timeout_ms, struct attempt *at);
static void attempt_reset(struct attempt *at);
static void sleep_ms(long ms);
static void json_release(void *data);
static int valid_token(const char *s, size_t min, size_t max);
static int refusal(const struct partner *p, const struct attempt *at, struct gzf_err *err);

int
partners_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? GZF_OK : GZF_EINTERNAL;
}

void
partners_init(struct partners *ps, const struct config *c, const struct secrets *s)
{
	ps->identity = (struct partner){
		.name = "identity", .title = "the identity check service",
		.base_url = c->identity_url, .key_id = c->partner_key_id,
		.key = s->partner_key, .key_len = sizeof(s->partner_key),
		.timeout_ms = c->partner_timeout_ms, .retries = 2,
	};
	ps->sms = (struct partner){
		.name = "sms", .title = "the SMS gateway",
		.base_url = c->sms_url, .key_id = c->partner_key_id,
		.key = s->partner_key, .key_len = sizeof(s->partner_key),
		.timeout_ms = c->partner_timeout_ms, .retries = 2,
	};
	ps->dept = (struct partner){
		.name = "dept", .title = "the department data services",
		.base_url = c->dept_url, .key_id = c->partner_key_id,
		.key = s->partner_key, .key_len = sizeof(s->partner_key),
		.timeout_ms = c->partner_timeout_ms, .retries = 1,
	};
	ps->bank = (struct partner){
		.name = "bank", .title = "the bank's payment gateway",
		.base_url = c->bank_url, .key_id = c->partner_key_id,
		.key = s->partner_key, .key_len = sizeof(s->partner_key),
		.timeout_ms = c->partner_timeout_ms, .retries = 2,
	};
}

void
partner_sign(const unsigned char *key, size_t key_len, const char *method, const char *path,
	     const char *timestamp, const char *nonce, const void *body, size_t body_len,
	     char out[PARTNER_SIGNATURE_HEX])
{
	unsigned char digest[crypto_hash_sha256_BYTES], mac[crypto_auth_hmacsha256_BYTES];
	char body_hex[crypto_hash_sha256_BYTES * 2 + 1];
	crypto_auth_hmacsha256_state st;

	crypto_hash_sha256(digest, body_len ? body : (const void *)"", body_len);
	sodium_bin2hex(body_hex, sizeof(body_hex), digest, sizeof(digest));
	crypto_auth_hmacsha256_init(&st, key, key_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)method, strlen(method));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)path, strlen(path));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)nonce, strlen(nonce));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body_hex, strlen(body_hex));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, PARTNER_SIGNATURE_HEX, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

/* s has min..max characters from [A-Za-z0-9._-]. */
static int
valid_token(const char *s, size_t min, size_t max)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	return n >= min && n <= max &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

int
partner_verify(const unsigned char *key, size_t key_len, const struct partner_signed *r,
	       int64_t now_s, int64_t *ts_s, struct gzf_err *err)
{
	char expect[PARTNER_SIGNATURE_HEX], lower[PARTNER_SIGNATURE_HEX];
	int i;

	if (!valid_token(r->key_id, 1, 64))
		return gzf_err_set(err, GZF_EUNAUTH, "bad_signature", "X-Gzf-Key-Id",
				   "X-Gzf-Key-Id is missing or not 1-64 letters, digits, '.', '_' or '-'");
	if (r->timestamp == NULL || gzf_parse_int(r->timestamp, 0, INT64_C(1) << 40, ts_s) != GZF_OK)
		return gzf_err_set(err, GZF_EUNAUTH, "bad_signature", "X-Gzf-Timestamp",
				   "X-Gzf-Timestamp is missing or not a number of seconds");
	if (!valid_token(r->nonce, 16, 64))
		return gzf_err_set(err, GZF_EUNAUTH, "bad_signature", "X-Gzf-Nonce",
				   "X-Gzf-Nonce is missing or not 16-64 letters, digits, '.', '_' or '-'");
	if (r->signature == NULL || strlen(r->signature) != PARTNER_SIGNATURE_HEX - 1)
		return gzf_err_set(err, GZF_EUNAUTH, "bad_signature", "X-Gzf-Signature",
				   "X-Gzf-Signature is missing or not 64 hex characters");
	for (i = 0; i < PARTNER_SIGNATURE_HEX; i++)
		lower[i] = (r->signature[i] >= 'A' && r->signature[i] <= 'F') ?
			   (char)(r->signature[i] - 'A' + 'a') : r->signature[i];
	partner_sign(key, key_len, r->method, r->path, r->timestamp, r->nonce, r->body, r->body_len,
		     expect);
	if (sodium_memcmp(expect, lower, PARTNER_SIGNATURE_HEX - 1) != 0)
		return gzf_err_set(err, GZF_EUNAUTH, "bad_signature", "X-Gzf-Signature",
				   "the signature does not match the request (check the key, the "
				   "path, the timestamp, the nonce and the body)");
	if (*ts_s < now_s - PARTNER_MAX_SKEW_S || *ts_s > now_s + PARTNER_MAX_SKEW_S)
		return gzf_err_set(err, GZF_EUNAUTH, "stale_request", "X-Gzf-Timestamp",
				   "X-Gzf-Timestamp is more than %d seconds away from the partner's "
				   "clock (%lld)", PARTNER_MAX_SKEW_S, (long long)now_s);
	return GZF_OK;
}

static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct reply_buf *b = userdata;
	size_t n = size * nmemb;

	if (b->len + n > b->max) {
		b->too_large = 1;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if (b->cap > b->max + 1)
			b->cap = b->max + 1;
		b->data = gzf_realloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/* What every outgoing request has: http(s) only, the time limits, a reply of at most max
 * bytes collected into body, curl's message into curl_error (CURL_ERROR_SIZE). */
static void
curl_common(CURL *h, const char *url, long timeout_ms, size_t max, struct reply_buf *body,
	    char *curl_error)
{
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : (long)CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "gzf/" GZF_VERSION);
	body->max = max;
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_error);
}

/* The path part of an http(s) URL ("" for "http://host:8090"). */
static const char *
url_path(const char *url)
{
	const char *s = strstr(url, "://"), *slash;

	if (s == NULL)
		return "";
	slash = strchr(s + 3, '/');
	return slash ? slash : "";
}

static void
attempt_reset(struct attempt *at)
{
	free(at->body.data);
	memset(at, 0, sizeof(*at));
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0) {
		/* interrupted: sleep the rest */
	}
}

static void
json_release(void *data)
{
	json_decref(data);
}

/* One HTTP exchange with a fresh timestamp, nonce and signature. */
static void
attempt_run(const struct partner *p, const char *method, const char *url, const char *sign_path,
	    const char *payload, size_t payload_len, const char *idem_key, long timeout_ms,
	    struct attempt *at)
{
	char nonce[33], ts[24], sig[PARTNER_SIGNATURE_HEX], line[160];
	struct curl_slist *headers = NULL;
	CURL *h;

	/* The real time, not gzf_now_ms(): a test clock moves gzf's time, never the partner's,
	 * which refuses a signature older than a few minutes. */
	snprintf(ts, sizeof(ts), "%lld", (long long)(gzf_wall_ms() / 1000));
	gzf_random_hex(nonce, 16);
	partner_sign(p->key, p->key_len, method, sign_path, ts, nonce, payload, payload_len, sig);

	h = curl_easy_init();
	if (h == NULL) {
		at->curl_code = CURLE_FAILED_INIT;
		snprintf(at->curl_error, sizeof(at->curl_error), "curl_easy_init failed");
		return;
	}
	headers = curl_slist_append(headers, "Accept: application/json");
	if (payload_len > 0)
		headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Expect:"); /* no 100-continue round trip */
	snprintf(line, sizeof(line), "X-Gzf-Key-Id: %s", p->key_id);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof(line), "X-Gzf-Timestamp: %s", ts);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof(line), "X-Gzf-Nonce: %s", nonce);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof(line), "X-Gzf-Signature: %s", sig);
	headers = curl_slist_append(headers, line);
	snprintf(line, sizeof(line), "X-Gzf-Idempotency-Key: %s", idem_key);
	headers = curl_slist_append(headers, line);

	curl_common(h, url, timeout_ms, PARTNER_MAX_REPLY, &at->body, at->curl_error);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else {
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)payload_len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload_len ? payload : "");
	}
	at->curl_code = FAULT(FAULT_PARTNER) ? CURLE_COULDNT_CONNECT : curl_easy_perform(h);
	if (at->curl_code == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &at->status);
	else if (at->curl_error[0] == '\0')
		snprintf(at->curl_error, sizeof(at->curl_error), "%s", curl_easy_strerror(at->curl_code));
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
}

/* A 4xx: the partner's own error code (sanitised) goes into the message. */
static int
refusal(const struct partner *p, const struct attempt *at, struct gzf_err *err)
{
	char code[48] = "", msg[128] = "";
	json_t *v = at->body.data ? json_loadb(at->body.data, at->body.len, 0, NULL) : NULL;
	const char *s;
	size_t i;

	if ((s = json_string_value(json_object_get(json_object_get(v, "error"), "code"))) != NULL)
		snprintf(code, sizeof(code), "%s", s);
	if ((s = json_string_value(json_object_get(json_object_get(v, "error"), "message"))) != NULL)
		snprintf(msg, sizeof(msg), "%s", s);
	json_decref(v);
	for (i = 0; code[i]; i++)
		if (!((code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9') ||
		      code[i] == '_'))
			code[i] = '_';
	if (code[0] == '\0')
		snprintf(code, sizeof(code), "http_%ld", at->status);
	if (at->status == 401 || at->status == 403)
		/* A misconfiguration, not the user's fault: to them the service is unavailable. */
		return gzf_err_set(err, GZF_EUNAVAIL, "partner_auth_failed", p->name,
				   "%s refused gzf's credentials (%s); the operator must check "
				   "partner_key and the partner key id", p->title, code);
	return gzf_err_set(err, GZF_EINVAL, "partner_rejected", p->name,
			   "%s rejected the request (%s%s%s)", p->title, code, msg[0] ? ": " : "", msg);
}

int
partner_call(const struct partner *p, struct arena *a, const char *method, const char *path,
	     json_t *body, json_t **reply, struct gzf_err *err)
{
	int64_t start = gzf_mono_ns(), deadline = start + (int64_t)p->timeout_ms * 1000000;
	char idem_key[33], attempt_s[16], status_s[24], ms_s[24];
	const char *url, *sign_path;
	struct attempt at;
	char *payload = NULL;
	size_t payload_len = 0;
	json_t *v;
	int attempt, rc;

	memset(&at, 0, sizeof(at));
	*reply = NULL;
	url = arena_printf(a, "%s%s", p->base_url, path);
	sign_path = arena_printf(a, "%s%s", url_path(p->base_url), path);
	if (body != NULL) {
		payload = json_dumps(body, JSON_COMPACT);
		payload_len = payload ? strlen(payload) : 0;
	}
	gzf_random_hex(idem_key, 16);

	for (attempt = 0;; attempt++) {
		long left = (long)((deadline - gzf_mono_ns()) / 1000000), pause;

		attempt_reset(&at);
		attempt_run(p, method, url, sign_path, payload, payload_len, idem_key,
			    left > MIN_ATTEMPT_MS ? left : MIN_ATTEMPT_MS, &at);
		if (at.curl_code == CURLE_OK && at.status < 500)
			break; /* an answer: success or a refusal, never retried */
		snprintf(attempt_s, sizeof(attempt_s), "%d", attempt + 1);
		snprintf(status_s, sizeof(status_s), "%ld", at.status);
		snprintf(ms_s, sizeof(ms_s), "%lld", (long long)((gzf_mono_ns() - start) / 1000000));
		log_msg(LOG_WARN, "partner call failed", "partner", p->name, "method", method,
			"path", sign_path, "attempt", attempt_s,
			"detail", at.curl_code != CURLE_OK ? at.curl_error : status_s, "ms", ms_s, NULL);
		if (at.body.too_large)
			break;
		pause = (BACKOFF_BASE_MS << (attempt < 4 ? attempt : 4)) +
			(long)randombytes_uniform(BACKOFF_BASE_MS / 2);
		if (pause > BACKOFF_MAX_MS)
			pause = BACKOFF_MAX_MS;
		left = (long)((deadline - gzf_mono_ns()) / 1000000);
		if (attempt >= p->retries || left < pause + MIN_ATTEMPT_MS)
			break;
		sleep_ms(pause);
	}

	if (at.body.too_large) {
		rc = gzf_err_set(err, GZF_EUNAVAIL, "partner_bad_reply", p->name,
				 "%s sent a reply larger than gzf accepts; please try again later",
				 p->title);
	} else if (at.curl_code != CURLE_OK || at.status >= 500) {
		rc = gzf_err_set(err, GZF_EUNAVAIL, "partner_unavailable", p->name,
				 "%s is not reachable at the moment; please try again later", p->title);
	} else if (at.status >= 200 && at.status < 300) {
		v = at.body.data ? json_loadb(at.body.data, at.body.len, 0, NULL) : NULL;
		if (!json_is_object(v)) {
			json_decref(v);
			log_msg(LOG_WARN, "partner reply is not a JSON object", "partner", p->name,
				"path", sign_path, NULL);
			rc = gzf_err_set(err, GZF_EUNAVAIL, "partner_bad_reply", p->name,
					 "%s gave a reply gzf cannot read; please try again later",
					 p->title);
		} else {
			arena_cleanup_add(a, json_release, v);
			*reply = v;
			rc = GZF_OK;
		}
	} else if (at.status >= 400) {
		rc = refusal(p, &at, err);
		log_msg(LOG_WARN, "partner refused the call", "partner", p->name, "path", sign_path,
			"detail", err->message, NULL);
	} else {
		snprintf(status_s, sizeof(status_s), "%ld", at.status);
		log_msg(LOG_WARN, "partner answered with an unexpected status", "partner", p->name,
			"path", sign_path, "status", status_s, NULL);
		rc = gzf_err_set(err, GZF_EUNAVAIL, "partner_bad_reply", p->name,
				 "%s gave a reply gzf cannot read; please try again later", p->title);
	}
	attempt_reset(&at);
	free(payload);
	return rc;
}

int
partner_fetch(struct arena *a, const char *url, size_t max, long timeout_ms, char **data,
	      size_t *len, struct gzf_err *err)
{
	struct reply_buf body = { .max = max };
	char curl_error[CURL_ERROR_SIZE] = "";
	CURLcode code;
	long status = 0;
	CURL *h;
	int rc;

	*data = NULL;
	*len = 0;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return gzf_err_set(err, GZF_EINVAL, "bad_url", "url",
				   "%.100s is not an http:// or https:// URL", url);
	if ((h = curl_easy_init()) == NULL)
		return gzf_err_set(err, GZF_EUNAVAIL, "fetch_failed", "url", "curl_easy_init failed");
	curl_common(h, url, timeout_ms, max, &body, curl_error);
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
	code = curl_easy_perform(h);
	if (code == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	if (body.too_large || code == CURLE_FILESIZE_EXCEEDED)
		rc = gzf_err_set(err, GZF_ETOOLARGE, "fetch_too_large", "url",
				 "%.100s is larger than %zu bytes", url, max);
	else if (code != CURLE_OK)
		rc = gzf_err_set(err, GZF_EUNAVAIL, "fetch_failed", "url", "%.100s: %s", url,
				 curl_error[0] ? curl_error : curl_easy_strerror(code));
	else if (status < 200 || status > 299)
		rc = gzf_err_set(err, GZF_EUNAVAIL, "fetch_failed", "url",
				 "%.100s answered with HTTP status %ld", url, status);
	else
		rc = GZF_OK;
	if (rc == GZF_OK) {
		if (body.data == NULL)
			body.data = gzf_calloc(1, 1);
		arena_cleanup_add(a, free, body.data);
		*data = body.data;
		*len = body.len;
	} else {
		free(body.data);
	}
	return rc;
}
