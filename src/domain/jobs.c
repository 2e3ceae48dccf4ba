/*
 * jobs.c — running the background job table: the handler registry, claiming due jobs,
 * retrying with back-off, and the thread of `gzf serve` that polls every second.
 */
#include "domain/jobs.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "domain/idempotency.h"
#include "domain/recon.h"
#include "domain/billing.h"
#include "domain/review_jobs.h"
#include "domain/refund.h"
#include "domain/rent_payment.h"
#include "domain/selection.h"
#include "domain/subsidy.h"
#include "store/job_store.h"

#define MAX_KINDS 32
#define LEASE_MS (10LL * 60 * 1000)  /* a runner that dies frees its job after this */
#define RETRY_FIRST_MS (30LL * 1000) /* back-off: 30 s, doubling, at most 15 minutes */
#define RETRY_MAX_MS (15LL * 60 * 1000)
#define POLL_BATCH 16

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	int running, stopping;
	int nkinds;
	struct { char kind[JOBS_KIND_MAX + 1]; job_fn fn; } kinds[MAX_KINDS];
} jobs = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static job_fn handler_for(const char *kind);
static int run_one(struct job_ctx *ctx, int64_t id, int64_t now, struct gzf_err *err);
static int64_t backoff_ms(int attempts);
static void *poll_thread(void *arg);
static void ctx_check(const struct job_ctx *ctx);

int
jobs_enqueue(struct db_conn *c, int64_t city_id, const char *kind, const char *ref,
	     const json_t *payload, int64_t run_at_ms, struct gzf_err *err)
{
	int64_t now = gzf_now_ms();
	char *text = NULL;
	int rc;

	if (kind == NULL || *kind == '\0' || strlen(kind) > JOBS_KIND_MAX)
		return gzf_err_set(err, GZF_EINVAL, "bad_job_kind", "kind",
				   "a job kind must be 1 to %d characters", JOBS_KIND_MAX);
	if (ref == NULL || *ref == '\0' || strlen(ref) > JOBS_REF_MAX)
		return gzf_err_set(err, GZF_EINVAL, "bad_job_ref", "ref",
				   "a job reference must be 1 to %d characters", JOBS_REF_MAX);
	if (payload != NULL)
		text = json_dumps(payload, JSON_COMPACT | JSON_ENCODE_ANY);
	assert(city_id >= 0);
	rc = job_store_insert(c, city_id, kind, ref, text != NULL ? text : "{}",
			      run_at_ms > 0 ? run_at_ms : now, now, NULL, err);
	free(text);
	return rc;
}

int
jobs_register(const char *kind, job_fn fn)
{
	int i, rc = GZF_OK;

	assert(fn != NULL);
	if (kind == NULL || *kind == '\0' || strlen(kind) > JOBS_KIND_MAX)
		return GZF_EINVAL;
	pthread_mutex_lock(&jobs.lock);
	for (i = 0; i < jobs.nkinds && strcmp(jobs.kinds[i].kind, kind) != 0; i++)
		;
	if (i < jobs.nkinds) {
		rc = GZF_ECONFLICT;
	} else if (i == MAX_KINDS) {
		rc = GZF_EINTERNAL;
	} else {
		snprintf(jobs.kinds[i].kind, sizeof(jobs.kinds[i].kind), "%s", kind);
		jobs.kinds[i].fn = fn;
		jobs.nkinds++;
	}
	pthread_mutex_unlock(&jobs.lock);
	return rc;
}

/* Every member of a job context is set: the handlers rely on each. */
static void
ctx_check(const struct job_ctx *ctx)
{
	assert(ctx != NULL && ctx->db != NULL && ctx->cfg != NULL && ctx->secrets != NULL &&
	       ctx->partners != NULL && ctx->audit_key != NULL && ctx->now_ms != NULL);
	(void)ctx;
}

static job_fn
handler_for(const char *kind)
{
	job_fn fn = NULL;
	int i;

	pthread_mutex_lock(&jobs.lock);
	for (i = 0; i < jobs.nkinds; i++)
		if (strcmp(jobs.kinds[i].kind, kind) == 0)
			fn = jobs.kinds[i].fn;
	pthread_mutex_unlock(&jobs.lock);
	return fn;
}

/* The wait before retry number attempts+1: 30 s, 1, 2, 4, 8 minutes, then 15. */
static int64_t
backoff_ms(int attempts)
{
	int64_t ms = RETRY_FIRST_MS;

	while (--attempts > 0 && ms < RETRY_MAX_MS)
		ms *= 2;
	return ms < RETRY_MAX_MS ? ms : RETRY_MAX_MS;
}

/*
 * Claim job id and, if this runner got it, run its handler and record the outcome.
 * Returns 1 when the job ran, 0 when another runner had it or it has no handler.
 */
