/*
 * housing.c — what one unit may hold, status transitions and the parsing of housing
 * figures.
 */
#include "domain/housing.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = {
	"vacant", "reserved", "allocated", "occupied", "under_repair", "withdrawn",
};

/* from → the statuses it may go to, space-separated. */
static const struct {
	const char *from;
	const char *to;
} transitions[] = {
	{ "vacant", "reserved under_repair withdrawn" },
	{ "reserved", "vacant allocated" },
	{ "allocated", "occupied vacant" },
	{ "occupied", "vacant under_repair" },
	{ "under_repair", "vacant withdrawn" },
	{ "withdrawn", "vacant under_repair" },
};

static int word_in(const char *words, const char *w);
static void text_rule(struct gzf_err *why, const char *field, const char *s, int required,
		      size_t max_chars);
static void figure_rule(struct gzf_err *why, const char *field, int64_t v, int64_t min,
			int64_t max);

static int
word_in(const char *words, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	if (n == 0)
		return 0;
	for (p = strstr(words, w); p != NULL; p = strstr(p + 1, w))
		if ((p == words || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

int
housing_status_valid(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(s, statuses[i]) == 0)
			return 1;
	return 0;
}

int
housing_transition_ok(const char *from, const char *to)
{
	size_t i;

	if (!housing_status_valid(from) || !housing_status_valid(to))
		return 0;
	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (strcmp(transitions[i].from, from) == 0)
			return word_in(transitions[i].to, to);
	return 0;
}

int
housing_parse_hundredths(const char *s, int64_t max, int64_t *out)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, places = 0;

	if (s == NULL || *s == '\0')
		return GZF_EINVAL;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		whole = whole * 10 + (*s - '0');
		if (whole > max)
			return GZF_EINVAL;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (places == 2) {
				if (*s != '0')
					return GZF_EINVAL;
				continue;
			}
			frac = frac * 10 + (*s - '0');
			places++;
		}
		if (places == 0)
			return GZF_EINVAL;
	}
	if (*s != '\0' || digits == 0)
		return GZF_EINVAL;
	if (places == 1)
		frac *= 10;
	if (whole * 100 + frac > max)
		return GZF_EINVAL;
	*out = whole * 100 + frac;
	return GZF_OK;
}

int
housing_parse_micro(const char *s, int64_t max_degrees, int64_t *out)
{
	int64_t whole = 0, frac = 0;
	int neg = 0, digits = 0, places = 0;

	if (s == NULL)
		return GZF_EINVAL;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if ((whole = whole * 10 + (*s - '0')) > max_degrees)
			return GZF_EINVAL;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (places < 6) {
				frac = frac * 10 + (*s - '0');
				places++;
			}
	if (*s != '\0' || digits == 0)
		return GZF_EINVAL;
	for (; places < 6; places++)
		frac *= 10;
	if (whole * 1000000 + frac > max_degrees * 1000000)
		return GZF_EINVAL;
	*out = (neg ? -1 : 1) * (whole * 1000000 + frac);
	return GZF_OK;
}

int
housing_parse_flag(const char *s, int *out)
{
	static const char *const yes[] = { "1", "是", "yes", "Yes", "YES", "true", "TRUE", "y", "Y",
					   "有", "精装", "精装修", "全装修", "已装修", "装修" };
	static const char *const no[] = { "0", "否", "no", "No", "NO", "false", "FALSE", "n", "N",
					  "无", "毛坯", "简装", "未装修" };
	size_t i;

	for (i = 0; s != NULL && i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcmp(s, yes[i]) == 0) {
			*out = 1;
			return GZF_OK;
		}
	for (i = 0; s != NULL && i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(s, no[i]) == 0) {
			*out = 0;
			return GZF_OK;
		}
	return GZF_EINVAL;
}

int64_t
housing_district_of(const char *path)
{
	const char *p = path;
	int i;

	/* nation / province / city / district */
	for (i = 0; p != NULL && i < 3; i++) {
		p = strchr(p + 1, '/');
		if (p == NULL || p[1] == '\0')
			return 0;
	}
	return p != NULL ? strtoll(p + 1, NULL, 10) : 0;
}

int
housing_layout_valid(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return 0;
	n = gzf_utf8_chars(s);
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return n <= 16;
}

/* A text attribute: empty (when required) or too long is written to why. */
static void
text_rule(struct gzf_err *why, const char *field, const char *s, int required, size_t max_chars)
{
	if (required && (s == NULL || *s == '\0'))
		gzf_err_set(why, GZF_EINVAL, "required", field, "%s is required", field);
	else if (s != NULL && gzf_utf8_chars(s) > max_chars)
		gzf_err_set(why, GZF_EINVAL, "too_long", field, "%s must be at most %zu characters",
			    field, max_chars);
}

/* A figure: outside [min, max] is written to why. */
static void
figure_rule(struct gzf_err *why, const char *field, int64_t v, int64_t min, int64_t max)
{
	if (v < min || v > max)
		gzf_err_set(why, GZF_EINVAL, "invalid_value", field,
			    "%s must be a whole number from %lld to %lld", field, (long long)min,
			    (long long)max);
}

int
housing_unit_check(const struct unit *u, unsigned *bad, struct gzf_err *err)
{
	struct gzf_err why[UNIT_FIELD_COUNT];
	unsigned set = 0;
	int f, first = 0;

	assert(u != NULL);
	memset(why, 0, sizeof(why));
	text_rule(&why[UNIT_NO], "unit_no", u->unit_no, 1, HOUSING_UNIT_NO_CHARS);
	text_rule(&why[UNIT_LAYOUT], "layout", u->layout, 1, HOUSING_LAYOUT_CHARS);
	if (why[UNIT_LAYOUT].code == GZF_OK && !housing_layout_valid(u->layout))
		gzf_err_set(&why[UNIT_LAYOUT], GZF_EINVAL, "invalid_value", "layout", "layout is not valid");
	text_rule(&why[UNIT_ORIENTATION], "orientation", u->orientation, 0, HOUSING_ORIENTATION_CHARS);
	figure_rule(&why[UNIT_FLOOR_AREA], "floor_area_dm2", u->floor_area_dm2, HOUSING_AREA_MIN_DM2,
		    HOUSING_AREA_MAX_DM2);
	figure_rule(&why[UNIT_USABLE_AREA], "usable_area_dm2", u->usable_area_dm2, HOUSING_AREA_MIN_DM2,
		    HOUSING_AREA_MAX_DM2);
	/* Compared only when both areas are good: a bad floor area is its own problem. */
	if (why[UNIT_FLOOR_AREA].code == GZF_OK && why[UNIT_USABLE_AREA].code == GZF_OK &&
	    u->usable_area_dm2 > u->floor_area_dm2)
		gzf_err_set(&why[UNIT_USABLE_AREA], GZF_EINVAL, "invalid_value", "usable_area_dm2",
			    "the usable area cannot exceed the floor area");
	figure_rule(&why[UNIT_FLOOR], "floor", u->floor, HOUSING_FLOOR_MIN, HOUSING_FLOOR_MAX);
	figure_rule(&why[UNIT_RENT], "rent_fen", u->rent_fen, 0, HOUSING_RENT_MAX_FEN);
	for (f = UNIT_FIELD_COUNT - 1; f >= 0; f--)
		if (why[f].code != GZF_OK) {
			set |= 1u << f;
			first = f;
		}
	if (bad != NULL)
		*bad = set;
	if (set == 0)
		return GZF_OK;
	if (err != NULL)
		*err = why[first];
	return GZF_EINVAL;
}
