/*
 * billing.c — rent bills: the city's rules and billing calendar, a lease's monthly bill
 * (domain/rent.c's arithmetic), the tenant's ledger kept in the database (every
 * operation replayed through domain/ledger.c, and the bills' figures written back from
 * the replay), the monthly run in bounded batches, and the arrears pass. docs/api/bills.md.
 */
#include "domain/billing.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "domain/audit.h"
#include "domain/calendar.h"
#include "domain/ledger.h"
#include "partners/sms.h"
#include "store/application_store.h"
#include "store/job_store.h"
#include "store/user_store.h"

#define RUN_KIND "billing_month"
#define ARREARS_KIND "arrears_daily"
#define ARREARS_MAX 100000     /* leases an arrears pass looks at */
#define BATCH_RETRIES 5

static int
month_valid(int month)
{
	return month >= 197001 && month <= 209912 && month % 100 >= 1 && month % 100 <= 12;
}

static int
month_next(int month)
{
	return month % 100 == 12 ? (month / 100 + 1) * 100 + 1 : month + 1;
}

static int
month_back(int month, int n)
{
	int y = month / 100, m = month % 100 - n;

	while (m < 1) {
		m += 12;
		y--;
	}
	return y * 100 + m;
}

/* The last date (yyyymmdd) of month. */
static int
month_last(int month)
{
	int d;

	for (d = 31; d > 28 && !calendar_date_valid(month * 100 + d); d--)
		;
	return month * 100 + d;
}

/* The local midnight (UTC+8) of the date day, in ms. */
static int64_t
date_ms(int day)
{
	int64_t n = 0;

	(void)calendar_day_number(day, &n);
	return n * DAY_MS - CALENDAR_TZ_MS;
}

/* Days from a to b (dates yyyymmdd). */
static int64_t
days_between(int a, int b)
{
	int64_t x = 0, y = 0;

	(void)calendar_day_number(a, &x);
	(void)calendar_day_number(b, &y);
	return y - x;
}

/* The due date of month's bill under r. */
static int
due_on(const struct billing_rules *r, int month)
{
	return (r->due_day >= r->billing_day ? month : month_next(month)) * 100 + r->due_day;
}

/* One day member of the rules body: absent → def. */
static int
body_day(const json_t *body, const char *name, int min, int max, int def, int *out,
	 struct gzf_err *err)
{
	const json_t *v = json_object_get(body, name);

	if (v == NULL || json_is_null(v)) {
		*out = def;
		return GZF_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", name, "%s must be %d to %d",
				   name, min, max);
	*out = (int)json_integer_value(v);
	return GZF_OK;
}

static int
rules_parse(const struct rent_rules_row *row, struct billing_rules *out, struct gzf_err *err)
{
	json_error_t je;
	json_t *j = json_loads(row->config, 0, &je);
	int rc;

	if (j == NULL)
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "stored rent rules unreadable");
	rc = rent_config_parse(j, &out->cfg, err);
	json_decref(j);
	if (rc != GZF_OK)
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "stored rent rules invalid");
	out->city_id = row->city_id;
	out->version = row->version;
	out->billing_day = row->billing_day;
	out->due_day = row->due_day;
	out->remind_every_days = row->remind_every_days;
	return GZF_OK;
}

int
billing_rules_load(struct db_conn *c, int64_t city_id, struct billing_rules *out,
		   struct gzf_err *err)
{
	struct rent_rules_row row;
	int rc = bill_store_rules_get(c, city_id, &row, err);

	if (rc == GZF_ENOTFOUND)
		return gzf_err_set(err, GZF_ENOTFOUND, "no_rent_rules", NULL,
				   "the city has no rent rules yet");
	return rc == GZF_OK ? rules_parse(&row, out, err) : rc;
}

int
billing_lease_terms(struct db_conn *c, int64_t city_id, int starts, int64_t area_dm2,
		    int64_t listed_rent_fen, int deposit_months, int64_t *rent_fen,
		    int64_t *deposit_fen, struct gzf_err *err)
{
	static const struct rent_household full = { .category = "", .income_band = 0 };
	struct billing_rules r;
	struct rent_lines m;
	int rc = billing_rules_load(c, city_id, &r, err);

	assert(listed_rent_fen >= 0 && deposit_months >= 0);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && rent_version_in_force(&r.cfg, starts / 100 * 100 + 1) < 0)) {
		gzf_err_clear(err);
		*rent_fen = listed_rent_fen;
		*deposit_fen = listed_rent_fen * deposit_months;
		return GZF_OK;
	}
	if (rc != GZF_OK || (rc = rent_month(&r.cfg, starts / 100, area_dm2, &full, &m, err)) != GZF_OK)
		return rc;
	*rent_fen = m.rent_fen;
	*deposit_fen = rent_deposit(&r.cfg, m.rent_fen);
	return GZF_OK;
}

