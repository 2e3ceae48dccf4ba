/*
 * review.c — the eligibility application's state machine (review.h): its table, its
 * guards and its effects.
 */
#include "domain/review.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/jobs.h"
#include "domain/queue.h"
#include "domain/workflow.h"
#include "store/user_store.h"

/* The working days the city approver has to decide objections. */
#define OBJECTION_DAYS 3

/* One firing: what guards and effects see. */
struct run {
	struct db_conn *c;
	struct application *a;
	const json_t *chain;
	struct review_input *in;
	int version;         /* the version a was read at */
	const char *outcome; /* what the effect wrote */
};

static int reason_given(void *ctx, struct gzf_err *err);
static int submission_complete(void *ctx, struct gzf_err *err);
static int materials_complete(void *ctx, struct gzf_err *err);
static int no_objections(void *ctx, struct gzf_err *err);
static int objections_lodged(void *ctx, struct gzf_err *err);
static int fx_save(void *ctx, struct gzf_err *err);
static int fx_submit(void *ctx, struct gzf_err *err);
static int fx_resubmit(void *ctx, struct gzf_err *err);
static int fx_accept(void *ctx, struct gzf_err *err);
static int fx_approve(void *ctx, struct gzf_err *err);
static int fx_correct(void *ctx, struct gzf_err *err);
static int fx_refuse(void *ctx, struct gzf_err *err);
static int fx_delay(void *ctx, struct gzf_err *err);
static int fx_checked(void *ctx, struct gzf_err *err);
static int fx_object(void *ctx, struct gzf_err *err);
static int fx_qualify(void *ctx, struct gzf_err *err);
static int fx_to_approver(void *ctx, struct gzf_err *err);
static int fx_withdraw(void *ctx, struct gzf_err *err);

static const char *const state_names[REVIEW_NSTATES] = {
	[REVIEW_DRAFT] = "draft", [REVIEW_CORRECTION] = "correction",
	[REVIEW_ACCEPTANCE] = "acceptance", [REVIEW_STEP] = "review", [REVIEW_DEPT] = "dept_check",
	[REVIEW_PUBLICITY] = "publicity", [REVIEW_OBJECTION] = "objections",
	[REVIEW_QUALIFIED] = "qualified", [REVIEW_REFUSED] = "refused",
	[REVIEW_WITHDRAWN] = "withdrawn",
};

static const char *const event_names[REVIEW_NEVENTS] = {
	[REVIEW_EDIT] = "edit", [REVIEW_SUBMIT] = "submit", [REVIEW_ACCEPT] = "accept",
	[REVIEW_APPROVE] = "approve", [REVIEW_CORRECT] = "correct", [REVIEW_REFUSE] = "refuse",
	[REVIEW_DELAY] = "delay", [REVIEW_CHECKED] = "checked", [REVIEW_OBJECT] = "object",
	[REVIEW_PUBLICITY_END] = "publicity_end", [REVIEW_WITHDRAW] = "withdraw",
};

#define NEXT FSM_COMPUTED /* the next step of the chain (qualified past the last) */

