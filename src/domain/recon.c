/*
 * recon.c — the daily reconciliation of the bank's statement with gzf's payment orders
 * (recon.h): the two state machines, the matching, a day's run, the exceptions and the
 * daily job.
 */
#include "domain/recon.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/audit.h"
#include "domain/calendar.h"
#include "domain/jobs.h"
#include "store/bank_store.h"
#include "store/job_store.h"

#define JOB_KIND "recon_daily"
#define JOB_REF "recon"

/* What a run's transition works on. */
struct run_ctx {
	struct db_conn *c;
	const struct recon_input *in;
	struct recon_run *r;
};

/* What an exception's transition works on. */
struct x_ctx {
	struct db_conn *c;
	const struct recon_xinput *in;
	struct recon_run *r;
	struct recon_line *l;
};

static int file_refused(void *ctx, struct gzf_err *err);
static int file_accepted(void *ctx, struct gzf_err *err);
static int all_resolved(void *ctx, struct gzf_err *err);
static int fx_refuse(void *ctx, struct gzf_err *err);
static int fx_match(void *ctx, struct gzf_err *err);
static int fx_settle(void *ctx, struct gzf_err *err);
static int resolution_given(void *ctx, struct gzf_err *err);
static int fx_assign(void *ctx, struct gzf_err *err);
static int fx_resolve(void *ctx, struct gzf_err *err);
static int order_cmp(const void *a, const void *b);
static int text_cmp(const void *a, const void *b);
static struct recon_order *order_find(struct recon_order *orders, int n, const char *order_no);
static int run_save(struct db_conn *c, struct recon_run *r, int64_t now, struct gzf_err *err);
static int orders_load(struct db_conn *c, const struct recon_input *in, struct recon_order **out,
		       int *n, struct gzf_err *err);
static int job_daily(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
		     const json_t *payload, struct gzf_err *err);
static int job_schedule(struct db_conn *c, int64_t at, struct gzf_err *err);
static int job_city(struct job_ctx *ctx, struct db_conn *c, struct arena *a, int64_t city_id,
		    struct recon_input *in, int *fetched, struct gzf_err *err);

static const char *const run_states[RECON_NSTATES] = {
	[RECON_NONE] = "none", [RECON_REFUSED] = "refused", [RECON_OPEN] = "open",
	[RECON_CLOSED] = "closed",
};

static const char *const run_events[RECON_NEVENTS] = {
	[RECON_MATCH] = "match", [RECON_SETTLE] = "settle",
};

/* A day's run (docs/design/state-machines.md). Finance (at once) or the daily job match
 * the day's file; a refused file may be matched again once the bank sends a good one; a
 * matched day is never matched twice. The last exception resolved settles the run. */
static const struct fsm_transition run_flow[] = {
	/* from           event         who                       guard          to             effects    effect */
	{ RECON_NONE,     RECON_MATCH,  FSM_DECIDER | FSM_SYSTEM, file_refused,  RECON_REFUSED, FX_RECORD, fx_refuse },
	{ RECON_NONE,     RECON_MATCH,  FSM_DECIDER | FSM_SYSTEM, file_accepted, FSM_COMPUTED,  FX_RECORD, fx_match },
	{ RECON_REFUSED,  RECON_MATCH,  FSM_DECIDER | FSM_SYSTEM, file_refused,  RECON_REFUSED, FX_RECORD, fx_refuse },
	{ RECON_REFUSED,  RECON_MATCH,  FSM_DECIDER | FSM_SYSTEM, file_accepted, FSM_COMPUTED,  FX_RECORD, fx_match },
	{ RECON_OPEN,     RECON_SETTLE, FSM_DECIDER,              all_resolved,  RECON_CLOSED,  0,         fx_settle },
};

const struct fsm recon_fsm = {
	.name = "reconciliation", .states = run_states, .n_states = RECON_NSTATES,
	.events = run_events, .n_events = RECON_NEVENTS, .table = run_flow,
	.n = (int)(sizeof(run_flow) / sizeof(run_flow[0])),
};

static const char *const x_states[RECON_X_NSTATES] = {
	[RECON_X_OPEN] = "open", [RECON_X_RESOLVED] = "resolved",
};

static const char *const x_events[RECON_X_NEVENTS] = {
	[RECON_X_ASSIGN] = "assign", [RECON_X_RESOLVE] = "resolve",
};