static int
run_one(struct job_ctx *ctx, int64_t id, int64_t now, struct gzf_err *err)
{
	struct arena *a = arena_create();
	struct gzf_err herr;
	struct db_conn *c = NULL;
	struct job_row job;
	json_t *payload = NULL;
	const char *status;
	int64_t run_at;
	job_fn fn;
	int rc, claimed = 0;

	if ((rc = db_acquire(ctx->db, a, &c, err)) != GZF_OK)
		goto out;
	if ((rc = job_store_get(c, id, &job, err)) != GZF_OK)
		goto out;
	if ((fn = handler_for(job.kind)) == NULL) /* another version's job: leave it */
		goto out;
	if ((rc = job_store_claim(c, id, now, ctx->now_ms() + LEASE_MS, &claimed, err)) != GZF_OK ||
	    !claimed)
		goto out;
	payload = json_loads(job.payload, JSON_DECODE_ANY, NULL);
	gzf_err_clear(&herr);
	rc = fn(ctx, c, job.city_id, job.ref, payload, &herr);
	/* A fresh connection for the outcome: one the handler left in a transaction is rolled
	 * back on release (what it did not commit did not happen). */
	db_release(c);
	c = NULL;
	run_at = now;
	if (rc == GZF_OK) {
		status = "done";
	} else if (rc == GZF_EUNAVAIL) {
		status = "queued";
		run_at = ctx->now_ms() + backoff_ms(job.attempts + 1);
	} else {
		status = "failed";
	}
	if (rc != GZF_OK)
		log_msg(rc == GZF_EUNAVAIL ? LOG_WARN : LOG_ERROR, "job did not finish",
			"kind", job.kind, "ref", job.ref, "status", status, "error", herr.message, NULL);
	if ((rc = db_acquire(ctx->db, a, &c, err)) == GZF_OK)
		rc = job_store_finish(c, id, status, run_at, strcmp(status, "done") ? herr.message : NULL,
				      ctx->now_ms(), err);
out:
	json_decref(payload);
	if (c != NULL)
		db_release(c);
	arena_destroy(a);
	return rc != GZF_OK ? rc : claimed;
}

int
jobs_run_due(struct job_ctx *ctx, int max, struct gzf_err *err)
{
	struct arena *a;
	struct db_conn *c = NULL;
	int64_t *ids, now;
	int rc, n = 0, i, ran = 0;

	ctx_check(ctx);
	a = arena_create();
	now = ctx->now_ms();
	if ((rc = db_acquire(ctx->db, a, &c, err)) != GZF_OK)
		goto out;
	rc = job_store_due(c, now, max > 0 ? max : POLL_BATCH, &ids, &n, err);
	db_release(c);
	if (rc != GZF_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if ((rc = run_one(ctx, ids[i], now, err)) < 0)
			goto out;
		ran += rc;
	}
	rc = GZF_OK;
out:
	arena_destroy(a);
	return rc != GZF_OK ? rc : ran;
}

int
jobs_run_all(struct job_ctx *ctx, int retry_now, struct gzf_err *err)
{
	struct arena *a;
	struct db_conn *c;
	int rc, total = 0, rounds;

	ctx_check(ctx);
	if (retry_now) {
		a = arena_create();
		if ((rc = db_acquire(ctx->db, a, &c, err)) == GZF_OK) {
			rc = job_store_retry_now(c, ctx->now_ms(), NULL, err);
			db_release(c);
		}
		arena_destroy(a);
		if (rc != GZF_OK)
			return rc;
	}
	/* A bounded number of rounds: a handler that enqueues a due job of its own kind
	 * forever must not keep the command running. */
	for (rounds = 0; rounds < 100; rounds++) {
		if ((rc = jobs_run_due(ctx, POLL_BATCH, err)) < 0)
			return rc;
		if (rc == 0)
			break;
		total += rc;
	}
	return total;
}

static void *
poll_thread(void *arg)
{
	struct job_ctx *ctx = arg;
	struct gzf_err err;
	struct timespec ts;
	int rc;

	pthread_mutex_lock(&jobs.lock);
	while (!jobs.stopping) {
		pthread_mutex_unlock(&jobs.lock);
		gzf_err_clear(&err);
		if ((rc = jobs_run_due(ctx, POLL_BATCH, &err)) < 0)
			log_msg(LOG_WARN, "background jobs could not run", "error", err.message, NULL);
		pthread_mutex_lock(&jobs.lock);
		if (rc > 0 || jobs.stopping) /* more may be due: look again at once */
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&jobs.wake, &jobs.lock, &ts);
	}
	pthread_mutex_unlock(&jobs.lock);
	return NULL;
}

int
jobs_start(struct job_ctx *ctx)
{
	int rc = GZF_OK;

	ctx_check(ctx);
	pthread_mutex_lock(&jobs.lock);
	if (!jobs.running) {
		jobs.stopping = 0;
		if (pthread_create(&jobs.thread, NULL, poll_thread, ctx) != 0)
			rc = GZF_EINTERNAL;
		else
			jobs.running = 1;
	}
	pthread_mutex_unlock(&jobs.lock);
	return rc;
}

void
jobs_stop(void)
{
	int running;

	pthread_mutex_lock(&jobs.lock);
	running = jobs.running;
	jobs.stopping = 1;
	pthread_cond_broadcast(&jobs.wake);
	pthread_mutex_unlock(&jobs.lock);
	if (running)
		pthread_join(jobs.thread, NULL);
	pthread_mutex_lock(&jobs.lock);
	jobs.running = 0;
	pthread_mutex_unlock(&jobs.lock);
}

/* Every job handler gzf has: one line per domain file, which registers the kinds it owns. */
int
jobs_register_all(void)
{
	int rc;

	if ((rc = review_jobs_register()) != GZF_OK) /* dept_check, publicity_end (domain/review_jobs.c) */
		return rc;
	if ((rc = idempotency_jobs_register()) != GZF_OK) /* idempotency_purge (domain/idempotency.c) */
		return rc;
	if ((rc = recon_jobs_register()) != GZF_OK) /* recon_daily (domain/recon.c) */
		return rc;
	if ((rc = selection_jobs_register()) != GZF_OK) /* selection_* (domain/selection_jobs.c) */
		return rc;
	if ((rc = rent_payment_jobs_register()) != GZF_OK) /* payment_query, withholding_collect (domain/rent_payment.c) */
		return rc;
	if ((rc = refund_jobs_register()) != GZF_OK) /* refund_query (domain/refund.c) */
		return rc;
	if ((rc = billing_jobs_register()) != GZF_OK) /* billing_month, arrears_daily (domain/billing.c) */
		return rc;
	return subsidy_jobs_register(); /* subsidy_results (domain/subsidy_jobs.c) */
}
