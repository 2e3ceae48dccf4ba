/*
 * bill_store.h — the rows of rent (migrations 050 and 052): the city's rent rules by
 * version, the leases as billing reads them, bills, the ledger operations of a lease, the
 * late fees charged on overdue bills, billing runs, arrears reminders and exit triggers.
 * The only code that writes bills and ledger_ops; the rules they follow are in
 * domain/billing.c and domain/ledger.c.
 */
#ifndef GZF_STORE_BILL_STORE_H
#define GZF_STORE_BILL_STORE_H

#include "store/db.h"

/* One version of a city's rent rules. Strings live in the connection's arena. */
struct rent_rules_row {
	int64_t city_id;
	int version;
	const char *config;       /* the configuration JSON (domain/rent.h) */
	int billing_day;          /* day of the month the month's bills are issued, 1..28 */
	int due_day;              /* the last day to pay them without a late fee, 1..28 */
	int remind_every_days;    /* days between arrears reminders; 0 = none */
	int64_t created_by, created_at;
};

/* bill_store_rules_get — the city's newest version; GZF_ENOTFOUND (err untouched) when
 * it has none. */
int bill_store_rules_get(struct db_conn *c, int64_t city_id, struct rent_rules_row *out,
			 struct gzf_err *err);

/* bill_store_rules_add — store r as the city's version r->version (the newest + 1).
 * GZF_ECONFLICT (db_is_duplicate) when that version was stored meanwhile. */
int bill_store_rules_add(struct db_conn *c, const struct rent_rules_row *r, struct gzf_err *err);

/* bill_store_rules_versions — the city's versions, newest first, at most max (config
 * left NULL), in an arena array of *n. */
int bill_store_rules_versions(struct db_conn *c, int64_t city_id, int max,
			      struct rent_rules_row **out, int *n, struct gzf_err *err);

/* bill_store_rules_cities — the cities that have rent rules, in an arena array of *n. */
int bill_store_rules_cities(struct db_conn *c, int64_t **out, int *n, struct gzf_err *err);

/* bill_store_billed_through — *month = the latest month (yyyymm) billed in the city, 0
 * when none. */
int bill_store_billed_through(struct db_conn *c, int64_t city_id, int *month, struct gzf_err *err);

/* A lease as billing reads it (050_lease.sql). */
struct bill_lease {
	int64_t id, city_id, application_id, owner_id, unit_id, region_code;
	const char *lease_no, *region_path, *state, *household_category;
	int starts_on, ends_on, income_band, billed_through;
	int64_t area_dm2;
};

/* bill_store_lease_lock — the lease id, locked as bill_store_leases_lock() locks it (in
 * the same statement); GZF_ENOTFOUND when none. */
int bill_store_lease_lock(struct db_conn *c, int64_t id, struct bill_lease *out, struct gzf_err *err);

/*
 * bill_store_leases_due — up to max leases of city_id with id > after_id, in id order,
 * that month (yyyymm) may bill: billed through an earlier month, and active, or signed
 * with starts_on ≤ today, or ended/terminated with its last month not yet billed. In an
 * arena array of *n. On PostgreSQL the rows read are locked against other writers of
 * their ledgers until the transaction ends, as bill_store_leases_lock() locks them, and
 * one another writer advanced meanwhile is left out (read again once it committed), so
 * fewer than max may come back while more are due; SQLite's write transaction holds them
 * all already.
 */
int bill_store_leases_due(struct db_conn *c, int64_t city_id, int month, int today,
			  int64_t after_id, int max, struct bill_lease **out, int *n,
			  struct gzf_err *err);

/* bill_store_leases_lock — lock the leases of city_id with ids lo..hi against other
 * writers of their ledgers until the transaction ends (PostgreSQL row locks; SQLite's
 * write transaction holds them all already). */
int bill_store_leases_lock(struct db_conn *c, int64_t city_id, int64_t lo, int64_t hi,
			   struct gzf_err *err);

/* bill_store_leases_billed — record that the leases bill_store_leases_due(city_id, month,
 * today) gives among ids lo..hi are billed through month (one statement for a batch). */
int bill_store_leases_billed(struct db_conn *c, int64_t city_id, int month, int today,
			     int64_t lo, int64_t hi, int64_t now, struct gzf_err *err);

