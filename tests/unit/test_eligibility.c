/* test_eligibility.c — the rule engine: each criterion from declarations and evidence,
 * unknown when a source was down, the overall result, the rules' validation. */
#include <string.h>

#include "domain/eligibility.h"
#include "unit.h"

/* A two-person Daqing household that qualifies on its declaration. */
static const char *household_text =
	"{\"kind\":\"rental\","
	" \"applicant\":{\"name\":\"王伟\",\"id_number\":\"230602198001010126\",\"relation\":\"self\","
	"  \"income_fen_month\":150000,\"groups\":[]},"
	" \"members\":[{\"name\":\"李娜\",\"id_number\":\"230602198501010221\",\"relation\":\"spouse\","
	"  \"income_fen_month\":100000,\"groups\":[\"veteran\"]}],"
	" \"housing\":{\"area_m2\":24,\"tenure\":\"rented\"},"
	" \"assets\":{\"properties\":0,\"vehicles\":0,\"vehicle_value_fen\":0,\"business_value_fen\":0},"
	" \"residence_years\":3,\"employment_years\":2}";

static json_t *
source(const char *name, const char *facts1, const char *facts2)
{
	json_t *e = json_pack("{s:s, s:s, s:n, s:I, s:s, s:[{s:s, s:o}, {s:s, s:o}]}",
			      "source", name, "status", "ok", "reason", "fetched_ms", (json_int_t)1000,
			      "reference", name,
			      "persons", "id_number", "230602198001010126", "facts", json_loads(facts1, 0, NULL),
			      "id_number", "230602198501010221", "facts", json_loads(facts2, 0, NULL));
	ck_assert_ptr_nonnull(e);
	return e;
}

/* Evidence in which every source answered and agrees with the declaration. */
static json_t *
clean_evidence(void)
{
	json_t *ev = json_array();

	json_array_append_new(ev, source("hukou", "{\"registered_city\":\"230600\",\"since_year\":2010}",
					 "{\"registered_city\":\"230600\",\"since_year\":2012}"));
	json_array_append_new(ev, source("estate", "{\"properties\":[]}",
					 "{\"properties\":[{\"city\":\"110100\",\"area_m2\":80}]}"));
	json_array_append_new(ev, source("civil", "{\"dibao\":1,\"tekun\":0}", "{\"dibao\":0,\"tekun\":0}"));
	json_array_append_new(ev, source("vehicle", "{\"vehicles\":1,\"value_fen\":3000000}",
					 "{\"vehicles\":0,\"value_fen\":0}"));
	json_array_append_new(ev, source("business", "{\"shares\":[]}", "{\"shares\":[]}"));
	json_array_append_new(ev, source("fund", "{\"employer\":\"a\",\"monthly_fen\":10000,\"years\":3}",
					 "{\"employer\":null,\"monthly_fen\":0,\"years\":0}"));
	json_array_append_new(ev, source("social", "{\"employer\":\"a\",\"months_in_city\":30}",
					 "{\"employer\":\"b\",\"months_in_city\":12}"));
	json_array_append_new(ev, source("tax", "{\"annual_income_fen\":1800000}",
					 "{\"annual_income_fen\":1200000}"));
	json_array_append_new(ev, source("marriage",
					 "{\"status\":\"married\",\"spouse_id_number\":\"230602198501010221\"}",
					 "{\"status\":\"married\",\"spouse_id_number\":\"230602198001010126\"}"));
	json_array_append_new(ev, source("disability", "{\"level\":0}", "{\"level\":2}"));
	return ev;
}

static json_t *
rules_for(void)
{
	json_t *r = eligibility_rules_default();

	json_object_set_new(r, "city_code", json_string("230600"));
	return r;
}

static const json_t *
crit(const json_t *criteria, const char *code)
{
	const json_t *c;
	size_t i;

	json_array_foreach(criteria, i, c)
		if (strcmp(json_string_value(json_object_get(c, "code")), code) == 0)
			return c;
	ck_abort_msg("no criterion %s", code);
	return NULL;
}