/* The review, as docs/design/state-machines.md draws it. */
static const struct fsm_transition review_flow[] = {
	/* from               event                 who          guard                to                 effects                         effect */
	{ REVIEW_DRAFT,       REVIEW_EDIT,          FSM_OWNER,   NULL,                REVIEW_DRAFT,      0,                              fx_save },
	{ REVIEW_CORRECTION,  REVIEW_EDIT,          FSM_OWNER,   NULL,                REVIEW_CORRECTION, 0,                              fx_save },
	{ REVIEW_DRAFT,       REVIEW_SUBMIT,        FSM_OWNER,   submission_complete, NEXT,              FX_TIMELINE | FX_MESSAGE,       fx_submit },
	{ REVIEW_CORRECTION,  REVIEW_SUBMIT,        FSM_OWNER,   submission_complete, NEXT,              FX_TIMELINE | FX_MESSAGE,       fx_resubmit },
	{ REVIEW_ACCEPTANCE,  REVIEW_ACCEPT,        FSM_DECIDER, materials_complete,  NEXT,              FX_TIMELINE | FX_MESSAGE | FX_JOB, fx_accept },
	{ REVIEW_ACCEPTANCE,  REVIEW_CORRECT,       FSM_DECIDER, reason_given,        REVIEW_CORRECTION, FX_TIMELINE | FX_MESSAGE,       fx_correct },
	{ REVIEW_ACCEPTANCE,  REVIEW_REFUSE,        FSM_DECIDER, reason_given,        REVIEW_REFUSED,    FX_TIMELINE | FX_MESSAGE,       fx_refuse },
	{ REVIEW_STEP,        REVIEW_APPROVE,       FSM_DECIDER, NULL,                NEXT,              FX_TIMELINE | FX_MESSAGE | FX_JOB, fx_approve },
	{ REVIEW_STEP,        REVIEW_CORRECT,       FSM_DECIDER, reason_given,        REVIEW_CORRECTION, FX_TIMELINE | FX_MESSAGE,       fx_correct },
	{ REVIEW_STEP,        REVIEW_REFUSE,        FSM_DECIDER, reason_given,        REVIEW_REFUSED,    FX_TIMELINE | FX_MESSAGE,       fx_refuse },
	{ REVIEW_DEPT,        REVIEW_DELAY,         FSM_SYSTEM,  NULL,                REVIEW_DEPT,       FX_MESSAGE,                     fx_delay },
	{ REVIEW_DEPT,        REVIEW_CHECKED,       FSM_SYSTEM,  NULL,                NEXT,              FX_TIMELINE | FX_JOB,           fx_checked },
	{ REVIEW_PUBLICITY,   REVIEW_OBJECT,        FSM_ANYONE,  NULL,                REVIEW_PUBLICITY,  FX_RECORD,                      fx_object },
	{ REVIEW_PUBLICITY,   REVIEW_PUBLICITY_END, FSM_SYSTEM,  no_objections,       NEXT,              FX_TIMELINE | FX_MESSAGE,       fx_qualify },
	{ REVIEW_PUBLICITY,   REVIEW_PUBLICITY_END, FSM_SYSTEM,  objections_lodged,   REVIEW_OBJECTION,  FX_TIMELINE,                    fx_to_approver },
	{ REVIEW_OBJECTION,   REVIEW_APPROVE,       FSM_DECIDER, NULL,                NEXT,              FX_TIMELINE | FX_MESSAGE,       fx_approve },
	{ REVIEW_OBJECTION,   REVIEW_REFUSE,        FSM_DECIDER, reason_given,        REVIEW_REFUSED,    FX_TIMELINE | FX_MESSAGE,       fx_refuse },
	/* Withdrawn by the applicant until a step approves it for publicity: not once the
	 * approval is public (publicity, objections) nor after the final decision. */
	{ REVIEW_DRAFT,       REVIEW_WITHDRAW,      FSM_OWNER,   reason_given,        REVIEW_WITHDRAWN,  FX_TIMELINE | FX_MESSAGE,       fx_withdraw },
	{ REVIEW_CORRECTION,  REVIEW_WITHDRAW,      FSM_OWNER,   reason_given,        REVIEW_WITHDRAWN,  FX_TIMELINE | FX_MESSAGE,       fx_withdraw },
	{ REVIEW_ACCEPTANCE,  REVIEW_WITHDRAW,      FSM_OWNER,   reason_given,        REVIEW_WITHDRAWN,  FX_TIMELINE | FX_MESSAGE,       fx_withdraw },
	{ REVIEW_STEP,        REVIEW_WITHDRAW,      FSM_OWNER,   reason_given,        REVIEW_WITHDRAWN,  FX_TIMELINE | FX_MESSAGE,       fx_withdraw },
	{ REVIEW_DEPT,        REVIEW_WITHDRAW,      FSM_OWNER,   reason_given,        REVIEW_WITHDRAWN,  FX_TIMELINE | FX_MESSAGE,       fx_withdraw },
};

const struct fsm review_fsm = {
	.name = "application", .states = state_names, .n_states = REVIEW_NSTATES,
	.events = event_names, .n_events = REVIEW_NEVENTS, .table = review_flow,
	.n = (int)(sizeof(review_flow) / sizeof(review_flow[0])),
};