int
billing_rules_json(struct db_conn *c, int64_t city_id, json_t **out, struct gzf_err *err)
{
	struct rent_rules_row row = { .city_id = city_id }, *v;
	json_t *rules = json_null(), *versions;
	json_error_t je;
	int rc, n, i, billed;

	rc = bill_store_rules_get(c, city_id, &row, err);
	if (rc == GZF_ENOTFOUND) {
		row.billing_day = BILLING_DAY_DEFAULT;
		row.due_day = BILLING_DUE_DAY_DEFAULT;
		row.remind_every_days = BILLING_REMIND_DEFAULT;
	} else if (rc != GZF_OK) {
		return rc;
	} else if ((rules = json_loads(row.config, 0, &je)) == NULL) {
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "stored rent rules unreadable");
	}
	if ((rc = bill_store_billed_through(c, city_id, &billed, err)) != GZF_OK ||
	    (rc = bill_store_rules_versions(c, city_id, 50, &v, &n, err)) != GZF_OK) {
		json_decref(rules);
		return rc;
	}
	versions = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(versions, json_pack("{s:i, s:I, s:I}", "version", v[i].version,
							  "updated_at", (json_int_t)v[i].created_at,
							  "updated_by", (json_int_t)v[i].created_by));
	*out = json_pack("{s:I, s:i, s:o, s:i, s:i, s:i, s:I, s:I, s:i, s:o}", "city_id",
			 (json_int_t)city_id, "version", row.version, "rules", rules, "billing_day",
			 row.billing_day, "due_day", row.due_day, "remind_every_days",
			 row.remind_every_days, "updated_at", (json_int_t)row.created_at, "updated_by",
			 (json_int_t)row.created_by, "billed_through", billed, "versions", versions);
	return GZF_OK;
}

int
billing_rules_put(struct db_conn *c, int64_t city_id, const json_t *body, int64_t by, int64_t now,
		  int *version, struct gzf_err *err)
{
	struct billing_rules *old = NULL, *next;
	struct rent_rules_row row = { .city_id = city_id, .created_by = by, .created_at = now };
	const json_t *rules = json_object_get(body, "rules");
	char *text = NULL;
	int rc, billed;

	next = gzf_calloc(1, sizeof(*next));
	if (rules == NULL) {
		rc = gzf_err_set(err, GZF_EINVAL, "required", "rules", "rules is required");
		goto out;
	}
	if ((rc = rent_config_parse(rules, &next->cfg, err)) != GZF_OK) {
		gzf_err_prefix(err, NULL, NULL, "rules: ");
		goto out;
	}
	if ((rc = body_day(body, "billing_day", 1, 28, BILLING_DAY_DEFAULT, &row.billing_day, err)) != GZF_OK ||
	    (rc = body_day(body, "due_day", 1, 28, BILLING_DUE_DAY_DEFAULT, &row.due_day, err)) != GZF_OK ||
	    (rc = body_day(body, "remind_every_days", 0, BILLING_REMIND_MAX, BILLING_REMIND_DEFAULT,
			   &row.remind_every_days, err)) != GZF_OK)
		goto out;
	old = gzf_calloc(1, sizeof(*old));
	rc = billing_rules_load(c, city_id, old, err);
	if (rc == GZF_OK) {
		if ((rc = bill_store_billed_through(c, city_id, &billed, err)) != GZF_OK ||
		    (rc = rent_config_change_check(&old->cfg, &next->cfg, billed, err)) != GZF_OK)
			goto out;
		row.version = old->version + 1;
	} else if (rc == GZF_ENOTFOUND) {
		gzf_err_clear(err);
		row.version = 1;
	} else {
		goto out;
	}
	text = json_dumps(rules, JSON_COMPACT | JSON_SORT_KEYS);
	row.config = text;
	if ((rc = bill_store_rules_add(c, &row, err)) != GZF_OK ||
	    (rc = billing_jobs_schedule(c, city_id, now, err)) != GZF_OK)
		goto out;
	*version = row.version;
out:
	free(text);
	free(old);
	free(next);
	return rc;
}

/* A lease's ledger rebuilt from its stored operations: the ledger itself, and for each of
 * its bills the row's id and the figures stored in it, to write back what changes. */
struct replay {
	struct ledger l;
	size_t cap;
	int64_t *ids, *paid, *waived;
	const char **state;
};

static int
replay_index(const struct replay *rp, int64_t bill_id, size_t *index)
{
	size_t i;

	for (i = 0; i < rp->l.nbills; i++)
		if (rp->ids[i] == bill_id) {
			*index = i;
			return GZF_OK;
		}
	return GZF_ENOTFOUND;
}

/* Replay the n operations of one lease at ops; room for extra new bills after them. */
static int
replay_build(struct arena *a, const struct bill_op *ops, int n, size_t extra, struct replay *rp,
	     struct gzf_err *err)
{
	size_t idx;
	int rc = GZF_OK, i;

