/*
 * lottery.c — the verifiable lottery "gzf-lottery-1" (docs/lottery.md): reading a
 * canonical frozen list, its hash, the seed, the SHA-256 counter stream, rejection
 * sampling, the Fisher-Yates shuffle per group, and the proof (build, verify). The
 * document is the reference: each function here implements one of its sections, and
 * tests/unit/test_lottery.c checks its test vectors.
 */
#include "domain/lottery.h"
#include "domain/calendar.h"

#include <assert.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The keys of the frozen list, and those a proof adds. */
static const char *const list_keys[] = {
	"version", "city", "round_id", "frozen_at", "draw_at", "digit_count", "beacon_source",
	"groups", "entries", NULL,
};
static const char *const proof_keys[] = {
	"list_hash", "randomness", "seed", "order", "drawn_at", NULL,
};

static int key_listed(const char *key, const char *const *keys);
static int invalid(struct gzf_err *err, const char *name, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int get_int(const json_t *j, const char *key, int64_t min, int64_t max, int64_t *out,
		   const char *name, struct gzf_err *err);
static int get_time(const json_t *j, const char *key, int64_t *out, const char *name,
		    struct gzf_err *err);
static int group_code_valid(const char *s);
static int read_groups(const json_t *j, struct lottery_list *l, struct gzf_err *err);
static int read_entries(struct arena *a, const json_t *j, struct lottery_list *l,
			struct gzf_err *err);
static int no_id_twice(const struct lottery_list *l, struct gzf_err *err);
static int id_cmp(const void *x, const void *y);
static void hash_line(crypto_hash_sha256_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void hex_of(const unsigned char *bytes, size_t n, char *out);
static int hex_lower(const char *s);
static int randomness_form(const struct lottery_randomness *r, struct gzf_err *err);
static int timing_check(const struct lottery_list *l, int64_t drawn_at, int code,
			struct gzf_err *err);
static void draw_orders(struct arena *a, const struct lottery_list *l,
			const unsigned char seed[32], struct lottery_draw *d);
static int read_proof(const json_t *proof, const struct lottery_list *l,
		      struct lottery_randomness *r, const json_t **order, int64_t *drawn_at,
		      struct gzf_err *err);
static int compare_orders(const struct lottery_list *l, const struct lottery_draw *d,
			  const json_t *order, struct gzf_err *err);

static int
key_listed(const char *key, const char *const *keys)
{
	for (; keys != NULL && *keys != NULL; keys++)
		if (strcmp(key, *keys) == 0)
			return 1;
	return 0;
}

static int
invalid(struct gzf_err *err, const char *name, const char *field, const char *fmt, ...)
{
	char message[sizeof(err->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return gzf_err_set(err, GZF_EINVAL, name, field, "%s", message);
}

/* j[key] as an integer in [min, max] (a JSON integer: no fraction, no exponent). */
static int
get_int(const json_t *j, const char *key, int64_t min, int64_t max, int64_t *out,
	const char *name, struct gzf_err *err)
{
	const json_t *v = json_object_get(j, key);

	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return invalid(err, name, key, "%s must be an integer from %lld to %lld", key,
			       (long long)min, (long long)max);
	*out = json_integer_value(v);
	return GZF_OK;
}

static int
get_time(const json_t *j, const char *key, int64_t *out, const char *name, struct gzf_err *err)
{
	const json_t *v = json_object_get(j, key);

	if (!json_is_string(v) || lottery_time_parse(json_string_value(v), out) != GZF_OK)
		return invalid(err, name, key, "%s must be a UTC time written YYYY-MM-DDTHH:MM:SSZ",
			       key);
	return GZF_OK;
}

int
lottery_time_parse(const char *s, int64_t *out)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm tm = { 0 };
	int date;

	if (s == NULL || strlen(s) != sizeof(form) - 1)
		return GZF_EINVAL;
	for (size_t i = 0; form[i] != '\0'; i++)
		if (form[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != form[i])
			return GZF_EINVAL;
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	tm.tm_mon = (s[5] - '0') * 10 + (s[6] - '0');
	tm.tm_mday = (s[8] - '0') * 10 + (s[9] - '0');
	tm.tm_hour = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_min = (s[14] - '0') * 10 + (s[15] - '0');
	tm.tm_sec = (s[17] - '0') * 10 + (s[18] - '0');
	date = tm.tm_year * 10000 + tm.tm_mon * 100 + tm.tm_mday;
	if (!calendar_date_valid(date) || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		return GZF_EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm);
	return GZF_OK;
}

void
lottery_time_format(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* 1..LOTTERY_MAX_GROUP_CODE of a-z 0-9 _ -, starting with a letter or a digit. */
static int
group_code_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > LOTTERY_MAX_GROUP_CODE || s[0] == '_' || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static int
read_groups(const json_t *j, struct lottery_list *l, struct gzf_err *err)
{
	const json_t *groups = json_object_get(j, "groups"), *g;
	size_t i, k;

	if (!json_is_array(groups) || json_array_size(groups) < 1 ||
	    json_array_size(groups) > LOTTERY_MAX_GROUPS)
		return invalid(err, "invalid_lottery_list", "groups",
			       "groups must be an array of 1 to %d group codes in priority order",
			       LOTTERY_MAX_GROUPS);
	json_array_foreach(groups, i, g) {
		if (!json_is_string(g) || !group_code_valid(json_string_value(g)))
			return invalid(err, "invalid_lottery_list", "groups",
				       "groups[%zu] must be a code of 1 to %d characters a-z, 0-9, _ "
				       "and -, starting with a letter or a digit", i,
				       LOTTERY_MAX_GROUP_CODE);
		for (k = 0; k < i; k++)
			if (strcmp(l->groups[k].code, json_string_value(g)) == 0)
				return invalid(err, "invalid_lottery_list", "groups",
					       "groups[%zu]: group %s is named twice", i, l->groups[k].code);
		snprintf(l->groups[i].code, sizeof(l->groups[i].code), "%s", json_string_value(g));
	}
	l->ngroups = json_array_size(groups);
	return GZF_OK;
}

/* The entries, in canonical order: the groups' in priority order, each group's ids
 * ascending. One array of ids in a; each group is a slice of it. */
static int
read_entries(struct arena *a, const json_t *j, struct lottery_list *l, struct gzf_err *err)
{
	const json_t *entries = json_object_get(j, "entries"), *e, *id, *group;
	size_t i, g, cur = 0;
	int64_t *ids;

	if (!json_is_array(entries) || json_array_size(entries) < 1 ||
	    json_array_size(entries) > LOTTERY_MAX_CANDIDATES)
		return invalid(err, "invalid_lottery_list", "entries",
			       "entries must be an array of 1 to %d candidates", LOTTERY_MAX_CANDIDATES);
	l->n = json_array_size(entries);
	ids = arena_alloc(a, l->n * sizeof(*ids));
	json_array_foreach(entries, i, e) {
		id = json_object_get(e, "application_id");
		group = json_object_get(e, "group");
		if (!json_is_object(e) || json_object_size(e) != 2 || !json_is_integer(id) ||
		    json_integer_value(id) < 1 || json_integer_value(id) > LOTTERY_MAX_ID ||
		    !json_is_string(group))
			return invalid(err, "invalid_lottery_list", "entries",
				       "entries[%zu] must be {\"application_id\": an integer from 1 to "
				       "%lld, \"group\": a group code}", i, LOTTERY_MAX_ID);
		/* The group of the entry before, or the next one: anything else is out of order. */
		for (g = i == 0 ? 0 : cur; g < l->ngroups && g <= cur + 1; g++)
			if (strcmp(l->groups[g].code, json_string_value(group)) == 0)
				break;
		if (g == l->ngroups || g > cur + 1) {
			for (g = 0; g < l->ngroups; g++)
				if (strcmp(l->groups[g].code, json_string_value(group)) == 0)
					break;
			if (g == l->ngroups)
				return invalid(err, "invalid_lottery_list", "entries",
					       "entries[%zu]: group %.40s is not one of groups", i,
					       json_string_value(group));
		}
		if (g < cur || g > cur + 1 || (i == 0 && g != 0) ||
		    (i > 0 && g == cur && json_integer_value(id) <= ids[i - 1]))
			return invalid(err, "invalid_lottery_list", "entries",
				       "entries[%zu] is out of canonical order: the groups in the order "
				       "of groups, each used, each one's ids strictly ascending", i);
		if (i == 0 || g != cur)
			l->groups[g].ids = ids + i;
		l->groups[g].n++;
		ids[i] = json_integer_value(id);
		cur = g;
	}
	if (cur + 1 != l->ngroups)
		return invalid(err, "invalid_lottery_list", "entries",
			       "group %s has no entries (every group needs at least one)",
			       l->groups[cur + 1].code);
	return no_id_twice(l, err);
}

static int
id_cmp(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

/* An application is in one group at most. Each group's slice is ascending already; a
 * sorted copy of all of them finds one id in two groups. */
static int
no_id_twice(const struct lottery_list *l, struct gzf_err *err)
{
	int64_t *all;
	size_t i;
	int rc = GZF_OK;

	if (l->ngroups == 1)
		return GZF_OK;
	all = gzf_malloc(l->n * sizeof(*all));
	memcpy(all, l->groups[0].ids, l->n * sizeof(*all));
	qsort(all, l->n, sizeof(*all), id_cmp);
	for (i = 1; i < l->n; i++)
		if (all[i] == all[i - 1]) {
			rc = invalid(err, "invalid_lottery_list", "entries",
				     "application %lld is in two groups", (long long)all[i]);
			break;
		}
	free(all);
	return rc;
}

int
lottery_list_from_json(struct arena *a, const json_t *j, const char *const *extra_keys,
		       struct lottery_list *l, struct gzf_err *err)
{
	const json_t *version, *source, *v;
	const char *key, *s;
	int64_t digits;
	int rc;

	memset(l, 0, sizeof(*l));
	if (!json_is_object(j))
		return invalid(err, "invalid_lottery_list", NULL, "the lottery list must be a JSON object");
	json_object_foreach((json_t *)j, key, v) {
		if (!key_listed(key, list_keys) && !key_listed(key, extra_keys))
			return invalid(err, "invalid_lottery_list", key, "unknown key %s", key);
	}
	version = json_object_get(j, "version");
	if (!json_is_string(version) || strcmp(json_string_value(version), LOTTERY_VERSION) != 0)
		return invalid(err, "invalid_lottery_list", "version",
			       "version must be \"" LOTTERY_VERSION "\" (the only algorithm this "
			       "program knows)");
	if ((rc = get_int(j, "city", 1, LOTTERY_MAX_ID, &l->city, "invalid_lottery_list", err)) ||
	    (rc = get_int(j, "round_id", 1, LOTTERY_MAX_ID, &l->round_id, "invalid_lottery_list", err)) ||
	    (rc = get_time(j, "frozen_at", &l->frozen_at, "invalid_lottery_list", err)) ||
	    (rc = get_time(j, "draw_at", &l->draw_at, "invalid_lottery_list", err)) ||
	    (rc = get_int(j, "digit_count", 1, LOTTERY_MAX_DIGITS, &digits, "invalid_lottery_list", err)))
		return rc;
	l->digit_count = (int)digits;
	source = json_object_get(j, "beacon_source");
	if (source != NULL) {
		s = json_is_string(source) ? json_string_value(source) : "";
		for (key = s; *key >= 0x20 && *key <= 0x7e; key++)
			;
		if (*key != '\0' || *s == '\0' || strlen(s) > LOTTERY_MAX_SOURCE)
			return invalid(err, "invalid_lottery_list", "beacon_source",
				       "beacon_source must name the beacon in 1 to %d printable ASCII "
				       "characters", LOTTERY_MAX_SOURCE);
		snprintf(l->beacon_source, sizeof(l->beacon_source), "%s", s);
	}
	if ((rc = read_groups(j, l, err)) != GZF_OK)
		return rc;
	return read_entries(a, j, l, err);
}

static void
hash_line(crypto_hash_sha256_state *st, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	assert(n > 0 && (size_t)n < sizeof(line));
	crypto_hash_sha256_update(st, (const unsigned char *)line, (unsigned long long)n);
}

static void
hex_of(const unsigned char *bytes, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, bytes, n);
}

void
lottery_list_hash(const struct lottery_list *l, char out[LOTTERY_HEX])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char frozen[21], draw[21];
	size_t g, i;

	lottery_time_format(l->frozen_at, frozen);
	lottery_time_format(l->draw_at, draw);
	crypto_hash_sha256_init(&st);
	hash_line(&st, LOTTERY_VERSION "\ncity\t%lld\nround\t%lld\nfrozen_at\t%s\ndraw_at\t%s\n"
		  "digits\t%d\n", (long long)l->city, (long long)l->round_id, frozen, draw,
		  l->digit_count);
	if (l->beacon_source[0] != '\0')
		hash_line(&st, "beacon\t%s\n", l->beacon_source);
	for (g = 0; g < l->ngroups; g++)
		for (i = 0; i < l->groups[g].n; i++)
			hash_line(&st, "%zu\t%s\t%lld\n", g + 1, l->groups[g].code,
				  (long long)l->groups[g].ids[i]);
	crypto_hash_sha256_final(&st, h);
	hex_of(h, sizeof(h), out);
}

/* 1 when s is lowercase hex of even length (empty included). */
static int
hex_lower(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return n % 2 == 0;
}

/* The digits are 1 to LOTTERY_MAX_DIGITS decimal digits; the beacon ("" for none) is
 * lowercase hex of even length, at most LOTTERY_MAX_BEACON_HEX characters. */
static int
randomness_form(const struct lottery_randomness *r, struct gzf_err *err)
{
	size_t n = strlen(r->digits);

	if (n < 1 || n > LOTTERY_MAX_DIGITS || strspn(r->digits, "0123456789") != n)
		return invalid(err, "invalid_randomness", "digits",
			       "the randomness digits must be 1 to %d decimal digits, as entered",
			       LOTTERY_MAX_DIGITS);
	if (!hex_lower(r->beacon) || strlen(r->beacon) > LOTTERY_MAX_BEACON_HEX)
		return invalid(err, "invalid_randomness", "beacon",
			       "the beacon value must be lowercase hexadecimal of even length, at "
			       "most %d characters", LOTTERY_MAX_BEACON_HEX);
	return GZF_OK;
}

int
lottery_randomness_check(const struct lottery_list *l, const struct lottery_randomness *r,
			 struct gzf_err *err)
{
	size_t n = strlen(r->digits);
	int rc;

	if ((rc = randomness_form(r, err)) != GZF_OK)
		return rc;
	if ((int)n != l->digit_count)
		return gzf_err_set(err, GZF_ECONFLICT, "randomness_mismatch", "digits",
				   "randomness: %zu digits, the commitment names %d", n, l->digit_count);
	if (r->beacon[0] != '\0' && l->beacon_source[0] == '\0')
		return gzf_err_set(err, GZF_ECONFLICT, "randomness_mismatch", "beacon",
				   "randomness: a beacon value, but the commitment names no beacon");
	if (r->beacon[0] == '\0' && l->beacon_source[0] != '\0')
		return gzf_err_set(err, GZF_ECONFLICT, "randomness_mismatch", "beacon",
				   "randomness: no beacon value, but the commitment names the beacon "
				   "%s", l->beacon_source);
	return GZF_OK;
}

void
lottery_seed(const char list_hash[LOTTERY_HEX], const struct lottery_randomness *r,
	     unsigned char seed[32])
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	hash_line(&st, LOTTERY_VERSION "\n%s\ndigits\t%s\n", list_hash, r->digits);
	if (r->beacon[0] != '\0')
		hash_line(&st, "beacon\t%s\n", r->beacon);
	crypto_hash_sha256_final(&st, seed);
}

void
lottery_stream_init(struct lottery_stream *s, const unsigned char seed[32])
{
	memcpy(s->seed, seed, sizeof(s->seed));
	s->block = 0;
	s->next = 8;
}

uint32_t
lottery_stream_next(struct lottery_stream *s)
{
	unsigned char in[40], out[crypto_hash_sha256_BYTES];
	int k;

	if (s->next == 8) {
		memcpy(in, s->seed, 32);
		for (k = 0; k < 8; k++)
			in[32 + k] = (unsigned char)(s->block >> (56 - 8 * k));
		crypto_hash_sha256(out, in, sizeof(in));
		for (k = 0; k < 8; k++)
			s->words[k] = (uint32_t)out[4 * k] << 24 | (uint32_t)out[4 * k + 1] << 16 |
				      (uint32_t)out[4 * k + 2] << 8 | (uint32_t)out[4 * k + 3];
		s->block++;
		s->next = 0;
	}
	return s->words[s->next++];
}

uint64_t
lottery_accept_below(uint32_t n)
{
	assert(n >= 1);
	return (UINT64_C(1) << 32) - (UINT64_C(1) << 32) % n;
}

uint32_t
lottery_uniform(struct lottery_stream *s, uint32_t n)
{
	uint64_t below = lottery_accept_below(n);
	uint32_t w;

	do
		w = lottery_stream_next(s);
	while (w >= below);
	return w % n;
}

void
lottery_shuffle(struct lottery_stream *s, int64_t *ids, size_t n)
{
	int64_t t;
	uint32_t j;
	size_t i;

	assert(n <= LOTTERY_MAX_CANDIDATES);
	for (i = n; i-- > 1;) {
		j = lottery_uniform(s, (uint32_t)(i + 1));
		t = ids[i];
		ids[i] = ids[j];
		ids[j] = t;
	}
}

/* The commitment came at least LOTTERY_MIN_NOTICE_S before the committed draw time, and
 * the draw did not happen before it. */
static int
timing_check(const struct lottery_list *l, int64_t drawn_at, int code, struct gzf_err *err)
{
	char a[21], b[21];

	if (l->draw_at - l->frozen_at < LOTTERY_MIN_NOTICE_S) {
		lottery_time_format(l->frozen_at, a);
		lottery_time_format(l->draw_at, b);
		return gzf_err_set(err, code, "lottery_timing", "draw_at",
				   "timing: the draw at %s is less than 24 hours after the list was "
				   "frozen at %s", b, a);
	}
	if (drawn_at < l->draw_at) {
		lottery_time_format(drawn_at, a);
		lottery_time_format(l->draw_at, b);
		return gzf_err_set(err, code, "lottery_timing", "drawn_at",
				   "timing: drawn at %s, before the committed draw time %s", a, b);
	}
	return GZF_OK;
}

/* Each group's order: its ids shuffled, groups in priority order, one stream. */
static void
draw_orders(struct arena *a, const struct lottery_list *l, const unsigned char seed[32],
	    struct lottery_draw *d)
{
	struct lottery_stream s;
	size_t g;

	lottery_stream_init(&s, seed);
	for (g = 0; g < l->ngroups; g++) {
		d->order[g] = l->groups[g];
		d->order[g].ids = arena_alloc(a, l->groups[g].n * sizeof(int64_t));
		memcpy(d->order[g].ids, l->groups[g].ids, l->groups[g].n * sizeof(int64_t));
		lottery_shuffle(&s, d->order[g].ids, d->order[g].n);
	}
}

int
lottery_draw(struct arena *a, const struct lottery_list *l, const struct lottery_randomness *r,
	     int64_t drawn_at, struct lottery_draw *d, struct gzf_err *err)
{
	unsigned char seed[32];
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = lottery_randomness_check(l, r, err)) != GZF_OK ||
	    (rc = timing_check(l, drawn_at, GZF_ESTATE, err)) != GZF_OK)
		return rc;
	lottery_list_hash(l, d->list_hash);
	lottery_seed(d->list_hash, r, seed);
	hex_of(seed, sizeof(seed), d->seed);
	d->drawn_at = drawn_at;
	draw_orders(a, l, seed, d);
	return GZF_OK;
}

json_t *
lottery_proof_build(const struct lottery_list *l, const struct lottery_randomness *r,
		    const struct lottery_draw *d)
{
	json_t *proof, *groups = json_array(), *entries = json_array(), *order = json_array(),
	       *randomness, *ids, *code, *e;
	char frozen[21], draw[21], drawn[21];
	size_t g, i;

	lottery_time_format(l->frozen_at, frozen);
	lottery_time_format(l->draw_at, draw);
	lottery_time_format(d->drawn_at, drawn);
	for (g = 0; g < l->ngroups; g++) {
		json_array_append_new(groups, json_string(l->groups[g].code));
		code = json_string(l->groups[g].code);
		for (i = 0; i < l->groups[g].n; i++) {
			/* 100,000 of these in a large round: set directly, not through json_pack. */
			e = json_object();
			json_object_set_new_nocheck(e, "application_id", json_integer(l->groups[g].ids[i]));
			json_object_set_nocheck(e, "group", code);
			json_array_append_new(entries, e);
		}
		json_decref(code);
		ids = json_array();
		for (i = 0; i < d->order[g].n; i++)
			json_array_append_new(ids, json_integer(d->order[g].ids[i]));
		json_array_append_new(order, json_pack("{ssso}", "group", d->order[g].code,
						       "application_ids", ids));
	}
	randomness = json_pack("{ss}", "digits", r->digits);
	if (r->beacon[0] != '\0')
		json_object_set_new(randomness, "beacon", json_string(r->beacon));
	proof = json_pack("{sssIsIssss si}", "version", LOTTERY_VERSION, "city", (json_int_t)l->city,
			  "round_id", (json_int_t)l->round_id, "frozen_at", frozen, "draw_at", draw,
			  "digit_count", l->digit_count);
	assert(proof != NULL);
	if (l->beacon_source[0] != '\0')
		json_object_set_new(proof, "beacon_source", json_string(l->beacon_source));
	json_object_set_new(proof, "groups", groups);
	json_object_set_new(proof, "entries", entries);
	json_object_set_new(proof, "list_hash", json_string(d->list_hash));
	json_object_set_new(proof, "randomness", randomness);
	json_object_set_new(proof, "seed", json_string(d->seed));
	json_object_set_new(proof, "order", order);
	json_object_set_new(proof, "drawn_at", json_string(drawn));
	return proof;
}

/* What a proof adds to its list, checked for form only (the values are compared later):
 * the randomness into r, the order array and the draw time. */
static int
read_proof(const json_t *proof, const struct lottery_list *l, struct lottery_randomness *r,
	   const json_t **order, int64_t *drawn_at, struct gzf_err *err)
{
	const json_t *rnd = json_object_get(proof, "randomness"), *digits, *beacon, *o, *ids, *v;
	const char *hashes[] = { "list_hash", "seed" };
	size_t i, k;
	int rc;

	for (i = 0; i < 2; i++) {
		v = json_object_get(proof, hashes[i]);
		if (!json_is_string(v) || strlen(json_string_value(v)) != LOTTERY_HEX - 1 ||
		    !hex_lower(json_string_value(v)))
			return invalid(err, "invalid_lottery_proof", hashes[i],
				       "%s must be 64 lowercase hexadecimal characters", hashes[i]);
	}
	digits = json_object_get(rnd, "digits");
	beacon = json_object_get(rnd, "beacon");
	if (!json_is_object(rnd) || json_object_size(rnd) != 1u + (beacon != NULL) ||
	    !json_is_string(digits) || strlen(json_string_value(digits)) > LOTTERY_MAX_DIGITS ||
	    (beacon != NULL && (!json_is_string(beacon) || strlen(json_string_value(beacon)) < 2 ||
				strlen(json_string_value(beacon)) > LOTTERY_MAX_BEACON_HEX)))
		return invalid(err, "invalid_lottery_proof", "randomness",
			       "randomness must be {\"digits\": up to %d digits} with, when a beacon "
			       "is named, \"beacon\": its value in hexadecimal", LOTTERY_MAX_DIGITS);
	memset(r, 0, sizeof(*r));
	snprintf(r->digits, sizeof(r->digits), "%s", json_string_value(digits));
	if (beacon != NULL)
		snprintf(r->beacon, sizeof(r->beacon), "%s", json_string_value(beacon));
	if ((rc = randomness_form(r, err)) != GZF_OK ||
	    (rc = get_time(proof, "drawn_at", drawn_at, "invalid_lottery_proof", err)) != GZF_OK)
		return rc;
	*order = json_object_get(proof, "order");
	if (!json_is_array(*order) || json_array_size(*order) != l->ngroups)
		return invalid(err, "invalid_lottery_proof", "order",
			       "order must be an array with one object per group (%zu)", l->ngroups);
	json_array_foreach(*order, i, o) {
		ids = json_object_get(o, "application_ids");
		if (!json_is_object(o) || json_object_size(o) != 2 ||
		    !json_is_string(json_object_get(o, "group")) || !json_is_array(ids) ||
		    json_array_size(ids) > LOTTERY_MAX_CANDIDATES)
			return invalid(err, "invalid_lottery_proof", "order",
				       "order[%zu] must be {\"group\": a code, \"application_ids\": "
				       "an array of integers}", i);
		json_array_foreach(ids, k, v) {
			if (!json_is_integer(v))
				return invalid(err, "invalid_lottery_proof", "order",
					       "order[%zu].application_ids[%zu] must be an integer", i, k);
		}
	}
	return GZF_OK;
}

/* The first place where the proof's order differs from the draw's. */
static int
compare_orders(const struct lottery_list *l, const struct lottery_draw *d, const json_t *order,
	       struct gzf_err *err)
{
	const json_t *o, *ids;
	const char *code;
	size_t g, i, n;

	for (g = 0; g < l->ngroups; g++) {
		o = json_array_get(order, g);
		code = json_string_value(json_object_get(o, "group"));
		if (strcmp(code, d->order[g].code) != 0)
			return gzf_err_set(err, GZF_ECONFLICT, "order_mismatch", "order",
					   "order[%zu] is group %.40s, expected group %s", g, code,
					   d->order[g].code);
		ids = json_object_get(o, "application_ids");
		n = json_array_size(ids);
		for (i = 0; i < n && i < d->order[g].n; i++)
			if (json_integer_value(json_array_get(ids, i)) != d->order[g].ids[i])
				return gzf_err_set(err, GZF_ECONFLICT, "order_mismatch", "order",
						   "group %s position %zu: expected %lld, got %lld", code,
						   i + 1, (long long)d->order[g].ids[i],
						   (long long)json_integer_value(json_array_get(ids, i)));
		if (n != d->order[g].n)
			return gzf_err_set(err, GZF_ECONFLICT, "order_mismatch", "order",
					   "group %s: expected %zu applications, got %zu", code,
					   d->order[g].n, n);
	}
	return GZF_OK;
}

int
lottery_proof_verify(const json_t *proof, struct gzf_err *err)
{
	struct arena *a = arena_create();
	struct lottery_randomness r;
	struct lottery_draw d = { 0 };
	struct lottery_list l;
	const json_t *order = NULL;
	unsigned char seed[32];
	const char *claimed;
	int64_t drawn_at = 0;
	int rc;

	if ((rc = lottery_list_from_json(a, proof, proof_keys, &l, err)) != GZF_OK ||
	    (rc = read_proof(proof, &l, &r, &order, &drawn_at, err)) != GZF_OK)
		goto out;
	lottery_list_hash(&l, d.list_hash);
	claimed = json_string_value(json_object_get(proof, "list_hash"));
	if (strcmp(claimed, d.list_hash) != 0) {
		rc = gzf_err_set(err, GZF_ECONFLICT, "list_hash_mismatch", "list_hash",
				 "list hash mismatch: the proof says %s, the list gives %s", claimed,
				 d.list_hash);
		goto out;
	}
	if ((rc = timing_check(&l, drawn_at, GZF_ECONFLICT, err)) != GZF_OK ||
	    (rc = lottery_randomness_check(&l, &r, err)) != GZF_OK)
		goto out;
	lottery_seed(d.list_hash, &r, seed);
	hex_of(seed, sizeof(seed), d.seed);
	claimed = json_string_value(json_object_get(proof, "seed"));
	if (strcmp(claimed, d.seed) != 0) {
		rc = gzf_err_set(err, GZF_ECONFLICT, "seed_mismatch", "seed",
				 "seed mismatch: the proof says %s, the inputs give %s", claimed, d.seed);
		goto out;
	}
	draw_orders(a, &l, seed, &d);
	rc = compare_orders(&l, &d, order, err);
out:
	arena_destroy(a);
	return rc;
}
