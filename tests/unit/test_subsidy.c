/* test_subsidy.c — the rental-subsidy formulas: Beijing's tiered share and the area gap,
 * on boundary incomes and areas, rounding, caps, and every refusal of a formula. */
#include <string.h>

#include "domain/subsidy_formula.h"
#include "unit.h"

static const char *beijing =
	"{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,"
	" \"district_standards\":[{\"district\":230602,\"fen_per_m2\":5500}],"
	" \"area_cap_m2\":60,"
	" \"tiers\":[{\"category\":\"dibao\",\"bp\":9500},{\"category\":\"tekun\",\"bp\":9500},"
	"  {\"category\":\"low_income\",\"bp\":9000},{\"income_max_fen\":120000,\"bp\":7000},"
	"  {\"income_max_fen\":180000,\"bp\":5000},{\"income_max_fen\":240000,\"bp\":2500},"
	"  {\"income_max_fen\":300000,\"bp\":1000}]}";

static const char *gap =
	"{\"shape\":\"area_gap\",\"standard_area_m2\":[20,35,50,60],\"fen_per_m2\":1500,"
	" \"monthly_max_fen\":60000,"
	" \"tiers\":[{\"category\":\"dibao\",\"bp\":10000},{\"bp\":8000}]}";

static void
formula(const char *text, struct subsidy_formula *f)
{
	struct gzf_err err = { 0 };
	json_t *j = json_loads(text, 0, NULL);

	ck_assert_ptr_nonnull(j);
	ck_assert_msg(subsidy_formula_parse(j, f, &err) == GZF_OK, "%s: %s", err.field, err.message);
	json_decref(j);
}

static struct subsidy_calc
calc(const struct subsidy_formula *f, int cats, int64_t income, int persons, int64_t area,
     int64_t district)
{
	struct subsidy_household h = { cats, income, persons, area, district };
	struct subsidy_calc c;
	struct gzf_err err = { 0 };

	ck_assert_int_eq(subsidy_compute(f, &h, &c, &err), GZF_OK);
	return c;
}

START_TEST(beijing_shares_by_category_and_income_band)
{
	struct subsidy_formula f;
	struct subsidy_calc c;

	formula(beijing, &f);
	/* 低保: 60 yuan × 45.67 m² × 95% = 2,603.19 yuan. */
	c = calc(&f, SUBSIDY_CAT_DIBAO, 50000, 3, 4567, 230603);
	ck_assert(c.entitled);
	ck_assert_int_eq(c.tier, 0);
	ck_assert_int_eq(c.monthly_fen, 260319);
	/* A category counts before income: 特困 with a high income still 95%. */
	ck_assert_int_eq(calc(&f, SUBSIDY_CAT_TEKUN, 900000, 1, 4567, 0).bp, 9500);
	ck_assert_int_eq(calc(&f, SUBSIDY_CAT_LOW_INCOME, 0, 1, 4567, 0).bp, 9000);
	/* Income bands: at the limit is inside the band, a fen more is the next band. */
	ck_assert_int_eq(calc(&f, 0, 120000, 2, 4000, 0).bp, 7000);
	ck_assert_int_eq(calc(&f, 0, 120001, 2, 4000, 0).bp, 5000);
	ck_assert_int_eq(calc(&f, 0, 180000, 2, 4000, 0).bp, 5000);
	ck_assert_int_eq(calc(&f, 0, 240000, 2, 4000, 0).bp, 2500);
	c = calc(&f, 0, 300000, 2, 4000, 0);
	ck_assert_int_eq(c.bp, 1000);
	ck_assert_int_eq(c.monthly_fen, 6000 * 40 / 10); /* 60 × 40 × 10% = 240 yuan */
	c = calc(&f, 0, 300001, 2, 4000, 0);
	ck_assert(!c.entitled);
	ck_assert_str_eq(c.reason, "no_matching_tier");
	ck_assert_int_eq(c.monthly_fen, 0);
	ck_assert_int_eq(c.tier, -1);
}
END_TEST

