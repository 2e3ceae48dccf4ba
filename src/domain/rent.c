/*
 * rent.c — the money rules of rent: a month's lines, proration, deposit, late fees and the
 * city's configuration (rent.h; docs/design/rent.md states the same rules for people).
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/housing.h"
#include "domain/rent.h"
#include "domain/rules_json.h"

static int days_in_month(int y, int m);
static int parse_date(const json_t *v, int *out);
static int parse_reduction(const json_t *r, const char *path, struct rent_reduction *out,
			   struct gzf_err *err);
static int parse_version(const json_t *v, const char *path, struct rent_version *out,
			 struct gzf_err *err);
static int parse_late(const json_t *l, struct rent_late_rule *out, struct gzf_err *err);

static const char *const config_members[] = { "deposit_months", "versions", "late_fee", NULL };
static const char *const version_members[] = { "effective", "fen_per_m2", "reductions", NULL };
static const char *const reduction_members[] = { "category", "income_band", "kind", "bp", "fen",
						 NULL };
static const char *const late_members[] = { "bp_per_day", "grace_days", "cap_bp", "cap_fen",
					    "basis", NULL };

int64_t
rent_round_div(int64_t n, int64_t d)
{
	assert(n >= 0 && d > 0);
	return n / d + (n % d >= d - n % d);
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return days[m - 1] + (m == 2 && leap);
}

int
rent_version_in_force(const struct rent_config *cfg, int day)
{
	int i;

	for (i = cfg->nversions - 1; i >= 0; i--)
		if (cfg->versions[i].effective <= day)
			return i;
	return -1;
}

/* 1 when the household h is one reduction r is for. */
static int
reduction_matches(const struct rent_reduction *r, const struct rent_household *h)
{
	if (r->category[0] != '\0' && (h->category == NULL || strcmp(r->category, h->category) != 0))
		return 0;
	return r->income_band == 0 || r->income_band == h->income_band;
}

int
rent_month(const struct rent_config *cfg, int month, int64_t area_dm2,
	   const struct rent_household *h, struct rent_lines *out, struct gzf_err *err)
{
	const struct rent_version *v;
	const struct rent_reduction *r;
	int64_t rent, reduction = 0;
	int i, vi;

	if (!calendar_date_valid(month * 100 + 1))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "month",
				   "the month must be yyyymm from 197001 to 209912");
	if (area_dm2 < HOUSING_AREA_MIN_DM2 || area_dm2 > HOUSING_AREA_MAX_DM2)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "area_dm2",
				   "the area must be %d to %d hundredths of a m²",
				   HOUSING_AREA_MIN_DM2, HOUSING_AREA_MAX_DM2);
	vi = rent_version_in_force(cfg, month * 100 + 1);
	if (vi < 0)
		return gzf_err_set(err, GZF_EINVAL, "no_rule_in_force", "month",
				   "no rent rule is in force on %d-%02d-01", month / 100, month % 100);
	v = &cfg->versions[vi];
	assert(v->fen_per_m2 >= 1 && v->fen_per_m2 <= RENT_FEN_PER_M2_MAX);
	rent = rent_round_div(area_dm2 * v->fen_per_m2, 100);
	for (i = 0; i < v->nreductions; i++) {
		r = &v->reductions[i];
		if (!reduction_matches(r, h))
			continue;
		if (r->kind == RENT_REDUCE_PERCENT)
			reduction = rent_round_div(rent * r->value, 10000);
		else if (r->kind == RENT_REDUCE_FIXED)
			reduction = r->value < rent ? r->value : rent;
		else
			reduction = rent;
		break;
	}
	assert(reduction >= 0 && reduction <= rent);
	out->version = vi;
	out->rent_fen = rent;
	out->reduction_fen = reduction;
	out->due_fen = rent - reduction;
	return GZF_OK;
}

int
rent_prorate(const struct rent_lines *full, int first, int last, struct rent_lines *out,
	     struct gzf_err *err)
{
	int64_t days, month_days;

