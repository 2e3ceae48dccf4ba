/*
 * bill.c — the rows of rent_rules, leases (as billing reads and advances them), bills,
 * ledger_ops, bill_late_fees, billing_runs, arrears_reminders and exit_triggers.
 */
#include "store/bill_store.h"

#include <stdio.h>
#include <string.h>

#define I(r, row, col) db_res_int((r), (row), (col))
#define T(r, row, col) db_res_text((r), (row), (col))

int
bill_store_rules_get(struct db_conn *c, int64_t city_id, struct rent_rules_row *out,
		     struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT version, config, billing_day, due_day, remind_every_days, created_by,"
			 " created_at FROM rent_rules WHERE city_id = $1 ORDER BY version DESC LIMIT 1",
		      DB_ARGS(DB_I(city_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return GZF_ENOTFOUND;
	*out = (struct rent_rules_row){ .city_id = city_id, .version = (int)I(r, 0, 0),
		.config = T(r, 0, 1), .billing_day = (int)I(r, 0, 2), .due_day = (int)I(r, 0, 3),
		.remind_every_days = (int)I(r, 0, 4), .created_by = I(r, 0, 5),
		.created_at = I(r, 0, 6) };
	return GZF_OK;
}

int
bill_store_rules_add(struct db_conn *c, const struct rent_rules_row *r, struct gzf_err *err)
{
	return db_exec(c, "INSERT INTO rent_rules (city_id, version, config, billing_day, due_day,"
			  " remind_every_days, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
		       DB_ARGS(DB_I(r->city_id), DB_I(r->version), DB_T(r->config),
			       DB_I(r->billing_day), DB_I(r->due_day), DB_I(r->remind_every_days),
			       DB_I(r->created_by), DB_I(r->created_at)), NULL, err);
}

int
bill_store_rules_versions(struct db_conn *c, int64_t city_id, int max,
			  struct rent_rules_row **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT version, billing_day, due_day, remind_every_days, created_by,"
			 " created_at FROM rent_rules WHERE city_id = $1 ORDER BY version DESC LIMIT $2",
		      DB_ARGS(DB_I(city_id), DB_I(max)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct rent_rules_row){ .city_id = city_id, .version = (int)I(r, i, 0),
			.billing_day = (int)I(r, i, 1), .due_day = (int)I(r, i, 2),
			.remind_every_days = (int)I(r, i, 3), .created_by = I(r, i, 4),
			.created_at = I(r, i, 5) };
	*n = r->nrows;
	return GZF_OK;
}

int
bill_store_rules_cities(struct db_conn *c, int64_t **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT DISTINCT city_id FROM rent_rules ORDER BY city_id", DB_NOARGS, &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = I(r, i, 0);
	*n = r->nrows;
	return GZF_OK;
}

int
bill_store_billed_through(struct db_conn *c, int64_t city_id, int *month, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT COALESCE(MAX(month), 0) FROM bills WHERE city_id = $1",
		      DB_ARGS(DB_I(city_id)), &r, err);
	if (rc == GZF_OK)
		*month = (int)I(r, 0, 0);
	return rc;
}

#define LEASE_COLUMNS "id, city_id, application_id, owner_id, unit_id, region_code, lease_no," \
		      " region_path, state, household_category, starts_on, ends_on, income_band," \
		      " billed_through, area_dm2"

/* The leases a month may bill (bill_store_leases_due): $1 city, $2 after, $3 month, $4 today.
 * "+city_id" keeps the planners on the primary key, in id order from $2, rather than
 * reading every lease of the city and sorting them for each batch. */
#define LEASES_DUE " +city_id = $1 AND id > $2 AND billed_through < $3 AND (state = 'active'" \
		   " OR (state = 'signed' AND starts_on <= $4)" \
		   " OR (state IN ('ended', 'terminated') AND billed_through < ends_on / 100))"

static void
lease_of(const struct db_res *r, int i, struct bill_lease *l)
{
	*l = (struct bill_lease){ .id = I(r, i, 0), .city_id = I(r, i, 1),
		.application_id = I(r, i, 2), .owner_id = I(r, i, 3), .unit_id = I(r, i, 4),
		.region_code = I(r, i, 5), .lease_no = T(r, i, 6), .region_path = T(r, i, 7),
		.state = T(r, i, 8), .household_category = T(r, i, 9),
		.starts_on = (int)I(r, i, 10), .ends_on = (int)I(r, i, 11),
		.income_band = (int)I(r, i, 12), .billed_through = (int)I(r, i, 13),
		.area_dm2 = I(r, i, 14) };
}

int
bill_store_lease_lock(struct db_conn *c, int64_t id, struct bill_lease *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, db_conn_backend(c) == DB_SQLITE
			 ? "SELECT " LEASE_COLUMNS " FROM leases WHERE id = $1"
			 : "SELECT " LEASE_COLUMNS " FROM leases WHERE id = $1 FOR UPDATE",
		      DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "not_found", NULL, "no such lease");
	lease_of(r, 0, out);
	return GZF_OK;
}

