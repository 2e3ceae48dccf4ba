/* test_config.c — defaults, environment and flags, in that order of precedence. */
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "unit.h"

static int
load(struct config *c, struct gzf_err *e, int argc, char **argv)
{
	int argi = 0;

	gzf_err_clear(e);
	return config_load(c, argc, argv, &argi, e);
}

START_TEST(defaults)
{
	struct config c;
	struct gzf_err e;

	unsetenv("GZF_DB");
	unsetenv("GZF_LISTEN");
	ck_assert_int_eq(load(&c, &e, 0, NULL), GZF_OK);
	ck_assert_str_eq(c.host, "127.0.0.1");
	ck_assert_int_eq(c.port, 8080);
	ck_assert_str_eq(c.db_url, "sqlite:var/gzf.db");
	ck_assert_str_eq(c.secrets_path, "var/secrets");
}
END_TEST

START_TEST(flags_override_environment)
{
	char a0[] = "--listen", a1[] = "0.0.0.0:9000", a2[] = "--data-dir=/srv/gzf", a3[] = "rest";
	char *argv[] = { a0, a1, a2, a3 };
	struct config c;
	struct gzf_err e;
	int argi = 0;

	setenv("GZF_LISTEN", "127.0.0.1:7000", 1);
	setenv("GZF_THREADS", "3", 1);
	gzf_err_clear(&e);
	ck_assert_int_eq(config_load(&c, 4, argv, &argi, &e), GZF_OK);
	ck_assert_int_eq(argi, 3);
	ck_assert_str_eq(c.host, "0.0.0.0");
	ck_assert_int_eq(c.port, 9000);
	ck_assert_int_eq(c.threads, 3);
	ck_assert_str_eq(c.db_url, "sqlite:/srv/gzf/gzf.db");
	ck_assert_str_eq(argv[2], "--data-dir=/srv/gzf");
	unsetenv("GZF_LISTEN");
	unsetenv("GZF_THREADS");
}
END_TEST

START_TEST(bad_values_are_named)
{
	char a0[] = "--threads", a1[] = "lots", b0[] = "--listen", b1[] = "host:99999", c0[] = "--db";
	char *argv1[] = { a0, a1 }, *argv2[] = { b0, b1 }, *argv3[] = { c0 };
	struct config c;
	struct gzf_err e;

	ck_assert_int_eq(load(&c, &e, 2, argv1), GZF_EINVAL);
	ck_assert_str_eq(e.field, "--threads");
	ck_assert_int_eq(load(&c, &e, 2, argv2), GZF_EINVAL);
	ck_assert_str_eq(e.field, "--listen");
	ck_assert_int_eq(load(&c, &e, 1, argv3), GZF_EINVAL);
	ck_assert(strstr(e.message, "--db needs a value") != NULL);
	setenv("GZF_MAX_BODY", "12", 1);
	ck_assert_int_eq(load(&c, &e, 0, NULL), GZF_EINVAL);
	ck_assert_str_eq(e.field, "GZF_MAX_BODY");
	unsetenv("GZF_MAX_BODY");
}
END_TEST

Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, flags_override_environment);
	tcase_add_test(tc, bad_values_are_named);
	suite_add_tcase(s, tc);
	return s;
}