static const char *
result(const json_t *criteria, const char *code)
{
	return json_string_value(json_object_get(crit(criteria, code), "result"));
}

static void
evaluate(json_t *rules, json_t *household, json_t *evidence, json_t **criteria, const char **overall)
{
	struct gzf_err e;

	ck_assert_int_eq(eligibility_evaluate(rules, household, evidence, criteria, overall, &e), GZF_OK);
}

START_TEST(qualifies_with_clean_evidence)
{
	json_t *rules = rules_for(), *h = json_loads(household_text, 0, NULL), *ev = clean_evidence();
	json_t *criteria, *groups;
	const char *overall;

	evaluate(rules, h, ev, &criteria, &overall);
	ck_assert_str_eq(overall, "pass");
	/* (150000 + 100000) / 2 declared; the tax records give 150000 and 100000 too. */
	ck_assert_int_eq(json_integer_value(json_object_get(crit(criteria, "income_per_capita"), "value")), 125000);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(
		crit(criteria, "income_per_capita"), "evidence"), 0), "reference")), "tax");
	ck_assert(json_real_value(json_object_get(crit(criteria, "area_per_capita"), "value")) == 12.0);
	/* A property in another city does not count. */
	ck_assert_int_eq(json_integer_value(json_object_get(crit(criteria, "property_in_city"), "value")), 0);
	ck_assert_str_eq(result(criteria, "data_consistency"), "pass");
	/* Priority: dibao from civil affairs, disabled from the federation, veteran declared
	 * but not one of the city's priority groups. */
	groups = json_object_get(crit(criteria, "priority"), "groups");
	ck_assert_int_eq(json_array_size(groups), 2);
	json_decref(criteria);
	json_decref(rules);
	json_decref(h);
	json_decref(ev);
}
END_TEST

START_TEST(each_criterion_fails)
{
	json_t *rules = rules_for(), *h, *ev, *criteria;
	const char *overall;

	/* Income: the tax record shows 6,000 yuan a month for the applicant. */
	h = json_loads(household_text, 0, NULL);
	ev = clean_evidence();
	json_object_set_new(json_object_get(json_array_get(json_object_get(json_array_get(ev, 7), "persons"), 0),
					    "facts"), "annual_income_fen", json_integer(7200000));
	evaluate(rules, h, ev, &criteria, &overall);
	ck_assert_str_eq(overall, "fail");
	ck_assert_str_eq(result(criteria, "income_per_capita"), "fail");
	ck_assert_str_eq(result(criteria, "vehicles"), "pass");
	json_decref(criteria);
	json_decref(ev);

	/* Area: 40 m² for two people. */
	json_object_set_new(json_object_get(h, "housing"), "area_m2", json_integer(40));
	ev = clean_evidence();
	evaluate(rules, h, ev, &criteria, &overall);
	ck_assert_str_eq(result(criteria, "area_per_capita"), "fail");
	ck_assert_str_eq(result(criteria, "income_per_capita"), "pass");
	json_decref(criteria);
	json_object_set_new(json_object_get(h, "housing"), "area_m2", json_integer(24));

	/* Property in the city and an expensive car, from the registers. */
	json_object_set_new(json_object_get(json_array_get(json_object_get(json_array_get(ev, 1), "persons"), 1),
					    "facts"), "properties",
			    json_pack("[{s:s, s:f}]", "city", "230602", "area_m2", 60.0));
	json_object_set_new(json_object_get(json_array_get(json_object_get(json_array_get(ev, 3), "persons"), 1),
					    "facts"), "value_fen", json_integer(15000000));
	evaluate(rules, h, ev, &criteria, &overall);
	ck_assert_str_eq(overall, "fail");
	ck_assert_str_eq(result(criteria, "property_in_city"), "fail");
	ck_assert_str_eq(result(criteria, "vehicles"), "fail");
	ck_assert_str_eq(result(criteria, "area_per_capita"), "pass"); /* not counted twice */
	json_decref(criteria);
	json_decref(ev);

	/* Residence: registered elsewhere, three months insured, no fund. */
	ev = clean_evidence();
	json_object_set_new(json_object_get(json_array_get(json_object_get(json_array_get(ev, 0), "persons"), 0),
					    "facts"), "registered_city", json_string("230100"));
	json_object_set_new(json_object_get(json_array_get(json_object_get(json_array_get(ev, 5), "persons"), 0),
					    "facts"), "years", json_integer(0));
	json_object_set_new(json_object_get(json_array_get(json_object_get(json_array_get(ev, 6), "persons"), 0),
					    "facts"), "months_in_city", json_integer(3));
	evaluate(rules, h, ev, &criteria, &overall);
	ck_assert_str_eq(result(criteria, "residence_years"), "fail");
	ck_assert(json_real_value(json_object_get(crit(criteria, "residence_years"), "value")) == 0.2);
	json_decref(criteria);
	json_decref(ev);
	json_decref(h);
	json_decref(rules);
}
END_TEST

