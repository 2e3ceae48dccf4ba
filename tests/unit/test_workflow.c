/* test_workflow.c — review chains (the default and broken ones), the declared
 * household's checks and the office of a step (the decisions each step allows:
 * test_review.c). */
#include <string.h>

#include "domain/authz.h"
#include "domain/workflow.h"
#include "unit.h"

static const char *household_text =
	"{\"kind\":\"rental\","
	" \"applicant\":{\"name\":\"王伟\",\"id_number\":\"230602198001010126\",\"relation\":\"self\","
	"  \"occupation\":\"工人\",\"income_fen_month\":150000,\"groups\":[]},"
	" \"members\":[{\"name\":\"李娜\",\"id_number\":\"230602198501010229\",\"relation\":\"spouse\","
	"  \"occupation\":\"职员\",\"income_fen_month\":100000,\"groups\":[]}],"
	" \"housing\":{\"area_m2\":24,\"tenure\":\"rented\"},"
	" \"assets\":{\"properties\":0,\"vehicles\":0,\"vehicle_value_fen\":0,\"business_value_fen\":0},"
	" \"residence_years\":3,\"employment_years\":2,\"declaration_signed\":true}";

/* The default chain with one change made by edit (a JSON path and a new value). */
static json_t *
chain_with(const char *step_member, int step, json_t *value)
{
	json_t *chain = workflow_chain_default();

	json_object_set_new(json_array_get(json_object_get(chain, "steps"), (size_t)step),
			    step_member, value);
	return chain;
}

START_TEST(default_chain_is_valid)
{
	struct gzf_err err = { 0 };
	json_t *chain = workflow_chain_default();

	ck_assert_ptr_nonnull(chain);
	ck_assert_int_eq(workflow_chain_check(chain, &err), GZF_OK);
	ck_assert_int_eq(json_integer_value(json_object_get(chain, "total_days")), 15);
	ck_assert_int_eq(workflow_step_find(chain, "acceptance"), 0);
	ck_assert_int_eq(workflow_step_find(chain, "dept_check"), 3);
	ck_assert_int_eq(workflow_step_find(chain, "nowhere"), -1);
	ck_assert_str_eq(workflow_step_str(workflow_step(chain, 5), "kind"), "publicity");
	ck_assert_ptr_null(workflow_step(chain, 6));
	ck_assert_str_eq(workflow_step_str(NULL, "kind"), "");
	/* Every step has its English name. */
	for (int i = 0; workflow_step(chain, i) != NULL; i++)
		ck_assert_str_ne(workflow_step_str(workflow_step(chain, i), "name_en"), "");
	ck_assert_str_eq(workflow_step_str(workflow_step(chain, 3), "name_en"), "Department checks");
	/* The demo city asks for at most six materials. */
	ck_assert_uint_le(json_array_size(json_object_get(chain, "materials")), 6);
	json_decref(chain);
}
END_TEST

START_TEST(broken_chains_are_refused)
{
	struct gzf_err err = { 0 };
	json_t *chain;

	/* The publicity step in the middle. */
	chain = chain_with("kind", 2, json_string("publicity"));
	ck_assert_int_eq(workflow_chain_check(chain, &err), GZF_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "publicity"));
	json_decref(chain);
	/* A review step nobody may decide. */
	chain = chain_with("role", 1, json_string("finance_officer"));
	ck_assert_int_eq(workflow_chain_check(chain, &err), GZF_EINVAL);
	json_decref(chain);
	/* The same code twice. */
	chain = chain_with("code", 2, json_string("street"));
	ck_assert_int_eq(workflow_chain_check(chain, &err), GZF_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "twice"));
	json_decref(chain);
	/* A limit out of range; a code with capitals. */
	chain = chain_with("days", 1, json_integer(61));
	ck_assert_int_eq(workflow_chain_check(chain, &err), GZF_EINVAL);
	json_decref(chain);
	chain = chain_with("code", 1, json_string("Street"));
	ck_assert_int_eq(workflow_chain_check(chain, &err), GZF_EINVAL);
	json_decref(chain);
	/* Not the acceptance first. */
	chain = chain_with("kind", 0, json_string("review"));
	ck_assert_int_eq(workflow_chain_check(chain, &err), GZF_EINVAL);
	json_decref(chain);
	/* An English name that is not text, or too long; none at all is fine. */
	chain = chain_with("name_en", 1, json_integer(1));
	ck_assert_int_eq(workflow_chain_check(chain, &err), GZF_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "name_en"));
	json_decref(chain);
	chain = chain_with("name_en", 1, json_string("Street review, with a name that is far longer than sixty characters"));
	ck_assert_int_eq(workflow_chain_check(chain, &err), GZF_EINVAL);
	json_decref(chain);
	chain = workflow_chain_default();
	json_object_del(json_array_get(json_object_get(chain, "steps"), 1), "name_en");
	ck_assert_int_eq(workflow_chain_check(chain, &err), GZF_OK);
	json_decref(chain);
	/* total_days missing. */
	chain = workflow_chain_default();
	json_object_del(chain, "total_days");
	ck_assert_int_eq(workflow_chain_check(chain, &err), GZF_EINVAL);
	ck_assert_str_eq(err.field, "total_days");
	json_decref(chain);
}
END_TEST

