/*
 * refund.c — the rows of refunds and the live refunds of rent_payments (058).
 */
#include "store/refund_store.h"

#include <assert.h>

#define REFUND_COLUMNS "r.id, r.city_id, r.payment_id, r.lease_id, r.refund_no, r.order_no," \
		       " r.amount_fen, r.reason, r.state, r.failure, r.notify_url, r.bank_txn_id," \
		       " r.requested_by, r.created_at, r.updated_at, r.done_at, l.lease_no"
#define REFUND_FROM " FROM refunds r JOIN leases l ON l.id = r.lease_id"

static void
refund_read(const struct db_res *res, int i, struct refund *r)
{
	r->id = db_res_int(res, i, 0);
	r->city_id = db_res_int(res, i, 1);
	r->payment_id = db_res_int(res, i, 2);
	r->lease_id = db_res_int(res, i, 3);
	r->refund_no = db_res_text(res, i, 4);
	r->order_no = db_res_text(res, i, 5);
	r->amount_fen = db_res_int(res, i, 6);
	r->reason = db_res_text(res, i, 7);
	r->state = db_res_text(res, i, 8);
	r->failure = db_res_text(res, i, 9);
	r->notify_url = db_res_text(res, i, 10);
	r->bank_txn_id = db_res_isnull(res, i, 11) ? NULL : db_res_text(res, i, 11);
	r->requested_by = db_res_int(res, i, 12);
	r->created_at = db_res_int(res, i, 13);
	r->updated_at = db_res_int(res, i, 14);
	r->done_at = db_res_int(res, i, 15);
	r->lease_no = db_res_text(res, i, 16);
}

int
refund_store_payment(struct db_conn *c, int64_t id, struct refund_payment *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT p.id, p.city_id, p.lease_id, p.payer_id, p.order_no, l.lease_no,"
			 " l.region_path, l.region_code, p.amount_fen, p.refunds_fen,"
			 " COALESCE(o.refunded_fen, 0)"
			 " FROM rent_payments p JOIN leases l ON l.id = p.lease_id"
			 " LEFT JOIN bank_orders o ON o.order_no = p.order_no WHERE p.id = $1",
		      DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "payment_not_found", NULL, "no payment %lld",
				   (long long)id);
	out->id = db_res_int(r, 0, 0);
	out->city_id = db_res_int(r, 0, 1);
	out->lease_id = db_res_int(r, 0, 2);
	out->payer_id = db_res_int(r, 0, 3);
	out->order_no = db_res_text(r, 0, 4);
	out->lease_no = db_res_text(r, 0, 5);
	out->region_path = db_res_text(r, 0, 6);
	out->region_code = db_res_int(r, 0, 7);
	out->amount_fen = db_res_int(r, 0, 8);
	out->refunds_fen = db_res_int(r, 0, 9);
	out->refunded_fen = db_res_int(r, 0, 10);
	return GZF_OK;
}

int
refund_store_hold(struct db_conn *c, int64_t payment_id, int64_t delta_fen, int *ok,
		  struct gzf_err *err)
{
	int64_t changes = 0;
	int rc;

	/* One statement: on PostgreSQL a second writer waits for the row and then sees the
	 * first one's sum; the column's CHECK says the same again. */
	rc = db_exec(c, "UPDATE rent_payments SET refunds_fen = refunds_fen + $2 WHERE id = $1"
			" AND refunds_fen + $2 >= 0 AND refunds_fen + $2 <= amount_fen",
		     DB_ARGS(DB_I(payment_id), DB_I(delta_fen)), &changes, err);
	*ok = rc == GZF_OK && changes == 1;
	return rc;
}

int
refund_store_add(struct db_conn *c, const struct refund *r, int64_t *id, struct gzf_err *err)
{
	struct db_res *res;
	int rc;

	rc = db_query(c, "INSERT INTO refunds (city_id, refund_no, payment_id, order_no, lease_id,"
			 " amount_fen, reason, state, notify_url, requested_by, created_at, updated_at)"
			 " VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', $8, $9, $10, $10) RETURNING id",
		      DB_ARGS(DB_I(r->city_id), DB_T(r->refund_no), DB_I(r->payment_id),
			      DB_T(r->order_no), DB_I(r->lease_id), DB_I(r->amount_fen), DB_T(r->reason),
			      DB_T(r->notify_url), DB_I(r->requested_by), DB_I(r->created_at)), &res, err);
	if (rc == GZF_OK)
		*id = db_res_int(res, 0, 0);
	return rc;
}

int
refund_store_get(struct db_conn *c, const char *refund_no, struct refund *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " REFUND_COLUMNS REFUND_FROM " WHERE r.refund_no = $1",
		      DB_ARGS(DB_T(refund_no)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "refund_not_found", "refund_no",
				   "no refund %.40s", refund_no);
	refund_read(r, 0, out);
	return GZF_OK;
}

int
refund_store_finish(struct db_conn *c, const struct refund *r, int64_t now, struct gzf_err *err)
{
	int64_t changes = 0;
	int rc;

	rc = db_exec(c, "UPDATE refunds SET state = $2, failure = $3, bank_txn_id = $4, done_at = $5,"
			" updated_at = $6 WHERE id = $1 AND state = 'requested'",
		     DB_ARGS(DB_I(r->id), DB_T(r->state), DB_T(r->failure), DB_T(r->bank_txn_id),
			     DB_I(r->done_at), DB_I(now)), &changes, err);
	if (rc == GZF_OK && changes != 1)
		return gzf_err_set(err, GZF_ECONFLICT, "refund_settled", NULL,
				   "refund %s is settled already", r->refund_no);
	return rc;
}

int
refund_store_list(struct db_conn *c, int64_t city_id, int64_t payment_id, int64_t before_id,
		  int limit, struct refund **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int i, rc;

	assert(limit > 0 && limit <= REFUND_LIST_MAX);
	rc = db_query(c, "SELECT " REFUND_COLUMNS REFUND_FROM
			 " WHERE (CAST($1 AS BIGINT) = 0 OR r.city_id = $1)"
			 " AND (CAST($2 AS BIGINT) = 0 OR r.payment_id = $2)"
			 " AND (CAST($3 AS BIGINT) = 0 OR r.id < $3) ORDER BY r.id DESC LIMIT $4",
		      DB_ARGS(DB_I(city_id), DB_I(payment_id), DB_I(before_id), DB_I(limit)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		refund_read(r, i, &(*out)[i]);
	return GZF_OK;
}