START_TEST(unknown_when_down_and_conflicts)
{
	json_t *rules = rules_for(), *h = json_loads(household_text, 0, NULL), *ev = clean_evidence();
	json_t *criteria, *tax = json_array_get(ev, 7), *mar;
	const char *overall;

	json_object_set_new(tax, "status", json_string("unavailable"));
	json_object_set_new(tax, "reason", json_string("the income tax service is down"));
	evaluate(rules, h, ev, &criteria, &overall);
	ck_assert_str_eq(overall, "unknown");
	ck_assert_str_eq(result(criteria, "income_per_capita"), "unknown");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(crit(criteria, "income_per_capita"), "note")),
				     "the income tax service is down"));
	json_decref(criteria);
	/* A declaration that already fails is a fail even without the record. */
	json_object_set_new(json_object_get(h, "applicant"), "income_fen_month", json_integer(500000));
	evaluate(rules, h, ev, &criteria, &overall);
	ck_assert_str_eq(overall, "fail");
	ck_assert_str_eq(result(criteria, "income_per_capita"), "fail");
	json_decref(criteria);
	json_decref(ev);

	/* Married to someone not declared. */
	json_object_set_new(json_object_get(h, "applicant"), "income_fen_month", json_integer(150000));
	ev = clean_evidence();
	mar = json_object_get(json_array_get(json_object_get(json_array_get(ev, 8), "persons"), 0), "facts");
	json_object_set_new(mar, "spouse_id_number", json_string("230602196001011664"));
	evaluate(rules, h, ev, &criteria, &overall);
	ck_assert_str_eq(overall, "unknown");
	ck_assert_str_eq(result(criteria, "data_consistency"), "unknown");
	ck_assert_int_eq(json_array_size(json_object_get(crit(criteria, "data_consistency"), "conflicts")), 1);
	json_decref(criteria);

	/* No evidence at all: the declaration passes, so everything checkable is unknown. */
	evaluate(rules, h, NULL, &criteria, &overall);
	ck_assert_str_eq(overall, "unknown");
	ck_assert_str_eq(result(criteria, "area_per_capita"), "pass");
	ck_assert_str_eq(result(criteria, "property_in_city"), "unknown");
	json_decref(criteria);
	json_decref(ev);
	json_decref(h);
	json_decref(rules);
}
END_TEST

START_TEST(elderly_from_the_id_number)
{
	json_t *rules = rules_for(), *h = json_loads(household_text, 0, NULL), *criteria, *groups;
	const char *overall;

	/* Born on 1 January 1950: over 60 by the ID number alone. */
	json_object_set_new(json_object_get(h, "applicant"), "id_number", json_string("230602195001010114"));
	evaluate(rules, h, NULL, &criteria, &overall);
	groups = json_object_get(crit(criteria, "priority"), "groups");
	ck_assert_int_eq(json_array_size(groups), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(groups, 0), "group")), "elderly");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(groups, 0), "from")), "id_number");
	json_decref(criteria);
	/* A city that raises the age past the applicant's: no longer a priority. */
	json_object_set_new(rules, "elderly_age_min", json_integer(100));
	evaluate(rules, h, NULL, &criteria, &overall);
	ck_assert_int_eq(json_array_size(json_object_get(crit(criteria, "priority"), "groups")), 0);
	json_decref(criteria);
	json_decref(rules);
	json_decref(h);
}
END_TEST

