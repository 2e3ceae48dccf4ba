/*
 * rent.h — the money rules of rent (R9, R22), as docs/design/rent.md states them for
 * finance staff: a month's rent from the unit's area and the rule version in force,
 * reductions by household category and income band, proration of a partial month, the
 * deposit, late fees, and the city's configuration of all of these as JSON (what
 * PUT /api/v1/cities/:city/rent-rules takes). Money is integer fen; no I/O.
 *
 * Configuration JSON:
 *   {"deposit_months":2,
 *    "versions":[{"effective":"2026-01-01","fen_per_m2":1050,
 *                 "reductions":[{"category":"dibao","kind":"percent","bp":5000},
 *                               {"category":"tekun","kind":"waive"},
 *                               {"income_band":1,"kind":"fixed","fen":10000}]}],
 *    "late_fee":{"bp_per_day":5,"grace_days":15,"cap_bp":1000,"cap_fen":null,
 *                "basis":"《……租赁合同》第十条"}}
 */
#ifndef GZF_DOMAIN_RENT_H
#define GZF_DOMAIN_RENT_H

#include <jansson.h>
#include <stdint.h>

#include "core/gzf.h"

/* Bounds: no single amount of money above RENT_AMOUNT_MAX_FEN (10^10 yuan). */
#define RENT_AMOUNT_MAX_FEN 1000000000000LL
#define RENT_VERSIONS_MAX 24            /* rule versions kept per city */
#define RENT_REDUCTIONS_MAX 16          /* reductions per version */
#define RENT_FEN_PER_M2_MAX 100000      /* 1,000 yuan per m² per month */
#define RENT_CATEGORY_CHARS 30          /* a household category code: a-z, 0-9, _ */
#define RENT_INCOME_BAND_MAX 9          /* income bands 1..9; 0 = any band */
#define RENT_DEPOSIT_MONTHS_MAX 12
#define RENT_LATE_BP_PER_DAY_MAX 100    /* 1% of the principal a day */
#define RENT_GRACE_DAYS_MAX 365
#define RENT_BASIS_CHARS 500            /* legal basis text, characters */

/* How a reduction lowers the month's rent. */
enum rent_reduction_kind {
	RENT_REDUCE_PERCENT, /* by value basis points of the rent (5000 = 50%) */
	RENT_REDUCE_FIXED,   /* by value fen, at most the rent */
	RENT_REDUCE_WAIVE,   /* by the whole rent */
};

/* One reduction: it applies to a household whose category is category ("" = any) and
 * whose income band is income_band (0 = any). */
struct rent_reduction {
	char category[RENT_CATEGORY_CHARS + 1];
	int income_band;
	enum rent_reduction_kind kind;
	int64_t value;
};

/* One version of the rent rule, in force from the date effective (yyyymmdd). */
struct rent_version {
	int effective;
	int64_t fen_per_m2;
	int nreductions;
	struct rent_reduction reductions[RENT_REDUCTIONS_MAX];
};

/* The late-fee rule. A rate of 0 means no late fees. cap_fen 0 means no absolute cap;
 * the cap in basis points of the principal always applies (at most 10000: a late fee
 * never exceeds the rent it is charged on). basis is shown to the tenant. */
struct rent_late_rule {
	int64_t bp_per_day;
	int grace_days;
	int64_t cap_bp;
	int64_t cap_fen;
	char basis[RENT_BASIS_CHARS * 4 + 1];
};

/* A city's configuration: versions in strictly increasing order of effective date. */
struct rent_config {
	int deposit_months;
	int nversions;
	struct rent_version versions[RENT_VERSIONS_MAX];
	struct rent_late_rule late;
};

/* The household a bill is for: its category code ("" = none) and income band (0 = none). */
struct rent_household {
	const char *category;
	int income_band;
};

/* The lines of a month's rent: what the unit costs (rent), what the household is let off
 * (reduction, 0 ≤ reduction ≤ rent) and what it owes (due = rent − reduction). version is
 * the index of the rule version applied. */
struct rent_lines {
	int version;
	int64_t rent_fen;
	int64_t reduction_fen;
	int64_t due_fen;
};

/*
 * rent_round_div — n / d rounded half up (to the nearest integer; exactly half goes up),
 * for n ≥ 0 and d > 0: how rent, reductions and proration round (4567 × 1050 / 100 =
 * 47953.5 → 47954). Late fees alone round down, in the tenant's favour.
 */
