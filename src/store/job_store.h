/*
 * job_store.h — the rows of the background job table (migration 011_jobs.sql). The
 * scheduling logic is in domain/jobs.c; this file only reads and writes rows.
 */
#ifndef GZF_STORE_JOB_STORE_H
#define GZF_STORE_JOB_STORE_H

#include "store/db.h"

/* One job row. Strings live in the connection's arena. */
struct job_row {
	int64_t id;
	int64_t city_id;
	const char *kind;
	const char *ref;
	const char *payload;   /* JSON text */
	const char *status;    /* "queued", "running", "done", "failed" */
	int attempts;
	int64_t run_at;
	int64_t lease_until;
	const char *last_error;
	int64_t created_at;
	int64_t updated_at;
};

/* job_store_insert — a new queued job; *id (may be NULL) gets its id. */
int job_store_insert(struct db_conn *c, int64_t city_id, const char *kind, const char *ref,
		     const char *payload, int64_t run_at, int64_t now, int64_t *id,
		     struct gzf_err *err);

/* job_store_due — up to max ids of jobs due at now (queued and run_at <= now, or running
 * with an expired lease), oldest run_at first, in an arena array of *n. */
int job_store_due(struct db_conn *c, int64_t now, int max, int64_t **ids, int *n,
		  struct gzf_err *err);

/* job_store_retry_now — make every queued job due at now (an operator's "retry now"
 * once a partner is back); *changed = jobs moved. */
int job_store_retry_now(struct db_conn *c, int64_t now, int64_t *changed, struct gzf_err *err);

/* job_store_claim — take job id for this runner until lease_until, if it is still due at
 * now. *claimed = 1 when this call took it (0: someone else was faster). Counts an attempt. */
int job_store_claim(struct db_conn *c, int64_t id, int64_t now, int64_t lease_until,
		    int *claimed, struct gzf_err *err);

/* job_store_get — the job with id; GZF_ENOTFOUND if none. */
int job_store_get(struct db_conn *c, int64_t id, struct job_row *out, struct gzf_err *err);

/* job_store_finish — set status ("done", "failed" or "queued" to retry at run_at) and the
 * last error (may be NULL), releasing the lease. */
int job_store_finish(struct db_conn *c, int64_t id, const char *status, int64_t run_at,
		     const char *last_error, int64_t now, struct gzf_err *err);

/* job_store_find — the newest job of kind and ref; GZF_ENOTFOUND if none. */
int job_store_find(struct db_conn *c, const char *kind, const char *ref, struct job_row *out,
		   struct gzf_err *err);

#endif