START_TEST(rules_validation)
{
	struct gzf_err e;
	json_t *r = eligibility_rules_default();

	ck_assert_int_eq(eligibility_rules_check(r, &e), GZF_OK);
	json_object_set_new(r, "vehicles_max", json_integer(-1));
	ck_assert_int_eq(eligibility_rules_check(r, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "vehicles_max");
	json_object_set_new(r, "vehicles_max", json_null());
	json_object_set_new(r, "priority_groups", json_pack("[s]", "rich"));
	ck_assert_int_eq(eligibility_rules_check(r, &e), GZF_EINVAL);
	json_object_set_new(r, "priority_groups", json_pack("[s]", "elderly"));
	json_object_set_new(r, "whatever", json_true());
	ck_assert_int_eq(eligibility_rules_check(r, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "unknown_rule");
	/* A complete set only: a missing rule is named; a limit always checked is never null. */
	json_object_del(r, "whatever");
	json_object_del(r, "elderly_age_min");
	ck_assert_int_eq(eligibility_rules_check(r, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "required");
	ck_assert_str_eq(e.field, "elderly_age_min");
	json_object_set_new(r, "elderly_age_min", json_integer(60));
	json_object_set_new(r, "income_fen_month_per_capita_max", json_null());
	ck_assert_int_eq(eligibility_rules_check(r, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "income_fen_month_per_capita_max");
	json_decref(r);
	r = json_object();
	ck_assert_int_eq(eligibility_rules_check(r, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "required");
	json_decref(r);
	r = json_string("x");
	ck_assert_int_eq(eligibility_evaluate(r, r, NULL, &(json_t *){ NULL },
					      &(const char *){ NULL }, &e), GZF_EINVAL);
	json_decref(r);
}
END_TEST

/* Figures beyond any sane bound, in the evidence or a declaration, count as the bound:
 * the sums never wrap round to a small or negative figure that would pass. */
START_TEST(huge_figures_fail_never_wrap)
{
	json_t *rules = rules_for(), *h = json_loads(household_text, 0, NULL), *ev = json_array();
	json_t *criteria;
	const char *overall;

	json_array_append_new(ev, source("tax", "{\"annual_income_fen\":1e308}",
					 "{\"annual_income_fen\":9223372036854775807}"));
	json_array_append_new(ev, source("vehicle",
					 "{\"vehicles\":9223372036854775807,\"value_fen\":9223372036854775807}",
					 "{\"vehicles\":9223372036854775807,\"value_fen\":-5}"));
	json_object_set_new(json_object_get(h, "housing"), "area_m2", json_real(1e308));
	evaluate(rules, h, ev, &criteria, &overall);
	ck_assert_str_eq(result(criteria, "income_per_capita"), "fail");
	ck_assert_int_gt(json_integer_value(json_object_get(crit(criteria, "income_per_capita"), "value")), 0);
	ck_assert_str_eq(result(criteria, "area_per_capita"), "fail");
	ck_assert_str_eq(result(criteria, "vehicles"), "fail");
	ck_assert_int_gt(json_integer_value(json_object_get(crit(criteria, "vehicles"), "count")), 0);
	json_decref(criteria);
	json_decref(ev);
	json_decref(rules);
	json_decref(h);
}
END_TEST

Suite *
eligibility_suite(void)
{
	Suite *s = suite_create("eligibility");
	TCase *tc = tcase_create("eligibility");

	tcase_add_test(tc, qualifies_with_clean_evidence);
	tcase_add_test(tc, each_criterion_fails);
	tcase_add_test(tc, unknown_when_down_and_conflicts);
	tcase_add_test(tc, elderly_from_the_id_number);
	tcase_add_test(tc, rules_validation);
	tcase_add_test(tc, huge_figures_fail_never_wrap);
	suite_add_tcase(s, tc);
	return s;
}