enum review_state
review_state_of(const struct application *a, const json_t *chain)
{
	const char *kind;

	if (strcmp(a->status, "draft") == 0)
		return REVIEW_DRAFT;
	if (strcmp(a->status, "correction") == 0)
		return REVIEW_CORRECTION;
	if (strcmp(a->status, "publicity") == 0)
		return REVIEW_PUBLICITY;
	if (strcmp(a->status, "qualified") == 0)
		return REVIEW_QUALIFIED;
	if (strcmp(a->status, "refused") == 0)
		return REVIEW_REFUSED;
	if (strcmp(a->status, "withdrawn") == 0)
		return REVIEW_WITHDRAWN;
	assert(strcmp(a->status, "review") == 0); /* the database allows no other status */
	kind = workflow_step_str(workflow_step(chain, a->step_index), "kind");
	if (strcmp(kind, "acceptance") == 0)
		return REVIEW_ACCEPTANCE;
	if (strcmp(kind, "dept") == 0)
		return REVIEW_DEPT;
	if (strcmp(kind, "publicity") == 0)
		return REVIEW_OBJECTION;
	return REVIEW_STEP; /* a review step (or one a changed chain no longer has) */
}

int
review_check(const struct application *a, const json_t *chain, enum review_event event,
	     unsigned party, struct gzf_err *err)
{
	const struct fsm_transition *t;
	int state = review_state_of(a, chain);

	if (fsm_allows(&review_fsm, state, event, party))
		return GZF_OK;
	return fsm_find(&review_fsm, state, event, party, NULL, &t, err);
}

int
review_may_decide(const struct application *a, const json_t *chain, const char *role)
{
	const char *decider = workflow_step_decider(workflow_step(chain, a->step_index));

	return *decider == '\0' || strcmp(decider, role) == 0;
}

unsigned
review_decisions(const struct application *a, const json_t *chain, const char *role)
{
	int state = review_state_of(a, chain), ev;
	unsigned out = 0;

	if (role == NULL || !review_may_decide(a, chain, role))
		return 0;
	for (ev = 0; ev < REVIEW_NEVENTS; ev++)
		if (fsm_allows(&review_fsm, state, ev, FSM_DECIDER))
			out |= 1u << ev;
	return out;
}

int
review_fire(struct db_conn *c, struct application *a, const json_t *chain,
	    enum review_event event, struct review_input *in, const char **outcome,
	    struct gzf_err *err)
{
	const struct fsm_transition *t;
	struct run run = { .c = c, .a = a, .chain = chain, .in = in, .version = a->version };
	int rc;

	assert(in->now > 0 && a->id > 0);
	if ((rc = fsm_find(&review_fsm, review_state_of(a, chain), event, in->party, &run, &t,
			   err)) != GZF_OK)
		return rc;
	a->updated_at = in->now;
	if (t->effect != NULL && (rc = t->effect(&run, err)) != GZF_OK)
		return rc;
	/* The table's promise: a fixed target state is where the effect left a. */
	assert(t->to == FSM_COMPUTED || (int)review_state_of(a, chain) == t->to);
	if (outcome != NULL)
		*outcome = run.outcome;
	return GZF_OK;
}

/* Guards. */

static int
reason_given(void *ctx, struct gzf_err *err)
{
	const struct run *r = ctx;

	if (r->in->reason == NULL || *r->in->reason == '\0')
		return gzf_err_set(err, GZF_EINVAL, "required", "reason",
				   "give the reason, the applicant will read it");
	return GZF_OK;
}

/* The household is complete, the community chosen, and the applicant is the account
 * holder as real-name authentication established (at the counter: the person the clerk
 * saw, with their consent). That they have no other application under way or granted,
 * the database checks when the application is saved ("application_open"). */
static int
submission_complete(void *ctx, struct gzf_err *err)
{
	const struct run *r = ctx;
	const struct application *a = r->a;
	struct user u;
	int rc, persons;

	if ((rc = workflow_household_check(r->in->household, 1, &persons, err)) != GZF_OK)
		return rc;
	if (a->region_path == NULL || workflow_office(a->region_path, "community") == 0 ||
	    a->region_code == a->city_id)
		return gzf_err_set(err, GZF_EINVAL, "required", "community_code",
				   "choose the community where you live");
	if (a->counter_clerk_id != 0)
		return GZF_OK;
	if ((rc = user_store_get(r->c, a->owner_id, &u, err)) != GZF_OK)
		return rc;
	if (u.real_name_at == 0 || u.id_hash == NULL)
		return gzf_err_set(err, GZF_ESTATE, "real_name_required", NULL,
				   "complete real-name authentication (name and ID number) before you submit");
	if (a->applicant_id_hash == NULL || strcmp(a->applicant_id_hash, u.id_hash) != 0)
		return gzf_err_set(err, GZF_EINVAL, "applicant_not_account_holder",
				   "household.applicant.id_number",
				   "the applicant must be you: the ID number you authenticated with");
	return GZF_OK;
}

