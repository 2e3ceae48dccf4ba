/*
 * billing.h — rent bills (R9, R22): a city's rent rules with their billing calendar, the
 * monthly bill of each lease (prorated first and last months, reductions, late fees on
 * overdue bills), payments and waivers entered in the tenant's ledger, the monthly
 * billing run and its job, and arrears (ageing, reminders, the six-month exit trigger).
 * Every write to bills and ledger_ops goes through here and store/bill_store.h; a bill's
 * paid, waived and state are always what the ledger's replay (domain/ledger.h) gives.
 * The money rules are docs/design/rent.md; the API is docs/api/bills.md.
 */
#ifndef GZF_DOMAIN_BILLING_H
#define GZF_DOMAIN_BILLING_H

#include <jansson.h>
#include <stdint.h>

#include "core/gzf.h"
#include "domain/jobs.h"
#include "domain/rent.h"
#include "store/bill_store.h"
#include "store/db.h"

/* The billing calendar's defaults and bounds: bills issued on billing_day of each month,
 * due on due_day (of the same month when it is later, else of the next), reminders every
 * remind_every_days days while a household is in arrears (0 = none). */
#define BILLING_DAY_DEFAULT 1
#define BILLING_DUE_DAY_DEFAULT 15
#define BILLING_REMIND_DEFAULT 7
#define BILLING_REMIND_MAX 90
#define BILLING_BATCH 5000            /* leases billed per transaction */
#define BILLING_EXIT_MONTHS 6         /* months in arrears that raise the exit trigger */
#define BILLING_CATCHUP_MONTHS 24     /* months back a lease is billed for at most */

/* A city's rent rules as billing uses them. */
struct billing_rules {
	int64_t city_id;
	int version;
	int billing_day, due_day, remind_every_days;
	struct rent_config cfg;
};

/*
 * billing_rules_load — the city's newest rules, parsed. GZF_ENOTFOUND "no_rent_rules"
 * when the city has none.
 */
int billing_rules_load(struct db_conn *c, int64_t city_id, struct billing_rules *out,
		       struct gzf_err *err);

/*
 * billing_lease_terms — the monthly rent and the deposit a new lease of area_dm2 from
 * starts (yyyymmdd) states, so that it says what its bills will charge: under the city's
 * rent rules in force on the first of that month, the rules' rent for the area (before any
 * household's reduction) and their deposit (their deposit_months × that rent); for a city
 * without rules, or none in force yet, the unit's listed rent (listed_rent_fen) and
 * deposit_months × it. GZF_EINVAL "invalid_value" when the area is outside what rent is
 * charged on.
 */
int billing_lease_terms(struct db_conn *c, int64_t city_id, int starts, int64_t area_dm2,
			int64_t listed_rent_fen, int deposit_months, int64_t *rent_fen,
			int64_t *deposit_fen, struct gzf_err *err);

/*
 * billing_rules_json — the city's rules as GET /api/v1/cities/:city/rent-rules shows them:
 * {"city_id","version","rules","billing_day","due_day","remind_every_days","updated_at",
 * "updated_by","billed_through","versions":[...]}; version 0 and rules null when none.
 */
int billing_rules_json(struct db_conn *c, int64_t city_id, json_t **out, struct gzf_err *err);

/*
 * billing_rules_put — check and store body {"rules", "billing_day"?, "due_day"?,
 * "remind_every_days"?} as the city's next version, in the caller's transaction, by staff
 * member by at now; and queue the city's next billing run and arrears pass if none is.
 * GZF_EINVAL: what rent_config_parse refuses (field "rules." + its path), "invalid_value"
 * for a day out of range, "rewrites_billed_month" (rent_config_change_check against the
 * city's latest billed month). *version gets the version stored.
 */
int billing_rules_put(struct db_conn *c, int64_t city_id, const json_t *body, int64_t by,
		      int64_t now, int *version, struct gzf_err *err);

/*
 * billing_issue_month — the bill of lease_id for month (yyyymm), in the caller's
 * transaction: exists → GZF_OK with its id; else issued under the city's rules (prorated
 * when the lease starts or ends inside the month; late fees on the lease's bills overdue
 * on the local date of now), entered in the ledger (credit the tenant has is taken at
 * once) and the lease's billed_through advanced. *bill_id 0 when the month has nothing
 * due (entirely reduced, or outside the lease). GZF_ENOTFOUND for no such lease,
 * GZF_ENOTFOUND "no_rent_rules", GZF_EINVAL "no_rule_in_force", GZF_ECONFLICT when
 * another writer issued it at the same time (retry).
 */
