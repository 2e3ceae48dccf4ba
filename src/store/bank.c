/*
 * bank.c — the rows of bank_orders, bank_notifications and bank_notify_nonces.
 */
#include "store/bank_store.h"
#include "store/db_int.h" /* DB_DUPLICATE: a live nonce refused as the insert would be */

#define ORDER_COLUMNS "id, city_id, order_no, purpose, amount_fen, status, refunded_fen," \
		      " bank_txn_id, paid_at, created_at, updated_at"

int
bank_store_order_create(struct db_conn *c, const struct bank_order_row *o, int64_t *id,
			struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "INSERT INTO bank_orders (city_id, order_no, purpose, amount_fen, status,"
			 " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
		      DB_ARGS(DB_I(o->city_id), DB_T(o->order_no), DB_T(o->purpose),
			      DB_I(o->amount_fen), DB_T(o->status), DB_I(o->created_at)), &r, err);
	if (rc == GZF_OK && id != NULL)
		*id = db_res_int(r, 0, 0);
	return rc;
}

/* A nonce ($1) until $2: the expired ones forgotten at $3 (but for $1), and $1
 * remembered, or its expired row taken over (a live one changes nothing). */
#define FORGET_EXPIRED "DELETE FROM bank_notify_nonces WHERE expires_at < $3 AND nonce <> $1"
#define REMEMBER "INSERT INTO bank_notify_nonces (nonce, expires_at) VALUES ($1, $2)" \
		 " ON CONFLICT (nonce) DO UPDATE SET expires_at = $2" \
		 " WHERE bank_notify_nonces.expires_at < $3"

/* An order by its number ($1), and whether the notification numbered $2 was accepted. */
#define ORDER_SEEN "SELECT " ORDER_COLUMNS ", CASE WHEN EXISTS (SELECT 1 FROM bank_notifications" \
		   " WHERE accepted_id = $2) THEN 1 ELSE 0 END FROM bank_orders WHERE order_no = $1"

/* The order sql reads (ORDER_COLUMNS, then with seen the accepted flag) into *out. */
static int
order_read(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
	   struct bank_order_row *out, int *seen, struct gzf_err *err)
{
	const char *order_no = args[0].s;
	struct db_res *r;
	int rc;

	rc = db_query(c, sql, args, nargs, &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "unknown_order", "order_no",
				   "gzf has no payment order %.40s", order_no);
	out->id = db_res_int(r, 0, 0);
	out->city_id = db_res_int(r, 0, 1);
	out->order_no = db_res_text(r, 0, 2);
	out->purpose = db_res_text(r, 0, 3);
	out->amount_fen = db_res_int(r, 0, 4);
	out->status = db_res_text(r, 0, 5);
	out->refunded_fen = db_res_int(r, 0, 6);
	out->bank_txn_id = db_res_text(r, 0, 7);
	out->paid_at = db_res_isnull(r, 0, 8) ? 0 : db_res_int(r, 0, 8);
	out->created_at = db_res_int(r, 0, 9);
	out->updated_at = db_res_int(r, 0, 10);
	if (seen != NULL)
		*seen = db_res_int(r, 0, 11) != 0;
	return GZF_OK;
}

int
bank_store_order_get(struct db_conn *c, const char *order_no, struct bank_order_row *out,
		     struct gzf_err *err)
{
	return order_read(c, "SELECT " ORDER_COLUMNS " FROM bank_orders WHERE order_no = $1",
			  DB_ARGS(DB_T(order_no)), out, NULL, err);
}

int
bank_store_order_lock(struct db_conn *c, const char *order_no, const char *notify_id,
		      struct bank_order_row *out, int *seen, struct gzf_err *err)
{
	return order_read(c, db_conn_backend(c) == DB_PGSQL ? ORDER_SEEN " FOR UPDATE" : ORDER_SEEN,
			  DB_ARGS(DB_T(order_no), DB_T(notify_id)), out, seen, err);
}

int
bank_store_order_put(struct db_conn *c, const struct bank_order_row *o, int64_t now,
		     struct gzf_err *err)
{
	return db_exec_later(c, "UPDATE bank_orders SET status = $2, refunded_fen = $3,"
			     " bank_txn_id = $4, paid_at = $5, updated_at = $6 WHERE id = $1",
			     DB_ARGS(DB_I(o->id), DB_T(o->status), DB_I(o->refunded_fen),
				     DB_T(o->bank_txn_id), o->paid_at ? DB_I(o->paid_at) : DB_NULLV,
				     DB_I(now)), err);
}

int
bank_store_notification_add(struct db_conn *c, const struct bank_notification_row *n, int later,
			    struct gzf_err *err)
{
	static const char sql[] = "INSERT INTO bank_notifications (city_id, notify_id, accepted_id,"
		" event, order_no, amount_fen, outcome, reason, body_sha256, received_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
	const struct db_val args[] = {
		DB_I(n->city_id), DB_T(n->notify_id), DB_T(n->accepted ? n->notify_id : NULL),
		DB_T(n->event), DB_T(n->order_no), n->amount_fen >= 0 ? DB_I(n->amount_fen) : DB_NULLV,
		DB_T(n->accepted ? "accepted" : "rejected"), DB_T(n->reason), DB_T(n->body_sha256),
		DB_I(n->received_at),
	};
	const int nargs = (int)(sizeof(args) / sizeof(args[0]));

	return later ? db_exec_later(c, sql, args, nargs, err) : db_exec(c, sql, args, nargs, NULL, err);
}

int
bank_store_notification_seen(struct db_conn *c, const char *notify_id, int *seen,
			     struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT 1 FROM bank_notifications WHERE accepted_id = $1",
		      DB_ARGS(DB_T(notify_id)), &r, err);
	if (rc == GZF_OK)
		*seen = r->nrows > 0;
	return rc;
}

int
bank_store_notifications_count(struct db_conn *c, const char *order_no, const char *outcome,
			       int64_t *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT COUNT(*) FROM bank_notifications WHERE order_no = $1 AND outcome = $2",
		      DB_ARGS(DB_T(order_no), DB_T(outcome)), &r, err);
	if (rc == GZF_OK)
		*n = db_res_int(r, 0, 0);
	return rc;
}

int
bank_store_nonce_use(struct db_conn *c, const char *nonce, int64_t expires_at, int64_t now,
		     struct gzf_err *err)
{
	int64_t changes;
	int rc = GZF_OK;

	/* An expired row of this very nonce is taken over rather than deleted; a live one is
	 * not, and nothing changes: a replay. PostgreSQL does both in one statement (one
	 * round trip), SQLite in two. */
	if (db_conn_backend(c) == DB_SQLITE)
		rc = db_exec(c, FORGET_EXPIRED, DB_ARGS(DB_T(nonce), DB_NULLV, DB_I(now)), NULL, err);
	if (rc == GZF_OK)
		rc = db_exec(c, db_conn_backend(c) == DB_SQLITE ? REMEMBER
			     : "WITH gone AS (" FORGET_EXPIRED ") " REMEMBER,
			     DB_ARGS(DB_T(nonce), DB_I(expires_at), DB_I(now)), &changes, err);
	if (rc == GZF_OK && changes == 0)
		return gzf_err_set(err, GZF_ECONFLICT, DB_DUPLICATE, NULL, "the nonce is remembered already");
	return rc;
}
