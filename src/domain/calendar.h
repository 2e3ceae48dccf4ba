/*
 * calendar.h — official working days per city, in China time (UTC+8): the State Council's
 * holidays and make-up working days (调休), national or overridden per city, and the
 * working-day deadlines of the review workflow (R17).
 */
#ifndef GZF_DOMAIN_CALENDAR_H
#define GZF_DOMAIN_CALENDAR_H

#include <stdint.h>

#include "core/gzf.h"
#include "store/db.h"

/* China Standard Time: the offset of local dates from UTC, in milliseconds. */
#define CALENDAR_TZ_MS (8LL * 3600 * 1000)

/* One calendar day in milliseconds. */
#define DAY_MS (24LL * 3600 * 1000)

/*
 * calendar_is_working_day — *yes = 1 when the local date yyyymmdd (20261001) is a working
 * day in city_id (0 = the national calendar; never negative): a Monday..Friday that is not a holiday, or
 * a make-up working day (调休). A city's own entry for a date overrides the national one.
 * GZF_EINVAL for an impossible date.
 */
int calendar_is_working_day(struct db_conn *c, int64_t city_id, int yyyymmdd, int *yes,
			    struct gzf_err *err);

/*
 * calendar_add_working_days — the deadline `days` working days after from_ms: the end
 * (23:59:59.999 +08:00) of the days-th working day after the local date of from_ms (the
 * day of from_ms itself never counts). days = 0 gives the end of the local day of from_ms.
 * GZF_EINVAL for days outside 0..1000.
 */
int calendar_add_working_days(struct db_conn *c, int64_t city_id, int64_t from_ms, int days,
			      int64_t *deadline_ms, struct gzf_err *err);

/*
 * calendar_working_days_between — the working days from from_ms to to_ms, counted on
 * local dates: the start day does not count, the end day does. 0 when to_ms is on or
 * before the local date of from_ms.
 */
int calendar_working_days_between(struct db_conn *c, int64_t city_id, int64_t from_ms,
				  int64_t to_ms, int *days, struct gzf_err *err);

/* The longest span calendar_span_load() reads: 1970..2099 and then some. */
#define CALENDAR_SPAN_MAX_DAYS 50000

/* The working days of a span of dates, read at once (calendar_span_load). */
struct calendar_span;

/*
 * calendar_span_load — the working days of city_id from the local date of from_ms to
 * that of to_ms, read in one query, so that calendar_span_days() counts any number of
 * intervals inside it without the database. The span lives in c's arena. GZF_EINVAL
 * when it is longer than CALENDAR_SPAN_MAX_DAYS.
 */
int calendar_span_load(struct db_conn *c, int64_t city_id, int64_t from_ms, int64_t to_ms,
		       struct calendar_span **out, struct gzf_err *err);

/* calendar_span_days — calendar_working_days_between() for an interval of span s (ends
 * outside it are moved to its edges). */
int calendar_span_days(const struct calendar_span *s, int64_t from_ms, int64_t to_ms);

/* calendar_local_date — the local (UTC+8) date of ms as yyyymmdd. */
int calendar_local_date(int64_t ms);

/* calendar_date_valid — 1 when yyyymmdd is a real Gregorian date in 1970..2099. */
int calendar_date_valid(int yyyymmdd);

/* calendar_day_number — *out = the days from 1970-01-01 to the date yyyymmdd (so the
 * difference of two is the calendar days between them). GZF_EINVAL unless
 * calendar_date_valid(yyyymmdd). */
int calendar_day_number(int yyyymmdd, int64_t *out);

#endif
