/*
 * subsidy_formula.c — a city's rental-subsidy formula: reading it (bounded, every error
 * with its JSON path) and computing a household's monthly entitlement with the figures
 * used (subsidy_formula.h, docs/design/subsidy.md).
 */
#include "domain/subsidy_formula.h"

#include <stdio.h>
#include <string.h>

#include "domain/housing.h"
#include "domain/rent.h"
#include "domain/rules_json.h"

static const char *const share_members[] = { "shape", "standard_fen_per_m2", "district_standards",
					     "area_cap_m2", "monthly_max_fen", "tiers", NULL };
static const char *const gap_members[] = { "shape", "standard_area_m2", "fen_per_m2",
					   "monthly_max_fen", "tiers", NULL };
static const char *const tier_members[] = { "category", "income_max_fen", "bp", NULL };
static const char *const district_members[] = { "district", "fen_per_m2", NULL };

int
subsidy_category_parse(const char *code)
{
	if (code == NULL)
		return 0;
	if (strcmp(code, "dibao") == 0)
		return SUBSIDY_CAT_DIBAO;
	if (strcmp(code, "tekun") == 0)
		return SUBSIDY_CAT_TEKUN;
	if (strcmp(code, "low_income") == 0)
		return SUBSIDY_CAT_LOW_INCOME;
	return 0;
}

static const char *
category_name(int bit)
{
	return bit == SUBSIDY_CAT_DIBAO ? "dibao" : bit == SUBSIDY_CAT_TEKUN ? "tekun" : "low_income";
}

static int
parse_tier(const json_t *t, const char *path, struct subsidy_tier *out, struct gzf_err *err)
{
	const json_t *cat = json_object_get(t, "category"), *inc = json_object_get(t, "income_max_fen");
	const char *bad = NULL;

	if (!json_is_object(t))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path, "a tier is an object");
	if (!rules_json_only(t, tier_members, &bad))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path, "unknown member %.40s", bad);
	if (cat != NULL && inc != NULL)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path,
				   "a tier names a category or an income, not both");
	out->category = 0;
	if (cat != NULL && (out->category = subsidy_category_parse(json_string_value(cat))) == 0)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path,
				   "category is dibao, tekun or low_income");
	out->income_max_fen = -1;
	if (inc != NULL && rules_json_int(t, "income_max_fen", 1, 0, SUBSIDY_INCOME_MAX_FEN,
					  &out->income_max_fen) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path,
				   "income_max_fen is 0 to %lld fen", (long long)SUBSIDY_INCOME_MAX_FEN);
	if (rules_json_int(t, "bp", 1, 1, 10000, &out->bp) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path, "bp is 1 to 10000");
	return GZF_OK;
}

static int
parse_tiers(const json_t *j, struct subsidy_formula *f, struct gzf_err *err)
{
	const json_t *tiers = json_object_get(j, "tiers");
	char path[48];
	size_t i;
	int rc;

	if (tiers == NULL)
		return gzf_err_set(err, GZF_EINVAL, "required", "tiers", "tiers are required");
	if (!json_is_array(tiers) || json_array_size(tiers) == 0)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "tiers", "tiers is a list of 1 to %d",
				   SUBSIDY_TIERS_MAX);
	if (json_array_size(tiers) > SUBSIDY_TIERS_MAX)
		return gzf_err_set(err, GZF_EINVAL, "too_many", "tiers", "at most %d tiers",
				   SUBSIDY_TIERS_MAX);
	f->ntiers = (int)json_array_size(tiers);
	for (i = 0; i < json_array_size(tiers); i++) {
		snprintf(path, sizeof(path), "tiers[%zu]", i);
		if ((rc = parse_tier(json_array_get(tiers, i), path, &f->tiers[i], err)) != GZF_OK)
			return rc;
	}
	return GZF_OK;
}

static int
parse_districts(const json_t *j, struct subsidy_formula *f, struct gzf_err *err)
{
	const json_t *ds = json_object_get(j, "district_standards"), *d;
	const char *bad = NULL;
	char path[64];
	size_t i;

	if (ds == NULL || json_is_null(ds))
		return GZF_OK;
	if (!json_is_array(ds))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "district_standards", "a list");
	if (json_array_size(ds) > SUBSIDY_DISTRICTS_MAX)
		return gzf_err_set(err, GZF_EINVAL, "too_many", "district_standards",
				   "at most %d districts", SUBSIDY_DISTRICTS_MAX);
	json_array_foreach(ds, i, d) {
		snprintf(path, sizeof(path), "district_standards[%zu]", i);
		if (!json_is_object(d) || !rules_json_only(d, district_members, &bad) ||
		    rules_json_int(d, "district", 1, 100000, 999999, &f->districts[i].district) != GZF_OK ||
		    rules_json_int(d, "fen_per_m2", 1, 1, SUBSIDY_FEN_PER_M2_MAX,
				   &f->districts[i].fen_per_m2) != GZF_OK)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", path,
					   "{\"district\": a six-digit code, \"fen_per_m2\": 1 to %d}",
					   SUBSIDY_FEN_PER_M2_MAX);
		f->ndistricts++;
	}
	return GZF_OK;
}

