/* test_crypto.c — sealed values, keyed hashes, HMAC, password hashes, tokens and codes. */
#include <string.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "unit.h"

static const unsigned char key1[32] = "0123456789abcdef0123456789abcde";
static const unsigned char key2[32] = "0123456789abcdef0123456789abcdX";

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
is_base64_original(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n % 4 != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr(b64, s[i]) == NULL && s[i] != '=')
			return 0;
	return 1;
}

START_TEST(seal_open_round_trip)
{
	static const char *texts[] = { "230602198805061236", "张三", "欧阳娜娜·买买提 — 黑龙江省大庆市", "",
				       "a" };
	struct arena *a = arena_create();
	char *sealed, *plain;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		crypto_seal(a, key1, texts[i], &sealed);
		ck_assert(is_base64_original(sealed));
		/* (short texts may turn up in base64 by chance) */
		ck_assert(strlen(texts[i]) < 6 || strstr(sealed, texts[i]) == NULL);
		ck_assert_int_eq(crypto_open(a, key1, sealed, &plain), GZF_OK);
		ck_assert_str_eq(plain, texts[i]);
	}
	/* nonce (24) + mac (16) + 0 bytes of text = 40 bytes = 56 base64 characters */
	crypto_seal(a, key1, "", &sealed);
	ck_assert_uint_eq(strlen(sealed), 56);
	crypto_seal(a, key1, NULL, &sealed);
	ck_assert_int_eq(crypto_open(a, key1, sealed, &plain), GZF_OK);
	ck_assert_str_eq(plain, "");
	arena_destroy(a);
}
END_TEST

START_TEST(seal_twice_differs)
{
	struct arena *a = arena_create();
	char *s1, *s2, *p1, *p2;

	crypto_seal(a, key1, "11010519491231002X", &s1);
	crypto_seal(a, key1, "11010519491231002X", &s2);
	ck_assert_str_ne(s1, s2);
	ck_assert_int_eq(crypto_open(a, key1, s1, &p1), GZF_OK);
	ck_assert_int_eq(crypto_open(a, key1, s2, &p2), GZF_OK);
	ck_assert_str_eq(p1, p2);
	arena_destroy(a);
}
END_TEST

START_TEST(open_rejects_tampering)
{
	struct arena *a = arena_create();
	char *sealed, *copy, *plain = (char *)"untouched";
	size_t i, n;

	crypto_seal(a, key1, "income 3200 fen", &sealed);
	n = strlen(sealed);
	/* Change every base64 character in turn, flipping the top bit of its six (which is
	 * always data, never padding): each one must break authentication. */
	for (i = 0; i < n && sealed[i] != '='; i++) {
		copy = arena_strdup(a, sealed);
		copy[i] = b64[(strchr(b64, copy[i]) - b64) ^ 0x20];
		ck_assert_int_eq(crypto_open(a, key1, copy, &plain), GZF_EINVAL);
		ck_assert_ptr_null(plain);
		plain = (char *)"untouched";
	}
	ck_assert_uint_gt(i, 56);
	/* cut short, extended, emptied */
	copy = arena_strndup(a, sealed, n - 4);
	ck_assert_int_eq(crypto_open(a, key1, copy, &plain), GZF_EINVAL);
	copy = arena_printf(a, "%sAAAA", sealed);
	ck_assert_int_eq(crypto_open(a, key1, copy, &plain), GZF_EINVAL);
	ck_assert_int_eq(crypto_open(a, key1, "", &plain), GZF_EINVAL);
	arena_destroy(a);
}
END_TEST

START_TEST(open_rejects_wrong_key)
{
	struct arena *a = arena_create();
	char *sealed, *plain;

	crypto_seal(a, key1, "张三", &sealed);
	ck_assert_int_eq(crypto_open(a, key2, sealed, &plain), GZF_EINVAL);
	ck_assert_ptr_null(plain);
	ck_assert_int_eq(crypto_open(a, key1, sealed, &plain), GZF_OK);
	arena_destroy(a);
}
END_TEST

