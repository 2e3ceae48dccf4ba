/*
 * idempotency.h — Idempotency-Key for money-moving requests (docs/api/idempotency.md):
 * what a key may be, the hash that tells a retry from another request, how long first
 * replies are kept, and the job that forgets them afterwards. The API helper that a
 * handler calls is api_idem_begin() / api_idem_reply() (api/api.h).
 */
#ifndef GZF_DOMAIN_IDEMPOTENCY_H
#define GZF_DOMAIN_IDEMPOTENCY_H

#include <stddef.h>
#include <stdint.h>

#include "core/gzf.h"
#include "store/db.h"
#include "store/idempotency_store.h"

#define IDEMPOTENCY_KEY_MAX 128                     /* characters */
#define IDEMPOTENCY_KEEP_MS (24LL * 60 * 60 * 1000) /* first replies kept at least this long */
#define IDEMPOTENCY_HASH_HEX 65                     /* 64 hex characters and a NUL */

/* idempotency_key_valid — 1 when key has 1..IDEMPOTENCY_KEY_MAX printable ASCII
 * characters (space to '~'), else 0 (NULL included). */
int idempotency_key_valid(const char *key);

/*
 * idempotency_request_hash — hex SHA-256 of METHOD "\n" PATH "\n" BODY into out: two
 * requests with one key are the same request exactly when these are equal. body may be
 * NULL when len is 0.
 */
void idempotency_request_hash(const char *method, const char *path, const void *body,
			      size_t len, char out[IDEMPOTENCY_HASH_HEX]);

/*
 * idempotency_lookup — inside the caller's transaction, before its change: is key (sent
 * by account_id, request hash hash) new? 0 with *replay = 0: do the work. 0 with
 * *replay = 1: a retry; *first is the stored first reply to send again. Errors:
 * GZF_EINVAL "bad_idempotency_key" (not a valid key), GZF_ESTATE "idempotency_key_reused"
 * (the key was stored with another request), or the store's.
 */
int idempotency_lookup(struct db_conn *c, int64_t account_id, const char *key, const char *hash,
		       struct idempotency_record *first, int *replay, struct gzf_err *err);

/*
 * idempotency_remember — keep r (its status, reply, route, hash, city; created_at is set
 * to now_ms) as the first reply of (account_id, key) in c's current transaction, and
 * make sure the purge job is queued. GZF_ECONFLICT "idempotency_key_in_use" when a
 * concurrent request stored the key first (the caller rolls back).
 */
int idempotency_remember(struct db_conn *c, int64_t account_id, const char *key,
			 struct idempotency_record *r, int64_t now_ms, struct gzf_err *err);

/* idempotency_jobs_register — register the job kind "idempotency_purge", which deletes
 * the first replies older than IDEMPOTENCY_KEEP_MS and queues itself again for the oldest
 * left. 0 or the registration's error. */
int idempotency_jobs_register(void);

#endif