static int
parse_sizes(const json_t *j, struct subsidy_formula *f, struct gzf_err *err)
{
	const json_t *sizes = json_object_get(j, "standard_area_m2"), *v;
	char path[48];
	size_t i;

	if (sizes == NULL)
		return gzf_err_set(err, GZF_EINVAL, "required", "standard_area_m2",
				   "the standard areas by household size are required");
	if (!json_is_array(sizes) || json_array_size(sizes) == 0)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "standard_area_m2",
				   "a list of 1 to %d areas", SUBSIDY_SIZES_MAX);
	if (json_array_size(sizes) > SUBSIDY_SIZES_MAX)
		return gzf_err_set(err, GZF_EINVAL, "too_many", "standard_area_m2",
				   "at most %d sizes", SUBSIDY_SIZES_MAX);
	json_array_foreach(sizes, i, v) {
		snprintf(path, sizeof(path), "standard_area_m2[%zu]", i);
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > SUBSIDY_AREA_M2_MAX)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", path, "1 to %d m²",
					   SUBSIDY_AREA_M2_MAX);
		f->standard_area_dm2[i] = json_integer_value(v) * 100;
		if (i > 0 && f->standard_area_dm2[i] < f->standard_area_dm2[i - 1])
			return gzf_err_set(err, GZF_EINVAL, "not_increasing", path,
					   "a larger household's standard area is not smaller");
		f->nsizes++;
	}
	return GZF_OK;
}

int
subsidy_formula_parse(const json_t *j, struct subsidy_formula *f, struct gzf_err *err)
{
	const char *shape = json_string_value(json_object_get(j, "shape")), *bad = NULL;
	int64_t v;
	int rc;

	memset(f, 0, sizeof(*f));
	if (!json_is_object(j))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", NULL, "the formula is an object");
	if (shape == NULL)
		return gzf_err_set(err, GZF_EINVAL, "required", "shape", "shape is tiered_share or area_gap");
	if (strcmp(shape, "tiered_share") == 0) {
		f->shape = SUBSIDY_TIERED_SHARE;
		if (!rules_json_only(j, share_members, &bad))
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", bad, "unknown member");
		if (json_object_get(j, "standard_fen_per_m2") == NULL)
			return gzf_err_set(err, GZF_EINVAL, "required", "standard_fen_per_m2",
					   "the market-rent standard is required");
		if (rules_json_int(j, "standard_fen_per_m2", 1, 1, SUBSIDY_FEN_PER_M2_MAX,
				   &f->fen_per_m2) != GZF_OK)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "standard_fen_per_m2",
					   "1 to %d fen per m² a month", SUBSIDY_FEN_PER_M2_MAX);
		if (json_object_get(j, "area_cap_m2") == NULL)
			return gzf_err_set(err, GZF_EINVAL, "required", "area_cap_m2",
					   "the subsidised area's cap is required");
		if (rules_json_int(j, "area_cap_m2", 1, 1, SUBSIDY_AREA_M2_MAX, &v) != GZF_OK)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "area_cap_m2", "1 to %d m²",
					   SUBSIDY_AREA_M2_MAX);
		f->area_cap_dm2 = v * 100;
		if ((rc = parse_districts(j, f, err)) != GZF_OK)
			return rc;
	} else if (strcmp(shape, "area_gap") == 0) {
		f->shape = SUBSIDY_AREA_GAP;
		if (!rules_json_only(j, gap_members, &bad))
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", bad, "unknown member");
		if ((rc = parse_sizes(j, f, err)) != GZF_OK)
			return rc;
		if (json_object_get(j, "fen_per_m2") == NULL)
			return gzf_err_set(err, GZF_EINVAL, "required", "fen_per_m2",
					   "the subsidy per m² is required");
		if (rules_json_int(j, "fen_per_m2", 1, 1, SUBSIDY_FEN_PER_M2_MAX, &f->fen_per_m2) != GZF_OK)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "fen_per_m2",
					   "1 to %d fen per m² a month", SUBSIDY_FEN_PER_M2_MAX);
	} else {
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "shape",
				   "shape is tiered_share or area_gap");
	}
	if (rules_json_int(j, "monthly_max_fen", 0, 1, SUBSIDY_MONTHLY_MAX_FEN,
			   &f->monthly_max_fen) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "monthly_max_fen",
				   "1 to %lld fen, or null for no cap", (long long)SUBSIDY_MONTHLY_MAX_FEN);
	return parse_tiers(j, f, err);
}

