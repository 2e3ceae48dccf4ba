/*
 * bank_store.h — gzf's side of the bank payment gateway (bank.c, migration 047): the
 * payment orders gzf created at the bank, the notifications the bank sent (accepted or
 * rejected), and the nonces of signed notifications while they could be replayed.
 */
#ifndef GZF_STORE_BANK_STORE_H
#define GZF_STORE_BANK_STORE_H

#include "store/db.h"

/* One payment order. Strings live in the connection's arena. */
struct bank_order_row {
	int64_t id;
	int64_t city_id;
	const char *order_no;
	const char *purpose;      /* what it pays: "bill:42" */
	int64_t amount_fen;
	const char *status;       /* "pending", "paid", "closed" (domain/payment.h) */
	int64_t refunded_fen;
	const char *bank_txn_id;  /* NULL until paid */
	int64_t paid_at;          /* 0 until paid */
	int64_t created_at, updated_at;
};

/* bank_store_order_create — a new order (status as given); *id (may be NULL) gets its id.
 * GZF_ECONFLICT (db_is_duplicate) for an order_no that exists. */
int bank_store_order_create(struct db_conn *c, const struct bank_order_row *o, int64_t *id,
			    struct gzf_err *err);

/* bank_store_order_get — the order numbered order_no; GZF_ENOTFOUND when none. */
int bank_store_order_get(struct db_conn *c, const char *order_no, struct bank_order_row *out,
			 struct gzf_err *err);

/* bank_store_order_lock — bank_store_order_get, and hold the order until the transaction
 * ends (PostgreSQL: a row lock, *out as it is once had; SQLite's BEGIN IMMEDIATE holds the
 * whole database), so two notifications of one order are applied one after the other,
 * each reading the other's. *seen (may be NULL): whether a notification numbered
 * notify_id had been accepted when the statement began — not one accepted while this
 * waited for the lock (which then changed the order: bank_store_notification_seen tells). */
int bank_store_order_lock(struct db_conn *c, const char *order_no, const char *notify_id,
			  struct bank_order_row *out, int *seen, struct gzf_err *err);

/* bank_store_order_put — save o's status, refunded_fen, bank_txn_id and paid_at (by id),
 * updated at now; sent with the next statement (db_exec_later). */
int bank_store_order_put(struct db_conn *c, const struct bank_order_row *o, int64_t now,
			 struct gzf_err *err);

/* A notification as gzf received it. */
struct bank_notification_row {
	int64_t city_id;          /* the order's city; 0 when unknown */
	const char *notify_id;    /* NULL when it could not be read */
	const char *event, *order_no;
	int64_t amount_fen;       /* -1: none */
	int accepted;             /* 1: accepted (notify_id unique among these); 0: rejected */
	const char *reason;       /* a rejection's error code, "" when accepted */
	const char *body_sha256;
	int64_t received_at;
};

/* bank_store_notification_add — record one delivery. GZF_ECONFLICT (db_is_duplicate)
 * when an accepted one with its notify_id exists; with later set, sent with the next
 * statement, which then fails with it (db_exec_later). */
int bank_store_notification_add(struct db_conn *c, const struct bank_notification_row *n, int later,
				struct gzf_err *err);

/* bank_store_notification_seen — *seen = 1 when a notification with notify_id was
 * accepted before. */
int bank_store_notification_seen(struct db_conn *c, const char *notify_id, int *seen,
				 struct gzf_err *err);

/* bank_store_notifications_count — how many deliveries were recorded for order_no with
 * outcome ("accepted" or "rejected"), for tests and reports. */
int bank_store_notifications_count(struct db_conn *c, const char *order_no,
				   const char *outcome, int64_t *n, struct gzf_err *err);

/* bank_store_nonce_use — remember nonce until expires_at, forgetting those expired at
 * now. GZF_ECONFLICT (db_is_duplicate) when it is remembered already: a replay. */
int bank_store_nonce_use(struct db_conn *c, const char *nonce, int64_t expires_at, int64_t now,
			 struct gzf_err *err);

#endif
