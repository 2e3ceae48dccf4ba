/*
 * rent_payment.c — the rows of rent_payments and debit_agreements (053), and the reads
 * paying needs from leases, bills and bank_notifications.
 */
#include "store/rent_payment_store.h"

#include <assert.h>
#include <string.h>

#define BILL_COLUMNS "b.id, b.city_id, b.lease_id, l.owner_id, b.bill_no, b.state, b.month," \
		     " b.due_on, b.amount_fen, b.amount_fen - b.paid_fen - b.waived_fen"
#define PAYMENT_COLUMNS "p.id, p.city_id, p.lease_id, p.payer_id, p.order_no, p.bank_txn_id," \
			" p.bills, p.via, p.receipt_code, p.amount_fen, p.paid_at, p.created_at," \
			" e.name, l.lease_no, p.refunds_fen, COALESCE(o.refunded_fen, 0)"
#define PAYMENT_FROM " FROM rent_payments p JOIN leases l ON l.id = p.lease_id" \
		     " JOIN units u ON u.id = l.unit_id JOIN estates e ON e.id = u.estate_id" \
		     " LEFT JOIN bank_orders o ON o.order_no = p.order_no"
#define AGREEMENT_COLUMNS "id, city_id, lease_id, owner_id, agreement_no, status, sign_url," \
			  " notify_url, created_at, updated_at"

static void
lease_read(const struct db_res *r, int i, struct rent_lease *l)
{
	l->id = db_res_int(r, i, 0);
	l->city_id = db_res_int(r, i, 1);
	l->owner_id = db_res_int(r, i, 2);
	l->region_code = db_res_int(r, i, 3);
	l->lease_no = db_res_text(r, i, 4);
	l->state = db_res_text(r, i, 5);
	l->estate_name = db_res_text(r, i, 6);
}

static void
bill_read(const struct db_res *r, int i, struct rent_bill *b)
{
	b->id = db_res_int(r, i, 0);
	b->city_id = db_res_int(r, i, 1);
	b->lease_id = db_res_int(r, i, 2);
	b->owner_id = db_res_int(r, i, 3);
	b->bill_no = db_res_text(r, i, 4);
	b->state = db_res_text(r, i, 5);
	b->month = (int)db_res_int(r, i, 6);
	b->due_on = db_res_int(r, i, 7);
	b->amount_fen = db_res_int(r, i, 8);
	b->outstanding_fen = db_res_int(r, i, 9);
}

static void
payment_read(const struct db_res *r, int i, struct rent_payment *p)
{
	p->id = db_res_int(r, i, 0);
	p->city_id = db_res_int(r, i, 1);
	p->lease_id = db_res_int(r, i, 2);
	p->payer_id = db_res_int(r, i, 3);
	p->order_no = db_res_text(r, i, 4);
	p->bank_txn_id = db_res_text(r, i, 5);
	p->bills = db_res_text(r, i, 6);
	p->via = db_res_text(r, i, 7);
	p->receipt_code = db_res_text(r, i, 8);
	p->amount_fen = db_res_int(r, i, 9);
	p->paid_at = db_res_int(r, i, 10);
	p->created_at = db_res_int(r, i, 11);
	p->estate_name = db_res_text(r, i, 12);
	p->lease_no = db_res_text(r, i, 13);
	p->refunds_fen = db_res_int(r, i, 14);
	p->refunded_fen = db_res_int(r, i, 15);
}

static void
agreement_read(const struct db_res *r, int i, struct debit_agreement *g)
{
	g->id = db_res_int(r, i, 0);
	g->city_id = db_res_int(r, i, 1);
	g->lease_id = db_res_int(r, i, 2);
	g->owner_id = db_res_int(r, i, 3);
	g->agreement_no = db_res_text(r, i, 4);
	g->status = db_res_text(r, i, 5);
	g->sign_url = db_res_text(r, i, 6);
	g->notify_url = db_res_text(r, i, 7);
	g->created_at = db_res_int(r, i, 8);
	g->updated_at = db_res_int(r, i, 9);
}

int
rent_payment_store_lease(struct db_conn *c, int64_t id, struct rent_lease *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT l.id, l.city_id, l.owner_id, l.region_code, l.lease_no, l.state, e.name"
			 " FROM leases l JOIN units u ON u.id = l.unit_id"
			 " JOIN estates e ON e.id = u.estate_id WHERE l.id = $1",
		      DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "lease_not_found", NULL, "no lease %lld",
				   (long long)id);
	lease_read(r, 0, out);
	return GZF_OK;
}

