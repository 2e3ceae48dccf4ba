/*
 * selection_jobs.c — the background jobs of choosing a flat: a household's slot opens
 * (message and SMS) and ends (missed, when it chose nothing), a hold runs out (released),
 * the session closes after its last hold, and the SMS that tells a household its slot has
 * begun. Each job does nothing when the pick or session is no longer in the state it
 * waits for (a job may run late or twice), and otherwise fires its event as the system in
 * a transaction of its own, with its audit entry.
 */
#include "domain/selection.h"

#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "domain/audit.h"
#include "domain/jobs.h"
#include "partners/sms.h"
#include "store/user_store.h"

static int job_slot_open(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
			 const json_t *payload, struct gzf_err *err);
static int job_slot_end(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
			const json_t *payload, struct gzf_err *err);
static int job_hold_end(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
			const json_t *payload, struct gzf_err *err);
static int job_close(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
		     const json_t *payload, struct gzf_err *err);
static int job_sms(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
		   const json_t *payload, struct gzf_err *err);

int
selection_jobs_register(void)
{
	int rc;

	if ((rc = jobs_register("selection_slot_open", job_slot_open)) != GZF_OK ||
	    (rc = jobs_register("selection_slot_end", job_slot_end)) != GZF_OK ||
	    (rc = jobs_register("selection_hold_end", job_hold_end)) != GZF_OK ||
	    (rc = jobs_register("selection_close", job_close)) != GZF_OK)
		return rc;
	return jobs_register("selection_sms", job_sms);
}

/* The id in a job's ref "<prefix>:<id>". */
static int
ref_id(const char *ref, const char *prefix, int64_t *id, struct gzf_err *err)
{
	size_t n = strlen(prefix);

	if (strncmp(ref, prefix, n) != 0 || ref[n] != ':' ||
	    gzf_parse_int(ref + n + 1, 1, INT64_MAX, id) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "bad_ref", NULL, "bad job reference %s", ref);
	return GZF_OK;
}

/* The system's audit entry of what a job did, in c's transaction. */
static int
job_audit(const struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *action,
	  const char *type, int64_t id, int64_t region, struct gzf_err *err)
{
	char sid[24];
	struct audit_entry e;

	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	e = (struct audit_entry){ .city_id = city_id, .actor_kind = "system", .action = action,
				  .object_type = type, .object_id = sid, .object_region = region,
				  .result = "ok" };
	return audit_record(c, ctx->audit_key, &e, err);
}

/* Fire event on the pick of ref if it is in state; a conflict (the household acted at
 * the same moment) is retried, and then finds the pick moved on. */
static int
pick_job(struct job_ctx *ctx, struct db_conn *c, const char *ref, enum selection_pick_state state,
	 enum selection_pick_event event, const char *action, struct gzf_err *err)
{
	struct selection_input in = { .party = FSM_SYSTEM, .now = ctx->now_ms() };
	struct selection_session s;
	struct selection_pick p;
	int64_t id;
	int rc;

	if ((rc = ref_id(ref, "selection_pick", &id, err)) != GZF_OK ||
	    (rc = selection_store_pick_get(c, id, &p, err)) != GZF_OK ||
	    (rc = selection_store_session_get(c, p.session_id, &s, err)) != GZF_OK)
		return rc;
	if (selection_pick_state_of(&p) != state || strcmp(s.state, "open") != 0)
		return GZF_OK;
	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	if ((rc = selection_pick_fire(c, &p, event, &in, err)) != GZF_OK ||
	    (rc = job_audit(ctx, c, p.city_id, action, "selection_pick", p.id, p.region_code,
			    err)) != GZF_OK ||
	    (rc = db_commit(c, err)) != GZF_OK) {
		db_rollback(c);
		if (rc == GZF_ECONFLICT)
			rc = gzf_err_set(err, GZF_EUNAVAIL, "changed_meanwhile", NULL,
					 "the pick changed while its job ran: retried");
	}
	return rc;
}

static int
job_slot_open(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	      const json_t *payload, struct gzf_err *err)
{
	(void)city_id;
	(void)payload;
	return pick_job(ctx, c, ref, PICK_WAITING, PICK_SLOT_OPEN, "selection.slot_open", err);
}

static int
job_slot_end(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	     const json_t *payload, struct gzf_err *err)
{
	(void)city_id;
	(void)payload;
	return pick_job(ctx, c, ref, PICK_UP, PICK_SLOT_END, "selection.slot_end", err);
}

static int
job_hold_end(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	     const json_t *payload, struct gzf_err *err)
{
	(void)city_id;
	(void)payload;
	return pick_job(ctx, c, ref, PICK_HELD, PICK_HOLD_END, "selection.hold_end", err);
}

static int
job_close(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	  const json_t *payload, struct gzf_err *err)
{
	struct selection_input in = { .party = FSM_SYSTEM, .now = ctx->now_ms() };
	struct selection_session s;
	int64_t id;
	int rc;

	(void)city_id;
	(void)payload;
	if ((rc = ref_id(ref, "selection", &id, err)) != GZF_OK ||
	    (rc = selection_store_session_get(c, id, &s, err)) != GZF_OK ||
	    selection_session_state_of(&s) != SESSION_OPEN)
		return rc;
	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	if ((rc = selection_session_fire(c, &s, SESSION_END, &in, err)) != GZF_OK ||
	    (rc = job_audit(ctx, c, s.city_id, "selection.close", "selection", s.id, s.region_code,
			    err)) != GZF_OK ||
	    (rc = db_commit(c, err)) != GZF_OK)
		db_rollback(c);
	return rc;
}

/* The SMS that a household's slot has begun, in the language of its account, through the
 * gateway (retried while it is down; the inbox message is there already). Only while the
 * slot is still open. */
static int
job_sms(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	const json_t *payload, struct gzf_err *err)
{
	struct arena *ar = db_arena(c);
	struct selection_pick p;
	struct user u;
	char *phone;
	int64_t id;
	int rc;

	(void)city_id;
	(void)payload;
	if ((rc = ref_id(ref, "selection_pick", &id, err)) != GZF_OK ||
	    (rc = selection_store_pick_get(c, id, &p, err)) != GZF_OK ||
	    selection_pick_state_of(&p) != PICK_UP || p.owner_id == 0 ||
	    (rc = user_store_get(c, p.owner_id, &u, err)) != GZF_OK)
		return rc;
	if (u.phone_enc == NULL || crypto_open(ar, ctx->secrets->data_key, u.phone_enc, &phone) != GZF_OK)
		return GZF_OK; /* no phone to tell: the inbox message stands */
	return sms_send(&ctx->partners->sms, ar, phone, strcmp(u.lang, "en") == 0
			? "[Public Rental Housing] It is your turn to choose a flat: please log in to the"
			  " public rental housing service and choose one within your time slot."
			: "【公租房】轮到您选房了，请尽快登录公租房服务平台，在您的选房时段内选择房源。", err);
}