START_TEST(household_checks)
{
	struct gzf_err err = { 0 };
	json_t *h = json_loads(household_text, 0, NULL), *bad;
	int persons = 0;

	ck_assert_ptr_nonnull(h);
	ck_assert_msg(workflow_household_check(h, 1, &persons, &err) == GZF_OK, "%s: %s", err.field,
		      err.message);
	ck_assert_int_eq(persons, 2);
	/* A wrong member ID number is named by its path. */
	bad = json_deep_copy(h);
	json_object_set_new(json_array_get(json_object_get(bad, "members"), 0), "id_number",
			    json_string("230602198501010222"));
	ck_assert_int_eq(workflow_household_check(bad, 0, &persons, &err), GZF_EINVAL);
	ck_assert_str_eq(err.field, "members[0].id_number");
	json_decref(bad);
	/* A draft may lack the housing; a submission may not. */
	bad = json_deep_copy(h);
	json_object_del(bad, "housing");
	ck_assert_int_eq(workflow_household_check(bad, 0, &persons, &err), GZF_OK);
	ck_assert_int_eq(workflow_household_check(bad, 1, &persons, &err), GZF_EINVAL);
	ck_assert_str_eq(err.field, "housing");
	json_decref(bad);
	/* A negative income is refused even in a draft. */
	bad = json_deep_copy(h);
	json_object_set_new(json_object_get(bad, "applicant"), "income_fen_month", json_integer(-1));
	ck_assert_int_eq(workflow_household_check(bad, 0, &persons, &err), GZF_EINVAL);
	json_decref(bad);
	/* The persons the departments are asked about: applicant first. */
	bad = workflow_persons(h);
	ck_assert_uint_eq(json_array_size(bad), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(bad, 0), "id_number")),
			 "230602198001010126");
	json_decref(bad);
	json_decref(h);
}
END_TEST

START_TEST(office_of_a_step)
{
	const char *path = "/100000/230000/230600/230602/230602001/230602001001/";

	ck_assert_int_eq(workflow_office(path, "city"), 230600);
	ck_assert_int_eq(workflow_office(path, "street"), 230602001);
	ck_assert_int_eq(workflow_office(path, "community"), 230602001001);
	/* No level, or deeper than the path: its last region. */
	ck_assert_int_eq(workflow_office(path, NULL), 230602001001);
	ck_assert_int_eq(workflow_office("/100000/230000/230600/", "community"), 230600);
	/* An unknown level is no level. */
	ck_assert_int_eq(workflow_office(path, "county"), 230602001001);
}
END_TEST

/* The region levels a step's office is found by, and where roles are placed (authz.c). */
START_TEST(region_levels_and_roles)
{
	static const char *const order[] = { "nation", "province", "city", "district", "street",
					     "community" };
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		ck_assert_int_eq(authz_level_parse(order[i]), (int)i + 1);
		ck_assert_str_eq(authz_level_name(authz_level_parse(order[i])), order[i]);
		if (i + 1 < sizeof(order) / sizeof(order[0]))
			ck_assert_str_eq(authz_level_child(order[i]), order[i + 1]);
	}
	ck_assert_ptr_null(authz_level_child("community"));
	ck_assert_ptr_null(authz_level_child("county"));
	ck_assert_ptr_null(authz_level_child(NULL));
	ck_assert_int_eq(authz_level_parse("City"), LEVEL_NONE);
	ck_assert_ptr_null(authz_level_name(LEVEL_NONE));
	ck_assert_ptr_null(authz_level_name(LEVEL_COUNT));
	ck_assert(authz_role_fits_level(ROLE_COMMUNITY_CLERK, "community"));
	ck_assert(authz_role_fits_level(ROLE_COMMUNITY_CLERK, "street"));
	ck_assert(!authz_role_fits_level(ROLE_COMMUNITY_CLERK, "district"));
	ck_assert(authz_role_fits_level(ROLE_TICKET_HANDLER, "district"));
	ck_assert(!authz_role_fits_level(ROLE_CITY_ADMIN, "province"));
	ck_assert(authz_role_fits_level(ROLE_SYSTEM_ADMIN, "nation"));
	ck_assert(!authz_role_fits_level(ROLE_SYSTEM_ADMIN, "nationwide"));
	ck_assert(!authz_role_fits_level(ROLE_STREET_REVIEWER, NULL));
	ck_assert(!authz_role_fits_level(ROLE_NONE, "city"));
}
END_TEST

Suite *
workflow_suite(void)
{
	Suite *s = suite_create("workflow");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, default_chain_is_valid);
	tcase_add_test(tc, broken_chains_are_refused);
	tcase_add_test(tc, household_checks);
	tcase_add_test(tc, office_of_a_step);
	tcase_add_test(tc, region_levels_and_roles);
	suite_add_tcase(s, tc);
	return s;
}