int
bill_store_leases_due(struct db_conn *c, int64_t city_id, int month, int today, int64_t after_id,
		      int max, struct bill_lease **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	/* One statement reads and locks (PostgreSQL re-checks a row another writer changed
	 * once that one commits, and leaves it out when it is no longer due). */
	rc = db_query(c, db_conn_backend(c) == DB_SQLITE
			 ? "SELECT " LEASE_COLUMNS " FROM leases WHERE" LEASES_DUE " ORDER BY id LIMIT $5"
			 : "SELECT " LEASE_COLUMNS " FROM leases WHERE" LEASES_DUE " ORDER BY id LIMIT $5"
			   " FOR UPDATE",
		      DB_ARGS(DB_I(city_id), DB_I(after_id), DB_I(month), DB_I(today), DB_I(max)),
		      &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		lease_of(r, i, &(*out)[i]);
	*n = r->nrows;
	return GZF_OK;
}

int
bill_store_leases_lock(struct db_conn *c, int64_t city_id, int64_t lo, int64_t hi,
		       struct gzf_err *err)
{
	if (db_conn_backend(c) == DB_SQLITE)
		return GZF_OK; /* BEGIN IMMEDIATE holds the whole database */
	/* PostgreSQL alone: row locks, without writing new versions of the rows. */
	return db_exec(c, "SELECT id FROM leases WHERE +city_id = $1 AND id BETWEEN $2 AND $3 FOR UPDATE",
		       DB_ARGS(DB_I(city_id), DB_I(lo), DB_I(hi)), NULL, err);
}

int
bill_store_leases_billed(struct db_conn *c, int64_t city_id, int month, int today, int64_t lo,
			 int64_t hi, int64_t now, struct gzf_err *err)
{
	return db_exec(c, "UPDATE leases SET billed_through = $3, updated_at = $6 WHERE" LEASES_DUE
			  " AND id <= $5",
		       DB_ARGS(DB_I(city_id), DB_I(lo - 1), DB_I(month), DB_I(today), DB_I(hi),
			       DB_I(now)), NULL, err);
}

int
bill_store_lease_billed(struct db_conn *c, int64_t id, int month, int64_t now, struct gzf_err *err)
{
	return db_exec(c, "UPDATE leases SET billed_through = $2, updated_at = $3"
			  " WHERE id = $1 AND billed_through < $2",
		       DB_ARGS(DB_I(id), DB_I(month), DB_I(now)), NULL, err);
}

#define BILL_COLUMNS "b.id, b.city_id, b.lease_id, b.bill_no, b.month, b.rent_fen," \
		     " b.reduction_fen, b.late_fee_fen, b.amount_fen, b.paid_fen, b.waived_fen," \
		     " b.state, b.due_on, b.issued_at, b.updated_at, l.lease_no, l.region_path," \
		     " l.owner_id, l.region_code"

static void
bill_of(const struct db_res *r, int i, struct bill_row *b)
{
	*b = (struct bill_row){ .id = I(r, i, 0), .city_id = I(r, i, 1), .lease_id = I(r, i, 2),
		.bill_no = T(r, i, 3), .month = (int)I(r, i, 4), .rent_fen = I(r, i, 5),
		.reduction_fen = I(r, i, 6), .late_fee_fen = I(r, i, 7), .amount_fen = I(r, i, 8),
		.paid_fen = I(r, i, 9), .waived_fen = I(r, i, 10), .state = T(r, i, 11),
		.due_on = (int)I(r, i, 12), .issued_at = I(r, i, 13), .updated_at = I(r, i, 14),
		.lease_no = T(r, i, 15), .region_path = T(r, i, 16), .owner_id = I(r, i, 17),
		.region_code = I(r, i, 18) };
}

int
bill_store_bill_insert(struct db_conn *c, const struct bill_row *b, int64_t *id, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "INSERT INTO bills (city_id, lease_id, bill_no, month, rent_fen, reduction_fen,"
			 " late_fee_fen, amount_fen, paid_fen, waived_fen, state, due_on, issued_at,"
			 " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12, $12)"
			 " RETURNING id",
		      DB_ARGS(DB_I(b->city_id), DB_I(b->lease_id), DB_T(b->bill_no), DB_I(b->month),
			      DB_I(b->rent_fen), DB_I(b->reduction_fen), DB_I(b->late_fee_fen),
			      DB_I(b->amount_fen), DB_I(b->paid_fen), DB_T(b->state), DB_I(b->due_on),
			      DB_I(b->issued_at)), &r, err);
	if (rc == GZF_OK)
		*id = I(r, 0, 0);
	return rc;
}

