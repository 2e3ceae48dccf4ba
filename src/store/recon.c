/*
 * recon.c — the rows of recon_runs and recon_lines, and the reads of bank_orders that
 * reconciliation needs (recon_store.h). Lines go in with multi-row INSERTs of LINE_BATCH
 * rows, prepared once per connection: a day of 100,000 lines is 200 statements.
 */
#include "store/recon_store.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define LINE_BATCH 500
#define LINE_COLS 13
_Static_assert(LINE_BATCH * LINE_COLS <= DB_MAX_ARGS, "a batch of lines is one statement");
#define RUN_COLUMNS "id, city_id, day, state, reason, file_rows, file_total_fen, bank_rows," \
		    " bank_total_fen, gzf_rows, gzf_total_fen, matched, amount_mismatch, bank_only," \
		    " gzf_only, open_exceptions, created_by, version, created_at, updated_at"
/* One text for every filter of recon_store_lines_list: an absent member matches all. */
#define LINE_WHERE " FROM recon_lines WHERE (($1 > 0 AND run_id = $1) OR" \
		   " ($1 = 0 AND city_id = $2)) AND ($3 = '' OR kind = $3)" \
		   " AND ($4 = '' OR status = $4) AND ($5 = 0 OR assignee_id = $5)"
#define LINE_COLUMNS "id, run_id, city_id, day, kind, type, order_no, bank_txn_id, refund_no," \
		     " bank_fen, gzf_fen, bank_time, status, assignee_id, resolution, note," \
		     " resolved_by, resolved_at, version"

static void run_read(const struct db_res *r, int row, struct recon_run *out);
static void line_read(const struct db_res *r, int row, struct recon_line *out);
static const char *batch_sql(struct arena *a, int rows);

static void
run_read(const struct db_res *r, int row, struct recon_run *out)
{
	int k;

	out->id = db_res_int(r, row, 0);
	out->city_id = db_res_int(r, row, 1);
	out->day = (int)db_res_int(r, row, 2);
	out->state = db_res_text(r, row, 3);
	out->reason = db_res_text(r, row, 4);
	out->file_rows = (int)db_res_int(r, row, 5);
	out->file_total_fen = db_res_int(r, row, 6);
	out->bank_rows = (int)db_res_int(r, row, 7);
	out->bank_total_fen = db_res_int(r, row, 8);
	out->gzf_rows = (int)db_res_int(r, row, 9);
	out->gzf_total_fen = db_res_int(r, row, 10);
	for (k = 0; k < 4; k++)
		out->counts[k] = (int)db_res_int(r, row, 11 + k);
	out->open_exceptions = (int)db_res_int(r, row, 15);
	out->created_by = db_res_int(r, row, 16);
	out->version = (int)db_res_int(r, row, 17);
	out->created_at = db_res_int(r, row, 18);
	out->updated_at = db_res_int(r, row, 19);
}

static void
line_read(const struct db_res *r, int row, struct recon_line *out)
{
	out->id = db_res_int(r, row, 0);
	out->run_id = db_res_int(r, row, 1);
	out->city_id = db_res_int(r, row, 2);
	out->day = (int)db_res_int(r, row, 3);
	out->kind = db_res_text(r, row, 4);
	out->type = db_res_text(r, row, 5);
	out->order_no = db_res_text(r, row, 6);
	out->bank_txn_id = db_res_text(r, row, 7);
	out->refund_no = db_res_text(r, row, 8);
	out->bank_fen = db_res_int(r, row, 9);
	out->gzf_fen = db_res_int(r, row, 10);
	out->bank_time = db_res_text(r, row, 11);
	out->status = db_res_text(r, row, 12);
	out->assignee_id = db_res_int(r, row, 13);
	out->resolution = db_res_text(r, row, 14);
	out->note = db_res_text(r, row, 15);
	out->resolved_by = db_res_int(r, row, 16);
	out->resolved_at = db_res_int(r, row, 17);
	out->version = (int)db_res_int(r, row, 18);
}

int
recon_store_orders_of_day(struct db_conn *c, int64_t city_id, int64_t from, int64_t to,
			  struct recon_order **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT order_no, bank_txn_id, status, city_id, amount_fen, refunded_fen,"
			 " paid_at FROM bank_orders WHERE city_id = $1 AND paid_at >= $2 AND paid_at < $3"
			 " AND status = 'paid'",
		      DB_ARGS(DB_I(city_id), DB_I(from), DB_I(to)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++) {
		struct recon_order *o = &(*out)[i];

		o->order_no = db_res_text(r, i, 0);
		o->bank_txn_id = db_res_text(r, i, 1);
		o->status = db_res_text(r, i, 2);
		o->city_id = db_res_int(r, i, 3);
		o->amount_fen = db_res_int(r, i, 4);
		o->refunded_fen = db_res_int(r, i, 5);
		o->paid_at = db_res_int(r, i, 6);
	}
	return GZF_OK;
}

