/* test_pii.c — masks of ID numbers, phones and names; phone, name and password rules;
 * the common-password list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "domain/password_list.h"
#include "domain/pii.h"
#include "unit.h"

/* repeat — s written n times, in a. */
static char *
repeat(struct arena *a, const char *s, size_t n)
{
	size_t len = strlen(s), i;
	char *out = arena_alloc(a, len * n + 1);

	for (i = 0; i < n; i++)
		memcpy(out + i * len, s, len);
	out[len * n] = '\0';
	return out;
}

static void
name_ok(const char *name)
{
	struct gzf_err e;

	gzf_err_clear(&e);
	ck_assert_msg(pii_check_name(name, "name", &e) == GZF_OK, "%s rejected: %s", name, e.message);
}

/* name_bad — name is refused; the message contains hint (when not NULL). */
static void
name_bad(const char *name, const char *hint)
{
	struct gzf_err e;

	gzf_err_clear(&e);
	ck_assert_msg(pii_check_name(name, "name", &e) == GZF_EINVAL, "%s accepted", name ? name : "NULL");
	ck_assert_str_eq(e.name, "invalid_name");
	ck_assert_str_eq(e.field, "name");
	if (hint != NULL)
		ck_assert_msg(strstr(e.message, hint) != NULL, "%s: message \"%s\" lacks \"%s\"",
			      name, e.message, hint);
}

static void
password_ok(const char *pw)
{
	struct gzf_err e;

	gzf_err_clear(&e);
	ck_assert_msg(pii_check_password(pw, &e) == GZF_OK, "%s rejected", pw);
}

static void
password_bad(const char *pw)
{
	struct gzf_err e;

	gzf_err_clear(&e);
	ck_assert_msg(pii_check_password(pw, &e) == GZF_EINVAL, "%s accepted", pw ? pw : "NULL");
	ck_assert_str_eq(e.name, "weak_password");
	ck_assert_str_eq(e.field, "password");
	ck_assert(strstr(e.message, "8 to 64") != NULL);
	ck_assert(strstr(e.message, "letter") != NULL);
	ck_assert(strstr(e.message, "digit") != NULL);
}

static void
password_common(const char *pw)
{
	struct gzf_err e;

	gzf_err_clear(&e);
	ck_assert_msg(pii_check_password(pw, &e) == GZF_EINVAL, "%s accepted", pw);
	ck_assert_str_eq(e.name, "password_common");
	ck_assert_str_eq(e.field, "password");
}

static int
phone_rc(const char *phone)
{
	struct gzf_err e;
	int rc;

	gzf_err_clear(&e);
	rc = pii_check_phone(phone, &e);
	if (rc != GZF_OK) {
		ck_assert_str_eq(e.name, "invalid_phone");
		ck_assert_str_eq(e.field, "phone");
		ck_assert(strstr(e.message, "11 digits") != NULL);
	}
	return rc;
}

START_TEST(mask_id_numbers)
{
	struct arena *a = arena_create();

	ck_assert_str_eq(pii_mask_id(a, "230602198805061236"), "230602********1236");
	ck_assert_str_eq(pii_mask_id(a, "11010519491231002X"), "110105********002X");
	ck_assert_str_eq(pii_mask_id(a, "11010519491231002x"), "110105********002x");
	/* not 18 characters: all but the last 4, at least 4 stars */
	ck_assert_str_eq(pii_mask_id(a, "110105491231002"), "***********1002");
	ck_assert_str_eq(pii_mask_id(a, "1101051949123100211"), "***************0211");
	ck_assert_str_eq(pii_mask_id(a, "E12345678"), "*****5678");
	ck_assert_str_eq(pii_mask_id(a, "12345678"), "****5678");
	ck_assert_str_eq(pii_mask_id(a, "12345"), "****2345");
	ck_assert_str_eq(pii_mask_id(a, "1234"), "****");
	ck_assert_str_eq(pii_mask_id(a, "1"), "****");
	ck_assert_str_eq(pii_mask_id(a, ""), "");
	ck_assert_ptr_null(pii_mask_id(a, NULL));
	/* characters, not bytes: full-width digits are never cut in half */
	ck_assert_str_eq(pii_mask_id(a, "１１０１０５１９４９１２３１００２Ｘ"),
			 "１１０１０５********００２Ｘ");
	ck_assert_str_eq(pii_mask_id(a, "护照Ｅ１２３４"), "****１２３４");
	arena_destroy(a);
}
END_TEST

