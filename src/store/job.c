/*
 * job.c — the jobs table (the background job queue; rules in domain/jobs.c).
 */
#include "store/job_store.h"

#include <assert.h>

#define JOB_COLUMNS "id, city_id, kind, ref, payload, status, attempts, run_at, lease_until," \
	" last_error, created_at, updated_at"

static void job_from_row(const struct db_res *r, int row, struct job_row *out);

static void
job_from_row(const struct db_res *r, int row, struct job_row *out)
{
	out->id = db_res_int(r, row, 0);
	out->city_id = db_res_int(r, row, 1);
	out->kind = db_res_text(r, row, 2);
	out->ref = db_res_text(r, row, 3);
	out->payload = db_res_text(r, row, 4);
	out->status = db_res_text(r, row, 5);
	out->attempts = (int)db_res_int(r, row, 6);
	out->run_at = db_res_int(r, row, 7);
	out->lease_until = db_res_int(r, row, 8);
	out->last_error = db_res_text(r, row, 9);
	out->created_at = db_res_int(r, row, 10);
	out->updated_at = db_res_int(r, row, 11);
}

int
job_store_insert(struct db_conn *c, int64_t city_id, const char *kind, const char *ref,
		 const char *payload, int64_t run_at, int64_t now, int64_t *id,
		 struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	assert(city_id >= 0 && kind != NULL && ref != NULL);
	rc = db_query(c, "INSERT INTO jobs (city_id, kind, ref, payload, status, attempts, run_at,"
		      " lease_until, created_at, updated_at)"
		      " VALUES ($1, $2, $3, $4, 'queued', 0, $5, 0, $6, $6) RETURNING id",
		      DB_ARGS(DB_I(city_id), DB_T(kind), DB_T(ref), DB_T(payload), DB_I(run_at),
			      DB_I(now)), &r, err);
	if (rc == GZF_OK && id != NULL)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
job_store_due(struct db_conn *c, int64_t now, int max, int64_t **ids, int *n,
	      struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= $1)"
		      " OR (status = 'running' AND lease_until < $1) ORDER BY run_at, id LIMIT $2",
		      DB_ARGS(DB_I(now), DB_I(max)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*ids = arena_alloc(db_arena(c), sizeof(**ids) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*ids)[i] = db_res_int(r, i, 0);
	*n = r->nrows;
	return GZF_OK;
}

int
job_store_claim(struct db_conn *c, int64_t id, int64_t now, int64_t lease_until, int *claimed,
		struct gzf_err *err)
{
	int64_t changes = 0;
	int rc;

	/* One conditional statement: of two runners, the second finds the row no longer
	 * due (PostgreSQL re-checks the WHERE after the first one's lock is released). */
	rc = db_exec(c, "UPDATE jobs SET status = 'running', lease_until = $3,"
		     " attempts = attempts + 1, updated_at = $2 WHERE id = $1 AND"
		     " ((status = 'queued' AND run_at <= $2) OR (status = 'running' AND lease_until < $2))",
		     DB_ARGS(DB_I(id), DB_I(now), DB_I(lease_until)), &changes, err);
	*claimed = rc == GZF_OK && changes == 1;
	return rc;
}

int
job_store_get(struct db_conn *c, int64_t id, struct job_row *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " JOB_COLUMNS " FROM jobs WHERE id = $1", DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "job_not_found", NULL, "no job %lld",
				   (long long)id);
	job_from_row(r, 0, out);
	return GZF_OK;
}

int
job_store_finish(struct db_conn *c, int64_t id, const char *status, int64_t run_at,
		 const char *last_error, int64_t now, struct gzf_err *err)
{
	return db_exec(c, "UPDATE jobs SET status = $2, run_at = $3, last_error = $4,"
		       " lease_until = 0, updated_at = $5 WHERE id = $1",
		       DB_ARGS(DB_I(id), DB_T(status), DB_I(run_at), DB_T(last_error), DB_I(now)),
		       NULL, err);
}

int
job_store_find(struct db_conn *c, const char *kind, const char *ref, struct job_row *out,
	       struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " JOB_COLUMNS " FROM jobs WHERE kind = $1 AND ref = $2"
		      " ORDER BY id DESC LIMIT 1", DB_ARGS(DB_T(kind), DB_T(ref)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "job_not_found", NULL, "no %s job for %s",
				   kind, ref);
	job_from_row(r, 0, out);
	return GZF_OK;
}

int
job_store_retry_now(struct db_conn *c, int64_t now, int64_t *changed, struct gzf_err *err)
{
	return db_exec(c, "UPDATE jobs SET run_at = $1 WHERE status = 'queued' AND run_at > $1",
		       DB_ARGS(DB_I(now)), changed, err);
}
