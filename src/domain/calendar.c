/*
 * calendar.c — working days and working-day deadlines. A local date (UTC+8) is a working
 * day when it is Monday..Friday and no special day says otherwise, or when a make-up day
 * (调休) makes a weekend day one. A city's own special day overrides the national one.
 * Dates are handled as day numbers since 1970-01-01 (civil-calendar arithmetic, no
 * time-zone database), special days are read a window at a time.
 */
#include "domain/calendar.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "store/calendar_store.h"

#define WINDOW_DAYS 120 /* special days read per query */

/* The working days of a span of dates: before[i] = working days among the span's
 * days 1..i (day 0, the first, never counts: intervals exclude their start). */
struct calendar_span {
	int64_t first, last; /* day numbers covered */
	int *before;
};

/* The special days of a window of dates, the city's taking precedence. */
struct window {
	int first, last;   /* day numbers covered */
	struct calendar_day *days;
	int n;
};

static int64_t days_from_civil(int y, int m, int d);
static int civil_from_days(int64_t z);
static int date_to_days(int yyyymmdd, int64_t *out);
static int64_t local_day(int64_t ms);
static int window_load(struct db_conn *c, int64_t city, int64_t first, struct window *w,
		       struct gzf_err *err);
static int window_working(struct db_conn *c, int64_t city, int64_t dn, struct window *w,
			  int *yes, struct gzf_err *err);
static int weekday_working(int64_t dn);

/* Howard Hinnant's days_from_civil: days since 1970-01-01 of a Gregorian date. */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse: the yyyymmdd of day number z. */
static int
civil_from_days(int64_t z)
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	return (int)(y * 10000 + m * 100 + d);
}