/* Every material the chain requires is there. */
static int
materials_complete(void *ctx, struct gzf_err *err)
{
	const struct run *r = ctx;
	struct app_material *mats;
	const json_t *mat;
	size_t i;
	int rc, n, k, found;

	if ((rc = application_store_materials(r->c, r->a->id, &mats, &n, err)) != GZF_OK)
		return rc;
	json_array_foreach(json_object_get(r->chain, "materials"), i, mat) {
		if (!json_is_true(json_object_get(mat, "required")))
			continue;
		for (k = 0, found = 0; k < n; k++)
			found |= strcmp(mats[k].code, workflow_step_str(mat, "code")) == 0;
		if (!found)
			return gzf_err_set(err, GZF_ESTATE, "incomplete", "materials",
					   "materials missing: %s — ask for corrections instead",
					   workflow_step_str(mat, "name"));
	}
	return GZF_OK;
}

/* How many objections are open (0 when the count cannot be read: the error is kept). */
static int
objections_count(const struct run *r, int64_t *n, struct gzf_err *err)
{
	*n = 0;
	return application_store_objections_open(r->c, r->a->id, n, err);
}

static int
no_objections(void *ctx, struct gzf_err *err)
{
	int64_t n;
	int rc;

	if ((rc = objections_count(ctx, &n, err)) != GZF_OK)
		return rc;
	return n == 0 ? GZF_OK : gzf_err_set(err, GZF_ESTATE, "objections", NULL,
					     "%lld objection(s) lodged", (long long)n);
}

static int
objections_lodged(void *ctx, struct gzf_err *err)
{
	int64_t n;
	int rc;

	if ((rc = objections_count(ctx, &n, err)) != GZF_OK)
		return rc;
	return n > 0 ? GZF_OK : gzf_err_set(err, GZF_ESTATE, "no_objections", NULL,
					    "no objection was lodged");
}

/* Effects. Each leaves a saved; the timeline entry of the step left is closed with the
 * outcome, the one of the step entered opened (review_enter_step). */

static int
save(struct run *r, struct gzf_err *err)
{
	return application_store_save(r->c, r->a, r->version, err);
}

/* The applicant's message of kind (see tell()). */
static int
tell_kind(struct run *r, const char *kind, const char *title, const char *body, struct gzf_err *err)
{
	return application_store_message_add(r->c, r->a->city_id, r->a->owner_id, r->a->id, kind, title,
			       body, r->in->now, err);
}

/* The applicant's message about the transition, of kind outcome. The apps show a message
 * in the reader's language from its kind (docs/api/applications.md lists them) and the
 * application's number; title and body are the Chinese text kept for older clients. A
 * body that is the staff's reason is shown as written; one equal to the title says there
 * was none. */
static int
tell(struct run *r, const char *outcome, const char *title, const char *body, struct gzf_err *err)
{
	r->outcome = outcome;
	return tell_kind(r, outcome, title, body, err);
}

/* Close the step's timeline entry with outcome (by the actor, with the input's reason). */
static int
close_step(struct run *r, const char *outcome, struct gzf_err *err)
{
	r->outcome = outcome;
	return application_store_event_close(r->c, r->a->id, r->in->now, outcome, r->in->reason,
			       r->in->actor_id, err);
}

/* Saved and, when it was just qualified (past the last step), on its city's waiting list
 * of its kind in the same transaction (domain/queue.h). */
static int
save_and_join(struct run *r, struct gzf_err *err)
{
	int rc;

	if ((rc = save(r, err)) != GZF_OK || strcmp(r->a->status, "qualified") != 0)
		return rc;
	return queue_join(r->c, r->a, r->in->data_key, r->in->now, err);
}

static int
fx_save(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;

	r->outcome = "saved";
	return save(r, err);
}

const char *
review_reference(struct arena *ar, const struct application *a, int64_t submitted_at)
{
	assert(a->id > 0);
	return arena_printf(ar, "%lld-%04d-%06lld", (long long)a->city_id,
			    calendar_local_date(submitted_at) / 10000, (long long)a->id);
}

