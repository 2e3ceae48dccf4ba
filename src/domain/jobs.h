/*
 * jobs.h — the shared background job table: work that must happen later or be retried
 * (department checks, the end of a publicity period, ...). Jobs are rows, so they survive
 * restarts and several servers can share them; a claimed job is never run twice at once.
 */
#ifndef GZF_DOMAIN_JOBS_H
#define GZF_DOMAIN_JOBS_H

#include <jansson.h>
#include <stdint.h>

#include "core/config.h"
#include "core/gzf.h"
#include "partners/partner.h"
#include "store/db.h"

/* The longest kind name and reference a job may have. */
#define JOBS_KIND_MAX 40
#define JOBS_REF_MAX 120

/*
 * What a job handler can reach: the database, the configuration, the secrets, the partner
 * services, the audit key and the clock — nothing of HTTP. Everything is borrowed from
 * the command that runs the jobs (`gzf serve`, `gzf jobs run`) and must outlive them;
 * every member is set (now_ms is gzf_now_ms outside tests).
 */
struct job_ctx {
	struct db *db;
	const struct config *cfg;
	const struct secrets *secrets;
	struct partners *partners;
	const unsigned char *audit_key; /* AUDIT_KEY_BYTES (domain/audit.h) */
	int64_t (*now_ms)(void);
};

/*
 * jobs_enqueue — add a job in the caller's transaction (so it exists only if the caller
 * commits). kind: "dept_check", "publicity_end", ...; ref: what it is about
 * ("application:42"); payload: small JSON (may be NULL; copied); run_at_ms: when it is due
 * (0 = now). city_id is the tenant (0 = none; never negative). GZF_EINVAL for an empty or
 * long kind/ref.
 */
int jobs_enqueue(struct db_conn *c, int64_t city_id, const char *kind, const char *ref,
		 const json_t *payload, int64_t run_at_ms, struct gzf_err *err);

/*
 * A job handler. It gets the context ctx, its own connection c (no transaction open; it
 * opens its own) and the job's city (0 = none), ref and payload. Return 0 when done;
 * GZF_EUNAVAIL to be retried later with back-off (the message is kept on the job as the
 * reason); any other error marks the job failed (logged, kept with its message).
 */
typedef int (*job_fn)(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
		      const json_t *payload, struct gzf_err *err);

/* jobs_register — set the handler of kind (call at start, before jobs_start/jobs_run_due).
 * A kind has one handler: a second registration of it is GZF_ECONFLICT and changes
 * nothing. GZF_EINVAL for an empty or long kind, GZF_EINTERNAL when the table is full. */
int jobs_register(const char *kind, job_fn fn);

/*
 * jobs_run_due — claim and run up to max due jobs once. Several servers may run this at
 * the same time: a claim is a conditional UPDATE on the row with a lease, so a claimed job
 * is never run twice at once (and is taken again if its runner died past the lease).
 * Jobs of a kind without a handler are left alone. Returns the number run (done, retried
 * or failed), or a negative code.
 */
int jobs_run_due(struct job_ctx *ctx, int max, struct gzf_err *err);

/* jobs_start — start the background thread of `gzf serve` that calls jobs_run_due every
 * second. jobs_stop ends it and waits for it. 0 or GZF_EINTERNAL. */
int jobs_start(struct job_ctx *ctx);
void jobs_stop(void);

/* jobs_register_all — register every handler gzf has (the department check, ...), each
 * through the domain file that owns its kind; called once by `gzf serve` and `gzf jobs
 * run`. 0, or the first registration's error. */
int jobs_register_all(void);

/* jobs_run_all — jobs_run_due until nothing more is due (for `gzf jobs run`); with
 * retry_now, queued jobs waiting for a retry are made due first (`gzf jobs retry`).
 * Returns the number run, or a negative code. */
int jobs_run_all(struct job_ctx *ctx, int retry_now, struct gzf_err *err);

#endif
