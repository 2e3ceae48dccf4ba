/*
 * bench/lottery.c — how long a lottery draw takes (docs/lottery.md): 100,000 candidates
 * in 5 groups by default, drawn (list hash, seed, shuffle), its proof built and written
 * as JSON, then read back and verified as `gzf lottery verify` does. Beside it, in the
 * same run, what the same bytes cost at the least: libsodium's SHA-256 over the proof
 * text, the stream's blocks hashed alone, and jansson reading the proof without checking
 * it. See bench/README.md.
 *
 *   build/bench/lottery [CANDIDATES [GROUPS [RUNS]]]     (make bench builds and runs it)
 *
 * Exits 0 when the median draw + proof + verify is under the 1 s target, 1 when over,
 * 2 for bad arguments.
 */
#include "domain/lottery.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TARGET_MS 1000.0
#define MAX_RUNS 50

static double ms_since(int64_t t0);
static int arg(int argc, char **argv, int i, long min, long max, long dflt, long *out);
static void make_list(struct arena *a, long n, long groups, struct lottery_list *l);
static double report(const char *label, double *v, long n);
static int dbl_cmp(const void *x, const void *y);

static double
ms_since(int64_t t0)
{
	return (double)(gzf_mono_ns() - t0) / 1e6;
}

static int
arg(int argc, char **argv, int i, long min, long max, long dflt, long *out)
{
	char *end;

	*out = dflt;
	if (i >= argc)
		return 0;
	*out = strtol(argv[i], &end, 10);
	return *end != '\0' || *out < min || *out > max ? -1 : 0;
}

/* n candidates: application 1,000,000 + 3k for k = 0..n-1 is in group k mod groups. */
static void
make_list(struct arena *a, long n, long groups, struct lottery_list *l)
{
	long k, g;

	memset(l, 0, sizeof(*l));
	l->city = 230600;
	l->round_id = 1;
	lottery_time_parse("2026-06-01T00:00:00Z", &l->frozen_at);
	lottery_time_parse("2026-06-03T02:00:00Z", &l->draw_at);
	l->digit_count = 8;
	l->ngroups = (size_t)groups;
	l->n = (size_t)n;
	for (g = 0; g < groups; g++) {
		snprintf(l->groups[g].code, sizeof(l->groups[g].code), "group-%ld", g + 1);
		l->groups[g].ids = arena_alloc(a, (size_t)(n / groups + 1) * sizeof(int64_t));
	}
	for (k = 0; k < n; k++) {
		struct lottery_group *gr = &l->groups[k % groups];

		gr->ids[gr->n++] = 1000000 + 3 * k;
	}
}

static int
dbl_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* Print the median and the minimum of the n timings v (sorted here); return the median. */
static double
report(const char *label, double *v, long n)
{
	double med;

	qsort(v, (size_t)n, sizeof(*v), dbl_cmp);
	med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("  %-44s %7.1fms %7.1fms\n", label, med, v[0]);
	return med;
}