#define BILL_INSERT "INSERT INTO bills (city_id, lease_id, bill_no, month, rent_fen, reduction_fen," \
		    " late_fee_fen, amount_fen, paid_fen, waived_fen, state, due_on, issued_at," \
		    " updated_at) VALUES "
#define BILL_ARGS 12
#define BILLS_PER_INSERT 100

/* The multi-row INSERT of n bills: its text in the arena. */
static const char *
bills_sql(struct arena *a, int n)
{
	size_t cap = sizeof(BILL_INSERT) + (size_t)n * 96;
	char *s = arena_alloc(a, cap), *p;
	int i, k;

	p = s + snprintf(s, cap, "%s", BILL_INSERT);
	for (i = 0; i < n; i++) {
		k = i * BILL_ARGS;
		p += snprintf(p, cap - (size_t)(p - s), "%s($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, 0,"
			      " $%d, $%d, $%d, $%d)", i ? ", " : "", k + 1, k + 2, k + 3, k + 4, k + 5,
			      k + 6, k + 7, k + 8, k + 9, k + 10, k + 11, k + 12, k + 12);
	}
	return s;
}

int
bill_store_bills_insert(struct db_conn *c, const struct bill_row *b, int n, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	struct db_val *v;
	const char *full = NULL, *one = NULL;
	int done = 0, m, i, rc = GZF_OK;

	v = arena_alloc(a, sizeof(*v) * BILL_ARGS * BILLS_PER_INSERT);
	while (done < n && rc == GZF_OK) {
		m = n - done < BILLS_PER_INSERT ? 1 : BILLS_PER_INSERT;
		for (i = 0; i < m; i++) {
			const struct bill_row *r = &b[done + i];
			struct db_val *x = &v[i * BILL_ARGS];

			x[0] = DB_I(r->city_id);
			x[1] = DB_I(r->lease_id);
			x[2] = DB_T(r->bill_no);
			x[3] = DB_I(r->month);
			x[4] = DB_I(r->rent_fen);
			x[5] = DB_I(r->reduction_fen);
			x[6] = DB_I(r->late_fee_fen);
			x[7] = DB_I(r->amount_fen);
			x[8] = DB_I(r->paid_fen);
			x[9] = DB_T(r->state);
			x[10] = DB_I(r->due_on);
			x[11] = DB_I(r->issued_at);
		}
		if (m == BILLS_PER_INSERT && full == NULL)
			full = bills_sql(a, BILLS_PER_INSERT);
		if (m == 1 && one == NULL)
			one = bills_sql(a, 1);
		rc = db_exec(c, m == BILLS_PER_INSERT ? full : one, v, m * BILL_ARGS, NULL, err);
		done += m;
	}
	return rc;
}

