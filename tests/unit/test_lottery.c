/* test_lottery.c — the lottery "gzf-lottery-1" against docs/lottery.md: the test vectors
 * (docs/lottery-vectors/, read from the repository root) with every intermediate value,
 * rejection sampling without modulo bias, tampered proofs refused at the right check,
 * malformed and out-of-bounds input refused, and draws refused when they must be. */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/lottery.h"
#include "unit.h"

static const char *const proof_keys[] = { "list_hash", "randomness", "seed", "order",
					  "drawn_at", NULL };

/* vector — docs/lottery-vectors/vector-N.json, a new reference. */
static json_t *
vector(int n)
{
	char path[64];
	json_error_t jerr;
	json_t *j;

	snprintf(path, sizeof(path), "docs/lottery-vectors/vector-%d.json", n);
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(j != NULL, "%s: %s (run the unit tests from the repository root)", path,
		      jerr.text);
	return j;
}

/* verify — lottery_proof_verify on proof (consumed), expecting code and, when not OK, the
 * error name and a piece of the message. */
static void
verify(json_t *proof, int code, const char *name, const char *message)
{
	struct gzf_err e;
	int rc;

	gzf_err_clear(&e);
	rc = lottery_proof_verify(proof, &e);
	ck_assert_msg(rc == code, "expected %d, got %d: %s", code, rc, e.message);
	if (code != GZF_OK) {
		ck_assert_msg(strcmp(e.name, name) == 0, "expected %s, got %s (%s)", name, e.name,
			      e.message);
		ck_assert_msg(strstr(e.message, message) != NULL, "'%s' not in '%s'", message,
			      e.message);
	}
	json_decref(proof);
}

/* set — proof[path] = value (stolen; NULL removes the member), where the path is a list
 * of member names, or indices written "#N", ended by NULL. Returns proof. */
static json_t *
set(json_t *proof, json_t *value, ...)
{
	json_t *at = proof, *parent = NULL;
	const char *key = NULL, *next;
	va_list ap;

	va_start(ap, value);
	while ((next = va_arg(ap, const char *)) != NULL) {
		key = next;
		parent = at;
		at = key[0] == '#' ? json_array_get(at, (size_t)atoi(key + 1)) : json_object_get(at, key);
	}
	va_end(ap);
	ck_assert_ptr_nonnull(parent);
	if (key[0] == '#')
		json_array_set_new(parent, (size_t)atoi(key + 1), value);
	else if (value == NULL)
		json_object_del(parent, key);
	else
		json_object_set_new(parent, key, value);
	return proof;
}

static void
seed_of(const char *hex, unsigned char seed[32])
{
	ck_assert_int_eq(sodium_hex2bin(seed, 32, hex, 64, NULL, NULL, NULL), 0);
}

static void
expect_words(const char *seed_hex, const uint32_t want[8])
{
	struct lottery_stream s;
	unsigned char seed[32];

	seed_of(seed_hex, seed);
	lottery_stream_init(&s, seed);
	for (int k = 0; k < 8; k++)
		ck_assert_uint_eq(lottery_stream_next(&s), want[k]);
}

/* list_and_draw — the list of vector n and its draw from the vector's randomness. */
static void
list_and_draw(struct arena *a, json_t *v, struct lottery_list *l, struct lottery_randomness *r,
	      struct lottery_draw *d)
{
	const json_t *rnd = json_object_get(v, "randomness");
	struct gzf_err e;
	int64_t drawn;

	gzf_err_clear(&e);
	ck_assert_msg(lottery_list_from_json(a, v, proof_keys, l, &e) == GZF_OK, "%s", e.message);
	memset(r, 0, sizeof(*r));
	snprintf(r->digits, sizeof(r->digits), "%s", json_string_value(json_object_get(rnd, "digits")));
	if (json_object_get(rnd, "beacon"))
		snprintf(r->beacon, sizeof(r->beacon), "%s",
			 json_string_value(json_object_get(rnd, "beacon")));
	ck_assert_int_eq(lottery_time_parse(json_string_value(json_object_get(v, "drawn_at")), &drawn),
			 GZF_OK);
	ck_assert_msg(lottery_draw(a, l, r, drawn, d, &e) == GZF_OK, "%s", e.message);
}

