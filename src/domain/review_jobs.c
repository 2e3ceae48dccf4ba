/*
 * review_jobs.c — the jobs of the eligibility review. The department check asks every
 * source about the household, keeps the evidence and the rule engine's criteria and moves
 * the application on (or delays it, visibly, while a source is down); the end of a
 * publicity period qualifies the household, or hands it to the city approver when
 * objections were lodged. Each job opens and commits its own transaction and writes the
 * timeline, the applicant's message and the audit entry with its change.
 */
#include "domain/review_jobs.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "domain/audit.h"
#include "domain/eligibility.h"
#include "domain/jobs.h"
#include "domain/review.h"
#include "domain/workflow.h"
#include "partners/dept.h"
#include "store/application_store.h"

static int job_dept_check(struct job_ctx *ctx, struct db_conn *c, int64_t city_id,
			  const char *ref, const json_t *payload, struct gzf_err *err);
static int job_publicity_end(struct job_ctx *ctx, struct db_conn *c, int64_t city_id,
			     const char *ref, const json_t *payload, struct gzf_err *err);
static int job_audit(const struct job_ctx *ctx, struct db_conn *c, const struct application *a,
		     const char *action, const char *detail, struct gzf_err *err);
static int job_load(struct db_conn *c, const char *ref, enum review_state state,
		    struct application *a, json_t **chain, struct gzf_err *err);

int
review_jobs_register(void)
{
	int rc;

	if ((rc = jobs_register("dept_check", job_dept_check)) != GZF_OK)
		return rc;
	return jobs_register("publicity_end", job_publicity_end);
}

/* The application named by a job's ref ("application:42") and its chain, if it is still
 * in state (*chain NULL otherwise: the job has nothing left to do). */
static int
job_load(struct db_conn *c, const char *ref, enum review_state state, struct application *a,
	 json_t **chain, struct gzf_err *err)
{
	int64_t id;
	int rc;

	*chain = NULL;
	if (strncmp(ref, "application:", 12) != 0 ||
	    gzf_parse_int(ref + 12, 1, INT64_MAX, &id) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "bad_ref", NULL, "bad job reference %s", ref);
	if ((rc = application_store_get(c, id, a, err)) != GZF_OK ||
	    (rc = workflow_chain_get(c, a->city_id, chain, err)) != GZF_OK)
		return rc;
	if (review_state_of(a, *chain) != state) {
		json_decref(*chain);
		*chain = NULL;
	}
	return GZF_OK;
}

/* The audit entry of what a job did to application a, by the system, in c's transaction. */
static int
job_audit(const struct job_ctx *ctx, struct db_conn *c, const struct application *a,
	  const char *action, const char *detail, struct gzf_err *err)
{
	char id[24];
	struct audit_entry e;

	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	e = (struct audit_entry){ .city_id = a->city_id, .actor_kind = "system", .action = action,
				  .object_type = "application", .object_id = id,
				  .object_region = a->region_code, .result = "ok", .detail = detail };
	return audit_record(c, ctx->audit_key, &e, err);
}

/* The department check (部门联审): ask every source about the household, keep the
 * evidence and the rule engine's criteria, and move on. A source that is down delays the
 * step with a visible reason (GZF_EUNAVAIL: the job is retried) — never a refusal. */