START_TEST(mask_phones)
{
	struct arena *a = arena_create();

	ck_assert_str_eq(pii_mask_phone(a, "13812345678"), "138****5678");
	ck_assert_str_eq(pii_mask_phone(a, "19900001111"), "199****1111");
	ck_assert_str_eq(pii_mask_phone(a, "+8613812345678"), "**********5678");
	ck_assert_str_eq(pii_mask_phone(a, "0459-4612345"), "********2345");
	ck_assert_str_eq(pii_mask_phone(a, "138123456789"), "********6789");
	ck_assert_str_eq(pii_mask_phone(a, "12345"), "****2345");
	ck_assert_str_eq(pii_mask_phone(a, "110"), "****");
	ck_assert_str_eq(pii_mask_phone(a, ""), "");
	ck_assert_ptr_null(pii_mask_phone(a, NULL));
	arena_destroy(a);
}
END_TEST

START_TEST(mask_names)
{
	struct arena *a = arena_create();

	ck_assert_str_eq(pii_mask_name(a, "张三"), "张*");
	ck_assert_str_eq(pii_mask_name(a, "欧阳娜娜"), "欧***");
	ck_assert_str_eq(pii_mask_name(a, "王小明"), "王**");
	ck_assert_str_eq(pii_mask_name(a, "阿依古丽·买买提"), "阿*******");
	ck_assert_str_eq(pii_mask_name(a, "𠀀三"), "𠀀*"); /* an ideograph beyond the BMP */
	ck_assert_str_eq(pii_mask_name(a, "John Smith"), "J***");
	ck_assert_str_eq(pii_mask_name(a, "Li"), "L***");
	ck_assert_str_eq(pii_mask_name(a, "Élodie Durand"), "É***");
	ck_assert_str_eq(pii_mask_name(a, "Иван Петров"), "И***");
	ck_assert_str_eq(pii_mask_name(a, "张"), "*");
	ck_assert_str_eq(pii_mask_name(a, "J"), "*");
	ck_assert_str_eq(pii_mask_name(a, ""), "");
	ck_assert_ptr_null(pii_mask_name(a, NULL));
	/* malformed bytes are masked one by one, never copied in part */
	ck_assert_str_eq(pii_mask_name(a, "\xff\xfe\xfd"), "\xff***");
	arena_destroy(a);
}
END_TEST

START_TEST(phone_rules)
{
	ck_assert_int_eq(phone_rc("13812345678"), GZF_OK);
	ck_assert_int_eq(phone_rc("15004591234"), GZF_OK);
	ck_assert_int_eq(phone_rc("16612345678"), GZF_OK);
	ck_assert_int_eq(phone_rc("19912345678"), GZF_OK);
	ck_assert_int_eq(phone_rc("12812345678"), GZF_EINVAL); /* 12x is not a mobile prefix */
	ck_assert_int_eq(phone_rc("10012345678"), GZF_EINVAL);
	ck_assert_int_eq(phone_rc("23812345678"), GZF_EINVAL);
	ck_assert_int_eq(phone_rc("1381234567"), GZF_EINVAL);
	ck_assert_int_eq(phone_rc("138123456789"), GZF_EINVAL);
	ck_assert_int_eq(phone_rc("138-1234-5678"), GZF_EINVAL);
	ck_assert_int_eq(phone_rc("138 1234 5678"), GZF_EINVAL);
	ck_assert_int_eq(phone_rc("+8613812345678"), GZF_EINVAL);
	ck_assert_int_eq(phone_rc("1381234567a"), GZF_EINVAL);
	ck_assert_int_eq(phone_rc("13812345678 "), GZF_EINVAL);
	ck_assert_int_eq(phone_rc("１３８１２３４５６７８"), GZF_EINVAL);
	ck_assert_int_eq(phone_rc(""), GZF_EINVAL);
	ck_assert_int_eq(phone_rc(NULL), GZF_EINVAL);
}
END_TEST

START_TEST(names_accepted)
{
	struct arena *a = arena_create();

	name_ok("张三");
	name_ok("欧阳娜娜");
	name_ok("阿依古丽·买买提");
	name_ok("爱新觉罗·溥仪");
	name_ok("𠀀三");
	name_ok("Li");
	name_ok("John Smith");
	name_ok("Anne-Marie O Neill");
	name_ok("Élodie Durand");
	name_ok("Nguyễn Văn An");
	name_ok("Иван Петров");
	name_ok("Jose\xcc\x81 Garci\xcc\x81" "a"); /* accents typed as combining marks */
	name_ok("김민수");
	name_ok("ئەخمەت");  /* Uyghur */
	name_ok(repeat(a, "张", 40));
	name_ok(repeat(a, "Ab", 20));
	arena_destroy(a);
}
END_TEST

