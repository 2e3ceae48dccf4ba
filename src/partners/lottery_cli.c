/*
 * lottery_cli.c — `gzf lottery verify PROOF` (a file, "-" for standard input, or an
 * http(s) URL fetched with partner_fetch) and `gzf lottery draw`, the notary's and the
 * rehearsal's tool that turns a frozen list and the day's randomness into a proof. The
 * algorithm is domain/lottery.c's; this file reads, fetches and prints.
 */
#include "partners/lottery_cli.h"
#include "domain/lottery.h"
#include "partners/partner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_TIMEOUT_MS 60000

static int read_json(struct arena *a, const char *where, json_t **out, struct gzf_err *err);
static int read_stream(FILE *f, struct arena *a, char **data, size_t *len);
static int cmd_verify(const char *where);
static int cmd_draw(int argc, char **argv);
static int usage(void);

static int
usage(void)
{
	fprintf(stderr,
		"gzf: usage: gzf lottery verify PROOF\n"
		"            (PROOF: a file, - for standard input, or an http:// or https:// URL)\n"
		"        or: gzf lottery draw --list FILE --randomness DIGITS [--beacon HEX]\n"
		"            [--drawn-at YYYY-MM-DDTHH:MM:SSZ]\n");
	return 2;
}

/* All of f, at most LOTTERY_MAX_PROOF_BYTES, with a NUL after it, in a. */
static int
read_stream(FILE *f, struct arena *a, char **data, size_t *len)
{
	size_t cap = 64 * 1024, n = 0, got;
	char *buf = gzf_malloc(cap);

	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n > LOTTERY_MAX_PROOF_BYTES) {
			free(buf);
			return GZF_ETOOLARGE;
		}
		if (n == cap) { /* room for one byte over the limit, to see it is over */
			cap = cap * 2 > LOTTERY_MAX_PROOF_BYTES + 1 ? LOTTERY_MAX_PROOF_BYTES + 1 : cap * 2;
			buf = gzf_realloc(buf, cap);
		}
	}
	if (ferror(f)) {
		free(buf);
		return GZF_EUNAVAIL;
	}
	buf[n] = '\0'; /* n < cap: the loop grows buf whenever it is full */
	arena_cleanup_add(a, free, buf);
	*data = buf;
	*len = n;
	return GZF_OK;
}

/* The JSON document at where: an http(s) URL, "-" (standard input) or a file; *out is
 * a new reference. */
static int
read_json(struct arena *a, const char *where, json_t **out, struct gzf_err *err)
{
	json_error_t jerr;
	FILE *f = NULL;
	char *data;
	size_t len;
	int rc;

	if (strncmp(where, "http://", 7) == 0 || strncmp(where, "https://", 8) == 0) {
		if (partners_global_init() != GZF_OK)
			return gzf_err_set(err, GZF_EINTERNAL, NULL, NULL,
					   "libcurl could not be initialised");
		if ((rc = partner_fetch(a, where, LOTTERY_MAX_PROOF_BYTES, FETCH_TIMEOUT_MS, &data,
					&len, err)) != GZF_OK)
			return rc;
	} else {
		f = strcmp(where, "-") == 0 ? stdin : fopen(where, "rb");
		if (f == NULL)
			return gzf_err_set(err, GZF_EUNAVAIL, "unreadable", NULL, "cannot open %.200s",
					   where);
		rc = read_stream(f, a, &data, &len);
		if (f != stdin)
			fclose(f);
		if (rc == GZF_ETOOLARGE)
			return gzf_err_set(err, rc, "too_large", NULL, "%.200s is larger than %d bytes",
					   where, LOTTERY_MAX_PROOF_BYTES);
		if (rc != GZF_OK)
			return gzf_err_set(err, rc, "unreadable", NULL, "cannot read %.200s", where);
	}
	*out = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (*out == NULL)
		return gzf_err_set(err, GZF_EINVAL, "invalid_json", NULL,
				   "%.200s is not JSON: %s (line %d)", where, jerr.text, jerr.line);
	return GZF_OK;
}

/* Exit 0 when the proof verifies, 1 at its first difference, 2 when it cannot be read
 * or is not a well-formed gzf-lottery-1 proof. */
