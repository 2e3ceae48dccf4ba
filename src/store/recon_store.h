/*
 * recon_store.h — the rows of the daily reconciliation (migration 054): recon_runs (one
 * per city and day) and recon_lines (every line of a run; the differences are finance's
 * exceptions), and the reads of bank_orders a run needs. The rules are domain/recon.c's.
 */
#ifndef GZF_STORE_RECON_STORE_H
#define GZF_STORE_RECON_STORE_H

#include "store/db.h"

/* A paid order of gzf as reconciliation reads it. Strings in the connection's arena;
 * seen and refund_seen are the matcher's working state (0 when read). */
struct recon_order {
	const char *order_no;
	const char *bank_txn_id;
	const char *status;      /* "pending", "paid", "closed" */
	int64_t city_id;
	int64_t amount_fen;
	int64_t refunded_fen;
	int64_t paid_at;         /* 0 until paid */
	int seen;                /* a payment line of the file matched it */
	int64_t refund_seen;     /* fen of refund lines matched against it */
};

/* One run. counts[] is indexed by enum recon_kind (matched, amount_mismatch, bank_only,
 * gzf_only). Totals are payments minus refunds, fen. */
struct recon_run {
	int64_t id;
	int64_t city_id;
	int day;                 /* yyyymmdd, China time */
	const char *state;       /* "refused", "open", "closed" */
	const char *reason;      /* a refusal's reason; "" otherwise */
	int file_rows;           /* the statement's summary: every city's lines */
	int64_t file_total_fen;
	int bank_rows;           /* the bank's lines in this run */
	int64_t bank_total_fen;
	int gzf_rows;            /* gzf's orders and refunds in this run */
	int64_t gzf_total_fen;
	int counts[4];
	int open_exceptions;
	int64_t created_by;      /* the staff member who ran it; 0 = the daily job */
	int version;
	int64_t created_at, updated_at;
};

/* One line of a run. kind is matched, amount_mismatch, bank_only or gzf_only; status
 * "none" for a matched line, "open" or "resolved" for an exception. */
struct recon_line {
	int64_t id;
	int64_t run_id;
	int64_t city_id;
	int day;
	const char *kind;
	const char *type;        /* "payment" or "refund" */
	const char *order_no;
	const char *bank_txn_id; /* the bank's line; NULL for gzf_only */
	const char *refund_no;   /* NULL for a payment */
	int64_t bank_fen;        /* what the bank's line says (0: no line) */
	int64_t gzf_fen;         /* what gzf recorded (0: nothing) */
	const char *bank_time;   /* as the bank wrote it; NULL for gzf_only */
	const char *status;
	int64_t assignee_id;     /* 0: nobody */
	const char *resolution;  /* NULL until resolved */
	const char *note;
	int64_t resolved_by, resolved_at;
	int version;
};

/* recon_store_orders_of_day — the paid orders of city_id whose paid_at is in [from, to),
 * in an arena array of *n. */
int recon_store_orders_of_day(struct db_conn *c, int64_t city_id, int64_t from, int64_t to,
			      struct recon_order **out, int *n, struct gzf_err *err);

/* recon_store_cities — the cities that have paid orders, ascending, in an arena array. */
int recon_store_cities(struct db_conn *c, int64_t **out, int *n, struct gzf_err *err);

/* recon_store_claimed — the bank_txn_id of the bank_only lines of day already in another
 * city's run, ascending (byte order), in an arena array of *n. */
int recon_store_claimed(struct db_conn *c, int day, int64_t city_id, const char ***out, int *n,
			struct gzf_err *err);

/* recon_store_run_add — a new run (r->version 1); r->id gets its id. GZF_ECONFLICT
 * (db_is_duplicate) when the city's day has a run. */
int recon_store_run_add(struct db_conn *c, struct recon_run *r, struct gzf_err *err);

/* recon_store_run_put — save r's state, reason, figures and counts against r->version
 * (then incremented), at now. GZF_ECONFLICT "version_conflict" when it changed. */
int recon_store_run_put(struct db_conn *c, struct recon_run *r, int64_t now, struct gzf_err *err);

/* recon_store_run_get — the run with id; recon_store_run_of_day — the city's run of day.
 * GZF_ENOTFOUND "run_not_found" when none. */
int recon_store_run_get(struct db_conn *c, int64_t id, struct recon_run *out, struct gzf_err *err);
int recon_store_run_of_day(struct db_conn *c, int64_t city_id, int day, struct recon_run *out,
			   struct gzf_err *err);

/* recon_store_runs_list — the city's runs, newest day first, from offset (at most limit),
 * in an arena array of *n; *total = how many the city has. */
int recon_store_runs_list(struct db_conn *c, int64_t city_id, int offset, int limit,
			  struct recon_run **out, int *n, int *total, struct gzf_err *err);

/* recon_store_lines_add — insert the n lines of run r (their run, city and day set from
 * r), in batches of one multi-row statement each. GZF_ECONFLICT (db_is_duplicate) when a
 * bank line is in a run already. */
int recon_store_lines_add(struct db_conn *c, const struct recon_run *r,
			  const struct recon_line *lines, int n, struct gzf_err *err);

/* Which lines recon_store_lines_list reads: those of a run (run_id > 0) or of a city's
 * runs; kind and status NULL for any. */
struct recon_filter {
	int64_t run_id;
	int64_t city_id;
	const char *kind;
	const char *status;
	int64_t assignee_id;     /* > 0: assigned to that staff member only */
};

/* recon_store_lines_list — the lines f selects, by id, from offset (at most limit), in an
 * arena array of *n; *total = how many it selects. */
int recon_store_lines_list(struct db_conn *c, const struct recon_filter *f, int offset,
			   int limit, struct recon_line **out, int *n, int *total,
			   struct gzf_err *err);

/* recon_store_line_get — the line with id; GZF_ENOTFOUND "exception_not_found". */
int recon_store_line_get(struct db_conn *c, int64_t id, struct recon_line *out,
			 struct gzf_err *err);

/* recon_store_line_put — save l's status, assignee and resolution against l->version
 * (then incremented). GZF_ECONFLICT "version_conflict" when it changed. */
int recon_store_line_put(struct db_conn *c, struct recon_line *l, struct gzf_err *err);

#endif