static int
job_dept_check(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	       const json_t *payload, struct gzf_err *err)
{
	struct arena *ar = db_arena(c);
	struct application a;
	const char *overall;
	char *plain = NULL, *text, *sealed, reasons[512];
	json_t *chain = NULL, *h = NULL, *persons = NULL, *evidence = NULL, *rules = NULL, *criteria = NULL;
	struct review_input in = { .party = FSM_SYSTEM, .data_key = ctx->secrets->data_key };
	int rc, down;

	(void)payload;
	assert(city_id > 0); /* an application always belongs to a city */
	if ((rc = job_load(c, ref, REVIEW_DEPT, &a, &chain, err)) != GZF_OK || chain == NULL)
		goto out;
	if (crypto_open(ar, ctx->secrets->data_key, a.household_enc, &plain) != GZF_OK ||
	    (h = json_loads(plain, 0, NULL)) == NULL) {
		rc = gzf_err_set(err, GZF_EINTERNAL, "bad_household", NULL, "the household cannot be read");
		goto out;
	}
	persons = workflow_persons(h);
	if ((rc = dept_check_household(ctx->partners, persons, &evidence, err)) != GZF_OK)
		goto out;
	in.now = ctx->now_ms();
	down = dept_evidence_unavailable(evidence, reasons, sizeof(reasons));
	if ((rc = db_begin(c, err)) != GZF_OK)
		goto out;
	if (down > 0) {
		in.delay_reason = arena_printf(ar, "部门数据暂不可用，稍后自动重试：%s", reasons);
		if ((rc = review_fire(c, &a, chain, REVIEW_DELAY, &in, NULL, err)) != GZF_OK ||
		    (rc = job_audit(ctx, c, &a, "application.dept_delayed",
				    arena_printf(ar, "{\"unavailable\":%d}", down), err)) != GZF_OK ||
		    (rc = db_commit(c, err)) != GZF_OK)
			goto out;
		rc = gzf_err_set(err, GZF_EUNAVAIL, "partner_unavailable", NULL, "%s", reasons);
		goto out;
	}
	if ((rc = eligibility_rules_get(c, city_id, &rules, err)) != GZF_OK ||
	    (rc = eligibility_evaluate(rules, h, evidence, &criteria, &overall, err)) != GZF_OK)
		goto out;
	text = json_dumps(evidence, JSON_COMPACT);
	crypto_seal(ar, ctx->secrets->data_key, text, &sealed);
	free(text);
	a.evidence_enc = sealed;
	text = json_dumps(criteria, JSON_COMPACT);
	a.criteria = arena_strdup(ar, text);
	free(text);
	a.overall = overall;
	in.reason = overall; /* the entry's parameter: the rules' verdict, a code the apps word */
	if ((rc = review_fire(c, &a, chain, REVIEW_CHECKED, &in, NULL, err)) != GZF_OK ||
	    (rc = job_audit(ctx, c, &a, "application.dept_checked",
			    arena_printf(ar, "{\"overall\":\"%s\"}", overall), err)) != GZF_OK ||
	    (rc = db_commit(c, err)) != GZF_OK)
		goto out;
out:
	if (rc != GZF_OK && rc != GZF_EUNAVAIL)
		db_rollback(c);
	json_decref(chain);
	json_decref(h);
	json_decref(persons);
	json_decref(evidence);
	json_decref(rules);
	json_decref(criteria);
	return rc;
}

/* The end of a publicity period: qualified, unless objections were lodged — then the
 * city approver decides (the step stays, in review). The change is saved against the
 * version read, which lodging an objection bumps, so none lodged meanwhile is missed. */
static int
job_publicity_end(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
		  const json_t *payload, struct gzf_err *err)
{
	struct review_input in = { .party = FSM_SYSTEM, .now = ctx->now_ms(),
				   .data_key = ctx->secrets->data_key };
	struct application a;
	const char *outcome;
	json_t *chain = NULL;
	int rc;

	(void)payload;
	assert(city_id > 0); /* an application always belongs to a city */
	if ((rc = job_load(c, ref, REVIEW_PUBLICITY, &a, &chain, err)) != GZF_OK || chain == NULL)
		goto out;
	if ((rc = db_begin(c, err)) != GZF_OK ||
	    (rc = review_fire(c, &a, chain, REVIEW_PUBLICITY_END, &in, &outcome, err)) != GZF_OK ||
	    (rc = job_audit(ctx, c, &a, "application.publicity_end",
			    strcmp(outcome, "objections") == 0 ? "{\"objections\":true}"
							       : "{\"objections\":false}", err)) != GZF_OK ||
	    (rc = db_commit(c, err)) != GZF_OK)
		goto out;
out:
	if (rc != GZF_OK)
		db_rollback(c);
	/* An objection lodged since the application was read changed its version: run again
	 * later (GZF_EUNAVAIL is retried) and count it then. */
	if (rc == GZF_ECONFLICT)
		rc = gzf_err_set(err, GZF_EUNAVAIL, "changed_meanwhile", NULL,
				 "the application changed while its publicity ended: retried");
	json_decref(chain);
	return rc;
}
