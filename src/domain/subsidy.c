/*
 * subsidy.c — rental subsidies (subsidy.h): the entitlement's and the monthly batch's
 * state machines with their effects, the household figures, the files of a batch and the
 * import of the bank's results.
 */
#include "domain/subsidy.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "domain/calendar.h"
#include "domain/rules_json.h"
#include "partners/bank.h"
#include "partners/bank_batch.h"

/* One firing: what guards and effects see. */
struct ent_run {
	struct db_conn *c;
	struct subsidy_entitlement *e;
	struct subsidy_input *in;
};

struct batch_run {
	struct db_conn *c;
	struct subsidy_batch *b;
	struct subsidy_input *in;
};

static int entitled(void *ctx, struct gzf_err *err);
static int suspend_reason(void *ctx, struct gzf_err *err);
static int end_reason(void *ctx, struct gzf_err *err);
static int account_given(void *ctx, struct gzf_err *err);
static int fx_grant(void *ctx, struct gzf_err *err);
static int fx_recompute(void *ctx, struct gzf_err *err);
static int fx_suspend(void *ctx, struct gzf_err *err);
static int fx_resume(void *ctx, struct gzf_err *err);
static int fx_end(void *ctx, struct gzf_err *err);
static int fx_account(void *ctx, struct gzf_err *err);
static int month_given(void *ctx, struct gzf_err *err);
static int second_person(void *ctx, struct gzf_err *err);
static int fx_compute(void *ctx, struct gzf_err *err);
static int fx_check(void *ctx, struct gzf_err *err);
static int fx_approve(void *ctx, struct gzf_err *err);
static int fx_send(void *ctx, struct gzf_err *err);
static int fx_resend(void *ctx, struct gzf_err *err);
static int fx_import(void *ctx, struct gzf_err *err);
static int fx_cancel(void *ctx, struct gzf_err *err);
static int amount_add(struct ent_run *run, const char *cause, struct gzf_err *err);
static int files_fix(struct batch_run *run, int record, struct gzf_err *err);
static int code_in(const char *s, const char *const *codes);

static const char *const ent_states[SUBSIDY_ENT_NSTATES] = {
	[SUBSIDY_ENT_NONE] = "none", [SUBSIDY_ENT_ACTIVE] = "active",
	[SUBSIDY_ENT_SUSPENDED] = "suspended", [SUBSIDY_ENT_ENDED] = "ended",
};

static const char *const ent_events[SUBSIDY_ENT_NEVENTS] = {
	[SUBSIDY_ENT_GRANT] = "grant", [SUBSIDY_ENT_RECOMPUTE] = "recompute",
	[SUBSIDY_ENT_SUSPEND] = "suspend", [SUBSIDY_ENT_RESUME] = "resume",
	[SUBSIDY_ENT_END] = "end", [SUBSIDY_ENT_ACCOUNT] = "account",
};

/* Why an entitlement is suspended, and why it ends. */
static const char *const suspend_reasons[] = { "review_due", "failed_review", "fraud_suspected",
					       "household_change", "other", NULL };
static const char *const end_reasons[] = { "public_housing", "failed_review", "fraud", "death",
					   "left_city", NULL };
static const char *const recompute_causes[] = { "annual_review", "household_change", NULL };

#define STAFF FSM_DECIDER
/* The entitlement, as docs/design/subsidy.md draws it. */
static const struct fsm_transition entitlement_flow[] = {
	/* from                   event                   who    guard           to                     effects    effect */
	{ SUBSIDY_ENT_NONE,      SUBSIDY_ENT_GRANT,      STAFF, entitled,       SUBSIDY_ENT_ACTIVE,    FX_RECORD, fx_grant },
	{ SUBSIDY_ENT_ACTIVE,    SUBSIDY_ENT_RECOMPUTE,  STAFF, entitled,       SUBSIDY_ENT_ACTIVE,    FX_RECORD, fx_recompute },
	{ SUBSIDY_ENT_SUSPENDED, SUBSIDY_ENT_RECOMPUTE,  STAFF, entitled,       SUBSIDY_ENT_SUSPENDED, FX_RECORD, fx_recompute },
	{ SUBSIDY_ENT_ACTIVE,    SUBSIDY_ENT_SUSPEND,    STAFF, suspend_reason, SUBSIDY_ENT_SUSPENDED, 0,         fx_suspend },
	{ SUBSIDY_ENT_SUSPENDED, SUBSIDY_ENT_RESUME,     STAFF, NULL,           SUBSIDY_ENT_ACTIVE,    0,         fx_resume },
	{ SUBSIDY_ENT_ACTIVE,    SUBSIDY_ENT_END,        STAFF, end_reason,     SUBSIDY_ENT_ENDED,     0,         fx_end },
	{ SUBSIDY_ENT_SUSPENDED, SUBSIDY_ENT_END,        STAFF, end_reason,     SUBSIDY_ENT_ENDED,     0,         fx_end },
	{ SUBSIDY_ENT_ACTIVE,    SUBSIDY_ENT_ACCOUNT,    STAFF, account_given,  SUBSIDY_ENT_ACTIVE,    0,         fx_account },
	{ SUBSIDY_ENT_SUSPENDED, SUBSIDY_ENT_ACCOUNT,    STAFF, account_given,  SUBSIDY_ENT_SUSPENDED, 0,         fx_account },
};