/* Into the acceptance step, with the whole review's deadline. */
static int
fx_submit(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	struct application *a = r->a;
	int rc;

	a->submitted_at = r->in->now;
	a->reference = review_reference(db_arena(r->c), a, r->in->now);
	a->correction_reason = NULL;
	if ((rc = calendar_add_working_days(r->c, a->city_id, r->in->now,
		(int)json_integer_value(json_object_get(r->chain, "total_days")),
		&a->total_deadline, err)) != GZF_OK ||
	    (rc = review_enter_step(r->c, a, r->chain, 0, r->in->now, err)) != GZF_OK ||
	    (rc = save(r, err)) != GZF_OK)
		return rc;
	return tell(r, "submitted", "申请已提交",
		    arena_printf(db_arena(r->c), "您的申请（编号%s）已提交，正在%s。", a->reference,
				 workflow_step_str(workflow_step(r->chain, a->step_index), "name")), err);
}

/* Back to the step that asked for the corrections. */
static int
fx_resubmit(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	struct application *a = r->a;
	int rc;

	assert(a->reference != NULL); /* given at the first submission */
	a->correction_reason = NULL;
	if ((rc = review_enter_step(r->c, a, r->chain, a->step_index, r->in->now, err)) != GZF_OK ||
	    (rc = save(r, err)) != GZF_OK)
		return rc;
	return tell(r, "resubmitted", "补正材料已提交",
		    arena_printf(db_arena(r->c), "您的申请（编号%s）已提交，正在%s。", a->reference,
				 workflow_step_str(workflow_step(r->chain, a->step_index), "name")), err);
}

/* On to the next step, the step left closed with outcome; the applicant told where. */
static int
advance(struct run *r, const char *outcome, struct gzf_err *err)
{
	struct application *a = r->a;
	const char *title, *kind;
	int rc;

	if ((rc = close_step(r, outcome, err)) != GZF_OK ||
	    (rc = review_enter_step(r->c, a, r->chain, a->step_index + 1, r->in->now, err)) != GZF_OK ||
	    (rc = save_and_join(r, err)) != GZF_OK)
		return rc;
	if (strcmp(a->status, "qualified") == 0)
		kind = "approved_qualified", title = "资格审核通过";
	else if (strcmp(a->status, "publicity") == 0)
		kind = "approved_publicity", title = "审批通过，进入公示";
	else
		kind = outcome, title = "申请进入下一环节";
	return tell_kind(r, kind, title, r->in->reason ? r->in->reason : title, err);
}

static int
fx_accept(void *ctx, struct gzf_err *err)
{
	return advance(ctx, "accepted", err);
}

static int
fx_approve(void *ctx, struct gzf_err *err)
{
	return advance(ctx, "approved", err);
}

static int
fx_correct(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	int rc;

	r->a->status = "correction";
	r->a->correction_reason = r->in->reason;
	if ((rc = close_step(r, "correction", err)) != GZF_OK || (rc = save(r, err)) != GZF_OK)
		return rc;
	return tell(r, "correction", "请补正材料", r->in->reason, err);
}

static int
fx_refuse(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	int rc;

	r->a->status = "refused";
	r->a->decision_reason = r->in->reason;
	r->a->failed_criterion = r->in->failed_criterion;
	r->a->decided_at = r->in->now;
	if ((rc = close_step(r, "refused", err)) != GZF_OK || (rc = save(r, err)) != GZF_OK)
		return rc;
	return tell(r, "refused", "申请未通过", r->in->reason, err);
}

/* The applicant's withdrawal: the open step (if any) closed, the decision reason theirs. */
static int
fx_withdraw(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	int rc;

	r->a->status = "withdrawn";
	r->a->decision_reason = r->in->reason;
	r->a->decided_at = r->in->now;
	r->a->step_deadline = 0;
	r->a->delay_reason = NULL;
	if ((rc = close_step(r, "withdrawn", err)) != GZF_OK || (rc = save(r, err)) != GZF_OK)
		return rc;
	return tell(r, "withdrawn", "申请已撤回", r->in->reason, err);
}

/* The step waits, with the reason visible; the applicant is told the first time. */
static int
fx_delay(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	int first = r->a->delay_reason == NULL, rc;

	assert(r->in->delay_reason != NULL);
	r->a->delay_reason = r->in->delay_reason;
	r->outcome = "delayed";
	if ((rc = save(r, err)) != GZF_OK || !first)
		return rc;
	return tell(r, "delayed", "部门联审延迟", r->a->delay_reason, err);
}