static void
expect_order(const struct lottery_group *g, const char *code, const int64_t *ids, size_t n)
{
	ck_assert_str_eq(g->code, code);
	ck_assert_uint_eq(g->n, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(g->ids[i], ids[i]);
}

START_TEST(the_vectors_verify_and_draw_again_byte_for_byte)
{
	for (int n = 1; n <= 3; n++) {
		struct arena *a = arena_create();
		struct lottery_randomness r;
		struct lottery_draw d;
		struct lottery_list l;
		json_t *v = vector(n), *built;
		char *x, *y;

		list_and_draw(a, v, &l, &r, &d);
		built = lottery_proof_build(&l, &r, &d);
		x = json_dumps(built, JSON_COMPACT);
		y = json_dumps(v, JSON_COMPACT);
		ck_assert_str_eq(x, y);
		free(x);
		free(y);
		json_decref(built);
		verify(v, GZF_OK, NULL, NULL);
		arena_destroy(a);
	}
}
END_TEST

START_TEST(vector_1_every_intermediate_value)
{
	static const char bytes[] =
		"gzf-lottery-1\ncity\t230600\nround\t1\nfrozen_at\t2026-03-01T02:00:00Z\n"
		"draw_at\t2026-03-03T02:00:00Z\ndigits\t6\n1\tgeneral\t1\n1\tgeneral\t2\n"
		"1\tgeneral\t3\n1\tgeneral\t4\n1\tgeneral\t5\n";
	static const uint32_t words[8] = { 0x9c158987, 0x2644d369, 0x386dfe6d, 0x5ec49f27,
					   0x8506e41a, 0xabc3992e, 0x5cf6369d, 0x0fd5a171 };
	static const int64_t order[] = { 3, 4, 1, 2, 5 };
	struct arena *a = arena_create();
	struct lottery_randomness r;
	struct lottery_draw d;
	struct lottery_list l;
	unsigned char h[32], seed[32];
	char hex[LOTTERY_HEX], list_hash[LOTTERY_HEX];
	json_t *v = vector(1);

	ck_assert_uint_eq(sizeof(bytes) - 1, 163);
	crypto_hash_sha256(h, (const unsigned char *)bytes, sizeof(bytes) - 1);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	ck_assert_str_eq(hex, "a3094aea81c8eba0f7e6222131aff08d008df46588f8e61600835133b86b2d16");
	list_and_draw(a, v, &l, &r, &d);
	lottery_list_hash(&l, list_hash);
	ck_assert_str_eq(list_hash, hex);
	ck_assert_str_eq(d.list_hash, hex);
	lottery_seed(list_hash, &r, seed);
	sodium_bin2hex(hex, sizeof(hex), seed, sizeof(seed));
	ck_assert_str_eq(hex, "56238fea095464633ebfb2ba69897f25df02fb0afaf8a7127a6fd04d0ec6fc16");
	ck_assert_str_eq(d.seed, hex);
	expect_words(hex, words);
	expect_order(&d.order[0], "general", order, 5);
	json_decref(v);
	arena_destroy(a);
}
END_TEST

START_TEST(vector_2_groups_leading_zero_and_beacon)
{
	static const uint32_t words[8] = { 0x64b7c3ba, 0x0e84cfc9, 0x307a1530, 0xb2b0c216,
					   0x227af69a, 0xfcffdd49, 0x65b1bc20, 0x6b4abae8 };
	static const int64_t disabled[] = { 1012, 1007 }, elderly[] = { 1003 },
			     general[] = { 1005, 1004, 1010, 1011, 1013, 1001, 1009, 1002 };
	struct arena *a = arena_create();
	struct lottery_randomness r;
	struct lottery_draw d;
	struct lottery_list l;
	json_t *v = vector(2);

	list_and_draw(a, v, &l, &r, &d);
	ck_assert_str_eq(r.digits, "07250419");
	ck_assert_str_eq(l.beacon_source, "example beacon, round 42");
	ck_assert_str_eq(d.list_hash, "19d3ed533219a3cc403b5a6aa02115f9fc50fb6155abeb775502dc57a4478536");
	ck_assert_str_eq(d.seed, "1f7d9c1840e56f387492a020df91537d0aa45980a147e79995fd0c6d0477f93d");
	expect_words(d.seed, words);
	expect_order(&d.order[0], "disabled", disabled, 2);
	expect_order(&d.order[1], "elderly", elderly, 1);
	expect_order(&d.order[2], "general", general, 8);
	json_decref(v);
	arena_destroy(a);
}
END_TEST

START_TEST(vector_3_a_thousand_in_five_groups)
{
	static const uint32_t words[8] = { 0xf063f737, 0xc05443d0, 0xac0700e0, 0x0379bb6c,
					   0x3fb43353, 0x2569e0c9, 0xeed7a22b, 0xc569112a };
	static const int64_t first[5][5] = {
		{ 100040, 100140, 100365, 100935, 100950 }, { 100761, 100306, 100461, 100316, 100171 },
		{ 100617, 100697, 100112, 100717, 100427 }, { 100198, 100063, 100788, 100798, 100058 },
		{ 100424, 100344, 100724, 100694, 100264 },
	};
	static const int64_t last[5][5] = {
		{ 100715, 100225, 100290, 100345, 100955 }, { 100071, 100321, 100726, 100716, 100056 },
		{ 100242, 100682, 100957, 100022, 100317 }, { 100483, 100213, 100778, 100523, 100503 },
		{ 100974, 100044, 100939, 100664, 100024 },
	};
	struct arena *a = arena_create();
	struct lottery_randomness r;
	struct lottery_draw d;
	struct lottery_list l;
	json_t *v = vector(3);

	list_and_draw(a, v, &l, &r, &d);
	ck_assert_uint_eq(l.n, 1000);
	ck_assert_str_eq(d.list_hash, "771b669f403f6ac57baccb57f7114704dd6a46c8f74fd560d41ebec88e09384f");
	ck_assert_str_eq(d.seed, "a3d443070adfc8a09405da45bf0f027352dc524b767949e3f2693ea52836b21a");
	expect_words(d.seed, words);
	for (int g = 0; g < 5; g++) {
		ck_assert_uint_eq(d.order[g].n, 200);
		for (int i = 0; i < 5; i++) {
			ck_assert_int_eq(d.order[g].ids[i], first[g][i]);
			ck_assert_int_eq(d.order[g].ids[195 + i], last[g][i]);
		}
	}
	json_decref(v);
	arena_destroy(a);
}
END_TEST

START_TEST(the_rejection_bound_leaves_no_modulo_bias)
{
	const uint64_t two32 = UINT64_C(1) << 32;

	ck_assert_uint_eq(lottery_accept_below(1), two32);
	ck_assert_uint_eq(lottery_accept_below(2), two32);
	ck_assert_uint_eq(lottery_accept_below(1024), two32);
	ck_assert_uint_eq(lottery_accept_below(3), 4294967295u);
	ck_assert_uint_eq(lottery_accept_below(1000000), 4294000000u);
	ck_assert_uint_eq(lottery_accept_below(0x80000001u), 0x80000001u);
	ck_assert_uint_eq(lottery_accept_below(0xffffffffu), 0xffffffffu);
	/* A multiple of n, and the largest one not above 2^32: each residue has the same
	 * number of accepted words. */
	for (uint32_t n = 1; n < 5000; n++) {
		uint64_t b = lottery_accept_below(n);

		ck_assert_uint_eq(b % n, 0);
		ck_assert(b <= two32 && two32 - b < n);
	}
}
END_TEST

START_TEST(rejected_words_are_skipped_and_consumed)
{
	/* docs/lottery.md, vector 1, "Rejection sampling". */
	static const uint32_t want[4] = { 642044777, 946732653, 1589944103, 1559639709 };
	struct lottery_stream s;
	unsigned char seed[32];

	seed_of("56238fea095464633ebfb2ba69897f25df02fb0afaf8a7127a6fd04d0ec6fc16", seed);
	lottery_stream_init(&s, seed);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(lottery_uniform(&s, 0x80000001u), want[i]);
	/* Seven words read: the next is the block's eighth, then block 1 begins. */
	ck_assert_uint_eq(lottery_stream_next(&s), 0x0fd5a171);
	ck_assert_uint_eq(s.block, 1);
}
END_TEST

/* The rank (0-23, lexicographic) of a permutation of 0..3. */
static int
perm_rank(const int64_t p[4])
{
	static const int fact[4] = { 6, 2, 1, 1 };
	int seen[4] = { 0 }, rank = 0;

	for (int k = 0; k < 4; k++) {
		for (int m = 0; m < (int)p[k]; m++)
			rank += fact[k] * !seen[m];
		seen[p[k]] = 1;
	}
	return rank;
}

START_TEST(uniform_draws_and_shuffles_are_even)
{
	struct lottery_stream s;
	unsigned char seed[32] = { 7 };
	int count[24] = { 0 }, i, k;
	int64_t p[4];

	lottery_stream_init(&s, seed);
	for (i = 0; i < 30000; i++)
		count[lottery_uniform(&s, 3)]++;
	for (k = 0; k < 3; k++)
		ck_assert_msg(count[k] > 9500 && count[k] < 10500, "%d: %d", k, count[k]);
	/* Every permutation of four, about as often as any other. */
	memset(count, 0, sizeof(count));
	for (i = 0; i < 24000; i++) {
		for (k = 0; k < 4; k++)
			p[k] = k;
		lottery_shuffle(&s, p, 4);
		count[perm_rank(p)]++;
	}
	for (k = 0; k < 24; k++)
		ck_assert_msg(count[k] > 850 && count[k] < 1150, "permutation %d: %d", k, count[k]);
}
END_TEST

START_TEST(tampered_proofs_fail_at_the_first_difference)
{
	json_t *v;

	/* One entry changed (still canonical): the list hash. */
	verify(set(vector(2), json_integer(1000), "entries", "#3", "application_id", NULL),
	       GZF_ECONFLICT, "list_hash_mismatch", "list hash mismatch: the proof says 19d3ed53");
	verify(set(vector(2), json_integer(18), "round_id", NULL), GZF_ECONFLICT, "list_hash_mismatch",
	       "the list gives");
	verify(set(vector(1), json_string("2026-03-02T02:00:00Z"), "draw_at", NULL), GZF_ECONFLICT,
	       "list_hash_mismatch", "list hash mismatch");
	/* The claimed hash itself. */
	verify(set(vector(1), json_string("a3094aea81c8eba0f7e6222131aff08d008df46588f8e61600835133b86b2d17"),
		   "list_hash", NULL), GZF_ECONFLICT, "list_hash_mismatch", "the proof says a3094aea");
	/* The randomness or the seed. */
	verify(set(vector(2), json_string("07250418"), "randomness", "digits", NULL), GZF_ECONFLICT,
	       "seed_mismatch", "seed mismatch: the proof says 1f7d9c18");
	verify(set(vector(2), json_string("00"), "randomness", "beacon", NULL), GZF_ECONFLICT,
	       "seed_mismatch", "seed mismatch");
	verify(set(vector(1), json_string("56238fea095464633ebfb2ba69897f25df02fb0afaf8a7127a6fd04d0ec6fc17"),
		   "seed", NULL), GZF_ECONFLICT, "seed_mismatch",
	       "the inputs give 56238fea095464633ebfb2ba69897f25df02fb0afaf8a7127a6fd04d0ec6fc16");
	verify(set(vector(2), json_string("0725041"), "randomness", "digits", NULL), GZF_ECONFLICT,
	       "randomness_mismatch", "randomness: 7 digits, the commitment names 8");
	verify(set(vector(2), NULL, "randomness", "beacon", NULL), GZF_ECONFLICT, "randomness_mismatch",
	       "no beacon value, but the commitment names the beacon example beacon, round 42");
	verify(set(vector(1), json_string("ab"), "randomness", "beacon", NULL), GZF_ECONFLICT,
	       "randomness_mismatch", "a beacon value, but the commitment names no beacon");
	/* The timing. */
	verify(set(vector(1), json_string("2026-03-03T01:59:59Z"), "drawn_at", NULL), GZF_ECONFLICT,
	       "lottery_timing", "drawn at 2026-03-03T01:59:59Z, before the committed draw time");
	/* The order: two swapped, one missing, one added, a group renamed. */
	v = vector(2);
	json_array_set_new(json_object_get(json_array_get(json_object_get(v, "order"), 2),
					   "application_ids"), 0, json_integer(1004));
	json_array_set_new(json_object_get(json_array_get(json_object_get(v, "order"), 2),
					   "application_ids"), 1, json_integer(1005));
	verify(v, GZF_ECONFLICT, "order_mismatch", "group general position 1: expected 1005, got 1004");
	v = vector(2);
	json_array_remove(json_object_get(json_array_get(json_object_get(v, "order"), 2),
					  "application_ids"), 7);
	verify(v, GZF_ECONFLICT, "order_mismatch", "group general: expected 8 applications, got 7");
	v = vector(2);
	json_array_append_new(json_object_get(json_array_get(json_object_get(v, "order"), 0),
					      "application_ids"), json_integer(1003));
	verify(v, GZF_ECONFLICT, "order_mismatch", "group disabled: expected 2 applications, got 3");
	verify(set(vector(2), json_string("elder"), "order", "#1", "group", NULL), GZF_ECONFLICT,
	       "order_mismatch", "order[1] is group elder, expected group elderly");
	v = vector(3);
	json_array_set_new(json_object_get(json_array_get(json_object_get(v, "order"), 4),
					   "application_ids"), 199, json_integer(100999));
	verify(v, GZF_ECONFLICT, "order_mismatch", "group g5 position 200: expected 100024, got 100999");
}
END_TEST

START_TEST(malformed_proofs_are_invalid)
{
	json_t *v;

	verify(json_integer(1), GZF_EINVAL, "invalid_lottery_list", "JSON object");
	verify(set(vector(1), json_string("gzf-lottery-2"), "version", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "version");
	verify(set(vector(1), json_true(), "comment", NULL), GZF_EINVAL, "invalid_lottery_list",
	       "unknown key comment");
	verify(set(vector(1), NULL, "seed", NULL), GZF_EINVAL, "invalid_lottery_proof", "seed");
	verify(set(vector(1), NULL, "order", NULL), GZF_EINVAL, "invalid_lottery_proof", "order");
	verify(set(vector(1), NULL, "drawn_at", NULL), GZF_EINVAL, "invalid_lottery_proof", "drawn_at");
	verify(set(vector(1), json_string("A3094AEA81C8EBA0F7E6222131AFF08D008DF46588F8E61600835133B86B2D16"),
		   "list_hash", NULL), GZF_EINVAL, "invalid_lottery_proof", "lowercase");
	/* Entries: out of order, unknown group, an id twice, a group empty, bad ids. */
	v = vector(1);
	json_array_set_new(json_object_get(v, "entries"), 0, json_pack("{sIss}", "application_id",
			   (json_int_t)2, "group", "general"));
	verify(v, GZF_EINVAL, "invalid_lottery_list", "entries[1] is out of canonical order");
	/* disabled 1007, elderly 1012, elderly 1003: the third is out of order. */
	verify(set(vector(2), json_string("elderly"), "entries", "#1", "group", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "entries[2] is out of canonical order");
	verify(set(vector(2), json_string("general"), "entries", "#0", "group", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "entries[0] is out of canonical order");
	/* Back to an earlier group after a later one (found by fuzzing). */
	verify(set(vector(2), json_string("elderly"), "entries", "#8", "group", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "entries[8] is out of canonical order");
	verify(set(vector(2), json_string("veterans"), "entries", "#1", "group", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "group veterans is not one of groups");
	verify(set(vector(2), json_integer(1003), "entries", "#0", "application_id", NULL),
	       GZF_EINVAL, "invalid_lottery_list", "application 1003 is in two groups");
	verify(set(vector(2), json_pack("[sss]", "disabled", "elderly", "veterans"), "groups", NULL),
	       GZF_EINVAL, "invalid_lottery_list", "entries[3]: group general is not one of groups");
	verify(set(vector(2), json_pack("[ssss]", "disabled", "elderly", "general", "veterans"),
		   "groups", NULL), GZF_EINVAL, "invalid_lottery_list", "group veterans has no entries");
	verify(set(vector(2), json_pack("[sss]", "disabled", "disabled", "general"), "groups", NULL),
	       GZF_EINVAL, "invalid_lottery_list", "named twice");
	verify(set(vector(1), json_integer(0), "entries", "#0", "application_id", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "entries[0]");
	verify(set(vector(1), json_real(1.0), "entries", "#0", "application_id", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "entries[0]");
	verify(set(vector(1), json_integer(9007199254740992LL), "entries", "#4", "application_id", NULL),
	       GZF_EINVAL, "invalid_lottery_list", "entries[4]");
	verify(set(vector(1), json_true(), "entries", "#4", "note", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "entries[4]");
	/* Codes, names, times, counts. */
	verify(set(vector(1), json_pack("[s]", "General"), "groups", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "groups[0]");
	verify(set(vector(1), json_pack("[s]", "_x"), "groups", NULL), GZF_EINVAL, "invalid_lottery_list",
	       "groups[0]");
	verify(set(vector(2), json_string("tab\there"), "beacon_source", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "beacon_source");
	verify(set(vector(2), json_string(""), "beacon_source", NULL), GZF_EINVAL, "invalid_lottery_list",
	       "beacon_source");
	verify(set(vector(1), json_integer(65), "digit_count", NULL), GZF_EINVAL, "invalid_lottery_list",
	       "digit_count");
	verify(set(vector(1), json_string("2026-02-30T02:00:00Z"), "frozen_at", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "frozen_at");
	verify(set(vector(1), json_string("2026-03-01 02:00:00Z"), "frozen_at", NULL), GZF_EINVAL,
	       "invalid_lottery_list", "frozen_at");
	verify(set(vector(1), json_string("2026-03-03T24:00:00Z"), "drawn_at", NULL), GZF_EINVAL,
	       "invalid_lottery_proof", "drawn_at");
	verify(set(vector(1), json_string("12345x"), "randomness", "digits", NULL), GZF_EINVAL,
	       "invalid_randomness", "decimal digits");
	verify(set(vector(2), json_string("D3"), "randomness", "beacon", NULL), GZF_EINVAL,
	       "invalid_randomness", "lowercase");
	verify(set(vector(2), json_string("abc"), "randomness", "beacon", NULL), GZF_EINVAL,
	       "invalid_randomness", "even length");
	verify(set(vector(2), json_string(""), "randomness", "beacon", NULL), GZF_EINVAL,
	       "invalid_lottery_proof", "randomness");
	/* Form comes first: malformed digits in a proof whose list was changed too. */
	v = set(vector(1), json_string("12345x"), "randomness", "digits", NULL);
	verify(set(v, json_integer(2), "round_id", NULL), GZF_EINVAL, "invalid_randomness", "digits");
	verify(set(vector(1), json_true(), "randomness", "extra", NULL), GZF_EINVAL,
	       "invalid_lottery_proof", "randomness");
	verify(set(vector(1), json_string("4"), "order", "#0", "application_ids", "#0", NULL),
	       GZF_EINVAL, "invalid_lottery_proof", "order[0].application_ids[0] must be an integer");
	verify(set(vector(1), json_array(), "order", NULL), GZF_EINVAL, "invalid_lottery_proof",
	       "one object per group");
}
END_TEST

START_TEST(bounds)
{
	json_t *v, *many;
	int i;

	/* More candidates than the cap: refused before any entry is read. */
	v = vector(1);
	many = json_array();
	for (i = 0; i <= LOTTERY_MAX_CANDIDATES; i++)
		json_array_append(many, json_null());
	verify(set(v, many, "entries", NULL), GZF_EINVAL, "invalid_lottery_list", "1 to 1000000 candidates");
	/* 33 groups. */
	many = json_array();
	for (i = 0; i <= LOTTERY_MAX_GROUPS; i++)
		json_array_append_new(many, json_sprintf("g%d", i));
	verify(set(vector(1), many, "groups", NULL), GZF_EINVAL, "invalid_lottery_list", "1 to 32 group codes");
	verify(set(vector(1), json_pack("[s]", "abcdefghijklmnopqrstuvwxyzabcdefg"), "groups", NULL),
	       GZF_EINVAL, "invalid_lottery_list", "groups[0]");
	verify(set(vector(1), json_string("12345678901234567890123456789012345678901234567890123456789012345"),
		   "randomness", "digits", NULL), GZF_EINVAL, "invalid_lottery_proof", "randomness");
	verify(set(vector(1), json_integer(0), "city", NULL), GZF_EINVAL, "invalid_lottery_list", "city");
	verify(set(vector(1), json_integer(-1), "round_id", NULL), GZF_EINVAL, "invalid_lottery_list",
	       "round_id");
}
END_TEST

START_TEST(draws_are_refused_when_they_must_be)
{
	struct arena *a = arena_create();
	struct lottery_randomness r = { .digits = "123456" };
	struct lottery_draw d;
	struct lottery_list l;
	struct gzf_err e;
	json_t *v = vector(1);
	int64_t t;

	gzf_err_clear(&e);
	ck_assert_int_eq(lottery_list_from_json(a, v, proof_keys, &l, &e), GZF_OK);
	/* A list file has the list's keys only. */
	ck_assert_int_eq(lottery_list_from_json(a, v, NULL, &l, &e), GZF_EINVAL);
	ck_assert_str_eq(e.field, "list_hash");
	ck_assert_int_eq(lottery_list_from_json(a, v, proof_keys, &l, &e), GZF_OK);
	ck_assert_int_eq(lottery_draw(a, &l, &r, l.draw_at, &d, &e), GZF_OK);
	ck_assert_int_eq(lottery_draw(a, &l, &r, l.draw_at - 1, &d, &e), GZF_ESTATE);
	ck_assert_str_eq(e.name, "lottery_timing");
	l.draw_at = l.frozen_at + LOTTERY_MIN_NOTICE_S - 1;
	ck_assert_int_eq(lottery_draw(a, &l, &r, l.draw_at, &d, &e), GZF_ESTATE);
	ck_assert(strstr(e.message, "less than 24 hours") != NULL);
	l.draw_at = l.frozen_at + LOTTERY_MIN_NOTICE_S;
	ck_assert_int_eq(lottery_draw(a, &l, &r, l.draw_at, &d, &e), GZF_OK);
	snprintf(r.digits, sizeof(r.digits), "12345");
	ck_assert_int_eq(lottery_draw(a, &l, &r, l.draw_at, &d, &e), GZF_ECONFLICT);
	ck_assert_str_eq(e.name, "randomness_mismatch");
	snprintf(r.digits, sizeof(r.digits), "12 456");
	ck_assert_int_eq(lottery_draw(a, &l, &r, l.draw_at, &d, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "invalid_randomness");
	/* Times: the one form, real dates, round trips. */
	ck_assert_int_eq(lottery_time_parse("1970-01-01T00:00:00Z", &t), GZF_OK);
	ck_assert_int_eq(t, 0);
	ck_assert_int_eq(lottery_time_parse("2028-02-29T23:59:59Z", &t), GZF_OK);
	{
		char out[21];

		lottery_time_format(t, out);
		ck_assert_str_eq(out, "2028-02-29T23:59:59Z");
	}
	ck_assert_int_eq(lottery_time_parse("2027-02-29T00:00:00Z", &t), GZF_EINVAL);
	ck_assert_int_eq(lottery_time_parse("2026-03-01T00:00:60Z", &t), GZF_EINVAL);
	ck_assert_int_eq(lottery_time_parse("2026-03-01T00:00:00+08:00", &t), GZF_EINVAL);
	ck_assert_int_eq(lottery_time_parse("2026-03-01T00:00:00z", &t), GZF_EINVAL);
	ck_assert_int_eq(lottery_time_parse("2100-01-01T00:00:00Z", &t), GZF_EINVAL);
	json_decref(v);
	arena_destroy(a);
}
END_TEST

Suite *
lottery_suite(void)
{
	Suite *s = suite_create("lottery");
	TCase *tc = tcase_create("lottery");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, the_vectors_verify_and_draw_again_byte_for_byte);
	tcase_add_test(tc, vector_1_every_intermediate_value);
	tcase_add_test(tc, vector_2_groups_leading_zero_and_beacon);
	tcase_add_test(tc, vector_3_a_thousand_in_five_groups);
	tcase_add_test(tc, the_rejection_bound_leaves_no_modulo_bias);
	tcase_add_test(tc, rejected_words_are_skipped_and_consumed);
	tcase_add_test(tc, uniform_draws_and_shuffles_are_even);
	tcase_add_test(tc, tampered_proofs_fail_at_the_first_difference);
	tcase_add_test(tc, malformed_proofs_are_invalid);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, draws_are_refused_when_they_must_be);
	suite_add_tcase(s, tc);
	return s;
}