const struct fsm subsidy_entitlement_fsm = {
	.name = "subsidy entitlement", .states = ent_states, .n_states = SUBSIDY_ENT_NSTATES,
	.events = ent_events, .n_events = SUBSIDY_ENT_NEVENTS, .table = entitlement_flow,
	.n = (int)(sizeof(entitlement_flow) / sizeof(entitlement_flow[0])),
};

static const char *const batch_states[SUBSIDY_BATCH_NSTATES] = {
	[SUBSIDY_BATCH_NONE] = "none", [SUBSIDY_BATCH_COMPUTED] = "computed",
	[SUBSIDY_BATCH_CHECKED] = "checked", [SUBSIDY_BATCH_APPROVED] = "approved",
	[SUBSIDY_BATCH_SENT] = "sent", [SUBSIDY_BATCH_CLOSED] = "closed",
	[SUBSIDY_BATCH_CANCELLED] = "cancelled",
};

static const char *const batch_events[SUBSIDY_BATCH_NEVENTS] = {
	[SUBSIDY_BATCH_COMPUTE] = "compute", [SUBSIDY_BATCH_CHECK] = "check",
	[SUBSIDY_BATCH_APPROVE] = "approve", [SUBSIDY_BATCH_SEND] = "send",
	[SUBSIDY_BATCH_RESEND] = "resend", [SUBSIDY_BATCH_IMPORT] = "import",
	[SUBSIDY_BATCH_CANCEL] = "cancel",
};

/* The monthly batch. A sent batch is never sent as another file: resend hands the bank
 * the very files recorded, which it recognises and pays nobody twice. Results come file
 * by file (from the bank by the job, or imported by staff); a result imported again
 * changes nothing, in a closed batch too. */
static const struct fsm_transition batch_flow[] = {
	/* from                     event                   who                  guard          to                        effects    effect */
	{ SUBSIDY_BATCH_NONE,      SUBSIDY_BATCH_COMPUTE,  STAFF,               month_given,   SUBSIDY_BATCH_COMPUTED,   FX_RECORD, fx_compute },
	{ SUBSIDY_BATCH_COMPUTED,  SUBSIDY_BATCH_CHECK,    STAFF,               second_person, SUBSIDY_BATCH_CHECKED,    0,         fx_check },
	{ SUBSIDY_BATCH_CHECKED,   SUBSIDY_BATCH_APPROVE,  STAFF,               NULL,          SUBSIDY_BATCH_APPROVED,   0,         fx_approve },
	{ SUBSIDY_BATCH_APPROVED,  SUBSIDY_BATCH_SEND,     STAFF,               NULL,          SUBSIDY_BATCH_SENT,       FX_RECORD | FX_JOB, fx_send },
	{ SUBSIDY_BATCH_SENT,      SUBSIDY_BATCH_RESEND,   STAFF,               NULL,          SUBSIDY_BATCH_SENT,       0,         fx_resend },
	{ SUBSIDY_BATCH_SENT,      SUBSIDY_BATCH_IMPORT,   STAFF | FSM_SYSTEM,  NULL,          FSM_COMPUTED,             FX_RECORD | FX_MESSAGE, fx_import },
	{ SUBSIDY_BATCH_CLOSED,    SUBSIDY_BATCH_IMPORT,   STAFF | FSM_SYSTEM,  NULL,          SUBSIDY_BATCH_CLOSED,     0,         fx_import },
	{ SUBSIDY_BATCH_COMPUTED,  SUBSIDY_BATCH_CANCEL,   STAFF,               NULL,          SUBSIDY_BATCH_CANCELLED,  0,         fx_cancel },
	{ SUBSIDY_BATCH_CHECKED,   SUBSIDY_BATCH_CANCEL,   STAFF,               NULL,          SUBSIDY_BATCH_CANCELLED,  0,         fx_cancel },
	{ SUBSIDY_BATCH_APPROVED,  SUBSIDY_BATCH_CANCEL,   STAFF,               NULL,          SUBSIDY_BATCH_CANCELLED,  0,         fx_cancel },
};

