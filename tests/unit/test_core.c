/* test_core.c — error objects, integer parsing, status mapping, random ids. */
#include <string.h>

#include "core/gzf.h"
#include "core/log.h"
#include "http/http.h"
#include "unit.h"

START_TEST(err_set_fills_and_returns_code)
{
	struct gzf_err e;

	gzf_err_clear(&e);
	ck_assert_int_eq(gzf_err_set(&e, GZF_EINVAL, "bad_phone", "phone", "phone %s is wrong", "123"),
			 GZF_EINVAL);
	ck_assert_str_eq(e.name, "bad_phone");
	ck_assert_str_eq(e.field, "phone");
	ck_assert_str_eq(e.message, "phone 123 is wrong");
	gzf_err_set(&e, GZF_ENOTFOUND, NULL, NULL, "gone");
	ck_assert_str_eq(e.name, "not_found");
	ck_assert_str_eq(e.field, "");
	ck_assert_int_eq(gzf_err_set(NULL, GZF_ECONFLICT, NULL, NULL, "x"), GZF_ECONFLICT);
}
END_TEST

START_TEST(err_prefix_keeps_the_error)
{
	struct gzf_err e;
	char longer[300];

	gzf_err_set(&e, GZF_EINVAL, "too_long", "steps", "steps is longer than 4000 characters");
	gzf_err_prefix(&e, NULL, "fields.steps", "fields.");
	ck_assert_int_eq(e.code, GZF_EINVAL);
	ck_assert_str_eq(e.name, "too_long");
	ck_assert_str_eq(e.field, "fields.steps");
	ck_assert_str_eq(e.message, "fields.steps is longer than 4000 characters");
	gzf_err_prefix(&e, "migration_failed", NULL, "migration %s failed: ", "032_x");
	ck_assert_str_eq(e.name, "migration_failed");
	ck_assert_str_eq(e.field, "fields.steps");
	ck_assert_str_eq(e.message, "migration 032_x failed: fields.steps is longer than 4000 characters");
	/* Too long for the message: cut, still terminated. */
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	gzf_err_prefix(&e, NULL, NULL, "%s", longer);
	ck_assert_uint_eq(strlen(e.message), sizeof(e.message) - 1);
	gzf_err_prefix(NULL, NULL, NULL, "ignored");
}
END_TEST

START_TEST(parse_int_is_strict)
{
	int64_t v = 0;

	ck_assert_int_eq(gzf_parse_int("42", 0, 100, &v), GZF_OK);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(gzf_parse_int("-5", -10, 10, &v), GZF_OK);
	ck_assert_int_eq(v, -5);
	ck_assert_int_eq(gzf_parse_int("101", 0, 100, &v), GZF_EINVAL);
	ck_assert_int_eq(gzf_parse_int("4x", 0, 100, &v), GZF_EINVAL);
	ck_assert_int_eq(gzf_parse_int("", 0, 100, &v), GZF_EINVAL);
	ck_assert_int_eq(gzf_parse_int(NULL, 0, 100, &v), GZF_EINVAL);
	ck_assert_int_eq(gzf_parse_int("99999999999999999999", 0, INT64_MAX, &v), GZF_EINVAL);
}
END_TEST

START_TEST(every_code_has_a_status)
{
	ck_assert_int_eq(http_status_for(GZF_EINVAL), 400);
	ck_assert_int_eq(http_status_for(GZF_EUNAUTH), 401);
	ck_assert_int_eq(http_status_for(GZF_EFORBIDDEN), 403);
	ck_assert_int_eq(http_status_for(GZF_ENOTFOUND), 404);
	ck_assert_int_eq(http_status_for(GZF_EMETHOD), 405);
	ck_assert_int_eq(http_status_for(GZF_ECONFLICT), 409);
	ck_assert_int_eq(http_status_for(GZF_ETOOLARGE), 413);
	ck_assert_int_eq(http_status_for(GZF_EMEDIA), 415);
	ck_assert_int_eq(http_status_for(GZF_ESTATE), 422);
	ck_assert_int_eq(http_status_for(GZF_ELIMIT), 429);
	ck_assert_int_eq(http_status_for(GZF_EURI), 414);
	ck_assert_int_eq(http_status_for(GZF_EHEADERS), 431);
	ck_assert_int_eq(http_status_for(GZF_EUNAVAIL), 503);
	ck_assert_int_eq(http_status_for(GZF_EINTERNAL), 500);
	ck_assert_int_eq(http_status_for(-999), 500);
}
END_TEST

START_TEST(random_hex_is_hex_and_differs)
{
	char a[33], b[33];
	size_t i;

	gzf_random_hex(a, 16);
	gzf_random_hex(b, 16);
	ck_assert_uint_eq(strlen(a), 32);
	for (i = 0; i < 32; i++)
		ck_assert(strchr("0123456789abcdef", a[i]) != NULL);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(utf8_valid_refuses_malformed_text)
{
	ck_assert_int_eq(gzf_utf8_valid(""), 1);
	ck_assert_int_eq(gzf_utf8_valid("公租房 abc"), 1);
	ck_assert_int_eq(gzf_utf8_valid("\xF0\x9F\x98\x80"), 1);       /* U+1F600 */
	ck_assert_int_eq(gzf_utf8_valid("\xFF\xFE"), 0);                /* not UTF-8 at all */
	ck_assert_int_eq(gzf_utf8_valid("\xC0\xAF"), 0);                /* overlong "/" */
	ck_assert_int_eq(gzf_utf8_valid("\xE0\x80\xAF"), 0);           /* overlong "/" */
	ck_assert_int_eq(gzf_utf8_valid("\xED\xA0\x80"), 0);           /* a surrogate */
	ck_assert_int_eq(gzf_utf8_valid("\xF4\x90\x80\x80"), 0);      /* past U+10FFFF */
	ck_assert_int_eq(gzf_utf8_valid("\xE5\x85"), 0);                /* cut short */
}
END_TEST

START_TEST(utf8_scrub_leaves_only_text)
{
	char bad[] = "a\xFF\xC0\xAF\xE5\x85\xAC\xE5\x85z\xED\xA0\x80";
	char good[] = "公租房 abc";
	json_t *v;

	gzf_utf8_scrub(bad);
	ck_assert_str_eq(bad, "a???\xE5\x85\xAC??z???");
	ck_assert_int_eq(gzf_utf8_valid(bad), 1);
	gzf_utf8_scrub(good);
	ck_assert_str_eq(good, "公租房 abc");
	/* A log value from a client is always encodable. */
	v = log_text("/x\xFF");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(json_string_value(v), "/x?");
	json_decref(v);
}
END_TEST

Suite *
core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, err_set_fills_and_returns_code);
	tcase_add_test(tc, err_prefix_keeps_the_error);
	tcase_add_test(tc, parse_int_is_strict);
	tcase_add_test(tc, every_code_has_a_status);
	tcase_add_test(tc, random_hex_is_hex_and_differs);
	tcase_add_test(tc, utf8_valid_refuses_malformed_text);
	tcase_add_test(tc, utf8_scrub_leaves_only_text);
	suite_add_tcase(s, tc);
	return s;
}
