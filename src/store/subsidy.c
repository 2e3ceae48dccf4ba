/*
 * subsidy.c — the rows of subsidy_formulas, subsidy_entitlements, subsidy_amounts,
 * subsidy_batches, subsidy_lines and subsidy_files (subsidy_store.h).
 */
#include "store/subsidy_store.h"

#include <stdio.h>
#include <string.h>

#define ENT_COLUMNS "id, city_id, application_id, owner_id, region_code, region_path, state," \
		    " reason, start_month, monthly_fen, bank_name, holder_enc, account_enc," \
		    " account_last4, version, created_by, created_at, updated_at"
#define BATCH_COLUMNS "id, city_id, batch_no, month, state, lines, files, files_done, total_fen," \
		      " computed_by, checked_by, approved_by, sent_by, computed_at, checked_at," \
		      " approved_at, sent_at, closed_at, version"
#define LINE_COLUMNS "l.id, l.batch_id, l.entitlement_id, l.file_no, l.seq, l.month, l.amount_fen," \
		     " l.holder_enc, l.account_enc, l.account_last4, l.state, l.reason, l.exception," \
		     " l.result_at, b.batch_no"

static void ent_row(const struct db_res *r, int i, struct subsidy_entitlement *e);
static void batch_row(const struct db_res *r, int i, struct subsidy_batch *b);
static int lines_of(struct db_conn *c, struct db_res *r, struct subsidy_line **out, int *n);

int
subsidy_store_formula_get(struct db_conn *c, int64_t city_id, const char **text,
			  struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT formula FROM subsidy_formulas WHERE city_id = $1",
		      DB_ARGS(DB_I(city_id)), &r, err);
	if (rc == GZF_OK)
		*text = r->nrows ? db_res_text(r, 0, 0) : NULL;
	return rc;
}

int
subsidy_store_formula_put(struct db_conn *c, int64_t city_id, const char *text, int64_t by,
			  int64_t now, struct gzf_err *err)
{
	int rc;

	rc = db_exec(c, "DELETE FROM subsidy_formulas WHERE city_id = $1", DB_ARGS(DB_I(city_id)),
		     NULL, err);
	if (rc != GZF_OK)
		return rc;
	return db_exec(c, "INSERT INTO subsidy_formulas (city_id, formula, updated_by, updated_at)"
			  " VALUES ($1, $2, $3, $4)",
		       DB_ARGS(DB_I(city_id), DB_T(text), DB_I(by), DB_I(now)), NULL, err);
}

static void
ent_row(const struct db_res *r, int i, struct subsidy_entitlement *e)
{
	e->id = db_res_int(r, i, 0);
	e->city_id = db_res_int(r, i, 1);
	e->application_id = db_res_int(r, i, 2);
	e->owner_id = db_res_int(r, i, 3);
	e->region_code = db_res_int(r, i, 4);
	e->region_path = db_res_text(r, i, 5);
	e->state = db_res_text(r, i, 6);
	e->reason = db_res_text(r, i, 7);
	e->start_month = (int)db_res_int(r, i, 8);
	e->monthly_fen = db_res_int(r, i, 9);
	e->bank_name = db_res_text(r, i, 10);
	e->holder_enc = db_res_text(r, i, 11);
	e->account_enc = db_res_text(r, i, 12);
	e->account_last4 = db_res_text(r, i, 13);
	e->version = (int)db_res_int(r, i, 14);
	e->created_by = db_res_int(r, i, 15);
	e->created_at = db_res_int(r, i, 16);
	e->updated_at = db_res_int(r, i, 17);
}