const struct fsm subsidy_batch_fsm = {
	.name = "subsidy batch", .states = batch_states, .n_states = SUBSIDY_BATCH_NSTATES,
	.events = batch_events, .n_events = SUBSIDY_BATCH_NEVENTS, .table = batch_flow,
	.n = (int)(sizeof(batch_flow) / sizeof(batch_flow[0])),
};

enum subsidy_ent_state
subsidy_ent_state_of(const struct subsidy_entitlement *e)
{
	int i;

	if (e->id == 0 || e->state == NULL)
		return SUBSIDY_ENT_NONE;
	for (i = SUBSIDY_ENT_ACTIVE; i < SUBSIDY_ENT_NSTATES; i++)
		if (strcmp(e->state, ent_states[i]) == 0)
			return (enum subsidy_ent_state)i;
	assert(0 && "the database allows no other state");
	return SUBSIDY_ENT_NONE;
}

enum subsidy_batch_state
subsidy_batch_state_of(const struct subsidy_batch *b)
{
	int i;

	if (b->id == 0 || b->state == NULL)
		return SUBSIDY_BATCH_NONE;
	for (i = SUBSIDY_BATCH_COMPUTED; i < SUBSIDY_BATCH_NSTATES; i++)
		if (strcmp(b->state, batch_states[i]) == 0)
			return (enum subsidy_batch_state)i;
	assert(0 && "the database allows no other state");
	return SUBSIDY_BATCH_NONE;
}

int
subsidy_month_valid(int64_t m)
{
	return m >= 200001 && m <= 299912 && m % 100 >= 1 && m % 100 <= 12;
}

int
subsidy_month_of(int64_t ms)
{
	return calendar_local_date(ms) / 100;
}

static int
code_in(const char *s, const char *const *codes)
{
	int i;

	for (i = 0; s != NULL && codes[i] != NULL; i++)
		if (strcmp(s, codes[i]) == 0)
			return 1;
	return 0;
}

int
subsidy_household_parse(const json_t *j, struct subsidy_household *h, struct gzf_err *err)
{
	static const char *const members[] = { "categories", "income_fen_per_capita", "persons",
					       "area_dm2", "district", NULL };
	const json_t *cats, *v;
	const char *bad;
	int64_t persons;
	size_t i;

	memset(h, 0, sizeof(*h));
	if (!json_is_object(j))
		return gzf_err_set(err, GZF_EINVAL, "required", "household",
				   "household is an object of the household's figures");
	if (!rules_json_only(j, members, &bad))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "household",
				   "household: unknown member %.40s", bad);
	if (rules_json_int(j, "persons", 1, 1, 99, &persons) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "household.persons",
				   "persons is a whole number from 1 to 99");
	h->persons = (int)persons;
	if (rules_json_int(j, "income_fen_per_capita", 1, 0, SUBSIDY_INCOME_MAX_FEN,
			   &h->income_fen_per_capita) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "household.income_fen_per_capita",
				   "income_fen_per_capita is a whole number of fen, 0 or more");
	if (rules_json_int(j, "area_dm2", 1, 0, 10000000, &h->area_dm2) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "household.area_dm2",
				   "area_dm2 is the area in hundredths of a m², 0 to 100,000 m²");
	if (rules_json_int(j, "district", 0, 0, 999999, &h->district) != GZF_OK ||
	    (h->district != 0 && h->district < 100000))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "household.district",
				   "district is a six-digit region code");
	cats = json_object_get(j, "categories");
	if (cats != NULL && (!json_is_array(cats) || json_array_size(cats) > 3))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "household.categories",
				   "categories is a list of at most 3 of dibao, tekun, low_income");
	json_array_foreach(cats, i, v) {
		int bit = json_is_string(v) ? subsidy_category_parse(json_string_value(v)) : 0;

		if (bit == 0)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "household.categories",
					   "categories are dibao, tekun or low_income");
		h->categories |= bit;
	}
	return GZF_OK;
}