int64_t rent_round_div(int64_t n, int64_t d);

/*
 * rent_version_in_force — the index in cfg->versions of the version in force on the date
 * day (yyyymmdd): the one with the latest effective date on or before day. -1 when none
 * is (day before the first version).
 */
int rent_version_in_force(const struct rent_config *cfg, int day);

/*
 * rent_month — the lines of the full month month (yyyymm, e.g. 202603) for a unit of
 * area_dm2 (hundredths of a m², as housing stores areas) and household h, under the
 * version in force on the month's first day (a version effective mid-month applies from
 * the next month; a version added later never changes a month before its date):
 *   rent = area_dm2 × fen_per_m2 / 100, rounded half up to the fen;
 *   reduction = that of the first of the version's reductions that matches h (in their
 *   order): percent → rent × bp / 10000 rounded half up; fixed → min(fen, rent);
 *   waive → rent; none matching → 0.
 * GZF_EINVAL "no_rule_in_force" (no version yet), "invalid_value" (month or area outside
 * HOUSING_AREA_MIN_DM2..HOUSING_AREA_MAX_DM2). out is written only on success.
 */
int rent_month(const struct rent_config *cfg, int month, int64_t area_dm2,
	       const struct rent_household *h, struct rent_lines *out, struct gzf_err *err);

/*
 * rent_prorate — the lines of a partial month: the lease covers the days from first to
 * last (yyyymmdd, both counted, both in one month, first ≤ last); rent and
 * reduction are each full × days / days_in_month rounded half up, due = rent − reduction.
 * A whole month returns full unchanged. GZF_EINVAL "invalid_value" when first/last are
 * not dates of one month or first > last.
 */
int rent_prorate(const struct rent_lines *full, int first, int last, struct rent_lines *out,
		 struct gzf_err *err);

/*
 * rent_deposit — the deposit: cfg->deposit_months × monthly_due_fen (the month's due
 * after reductions). monthly_due_fen in 0..RENT_AMOUNT_MAX_FEN; the result is within
 * 12 × that bound, which fits an int64_t.
 */
int64_t rent_deposit(const struct rent_config *cfg, int64_t monthly_due_fen);

/*
 * rent_late_fee — the late fee on principal_fen (the unpaid rent of a bill, never a late
 * fee: no compounding) that fell due on due (yyyymmdd: the last day to pay without a fee),
 * counted to the date on (yyyymmdd):
 *   days late = on − due (calendar days); days charged = days late − grace_days (the
 *   grace days are never charged: with 15 grace days, day 16 is the first charged);
 *   fee = principal × bp_per_day × days charged / 10000, rounded down to the fen
 *   (0 when days charged ≤ 0),
 *   then at most principal × cap_bp / 10000 (rounded down) and at most cap_fen (when > 0).
 * GZF_EINVAL "invalid_value" for an invalid date or principal outside 0..RENT_AMOUNT_MAX_FEN.
 */
int rent_late_fee(const struct rent_late_rule *rule, int64_t principal_fen, int due, int on,
		  int64_t *fee_fen, struct gzf_err *err);

/*
 * rent_config_parse — check the configuration JSON j (see the top of this file) and fill
 * *cfg. GZF_EINVAL with field the JSON path ("versions[1].reductions[0].bp") and a stable
 * name: "invalid_value" (wrong type, outside its range, unknown kind or member),
 * "too_many" (versions or reductions over their bounds), "too_long" (basis),
 * "not_increasing" (effective dates not strictly increasing), "basis_required" (a late
 * fee rate above 0 without its legal basis). *cfg is undefined after a failure.
 */
int rent_config_parse(const json_t *j, struct rent_config *cfg, struct gzf_err *err);

/*
 * rent_config_change_check — GZF_EINVAL "rewrites_billed_month" (field "versions") when
 * replacing the configuration old by new would change a month already billed, that is
 * billed_through (yyyymm) or before: the versions in force on or before the first day of
 * billed_through must be the same, in number and in every figure, in both. 0 (no month
 * billed yet) allows any change. Versions effective later, even later in that month, may
 * be added, changed or removed.
 */
int rent_config_change_check(const struct rent_config *old, const struct rent_config *new_cfg,
			     int billed_through, struct gzf_err *err);

#endif