int
calendar_date_valid(int yyyymmdd)
{
	int y = yyyymmdd / 10000, m = yyyymmdd / 100 % 100, d = yyyymmdd % 100;

	if (y < 1970 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	return civil_from_days(days_from_civil(y, m, d)) == yyyymmdd;
}

static int
date_to_days(int yyyymmdd, int64_t *out)
{
	if (!calendar_date_valid(yyyymmdd))
		return GZF_EINVAL;
	*out = days_from_civil(yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100);
	return GZF_OK;
}

int
calendar_day_number(int yyyymmdd, int64_t *out)
{
	return date_to_days(yyyymmdd, out);
}

/* The local (UTC+8) day number of ms. */
static int64_t
local_day(int64_t ms)
{
	int64_t local = ms + CALENDAR_TZ_MS;

	return local >= 0 ? local / DAY_MS : -((-local + DAY_MS - 1) / DAY_MS);
}

int
calendar_local_date(int64_t ms)
{
	return civil_from_days(local_day(ms));
}

/* Read the special days of the WINDOW_DAYS days from day number first. */
static int
window_load(struct db_conn *c, int64_t city, int64_t first, struct window *w,
	    struct gzf_err *err)
{
	w->first = (int)first;
	w->last = (int)first + WINDOW_DAYS - 1;
	return calendar_store_range(c, city, civil_from_days(w->first), civil_from_days(w->last),
				    &w->days, &w->n, err);
}

/* Is day number dn a working day? Loads the window holding dn when needed. */
static int
window_working(struct db_conn *c, int64_t city, int64_t dn, struct window *w, int *yes,
	       struct gzf_err *err)
{
	int rc, i, date;

	if (w->days == NULL || dn < w->first || dn > w->last)
		if ((rc = window_load(c, city, dn, w, err)) != GZF_OK)
			return rc;
	date = civil_from_days(dn);
	*yes = weekday_working(dn);
	/* Rows are in date order with the city's first: the first match decides. */
	for (i = 0; i < w->n; i++)
		if (w->days[i].day == date) {
			*yes = strcmp(w->days[i].kind, "workday") == 0;
			break;
		}
	return GZF_OK;
}

/* Is day number dn Monday..Friday? 1970-01-01 (day 0) was a Thursday. */
static int
weekday_working(int64_t dn)
{
	return ((dn % 7) + 7 + 3) % 7 < 5;
}

int
calendar_is_working_day(struct db_conn *c, int64_t city, int yyyymmdd, int *yes,
			struct gzf_err *err)
{
	struct window w = { 0 };
	int64_t dn;

	assert(city >= 0);
	if (date_to_days(yyyymmdd, &dn) != GZF_OK)
		return gzf_err_set(err, GZF_EINVAL, "bad_date", "date",
				   "the date must be a real date written YYYYMMDD");
	return window_working(c, city, dn, &w, yes, err);
}

int
calendar_add_working_days(struct db_conn *c, int64_t city, int64_t from_ms, int days,
			  int64_t *deadline_ms, struct gzf_err *err)
{
	struct window w = { 0 };
	int64_t dn;
	int rc, yes, counted = 0;

	assert(city >= 0);
	if (days < 0 || days > 1000)
		return gzf_err_set(err, GZF_EINVAL, "bad_days", "days",
				   "days must be from 0 to 1000");
	dn = local_day(from_ms);
	while (counted < days) {
		dn++;
		if ((rc = window_working(c, city, dn, &w, &yes, err)) != GZF_OK)
			return rc;
		counted += yes;
	}
	/* The end of local day dn: the next local midnight minus 1 ms. */
	*deadline_ms = (dn + 1) * DAY_MS - CALENDAR_TZ_MS - 1;
	return GZF_OK;
}

int
calendar_working_days_between(struct db_conn *c, int64_t city, int64_t from_ms,
			      int64_t to_ms, int *days, struct gzf_err *err)
{
	struct calendar_span *span;
	int rc;

	*days = 0;
	if ((rc = calendar_span_load(c, city, from_ms, to_ms, &span, err)) != GZF_OK)
		return rc;
	*days = calendar_span_days(span, from_ms, to_ms);
	return GZF_OK;
}

int
calendar_span_load(struct db_conn *c, int64_t city, int64_t from_ms, int64_t to_ms,
		   struct calendar_span **out, struct gzf_err *err)
{
	struct calendar_span *s;
	struct calendar_day *special;
	int64_t dn;
	int rc, n, k = 0, i, yes;

	assert(city >= 0);
	s = arena_alloc(db_arena(c), sizeof(*s));
	s->first = local_day(from_ms);
	s->last = local_day(to_ms) > s->first ? local_day(to_ms) : s->first;
	if (s->last - s->first > CALENDAR_SPAN_MAX_DAYS)
		return gzf_err_set(err, GZF_EINVAL, "bad_span", NULL,
				   "working days are counted over at most %d days", CALENDAR_SPAN_MAX_DAYS);
	if ((rc = calendar_store_range(c, city, civil_from_days(s->first), civil_from_days(s->last),
				       &special, &n, err)) != GZF_OK)
		return rc;
	s->before = arena_alloc(db_arena(c), sizeof(int) * (size_t)(s->last - s->first + 1));
	for (dn = s->first + 1, i = 1; dn <= s->last; dn++, i++) {
		int date = civil_from_days(dn);

		/* Rows are in date order with the city's first: the first match decides. */
		while (k < n && special[k].day < date)
			k++;
		yes = k < n && special[k].day == date ? strcmp(special[k].kind, "workday") == 0
						      : weekday_working(dn);
		s->before[i] = s->before[i - 1] + yes;
	}
	*out = s;
	return GZF_OK;
}

int
calendar_span_days(const struct calendar_span *s, int64_t from_ms, int64_t to_ms)
{
	int64_t from = local_day(from_ms), to = local_day(to_ms);

	from = from < s->first ? s->first : from > s->last ? s->last : from;
	to = to < s->first ? s->first : to > s->last ? s->last : to;
	return to > from ? s->before[to - s->first] - s->before[from - s->first] : 0;
}