int
subsidy_formula_get(struct db_conn *c, int64_t city_id, json_t **value, struct gzf_err *err)
{
	const char *text;
	int rc;

	if ((rc = subsidy_store_formula_get(c, city_id, &text, err)) != GZF_OK)
		return rc;
	*value = text ? json_loads(text, 0, NULL) : NULL;
	if (*value == NULL)
		*value = json_null();
	return GZF_OK;
}

int
subsidy_formula_check(const json_t *value, struct gzf_err *err)
{
	struct subsidy_formula f;

	return subsidy_formula_parse(value, &f, err);
}

int
subsidy_formula_load(struct db_conn *c, int64_t city_id, struct subsidy_formula *f,
		     struct gzf_err *err)
{
	json_t *v;
	int rc;

	if ((rc = subsidy_formula_get(c, city_id, &v, err)) != GZF_OK)
		return rc;
	if (json_is_null(v))
		rc = gzf_err_set(err, GZF_ESTATE, "no_formula", NULL,
				 "the city has no subsidy formula yet");
	else
		rc = subsidy_formula_parse(v, f, err);
	json_decref(v);
	return rc;
}

const char *
subsidy_account_last4(struct arena *a, const char *account)
{
	size_t n = strlen(account);

	return arena_strdup(a, n > 4 ? account + n - 4 : account);
}

const char *
subsidy_account_mask(struct arena *a, const char *last4)
{
	return arena_printf(a, "****%s", last4 ? last4 : "");
}

/* ---- the entitlement ---- */

int
subsidy_entitlement_fire(struct db_conn *c, struct subsidy_entitlement *e,
			 enum subsidy_ent_event event, struct subsidy_input *in, struct gzf_err *err)
{
	const struct fsm_transition *t;
	struct ent_run run = { .c = c, .e = e, .in = in };
	int rc;

	assert(in->now > 0);
	if ((rc = fsm_find(&subsidy_entitlement_fsm, subsidy_ent_state_of(e), event, in->party, &run,
			   &t, err)) != GZF_OK)
		return rc;
	rc = t->effect(&run, err);
	assert(rc != GZF_OK || (int)subsidy_ent_state_of(e) == t->to);
	return rc;
}

/* The formula gives the household something, from a valid month. */
static int
entitled(void *ctx, struct gzf_err *err)
{
	struct ent_run *run = ctx;
	struct subsidy_input *in = run->in;
	int rc;

	assert(in->formula != NULL && in->household != NULL && in->figures != NULL);
	if (!subsidy_month_valid(in->month))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "month",
				   "month is YYYYMM (202612)");
	if (in->cause != NULL && !code_in(in->cause, recompute_causes))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "cause",
				   "cause is annual_review or household_change");
	if ((rc = subsidy_compute(in->formula, in->household, &in->calc, err)) != GZF_OK)
		return rc;
	if (!in->calc.entitled)
		return gzf_err_set(err, GZF_EINVAL, "not_entitled", "household",
				   "the formula gives this household nothing (%s)", in->calc.reason);
	return GZF_OK;
}

static int
suspend_reason(void *ctx, struct gzf_err *err)
{
	struct ent_run *run = ctx;

	return code_in(run->in->reason, suspend_reasons) ? GZF_OK :
	       gzf_err_set(err, GZF_EINVAL, "invalid_value", "reason",
			   "reason is review_due, failed_review, fraud_suspected, household_change or other");
}

static int
end_reason(void *ctx, struct gzf_err *err)
{
	struct ent_run *run = ctx;

	return code_in(run->in->reason, end_reasons) ? GZF_OK :
	       gzf_err_set(err, GZF_EINVAL, "invalid_value", "reason",
			   "reason is public_housing, failed_review, fraud, death or left_city");
}

static int
account_given(void *ctx, struct gzf_err *err)
{
	struct ent_run *run = ctx;

	(void)err;
	assert(run->in->account_enc != NULL && run->in->holder_enc != NULL &&
	       run->in->bank_name != NULL && run->in->account_last4 != NULL);
	return GZF_OK;
}