	ledger_init(&rp->l);
	rp->cap = (size_t)n + extra;
	rp->ids = arena_alloc(a, sizeof(int64_t) * (rp->cap + 1));
	rp->paid = arena_alloc(a, sizeof(int64_t) * (rp->cap + 1));
	rp->waived = arena_alloc(a, sizeof(int64_t) * (rp->cap + 1));
	rp->state = arena_alloc(a, sizeof(char *) * (rp->cap + 1));
	for (i = 0; i < n && rc == GZF_OK; i++) {
		const struct bill_op *o = &ops[i];

		if (strcmp(o->kind, "bill") == 0) {
			struct bill_lines lines = { o->rent_fen, o->reduction_fen, o->late_fee_fen };

			idx = rp->l.nbills;
			rp->ids[idx] = o->bill_id;
			rp->paid[idx] = o->paid_fen;
			rp->waived[idx] = o->waived_fen;
			rp->state[idx] = o->state;
			rc = ledger_bill_issue(&rp->l, &lines, NULL, err);
		} else if (strcmp(o->kind, "payment") == 0) {
			rc = ledger_pay(&rp->l, o->amount_fen, err);
		} else if (strcmp(o->kind, "refund") == 0) {
			rc = ledger_refund(&rp->l, o->amount_fen, err);
		} else if ((rc = replay_index(rp, o->bill_id, &idx)) == GZF_OK) {
			rc = ledger_waive(&rp->l, idx, o->amount_fen, err);
		}
	}
	if (rc != GZF_OK) {
		ledger_cleanup(&rp->l);
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL,
				   "the stored ledger of lease %lld does not replay",
				   (long long)(n ? ops[0].lease_id : 0));
	}
	return GZF_OK;
}

/* Write back every bill whose figures the replay changed. */
static int
replay_save(struct db_conn *c, struct replay *rp, int64_t now, struct gzf_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < rp->l.nbills; i++) {
		const struct ledger_bill *b = &rp->l.bills[i];
		const char *state = ledger_bill_state_name(b->state);

		if (b->paid_fen == rp->paid[i] && b->waived_fen == rp->waived[i] &&
		    strcmp(state, rp->state[i]) == 0)
			continue;
		if ((rc = bill_store_bill_figures(c, rp->ids[i], b->paid_fen, b->waived_fen, state,
						  now, err)) != GZF_OK)
			return rc;
		rp->paid[i] = b->paid_fen;
		rp->waived[i] = b->waived_fen;
		rp->state[i] = state;
	}
	return GZF_OK;
}

/* The lines of lease l's month under r: *covered = 0 when the lease has no day in it. */
static int
month_lines(const struct billing_rules *r, const struct bill_lease *l, int month,
	    struct rent_lines *out, int *covered, struct gzf_err *err)
{
	struct rent_household h = { .category = l->household_category, .income_band = l->income_band };
	struct rent_lines full;
	int first = month * 100 + 1, last = month_last(month), rc;

	if (l->starts_on > first)
		first = l->starts_on;
	if (l->ends_on < last)
		last = l->ends_on;
	*covered = first <= last;
	if (!*covered)
		return GZF_OK;
	if ((rc = rent_month(&r->cfg, month, l->area_dm2, &h, &full, err)) != GZF_OK)
		return rc;
	return rent_prorate(&full, first, last, out, err);
}

/* The bills of a batch not yet written: flushed in multi-row statements; their ledger
 * ops and the leases' billed month are written set-based at the batch's end. */
struct pending {
	struct bill_row *rows;
	int n, cap;
};

/* Billing one lease: what is loaded for it and what it did. */
struct lease_bill {
	struct pending *batch;         /* NULL: write each bill and op at once */
	struct db_conn *c;
	const struct billing_rules *r;
	const struct bill_lease *l;
	int today;
	int64_t now;
	struct bill_overdue *ov;       /* its unsettled bills due before today */
	int nov;
	struct replay rp;
	int issued;
	int64_t amount_fen;
};

/* The late fees on lb's overdue bills counted to today, less what each has been charged:
 * *total, and each bill's part in fees[] (nov entries). */
static int
late_fees(struct lease_bill *lb, int64_t *fees, int64_t *total, struct gzf_err *err)
{
	int i, rc;

	*total = 0;
	for (i = 0; i < lb->nov; i++) {
		const struct bill_overdue *o = &lb->ov[i];
		int64_t principal = o->outstanding_fen < o->principal_fen ? o->outstanding_fen
									 : o->principal_fen, fee;

		fees[i] = 0;
		if (principal <= 0)
			continue;
		if ((rc = rent_late_fee(&lb->r->cfg.late, principal, o->due_on, lb->today, &fee,
					err)) != GZF_OK)
			return rc;
		if (fee > o->charged_fen) {
			fees[i] = fee - o->charged_fen;
			*total += fees[i];
		}
	}
	return GZF_OK;
}

/* Write bill b of lb. In a batch, a bill without late fees waits for the batch's
 * multi-row insert (*bill_id 0) and every bill's ledger op is written at the batch's end;
 * a bill with late fees is written at once (the fees name it), after those waiting, so
 * ids keep the order of issue. Alone, the bill and its op are written at once. */
