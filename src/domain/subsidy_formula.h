/*
 * subsidy_formula.h — how much rental subsidy (租赁补贴, R10, R23) a household is entitled
 * to each month, by its city's formula, with every figure used kept for the household to
 * see. Two shapes, chosen per city by "shape"; money in integer fen, areas in hundredths of
 * a m² (dm2) as housing keeps them; no I/O. docs/design/subsidy.md states the rules.
 *
 * tiered_share (Beijing's market-rent subsidy):
 *   monthly = standard (fen/m²) × min(area, area cap) × share, rounded half up to the fen,
 *   then at most monthly_max_fen. The share is that of the first tier that matches: a
 *   category tier (低保/特困 95%, low income 90%) or an income tier (per-capita monthly
 *   income at most income_max_fen: 70/50/25/10%). area is the rented home's area.
 *   {"shape":"tiered_share","standard_fen_per_m2":6000,
 *    "district_standards":[{"district":230602,"fen_per_m2":5500}],
 *    "area_cap_m2":60,"monthly_max_fen":null,
 *    "tiers":[{"category":"dibao","bp":9500},{"category":"tekun","bp":9500},
 *             {"category":"low_income","bp":9000},{"income_max_fen":120000,"bp":7000},
 *             {"income_max_fen":180000,"bp":5000},{"income_max_fen":240000,"bp":2500},
 *             {"income_max_fen":300000,"bp":1000}]}
 *
 * area_gap:
 *   monthly = (standard area for the household's size − its current area) × fen_per_m2 ×
 *   coefficient, rounded half up, 0 when the current area meets the standard; the
 *   coefficient is the first matching tier's (the same tiers as above), at most
 *   monthly_max_fen. standard_area_m2[i] is the standard for i+1 persons; the last entry
 *   serves larger households. area is the household's current housing area.
 *   {"shape":"area_gap","standard_area_m2":[20,35,50,60],"fen_per_m2":1500,
 *    "tiers":[{"category":"dibao","bp":10000},{"bp":8000}]}
 */
#ifndef GZF_DOMAIN_SUBSIDY_FORMULA_H
#define GZF_DOMAIN_SUBSIDY_FORMULA_H

#include <jansson.h>
#include <stdint.h>

#include "core/gzf.h"

#define SUBSIDY_TIERS_MAX 16
#define SUBSIDY_DISTRICTS_MAX 64
#define SUBSIDY_SIZES_MAX 10           /* standard areas: 1..10 persons */
#define SUBSIDY_FEN_PER_M2_MAX 100000  /* 1,000 yuan per m² per month */
#define SUBSIDY_AREA_M2_MAX 1000
#define SUBSIDY_INCOME_MAX_FEN 100000000000LL
#define SUBSIDY_MONTHLY_MAX_FEN 100000000LL /* one household's month: 1,000,000 yuan */

enum subsidy_shape { SUBSIDY_TIERED_SHARE, SUBSIDY_AREA_GAP };

/* The categories a tier may name; a household has any number of them (a bit each). */
enum subsidy_category {
	SUBSIDY_CAT_DIBAO = 1 << 0,      /* 低保 */
	SUBSIDY_CAT_TEKUN = 1 << 1,      /* 特困 */
	SUBSIDY_CAT_LOW_INCOME = 1 << 2, /* 低收入 */
};

/* One tier: it matches a household with category (0 = any category), and whose
 * per-capita monthly income is at most income_max_fen (-1 = any income). */
struct subsidy_tier {
	int category;
	int64_t income_max_fen;
	int64_t bp; /* the share (tiered_share) or coefficient (area_gap), 1..10000 */
};

struct subsidy_formula {
	enum subsidy_shape shape;
	int64_t fen_per_m2;             /* tiered_share: the standard; area_gap: the rate */
	int ndistricts;
	struct { int64_t district; int64_t fen_per_m2; } districts[SUBSIDY_DISTRICTS_MAX];
	int64_t area_cap_dm2;           /* tiered_share */
	int nsizes;
	int64_t standard_area_dm2[SUBSIDY_SIZES_MAX]; /* area_gap */
	int64_t monthly_max_fen;        /* 0: no cap */
	int ntiers;
	struct subsidy_tier tiers[SUBSIDY_TIERS_MAX];
};

/* The household the subsidy is for. */
struct subsidy_household {
	int categories;               /* enum subsidy_category bits */
	int64_t income_fen_per_capita; /* per-capita monthly income, ≥ 0 */
	int persons;                  /* ≥ 1 */
	int64_t area_dm2;             /* tiered_share: the rented home; area_gap: current housing */
	int64_t district;             /* the district code, for district standards; 0 = none */
};

/* What a computation used and gave: every figure, for the household to see. entitled 0
 * (monthly 0) with reason "no_matching_tier" (no tier fits: income above them all),
 * "area_meets_standard" (area_gap: the current home is large enough), "no_area"
 * (tiered_share: an area of 0) or "rounds_to_zero". */
struct subsidy_calc {
	int entitled;
	const char *reason;       /* "" when entitled */
	int64_t fen_per_m2;       /* the standard or rate applied (a district's when it has one) */
	int64_t area_dm2;         /* the household's area as given */
	int64_t area_used_dm2;    /* tiered_share: min(area, cap); area_gap: the gap (≥ 0) */
	int64_t standard_area_dm2;/* area_gap: the standard for the household's size */
	int tier;                 /* index of the matching tier, -1 none */
	int64_t bp;               /* its share or coefficient */
	int64_t before_cap_fen;   /* the product, rounded, before monthly_max_fen */
	int64_t monthly_fen;      /* what is paid each month */
};

/*
 * subsidy_formula_parse — check the formula JSON j (see the top of this file) and fill *f.
 * GZF_EINVAL with field the JSON path ("tiers[2].bp") and a stable name: "invalid_value"
 * (wrong type, out of range, unknown member or shape, a tier naming both a category and an
 * income, an unknown category), "required" (a member the shape needs), "too_many" (over a
 * bound), "not_increasing" (standard areas not increasing with household size).
 */
int subsidy_formula_parse(const json_t *j, struct subsidy_formula *f, struct gzf_err *err);

/*
 * subsidy_compute — the monthly entitlement of h under f, with its figures in *out. Rounds
 * once, half up, at the end (standard × area × bp / 10^6). GZF_EINVAL "invalid_value"
 * (field names the household member) for persons < 1, a negative income or area above
 * SUBSIDY_INCOME_MAX_FEN / 100,000 m².
 */
int subsidy_compute(const struct subsidy_formula *f, const struct subsidy_household *h,
		    struct subsidy_calc *out, struct gzf_err *err);

/* subsidy_calc_json — the computation as the household and staff see it (a new reference):
 * {"shape","entitled","reason","fen_per_m2","area_dm2","area_used_dm2",
 *  "standard_area_dm2" (area_gap), "area_cap_dm2" (tiered_share), "tier","bp",
 *  "before_cap_fen","monthly_max_fen","monthly_fen"}. */
json_t *subsidy_calc_json(const struct subsidy_formula *f, const struct subsidy_calc *c);

/* subsidy_category_parse — the bit of a category code ("dibao", "tekun", "low_income"),
 * 0 for any other. */
int subsidy_category_parse(const char *code);

#endif