/* A version of the amount: the figures and the computation that gave it. */
static int
amount_add(struct ent_run *run, const char *cause, struct gzf_err *err)
{
	struct subsidy_input *in = run->in;
	json_t *calc = subsidy_calc_json(in->formula, &in->calc);
	char *text = json_dumps(calc, JSON_COMPACT | JSON_SORT_KEYS);
	struct subsidy_amount a = {
		.entitlement_id = run->e->id, .effective_month = in->month,
		.monthly_fen = in->calc.monthly_fen, .figures = in->figures,
		.calc = arena_strdup(db_arena(run->c), text), .cause = cause,
		.created_by = in->actor_id, .created_at = in->now,
	};

	free(text);
	json_decref(calc);
	return subsidy_store_amount_add(run->c, &a, err);
}

static int
fx_grant(void *ctx, struct gzf_err *err)
{
	struct ent_run *run = ctx;
	struct subsidy_input *in = run->in;
	struct subsidy_entitlement *e = run->e;
	int rc;

	*e = (struct subsidy_entitlement){
		.city_id = in->city_id, .application_id = in->application_id,
		.owner_id = in->owner_id, .region_code = in->region_code,
		.region_path = in->region_path, .state = "active", .reason = "",
		.start_month = in->month, .monthly_fen = in->calc.monthly_fen,
		.bank_name = in->bank_name, .holder_enc = in->holder_enc,
		.account_enc = in->account_enc, .account_last4 = in->account_last4,
		.created_by = in->actor_id, .created_at = in->now,
	};
	if ((rc = account_given(run, err)) != GZF_OK ||
	    (rc = subsidy_store_entitlement_create(run->c, e, err)) != GZF_OK)
		return rc;
	return amount_add(run, "grant", err);
}

static int
fx_recompute(void *ctx, struct gzf_err *err)
{
	struct ent_run *run = ctx;
	int rc;

	if (run->in->cause == NULL)
		return gzf_err_set(err, GZF_EINVAL, "required", "cause",
				   "cause is annual_review or household_change");
	run->e->monthly_fen = run->in->calc.monthly_fen;
	if ((rc = subsidy_store_entitlement_put(run->c, run->e, run->in->now, err)) != GZF_OK)
		return rc;
	return amount_add(run, run->in->cause, err);
}

static int
fx_suspend(void *ctx, struct gzf_err *err)
{
	struct ent_run *run = ctx;

	run->e->state = "suspended";
	run->e->reason = run->in->reason;
	return subsidy_store_entitlement_put(run->c, run->e, run->in->now, err);
}

static int
fx_resume(void *ctx, struct gzf_err *err)
{
	struct ent_run *run = ctx;

	run->e->state = "active";
	run->e->reason = "";
	return subsidy_store_entitlement_put(run->c, run->e, run->in->now, err);
}

static int
fx_end(void *ctx, struct gzf_err *err)
{
	struct ent_run *run = ctx;

	run->e->state = "ended";
	run->e->reason = run->in->reason;
	return subsidy_store_entitlement_put(run->c, run->e, run->in->now, err);
}

static int
fx_account(void *ctx, struct gzf_err *err)
{
	struct ent_run *run = ctx;
	struct subsidy_input *in = run->in;
	int rc;

	run->e->bank_name = in->bank_name;
	run->e->holder_enc = in->holder_enc;
	run->e->account_enc = in->account_enc;
	run->e->account_last4 = in->account_last4;
	if ((rc = subsidy_store_entitlement_put(run->c, run->e, in->now, err)) != GZF_OK)
		return rc;
	return subsidy_store_exceptions_correct(run->c, run->e->id, err);
}

/* ---- the batch ---- */

int
subsidy_batch_fire(struct db_conn *c, struct subsidy_batch *b, enum subsidy_batch_event event,
		   struct subsidy_input *in, struct gzf_err *err)
{
	const struct fsm_transition *t;
	struct batch_run run = { .c = c, .b = b, .in = in };
	int rc;

	assert(in->now > 0);
	if ((rc = fsm_find(&subsidy_batch_fsm, subsidy_batch_state_of(b), event, in->party, &run, &t,
			   err)) != GZF_OK)
		return rc;
	rc = t->effect(&run, err);
	assert(rc != GZF_OK || t->to == FSM_COMPUTED || (int)subsidy_batch_state_of(b) == t->to);
	return rc;
}

static int
month_given(void *ctx, struct gzf_err *err)
{
	struct batch_run *run = ctx;

	if (!subsidy_month_valid(run->in->month))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "month", "month is YYYYMM (202612)");
	if (run->in->file_lines < 1 || run->in->file_lines > BANK_BATCH_MAX_LINES)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "file_lines",
				   "file_lines is 1 to %d", BANK_BATCH_MAX_LINES);
	return GZF_OK;
}

