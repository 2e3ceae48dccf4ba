/*
 * idempotency.c — Idempotency-Key rules: valid keys, the request hash, and the purge job
 * that forgets first replies once they are older than IDEMPOTENCY_KEEP_MS.
 */
#include "domain/idempotency.h"

#include <sodium.h>
#include <string.h>

#include "domain/jobs.h"
#include "store/idempotency_store.h"
#include "store/job_store.h"

#define PURGE_KIND "idempotency_purge"
#define PURGE_REF "idempotency_keys"
#define PURGE_SLACK_MS (60LL * 1000) /* run a minute after the oldest row is due */

static int purge_schedule(struct db_conn *c, int64_t now_ms, struct gzf_err *err);
static int job_purge(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
		     const json_t *payload, struct gzf_err *err);

int
idempotency_key_valid(const char *key)
{
	size_t i;

	if (key == NULL || key[0] == '\0')
		return 0;
	for (i = 0; key[i] != '\0'; i++)
		if (i >= IDEMPOTENCY_KEY_MAX || key[i] < 0x20 || key[i] > 0x7e)
			return 0;
	return 1;
}

void
idempotency_request_hash(const char *method, const char *path, const void *body, size_t len,
			 char out[IDEMPOTENCY_HASH_HEX])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)method, strlen(method));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)path, strlen(path));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	if (len > 0)
		crypto_hash_sha256_update(&st, body, len);
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(out, IDEMPOTENCY_HASH_HEX, digest, sizeof(digest));
}

int
idempotency_lookup(struct db_conn *c, int64_t account_id, const char *key, const char *hash,
		   struct idempotency_record *first, int *replay, struct gzf_err *err)
{
	int rc;

	*replay = 0;
	if (!idempotency_key_valid(key))
		return gzf_err_set(err, GZF_EINVAL, "bad_idempotency_key", "Idempotency-Key",
				   "Idempotency-Key must have 1 to %d printable ASCII characters",
				   IDEMPOTENCY_KEY_MAX);
	rc = idempotency_store_get(c, account_id, key, first, err);
	if (rc == GZF_ENOTFOUND) {
		gzf_err_clear(err);
		return GZF_OK;
	}
	if (rc != GZF_OK)
		return rc;
	if (strcmp(first->request_hash, hash) != 0)
		return gzf_err_set(err, GZF_ESTATE, "idempotency_key_reused", "Idempotency-Key",
				   "this Idempotency-Key was used for a different request; use a "
				   "new key for a new request");
	*replay = 1;
	return GZF_OK;
}

int
idempotency_remember(struct db_conn *c, int64_t account_id, const char *key,
		     struct idempotency_record *r, int64_t now_ms, struct gzf_err *err)
{
	int rc;

	r->created_at = now_ms;
	rc = idempotency_store_put(c, account_id, key, r, err);
	if (db_is_duplicate(rc, err))
		/* Another request with this key committed first (a retry sent before the first
		 * answer came): this one must change nothing; sent again, it gets that answer. */
		return gzf_err_set(err, GZF_ECONFLICT, "idempotency_key_in_use", "Idempotency-Key",
				   "a request with this Idempotency-Key is being processed; send it "
				   "again to get its answer");
	if (rc != GZF_OK)
		return rc;
	return purge_schedule(c, now_ms, err);
}

/* Make sure a purge job is queued (in c's current transaction): when none is, one is
 * added, due when a row stored now is old enough. */
static int
purge_schedule(struct db_conn *c, int64_t now_ms, struct gzf_err *err)
{
	struct job_row job;
	int rc;

	rc = job_store_find(c, PURGE_KIND, PURGE_REF, &job, err);
	if (rc == GZF_OK && strcmp(job.status, "queued") == 0)
		return GZF_OK;
	if (rc != GZF_OK && rc != GZF_ENOTFOUND)
		return rc;
	gzf_err_clear(err);
	return jobs_enqueue(c, 0, PURGE_KIND, PURGE_REF, NULL,
			    now_ms + IDEMPOTENCY_KEEP_MS + PURGE_SLACK_MS, err);
}

int
idempotency_jobs_register(void)
{
	return jobs_register(PURGE_KIND, job_purge);
}

/* Delete what is older than the keeping time; come back when the oldest left is due. */
static int
job_purge(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	  const json_t *payload, struct gzf_err *err)
{
	int64_t now = ctx->now_ms(), oldest;
	int rc;

	(void)city_id;
	(void)ref;
	(void)payload;
	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	if ((rc = idempotency_store_purge(c, now - IDEMPOTENCY_KEEP_MS, NULL, err)) != GZF_OK)
		goto out;
	rc = idempotency_store_oldest(c, &oldest, err);
	if (rc == GZF_OK)
		rc = jobs_enqueue(c, 0, PURGE_KIND, PURGE_REF, NULL,
				  oldest + IDEMPOTENCY_KEEP_MS + PURGE_SLACK_MS, err);
	else if (rc == GZF_ENOTFOUND)
		rc = GZF_OK; /* empty: the next stored reply queues the next purge */
	if (rc == GZF_OK)
		rc = db_commit(c, err);
out:
	if (rc != GZF_OK)
		db_rollback(c);
	return rc;
}
