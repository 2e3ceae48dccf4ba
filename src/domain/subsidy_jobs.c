/*
 * subsidy_jobs.c — the results of a sent subsidy batch (subsidy.h): asking the bank for
 * each file's result file, and the job "subsidy_results" that does it after a batch is
 * sent and imports every result that is ready, retrying while the bank is processing.
 */
#include "domain/subsidy.h"

#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/jobs.h"
#include "partners/bank_batch.h"

#define KIND "subsidy_results"

static int job_results(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
		       const json_t *payload, struct gzf_err *err);

int
subsidy_results_fetch(struct db_conn *c, const struct partner *bank, struct arena *a,
		      const struct subsidy_batch *b, struct subsidy_fetched **out, int *n,
		      struct gzf_err *err)
{
	struct bank_batch_status st;
	char sha[65];
	int i, rc;

	*n = 0;
	*out = arena_alloc(a, sizeof(**out) * (size_t)(b->files ? b->files : 1));
	for (i = 1; i <= b->files; i++) {
		if ((rc = subsidy_store_file_sha(c, b->id, i, "result", sha, err)) != GZF_OK)
			return rc;
		if (sha[0] != '\0')
			continue;
		if ((rc = bank_batch_query(bank, a, arena_printf(a, "%s-%d", b->batch_no, i), &st,
					   err)) != GZF_OK)
			return rc;
		(*out)[(*n)++] = (struct subsidy_fetched){ .file_no = i, .ready = st.result != NULL,
							   .file = st.result, .len = st.result_len };
	}
	return GZF_OK;
}

int
subsidy_jobs_register(void)
{
	return jobs_register(KIND, job_results);
}

int
subsidy_results_enqueue(struct db_conn *c, const struct subsidy_batch *b, int64_t now,
			struct gzf_err *err)
{
	char ref[40];

	snprintf(ref, sizeof(ref), "subsidy_batch:%lld", (long long)b->id);
	return jobs_enqueue(c, b->city_id, KIND, ref, NULL, now + SUBSIDY_RESULTS_AFTER_MS, err);
}

/* Import the results that are ready, each file in its own transaction with its audit
 * entry by the system; retried (GZF_EUNAVAIL) while some file is still processing. */
static int
job_results(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	    const json_t *payload, struct gzf_err *err)
{
	struct subsidy_fetched *f;
	struct subsidy_batch b;
	struct audit_entry e;
	int64_t id;
	char idtext[24], detail[160];
	int n, i, waiting = 0, rc;

	(void)payload;
	(void)city_id;
	if (sscanf(ref, "subsidy_batch:%lld", (long long *)&id) != 1)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "ref", "not a batch");
	if ((rc = subsidy_store_batch_get(c, id, &b, err)) != GZF_OK)
		return rc;
	if (subsidy_batch_state_of(&b) != SUBSIDY_BATCH_SENT)
		return GZF_OK;
	if ((rc = subsidy_results_fetch(c, &ctx->partners->bank, db_arena(c), &b, &f, &n, err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++) {
		struct subsidy_input in = { .party = FSM_SYSTEM, .now = ctx->now_ms(),
					    .file_no = f[i].file_no, .file = f[i].file, .file_len = f[i].len };

		if (!f[i].ready) {
			waiting++;
			continue;
		}
		snprintf(idtext, sizeof(idtext), "%lld", (long long)b.id);
		if ((rc = db_begin(c, err)) != GZF_OK)
			return rc;
		if ((rc = subsidy_store_batch_get(c, id, &b, err)) == GZF_OK &&
		    (rc = subsidy_batch_fire(c, &b, SUBSIDY_BATCH_IMPORT, &in, err)) == GZF_OK) {
			snprintf(detail, sizeof(detail),
				 "{\"file_no\":%d,\"sha256\":\"%s\",\"paid\":%d,\"failed\":%d,\"duplicate\":%s}",
				 in.file_no, in.sha256, in.paid, in.failed, in.duplicate ? "true" : "false");
			e = (struct audit_entry){ .city_id = b.city_id, .actor_kind = "system",
						  .action = "subsidy_batch.import", .object_type = "subsidy_batch",
						  .object_id = idtext, .object_region = b.city_id,
						  .result = "ok", .detail = detail };
			rc = audit_record(c, ctx->audit_key, &e, err);
		}
		if (rc == GZF_OK)
			rc = db_commit(c, err);
		if (rc != GZF_OK) {
			db_rollback(c);
			return rc;
		}
	}
	return waiting ? gzf_err_set(err, GZF_EUNAVAIL, "results_not_ready", NULL,
				     "the bank is still processing %d file(s)", waiting) : GZF_OK;
}