START_TEST(beijing_area_cap_district_standard_and_rounding)
{
	struct subsidy_formula f;
	struct subsidy_calc c;
	json_t *j;

	formula(beijing, &f);
	/* 75 m² rented: 60 m² subsidised. 60 at the cap exactly, 60.01 capped. */
	c = calc(&f, 0, 100000, 4, 7500, 0);
	ck_assert_int_eq(c.area_used_dm2, 6000);
	ck_assert_int_eq(c.monthly_fen, 252000); /* 60 yuan × 60 m² × 70% = 2,520 */
	ck_assert_int_eq(calc(&f, 0, 100000, 4, 6000, 0).monthly_fen, calc(&f, 0, 100000, 4, 6001, 0).monthly_fen);
	ck_assert_int_lt(calc(&f, 0, 100000, 4, 5999, 0).monthly_fen, c.monthly_fen);
	/* The district's own standard: 55 yuan. */
	c = calc(&f, SUBSIDY_CAT_DIBAO, 0, 1, 4567, 230602);
	ck_assert_int_eq(c.fen_per_m2, 5500);
	ck_assert_int_eq(c.monthly_fen, 238626); /* 55 × 45.67 × 0.95 = 2,386.2575 → 2,386.26 */
	/* Rounded once, half up, to the fen: 60 × 0.33 m² × 25% = 4.95 yuan exactly; then
	 * 55 yuan × 0.01 m² at 10% and 25%, and × 0.03 m² at 25%. */
	ck_assert_int_eq(calc(&f, 0, 200000, 1, 33, 0).monthly_fen, 495);
	ck_assert_int_eq(calc(&f, 0, 300000, 1, 1, 230602).monthly_fen, 6); /* 5.5 fen → 6 */
	ck_assert_int_eq(calc(&f, 0, 200000, 1, 1, 230602).monthly_fen, 14); /* 13.75 → 14 */
	ck_assert_int_eq(calc(&f, 0, 200000, 1, 3, 230602).monthly_fen, 41); /* 41.25 → 41 */
	c = calc(&f, 0, 100000, 1, 0, 0);
	ck_assert(!c.entitled);
	ck_assert_str_eq(c.reason, "no_area");
	j = subsidy_calc_json(&f, &c);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "area_cap_dm2")), 6000);
	ck_assert_str_eq(json_string_value(json_object_get(j, "reason")), "no_area");
	ck_assert(json_is_null(json_object_get(j, "monthly_max_fen")));
	json_decref(j);
}
END_TEST

START_TEST(area_gap_by_household_size)
{
	struct subsidy_formula f;
	struct subsidy_calc c;
	json_t *j;

	formula(gap, &f);
	/* 3 persons, standard 50 m², living in 32.40: 17.60 m² × 15 yuan × 80% = 211.20. */
	c = calc(&f, 0, 150000, 3, 3240, 0);
	ck_assert_int_eq(c.standard_area_dm2, 5000);
	ck_assert_int_eq(c.area_used_dm2, 1760);
	ck_assert_int_eq(c.monthly_fen, 21120);
	/* 低保: coefficient 100%. */
	ck_assert_int_eq(calc(&f, SUBSIDY_CAT_DIBAO, 0, 3, 3240, 0).monthly_fen, 26400);
	/* Six persons use the last standard (60 m²); one person the first (20). */
	ck_assert_int_eq(calc(&f, 0, 0, 6, 0, 0).standard_area_dm2, 6000);
	ck_assert_int_eq(calc(&f, 0, 0, 1, 1999, 0).monthly_fen, 12); /* 0.01 m² × 15 × 0.8 = 0.12 */
	/* At or above the standard: nothing. */
	c = calc(&f, 0, 0, 1, 2000, 0);
	ck_assert(!c.entitled);
	ck_assert_str_eq(c.reason, "area_meets_standard");
	ck_assert_str_eq(calc(&f, 0, 0, 2, 9000, 0).reason, "area_meets_standard");
	/* The monthly cap: 4 persons with no home, 60 × 15 = 900 yuan → 600. */
	c = calc(&f, SUBSIDY_CAT_DIBAO, 0, 4, 0, 0);
	ck_assert_int_eq(c.before_cap_fen, 90000);
	ck_assert_int_eq(c.monthly_fen, 60000);
	j = subsidy_calc_json(&f, &c);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "standard_area_dm2")), 6000);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "tier_rule"), "category")), "dibao");
	json_decref(j);
}
END_TEST

START_TEST(household_figures_out_of_range_are_refused)
{
	struct subsidy_formula f;
	struct subsidy_calc c;
	struct gzf_err err = { 0 };
	struct subsidy_household h = { 0, 0, 0, 5000, 0 };

	formula(gap, &f);
	ck_assert_int_eq(subsidy_compute(&f, &h, &c, &err), GZF_EINVAL);
	ck_assert_str_eq(err.field, "persons");
	h.persons = 2;
	h.income_fen_per_capita = -1;
	ck_assert_int_eq(subsidy_compute(&f, &h, &c, &err), GZF_EINVAL);
	ck_assert_str_eq(err.field, "income_fen_per_capita");
	h.income_fen_per_capita = 0;
	h.area_dm2 = -5;
	ck_assert_int_eq(subsidy_compute(&f, &h, &c, &err), GZF_EINVAL);
	ck_assert_str_eq(err.field, "area_dm2");
}
END_TEST