int
bill_store_bill_ops_add(struct db_conn *c, int64_t lo, int64_t hi, int64_t now,
			struct gzf_err *err)
{
	/* The leases are locked, so their bills issued at now are this batch's; one another
	 * run issued in the same millisecond already has its op, which is left alone. */
	return db_exec(c, "INSERT INTO ledger_ops (city_id, lease_id, kind, bill_id, amount_fen, ref,"
			  " created_by, created_at) SELECT city_id, lease_id, 'bill', id, amount_fen,"
			  " 'bill:' || id, 0, $3 FROM bills WHERE lease_id BETWEEN $1 AND $2 AND issued_at = $3"
			  " ORDER BY lease_id, month ON CONFLICT (lease_id, kind, ref) DO NOTHING",
		       DB_ARGS(DB_I(lo), DB_I(hi), DB_I(now)), NULL, err);
}

int
bill_store_bill_find(struct db_conn *c, int64_t lease_id, int month, int64_t *id,
		     struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT id FROM bills WHERE lease_id = $1 AND month = $2",
		      DB_ARGS(DB_I(lease_id), DB_I(month)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return GZF_ENOTFOUND;
	*id = I(r, 0, 0);
	return GZF_OK;
}

int
bill_store_bill_get(struct db_conn *c, int64_t id, struct bill_row *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " BILL_COLUMNS " FROM bills b JOIN leases l ON l.id = b.lease_id"
			 " WHERE b.id = $1", DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "not_found", NULL, "no such bill");
	bill_of(r, 0, out);
	return GZF_OK;
}

int
bill_store_bill_figures(struct db_conn *c, int64_t id, int64_t paid_fen, int64_t waived_fen,
			const char *state, int64_t now, struct gzf_err *err)
{
	return db_exec_later(c, "UPDATE bills SET paid_fen = $2, waived_fen = $3, state = $4,"
			     " updated_at = $5 WHERE id = $1",
			     DB_ARGS(DB_I(id), DB_I(paid_fen), DB_I(waived_fen), DB_T(state),
				     DB_I(now)), err);
}

/* The WHERE of a bill list: every member of f as a parameter, 0/NULL meaning any. */
#define BILL_WHERE " WHERE (CAST($1 AS BIGINT) = 0 OR b.city_id = $1)" \
		   " AND (CAST($2 AS BIGINT) = 0 OR l.owner_id = $2)" \
		   " AND (CAST($3 AS BIGINT) = 0 OR b.lease_id = $3)" \
		   " AND (CAST($4 AS TEXT) = '' OR l.region_path LIKE $4 || '%')" \
		   " AND (CAST($5 AS TEXT) = '' OR b.state = $5) AND (CAST($6 AS INTEGER) = 0 OR b.month = $6)"