static int
write_bill(struct lease_bill *lb, const struct bill_row *b, int64_t *bill_id, struct gzf_err *err)
{
	struct pending *p = lb->batch;
	int rc;

	if (p != NULL && b->late_fee_fen == 0) {
		if (p->n == p->cap) {
			struct bill_row *grown;

			p->cap = p->cap ? p->cap * 2 : 1024;
			grown = arena_alloc(db_arena(lb->c), sizeof(*grown) * (size_t)p->cap);
			if (p->n)
				memcpy(grown, p->rows, sizeof(*grown) * (size_t)p->n);
			p->rows = grown;
		}
		p->rows[p->n++] = *b;
		*bill_id = 0;
		return GZF_OK;
	}
	if (p != NULL) {
		if ((rc = bill_store_bills_insert(lb->c, p->rows, p->n, err)) != GZF_OK)
			return rc;
		p->n = 0;
		return bill_store_bill_insert(lb->c, b, bill_id, err);
	}
	if ((rc = bill_store_bill_insert(lb->c, b, bill_id, err)) != GZF_OK)
		return rc;
	return bill_store_op_insert(lb->c, b->city_id, b->lease_id, "bill", *bill_id, b->amount_fen,
				    arena_printf(db_arena(lb->c), "bill:%lld", (long long)*bill_id), 0,
				    lb->now, err);
}

/* Issue lb's bill of month, with late fees when late is set; *bill_id 0 when nothing is
 * due. */
static int
issue(struct lease_bill *lb, int month, int late, int64_t *bill_id, struct gzf_err *err)
{
	struct arena *a = db_arena(lb->c);
	struct rent_lines lines;
	struct bill_lines bl;
	struct bill_row b;
	int64_t *fees = arena_alloc(a, sizeof(int64_t) * (size_t)(lb->nov + 1)), late_fen = 0;
	size_t idx;
	int covered, rc, i;

	*bill_id = 0;
	if ((rc = month_lines(lb->r, lb->l, month, &lines, &covered, err)) != GZF_OK || !covered)
		return rc;
	if (late && (rc = late_fees(lb, fees, &late_fen, err)) != GZF_OK)
		return rc;
	if (lines.due_fen + late_fen <= 0)
		return GZF_OK;
	bl = (struct bill_lines){ lines.rent_fen, lines.reduction_fen, late_fen };
	assert(lb->rp.l.nbills < lb->rp.cap);
	if ((rc = ledger_bill_issue(&lb->rp.l, &bl, &idx, err)) != GZF_OK)
		return rc;
	b = (struct bill_row){ .city_id = lb->l->city_id, .lease_id = lb->l->id,
		.bill_no = arena_printf(a, "B%d-%lld", month, (long long)lb->l->id), .month = month,
		.rent_fen = bl.rent_fen, .reduction_fen = bl.reduction_fen,
		.late_fee_fen = late_fen, .amount_fen = lb->rp.l.bills[idx].amount_fen,
		.paid_fen = lb->rp.l.bills[idx].paid_fen,
		.state = ledger_bill_state_name(lb->rp.l.bills[idx].state),
		.due_on = due_on(lb->r, month), .issued_at = lb->now };
	if ((rc = write_bill(lb, &b, bill_id, err)) != GZF_OK)
		return rc;
	lb->rp.ids[idx] = *bill_id;
	lb->rp.paid[idx] = b.paid_fen;
	lb->rp.waived[idx] = 0;
	lb->rp.state[idx] = b.state;
	for (i = 0; late && i < lb->nov; i++)
		if (fees[i] > 0 &&
		    (rc = bill_store_late_fee_add(lb->c, lb->ov[i].id, *bill_id, fees[i], lb->today,
						  err)) != GZF_OK)
			return rc;
	lb->issued++;
	lb->amount_fen += b.amount_fen;
	return GZF_OK;
}

/* The first month of lease l to bill: the month after the one it is billed through, not
 * before its start, nor more than BILLING_CATCHUP_MONTHS before upto. */
static int
first_month(const struct bill_lease *l, int upto)
{
	int m = l->starts_on / 100, floor = month_back(upto, BILLING_CATCHUP_MONTHS);

	if (l->billed_through >= m)
		m = month_next(l->billed_through);
	return m < floor ? floor : m;
}

/* Bill lease lb->l for every month from its first unbilled one through upto (late fees
 * on the last); the batch advances its billed_through. */
static int
bill_lease(struct lease_bill *lb, int upto, struct gzf_err *err)
{
	int m, last = upto, rc;
	int64_t id;

	if (lb->l->ends_on / 100 < last)
		last = lb->l->ends_on / 100;
	for (m = first_month(lb->l, upto); m <= last; m = month_next(m))
		if ((rc = issue(lb, m, m == last, &id, err)) != GZF_OK)
			return rc;
	return GZF_OK;
}

int
billing_issue_month(struct db_conn *c, int64_t lease_id, int month, int64_t now, int64_t *bill_id,
		    struct gzf_err *err)
{
	struct billing_rules *r = NULL;
	struct bill_lease l;
	struct lease_bill lb = { .c = c, .l = &l, .now = now, .today = calendar_local_date(now) };
	struct bill_op *ops;
	int rc, n;