/* Four eyes: the one who computed a batch does not check it. */
static int
second_person(void *ctx, struct gzf_err *err)
{
	struct batch_run *run = ctx;

	return run->in->actor_id != run->b->computed_by ? GZF_OK :
	       gzf_err_set(err, GZF_EFORBIDDEN, "second_person_required", NULL,
			   "a batch is checked by someone other than the one who computed it");
}

static int
fx_compute(void *ctx, struct gzf_err *err)
{
	struct batch_run *run = ctx;
	struct subsidy_batch *b = run->b;
	int rc;

	assert(run->in->batch_no != NULL && bank_no_valid(run->in->batch_no));
	*b = (struct subsidy_batch){ .city_id = run->in->city_id, .batch_no = run->in->batch_no,
				     .month = run->in->month, .computed_by = run->in->actor_id,
				     .computed_at = run->in->now };
	if ((rc = subsidy_store_batch_create(run->c, b, err)) != GZF_OK ||
	    (rc = subsidy_store_batch_fill(run->c, b, run->in->file_lines, err)) != GZF_OK)
		return rc;
	if (b->lines == 0)
		return gzf_err_set(err, GZF_ESTATE, "nothing_to_pay", "month",
				   "no household is due a payment for %d", b->month);
	return subsidy_store_batch_put(run->c, b, err);
}

static int
fx_check(void *ctx, struct gzf_err *err)
{
	struct batch_run *run = ctx;

	run->b->state = "checked";
	run->b->checked_by = run->in->actor_id;
	run->b->checked_at = run->in->now;
	return subsidy_store_batch_put(run->c, run->b, err);
}

static int
fx_approve(void *ctx, struct gzf_err *err)
{
	struct batch_run *run = ctx;

	run->b->state = "approved";
	run->b->approved_by = run->in->actor_id;
	run->b->approved_at = run->in->now;
	return subsidy_store_batch_put(run->c, run->b, err);
}

/* Every file of the batch written: recorded (record = 1) or checked against what was
 * recorded. */
static int
files_fix(struct batch_run *run, int record, struct gzf_err *err)
{
	struct subsidy_file f;
	char sha[65];
	int i, rc;

	for (i = 1; i <= run->b->files; i++) {
		if ((rc = subsidy_batch_file(run->c, run->b, i, run->in->data_key, run->in->arena, &f,
					     err)) != GZF_OK)
			return rc;
		if (record)
			rc = subsidy_store_file_add(run->c, run->b->id, i, "sent", f.sha256, (int64_t)f.len,
						    f.lines, f.total_fen, run->in->now, err);
		else if ((rc = subsidy_store_file_sha(run->c, run->b->id, i, "sent", sha, err)) == GZF_OK &&
			 strcmp(sha, f.sha256) != 0)
			rc = gzf_err_set(err, GZF_ESTATE, "files_changed", NULL,
					 "file %d is no longer the one sent", i);
		if (rc != GZF_OK)
			return rc;
	}
	return GZF_OK;
}

static int
fx_send(void *ctx, struct gzf_err *err)
{
	struct batch_run *run = ctx;
	int rc;

	if ((rc = files_fix(run, 1, err)) != GZF_OK)
		return rc;
	run->b->state = "sent";
	run->b->sent_by = run->in->actor_id;
	run->b->sent_at = run->in->now;
	return subsidy_store_batch_put(run->c, run->b, err);
}

static int
fx_resend(void *ctx, struct gzf_err *err)
{
	return files_fix(ctx, 0, err);
}

