/*
 * idempotency_store.h — the stored first replies of requests sent with an
 * Idempotency-Key (idempotency.c, migration 046). The API helper that uses them is
 * api_idem_begin() / api_idem_reply() in api/api.h.
 */
#ifndef GZF_STORE_IDEMPOTENCY_STORE_H
#define GZF_STORE_IDEMPOTENCY_STORE_H

#include "store/db.h"

/* One stored reply. Strings live in the connection's arena. */
struct idempotency_record {
	int64_t id;
	int64_t city_id;
	const char *route;        /* "POST /api/v1/..." as routed */
	const char *request_hash; /* hex SHA-256 of the request */
	int status;               /* the HTTP status of the first reply */
	const char *reply;        /* its body, byte for byte */
	int64_t created_at;       /* ms */
};

/* idempotency_store_get — the record of (account_id, key); GZF_ENOTFOUND when none. */
int idempotency_store_get(struct db_conn *c, int64_t account_id, const char *key,
			  struct idempotency_record *out, struct gzf_err *err);

/*
 * idempotency_store_put — keep the first reply of (account_id, key) in c's current
 * transaction (so it exists exactly when the change it answers does). GZF_ECONFLICT
 * (db_is_duplicate) when the pair is already stored.
 */
int idempotency_store_put(struct db_conn *c, int64_t account_id, const char *key,
			  const struct idempotency_record *r, struct gzf_err *err);

/* idempotency_store_purge — delete the records created before before_ms; *deleted (may
 * be NULL) gets how many. */
int idempotency_store_purge(struct db_conn *c, int64_t before_ms, int64_t *deleted,
			    struct gzf_err *err);

/* idempotency_store_oldest — the creation time of the oldest record into *created_at,
 * or GZF_ENOTFOUND when there is none. */
int idempotency_store_oldest(struct db_conn *c, int64_t *created_at, struct gzf_err *err);

#endif