	*bill_id = 0;
	if (!month_valid(month))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "month", "month is not yyyymm");
	if ((rc = bill_store_bill_find(c, lease_id, month, bill_id, err)) != GZF_ENOTFOUND)
		return rc;
	r = gzf_calloc(1, sizeof(*r));
	lb.r = r;
	if ((rc = bill_store_lease_lock(c, lease_id, &l, err)) != GZF_OK ||
	    (rc = billing_rules_load(c, l.city_id, r, err)) != GZF_OK ||
	    (rc = bill_store_ledger(c, l.id, l.id, &ops, &n, err)) != GZF_OK ||
	    (rc = bill_store_overdue(c, l.id, l.id, lb.today, &lb.ov, &lb.nov, err)) != GZF_OK ||
	    (rc = replay_build(db_arena(c), ops, n, 2, &lb.rp, err)) != GZF_OK)
		goto out;
	rc = issue(&lb, month, 1, bill_id, err);
	if (rc == GZF_OK)
		rc = bill_store_lease_billed(c, l.id, month, now, err);
	ledger_cleanup(&lb.rp.l);
out:
	free(r);
	return rc;
}

/* Load lease_id's ledger with room for one more op. */
static int
ledger_load(struct db_conn *c, int64_t lease_id, struct bill_lease *l, struct replay *rp,
	    struct gzf_err *err)
{
	struct bill_op *ops;
	int rc, n;

	if ((rc = bill_store_lease_lock(c, lease_id, l, err)) != GZF_OK ||
	    (rc = bill_store_ledger(c, l->id, l->id, &ops, &n, err)) != GZF_OK)
		return rc;
	return replay_build(db_arena(c), ops, n, 1, rp, err);
}

/* Enter money of amount_fen moving between the tenant and the city in lease_id's ledger
 * as an op of kind ("payment" or "refund") with ref "<kind>:<id>". */
static int
money_op(struct db_conn *c, int64_t lease_id, const char *kind, int64_t id, int64_t amount_fen,
	 int64_t now, struct gzf_err *err)
{
	int refund = strcmp(kind, "refund") == 0;
	struct bill_lease l;
	struct replay rp;
	int rc;

	if ((rc = ledger_load(c, lease_id, &l, &rp, err)) != GZF_OK)
		return rc;
	rc = refund ? ledger_refund(&rp.l, amount_fen, err) : ledger_pay(&rp.l, amount_fen, err);
	if (rc == GZF_OK &&
	    (rc = bill_store_op_insert(c, l.city_id, l.id, kind, 0, amount_fen,
				       arena_printf(db_arena(c), "%s:%lld", kind, (long long)id),
				       0, now, err)) == GZF_OK)
		rc = replay_save(c, &rp, now, err);
	ledger_cleanup(&rp.l);
	return rc;
}

int
billing_credit_payment(struct db_conn *c, int64_t lease_id, int64_t payment_id, int64_t amount_fen,
		       int64_t now, struct gzf_err *err)
{
	return money_op(c, lease_id, "payment", payment_id, amount_fen, now, err);
}

int
billing_refund(struct db_conn *c, int64_t lease_id, int64_t refund_id, int64_t amount_fen,
	       int64_t now, struct gzf_err *err)
{
	return money_op(c, lease_id, "refund", refund_id, amount_fen, now, err);
}

int
billing_waive(struct db_conn *c, int64_t bill_id, int64_t amount_fen, int64_t by, int64_t now,
	      struct gzf_err *err)
{
	struct bill_lease l;
	struct bill_row b;
	struct replay rp;
	size_t idx;
	int rc;

	if ((rc = bill_store_bill_get(c, bill_id, &b, err)) != GZF_OK ||
	    (rc = ledger_load(c, b.lease_id, &l, &rp, err)) != GZF_OK)
		return rc;
	if (replay_index(&rp, bill_id, &idx) != GZF_OK) {
		rc = gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "bill %lld not in its ledger",
				 (long long)bill_id);
		goto out;
	}
	if ((rc = ledger_waive(&rp.l, idx, amount_fen, err)) == GZF_OK &&
	    (rc = bill_store_op_insert(c, l.city_id, l.id, "waiver", bill_id, amount_fen,
				       arena_printf(db_arena(c), "waiver:%lld:%lld", (long long)by,
						    (long long)now), by, now, err)) == GZF_OK)
		rc = replay_save(c, &rp, now, err);
out:
	ledger_cleanup(&rp.l);
	return rc;
}

/* The system's or a staff member's audit entry of what billing did, in c's transaction. */
static int
billing_audit(struct db_conn *c, const unsigned char *key, int64_t city_id, int64_t by,
	      const char *action, const char *type, int64_t id, int64_t region, const char *detail,
	      struct gzf_err *err)
{
	char sid[24];
	struct audit_entry e;

	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	e = (struct audit_entry){ .city_id = city_id, .actor_kind = by ? "staff" : "system",
				  .actor_id = by, .action = action, .object_type = type,
				  .object_id = sid, .object_region = region, .result = "ok",
				  .detail = detail };
	return audit_record(c, key, &e, err);
}