/* The evidence and criteria are on a (the job put them there); on to the next step. */
static int
fx_checked(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	int rc;

	r->a->delay_reason = NULL;
	if ((rc = close_step(r, "checked", err)) != GZF_OK ||
	    (rc = review_enter_step(r->c, r->a, r->chain, r->a->step_index + 1, r->in->now, err)) != GZF_OK)
		return rc;
	return save_and_join(r, err);
}

/* The objection is a record of its own; lodging it bumps the application's version (so
 * the end of publicity, read before, cannot miss it), the application is not saved. */
static int
fx_object(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;

	assert(r->in->objection != NULL);
	r->outcome = "objection";
	return application_store_objection_add(r->c, r->a->city_id, r->a->id, r->in->objection,
				 r->in->contact_enc, r->in->now, &r->in->objection_id, err);
}

static int
fx_qualify(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	int rc;

	if ((rc = close_step(r, "completed", err)) != GZF_OK ||
	    (rc = review_enter_step(r->c, r->a, r->chain, r->a->step_index + 1, r->in->now, err)) != GZF_OK ||
	    (rc = save_and_join(r, err)) != GZF_OK)
		return rc;
	return tell(r, "qualified", "资格审核通过", "公示期满无异议，您已取得公租房保障资格。", err);
}

/* Objections go to the city approver: the publicity step reopens at the city office with
 * OBJECTION_DAYS working days. */
static int
fx_to_approver(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	struct application *a = r->a;
	int64_t n, deadline;
	int rc;

	if ((rc = objections_count(r, &n, err)) != GZF_OK ||
	    (rc = calendar_add_working_days(r->c, a->city_id, r->in->now, OBJECTION_DAYS, &deadline,
					    err)) != GZF_OK)
		return rc;
	r->outcome = "objections";
	/* The reason of this system entry is its parameter, the number of objections, which
	 * the apps put into words. */
	if ((rc = application_store_event_close(r->c, a->id, r->in->now, "objections",
				  arena_printf(db_arena(r->c), "%lld", (long long)n), 0,
				  err)) != GZF_OK ||
	    (rc = application_store_event_open(r->c, a->city_id, a->id, a->step,
				 workflow_office(a->region_path, "city"), OBJECTION_DAYS, r->in->now,
				 deadline, err)) != GZF_OK)
		return rc;
	a->status = "review";
	a->step_started_at = r->in->now;
	a->step_deadline = deadline;
	return save(r, err);
}

int
review_enter_step(struct db_conn *c, struct application *a, const json_t *chain, int index,
		  int64_t now, struct gzf_err *err)
{
	const json_t *step = workflow_step(chain, index);
	const char *kind = workflow_step_str(step, "kind");
	char ref[48];
	int days = (int)json_integer_value(json_object_get(step, "days"));
	int64_t deadline;
	int rc;

	assert(index >= 0 && a->id > 0);
	snprintf(ref, sizeof(ref), "application:%lld", (long long)a->id);
	a->delay_reason = NULL;
	if (step == NULL) {
		a->status = "qualified";
		a->step = "";
		a->step_index = index;
		a->step_deadline = 0;
		a->decided_at = now;
		return GZF_OK;
	}
	if (strcmp(kind, "publicity") == 0) {
		deadline = now + (int64_t)days * DAY_MS;
		a->status = "publicity";
		a->publicity_until = deadline;
	} else {
		if ((rc = calendar_add_working_days(c, a->city_id, now, days, &deadline, err)) != GZF_OK)
			return rc;
		a->status = "review";
	}
	a->step = workflow_step_str(step, "code");
	a->step_index = index;
	a->step_started_at = now;
	a->step_deadline = deadline;
	if ((rc = application_store_event_open(c, a->city_id, a->id, a->step,
				 workflow_office(a->region_path, workflow_step_str(step, "level")),
				 days, now, deadline, err)) != GZF_OK)
		return rc;
	if (strcmp(kind, "dept") == 0)
		return jobs_enqueue(c, a->city_id, "dept_check", ref, NULL, now, err);
	if (strcmp(kind, "publicity") == 0)
		return jobs_enqueue(c, a->city_id, "publicity_end", ref, NULL, deadline, err);
	return GZF_OK;
}