/* One exception: finance assigns it and resolves it with a resolution and a note. */
static const struct fsm_transition x_flow[] = {
	/* from          event            who          guard             to                effects    effect */
	{ RECON_X_OPEN,  RECON_X_ASSIGN,  FSM_DECIDER, NULL,             RECON_X_OPEN,     FX_RECORD, fx_assign },
	{ RECON_X_OPEN,  RECON_X_RESOLVE, FSM_DECIDER, resolution_given, RECON_X_RESOLVED, FX_RECORD, fx_resolve },
};

const struct fsm recon_exception_fsm = {
	.name = "reconciliation exception", .states = x_states, .n_states = RECON_X_NSTATES,
	.events = x_events, .n_events = RECON_X_NEVENTS, .table = x_flow,
	.n = (int)(sizeof(x_flow) / sizeof(x_flow[0])),
};

const char *const recon_kind_names[RECON_NKINDS] = {
	[RECON_MATCHED] = "matched", [RECON_AMOUNT_MISMATCH] = "amount_mismatch",
	[RECON_BANK_ONLY] = "bank_only", [RECON_GZF_ONLY] = "gzf_only",
};

const char *const recon_resolutions[] = {
	"credited_late",        /* gzf credited the payment after the day (a late notification) */
	"refunded",             /* the money was given back to the payer */
	"bank_error_confirmed", /* the bank confirmed its file was wrong */
	"written_off",          /* too small to pursue, approved */
	"other",
	NULL,
};

enum recon_state
recon_state_of(const struct recon_run *r)
{
	if (r->id == 0)
		return RECON_NONE;
	if (strcmp(r->state, "refused") == 0)
		return RECON_REFUSED;
	if (strcmp(r->state, "open") == 0)
		return RECON_OPEN;
	assert(strcmp(r->state, "closed") == 0); /* the database allows no other state */
	return RECON_CLOSED;
}

void
recon_day_text(int day, char out[11])
{
	unsigned d = (unsigned)day;

	assert(day >= 0);
	snprintf(out, 11, "%04u-%02u-%02u", (d / 10000) % 10000, (d / 100) % 100, d % 100);
}