/* One batch of a run: up to BILLING_BATCH leases after *cursor, in one transaction.
 * *done when there were none left. */
static int
run_batch(struct db_conn *c, const struct billing_rules *r, int month, int today, int64_t now,
	  int64_t run_id, int64_t *cursor, int *done, struct billing_run_result *res,
	  struct gzf_err *err)
{
	struct pending batch = { 0 };
	struct bill_lease *ls;
	struct bill_op *ops;
	struct bill_overdue *ov;
	int n, nops, nov, i, io = 0, iv = 0, rc;
	int64_t issued = 0, amount = 0, lo, hi;

	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	if ((rc = bill_store_leases_due(c, r->city_id, month, today, *cursor, BILLING_BATCH, &ls, &n,
					err)) != GZF_OK)
		goto out;
	if (n == 0) {
		*done = 1;
		goto out;
	}
	/* Read and locked at once: every lease due in lo..hi is one of these. */
	lo = ls[0].id;
	hi = ls[n - 1].id;
	if ((rc = bill_store_ledger(c, lo, hi, &ops, &nops, err)) != GZF_OK ||
	    (rc = bill_store_overdue(c, lo, hi, today, &ov, &nov, err)) != GZF_OK)
		goto out;
	for (i = 0; i < n && rc == GZF_OK; i++) {
		struct lease_bill lb = { .batch = &batch, .c = c, .r = r, .l = &ls[i], .today = today,
					 .now = now };
		int o0;

		while (io < nops && ops[io].lease_id < ls[i].id)
			io++;
		for (o0 = io; io < nops && ops[io].lease_id == ls[i].id; io++)
			;
		while (iv < nov && ov[iv].lease_id < ls[i].id)
			iv++;
		lb.ov = &ov[iv];
		for (; iv < nov && ov[iv].lease_id == ls[i].id; iv++)
			lb.nov++;
		if ((rc = replay_build(db_arena(c), &ops[o0], io - o0, BILLING_CATCHUP_MONTHS + 2,
				       &lb.rp, err)) != GZF_OK)
			break;
		rc = bill_lease(&lb, month, err);
		ledger_cleanup(&lb.rp.l);
		issued += lb.issued;
		amount += lb.amount_fen;
	}
	if (rc != GZF_OK ||
	    (rc = bill_store_bills_insert(c, batch.rows, batch.n, err)) != GZF_OK ||
	    (rc = bill_store_bill_ops_add(c, lo, hi, now, err)) != GZF_OK ||
	    (rc = bill_store_leases_billed(c, r->city_id, month, today, lo, hi, now, err)) != GZF_OK)
		goto out;
	if ((rc = bill_store_run_add(c, run_id, n, issued, amount, err)) == GZF_OK &&
	    (rc = db_commit(c, err)) == GZF_OK) {
		*cursor = hi;
		res->leases_seen += n;
		res->bills_issued += issued;
		res->amount_fen += amount;
		return GZF_OK;
	}
out:
	db_rollback(c);
	return rc;
}

int
billing_run_month(struct db *db, const unsigned char *audit_key, int64_t city_id, int month,
		  int64_t by, int64_t now, struct billing_run_result *out, struct gzf_err *err)
{
	struct billing_rules *r = gzf_calloc(1, sizeof(*r));
	struct db_conn *c = NULL;
	struct arena *a = arena_create();
	int64_t cursor = 0;
	int today = calendar_local_date(now), done = 0, attempt = 0, rc;

	*out = (struct billing_run_result){ 0 };
	if (!month_valid(month)) {
		rc = gzf_err_set(err, GZF_EINVAL, "invalid_value", "month", "month is not yyyymm");
		goto out;
	}
	if ((rc = db_acquire(db, a, &c, err)) != GZF_OK ||
	    (rc = billing_rules_load(c, city_id, r, err)) != GZF_OK ||
	    (rc = db_begin(c, err)) != GZF_OK)
		goto out;
	if ((rc = bill_store_run_start(c, city_id, month, by, now, &out->run_id, err)) != GZF_OK ||
	    (rc = db_commit(c, err)) != GZF_OK) {
		db_rollback(c);
		goto out;
	}
	db_release(c);
	c = NULL;
	arena_destroy(a);
	while (!done) {
		/* Each batch on a connection and arena of its own: memory stays bounded. */
		a = arena_create();
		if ((rc = db_acquire(db, a, &c, err)) != GZF_OK)
			goto out;
		rc = run_batch(c, r, month, today, now, out->run_id, &cursor, &done, out, err);
		if (rc == GZF_ECONFLICT && ++attempt <= BATCH_RETRIES)
			rc = GZF_OK; /* another runner billed some of these: do the batch again */
		else if (rc == GZF_OK)
			attempt = 0;
		db_release(c);
		c = NULL;
		arena_destroy(a);
		a = NULL;
		if (rc != GZF_OK)
			goto out;
	}
	a = arena_create();
	if ((rc = db_acquire(db, a, &c, err)) != GZF_OK || (rc = db_begin(c, err)) != GZF_OK)
		goto out;
	if ((rc = bill_store_run_finish(c, out->run_id, now, err)) != GZF_OK ||
	    (rc = billing_audit(c, audit_key, city_id, by, "billing.run", "billing_run", out->run_id,
				city_id, arena_printf(a, "{\"month\":%d,\"leases\":%lld,\"bills\":%lld,"
						      "\"amount_fen\":%lld}", month,
						      (long long)out->leases_seen,
						      (long long)out->bills_issued,
						      (long long)out->amount_fen), err)) != GZF_OK ||
	    (rc = db_commit(c, err)) != GZF_OK)
		db_rollback(c);
out:
	if (c != NULL)
		db_release(c);
	if (a != NULL)
		arena_destroy(a);
	free(r);
	return rc;
}