int billing_issue_month(struct db_conn *c, int64_t lease_id, int month, int64_t now,
			int64_t *bill_id, struct gzf_err *err);

/*
 * billing_credit_payment — inside the caller's transaction: enter payment payment_id of
 * amount_fen in the lease's ledger (kind payment, ref "payment:<id>"), allocated to the
 * oldest bill outstanding first (ledger.c), the rest kept as credit, and the bills' paid
 * and state updated. GZF_ECONFLICT "duplicate" when that payment was entered before;
 * GZF_EINVAL as ledger_pay; GZF_ENOTFOUND for no such lease.
 */
int billing_credit_payment(struct db_conn *c, int64_t lease_id, int64_t payment_id,
			   int64_t amount_fen, int64_t now, struct gzf_err *err);

/*
 * billing_refund — inside the caller's transaction: enter refund refund_id of amount_fen
 * in the lease's ledger (kind refund, ref "refund:<id>"): it comes from the lease's
 * credit first, and the rest reopens the bills paid last, newest month first (ledger.c);
 * the bills' paid and state updated. GZF_ECONFLICT "duplicate" when that refund was
 * entered before; GZF_EINVAL as ledger_refund; GZF_ENOTFOUND for no such lease.
 */
int billing_refund(struct db_conn *c, int64_t lease_id, int64_t refund_id, int64_t amount_fen,
		   int64_t now, struct gzf_err *err);

/*
 * billing_waive — inside the caller's transaction: waive (减免) amount_fen of bill_id by
 * staff member by at now: a ledger op (kind waiver, ref "waiver:<by>:<n>") and the bill's
 * waived and state updated. GZF_EINVAL as ledger_waive ("waiver_exceeds_outstanding",
 * "amount_invalid", ...); GZF_ENOTFOUND for no such bill.
 */
int billing_waive(struct db_conn *c, int64_t bill_id, int64_t amount_fen, int64_t by,
		  int64_t now, struct gzf_err *err);

/* What a billing run did. */
struct billing_run_result {
	int64_t run_id;
	int64_t leases_seen, bills_issued, amount_fen;
};

/*
 * billing_run_month — bill every lease of city_id that month (yyyymm) may bill, in
 * batches of BILLING_BATCH leases, each its own transaction on a connection of db (so a
 * run of any size holds bounded memory and locks). Idempotent: a bill exists once per
 * lease and month whoever runs it, and several runners of one month at once each bill
 * what the others have not (a batch that met another's bill is done again). by: the staff
 * member who asked (0: the schedule); audited as "billing.run" with its figures.
 * GZF_ENOTFOUND "no_rent_rules"; GZF_EINVAL "invalid_value" for a month out of range.
 */
int billing_run_month(struct db *db, const unsigned char *audit_key, int64_t city_id, int month,
		      int64_t by, int64_t now, struct billing_run_result *out, struct gzf_err *err);

/* The arrears ageing buckets: 1–2 months overdue, 3–5, 6 and more. */
enum { BILLING_AGE_1, BILLING_AGE_3, BILLING_AGE_6, BILLING_AGES };

/* billing_age_bucket — the bucket of a lease months in arrears (months ≥ 1). */
int billing_age_bucket(int months);

/*
 * billing_arrears_pass — for city_id on the local date of ctx's clock: remind every
 * household in arrears whose last reminder is remind_every_days old or more (an inbox
 * message, and an SMS through ctx's gateway after the commit), and raise the exit trigger
 * of each lease BILLING_EXIT_MONTHS or more months in arrears (audited). *reminded and
 * *raised (may be NULL) get the counts.
 */
int billing_arrears_pass(struct job_ctx *ctx, int64_t city_id, int *reminded, int *raised,
			 struct gzf_err *err);

/*
 * billing_jobs_register — register the job kinds "billing_month" (a city's monthly run,
 * which queues the next month's) and "arrears_daily" (the arrears pass, which queues the
 * next day's). 0, or jobs_register's error.
 */
int billing_jobs_register(void);

/*
 * billing_jobs_schedule — in the caller's transaction, queue the city's next billing run
 * (its billing day at 00:00 local time) and the next arrears pass, unless queued already.
 */
int billing_jobs_schedule(struct db_conn *c, int64_t city_id, int64_t now, struct gzf_err *err);

#endif