int
recon_store_cities(struct db_conn *c, int64_t **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT DISTINCT city_id FROM bank_orders WHERE paid_at IS NOT NULL"
			 " ORDER BY city_id", DB_NOARGS, &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = db_res_int(r, i, 0);
	return GZF_OK;
}

int
recon_store_claimed(struct db_conn *c, int day, int64_t city_id, const char ***out, int *n,
		    struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT bank_txn_id FROM recon_lines WHERE day = $1 AND city_id <> $2"
			 " AND kind = 'bank_only' ORDER BY bank_txn_id",
		      DB_ARGS(DB_I(day), DB_I(city_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = db_res_text(r, i, 0);
	return GZF_OK;
}

int
recon_store_run_add(struct db_conn *c, struct recon_run *r, struct gzf_err *err)
{
	struct db_res *res;
	int rc;

	rc = db_query(c, "INSERT INTO recon_runs (city_id, day, state, reason, created_by, created_at,"
			 " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
		      DB_ARGS(DB_I(r->city_id), DB_I(r->day), DB_T(r->state), DB_T(r->reason),
			      DB_I(r->created_by), DB_I(r->created_at)), &res, err);
	if (rc != GZF_OK)
		return rc;
	r->id = db_res_int(res, 0, 0);
	r->version = 1;
	r->updated_at = r->created_at;
	return GZF_OK;
}

int
recon_store_run_put(struct db_conn *c, struct recon_run *r, int64_t now, struct gzf_err *err)
{
	int64_t changed;
	int rc;

	rc = db_exec(c, "UPDATE recon_runs SET state = $3, reason = $4, file_rows = $5,"
			" file_total_fen = $6, bank_rows = $7, bank_total_fen = $8, gzf_rows = $9,"
			" gzf_total_fen = $10, matched = $11, amount_mismatch = $12, bank_only = $13,"
			" gzf_only = $14, open_exceptions = $15, updated_at = $16, version = version + 1"
			" WHERE id = $1 AND version = $2",
		     DB_ARGS(DB_I(r->id), DB_I(r->version), DB_T(r->state), DB_T(r->reason),
			     DB_I(r->file_rows), DB_I(r->file_total_fen), DB_I(r->bank_rows),
			     DB_I(r->bank_total_fen), DB_I(r->gzf_rows), DB_I(r->gzf_total_fen),
			     DB_I(r->counts[0]), DB_I(r->counts[1]), DB_I(r->counts[2]),
			     DB_I(r->counts[3]), DB_I(r->open_exceptions), DB_I(now)), &changed, err);
	if (rc != GZF_OK)
		return rc;
	if (changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "version_conflict", "version",
				   "the reconciliation changed in the meantime: reload it");
	r->version++;
	r->updated_at = now;
	return GZF_OK;
}

int
recon_store_run_get(struct db_conn *c, int64_t id, struct recon_run *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " RUN_COLUMNS " FROM recon_runs WHERE id = $1", DB_ARGS(DB_I(id)),
		      &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "run_not_found", NULL, "no such reconciliation");
	run_read(r, 0, out);
	return GZF_OK;
}

int
recon_store_run_of_day(struct db_conn *c, int64_t city_id, int day, struct recon_run *out,
		       struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " RUN_COLUMNS " FROM recon_runs WHERE city_id = $1 AND day = $2",
		      DB_ARGS(DB_I(city_id), DB_I(day)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "run_not_found", NULL,
				   "the day has not been reconciled");
	run_read(r, 0, out);
	return GZF_OK;
}

int
recon_store_runs_list(struct db_conn *c, int64_t city_id, int offset, int limit,
		      struct recon_run **out, int *n, int *total, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT COUNT(*) FROM recon_runs WHERE city_id = $1",
		      DB_ARGS(DB_I(city_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*total = (int)db_res_int(r, 0, 0);
	rc = db_query(c, "SELECT " RUN_COLUMNS " FROM recon_runs WHERE city_id = $1"
			 " ORDER BY day DESC LIMIT $2 OFFSET $3",
		      DB_ARGS(DB_I(city_id), DB_I(limit), DB_I(offset)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		run_read(r, i, &(*out)[i]);
	return GZF_OK;
}

/* The INSERT of rows lines (arena a): the same text for every full batch, so it is
 * prepared once per connection. */
static const char *
batch_sql(struct arena *a, int rows)
{
	static const char head[] = "INSERT INTO recon_lines (run_id, city_id, day, kind, type,"
				   " order_no, bank_txn_id, refund_no, bank_fen, gzf_fen, bank_time,"
				   " status, version) VALUES ";
	size_t cap = sizeof(head) + (size_t)rows * LINE_COLS * 8 + 16, len;
	char *sql = arena_alloc(a, cap);
	int i, k, p = 1;

	len = (size_t)snprintf(sql, cap, "%s", head);
	for (i = 0; i < rows; i++) {
		len += (size_t)snprintf(sql + len, cap - len, "%s(", i ? ", " : "");
		for (k = 0; k < LINE_COLS; k++)
			len += (size_t)snprintf(sql + len, cap - len, "%s$%d", k ? ", " : "", p++);
		len += (size_t)snprintf(sql + len, cap - len, ")");
	}
	assert(len < cap);
	return sql;
}

int
recon_store_lines_add(struct db_conn *c, const struct recon_run *r,
		      const struct recon_line *lines, int n, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	struct db_val *args = arena_alloc(a, sizeof(*args) * LINE_BATCH * LINE_COLS);
	const char *full = NULL;
	int done = 0, rc = GZF_OK;

	while (rc == GZF_OK && done < n) {
		int rows = n - done < LINE_BATCH ? n - done : LINE_BATCH, i;
		struct db_val *v = args;

		for (i = 0; i < rows; i++) {
			const struct recon_line *l = &lines[done + i];

			*v++ = DB_I(r->id);
			*v++ = DB_I(r->city_id);
			*v++ = DB_I(r->day);
			*v++ = DB_T(l->kind);
			*v++ = DB_T(l->type);
			*v++ = DB_T(l->order_no);
			*v++ = DB_T(l->bank_txn_id);
			*v++ = DB_T(l->refund_no);
			*v++ = DB_I(l->bank_fen);
			*v++ = DB_I(l->gzf_fen);
			*v++ = DB_T(l->bank_time);
			*v++ = DB_T(l->status);
			*v++ = DB_I(1);
		}
		if (rows == LINE_BATCH && full == NULL)
			full = batch_sql(a, LINE_BATCH);
		rc = db_exec(c, rows == LINE_BATCH ? full : batch_sql(a, rows), args,
			     rows * LINE_COLS, NULL, err);
		done += rows;
	}
	return rc;
}

int
recon_store_lines_list(struct db_conn *c, const struct recon_filter *f, int offset, int limit,
		       struct recon_line **out, int *n, int *total, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT COUNT(*)" LINE_WHERE,
		      DB_ARGS(DB_I(f->run_id), DB_I(f->city_id), DB_T(f->kind ? f->kind : ""),
			      DB_T(f->status ? f->status : ""), DB_I(f->assignee_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*total = (int)db_res_int(r, 0, 0);
	rc = db_query(c, "SELECT " LINE_COLUMNS LINE_WHERE " ORDER BY id LIMIT $6 OFFSET $7",
		      DB_ARGS(DB_I(f->run_id), DB_I(f->city_id), DB_T(f->kind ? f->kind : ""),
			      DB_T(f->status ? f->status : ""), DB_I(f->assignee_id), DB_I(limit),
			      DB_I(offset)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		line_read(r, i, &(*out)[i]);
	return GZF_OK;
}

int
recon_store_line_get(struct db_conn *c, int64_t id, struct recon_line *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " LINE_COLUMNS " FROM recon_lines WHERE id = $1", DB_ARGS(DB_I(id)),
		      &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "exception_not_found", NULL,
				   "no such reconciliation line");
	line_read(r, 0, out);
	return GZF_OK;
}

int
recon_store_line_put(struct db_conn *c, struct recon_line *l, struct gzf_err *err)
{
	int64_t changed;
	int rc;

	rc = db_exec(c, "UPDATE recon_lines SET status = $3, assignee_id = $4, resolution = $5,"
			" note = $6, resolved_by = $7, resolved_at = $8, version = version + 1"
			" WHERE id = $1 AND version = $2",
		     DB_ARGS(DB_I(l->id), DB_I(l->version), DB_T(l->status), DB_I(l->assignee_id),
			     DB_T(l->resolution), DB_T(l->note), DB_I(l->resolved_by),
			     DB_I(l->resolved_at)), &changed, err);
	if (rc != GZF_OK)
		return rc;
	if (changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "version_conflict", "version",
				   "the exception changed in the meantime: reload it");
	l->version++;
	return GZF_OK;
}