int
billing_age_bucket(int months)
{
	assert(months >= 1);
	return months >= BILLING_EXIT_MONTHS ? BILLING_AGE_6 : months >= 3 ? BILLING_AGE_3
									   : BILLING_AGE_1;
}

/* Remind the household of a when its last reminder is every days old or more: the inbox
 * message and the reminder row now, the SMS text in *text for the caller to send after
 * the commit. *sent = 1 when reminded. */
static int
remind(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const struct arrears_row *a,
       int today, int every, const char **text, int *sent, struct gzf_err *err)
{
	struct arena *ar = db_arena(c);
	int last, rc;

	*sent = 0;
	if (every == 0 || a->owner_id == 0)
		return GZF_OK;
	if ((rc = bill_store_reminder_last(c, a->lease_id, &last, err)) != GZF_OK)
		return rc;
	if (last != 0 && days_between(last, today) < every)
		return GZF_OK;
	*text = arena_printf(ar, "【公租房】您的租金已逾期%d个月，欠费%lld.%02lld元，请尽快缴纳；"
			     "逾期6个月将依合同启动退出程序。", a->months,
			     (long long)(a->owed_fen / 100), (long long)(a->owed_fen % 100));
	if ((rc = bill_store_reminder_add(c, a->lease_id, today, a->months, a->owed_fen, err)) != GZF_OK ||
	    (rc = application_store_message_add(c, city_id, a->owner_id, a->application_id,
						"arrears", "租金逾期提醒", *text, ctx->now_ms(),
						err)) != GZF_OK)
		return rc;
	*sent = 1;
	return GZF_OK;
}

/* The SMS of a reminder to the owner of a, after the commit; a failure is logged only
 * (the inbox message stands). */
static void
remind_sms(struct job_ctx *ctx, struct db_conn *c, const struct arrears_row *a, const char *text)
{
	struct arena *ar = db_arena(c);
	struct gzf_err e = { 0 };
	struct user u;
	char *phone;

	if (user_store_get(c, a->owner_id, &u, &e) != GZF_OK || u.phone_enc == NULL ||
	    crypto_open(ar, ctx->secrets->data_key, u.phone_enc, &phone) != GZF_OK)
		return;
	(void)sms_send(&ctx->partners->sms, ar, phone, text, &e);
}

int
billing_arrears_pass(struct job_ctx *ctx, int64_t city_id, int *reminded, int *raised,
		     struct gzf_err *err)
{
	struct rent_rules_row rules;
	struct arena *ar = arena_create();
	struct db_conn *c = NULL;
	struct arrears_row *rows;
	int64_t now = ctx->now_ms();
	int today = calendar_local_date(now), n, i, rc, sent, created, nrem = 0, nraise = 0;
	const char *text;

	if ((rc = db_acquire(ctx->db, ar, &c, err)) != GZF_OK)
		goto out;
	rc = bill_store_rules_get(c, city_id, &rules, err);
	if (rc == GZF_ENOTFOUND) {
		rc = GZF_OK;
		goto out;
	}
	if (rc != GZF_OK ||
	    (rc = bill_store_arrears(c, city_id, NULL, today, ARREARS_MAX, &rows, &n, err)) != GZF_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if ((rc = db_begin(c, err)) != GZF_OK)
			goto out;
		created = sent = 0;
		if (rows[i].months >= BILLING_EXIT_MONTHS &&
		    ((rc = bill_store_exit_trigger_add(c, city_id, &rows[i], "arrears_6_months", now,
						       &created, err)) != GZF_OK ||
		     (created && (rc = billing_audit(c, ctx->audit_key, city_id, 0,
						     "billing.exit_trigger", "lease", rows[i].lease_id,
						     rows[i].region_code,
						     arena_printf(ar, "{\"months\":%d,\"owed_fen\":%lld}",
								  rows[i].months,
								  (long long)rows[i].owed_fen),
						     err)) != GZF_OK))) {
			db_rollback(c);
			goto out;
		}
		if ((rc = remind(ctx, c, city_id, &rows[i], today, rules.remind_every_days, &text,
				 &sent, err)) != GZF_OK ||
		    (rc = db_commit(c, err)) != GZF_OK) {
			db_rollback(c);
			goto out;
		}
		nraise += created;
		nrem += sent;
		if (sent)
			remind_sms(ctx, c, &rows[i], text);
	}
out:
	if (reminded != NULL)
		*reminded = nrem;
	if (raised != NULL)
		*raised = nraise;
	if (c != NULL)
		db_release(c);
	arena_destroy(ar);
	return rc;
}