	if (!calendar_date_valid(first) || !calendar_date_valid(last) || first / 100 != last / 100 ||
	    first > last)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "days",
				   "a partial month runs from one day to a later or the same day of that month");
	assert(full->reduction_fen >= 0 && full->reduction_fen <= full->rent_fen &&
	       full->rent_fen <= RENT_AMOUNT_MAX_FEN);
	days = last % 100 - first % 100 + 1;
	month_days = days_in_month(first / 10000, first / 100 % 100);
	*out = *full;
	out->rent_fen = rent_round_div(full->rent_fen * days, month_days);
	out->reduction_fen = rent_round_div(full->reduction_fen * days, month_days);
	out->due_fen = out->rent_fen - out->reduction_fen;
	assert(out->due_fen >= 0);
	return GZF_OK;
}

int64_t
rent_deposit(const struct rent_config *cfg, int64_t monthly_due_fen)
{
	assert(monthly_due_fen >= 0 && monthly_due_fen <= RENT_AMOUNT_MAX_FEN);
	assert(cfg->deposit_months >= 0 && cfg->deposit_months <= RENT_DEPOSIT_MONTHS_MAX);
	return cfg->deposit_months * monthly_due_fen;
}

int
rent_late_fee(const struct rent_late_rule *rule, int64_t principal_fen, int due, int on,
	      int64_t *fee_fen, struct gzf_err *err)
{
	int64_t d_due, d_on, charged, fee, cap;

	if (calendar_day_number(due, &d_due) != GZF_OK || calendar_day_number(on, &d_on) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "date",
				   "the due date and the day counted to must be dates of 1970..2099");
	if (principal_fen < 0 || principal_fen > RENT_AMOUNT_MAX_FEN)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "principal_fen",
				   "the principal must be 0 to %lld fen", RENT_AMOUNT_MAX_FEN);
	assert(rule->bp_per_day >= 0 && rule->bp_per_day <= RENT_LATE_BP_PER_DAY_MAX &&
	       rule->grace_days >= 0 && rule->cap_bp >= 0 && rule->cap_bp <= 10000 &&
	       rule->cap_fen >= 0);
	charged = d_on - d_due - rule->grace_days;
	if (charged <= 0 || rule->bp_per_day == 0) {
		*fee_fen = 0;
		return GZF_OK;
	}
	/* Bounds keep this in an int64_t: 10^12 × 100 × 47,846 days < 4.8 × 10^18. */
	fee = principal_fen * rule->bp_per_day * charged / 10000;
	cap = principal_fen * rule->cap_bp / 10000;
	if (fee > cap)
		fee = cap;
	if (rule->cap_fen > 0 && fee > rule->cap_fen)
		fee = rule->cap_fen;
	*fee_fen = fee;
	return GZF_OK;
}

/* A date written "yyyy-mm-dd" as yyyymmdd. 0 or GZF_EINVAL. */
static int
parse_date(const json_t *v, int *out)
{
	const char *s = json_string_value(v);
	int i, date = 0;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return GZF_EINVAL;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return GZF_EINVAL;
		date = date * 10 + (s[i] - '0');
	}
	if (!calendar_date_valid(date))
		return GZF_EINVAL;
	*out = date;
	return GZF_OK;
}