/* The first tier h matches, -1 none. */
static int
tier_of(const struct subsidy_formula *f, const struct subsidy_household *h)
{
	int i;

	for (i = 0; i < f->ntiers; i++) {
		const struct subsidy_tier *t = &f->tiers[i];

		if (t->category != 0 && (h->categories & t->category) == 0)
			continue;
		if (t->income_max_fen >= 0 && h->income_fen_per_capita > t->income_max_fen)
			continue;
		return i;
	}
	return -1;
}

int
subsidy_compute(const struct subsidy_formula *f, const struct subsidy_household *h,
		struct subsidy_calc *out, struct gzf_err *err)
{
	int i;

	if (h->persons < 1 || h->persons > 100)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "persons", "1 to 100 persons");
	if (h->income_fen_per_capita < 0 || h->income_fen_per_capita > SUBSIDY_INCOME_MAX_FEN)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "income_fen_per_capita",
				   "0 to %lld fen", (long long)SUBSIDY_INCOME_MAX_FEN);
	if (h->area_dm2 < 0 || h->area_dm2 > HOUSING_AREA_MAX_DM2)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "area_dm2", "0 to %d dm²",
				   HOUSING_AREA_MAX_DM2);
	memset(out, 0, sizeof(*out));
	out->reason = "";
	out->area_dm2 = h->area_dm2;
	out->fen_per_m2 = f->fen_per_m2;
	for (i = 0; i < f->ndistricts; i++)
		if (f->districts[i].district == h->district)
			out->fen_per_m2 = f->districts[i].fen_per_m2;
	if (f->shape == SUBSIDY_TIERED_SHARE) {
		out->area_used_dm2 = h->area_dm2 < f->area_cap_dm2 ? h->area_dm2 : f->area_cap_dm2;
	} else {
		int size = h->persons <= f->nsizes ? h->persons : f->nsizes;

		out->standard_area_dm2 = f->standard_area_dm2[size - 1];
		out->area_used_dm2 = out->standard_area_dm2 > h->area_dm2 ?
			out->standard_area_dm2 - h->area_dm2 : 0;
	}
	out->tier = tier_of(f, h);
	if (out->tier < 0) {
		out->reason = "no_matching_tier";
		return GZF_OK;
	}
	out->bp = f->tiers[out->tier].bp;
	if (out->area_used_dm2 == 0) {
		out->reason = f->shape == SUBSIDY_AREA_GAP ? "area_meets_standard" : "no_area";
		return GZF_OK;
	}
	/* fen/m² × dm² / 100 × bp / 10000, rounded once: at most 10^5 × 10^7 × 10^4 = 10^16. */
	out->before_cap_fen = rent_round_div(out->fen_per_m2 * out->area_used_dm2 * out->bp, 1000000);
	out->monthly_fen = out->before_cap_fen;
	if (f->monthly_max_fen > 0 && out->monthly_fen > f->monthly_max_fen)
		out->monthly_fen = f->monthly_max_fen;
	out->entitled = out->monthly_fen > 0;
	if (!out->entitled)
		out->reason = "rounds_to_zero";
	return GZF_OK;
}

json_t *
subsidy_calc_json(const struct subsidy_formula *f, const struct subsidy_calc *c)
{
	json_t *j = json_pack("{s:s, s:b, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			      "shape", f->shape == SUBSIDY_TIERED_SHARE ? "tiered_share" : "area_gap",
			      "entitled", c->entitled, "reason", c->reason,
			      "fen_per_m2", (json_int_t)c->fen_per_m2, "area_dm2", (json_int_t)c->area_dm2,
			      "area_used_dm2", (json_int_t)c->area_used_dm2, "bp", (json_int_t)c->bp,
			      "before_cap_fen", (json_int_t)c->before_cap_fen,
			      "monthly_fen", (json_int_t)c->monthly_fen, "tier", (json_int_t)c->tier);
	json_t *tier = json_null();

	if (f->shape == SUBSIDY_TIERED_SHARE)
		json_object_set_new(j, "area_cap_dm2", json_integer(f->area_cap_dm2));
	else
		json_object_set_new(j, "standard_area_dm2", json_integer(c->standard_area_dm2));
	json_object_set_new(j, "monthly_max_fen", f->monthly_max_fen > 0 ?
			    json_integer(f->monthly_max_fen) : json_null());
	if (c->tier >= 0) {
		const struct subsidy_tier *t = &f->tiers[c->tier];

		tier = json_object();
		if (t->category != 0)
			json_object_set_new(tier, "category", json_string(category_name(t->category)));
		if (t->income_max_fen >= 0)
			json_object_set_new(tier, "income_max_fen", json_integer(t->income_max_fen));
	}
	json_object_set_new(j, "tier_rule", tier);
	return j;
}