START_TEST(names_refused)
{
	struct arena *a = arena_create();

	name_bad(NULL, "2 to 40");
	name_bad("", "2 to 40");
	name_bad("张", "2 to 40");
	name_bad("J", "2 to 40");
	name_bad(repeat(a, "张", 41), "2 to 40");
	name_bad(repeat(a, "A", 41), "2 to 40");
	name_bad("张三1", "digits");
	name_bad("Agent 007", "digits");
	name_bad("张三１", "digits");
	name_bad("<script>", "< > &");
	name_bad("O'Brien", "< > &");
	name_bad("Tom & Jerry", "< > &");
	name_bad("\"张三\"", "< > &");
	name_bad("张\t三", "control");
	name_bad("张三\n", "control");
	name_bad("张\x01三", "control");
	name_bad("张\xc2\x85三", "control"); /* U+0085, a C1 control */
	name_bad("张 三", "spaces");
	name_bad(" John", "spaces");
	name_bad("John ", "spaces");
	name_bad("John  Smith", "spaces");
	name_bad("John Smith-", "hyphens");
	name_bad("-Anne", "hyphens");
	name_bad("张-三", "hyphens");
	name_bad("·张三", "·");
	name_bad("张三·", "·");
	name_bad("张··三", "·");
	name_bad("张三😀", "only letters");
	name_bad("张三！", "only letters");
	name_bad("张三。", "only letters");
	name_bad("张_三", "only letters");
	name_bad("\xcc\x81" "abc", "only letters"); /* a mark with no letter before it */
	name_bad("张\xcc\x81", "only letters");      /* a mark on a Chinese character */
	name_bad("\xff\xfe", "not valid text");
	name_bad("\xc0\xaf\xc0\xaf", "not valid text"); /* overlong '/' */
	name_bad("\xed\xa0\x80\xe4\xb8\x89", "not valid text"); /* a surrogate */
	name_bad("张\xe4\xb8", "not valid text"); /* cut in the middle of a character */
	arena_destroy(a);
}
END_TEST

START_TEST(password_rules)
{
	struct arena *a = arena_create();

	password_ok("abcd1x34");
	password_ok("a1a1a1a1");
	password_ok("1234567z");
	password_ok("Correct horse battery staple 9");
	password_ok("密码123456"); /* 8 characters, 12 bytes */
	password_ok(repeat(a, "a1", 32)); /* 64 */
	password_ok(arena_printf(a, "%s1", repeat(a, "密", 63))); /* 64 characters, 190 bytes */
	password_bad(repeat(a, "a1", 32 + 1)); /* 66 */
	password_bad(arena_printf(a, "%s12", repeat(a, "a", 63))); /* 65 */
	password_bad("abc1234"); /* 7 */
	password_bad("密码12345"); /* 7 characters though 11 bytes */
	password_bad("1357924680");
	password_bad("abcdefgh");
	password_bad("!!!!????");
	password_bad("aaaaaaaa");
	password_bad("22222222");
	password_bad("");
	password_bad(NULL);
	password_bad("abcd123\xff");
	arena_destroy(a);
}
END_TEST

/* The built-in list holds without a file; a loaded file adds its words, case folded, and
 * a listed word with digits or signs around it is caught too. */
START_TEST(password_common_list)
{
	char path[] = "/tmp/gzf-pwlist-XXXXXX";
	struct gzf_err e;
	size_t count;
	int fd;
	FILE *f;

	password_list_free();
	password_common("password1");
	password_common("PASSWORD1");
	password_common("12345678");
	password_common("Woaini1314");
	password_common("qwerty123"); /* "qwerty" with digits after it */
	password_common("!!Monkey2024");
	password_ok("sunshine-harbour-7");
	password_ok("Dragonfly-garden-9");

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("#!comment: a test list\nSunshine\r\nsunshine\n\ncorrecthorse\n", f);
	fclose(f);
	gzf_err_clear(&e);
	ck_assert_int_eq(password_list_load(path, &count, &e), GZF_OK);
	ck_assert_uint_eq(count, 2); /* Sunshine and sunshine are one word */
	password_common("sunshine1");
	password_common("2024SUNSHINE!");
	password_common("CorrectHorse99");
	password_common("password1"); /* the built-in list stays */
	password_ok("sunshine-harbour-7");
	password_ok("correct horse 7x");
	ck_assert_int_eq(password_list_has("sun1"), 0); /* too short a stem */
	unlink(path);

	/* A missing file keeps the built-in list and says so. */
	gzf_err_clear(&e);
	ck_assert_int_eq(password_list_load(path, &count, &e), GZF_EUNAVAIL);
	ck_assert_uint_eq(count, 0);
	password_common("password1");
	password_list_free();
}
END_TEST

Suite *
pii_suite(void)
{
	Suite *s = suite_create("pii");
	TCase *tc = tcase_create("pii");

	tcase_add_test(tc, mask_id_numbers);
	tcase_add_test(tc, mask_phones);
	tcase_add_test(tc, mask_names);
	tcase_add_test(tc, phone_rules);
	tcase_add_test(tc, names_accepted);
	tcase_add_test(tc, names_refused);
	tcase_add_test(tc, password_rules);
	tcase_add_test(tc, password_common_list);
	suite_add_tcase(s, tc);
	return s;
}