int
subsidy_store_entitlement_create(struct db_conn *c, struct subsidy_entitlement *e,
				 struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "INSERT INTO subsidy_entitlements (city_id, application_id, owner_id,"
			 " region_code, region_path, state, reason, start_month, monthly_fen, bank_name,"
			 " holder_enc, account_enc, account_last4, version, created_by, created_at,"
			 " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
			 " 1, $14, $15, $15) RETURNING id",
		      DB_ARGS(DB_I(e->city_id), DB_I(e->application_id), DB_I(e->owner_id),
			      DB_I(e->region_code), DB_T(e->region_path), DB_T(e->state),
			      DB_T(e->reason), DB_I(e->start_month), DB_I(e->monthly_fen),
			      DB_T(e->bank_name), DB_T(e->holder_enc), DB_T(e->account_enc),
			      DB_T(e->account_last4), DB_I(e->created_by), DB_I(e->created_at)), &r, err);
	if (db_is_duplicate(rc, err))
		return gzf_err_set(err, GZF_ECONFLICT, "entitlement_exists", "application_id",
				   "the application has an entitlement already");
	if (rc == GZF_OK) {
		e->id = db_res_int(r, 0, 0);
		e->version = 1;
		e->updated_at = e->created_at;
	}
	return rc;
}

int
subsidy_store_entitlement_get(struct db_conn *c, int64_t id, struct subsidy_entitlement *out,
			      struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " ENT_COLUMNS " FROM subsidy_entitlements WHERE id = $1",
		      DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "not_found", NULL, "no such entitlement");
	ent_row(r, 0, out);
	return GZF_OK;
}

int
subsidy_store_entitlement_put(struct db_conn *c, struct subsidy_entitlement *e, int64_t now,
			      struct gzf_err *err)
{
	int64_t changed;
	int rc;

	rc = db_exec(c, "UPDATE subsidy_entitlements SET state = $3, reason = $4, monthly_fen = $5,"
			" bank_name = $6, holder_enc = $7, account_enc = $8, account_last4 = $9,"
			" version = version + 1, updated_at = $10 WHERE id = $1 AND version = $2",
		     DB_ARGS(DB_I(e->id), DB_I(e->version), DB_T(e->state), DB_T(e->reason),
			     DB_I(e->monthly_fen), DB_T(e->bank_name), DB_T(e->holder_enc),
			     DB_T(e->account_enc), DB_T(e->account_last4), DB_I(now)), &changed, err);
	if (rc != GZF_OK)
		return rc;
	if (changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "version_conflict", "version",
				   "the entitlement was changed meanwhile; reload it");
	e->version++;
	e->updated_at = now;
	return GZF_OK;
}

int
subsidy_store_entitlement_list(struct db_conn *c, int64_t city_id, const char *state, int offset,
			       int limit, struct subsidy_entitlement **out, int *n, int64_t *total,
			       struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT COUNT(*) FROM subsidy_entitlements WHERE city_id = $1"
			 " AND ($2 = '' OR state = $2)",
		      DB_ARGS(DB_I(city_id), DB_T(state ? state : "")), &r, err);
	if (rc != GZF_OK)
		return rc;
	*total = db_res_int(r, 0, 0);
	rc = db_query(c, "SELECT " ENT_COLUMNS " FROM subsidy_entitlements WHERE city_id = $1"
			 " AND ($2 = '' OR state = $2) ORDER BY id DESC LIMIT $3 OFFSET $4",
		      DB_ARGS(DB_I(city_id), DB_T(state ? state : ""), DB_I(limit), DB_I(offset)),
		      &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows ? r->nrows : 1));
	for (i = 0; i < r->nrows; i++)
		ent_row(r, i, &(*out)[i]);
	return GZF_OK;
}

int
subsidy_store_entitlement_of_owner(struct db_conn *c, int64_t owner_id,
				   struct subsidy_entitlement **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT " ENT_COLUMNS " FROM subsidy_entitlements WHERE owner_id = $1"
			 " ORDER BY id DESC LIMIT 20", DB_ARGS(DB_I(owner_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows ? r->nrows : 1));
	for (i = 0; i < r->nrows; i++)
		ent_row(r, i, &(*out)[i]);
	return GZF_OK;
}