/* bill_store_lease_billed — record that lease id is billed through month (never moving
 * it back). */
int bill_store_lease_billed(struct db_conn *c, int64_t id, int month, int64_t now,
			    struct gzf_err *err);

/* One bill, with its lease's number, owner and region. */
struct bill_row {
	int64_t id, city_id, lease_id;
	const char *bill_no;
	int month;
	int64_t rent_fen, reduction_fen, late_fee_fen, amount_fen, paid_fen, waived_fen;
	const char *state;        /* "open", "part_paid", "paid", "waived" */
	int due_on;
	int64_t issued_at, updated_at;
	const char *lease_no, *region_path;
	int64_t owner_id, region_code;
};

/* bill_store_bill_insert — a new bill from b (id, lease fields ignored); *id its id.
 * GZF_ECONFLICT (db_is_duplicate) when the lease has the month's bill already. */
int bill_store_bill_insert(struct db_conn *c, const struct bill_row *b, int64_t *id,
			   struct gzf_err *err);

/* bill_store_bills_insert — the n bills at b as new bills, in a few multi-row
 * statements (ids in the order given); no ids are returned. GZF_ECONFLICT (db_is_duplicate)
 * when a lease has a month's bill already. */
int bill_store_bills_insert(struct db_conn *c, const struct bill_row *b, int n, struct gzf_err *err);

/* bill_store_bill_ops_add — the ledger op (kind bill, ref "bill:<id>") of every bill of
 * the leases lo..hi issued at now that has none yet, in the order of lease and month, at
 * now. */
int bill_store_bill_ops_add(struct db_conn *c, int64_t lo, int64_t hi, int64_t now,
			    struct gzf_err *err);

/* bill_store_bill_find — *id = the bill of lease_id for month; GZF_ENOTFOUND (err
 * untouched) when none. */
int bill_store_bill_find(struct db_conn *c, int64_t lease_id, int month, int64_t *id,
			 struct gzf_err *err);

/* bill_store_bill_get — the bill id; GZF_ENOTFOUND when none. */
int bill_store_bill_get(struct db_conn *c, int64_t id, struct bill_row *out, struct gzf_err *err);

/* bill_store_bill_figures — set the bill's paid, waived and state (as the ledger's replay
 * gives them), updated at now; sent with the next statement (db_exec_later). */
int bill_store_bill_figures(struct db_conn *c, int64_t id, int64_t paid_fen, int64_t waived_fen,
			    const char *state, int64_t now, struct gzf_err *err);

/* Which bills a list shows: each member 0/NULL = any. region_path: the lease's region is
 * inside this subtree. */
struct bill_filter {
	int64_t city_id, owner_id, lease_id;
	const char *region_path, *state;
	int month;
};

/* bill_store_bills — the bills f selects, newest month first then id, from offset, at
 * most limit, in an arena array of *n; *total (may be NULL) how many f selects. */
int bill_store_bills(struct db_conn *c, const struct bill_filter *f, int offset, int limit,
		     struct bill_row **out, int *n, int64_t *total, struct gzf_err *err);

/* One ledger operation of a lease; for kind "bill", the bill's figures too. */
struct bill_op {
	int64_t id, lease_id, bill_id, amount_fen;
	const char *kind, *ref;
	int64_t rent_fen, reduction_fen, late_fee_fen, paid_fen, waived_fen; /* kind "bill" */
	const char *state;                                                  /* kind "bill" */
};

/* bill_store_ledger — the operations of the leases with ids lo..hi (one lease: lo = hi),
 * in order (lease, then id), in an arena array of *n. */
int bill_store_ledger(struct db_conn *c, int64_t lo, int64_t hi, struct bill_op **out, int *n,
		      struct gzf_err *err);

/* bill_store_op_insert — a ledger operation. GZF_ECONFLICT (db_is_duplicate) when the
 * lease has one of kind with ref already: inside a transaction on PostgreSQL, from the
 * transaction's next statement or its commit (db_exec_later). */
int bill_store_op_insert(struct db_conn *c, int64_t city_id, int64_t lease_id, const char *kind,
			 int64_t bill_id, int64_t amount_fen, const char *ref, int64_t by,
			 int64_t now, struct gzf_err *err);

/* An unsettled bill past its due date, for late fees: its rent due (rent − reduction),
 * what it has outstanding and the late fees charged on it so far. */