static int
fx_import(void *ctx, struct gzf_err *err)
{
	struct batch_run *run = ctx;
	struct subsidy_input *in = run->in;
	struct subsidy_batch *b = run->b;
	struct arena *a = db_arena(run->c);
	struct bank_batch_file res;
	struct subsidy_line *lines;
	char recorded[65];
	const char *bank_no;
	int64_t total = 0;
	int n, i, changed, rc;

	in->duplicate = in->paid = in->failed = 0;
	if (in->file_no < 1 || in->file_no > b->files)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "file_no",
				   "the batch has files 1 to %d", b->files);
	bank_batch_sha256(in->file, in->file_len, in->sha256);
	if ((rc = subsidy_store_file_sha(run->c, b->id, in->file_no, "result", recorded, err)) != GZF_OK)
		return rc;
	if (recorded[0] != '\0') {
		if (strcmp(recorded, in->sha256) != 0)
			return gzf_err_set(err, GZF_ECONFLICT, "result_differs", "file",
					   "another result of file %d was imported before", in->file_no);
		in->duplicate = 1;
		return GZF_OK;
	}
	if (subsidy_batch_state_of(b) != SUBSIDY_BATCH_SENT)
		return gzf_err_set(err, GZF_ESTATE, "illegal_transition", NULL,
				   "the batch is closed: every result is in");
	if ((rc = bank_batch_result_parse(a, in->file, in->file_len, &res, err)) != GZF_OK)
		return rc;
	bank_no = arena_printf(a, "%s-%d", b->batch_no, in->file_no);
	if ((rc = subsidy_store_lines(run->c, b->id, in->file_no, 0, BANK_BATCH_MAX_LINES, &lines, &n,
				      err)) != GZF_OK)
		return rc;
	if (strcmp(res.batch_no, bank_no) != 0 || res.count != n)
		return gzf_err_set(err, GZF_EINVAL, "result_mismatch", "file",
				   "the result is of %s with %d lines; file %d is %s with %d",
				   res.batch_no, res.count, in->file_no, bank_no, n);
	for (i = 0; i < n; i++) {
		if (res.results[i].amount_fen != lines[i].amount_fen ||
		    strcmp(subsidy_account_last4(a, res.results[i].account), lines[i].account_last4) != 0)
			return gzf_err_set(err, GZF_EINVAL, "result_mismatch", "file",
					   "line %d of the result is not the payment sent", i + 2);
		total += lines[i].amount_fen;
	}
	for (i = 0; i < n; i++) {
		if ((rc = subsidy_store_line_result(run->c, b->id, in->file_no, i + 1, res.results[i].ok,
						    res.results[i].reason, in->now, &changed, err)) != GZF_OK)
			return rc;
		if (changed)
			*(res.results[i].ok ? &in->paid : &in->failed) += 1;
	}
	if ((rc = subsidy_store_file_add(run->c, b->id, in->file_no, "result", in->sha256,
					 (int64_t)in->file_len, n, total, in->now, err)) != GZF_OK)
		return rc;
	if (++b->files_done == b->files) {
		b->state = "closed";
		b->closed_at = in->now;
	}
	return subsidy_store_batch_put(run->c, b, err);
}

static int
fx_cancel(void *ctx, struct gzf_err *err)
{
	struct batch_run *run = ctx;
	int rc;

	if ((rc = subsidy_store_batch_empty(run->c, run->b, err)) != GZF_OK)
		return rc;
	run->b->state = "cancelled";
	run->b->lines = run->b->files = 0;
	run->b->total_fen = 0;
	return subsidy_store_batch_put(run->c, run->b, err);
}

int
subsidy_batch_file(struct db_conn *c, const struct subsidy_batch *b, int file_no,
		   const unsigned char *key, struct arena *a, struct subsidy_file *out,
		   struct gzf_err *err)
{
	struct bank_batch_line *bl;
	struct subsidy_line *lines;
	char *name, *account;
	int n, i, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = subsidy_store_lines(c, b->id, file_no, 0, BANK_BATCH_MAX_LINES, &lines, &n, err)) != GZF_OK)
		return rc;
	bl = arena_alloc(a, sizeof(*bl) * (size_t)(n ? n : 1));
	for (i = 0; i < n; i++) {
		if (crypto_open(a, key, lines[i].holder_enc, &name) != GZF_OK ||
		    crypto_open(a, key, lines[i].account_enc, &account) != GZF_OK)
			return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL,
					   "a sealed account of batch %s does not open", b->batch_no);
		bl[i] = (struct bank_batch_line){ .seq = lines[i].seq, .account = account, .name = name,
						  .amount_fen = lines[i].amount_fen,
						  .memo = arena_printf(a, "%d", lines[i].month) };
		out->total_fen += lines[i].amount_fen;
	}
	out->file_no = file_no;
	out->lines = n;
	out->bank_no = arena_printf(a, "%s-%d", b->batch_no, file_no);
	if ((rc = bank_batch_write(a, out->bank_no, bl, n, &out->text, &out->len, err)) != GZF_OK)
		return rc;
	bank_batch_sha256(out->text, out->len, out->sha256);
	return GZF_OK;
}