START_TEST(open_rejects_garbage)
{
	struct arena *a = arena_create();
	char *plain, *sealed;

	ck_assert_int_eq(crypto_open(a, key1, "not base64 at all!", &plain), GZF_EINVAL);
	ck_assert_int_eq(crypto_open(a, key1, "張三", &plain), GZF_EINVAL);
	ck_assert_int_eq(crypto_open(a, key1, "AAAA", &plain), GZF_EINVAL); /* too short */
	ck_assert_int_eq(crypto_open(a, key1, NULL, &plain), GZF_EINVAL);
	/* 40 zero bytes: long enough, fails authentication */
	ck_assert_int_eq(crypto_open(a, key1, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
				     &plain), GZF_EINVAL);
	/* the URL-safe alphabet is not the sealed format */
	crypto_seal(a, key1, "x", &sealed);
	sealed = arena_strdup(a, sealed);
	sealed[0] = '-';
	ck_assert_int_eq(crypto_open(a, key1, sealed, &plain), GZF_EINVAL);
	sealed[0] = '_';
	ck_assert_int_eq(crypto_open(a, key1, sealed, &plain), GZF_EINVAL);
	/* whitespace inside is not accepted either */
	crypto_seal(a, key1, "x", &sealed);
	sealed = arena_printf(a, "%.8s %s", sealed, sealed + 8);
	ck_assert_int_eq(crypto_open(a, key1, sealed, &plain), GZF_EINVAL);
	/* missing padding */
	crypto_seal(a, key1, "x", &sealed); /* 41 bytes: ends in "=" */
	ck_assert_int_eq(sealed[strlen(sealed) - 1], '=');
	sealed = arena_strndup(a, sealed, strlen(sealed) - 1);
	ck_assert_int_eq(crypto_open(a, key1, sealed, &plain), GZF_EINVAL);
	arena_destroy(a);
}
END_TEST

START_TEST(keyed_hash_is_deterministic_and_keyed)
{
	char h1[CRYPTO_HASH_HEX], h2[CRYPTO_HASH_HEX], h3[CRYPTO_HASH_HEX], h4[CRYPTO_HASH_HEX];
	size_t i;

	crypto_keyed_hash(key1, "11010519491231002X", h1);
	crypto_keyed_hash(key1, "11010519491231002X", h2);
	crypto_keyed_hash(key2, "11010519491231002X", h3);
	crypto_keyed_hash(key1, "11010519491231002x", h4);
	ck_assert_uint_eq(strlen(h1), 64);
	for (i = 0; i < 64; i++)
		ck_assert(strchr("0123456789abcdef", h1[i]) != NULL);
	ck_assert_str_eq(h1, h2);
	ck_assert_str_ne(h1, h3);
	ck_assert_str_ne(h1, h4);
	crypto_keyed_hash(key1, "", h2);
	crypto_keyed_hash(key1, NULL, h3);
	ck_assert_str_eq(h2, h3);
	ck_assert_str_ne(h1, h2);
}
END_TEST

START_TEST(keyed_hash_known_answer)
{
	/* BLAKE2b-256 keyed with bytes 0x00..0x1f over the empty message, computed with
	 * Python's hashlib.blake2b(b"", key=bytes(range(32)), digest_size=32). */
	unsigned char k[32];
	char h[CRYPTO_HASH_HEX];
	int i;

	for (i = 0; i < 32; i++)
		k[i] = (unsigned char)i;
	crypto_keyed_hash(k, "", h);
	ck_assert_str_eq(h, "4e51e7a913fc80137da52880fecca175bf81e117d5c68126dc2774033517ea0d");
}
END_TEST