int
bill_store_bills(struct db_conn *c, const struct bill_filter *f, int offset, int limit,
		 struct bill_row **out, int *n, int64_t *total, struct gzf_err *err)
{
	const char *path = f->region_path ? f->region_path : "", *state = f->state ? f->state : "";
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT " BILL_COLUMNS " FROM bills b JOIN leases l ON l.id = b.lease_id"
			 BILL_WHERE " ORDER BY b.month DESC, b.id DESC LIMIT $7 OFFSET $8",
		      DB_ARGS(DB_I(f->city_id), DB_I(f->owner_id), DB_I(f->lease_id), DB_T(path),
			      DB_T(state), DB_I(f->month), DB_I(limit), DB_I(offset)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		bill_of(r, i, &(*out)[i]);
	*n = r->nrows;
	if (total == NULL)
		return GZF_OK;
	rc = db_query(c, "SELECT COUNT(*) FROM bills b JOIN leases l ON l.id = b.lease_id" BILL_WHERE,
		      DB_ARGS(DB_I(f->city_id), DB_I(f->owner_id), DB_I(f->lease_id), DB_T(path),
			      DB_T(state), DB_I(f->month)), &r, err);
	if (rc == GZF_OK)
		*total = I(r, 0, 0);
	return rc;
}

/* The operations of a ledger with their bills' figures, for bill_store_ledger. */
#define LEDGER_SELECT "SELECT o.id, o.lease_id, COALESCE(o.bill_id, 0), o.amount_fen, o.kind," \
	" o.ref, COALESCE(b.rent_fen, 0), COALESCE(b.reduction_fen, 0)," \
	" COALESCE(b.late_fee_fen, 0), COALESCE(b.paid_fen, 0), COALESCE(b.waived_fen, 0)," \
	" COALESCE(b.state, '') FROM ledger_ops o" \
	" LEFT JOIN bills b ON b.id = o.bill_id AND o.kind = 'bill'"

int
bill_store_ledger(struct db_conn *c, int64_t lo, int64_t hi, struct bill_op **out, int *n,
		  struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	/* One lease (a payment's, a refund's) has a statement of its own: for a range whose
	 * ends it does not know PostgreSQL's plan kept for any values guesses many rows, so it
	 * planned the range again on every call (0.14 ms, more than running it); for one
	 * lease it keeps the plan. */
	if (lo == hi)
		rc = db_query(c, LEDGER_SELECT " WHERE o.lease_id = $1 ORDER BY o.id",
			      DB_ARGS(DB_I(lo)), &r, err);
	else
		rc = db_query(c, LEDGER_SELECT " WHERE o.lease_id BETWEEN $1 AND $2"
			      " ORDER BY o.lease_id, o.id", DB_ARGS(DB_I(lo), DB_I(hi)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct bill_op){ .id = I(r, i, 0), .lease_id = I(r, i, 1),
			.bill_id = I(r, i, 2), .amount_fen = I(r, i, 3), .kind = T(r, i, 4),
			.ref = T(r, i, 5), .rent_fen = I(r, i, 6), .reduction_fen = I(r, i, 7),
			.late_fee_fen = I(r, i, 8), .paid_fen = I(r, i, 9), .waived_fen = I(r, i, 10),
			.state = T(r, i, 11) };
	*n = r->nrows;
	return GZF_OK;
}

int
bill_store_op_insert(struct db_conn *c, int64_t city_id, int64_t lease_id, const char *kind,
		     int64_t bill_id, int64_t amount_fen, const char *ref, int64_t by, int64_t now,
		     struct gzf_err *err)
{
	return db_exec_later(c, "INSERT INTO ledger_ops (city_id, lease_id, kind, bill_id, amount_fen,"
			     " ref, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			     DB_ARGS(DB_I(city_id), DB_I(lease_id), DB_T(kind),
				     bill_id ? DB_I(bill_id) : DB_NULLV, DB_I(amount_fen), DB_T(ref),
				     DB_I(by), DB_I(now)), err);
}

int
bill_store_overdue(struct db_conn *c, int64_t lo, int64_t hi, int day, struct bill_overdue **out,
		   int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT b.id, b.lease_id, b.rent_fen - b.reduction_fen,"
			 " b.amount_fen - b.paid_fen - b.waived_fen,"
			 " COALESCE((SELECT SUM(f.fee_fen) FROM bill_late_fees f WHERE f.bill_id = b.id), 0),"
			 " b.month, b.due_on FROM bills b WHERE b.lease_id BETWEEN $1 AND $2"
			 " AND b.due_on < $3 AND b.state IN ('open', 'part_paid')"
			 " ORDER BY b.lease_id, b.due_on",
		      DB_ARGS(DB_I(lo), DB_I(hi), DB_I(day)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct bill_overdue){ .id = I(r, i, 0), .lease_id = I(r, i, 1),
			.principal_fen = I(r, i, 2), .outstanding_fen = I(r, i, 3),
			.charged_fen = I(r, i, 4), .month = (int)I(r, i, 5), .due_on = (int)I(r, i, 6) };
	*n = r->nrows;
	return GZF_OK;
}

int
bill_store_late_fee_add(struct db_conn *c, int64_t bill_id, int64_t charged_in, int64_t fee_fen,
			int counted_to, struct gzf_err *err)
{
	return db_exec(c, "INSERT INTO bill_late_fees (bill_id, charged_in, fee_fen, counted_to)"
			  " VALUES ($1, $2, $3, $4)",
		       DB_ARGS(DB_I(bill_id), DB_I(charged_in), DB_I(fee_fen), DB_I(counted_to)),
		       NULL, err);
}

int
bill_store_late_lines(struct db_conn *c, int64_t bill_id, struct bill_late_line **out, int *n,
		      struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT f.bill_id, f.fee_fen, b.month, b.due_on, f.counted_to"
			 " FROM bill_late_fees f JOIN bills b ON b.id = f.bill_id"
			 " WHERE f.charged_in = $1 ORDER BY b.month",
		      DB_ARGS(DB_I(bill_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct bill_late_line){ .bill_id = I(r, i, 0), .fee_fen = I(r, i, 1),
			.month = (int)I(r, i, 2), .due_on = (int)I(r, i, 3),
			.counted_to = (int)I(r, i, 4) };
	*n = r->nrows;
	return GZF_OK;
}

int
bill_store_run_start(struct db_conn *c, int64_t city_id, int month, int64_t by, int64_t now,
		     int64_t *id, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "INSERT INTO billing_runs (city_id, month, state, started_by, started_at)"
			 " VALUES ($1, $2, 'running', $3, $4) ON CONFLICT (city_id, month) DO UPDATE"
			 " SET state = 'running', started_by = excluded.started_by,"
			 " started_at = excluded.started_at RETURNING id",
		      DB_ARGS(DB_I(city_id), DB_I(month), DB_I(by), DB_I(now)), &r, err);
	if (rc == GZF_OK)
		*id = I(r, 0, 0);
	return rc;
}

int
bill_store_run_add(struct db_conn *c, int64_t id, int64_t seen, int64_t issued, int64_t amount_fen,
		   struct gzf_err *err)
{
	return db_exec(c, "UPDATE billing_runs SET leases_seen = leases_seen + $2,"
			  " bills_issued = bills_issued + $3, amount_fen = amount_fen + $4 WHERE id = $1",
		       DB_ARGS(DB_I(id), DB_I(seen), DB_I(issued), DB_I(amount_fen)), NULL, err);
}

int
bill_store_run_finish(struct db_conn *c, int64_t id, int64_t now, struct gzf_err *err)
{
	return db_exec(c, "UPDATE billing_runs SET state = 'done', finished_at = $2 WHERE id = $1",
		       DB_ARGS(DB_I(id), DB_I(now)), NULL, err);
}

int
bill_store_runs(struct db_conn *c, int64_t city_id, int max, struct billing_run_row **out, int *n,
		struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT id, city_id, started_by, leases_seen, bills_issued, amount_fen,"
			 " started_at, finished_at, month, state FROM billing_runs WHERE city_id = $1"
			 " ORDER BY month DESC LIMIT $2", DB_ARGS(DB_I(city_id), DB_I(max)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct billing_run_row){ .id = I(r, i, 0), .city_id = I(r, i, 1),
			.started_by = I(r, i, 2), .leases_seen = I(r, i, 3),
			.bills_issued = I(r, i, 4), .amount_fen = I(r, i, 5),
			.started_at = I(r, i, 6), .finished_at = I(r, i, 7),
			.month = (int)I(r, i, 8), .state = T(r, i, 9) };
	*n = r->nrows;
	return GZF_OK;
}

int
bill_store_arrears(struct db_conn *c, int64_t city_id, const char *region_path, int day, int max,
		   struct arrears_row **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT l.id, l.owner_id, l.application_id, l.region_code, l.lease_no,"
			 " l.region_path, COUNT(*), MIN(b.due_on),"
			 " SUM(b.amount_fen - b.paid_fen - b.waived_fen)"
			 " FROM bills b JOIN leases l ON l.id = b.lease_id"
			 " WHERE b.city_id = $1 AND b.state IN ('open', 'part_paid') AND b.due_on < $2"
			 " AND l.region_path LIKE $3 || '%'"
			 " GROUP BY l.id, l.owner_id, l.application_id, l.region_code, l.lease_no,"
			 " l.region_path ORDER BY COUNT(*) DESC, l.id LIMIT $4",
		      DB_ARGS(DB_I(city_id), DB_I(day), DB_T(region_path ? region_path : ""),
			      DB_I(max)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct arrears_row){ .lease_id = I(r, i, 0), .owner_id = I(r, i, 1),
			.application_id = I(r, i, 2), .region_code = I(r, i, 3),
			.lease_no = T(r, i, 4), .region_path = T(r, i, 5), .months = (int)I(r, i, 6),
			.oldest_due = (int)I(r, i, 7), .owed_fen = I(r, i, 8) };
	*n = r->nrows;
	return GZF_OK;
}

int
bill_store_reminder_last(struct db_conn *c, int64_t lease_id, int *day, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT COALESCE(MAX(sent_on), 0) FROM arrears_reminders WHERE lease_id = $1",
		      DB_ARGS(DB_I(lease_id)), &r, err);
	if (rc == GZF_OK)
		*day = (int)I(r, 0, 0);
	return rc;
}

