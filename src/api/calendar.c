/*
 * calendar.c — the working-day calendar: the holidays and make-up working days a city
 * follows (public), their editing by the city's administrators (audited), and the
 * working-day deadline calculator the review workflow uses.
 */
#include "api/api.h"
#include "domain/calendar.h"
#include "store/calendar_store.h"
#include "store/region_store.h"

#include <stdio.h>
#include <string.h>

static int calendar_list(struct http_req *req);
static int calendar_day_put(struct http_req *req);
static int calendar_day_delete(struct http_req *req);
static int calendar_working_days(struct http_req *req);
static int parse_date(struct http_req *req, const char *s, const char *field, int *out);
static int edit_begin(struct http_req *req, struct db_conn **c, struct caller **who,
		      int *day, int64_t *city, struct region *scope, const char *action);
static json_t *day_json(const struct calendar_day *d);

void
api_calendar_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/calendar", calendar_list);
	router_add(r, "GET", "/api/v1/calendar/working-days", calendar_working_days);
	router_add(r, "PUT", "/api/v1/calendar/days/:date", calendar_day_put);
	router_add(r, "DELETE", "/api/v1/calendar/days/:date", calendar_day_delete);
}

/* A date written YYYY-MM-DD or YYYYMMDD into yyyymmdd; GZF_EINVAL (field) otherwise. */
static int
parse_date(struct http_req *req, const char *s, const char *field, int *out)
{
	char digits[9];
	int64_t v;
	size_t n = s ? strlen(s) : 0;

	if (n == 10 && s[4] == '-' && s[7] == '-')
		snprintf(digits, sizeof(digits), "%.4s%.2s%.2s", s, s + 5, s + 8);
	else if (n == 8)
		snprintf(digits, sizeof(digits), "%s", s);
	else
		digits[0] = '\0';
	if (gzf_parse_int(digits, 19700101, 20991231, &v) != GZF_OK || !calendar_date_valid((int)v))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_date", field,
				   "%s must be a real date written YYYY-MM-DD", field);
	*out = (int)v;
	return GZF_OK;
}

static json_t *
day_json(const struct calendar_day *d)
{
	char date[16];

	snprintf(date, sizeof(date), "%04d-%02d-%02d", d->day / 10000, d->day / 100 % 100,
		 d->day % 100);
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:I}", "date", date, "day", d->day, "kind", d->kind, "name", d->name,
			 "scope", d->city_id ? "city" : "national", "city_id", (json_int_t)d->city_id);
}

/* GET /api/v1/calendar?year=2026&city=230600 — the special days that apply in the city
 * (the city's own replacing the national ones), by date. */
static int
calendar_list(struct http_req *req)
{
	struct calendar_day *days;
	struct db_conn *c;
	int64_t year, city;
	json_t *items;
	int rc, n, i;

	if ((rc = api_query_int(req, "year", 1970, 2099, calendar_local_date(gzf_now_ms()) / 10000,
				&year)) != GZF_OK ||
	    (rc = api_query_int(req, "city", 0, 999999999999, 0, &city)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK)
		return rc;
	if ((rc = calendar_store_range(c, city, (int)year * 10000 + 101, (int)year * 10000 + 1231,
				       &days, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		if (i == 0 || days[i].day != days[i - 1].day) /* the city's row comes first */
			json_array_append_new(items, day_json(&days[i]));
	return http_reply_json(req, 200, json_pack("{s:I, s:I, s:o}", "year", (json_int_t)year,
						   "city_id", (json_int_t)city, "items", items));
}

/* What PUT and DELETE share: the date, the city (the body's or query's city_id, else the
 * caller's city), login, authorisation on the city. */
static int
edit_begin(struct http_req *req, struct db_conn **c, struct caller **who, int *day,
	   int64_t *city, struct region *scope, const char *action)
{
	struct object obj;
	int64_t q;
	int rc;

	if ((rc = parse_date(req, http_param(req, "date"), "date", day)) != GZF_OK ||
	    (rc = api_db(req, c)) != GZF_OK ||
	    (rc = api_login_required(req, *c, who)) != GZF_OK ||
	    (rc = api_query_int(req, "city", 0, 999999999999, -1, &q)) != GZF_OK)
		return rc;
	if (*city < 0)
		*city = q >= 0 ? q : (*who)->actor.city_id;
	if ((rc = api_city_scope(req, *c, *city, scope)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = scope->path };
	return api_authorize(req, *c, *who, ACT_CALENDAR_EDIT, &obj, action, "region", scope->code);
}

/* PUT /api/v1/calendar/days/:date {"kind":"holiday"|"workday","name","city_id"?} */
static int
calendar_day_put(struct http_req *req)
{
	struct calendar_day d = { 0 };
	struct region scope;
	struct caller *who;
	struct db_conn *c;
	const char *kind, *name;
	json_t *body, *jc;
	int64_t city = -1;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "kind", 1, 16, &kind)) != GZF_OK ||
	    (rc = api_field_string(req, body, "name", 1, 40, &name)) != GZF_OK)
		return rc;
	if (strcmp(kind, "holiday") != 0 && strcmp(kind, "workday") != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_kind", "kind",
				   "kind must be \"holiday\" or \"workday\"");
	if ((jc = json_object_get(body, "city_id")) != NULL && !json_is_null(jc)) {
		if (!json_is_integer(jc) || json_integer_value(jc) < 0)
			return gzf_err_set(&req->err, GZF_EINVAL, "bad_city", "city_id",
					   "city_id must be a city code (0 for the national calendar)");
		city = json_integer_value(jc);
	}
	if ((rc = edit_begin(req, &c, &who, &d.day, &city, &scope, "calendar.put")) != GZF_OK)
		return rc;
	d.city_id = city;
	d.kind = kind;
	d.name = name;
	d.updated_by = who->actor.user_id;
	d.updated_at = gzf_now_ms();
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = calendar_store_put(c, &d, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "calendar.put", "calendar_day", d.day, scope.code, "ok",
			    arena_printf(req->arena, "{\"city_id\":%lld,\"kind\":\"%s\"}",
					 (long long)city, kind))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "day", day_json(&d)));
}