int
main(int argc, char **argv)
{
	struct lottery_randomness r = { .digits = "07250419" };
	double draw_ms[MAX_RUNS], build_ms[MAX_RUNS], verify_ms[MAX_RUNS], total_ms[MAX_RUNS];
	double sha_ms[MAX_RUNS], blocks_ms[MAX_RUNS], parse_ms[MAX_RUNS];
	long n, groups, runs;
	size_t text_len = 0, blocks = 0;
	char seed_hex[LOTTERY_HEX] = "", label[64];
	double verdict;
	int i;

	if (arg(argc, argv, 1, 1, LOTTERY_MAX_CANDIDATES, 100000, &n) != 0 ||
	    arg(argc, argv, 2, 1, LOTTERY_MAX_GROUPS, 5, &groups) != 0 ||
	    arg(argc, argv, 3, 1, MAX_RUNS, 5, &runs) != 0 || groups > n) {
		fprintf(stderr, "usage: bench/lottery [CANDIDATES (1-%d) [GROUPS (1-%d, at most "
				"CANDIDATES) [RUNS (1-%d)]]]\n", LOTTERY_MAX_CANDIDATES,
			LOTTERY_MAX_GROUPS, MAX_RUNS);
		return 2;
	}
	if (gzf_crypto_init() != GZF_OK)
		return 1;
	for (i = 0; i < runs; i++) {
		struct arena *a = arena_create();
		struct lottery_draw d;
		struct lottery_list l;
		struct lottery_stream s;
		struct gzf_err err;
		unsigned char h[32], seed[32];
		json_t *proof, *back;
		char *text;
		int64_t t0;

		gzf_err_clear(&err);
		make_list(a, n, groups, &l);

		t0 = gzf_mono_ns();
		if (lottery_draw(a, &l, &r, l.draw_at, &d, &err) != GZF_OK) {
			fprintf(stderr, "bench/lottery: the draw failed: %s\n", err.message);
			return 1;
		}
		draw_ms[i] = ms_since(t0);

		t0 = gzf_mono_ns();
		proof = lottery_proof_build(&l, &r, &d);
		text = json_dumps(proof, JSON_COMPACT);
		build_ms[i] = ms_since(t0);
		json_decref(proof);
		text_len = strlen(text);

		t0 = gzf_mono_ns();
		back = json_loadb(text, text_len, JSON_REJECT_DUPLICATES, NULL);
		if (back == NULL || lottery_proof_verify(back, &err) != GZF_OK) {
			fprintf(stderr, "bench/lottery: the proof does not verify: %s\n", err.message);
			return 1;
		}
		verify_ms[i] = ms_since(t0);
		json_decref(back);
		total_ms[i] = draw_ms[i] + build_ms[i] + verify_ms[i];

		/* The references: the same bytes, the same number of blocks, no checking. */
		t0 = gzf_mono_ns();
		crypto_hash_sha256(h, (const unsigned char *)text, text_len);
		sha_ms[i] = ms_since(t0);

		sodium_hex2bin(seed, sizeof(seed), d.seed, 64, NULL, NULL, NULL);
		lottery_stream_init(&s, seed);
		blocks = (size_t)(n - groups) / 8 + 1; /* one word per swap; rejections are rare */
		t0 = gzf_mono_ns();
		for (size_t w = 0; w < blocks * 8; w++)
			(void)lottery_stream_next(&s);
		blocks_ms[i] = ms_since(t0);

		t0 = gzf_mono_ns();
		back = json_loadb(text, text_len, JSON_REJECT_DUPLICATES, NULL);
		parse_ms[i] = ms_since(t0);
		json_decref(back);

		snprintf(seed_hex, sizeof(seed_hex), "%s", d.seed);
		free(text);
		arena_destroy(a);
	}
	printf("lottery draw: %ld candidates in %ld groups, proof %.1f MB, %ld runs (median, min)\n\n",
	       n, groups, (double)text_len / 1e6, runs);
	printf("  %-44s %9s %9s\n", "step", "median", "min");
	report("draw: list hash, seed, shuffle", draw_ms, runs);
	report("proof: build and write the JSON", build_ms, runs);
	report("verify: read the JSON, check, draw again", verify_ms, runs);
	verdict = report("total", total_ms, runs);
	printf("\n  reference, the same run:\n");
	report("SHA-256 of the proof text (libsodium)", sha_ms, runs);
	snprintf(label, sizeof(label), "%zu stream blocks alone", blocks);
	report(label, blocks_ms, runs);
	report("reading the proof JSON alone (jansson)", parse_ms, runs);
	printf("\n  seed %s\n", seed_hex);
	if (verdict >= TARGET_MS) {
		printf("  over the %.0f ms target\n", TARGET_MS);
		return 1;
	}
	printf("  under the %.0f ms target\n", TARGET_MS);
	return 0;
}