/* A category code: 1 to RENT_CATEGORY_CHARS of a-z, 0-9, _. */
static int
category_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > RENT_CATEGORY_CHARS)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int
parse_reduction(const json_t *r, const char *path, struct rent_reduction *out, struct gzf_err *err)
{
	const json_t *cat = json_object_get(r, "category");
	const char *kind = json_string_value(json_object_get(r, "kind")), *bad = NULL;
	int64_t band, value;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(r))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path, "a reduction is an object");
	if (!rules_json_only(r, reduction_members, &bad))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path, "unknown member %s", bad);
	if (cat != NULL && (!json_is_string(cat) || !category_ok(json_string_value(cat))))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path,
				   "category is a code of 1 to %d characters a-z, 0-9, _", RENT_CATEGORY_CHARS);
	if (cat != NULL)
		snprintf(out->category, sizeof(out->category), "%s", json_string_value(cat));
	if (rules_json_int(r, "income_band", 0, 0, RENT_INCOME_BAND_MAX, &band) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path,
				   "income_band is 1 to %d (0 or absent: any)", RENT_INCOME_BAND_MAX);
	out->income_band = (int)band;
	if (kind != NULL && strcmp(kind, "percent") == 0) {
		out->kind = RENT_REDUCE_PERCENT;
		if (json_object_get(r, "fen") != NULL || rules_json_int(r, "bp", 1, 1, 10000, &value) != GZF_OK)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", path,
					   "a percent reduction has bp, 1 to 10000 basis points, and no fen");
	} else if (kind != NULL && strcmp(kind, "fixed") == 0) {
		out->kind = RENT_REDUCE_FIXED;
		if (json_object_get(r, "bp") != NULL ||
		    rules_json_int(r, "fen", 1, 1, HOUSING_RENT_MAX_FEN, &value) != GZF_OK)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", path,
					   "a fixed reduction has fen, 1 to %d, and no bp", HOUSING_RENT_MAX_FEN);
	} else if (kind != NULL && strcmp(kind, "waive") == 0) {
		out->kind = RENT_REDUCE_WAIVE;
		value = 0;
		if (json_object_get(r, "bp") != NULL || json_object_get(r, "fen") != NULL)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", path,
					   "a waiver has neither bp nor fen");
	} else {
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path,
				   "kind is percent, fixed or waive");
	}
	out->value = value;
	return GZF_OK;
}

static int
parse_version(const json_t *v, const char *path, struct rent_version *out, struct gzf_err *err)
{
	const json_t *reds = json_object_get(v, "reductions"), *r;
	const char *bad = NULL;
	char sub[96];
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(v))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path, "a version is an object");
	if (!rules_json_only(v, version_members, &bad))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", path, "unknown member %s", bad);
	snprintf(sub, sizeof(sub), "%s.effective", path);
	if (parse_date(json_object_get(v, "effective"), &out->effective) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", sub,
				   "effective is a date yyyy-mm-dd of 1970..2099");
	snprintf(sub, sizeof(sub), "%s.fen_per_m2", path);
	if (rules_json_int(v, "fen_per_m2", 1, 1, RENT_FEN_PER_M2_MAX, &out->fen_per_m2) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", sub,
				   "fen_per_m2 is the monthly rent of a m², 1 to %d fen", RENT_FEN_PER_M2_MAX);
	snprintf(sub, sizeof(sub), "%s.reductions", path);
	if (reds != NULL && !json_is_array(reds))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", sub, "reductions is a list");
	if (json_array_size(reds) > RENT_REDUCTIONS_MAX)
		return gzf_err_set(err, GZF_EINVAL, "too_many", sub, "at most %d reductions",
				   RENT_REDUCTIONS_MAX);
	json_array_foreach(reds, i, r) {
		snprintf(sub, sizeof(sub), "%s.reductions[%zu]", path, i);
		rc = parse_reduction(r, sub, &out->reductions[i], err);
		if (rc != GZF_OK)
			return rc;
	}
	out->nreductions = (int)json_array_size(reds);
	return GZF_OK;
}