/* DELETE /api/v1/calendar/days/:date?city=CODE — remove the city's (or with city=0 the
 * national) entry for the date; the date falls back to the national rule or the weekday. */
static int
calendar_day_delete(struct http_req *req)
{
	struct region scope;
	struct caller *who;
	struct db_conn *c;
	int64_t city = -1, removed = 0;
	int rc, day;

	if ((rc = edit_begin(req, &c, &who, &day, &city, &scope, "calendar.delete")) != GZF_OK)
		return rc;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = calendar_store_delete(c, city, day, &removed, &req->err)) != GZF_OK)
		return rc;
	if (removed == 0)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "not_found", "date",
				   "the calendar has no entry of its own for this date");
	if ((rc = api_audit(req, c, who, "calendar.delete", "calendar_day", day, scope.code, "ok",
			    arena_printf(req->arena, "{\"city_id\":%lld}", (long long)city))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:b}", "deleted", 1));
}

/* GET /api/v1/calendar/working-days?from=MS&days=N[&city=CODE] — the deadline N working
 * days after from (default now); with to=MS instead of days: the working days between. */
static int
calendar_working_days(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	char date_s[16];
	int64_t from, days, to, city, deadline;
	int rc, n, d;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_query_int(req, "from", 0, INT64_C(4102444800000), gzf_now_ms(), &from)) != GZF_OK ||
	    (rc = api_query_int(req, "days", 0, 1000, -1, &days)) != GZF_OK ||
	    (rc = api_query_int(req, "to", 0, INT64_C(4102444800000), -1, &to)) != GZF_OK ||
	    (rc = api_query_int(req, "city", 0, 999999999999, who->actor.city_id, &city)) != GZF_OK)
		return rc;
	if (to >= 0) {
		if ((rc = calendar_working_days_between(c, city, from, to, &n, &req->err)) != GZF_OK)
			return rc;
		return http_reply_json(req, 200, json_pack("{s:I, s:I, s:I, s:i}", "city_id",
							   (json_int_t)city, "from", (json_int_t)from,
							   "to", (json_int_t)to, "working_days", n));
	}
	if (days < 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "days",
				   "days (working days to add) or to (a time) is required");
	if ((rc = calendar_add_working_days(c, city, from, (int)days, &deadline, &req->err)) != GZF_OK)
		return rc;
	d = calendar_local_date(deadline);
	snprintf(date_s, sizeof(date_s), "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
	return http_reply_json(req, 200, json_pack("{s:I, s:I, s:I, s:I, s:s}", "city_id",
						   (json_int_t)city, "from", (json_int_t)from,
						   "days", (json_int_t)days, "deadline_ms",
						   (json_int_t)deadline, "deadline_date", date_s));
}
