/*
 * calendar_store.h — the rows of the working-day calendar (migration 010_calendar.sql):
 * holidays and make-up working days, national (city 0) or per city. The rules that use
 * them are in domain/calendar.c.
 */
#ifndef GZF_STORE_CALENDAR_STORE_H
#define GZF_STORE_CALENDAR_STORE_H

#include "store/db.h"

/* One special day. */
struct calendar_day {
	int64_t city_id;   /* 0: national */
	int day;           /* yyyymmdd */
	const char *kind;  /* "holiday" or "workday" */
	const char *name;
	int64_t updated_by;
	int64_t updated_at;
};

/* calendar_store_range — the special days from..to (yyyymmdd, inclusive) that apply in
 * city_id: its own rows and the national ones, in date order, the city's row first when
 * both exist for a date. An arena array of *n. */
int calendar_store_range(struct db_conn *c, int64_t city_id, int from, int to,
			 struct calendar_day **out, int *n, struct gzf_err *err);

/* calendar_store_put — set (insert or replace) the row of city_id for d->day. */
int calendar_store_put(struct db_conn *c, const struct calendar_day *d, struct gzf_err *err);

/* calendar_store_delete — remove the row of city_id for day; *removed = rows removed. */
int calendar_store_delete(struct db_conn *c, int64_t city_id, int day, int64_t *removed,
			  struct gzf_err *err);

#endif