START_TEST(hmac_rfc4231_vectors)
{
	unsigned char k1[20], k6[131];
	char out[CRYPTO_HASH_HEX];

	/* RFC 4231 test case 1 */
	memset(k1, 0x0b, sizeof(k1));
	crypto_hmac_hex(k1, sizeof(k1), "Hi There", 8, out);
	ck_assert_str_eq(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	/* test case 2: a key shorter than the output */
	crypto_hmac_hex((const unsigned char *)"Jefe", 4, "what do ya want for nothing?", 28, out);
	ck_assert_str_eq(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* test case 6: a key longer than the block */
	memset(k6, 0xaa, sizeof(k6));
	crypto_hmac_hex(k6, sizeof(k6), "Test Using Larger Than Block-Size Key - Hash Key First", 54,
			out);
	ck_assert_str_eq(out, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}
END_TEST

START_TEST(password_hash_and_verify)
{
	char h1[CRYPTO_PWHASH_MAX], h2[CRYPTO_PWHASH_MAX];

	ck_assert_int_eq(crypto_password_hash("daqing2022", h1), GZF_OK);
	ck_assert(strncmp(h1, "$argon2id$", 10) == 0);
	ck_assert(strstr(h1, "daqing2022") == NULL);
	ck_assert_int_eq(crypto_password_verify(h1, "daqing2022"), GZF_OK);
	ck_assert_int_eq(crypto_password_verify(h1, "daqing2023"), GZF_EUNAUTH);
	ck_assert_int_eq(crypto_password_verify(h1, "Daqing2022"), GZF_EUNAUTH);
	ck_assert_int_eq(crypto_password_verify(h1, ""), GZF_EUNAUTH);
	ck_assert_int_eq(crypto_password_verify(h1, NULL), GZF_EUNAUTH);
	ck_assert_int_eq(crypto_password_verify(NULL, "daqing2022"), GZF_EUNAUTH);
	ck_assert_int_eq(crypto_password_verify("", "daqing2022"), GZF_EUNAUTH);
	ck_assert_int_eq(crypto_password_verify("$argon2id$garbage", "daqing2022"), GZF_EUNAUTH);
	/* salted: the same password hashes differently, both verify */
	ck_assert_int_eq(crypto_password_hash("密码abc123", h2), GZF_OK);
	ck_assert_int_eq(crypto_password_verify(h2, "密码abc123"), GZF_OK);
	ck_assert_int_eq(crypto_password_verify(h2, "daqing2022"), GZF_EUNAUTH);
	ck_assert_int_eq(crypto_password_verify(h1, "密码abc123"), GZF_EUNAUTH);
}
END_TEST

START_TEST(password_hash_is_salted)
{
	char h1[CRYPTO_PWHASH_MAX], h2[CRYPTO_PWHASH_MAX];

	ck_assert_int_eq(crypto_password_hash("same-password-1", h1), GZF_OK);
	ck_assert_int_eq(crypto_password_hash("same-password-1", h2), GZF_OK);
	ck_assert_str_ne(h1, h2);
	ck_assert_int_eq(crypto_password_verify(h2, "same-password-1"), GZF_OK);
}
END_TEST

START_TEST(token_shape_and_uniqueness)
{
	char t[64][CRYPTO_TOKEN_CHARS + 1];
	size_t i, j;

	for (i = 0; i < 64; i++) {
		crypto_token(t[i]);
		ck_assert_uint_eq(strlen(t[i]), CRYPTO_TOKEN_CHARS);
		for (j = 0; j < CRYPTO_TOKEN_CHARS; j++)
			ck_assert_msg(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					     "0123456789-_", t[i][j]) != NULL,
				      "token character %c", t[i][j]);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(t[i], t[j]);
	}
}
END_TEST

START_TEST(random_digits_charset_and_spread)
{
	char code[7], many[2001];
	int seen[10] = { 0 };
	size_t i;

	crypto_random_digits(code, 6);
	ck_assert_uint_eq(strlen(code), 6);
	for (i = 0; i < 6; i++)
		ck_assert(code[i] >= '0' && code[i] <= '9');
	crypto_random_digits(many, 2000);
	ck_assert_uint_eq(strlen(many), 2000);
	for (i = 0; i < 2000; i++) {
		ck_assert(many[i] >= '0' && many[i] <= '9');
		seen[many[i] - '0']++;
	}
	/* 200 expected per digit; below 100 is beyond 7 standard deviations */
	for (i = 0; i < 10; i++)
		ck_assert_int_gt(seen[i], 100);
	crypto_random_digits(code, 0);
	ck_assert_str_eq(code, "");
}
END_TEST

START_TEST(equal_compares_whole_strings)
{
	ck_assert_int_eq(crypto_equal("123456", "123456"), 1);
	ck_assert_int_eq(crypto_equal("", ""), 1);
	ck_assert_int_eq(crypto_equal("123456", "123457"), 0);
	ck_assert_int_eq(crypto_equal("023456", "123456"), 0);
	ck_assert_int_eq(crypto_equal("12345", "123456"), 0);
	ck_assert_int_eq(crypto_equal("123456", "12345"), 0);
	ck_assert_int_eq(crypto_equal("", "1"), 0);
	ck_assert_int_eq(crypto_equal(NULL, "1"), 0);
	ck_assert_int_eq(crypto_equal("1", NULL), 0);
	ck_assert_int_eq(crypto_equal(NULL, NULL), 0);
}
END_TEST

Suite *
crypto_suite(void)
{
	Suite *s = suite_create("crypto");
	TCase *tc = tcase_create("crypto");
	TCase *pw = tcase_create("password");

	tcase_add_test(tc, seal_open_round_trip);
	tcase_add_test(tc, seal_twice_differs);
	tcase_add_test(tc, open_rejects_tampering);
	tcase_add_test(tc, open_rejects_wrong_key);
	tcase_add_test(tc, open_rejects_garbage);
	tcase_add_test(tc, keyed_hash_is_deterministic_and_keyed);
	tcase_add_test(tc, keyed_hash_known_answer);
	tcase_add_test(tc, hmac_rfc4231_vectors);
	tcase_add_test(tc, token_shape_and_uniqueness);
	tcase_add_test(tc, random_digits_charset_and_spread);
	tcase_add_test(tc, equal_compares_whole_strings);
	suite_add_tcase(s, tc);
	/* Argon2id at the interactive limits takes a while under the sanitizers. */
	tcase_set_timeout(pw, 60);
	tcase_add_test(pw, password_hash_and_verify);
	tcase_add_test(pw, password_hash_is_salted);
	suite_add_tcase(s, pw);
	return s;
}