START_TEST(formulas_refused_with_their_path)
{
	static const struct { const char *json, *name, *field; } bad[] = {
		{ "[]", "invalid_value", "" },
		{ "{}", "required", "shape" },
		{ "{\"shape\":\"flat\"}", "invalid_value", "shape" },
		{ "{\"shape\":\"tiered_share\",\"area_cap_m2\":60,\"tiers\":[{\"bp\":1}]}", "required", "standard_fen_per_m2" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,\"tiers\":[{\"bp\":1}]}", "required", "area_cap_m2" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":0,\"area_cap_m2\":60,\"tiers\":[{\"bp\":1}]}", "invalid_value", "standard_fen_per_m2" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":60.5,\"area_cap_m2\":60,\"tiers\":[{\"bp\":1}]}", "invalid_value", "standard_fen_per_m2" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,\"area_cap_m2\":60}", "required", "tiers" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,\"area_cap_m2\":60,\"tiers\":[]}", "invalid_value", "tiers" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,\"area_cap_m2\":60,\"tiers\":[{\"bp\":10001}]}", "invalid_value", "tiers[0]" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,\"area_cap_m2\":60,\"tiers\":[{\"bp\":1},{\"category\":\"rich\",\"bp\":1}]}", "invalid_value", "tiers[1]" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,\"area_cap_m2\":60,\"tiers\":[{\"category\":\"dibao\",\"income_max_fen\":1,\"bp\":1}]}", "invalid_value", "tiers[0]" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,\"area_cap_m2\":60,\"tiers\":[{\"bp\":1,\"note\":\"x\"}]}", "invalid_value", "tiers[0]" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,\"area_cap_m2\":60,\"tiers\":[{\"bp\":1}],\"extra\":1}", "invalid_value", "extra" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,\"area_cap_m2\":60,\"tiers\":[{\"bp\":1}],\"district_standards\":[{\"district\":12,\"fen_per_m2\":1}]}", "invalid_value", "district_standards[0]" },
		{ "{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,\"area_cap_m2\":60,\"tiers\":[{\"bp\":1}],\"monthly_max_fen\":0}", "invalid_value", "monthly_max_fen" },
		{ "{\"shape\":\"area_gap\",\"fen_per_m2\":1500,\"tiers\":[{\"bp\":1}]}", "required", "standard_area_m2" },
		{ "{\"shape\":\"area_gap\",\"standard_area_m2\":[20,35,30],\"fen_per_m2\":1500,\"tiers\":[{\"bp\":1}]}", "not_increasing", "standard_area_m2[2]" },
		{ "{\"shape\":\"area_gap\",\"standard_area_m2\":[20,1001],\"fen_per_m2\":1500,\"tiers\":[{\"bp\":1}]}", "invalid_value", "standard_area_m2[1]" },
		{ "{\"shape\":\"area_gap\",\"standard_area_m2\":[1,2,3,4,5,6,7,8,9,10,11],\"fen_per_m2\":1500,\"tiers\":[{\"bp\":1}]}", "too_many", "standard_area_m2" },
		{ "{\"shape\":\"area_gap\",\"standard_area_m2\":[20],\"tiers\":[{\"bp\":1}]}", "required", "fen_per_m2" },
		{ "{\"shape\":\"area_gap\",\"standard_area_m2\":[20],\"fen_per_m2\":1500,\"area_cap_m2\":60,\"tiers\":[{\"bp\":1}]}", "invalid_value", "area_cap_m2" },
	};
	char many[2048] = "{\"shape\":\"area_gap\",\"standard_area_m2\":[20],\"fen_per_m2\":1,\"tiers\":[";
	struct subsidy_formula f;
	struct gzf_err err;
	size_t i;
	json_t *j;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		j = json_loads(bad[i].json, 0, NULL);
		ck_assert_ptr_nonnull(j);
		ck_assert_msg(subsidy_formula_parse(j, &f, &err) == GZF_EINVAL, "accepted %s", bad[i].json);
		ck_assert_msg(strcmp(err.name, bad[i].name) == 0 && strcmp(err.field, bad[i].field) == 0,
			      "%s: got %s at %s", bad[i].json, err.name, err.field);
		json_decref(j);
	}
	for (i = 0; i < SUBSIDY_TIERS_MAX + 1; i++)
		strcat(many, i ? ",{\"bp\":1}" : "{\"bp\":1}");
	strcat(many, "]}");
	j = json_loads(many, 0, NULL);
	ck_assert_int_eq(subsidy_formula_parse(j, &f, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "too_many");
	json_decref(j);
}
END_TEST

Suite *
subsidy_suite(void)
{
	Suite *s = suite_create("subsidy");
	TCase *tc = tcase_create("formula");

	tcase_add_test(tc, beijing_shares_by_category_and_income_band);
	tcase_add_test(tc, beijing_area_cap_district_standard_and_rounding);
	tcase_add_test(tc, area_gap_by_household_size);
	tcase_add_test(tc, household_figures_out_of_range_are_refused);
	tcase_add_test(tc, formulas_refused_with_their_path);
	suite_add_tcase(s, tc);
	return s;
}