int
bill_store_reminder_add(struct db_conn *c, int64_t lease_id, int day, int months, int64_t owed_fen,
			struct gzf_err *err)
{
	return db_exec(c, "INSERT INTO arrears_reminders (lease_id, sent_on, months, owed_fen)"
			  " VALUES ($1, $2, $3, $4)",
		       DB_ARGS(DB_I(lease_id), DB_I(day), DB_I(months), DB_I(owed_fen)), NULL, err);
}

int
bill_store_exit_trigger_add(struct db_conn *c, int64_t city_id, const struct arrears_row *a,
			    const char *reason, int64_t now, int *created, struct gzf_err *err)
{
	int64_t changes = 0;
	int rc;

	rc = db_exec(c, "INSERT INTO exit_triggers (city_id, lease_id, application_id, owner_id,"
			" region_code, region_path, reason, months, owed_fen, raised_at)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
			" ON CONFLICT (lease_id, reason) DO NOTHING",
		     DB_ARGS(DB_I(city_id), DB_I(a->lease_id), DB_I(a->application_id),
			     DB_I(a->owner_id), DB_I(a->region_code), DB_T(a->region_path),
			     DB_T(reason), DB_I(a->months), DB_I(a->owed_fen), DB_I(now)),
		     &changes, err);
	if (rc == GZF_OK)
		*created = changes > 0;
	return rc;
}

int
bill_store_exit_triggers(struct db_conn *c, int64_t city_id, const char *region_path, int max,
			 struct exit_trigger_row **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT t.id, t.lease_id, t.owner_id, t.region_code, t.owed_fen, t.raised_at,"
			 " l.lease_no, t.reason, t.state, t.months FROM exit_triggers t"
			 " JOIN leases l ON l.id = t.lease_id WHERE t.city_id = $1 AND t.state = 'open'"
			 " AND t.region_path LIKE $2 || '%' ORDER BY t.id DESC LIMIT $3",
		      DB_ARGS(DB_I(city_id), DB_T(region_path ? region_path : ""), DB_I(max)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct exit_trigger_row){ .id = I(r, i, 0), .lease_id = I(r, i, 1),
			.owner_id = I(r, i, 2), .region_code = I(r, i, 3), .owed_fen = I(r, i, 4),
			.raised_at = I(r, i, 5), .lease_no = T(r, i, 6), .reason = T(r, i, 7),
			.state = T(r, i, 8), .months = (int)I(r, i, 9) };
	*n = r->nrows;
	return GZF_OK;
}