int
recon_day_parse(const char *s, int *day, struct gzf_err *err)
{
	int y, m, d, i;

	for (i = 0; s != NULL && i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			break;
	if (s == NULL || i < 10 || s[10] != '\0')
		return gzf_err_set(err, GZF_EINVAL, "bad_day", "day", "a day is YYYY-MM-DD");
	y = atoi(s); /* all digits, checked above */
	m = atoi(s + 5);
	d = atoi(s + 8);
	*day = y * 10000 + m * 100 + d;
	if (!calendar_date_valid(*day))
		return gzf_err_set(err, GZF_EINVAL, "bad_day", "day", "%.10s is not a real day", s);
	return GZF_OK;
}

int64_t
recon_day_start(int day)
{
	int64_t n = 0;

	(void)calendar_day_number(day, &n);
	return n * DAY_MS - CALENDAR_TZ_MS;
}

/* ---- matching ---- */

static int
order_cmp(const void *a, const void *b)
{
	return strcmp(((const struct recon_order *)a)->order_no,
		      ((const struct recon_order *)b)->order_no);
}

static int
text_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct recon_order *
order_find(struct recon_order *orders, int n, const char *order_no)
{
	struct recon_order key = { .order_no = order_no };

	return n > 0 ? bsearch(&key, orders, (size_t)n, sizeof(*orders), order_cmp) : NULL;
}

void
recon_match(struct arena *a, const struct bank_statement *st, int64_t city_id, int64_t from_ms,
	    int64_t to_ms, struct recon_order *orders, int n, const char *const *claimed,
	    int nclaimed, struct recon_run *r, struct recon_line **out, int *nout)
{
	struct recon_line *lines = arena_alloc(a, sizeof(*lines) * (size_t)(st->nrows + n + 1));
	int i, k = 0;

	if (n > 1)
		qsort(orders, (size_t)n, sizeof(*orders), order_cmp);
	r->file_rows = st->nrows;
	r->file_total_fen = st->total_fen;
	r->bank_rows = r->gzf_rows = r->open_exceptions = 0;
	r->bank_total_fen = r->gzf_total_fen = 0;
	memset(r->counts, 0, sizeof(r->counts));
	for (i = 0; i < st->nrows; i++) {
		const struct bank_statement_row *row = &st->rows[i];
		struct recon_order *o = order_find(orders, n, row->order_no);
		int paid = o != NULL && strcmp(o->status, "paid") == 0, kind, sign = row->refund ? -1 : 1;
		struct recon_line *l = &lines[k];
		int64_t gzf = 0;

		if (o != NULL && o->city_id != city_id)
			continue; /* another city's order: its own run has it */
		if (o == NULL && nclaimed > 0 && bsearch(&row->bank_txn_id, claimed, (size_t)nclaimed,
							sizeof(*claimed), text_cmp) != NULL)
			continue; /* an unknown order another city's run took first */
		if (!row->refund && paid && !o->seen) {
			o->seen = 1;
			gzf = o->amount_fen;
		} else if (row->refund && paid) {
			int64_t left = o->refunded_fen - o->refund_seen;

			gzf = left <= 0 ? 0 : left < row->amount_fen ? left : row->amount_fen;
			o->refund_seen += gzf;
		}
		kind = gzf == row->amount_fen ? RECON_MATCHED : gzf > 0 ? RECON_AMOUNT_MISMATCH
		       : RECON_BANK_ONLY;
		*l = (struct recon_line){
			.kind = recon_kind_names[kind], .type = row->refund ? "refund" : "payment",
			.order_no = row->order_no, .bank_txn_id = row->bank_txn_id,
			.refund_no = row->refund_no, .bank_fen = row->amount_fen, .gzf_fen = gzf,
			.bank_time = row->time, .status = kind == RECON_MATCHED ? "none" : "open",
		};
		r->counts[kind]++;
		r->bank_rows++;
		r->bank_total_fen += sign * row->amount_fen;
		if (gzf > 0) {
			r->gzf_rows++;
			r->gzf_total_fen += sign * gzf;
		}
		k++;
	}
	for (i = 0; i < n; i++) {
		const struct recon_order *o = &orders[i];

		if (o->seen || o->city_id != city_id || strcmp(o->status, "paid") != 0 ||
		    o->paid_at < from_ms || o->paid_at >= to_ms)
			continue;
		lines[k++] = (struct recon_line){
			.kind = recon_kind_names[RECON_GZF_ONLY], .type = "payment",
			.order_no = o->order_no, .gzf_fen = o->amount_fen, .status = "open",
		};
		r->counts[RECON_GZF_ONLY]++;
		r->gzf_rows++;
		r->gzf_total_fen += o->amount_fen;
	}
	r->open_exceptions = k - r->counts[RECON_MATCHED];
	*out = lines;
	*nout = k;
}

/* ---- a day's run ---- */

static int
file_refused(void *ctx, struct gzf_err *err)
{
	const struct run_ctx *x = ctx;

	if (x->in->st != NULL)
		return gzf_err_set(err, GZF_ESTATE, "statement_accepted", NULL,
				   "the bank's file was accepted");
	return GZF_OK;
}

static int
file_accepted(void *ctx, struct gzf_err *err)
{
	const struct run_ctx *x = ctx;

	if (x->in->st == NULL)
		return gzf_err_set(err, GZF_EINVAL, "bad_statement", NULL, "%s",
				   x->in->refusal ? x->in->refusal : "the bank's file was refused");
	return GZF_OK;
}

static int
all_resolved(void *ctx, struct gzf_err *err)
{
	const struct run_ctx *x = ctx;

	if (x->r->open_exceptions > 0)
		return gzf_err_set(err, GZF_ESTATE, "exceptions_open", NULL,
				   "%d exceptions of this day are still open", x->r->open_exceptions);
	return GZF_OK;
}

/* Add the run when it is new, then save its figures (so the version moves once a run). */
static int
run_save(struct db_conn *c, struct recon_run *r, int64_t now, struct gzf_err *err)
{
	int rc;

	if (r->id == 0 && (rc = recon_store_run_add(c, r, err)) != GZF_OK)
		return rc;
	return recon_store_run_put(c, r, now, err);
}

static int
fx_refuse(void *ctx, struct gzf_err *err)
{
	struct run_ctx *x = ctx;

	x->r->state = "refused";
	x->r->reason = x->in->refusal ? x->in->refusal : "the bank's file was refused";
	return run_save(x->c, x->r, x->in->now, err);
}

/* The orders a run needs: the city's paid orders of the day, and every order a line of
 * the file names that is not among them (another day's, another city's, unpaid), each
 * read once. */
static int
orders_load(struct db_conn *c, const struct recon_input *in, struct recon_order **out, int *n,
	    struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	int64_t from = recon_day_start(in->day);
	struct recon_order *day, *all;
	const char **unknown;
	int nday, nunknown = 0, i, rc;

	if ((rc = recon_store_orders_of_day(c, in->city_id, from, from + DAY_MS, &day, &nday, err)) != GZF_OK)
		return rc;
	if (nday > 1)
		qsort(day, (size_t)nday, sizeof(*day), order_cmp);
	unknown = arena_alloc(a, sizeof(*unknown) * (size_t)(in->st->nrows + 1));
	for (i = 0; i < in->st->nrows; i++)
		if (order_find(day, nday, in->st->rows[i].order_no) == NULL)
			unknown[nunknown++] = in->st->rows[i].order_no;
	if (nunknown > 1)
		qsort(unknown, (size_t)nunknown, sizeof(*unknown), text_cmp);
	all = arena_alloc(a, sizeof(*all) * (size_t)(nday + nunknown + 1));
	memcpy(all, day, sizeof(*day) * (size_t)nday);
	*n = nday;
	for (i = 0; i < nunknown; i++) {
		struct bank_order_row o;

		if (i > 0 && strcmp(unknown[i], unknown[i - 1]) == 0)
			continue;
		rc = bank_store_order_get(c, unknown[i], &o, err);
		if (rc == GZF_ENOTFOUND) {
			gzf_err_clear(err);
			continue;
		}
		if (rc != GZF_OK)
			return rc;
		all[(*n)++] = (struct recon_order){
			.order_no = o.order_no, .bank_txn_id = o.bank_txn_id, .status = o.status,
			.city_id = o.city_id, .amount_fen = o.amount_fen,
			.refunded_fen = o.refunded_fen, .paid_at = o.paid_at,
		};
	}
	*out = all;
	return GZF_OK;
}

static int
fx_match(void *ctx, struct gzf_err *err)
{
	struct run_ctx *x = ctx;
	int64_t from = recon_day_start(x->in->day);
	struct recon_order *orders;
	struct recon_line *lines;
	const char **claimed;
	int n, nclaimed, nlines, rc;

	if ((rc = orders_load(x->c, x->in, &orders, &n, err)) != GZF_OK ||
	    (rc = recon_store_claimed(x->c, x->in->day, x->in->city_id, &claimed, &nclaimed, err)) != GZF_OK)
		return rc;
	recon_match(db_arena(x->c), x->in->st, x->in->city_id, from, from + DAY_MS, orders, n,
		    claimed, nclaimed, x->r, &lines, &nlines);
	x->r->state = x->r->open_exceptions > 0 ? "open" : "closed";
	x->r->reason = "";
	if ((rc = run_save(x->c, x->r, x->in->now, err)) != GZF_OK)
		return rc;
	return recon_store_lines_add(x->c, x->r, lines, nlines, err);
}

int
recon_run_day(struct db_conn *c, const struct recon_input *in, struct recon_run *run,
	      int *existing, struct gzf_err *err)
{
	struct recon_run r = { .city_id = in->city_id, .day = in->day, .state = "none", .reason = "",
			       .created_by = in->actor_id, .created_at = in->now };
	struct run_ctx x = { .c = c, .in = in, .r = &r };
	const struct fsm_transition *t;
	enum recon_state state;
	char text[11];
	int rc;

	*existing = 0;
	if (in->day >= calendar_local_date(in->now)) {
		recon_day_text(in->day, text);
		return gzf_err_set(err, GZF_ESTATE, "day_not_over", "day",
				   "%s has not ended yet: its statement comes the day after", text);
	}
	rc = recon_store_run_of_day(c, in->city_id, in->day, &r, err);
	if (rc == GZF_ENOTFOUND)
		gzf_err_clear(err);
	else if (rc != GZF_OK)
		return rc;
	state = recon_state_of(&r);
	if (state == RECON_OPEN || state == RECON_CLOSED) {
		*existing = 1; /* a matched day is kept: reconciling it again adds nothing */
		*run = r;
		return GZF_OK;
	}
	if ((rc = fsm_find(&recon_fsm, state, RECON_MATCH, in->party, &x, &t, err)) != GZF_OK ||
	    (rc = t->effect(&x, err)) != GZF_OK)
		return rc;
	*run = r;
	return GZF_OK;
}

int
recon_run_csv(struct db_conn *c, struct arena *a, const char *csv, size_t len,
	      struct recon_input *in, struct recon_run *run, int *existing, struct gzf_err *err)
{
	struct bank_statement *st = arena_alloc(a, sizeof(*st));
	int rc;

	rc = bank_statement_parse(a, csv, len, BANK_STATEMENT_MAX_ROWS, st, err);
	if (rc == GZF_EINVAL) {
		in->st = NULL;
		in->refusal = arena_strdup(a, err->message);
		gzf_err_clear(err);
	} else if (rc != GZF_OK) {
		return rc;
	} else {
		in->st = st;
	}
	return recon_run_day(c, in, run, existing, err);
}

int
recon_fetch(const struct partner *bank, struct arena *a, struct recon_input *in,
	    struct gzf_err *err)
{
	struct bank_statement *st = arena_alloc(a, sizeof(*st));
	char date[11];
	int rc;

	recon_day_text(in->day, date);
	in->st = NULL;
	rc = bank_statement_fetch(bank, a, date, BANK_STATEMENT_MAX_BYTES, BANK_STATEMENT_MAX_ROWS,
				  st, err);
	if (rc == GZF_EINVAL && strcmp(err->name, "bad_statement") == 0) {
		in->refusal = arena_strdup(a, err->message);
		gzf_err_clear(err);
		return GZF_OK;
	}
	if (rc == GZF_OK)
		in->st = st;
	return rc;
}

/* ---- exceptions ---- */

static int
resolution_given(void *ctx, struct gzf_err *err)
{
	const struct x_ctx *x = ctx;
	int i;

	for (i = 0; recon_resolutions[i] != NULL; i++)
		if (x->in->resolution != NULL && strcmp(x->in->resolution, recon_resolutions[i]) == 0)
			break;
	if (recon_resolutions[i] == NULL)
		return gzf_err_set(err, GZF_EINVAL, "bad_resolution", "resolution",
				   "the resolution is credited_late, refunded, bank_error_confirmed,"
				   " written_off or other");
	if (x->in->note == NULL || x->in->note[0] == '\0')
		return gzf_err_set(err, GZF_EINVAL, "note_required", "note",
				   "say in a note what was done about the difference");
	return GZF_OK;
}

static int
fx_assign(void *ctx, struct gzf_err *err)
{
	struct x_ctx *x = ctx;

	x->l->assignee_id = x->in->assignee_id;
	return recon_store_line_put(x->c, x->l, err);
}

static int
fx_settle(void *ctx, struct gzf_err *err)
{
	struct run_ctx *x = ctx;

	x->r->state = "closed";
	return recon_store_run_put(x->c, x->r, x->in->now, err);
}

static int
fx_resolve(void *ctx, struct gzf_err *err)
{
	struct x_ctx *x = ctx;
	struct recon_input in = { .party = x->in->party, .actor_id = x->in->actor_id,
				  .now = x->in->now };
	struct run_ctx rx = { .c = x->c, .in = &in, .r = x->r };
	const struct fsm_transition *t;
	int rc;

	x->l->status = "resolved";
	x->l->resolution = x->in->resolution;
	x->l->note = x->in->note;
	x->l->resolved_by = x->in->actor_id;
	x->l->resolved_at = x->in->now;
	if ((rc = recon_store_line_put(x->c, x->l, err)) != GZF_OK)
		return rc;
	assert(x->r->open_exceptions > 0);
	x->r->open_exceptions--;
	if (x->r->open_exceptions > 0)
		return recon_store_run_put(x->c, x->r, x->in->now, err);
	if ((rc = fsm_find(&recon_fsm, recon_state_of(x->r), RECON_SETTLE, x->in->party, &rx, &t,
			   err)) != GZF_OK)
		return rc;
	return t->effect(&rx, err);
}

int
recon_exception_fire(struct db_conn *c, struct recon_run *r, struct recon_line *l, int event,
		     const struct recon_xinput *in, struct gzf_err *err)
{
	struct x_ctx x = { .c = c, .in = in, .r = r, .l = l };
	const struct fsm_transition *t;
	int rc, state;

	assert(l->run_id == r->id);
	if (strcmp(l->status, "none") == 0)
		return gzf_err_set(err, GZF_ESTATE, "not_an_exception", NULL,
				   "this line matched: there is nothing to resolve");
	state = strcmp(l->status, "open") == 0 ? RECON_X_OPEN : RECON_X_RESOLVED;
	if ((rc = fsm_find(&recon_exception_fsm, state, event, in->party, &x, &t, err)) != GZF_OK)
		return rc;
	return t->effect(&x, err);
}

/* ---- the daily job ---- */

int
recon_jobs_register(void)
{
	return jobs_register(JOB_KIND, job_daily);
}

/* Queue the next daily run at at, unless one is queued (in c's transaction). */
static int
job_schedule(struct db_conn *c, int64_t at, struct gzf_err *err)
{
	struct job_row job;
	int rc;

	rc = job_store_find(c, JOB_KIND, JOB_REF, &job, err);
	if (rc == GZF_OK && strcmp(job.status, "queued") == 0)
		return GZF_OK;
	if (rc != GZF_OK && rc != GZF_ENOTFOUND)
		return rc;
	gzf_err_clear(err);
	return jobs_enqueue(c, 0, JOB_KIND, JOB_REF, NULL, at, err);
}

/* Reconcile one city's day unless it is done; the file is fetched on first need only
 * (*fetched), the same for every city. */
static int
job_city(struct job_ctx *ctx, struct db_conn *c, struct arena *a, int64_t city_id,
	 struct recon_input *in, int *fetched, struct gzf_err *err)
{
	struct recon_run r;
	struct audit_entry e;
	char id[24], detail[160];
	int rc, existing;

	rc = recon_store_run_of_day(c, city_id, in->day, &r, err);
	if (rc == GZF_OK && strcmp(r.state, "refused") != 0)
		return GZF_OK;
	if (rc != GZF_OK && rc != GZF_ENOTFOUND)
		return rc;
	gzf_err_clear(err);
	if (!*fetched) {
		if ((rc = recon_fetch(&ctx->partners->bank, a, in, err)) != GZF_OK)
			return rc;
		*fetched = 1;
	}
	in->city_id = city_id;
	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	rc = recon_run_day(c, in, &r, &existing, err);
	if (rc == GZF_OK && !existing) {
		snprintf(id, sizeof(id), "%lld", (long long)r.id);
		snprintf(detail, sizeof(detail), "{\"day\":%d,\"state\":\"%s\",\"open_exceptions\":%d}",
			 r.day, r.state, r.open_exceptions);
		e = (struct audit_entry){ .city_id = city_id, .actor_kind = "system",
					  .action = "recon.run", .object_type = "recon_run",
					  .object_id = id, .object_region = city_id, .result = "ok",
					  .detail = detail };
		rc = audit_record(c, ctx->audit_key, &e, err);
	}
	if (rc == GZF_OK)
		rc = db_commit(c, err);
	if (rc != GZF_OK)
		db_rollback(c);
	if (db_is_duplicate(rc, err)) { /* another server ran the same day at once */
		gzf_err_clear(err);
		rc = GZF_OK;
	} else if (rc == GZF_OK && strcmp(r.state, "refused") == 0) {
		/* recorded; the bank is asked again later for a file that adds up */
		rc = gzf_err_set(err, GZF_EUNAVAIL, "bad_statement", NULL, "%s", r.reason);
	}
	return rc;
}

/* The daily run: before today's cut-off it only queues itself for it; after, every city
 * with payment orders is reconciled for yesterday and the next run is queued for
 * tomorrow's cut-off. A bank that is down, a file not ready or a file refused (recorded
 * as such) — any failure — is retried later with the jobs' back-off. */
static int
job_daily(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	  const json_t *payload, struct gzf_err *err)
{
	int64_t now = ctx->now_ms(), today = recon_day_start(calendar_local_date(now)), *cities;
	struct recon_input in = { .party = FSM_SYSTEM, .now = now,
				  .day = calendar_local_date(now - DAY_MS) };
	struct arena *a = db_arena(c);
	int rc, n, i, fetched = 0, early = now < today + RECON_CUTOFF_MS;

	(void)city_id;
	(void)ref;
	(void)payload;
	if ((rc = db_begin(c, err)) == GZF_OK &&
	    (rc = job_schedule(c, today + (early ? 0 : DAY_MS) + RECON_CUTOFF_MS, err)) == GZF_OK)
		rc = db_commit(c, err);
	if (rc != GZF_OK)
		db_rollback(c);
	if (rc == GZF_OK && !early)
		rc = recon_store_cities(c, &cities, &n, err);
	for (i = 0; rc == GZF_OK && !early && i < n; i++)
		rc = job_city(ctx, c, a, cities[i], &in, &fetched, err);
	if (rc == GZF_OK)
		return GZF_OK;
	/* The chain of daily runs must not break: whatever went wrong is tried again. */
	log_msg(LOG_WARN, "reconciliation postponed", "reason", err->name, "detail", err->message,
		NULL);
	err->code = GZF_EUNAVAIL;
	return GZF_EUNAVAIL;
}