struct bill_overdue {
	int64_t id, lease_id, principal_fen, outstanding_fen, charged_fen;
	int month, due_on;
};

/* bill_store_overdue — the unsettled bills of the leases lo..hi due before day, in order
 * (lease, due date), in an arena array of *n. */
int bill_store_overdue(struct db_conn *c, int64_t lo, int64_t hi, int day,
		       struct bill_overdue **out, int *n, struct gzf_err *err);

/* bill_store_late_fee_add — the late fee fee_fen on bill_id, charged in the bill
 * charged_in, counted to the day counted_to. */
int bill_store_late_fee_add(struct db_conn *c, int64_t bill_id, int64_t charged_in,
			    int64_t fee_fen, int counted_to, struct gzf_err *err);

/* A late-fee line of a bill: the month it is charged on, the fee and the day counted to. */
struct bill_late_line {
	int64_t bill_id, fee_fen;
	int month, due_on, counted_to;
};

/* bill_store_late_lines — the late-fee lines charged in bill_id, in an arena array of *n. */
int bill_store_late_lines(struct db_conn *c, int64_t bill_id, struct bill_late_line **out, int *n,
			  struct gzf_err *err);

/* One billing run of a city's month. */
struct billing_run_row {
	int64_t id, city_id, started_by, leases_seen, bills_issued, amount_fen, started_at,
		finished_at;
	int month;
	const char *state;        /* "running", "done" */
};

/* bill_store_run_start — the run of city_id's month, created (state running) when there
 * is none, or set running again; *id its id. */
int bill_store_run_start(struct db_conn *c, int64_t city_id, int month, int64_t by, int64_t now,
			 int64_t *id, struct gzf_err *err);

/* bill_store_run_add — add what a batch did to run id. */
int bill_store_run_add(struct db_conn *c, int64_t id, int64_t seen, int64_t issued,
		       int64_t amount_fen, struct gzf_err *err);

/* bill_store_run_finish — run id is done at now. */
int bill_store_run_finish(struct db_conn *c, int64_t id, int64_t now, struct gzf_err *err);

/* bill_store_runs — the city's runs, newest month first, at most max, in an arena array. */
int bill_store_runs(struct db_conn *c, int64_t city_id, int max, struct billing_run_row **out,
		    int *n, struct gzf_err *err);

/* A lease in arrears: its bills unsettled past their due date before the day asked. */
struct arrears_row {
	int64_t lease_id, owner_id, application_id, region_code;
	const char *lease_no, *region_path;
	int months;               /* bills overdue and unsettled */
	int oldest_due;           /* the earliest due date among them */
	int64_t owed_fen;         /* what they have outstanding */
};

/* bill_store_arrears — the leases of city_id inside region_path (NULL: all) in arrears
 * on day, most months first, at most max, in an arena array of *n. */
int bill_store_arrears(struct db_conn *c, int64_t city_id, const char *region_path, int day,
		       int max, struct arrears_row **out, int *n, struct gzf_err *err);

/* bill_store_reminder_last — *day = the last day a reminder went to lease_id, 0 when
 * never. bill_store_reminder_add records one on day. */
int bill_store_reminder_last(struct db_conn *c, int64_t lease_id, int *day, struct gzf_err *err);
int bill_store_reminder_add(struct db_conn *c, int64_t lease_id, int day, int months,
			    int64_t owed_fen, struct gzf_err *err);

/* bill_store_exit_trigger_add — raise the exit trigger reason for the lease of a (once:
 * *created = 0 when it was raised before). */
int bill_store_exit_trigger_add(struct db_conn *c, int64_t city_id, const struct arrears_row *a,
				const char *reason, int64_t now, int *created, struct gzf_err *err);

/* One exit trigger. */
struct exit_trigger_row {
	int64_t id, lease_id, owner_id, region_code, owed_fen, raised_at;
	const char *lease_no, *reason, *state;
	int months;
};

/* bill_store_exit_triggers — the city's open triggers inside region_path (NULL: all),
 * newest first, at most max, in an arena array of *n. */
int bill_store_exit_triggers(struct db_conn *c, int64_t city_id, const char *region_path, int max,
			     struct exit_trigger_row **out, int *n, struct gzf_err *err);

#endif