int
rent_payment_store_owner_leases(struct db_conn *c, int64_t owner_id, struct rent_lease **out,
				int *n, struct gzf_err *err)
{
	struct db_res *r;
	int i, rc;

	rc = db_query(c, "SELECT l.id, l.city_id, l.owner_id, l.region_code, l.lease_no, l.state, e.name"
			 " FROM leases l JOIN units u ON u.id = l.unit_id"
			 " JOIN estates e ON e.id = u.estate_id WHERE l.owner_id = $1"
			 " AND l.state IN ('signed', 'active') ORDER BY l.id DESC LIMIT $2",
		      DB_ARGS(DB_I(owner_id), DB_I(RENT_PAYMENT_LIST_MAX)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		lease_read(r, i, &(*out)[i]);
	return GZF_OK;
}

int
rent_payment_store_bills(struct db_conn *c, const int64_t *ids, int n, struct rent_bill *out,
			 struct gzf_err *err)
{
	struct db_res *r;
	int i, rc;

	assert(n > 0 && n <= RENT_PAYMENT_BILLS_MAX);
	for (i = 0; i < n; i++) {
		rc = db_query(c, "SELECT " BILL_COLUMNS " FROM bills b JOIN leases l ON l.id = b.lease_id"
				 " WHERE b.id = $1", DB_ARGS(DB_I(ids[i])), &r, err);
		if (rc != GZF_OK)
			return rc;
		if (r->nrows == 0)
			return gzf_err_set(err, GZF_ENOTFOUND, "bill_not_found", "bills",
					   "no bill %lld", (long long)ids[i]);
		bill_read(r, 0, &out[i]);
	}
	return GZF_OK;
}

int
rent_payment_store_open_bills(struct db_conn *c, int64_t owner_id, int64_t lease_id,
			      struct rent_bill **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int i, rc;

	assert((owner_id > 0) != (lease_id > 0));
	rc = db_query(c, "SELECT " BILL_COLUMNS " FROM bills b JOIN leases l ON l.id = b.lease_id"
			 " WHERE ((l.owner_id = $1 AND $1 > 0) OR b.lease_id = $2)"
			 " AND b.amount_fen - b.paid_fen - b.waived_fen > 0"
			 " ORDER BY b.month, b.id LIMIT $3",
		      DB_ARGS(DB_I(owner_id), DB_I(lease_id), DB_I(RENT_PAYMENT_LIST_MAX)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		bill_read(r, i, &(*out)[i]);
	return GZF_OK;
}

int
rent_payment_store_live_leases(struct db_conn *c, int64_t city_id, int max, int64_t *ids, int *n,
			       struct gzf_err *err)
{
	struct db_res *r;
	int i, rc;

	assert(max > 0 && max <= RENT_PAYMENT_LIST_MAX);
	rc = db_query(c, "SELECT l.id FROM leases l WHERE l.city_id = $1 AND l.state IN ('signed', 'active')"
			 " ORDER BY CASE WHEN EXISTS (SELECT 1 FROM bills b WHERE b.lease_id = l.id)"
			 " THEN 0 ELSE 1 END, l.id LIMIT $2",
		      DB_ARGS(DB_I(city_id), DB_I(max)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	for (i = 0; i < r->nrows; i++)
		ids[i] = db_res_int(r, i, 0);
	return GZF_OK;
}

int
rent_payment_store_add(struct db_conn *c, const struct rent_payment *p, int64_t *id,
		       struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "INSERT INTO rent_payments (city_id, lease_id, payer_id, order_no, bank_txn_id,"
			 " amount_fen, bills, via, receipt_code, paid_at, created_at)"
			 " VALUES ($1, $2, (SELECT owner_id FROM leases WHERE id = $2), $3, $4, $5, $6, $7,"
			 " $8, $9, $10) RETURNING id",
		      DB_ARGS(DB_I(p->city_id), DB_I(p->lease_id), DB_T(p->order_no),
			      DB_T(p->bank_txn_id), DB_I(p->amount_fen), DB_T(p->bills), DB_T(p->via),
			      DB_T(p->receipt_code), DB_I(p->paid_at), DB_I(p->created_at)), &r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

/* The one payment whose column equals value. */
static int
payment_get(struct db_conn *c, const char *sql, const char *value, const char *missing,
	    struct rent_payment *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, sql, DB_ARGS(DB_T(value)), &r, err)) != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, missing, NULL, "no such payment");
	payment_read(r, 0, out);
	return GZF_OK;
}

int
rent_payment_store_by_code(struct db_conn *c, const char *code, struct rent_payment *out,
			   struct gzf_err *err)
{
	return payment_get(c, "SELECT " PAYMENT_COLUMNS PAYMENT_FROM " WHERE p.receipt_code = $1",
			   code, "receipt_not_found", out, err);
}

int
rent_payment_store_by_order(struct db_conn *c, const char *order_no, struct rent_payment *out,
			    struct gzf_err *err)
{
	return payment_get(c, "SELECT " PAYMENT_COLUMNS PAYMENT_FROM " WHERE p.order_no = $1",
			   order_no, "payment_not_found", out, err);
}

int
rent_payment_store_list(struct db_conn *c, int64_t payer_id, int64_t city_id, int64_t before_id,
			int limit, struct rent_payment **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int i, rc;

	assert(limit > 0 && limit <= RENT_PAYMENT_LIST_MAX);
	rc = db_query(c, "SELECT " PAYMENT_COLUMNS PAYMENT_FROM
			 " WHERE (CAST($1 AS BIGINT) = 0 OR p.payer_id = $1)"
			 " AND (CAST($2 AS BIGINT) = 0 OR p.city_id = $2)"
			 " AND (CAST($3 AS BIGINT) = 0 OR p.id < $3) ORDER BY p.id DESC LIMIT $4",
		      DB_ARGS(DB_I(payer_id), DB_I(city_id), DB_I(before_id), DB_I(limit)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		payment_read(r, i, &(*out)[i]);
	return GZF_OK;
}

int
rent_payment_store_orders(struct db_conn *c, int64_t lease_id, const char *status, int64_t *n,
			  struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT COUNT(*) FROM bank_orders WHERE purpose LIKE $1"
			 " AND (CAST($2 AS TEXT) = '' OR status = $2)",
		      DB_ARGS(DB_T(arena_printf(db_arena(c), "bills:%lld:%%", (long long)lease_id)),
			      DB_T(status ? status : "")), &r, err);
	if (rc == GZF_OK)
		*n = db_res_int(r, 0, 0);
	return rc;
}

int
rent_payment_store_rejected(struct db_conn *c, int64_t city_id, int64_t before_id, int limit,
			    struct rent_rejected **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int i, rc;

	assert(limit > 0 && limit <= RENT_PAYMENT_LIST_MAX);
	rc = db_query(c, "SELECT id, city_id, amount_fen, notify_id, event, order_no, reason,"
			 " body_sha256, received_at FROM bank_notifications WHERE outcome = 'rejected'"
			 " AND city_id IN (0, $1) AND (CAST($2 AS BIGINT) = 0 OR id < $2) ORDER BY id DESC LIMIT $3",
		      DB_ARGS(DB_I(city_id), DB_I(before_id), DB_I(limit)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++) {
		struct rent_rejected *x = &(*out)[i];

		x->id = db_res_int(r, i, 0);
		x->city_id = db_res_int(r, i, 1);
		x->amount_fen = db_res_isnull(r, i, 2) ? -1 : db_res_int(r, i, 2);
		x->notify_id = db_res_text(r, i, 3);
		x->event = db_res_text(r, i, 4);
		x->order_no = db_res_text(r, i, 5);
		x->reason = db_res_text(r, i, 6);
		x->body_sha256 = db_res_text(r, i, 7);
		x->received_at = db_res_int(r, i, 8);
	}
	return GZF_OK;
}

int
rent_payment_store_agreement_add(struct db_conn *c, const struct debit_agreement *g, int64_t *id,
				 struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "INSERT INTO debit_agreements (city_id, lease_id, owner_id, agreement_no, status,"
			 " sign_url, notify_url, created_at, updated_at)"
			 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
		      DB_ARGS(DB_I(g->city_id), DB_I(g->lease_id), DB_I(g->owner_id),
			      DB_T(g->agreement_no), DB_T(g->status), DB_T(g->sign_url),
			      DB_T(g->notify_url), DB_I(g->created_at)), &r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
rent_payment_store_agreement_get(struct db_conn *c, const char *agreement_no,
				 struct debit_agreement *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " AGREEMENT_COLUMNS " FROM debit_agreements WHERE agreement_no = $1",
		      DB_ARGS(DB_T(agreement_no)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "agreement_not_found", NULL,
				   "no debit agreement %.40s", agreement_no);
	agreement_read(r, 0, out);
	return GZF_OK;
}

int
rent_payment_store_agreement_put(struct db_conn *c, const struct debit_agreement *g, int64_t now,
				 struct gzf_err *err)
{
	return db_exec(c, "UPDATE debit_agreements SET status = $2, sign_url = $3, updated_at = $4"
			  " WHERE id = $1",
		       DB_ARGS(DB_I(g->id), DB_T(g->status), DB_T(g->sign_url), DB_I(now)), NULL, err);
}

int
rent_payment_store_agreements(struct db_conn *c, int64_t owner_id, const char *status,
			      int64_t after_id, int limit, struct debit_agreement **out, int *n,
			      struct gzf_err *err)
{
	struct db_res *r;
	int i, rc;

	assert(limit > 0 && limit <= RENT_PAYMENT_LIST_MAX);
	rc = db_query(c, "SELECT " AGREEMENT_COLUMNS " FROM debit_agreements"
			 " WHERE (CAST($1 AS BIGINT) = 0 OR owner_id = $1)"
			 " AND (CAST($2 AS TEXT) = '' OR status = $2) AND id > $3"
			 " ORDER BY id LIMIT $4",
		      DB_ARGS(DB_I(owner_id), DB_T(status ? status : ""), DB_I(after_id), DB_I(limit)),
		      &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		agreement_read(r, i, &(*out)[i]);
	return GZF_OK;
}