int
subsidy_store_amount_add(struct db_conn *c, const struct subsidy_amount *a, struct gzf_err *err)
{
	return db_exec(c, "INSERT INTO subsidy_amounts (entitlement_id, effective_month, monthly_fen,"
			  " figures, calc, cause, created_by, created_at)"
			  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
		       DB_ARGS(DB_I(a->entitlement_id), DB_I(a->effective_month), DB_I(a->monthly_fen),
			       DB_T(a->figures), DB_T(a->calc), DB_T(a->cause), DB_I(a->created_by),
			       DB_I(a->created_at)), NULL, err);
}

int
subsidy_store_amounts(struct db_conn *c, int64_t entitlement_id, struct subsidy_amount **out,
		      int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT id, entitlement_id, effective_month, monthly_fen, figures, calc,"
			 " cause, created_by, created_at FROM subsidy_amounts WHERE entitlement_id = $1"
			 " ORDER BY effective_month, id LIMIT 200", DB_ARGS(DB_I(entitlement_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows ? r->nrows : 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct subsidy_amount){
			.id = db_res_int(r, i, 0), .entitlement_id = db_res_int(r, i, 1),
			.effective_month = (int)db_res_int(r, i, 2), .monthly_fen = db_res_int(r, i, 3),
			.figures = db_res_text(r, i, 4), .calc = db_res_text(r, i, 5),
			.cause = db_res_text(r, i, 6), .created_by = db_res_int(r, i, 7),
			.created_at = db_res_int(r, i, 8),
		};
	return GZF_OK;
}

static void
batch_row(const struct db_res *r, int i, struct subsidy_batch *b)
{
	b->id = db_res_int(r, i, 0);
	b->city_id = db_res_int(r, i, 1);
	b->batch_no = db_res_text(r, i, 2);
	b->month = (int)db_res_int(r, i, 3);
	b->state = db_res_text(r, i, 4);
	b->lines = (int)db_res_int(r, i, 5);
	b->files = (int)db_res_int(r, i, 6);
	b->files_done = (int)db_res_int(r, i, 7);
	b->total_fen = db_res_int(r, i, 8);
	b->computed_by = db_res_int(r, i, 9);
	b->checked_by = db_res_int(r, i, 10);
	b->approved_by = db_res_int(r, i, 11);
	b->sent_by = db_res_int(r, i, 12);
	b->computed_at = db_res_int(r, i, 13);
	b->checked_at = db_res_int(r, i, 14);
	b->approved_at = db_res_int(r, i, 15);
	b->sent_at = db_res_int(r, i, 16);
	b->closed_at = db_res_int(r, i, 17);
	b->version = (int)db_res_int(r, i, 18);
}

int
subsidy_store_batch_create(struct db_conn *c, struct subsidy_batch *b, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT 1 FROM subsidy_batches WHERE city_id = $1 AND month = $2"
			 " AND state <> 'cancelled'", DB_ARGS(DB_I(b->city_id), DB_I(b->month)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows > 0)
		return gzf_err_set(err, GZF_ECONFLICT, "batch_exists", "month",
				   "the city has a batch for %d already", b->month);
	rc = db_query(c, "INSERT INTO subsidy_batches (city_id, batch_no, month, state, computed_by,"
			 " computed_at, version) VALUES ($1, $2, $3, 'computed', $4, $5, 1) RETURNING id",
		      DB_ARGS(DB_I(b->city_id), DB_T(b->batch_no), DB_I(b->month),
			      DB_I(b->computed_by), DB_I(b->computed_at)), &r, err);
	if (rc == GZF_OK) {
		b->id = db_res_int(r, 0, 0);
		b->version = 1;
		b->state = "computed";
	}
	return rc;
}

int
subsidy_store_batch_get(struct db_conn *c, int64_t id, struct subsidy_batch *out,
			struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " BATCH_COLUMNS " FROM subsidy_batches WHERE id = $1",
		      DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "not_found", NULL, "no such batch");
	batch_row(r, 0, out);
	return GZF_OK;
}

