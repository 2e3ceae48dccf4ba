/* test_partner.c — the partner protocol: request signatures against fixed vectors
 * (computed independently with Python's hmac module), the identity simulator's
 * synthetic population, partner_call's failures, and the partner_key in the secrets file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "partners/identity.h"
#include "partners/partner.h"
#include "sim/sim.h"
#include "unit.h"

static const unsigned char vector_key[32] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};

/* An 18-character ID number from its first 17 digits, with the GB 11643 check digit. */
static void
with_check_digit(const char *first17, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	memcpy(out, first17, 17);
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

START_TEST(signature_vectors)
{
	const char *body = "{\"name\":\"张三\",\"id_number\":\"11010519491231002X\"}";
	char sig[PARTNER_SIGNATURE_HEX];

	partner_sign(vector_key, sizeof(vector_key), "POST", "/identity/v1/verify", "1700000000",
		     "0123456789abcdef0123456789abcdef", body, strlen(body), sig);
	ck_assert_str_eq(sig, "8b7f4bd97872bdfcf1d486662136e4327cabfd906b5382872770aa08ecd19be1");
	partner_sign(vector_key, sizeof(vector_key), "GET", "/sms/v1/status", "1700000000",
		     "nonce-0000000001", NULL, 0, sig);
	ck_assert_str_eq(sig, "6a8a4596382f476356e0158a3980fb4410ff97145111a983ba69f57cbf89d91b");
}
END_TEST

START_TEST(signature_covers_every_part)
{
	const char *body = "{\"phone\":\"13800138000\",\"text\":\"hi\"}";
	char base[PARTNER_SIGNATURE_HEX], other[PARTNER_SIGNATURE_HEX];
	unsigned char key2[32];

	partner_sign(vector_key, 32, "POST", "/sms/v1/messages", "1700000000", "n0000000000000001",
		     body, strlen(body), base);
	partner_sign(vector_key, 32, "PUT", "/sms/v1/messages", "1700000000", "n0000000000000001",
		     body, strlen(body), other);
	ck_assert_str_ne(base, other);
	partner_sign(vector_key, 32, "POST", "/sms/v1/message", "1700000000", "n0000000000000001",
		     body, strlen(body), other);
	ck_assert_str_ne(base, other);
	partner_sign(vector_key, 32, "POST", "/sms/v1/messages", "1700000001", "n0000000000000001",
		     body, strlen(body), other);
	ck_assert_str_ne(base, other);
	partner_sign(vector_key, 32, "POST", "/sms/v1/messages", "1700000000", "n0000000000000002",
		     body, strlen(body), other);
	ck_assert_str_ne(base, other);
	partner_sign(vector_key, 32, "POST", "/sms/v1/messages", "1700000000", "n0000000000000001",
		     body, strlen(body) - 1, other);
	ck_assert_str_ne(base, other);
	memcpy(key2, vector_key, 32);
	key2[31] ^= 1;
	partner_sign(key2, 32, "POST", "/sms/v1/messages", "1700000000", "n0000000000000001",
		     body, strlen(body), other);
	ck_assert_str_ne(base, other);
}
END_TEST

START_TEST(identity_population)
{
	char id[19], name[32], again[32];
	enum sim_person_status st;

	ck_assert_int_eq(sim_identity_person("11010519491231002X", name, sizeof(name), &st), GZF_OK);
	ck_assert_int_eq(st, SIM_PERSON_ALIVE);
	ck_assert_uint_ge(strlen(name), 6); /* two or three CJK characters, 3 bytes each */
	ck_assert_uint_le(strlen(name), 9);
	ck_assert_int_eq(strlen(name) % 3, 0);
	ck_assert_int_eq(sim_identity_person("11010519491231002x", again, sizeof(again), &st), GZF_OK);
	ck_assert_str_eq(name, again);
	/* a wrong check digit, letters, wrong length */
	ck_assert_int_eq(sim_identity_person("110105194912310021", name, sizeof(name), &st), GZF_EINVAL);
	ck_assert_int_eq(sim_identity_person("11010519491231002", name, sizeof(name), &st), GZF_EINVAL);
	ck_assert_int_eq(sim_identity_person("1101051949123100AX", name, sizeof(name), &st), GZF_EINVAL);
	with_check_digit("11010519800101995", id);
	ck_assert_int_eq(sim_identity_person(id, name, sizeof(name), &st), GZF_OK);
	ck_assert_int_eq(st, SIM_PERSON_DECEASED);
	ck_assert_uint_gt(strlen(name), 0);
	with_check_digit("11010519800101981", id);
	ck_assert_int_eq(sim_identity_person(id, name, sizeof(name), &st), GZF_OK);
	ck_assert_int_eq(st, SIM_PERSON_NO_RECORD);
	ck_assert_str_eq(name, "");
	with_check_digit("11010519800101979", id);
	ck_assert_int_eq(sim_identity_person(id, name, sizeof(name), &st), GZF_OK);
	ck_assert_int_eq(st, SIM_PERSON_ALIVE);
}
END_TEST

/* Different numbers give different people often enough to be a population. */
START_TEST(identity_names_vary)
{
	char id[19], first17[32], name[32], seen[20][32];
	enum sim_person_status st;
	int i, j, distinct = 0;

	for (i = 0; i < 20; i++) {
		snprintf(first17, sizeof(first17), "3201021990010%03d1", i);
		with_check_digit(first17, id);
		ck_assert_int_eq(sim_identity_person(id, name, sizeof(name), &st), GZF_OK);
		for (j = 0; j < distinct && strcmp(seen[j], name) != 0; j++)
			;
		if (j == distinct)
			snprintf(seen[distinct++], sizeof(seen[0]), "%s", name);
	}
	ck_assert_int_ge(distinct, 15);
}
END_TEST

/* Nothing listens on port 1: the call fails fast, clearly, after its retries. */
START_TEST(call_unreachable_partner)
{
	static const unsigned char key[32];
	struct partner p = { .name = "identity", .title = "the identity check service",
			     .base_url = "http://127.0.0.1:1/identity", .key_id = "gzf",
			     .key = key, .key_len = sizeof(key), .timeout_ms = 2000, .retries = 2 };
	struct arena *a = arena_create();
	enum identity_result res;
	struct gzf_err err;
	int64_t t0 = gzf_mono_ns();

	ck_assert_int_eq(partners_global_init(), GZF_OK);
	gzf_err_clear(&err);
	ck_assert_int_eq(identity_verify(&p, a, "张三", "11010519491231002X", &res, &err),
			 GZF_EUNAVAIL);
	ck_assert_str_eq(err.name, "partner_unavailable");
	ck_assert_str_eq(err.field, "identity");
	ck_assert_str_eq(err.message, "the identity check service is not reachable at the moment; "
				      "please try again later");
	ck_assert_int_lt((gzf_mono_ns() - t0) / 1000000, 2500);
	/* two retries with backoff: at least 100 + 200 ms of pauses */
	ck_assert_int_ge((gzf_mono_ns() - t0) / 1000000, 300);
	ck_assert_int_eq(identity_verify(&p, a, "", "11010519491231002X", &res, &err), GZF_EINVAL);
	arena_destroy(a);
}
END_TEST

START_TEST(partner_key_in_secrets)
{
	char dir[] = "/tmp/gzf-unit-XXXXXX", text[1024];
	struct secrets s1, s2;
	struct config c;
	struct gzf_err err;
	FILE *f;
	size_t n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	memset(&c, 0, sizeof(c));
	snprintf(c.secrets_path, sizeof(c.secrets_path), "%s/secrets", dir);
	f = fopen(c.secrets_path, "w");
	fprintf(f, "data_key = %064d\nindex_key = %064d\ntoken_key = %064d", 1, 2, 3);
	fclose(f);
	chmod(c.secrets_path, 0600);
	gzf_err_clear(&err);
	/* without create: a clear error saying what to add */
	ck_assert_int_eq(config_load_secrets(&c, 0, &s1, &err), GZF_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "has no partner_key: add a line 'partner_key = "));
	/* with create: one is appended (on its own line) and kept from then on */
	ck_assert_int_eq(config_load_secrets(&c, 1, &s1, &err), GZF_OK);
	ck_assert_int_eq(config_load_secrets(&c, 0, &s2, &err), GZF_OK);
	ck_assert_mem_eq(s1.partner_key, s2.partner_key, sizeof(s1.partner_key));
	ck_assert_int_eq(s1.data_key[31], 1);
	f = fopen(c.secrets_path, "r");
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "0003\npartner_key = "));
	ck_assert_ptr_null(strstr(strstr(text, "partner_key") + 1, "partner_key"));
	/* and the bank's notification key after it, the same way */
	ck_assert_ptr_nonnull(strstr(text, "\nbank_key = "));
	ck_assert_mem_eq(s1.bank_key, s2.bank_key, sizeof(s1.bank_key));
	/* a file with a partner key but no bank key is read by the commands that create
	 * nothing (partner-check, audit verify), with a random bank key of their own */
	f = fopen(c.secrets_path, "w");
	fprintf(f, "data_key = %064d\nindex_key = %064d\ntoken_key = %064d\npartner_key = %064d\n",
		1, 2, 3, 4);
	fclose(f);
	ck_assert_int_eq(config_load_secrets(&c, 0, &s1, &err), GZF_OK);
	ck_assert_int_eq(config_load_secrets(&c, 0, &s2, &err), GZF_OK);
	ck_assert_int_ne(memcmp(s1.bank_key, s2.bank_key, sizeof(s1.bank_key)), 0);
	ck_assert_int_eq(s1.partner_key[31], 4);
	unlink(c.secrets_path);
	/* a new file has every key */
	ck_assert_int_eq(config_load_secrets(&c, 1, &s1, &err), GZF_OK);
	ck_assert_int_eq(config_load_secrets(&c, 0, &s2, &err), GZF_OK);
	ck_assert_mem_eq(s1.partner_key, s2.partner_key, sizeof(s1.partner_key));
	unlink(c.secrets_path);
	rmdir(dir);
}
END_TEST

Suite *
partner_suite(void)
{
	Suite *s = suite_create("partner");
	TCase *tc = tcase_create("partner");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, signature_vectors);
	tcase_add_test(tc, signature_covers_every_part);
	tcase_add_test(tc, identity_population);
	tcase_add_test(tc, identity_names_vary);
	tcase_add_test(tc, call_unreachable_partner);
	tcase_add_test(tc, partner_key_in_secrets);
	suite_add_tcase(s, tc);
	return s;
}