/* The ref of city's billing job for month. */
static const char *
run_ref(struct arena *a, int64_t city_id, int month)
{
	return arena_printf(a, "billing:%lld:%d", (long long)city_id, month);
}

/* The local midnight after today, plus an hour: when the next arrears pass runs. */
static int64_t
arrears_at(int64_t now)
{
	return date_ms(calendar_local_date(now)) + DAY_MS + 3600 * 1000LL;
}

/* Queue the city's billing run of month, or of the first later month with no run queued
 * or done, on its billing day; and the arrears pass unless one is queued. */
static int
schedule_from(struct db_conn *c, int64_t city_id, int month, int64_t now, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	struct rent_rules_row rules;
	struct job_row job;
	const char *ref;
	int rc;

	if ((rc = bill_store_rules_get(c, city_id, &rules, err)) != GZF_OK)
		return rc == GZF_ENOTFOUND ? GZF_OK : rc;
	for (;;) {
		ref = run_ref(a, city_id, month);
		rc = job_store_find(c, RUN_KIND, ref, &job, err);
		if (rc == GZF_ENOTFOUND)
			break;
		if (rc != GZF_OK)
			return rc;
		if (strcmp(job.status, "queued") == 0)
			goto arrears;
		month = month_next(month);
	}
	if ((rc = jobs_enqueue(c, city_id, RUN_KIND, ref, NULL,
			       date_ms(month * 100 + rules.billing_day), err)) != GZF_OK)
		return rc;
arrears:
	ref = arena_printf(a, "arrears:%lld", (long long)city_id);
	rc = job_store_find(c, ARREARS_KIND, ref, &job, err);
	if (rc == GZF_OK && strcmp(job.status, "queued") == 0)
		return GZF_OK;
	if (rc != GZF_OK && rc != GZF_ENOTFOUND)
		return rc;
	return jobs_enqueue(c, city_id, ARREARS_KIND, ref, NULL, arrears_at(now), err);
}

int
billing_jobs_schedule(struct db_conn *c, int64_t city_id, int64_t now, struct gzf_err *err)
{
	struct rent_rules_row rules;
	int today = calendar_local_date(now), month = today / 100, rc;

	if ((rc = bill_store_rules_get(c, city_id, &rules, err)) != GZF_OK)
		return rc == GZF_ENOTFOUND ? GZF_OK : rc;
	if (today % 100 > rules.billing_day)
		month = month_next(month);
	return schedule_from(c, city_id, month, now, err);
}

/* The job "billing_month", ref "billing:<city>:<yyyymm>": the month's run, then the
 * next month's queued. */
static int
job_run(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	const json_t *payload, struct gzf_err *err)
{
	struct billing_run_result res;
	long long city;
	int month, rc, used = 0;

	(void)payload;
	if (sscanf(ref, "billing:%lld:%d%n", &city, &month, &used) != 2 || ref[used] != '\0' ||
	    city != city_id)
		return gzf_err_set(err, GZF_EINVAL, "bad_ref", NULL, "bad job reference %s", ref);
	rc = billing_run_month(ctx->db, ctx->audit_key, city_id, month, 0, ctx->now_ms(), &res, err);
	if (rc == GZF_ENOTFOUND)
		return GZF_OK; /* the city's rules are gone: nothing to bill */
	if (rc != GZF_OK)
		return rc;
	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	if ((rc = schedule_from(c, city_id, month_next(month), ctx->now_ms(), err)) != GZF_OK ||
	    (rc = db_commit(c, err)) != GZF_OK)
		db_rollback(c);
	return rc;
}

/* The job "arrears_daily", ref "arrears:<city>": the pass, then tomorrow's queued. */
static int
job_arrears(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	    const json_t *payload, struct gzf_err *err)
{
	int rc;

	(void)ref;
	(void)payload;
	if ((rc = billing_arrears_pass(ctx, city_id, NULL, NULL, err)) != GZF_OK)
		return rc;
	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	if ((rc = jobs_enqueue(c, city_id, ARREARS_KIND, ref, NULL, arrears_at(ctx->now_ms()),
			       err)) != GZF_OK ||
	    (rc = db_commit(c, err)) != GZF_OK)
		db_rollback(c);
	return rc;
}

int
billing_jobs_register(void)
{
	int rc;

	if ((rc = jobs_register(RUN_KIND, job_run)) != GZF_OK)
		return rc;
	return jobs_register(ARREARS_KIND, job_arrears);
}