int
subsidy_store_batch_put(struct db_conn *c, struct subsidy_batch *b, struct gzf_err *err)
{
	int64_t changed;
	int rc;

	rc = db_exec(c, "UPDATE subsidy_batches SET state = $3, lines = $4, files = $5,"
			" files_done = $6, total_fen = $7, checked_by = $8, approved_by = $9,"
			" sent_by = $10, checked_at = $11, approved_at = $12, sent_at = $13,"
			" closed_at = $14, version = version + 1 WHERE id = $1 AND version = $2",
		     DB_ARGS(DB_I(b->id), DB_I(b->version), DB_T(b->state), DB_I(b->lines),
			     DB_I(b->files), DB_I(b->files_done), DB_I(b->total_fen),
			     DB_I(b->checked_by), DB_I(b->approved_by), DB_I(b->sent_by),
			     DB_I(b->checked_at), DB_I(b->approved_at), DB_I(b->sent_at),
			     DB_I(b->closed_at)), &changed, err);
	if (rc != GZF_OK)
		return rc;
	if (changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "version_conflict", "version",
				   "the batch was changed meanwhile; reload it");
	b->version++;
	return GZF_OK;
}

int
subsidy_store_batch_list(struct db_conn *c, int64_t city_id, struct subsidy_batch **out, int *n,
			 struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT " BATCH_COLUMNS " FROM subsidy_batches WHERE city_id = $1"
			 " ORDER BY month DESC, id DESC LIMIT 120", DB_ARGS(DB_I(city_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows ? r->nrows : 1));
	for (i = 0; i < r->nrows; i++)
		batch_row(r, i, &(*out)[i]);
	return GZF_OK;
}