static int
cmd_verify(const char *where)
{
	struct arena *a = arena_create();
	struct gzf_err err;
	json_t *proof = NULL;
	int status;

	gzf_err_clear(&err);
	if (read_json(a, where, &proof, &err) != GZF_OK) {
		fprintf(stderr, "gzf: %s\n", err.message);
		status = 2;
	} else if (lottery_proof_verify(proof, &err) == GZF_OK) {
		printf("ok: %zu candidates in %zu group%s, seed %s\n",
		       json_array_size(json_object_get(proof, "entries")),
		       json_array_size(json_object_get(proof, "groups")),
		       json_array_size(json_object_get(proof, "groups")) == 1 ? "" : "s",
		       json_string_value(json_object_get(proof, "seed")));
		status = 0;
	} else if (err.code == GZF_ECONFLICT) {
		printf("mismatch: %s\n", err.message);
		status = 1;
	} else {
		fprintf(stderr, "gzf: not a valid %s proof: %s\n", LOTTERY_VERSION, err.message);
		status = 2;
	}
	json_decref(proof);
	arena_destroy(a);
	return status;
}

/* Exit 0 with the proof on standard output; 1 when the draw is refused (the randomness
 * is not what was committed, or it is too early); 2 for bad usage or a bad list. */
static int
cmd_draw(int argc, char **argv)
{
	const char *list_path = NULL, *digits = NULL, *beacon = "", *drawn = NULL;
	struct arena *a = arena_create();
	struct lottery_randomness r = { 0 };
	struct lottery_draw d;
	struct lottery_list l;
	struct gzf_err err;
	int64_t drawn_at = gzf_now_ms() / 1000;
	json_t *list = NULL, *proof;
	int i, status = 2;

	gzf_err_clear(&err);
	for (i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--list") == 0)
			list_path = argv[i + 1];
		else if (strcmp(argv[i], "--randomness") == 0)
			digits = argv[i + 1];
		else if (strcmp(argv[i], "--beacon") == 0)
			beacon = argv[i + 1];
		else if (strcmp(argv[i], "--drawn-at") == 0)
			drawn = argv[i + 1];
		else
			break;
	}
	if (i != argc || list_path == NULL || digits == NULL) {
		status = usage();
		goto out;
	}
	if (drawn != NULL && lottery_time_parse(drawn, &drawn_at) != GZF_OK) {
		fprintf(stderr, "gzf: --drawn-at needs a UTC time written YYYY-MM-DDTHH:MM:SSZ\n");
		goto out;
	}
	if (strlen(digits) > LOTTERY_MAX_DIGITS || strlen(beacon) > LOTTERY_MAX_BEACON_HEX) {
		fprintf(stderr, "gzf: --randomness takes at most %d digits, --beacon at most %d "
				"hexadecimal characters\n", LOTTERY_MAX_DIGITS, LOTTERY_MAX_BEACON_HEX);
		goto out;
	}
	snprintf(r.digits, sizeof(r.digits), "%s", digits);
	snprintf(r.beacon, sizeof(r.beacon), "%s", beacon);
	if (read_json(a, list_path, &list, &err) != GZF_OK ||
	    lottery_list_from_json(a, list, NULL, &l, &err) != GZF_OK) {
		fprintf(stderr, "gzf: %s\n", err.message);
		goto out;
	}
	if (lottery_draw(a, &l, &r, drawn_at, &d, &err) != GZF_OK) {
		fprintf(stderr, "gzf: the draw is refused: %s\n", err.message);
		status = err.code == GZF_EINVAL ? 2 : 1;
		goto out;
	}
	proof = lottery_proof_build(&l, &r, &d);
	status = json_dumpf(proof, stdout, JSON_COMPACT) == 0 && fputc('\n', stdout) != EOF ? 0 : 1;
	json_decref(proof);
out:
	json_decref(list);
	arena_destroy(a);
	return status;
}

int
lottery_cli_main(int argc, char **argv)
{
	if (gzf_crypto_init() != GZF_OK) {
		fprintf(stderr, "gzf: libsodium could not be initialised\n");
		return 1;
	}
	if (argc == 2 && strcmp(argv[0], "verify") == 0)
		return cmd_verify(argv[1]);
	if (argc >= 1 && strcmp(argv[0], "draw") == 0)
		return cmd_draw(argc - 1, argv + 1);
	return usage();
}
