/*
 * partner.h — calling a partner service (identity check, SMS gateway, later the bank and
 * the departments' data services) with the signed-JSON protocol of docs/partners/README.md:
 * the request signature, timeouts, retries with backoff, and errors in plain words.
 * The service-specific clients (identity.h, sms.h) are thin layers over partner_call().
 */
#ifndef GZF_PARTNERS_PARTNER_H
#define GZF_PARTNERS_PARTNER_H

#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/gzf.h"

#define PARTNER_SIGNATURE_HEX 65      /* 64 hex characters and a NUL */
#define PARTNER_MAX_SKEW_S 300        /* a request older or newer than this is stale */
#define PARTNER_MAX_REPLY (1024 * 1024) /* larger replies are refused */

/* One partner service as gzf calls it. The strings and the key are borrowed: they must
 * outlive every call (they point into struct config / struct secrets). */
struct partner {
	const char *name;         /* "identity": logs and error fields */
	const char *title;        /* in plain words: "the identity check service" */
	const char *base_url;     /* "http://127.0.0.1:8090/identity", no trailing slash */
	const char *key_id;       /* sent as X-Gzf-Key-Id */
	const unsigned char *key; /* the shared HMAC key */
	size_t key_len;
	int timeout_ms;           /* the whole call, retries included */
	int retries;              /* extra attempts after a network error or a 5xx */
};

/* The partners gzf talks to. */
struct partners {
	struct partner identity;
	struct partner sms;
	struct partner dept; /* the department data services, one path per source (dept.h) */
	struct partner bank; /* the bank payment gateway (bank.h) */
};

/*
 * partners_global_init — initialise libcurl once per process, before any thread calls a
 * partner. `gzf serve` and `gzf partner-check` call it at start. Returns 0 or
 * GZF_EINTERNAL.
 */
int partners_global_init(void);

/*
 * partners_init — fill ps from the configuration (URLs, key id, timeout) and the
 * secrets (partner_key). ps borrows from c and s, which must outlive it.
 */
void partners_init(struct partners *ps, const struct config *c, const struct secrets *s);

/*
 * partner_sign — the request signature of the protocol: hex HMAC-SHA256 under key of
 *     METHOD "\n" PATH "\n" TIMESTAMP "\n" NONCE "\n" hex(SHA-256(body))
 * written to out (PARTNER_SIGNATURE_HEX bytes). body may be NULL when body_len is 0.
 * PATH is the request path as sent, without the query string.
 */
void partner_sign(const unsigned char *key, size_t key_len, const char *method,
		  const char *path, const char *timestamp, const char *nonce,
		  const void *body, size_t body_len, char out[PARTNER_SIGNATURE_HEX]);

/* A signed request as the partner receives it: the X-Gzf-* headers (any may be NULL when
 * missing) and what the signature covers. */
struct partner_signed {
	const char *method, *path;       /* path without the query string */
	const char *key_id, *timestamp, *nonce, *signature;
	const void *body;                /* may be NULL when body_len is 0 */
	size_t body_len;
};

/*
 * partner_verify — the partner's side of the protocol: is r signed under key, and is its
 * timestamp within PARTNER_MAX_SKEW_S of now_s (seconds)? 0 with *ts_s set to the
 * request's timestamp, or GZF_EUNAUTH with err->field the header at fault:
 * "bad_signature" (a header missing or malformed, or the signature does not match) or
 * "stale_request". Replays (a nonce seen before) are the caller's to refuse.
 */
int partner_verify(const unsigned char *key, size_t key_len, const struct partner_signed *r,
		   int64_t now_s, int64_t *ts_s, struct gzf_err *err);

/*
 * partner_call — send body (may be NULL) to p->base_url + path as signed JSON; for a 2xx
 * reply *reply gets the parsed JSON object, owned by arena a (released by a cleanup).
 * Every attempt of one call carries the same X-Gzf-Idempotency-Key, so retrying a POST
 * never has a second effect; network errors, timeouts and 5xx are retried (p->retries
 * times, with backoff) while time is left in p->timeout_ms; 4xx never is.
 * Errors (the message names the service in plain words; details go to the log):
 *   GZF_EUNAVAIL "partner_unavailable" — network error, timeout, 5xx after the retries;
 *   GZF_EUNAVAIL "partner_bad_reply"   — a reply that is not a JSON object, too large,
 *                                        or an unexpected status;
 *   GZF_EUNAVAIL "partner_auth_failed" — 401/403: the partner refused gzf's signature;
 *   GZF_EINVAL   "partner_rejected"    — another 4xx; the partner's code is in the message.
 * err->field is the partner's name. Never logs the bodies (they carry personal data).
 */
int partner_call(const struct partner *p, struct arena *a, const char *method, const char *path,
		 json_t *body, json_t **reply, struct gzf_err *err);

/*
 * partner_fetch — GET a public document (a lottery proof) at url, http:// or https://
 * (at most 3 redirects, to http(s) only), unsigned, within timeout_ms. On a 2xx reply
 * *data gets the body with a NUL after it, *len its size, both owned by arena a.
 * Errors: GZF_EINVAL "bad_url" (not an http(s) URL); GZF_ETOOLARGE "fetch_too_large"
 * (over max bytes); GZF_EUNAVAIL "fetch_failed" (network error, timeout, or a status
 * other than 2xx, with curl's words or the status in the message).
 */
int partner_fetch(struct arena *a, const char *url, size_t max, long timeout_ms, char **data,
		  size_t *len, struct gzf_err *err);

/*
 * partner_check_main — `gzf partner-check [options] [--id-number N --name NAME]
 * [--phone P] [--text T]`: call the identity service and/or the SMS gateway once and
 * print what they answered, for operators checking connectivity. argv holds the
 * arguments after the command name. Returns the process exit status: 0 when every
 * call succeeded, 1 when one failed, 2 for bad usage.
 */
int partner_check_main(int argc, char **argv);

#endif