int
subsidy_store_batch_fill(struct db_conn *c, struct subsidy_batch *b, int per_file,
			 struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	/* The month's payments (each entitlement's latest amount in force, joined rather than
	 * looked up row by row), then the corrected exceptions, numbered together. */
	rc = db_exec(c,
		"INSERT INTO subsidy_lines (city_id, batch_id, file_no, seq, entitlement_id, month,"
		" amount_fen, holder_enc, account_enc, account_last4, state)"
		" SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), (rn - 1) / CAST($4 AS BIGINT) + 1,"
		" (rn - 1) % CAST($4 AS BIGINT) + 1, id, m, amt, holder_enc,"
		" account_enc, account_last4, 'pending' FROM ("
		"  SELECT x.*, ROW_NUMBER() OVER (ORDER BY x.k, x.id) AS rn FROM ("
		"   SELECT 0 AS k, e.id, CAST($3 AS INTEGER) AS m, am.monthly_fen AS amt,"
		"    e.holder_enc, e.account_enc, e.account_last4"
		"   FROM subsidy_entitlements e JOIN (SELECT entitlement_id, monthly_fen, ROW_NUMBER()"
		"     OVER (PARTITION BY entitlement_id ORDER BY effective_month DESC, id DESC) AS r"
		"     FROM subsidy_amounts WHERE effective_month <= $3) am"
		"    ON am.entitlement_id = e.id AND am.r = 1"
		"   WHERE e.city_id = $1 AND e.state = 'active'"
		"    AND e.start_month <= $3 AND NOT EXISTS (SELECT 1 FROM subsidy_lines o"
		"     WHERE o.entitlement_id = e.id AND o.month = $3 AND o.state <> 'failed')"
		"   UNION ALL"
		"   SELECT 1 AS k, e.id, f.month AS m, f.amount_fen AS amt, e.holder_enc,"
		"    e.account_enc, e.account_last4"
		"   FROM subsidy_lines f JOIN subsidy_entitlements e ON e.id = f.entitlement_id"
		"   WHERE f.city_id = $1 AND f.exception = 'corrected' AND e.state = 'active'"
		"    AND f.month <> $3 AND NOT EXISTS (SELECT 1 FROM subsidy_lines o"
		"     WHERE o.entitlement_id = f.entitlement_id AND o.month = f.month"
		"      AND o.state <> 'failed')"
		"  ) x WHERE x.amt > 0"
		" ) y",
		DB_ARGS(DB_I(b->city_id), DB_I(b->id), DB_I(b->month), DB_I(per_file)), NULL, err);
	if (rc != GZF_OK)
		return rc;
	rc = db_exec(c, "UPDATE subsidy_lines SET exception = 'reissued' WHERE city_id = $1"
			" AND exception = 'corrected' AND EXISTS (SELECT 1 FROM subsidy_lines n"
			" WHERE n.batch_id = $2 AND n.entitlement_id = subsidy_lines.entitlement_id"
			" AND n.month = subsidy_lines.month)",
		     DB_ARGS(DB_I(b->city_id), DB_I(b->id)), NULL, err);
	if (rc != GZF_OK)
		return rc;
	rc = db_query(c, "SELECT COUNT(*), COALESCE(SUM(amount_fen), 0), COALESCE(MAX(file_no), 0)"
			 " FROM subsidy_lines WHERE batch_id = $1", DB_ARGS(DB_I(b->id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	b->lines = (int)db_res_int(r, 0, 0);
	b->total_fen = db_res_int(r, 0, 1);
	b->files = (int)db_res_int(r, 0, 2);
	return GZF_OK;
}

int
subsidy_store_batch_empty(struct db_conn *c, const struct subsidy_batch *b, struct gzf_err *err)
{
	int rc;

	rc = db_exec(c, "UPDATE subsidy_lines SET exception = 'corrected' WHERE city_id = $1"
			" AND exception = 'reissued' AND EXISTS (SELECT 1 FROM subsidy_lines n"
			" WHERE n.batch_id = $2 AND n.entitlement_id = subsidy_lines.entitlement_id"
			" AND n.month = subsidy_lines.month)",
		     DB_ARGS(DB_I(b->city_id), DB_I(b->id)), NULL, err);
	if (rc != GZF_OK)
		return rc;
	return db_exec(c, "DELETE FROM subsidy_lines WHERE batch_id = $1", DB_ARGS(DB_I(b->id)), NULL,
		       err);
}

static int
lines_of(struct db_conn *c, struct db_res *r, struct subsidy_line **out, int *n)
{
	int i;

	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows ? r->nrows : 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct subsidy_line){
			.id = db_res_int(r, i, 0), .batch_id = db_res_int(r, i, 1),
			.entitlement_id = db_res_int(r, i, 2), .file_no = (int)db_res_int(r, i, 3),
			.seq = (int)db_res_int(r, i, 4), .month = (int)db_res_int(r, i, 5),
			.amount_fen = db_res_int(r, i, 6), .holder_enc = db_res_text(r, i, 7),
			.account_enc = db_res_text(r, i, 8), .account_last4 = db_res_text(r, i, 9),
			.state = db_res_text(r, i, 10), .reason = db_res_text(r, i, 11),
			.exception = db_res_text(r, i, 12), .result_at = db_res_int(r, i, 13),
			.batch_no = db_res_text(r, i, 14),
		};
	return GZF_OK;
}

int
subsidy_store_lines(struct db_conn *c, int64_t batch_id, int file_no, int offset, int limit,
		    struct subsidy_line **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " LINE_COLUMNS " FROM subsidy_lines l JOIN subsidy_batches b"
			 " ON b.id = l.batch_id WHERE l.batch_id = $1 AND ($2 = 0 OR l.file_no = $2)"
			 " ORDER BY l.file_no, l.seq LIMIT $3 OFFSET $4",
		      DB_ARGS(DB_I(batch_id), DB_I(file_no), DB_I(limit), DB_I(offset)), &r, err);
	return rc != GZF_OK ? rc : lines_of(c, r, out, n);
}

int
subsidy_store_lines_of(struct db_conn *c, int64_t entitlement_id, struct subsidy_line **out,
		       int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " LINE_COLUMNS " FROM subsidy_lines l JOIN subsidy_batches b"
			 " ON b.id = l.batch_id WHERE l.entitlement_id = $1"
			 " ORDER BY l.month DESC, l.id DESC LIMIT 120",
		      DB_ARGS(DB_I(entitlement_id)), &r, err);
	return rc != GZF_OK ? rc : lines_of(c, r, out, n);
}