static int
parse_late(const json_t *l, struct rent_late_rule *out, struct gzf_err *err)
{
	const json_t *basis = json_object_get(l, "basis");
	const char *bad = NULL;
	int64_t grace;

	memset(out, 0, sizeof(*out));
	if (l == NULL || json_is_null(l)) {
		out->cap_bp = 10000;
		return GZF_OK;
	}
	if (!json_is_object(l))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "late_fee", "late_fee is an object");
	if (!rules_json_only(l, late_members, &bad))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "late_fee", "unknown member %s", bad);
	if (rules_json_int(l, "bp_per_day", 1, 0, RENT_LATE_BP_PER_DAY_MAX, &out->bp_per_day) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "late_fee.bp_per_day",
				   "bp_per_day is 0 to %d basis points of the principal a day",
				   RENT_LATE_BP_PER_DAY_MAX);
	if (rules_json_int(l, "grace_days", 0, 0, RENT_GRACE_DAYS_MAX, &grace) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "late_fee.grace_days",
				   "grace_days is 0 to %d", RENT_GRACE_DAYS_MAX);
	out->grace_days = (int)grace;
	if (rules_json_int(l, "cap_bp", 1, 0, 10000, &out->cap_bp) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "late_fee.cap_bp",
				   "cap_bp is 0 to 10000 basis points of the principal");
	if (rules_json_int(l, "cap_fen", 0, 0, RENT_AMOUNT_MAX_FEN, &out->cap_fen) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "late_fee.cap_fen",
				   "cap_fen is 0 to %lld fen, or null for none", RENT_AMOUNT_MAX_FEN);
	if (basis != NULL && !json_is_null(basis) && !json_is_string(basis))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "late_fee.basis", "basis is text");
	if (json_is_string(basis) && gzf_utf8_chars(json_string_value(basis)) > RENT_BASIS_CHARS)
		return gzf_err_set(err, GZF_EINVAL, "too_long", "late_fee.basis",
				   "basis is at most %d characters", RENT_BASIS_CHARS);
	if (json_is_string(basis))
		snprintf(out->basis, sizeof(out->basis), "%s", json_string_value(basis));
	if (out->bp_per_day > 0 && out->basis[0] == '\0')
		return gzf_err_set(err, GZF_EINVAL, "basis_required", "late_fee.basis",
				   "a late fee needs the legal basis shown to the tenant");
	return GZF_OK;
}

int
rent_config_parse(const json_t *j, struct rent_config *cfg, struct gzf_err *err)
{
	const json_t *versions = json_object_get(j, "versions"), *v;
	const char *bad = NULL;
	int64_t months;
	char path[32];
	size_t i;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (!json_is_object(j))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "", "the rent rules are an object");
	if (!rules_json_only(j, config_members, &bad))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", bad, "unknown member %s", bad);
	if (rules_json_int(j, "deposit_months", 0, 0, RENT_DEPOSIT_MONTHS_MAX, &months) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "deposit_months",
				   "deposit_months is 0 to %d", RENT_DEPOSIT_MONTHS_MAX);
	cfg->deposit_months = (int)months;
	if (!json_is_array(versions) || json_array_size(versions) == 0)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "versions",
				   "versions lists at least one rule version");
	if (json_array_size(versions) > RENT_VERSIONS_MAX)
		return gzf_err_set(err, GZF_EINVAL, "too_many", "versions", "at most %d versions",
				   RENT_VERSIONS_MAX);
	json_array_foreach(versions, i, v) {
		snprintf(path, sizeof(path), "versions[%zu]", i);
		rc = parse_version(v, path, &cfg->versions[i], err);
		if (rc != GZF_OK)
			return rc;
		if (i > 0 && cfg->versions[i].effective <= cfg->versions[i - 1].effective)
			return gzf_err_set(err, GZF_EINVAL, "not_increasing", path,
					   "versions are listed by effective date, each later than the one before");
	}
	cfg->nversions = (int)json_array_size(versions);
	return parse_late(json_object_get(j, "late_fee"), &cfg->late, err);
}

int
rent_config_change_check(const struct rent_config *old, const struct rent_config *new_cfg,
			 int billed_through, struct gzf_err *err)
{
	int day = billed_through * 100 + 1;
	int n_old = rent_version_in_force(old, day) + 1, n_new = rent_version_in_force(new_cfg, day) + 1;

	if (billed_through == 0)
		return GZF_OK;
	/* rent_config_parse() zeroes every version before filling it, so equal figures
	 * compare equal byte for byte. */
	if (n_old != n_new ||
	    memcmp(old->versions, new_cfg->versions, (size_t)n_old * sizeof(old->versions[0])) != 0)
		return gzf_err_set(err, GZF_EINVAL, "rewrites_billed_month", "versions",
				   "months up to %d-%02d are billed: the versions in force then cannot change",
				   billed_through / 100, billed_through % 100);
	return GZF_OK;
}