int
subsidy_store_exceptions(struct db_conn *c, int64_t city_id, struct subsidy_line **out, int *n,
			 struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " LINE_COLUMNS " FROM subsidy_lines l JOIN subsidy_batches b"
			 " ON b.id = l.batch_id WHERE l.city_id = $1"
			 " AND l.exception IN ('open', 'corrected') ORDER BY l.id LIMIT 500",
		      DB_ARGS(DB_I(city_id)), &r, err);
	return rc != GZF_OK ? rc : lines_of(c, r, out, n);
}

int
subsidy_store_line_result(struct db_conn *c, int64_t batch_id, int file_no, int seq, int ok,
			  const char *reason, int64_t now, int *changed, struct gzf_err *err)
{
	int64_t n;
	int rc;

	rc = db_exec(c, "UPDATE subsidy_lines SET state = $4, reason = $5, exception = $6,"
			" result_at = $7 WHERE batch_id = $1 AND file_no = $2 AND seq = $3"
			" AND state = 'pending'",
		     DB_ARGS(DB_I(batch_id), DB_I(file_no), DB_I(seq), DB_T(ok ? "paid" : "failed"),
			     DB_T(ok ? "" : reason), DB_T(ok ? "" : "open"), DB_I(now)), &n, err);
	if (rc == GZF_OK)
		*changed = n > 0;
	return rc;
}

int
subsidy_store_exceptions_correct(struct db_conn *c, int64_t entitlement_id, struct gzf_err *err)
{
	return db_exec(c, "UPDATE subsidy_lines SET exception = 'corrected' WHERE entitlement_id = $1"
			  " AND exception = 'open'", DB_ARGS(DB_I(entitlement_id)), NULL, err);
}

int
subsidy_store_file_add(struct db_conn *c, int64_t batch_id, int file_no, const char *direction,
		       const char *sha256, int64_t bytes, int lines, int64_t total_fen, int64_t now,
		       struct gzf_err *err)
{
	return db_exec(c, "INSERT INTO subsidy_files (batch_id, file_no, direction, sha256, bytes,"
			  " lines, total_fen, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
		       DB_ARGS(DB_I(batch_id), DB_I(file_no), DB_T(direction), DB_T(sha256),
			       DB_I(bytes), DB_I(lines), DB_I(total_fen), DB_I(now)), NULL, err);
}

int
subsidy_store_file_sha(struct db_conn *c, int64_t batch_id, int file_no, const char *direction,
		       char out[65], struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT sha256 FROM subsidy_files WHERE batch_id = $1 AND file_no = $2"
			 " AND direction = $3", DB_ARGS(DB_I(batch_id), DB_I(file_no), DB_T(direction)),
		      &r, err);
	if (rc == GZF_OK) {
		out[0] = '\0';
		if (r->nrows > 0)
			snprintf(out, 65, "%s", db_res_text(r, 0, 0));
	}
	return rc;
}

int
subsidy_store_files(struct db_conn *c, int64_t batch_id, json_t **out, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT file_no, direction, sha256, bytes, lines, total_fen, created_at"
			 " FROM subsidy_files WHERE batch_id = $1 ORDER BY file_no, direction DESC",
		      DB_ARGS(DB_I(batch_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = json_array();
	for (i = 0; i < r->nrows; i++)
		json_array_append_new(*out, json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I}",
			"file_no", (json_int_t)db_res_int(r, i, 0), "direction", db_res_text(r, i, 1),
			"sha256", db_res_text(r, i, 2), "bytes", (json_int_t)db_res_int(r, i, 3),
			"lines", (json_int_t)db_res_int(r, i, 4),
			"total_fen", (json_int_t)db_res_int(r, i, 5),
			"created_at", (json_int_t)db_res_int(r, i, 6)));
	return GZF_OK;
}
