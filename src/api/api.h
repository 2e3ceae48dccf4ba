/*
 * api.h — the JSON API: the application context handlers receive, route registration,
 * and the small helpers every resource file uses. One file per resource
 * (system.c, region.c, ...); each has an api_<resource>_routes() function.
 */
#ifndef GZF_API_API_H
#define GZF_API_API_H

#include "core/config.h"
#include "http/http.h"
#include "http/router.h"
#include "store/db.h"

/* What every handler can reach through req->app. */
struct app {
	struct db *db;
	const struct config *cfg;
	const struct secrets *secrets;
	int64_t started_ms;
};

/* api_routes — register every resource's routes on r. */
void api_routes(struct router *r);

/*
 * api_db — a database connection for this request, acquired on first use and given
 * back as soon as the handler returns. Returns 0, or GZF_EUNAVAIL in req->err.
 */
int api_db(struct http_req *req, struct db_conn **out);

/*
 * api_query_int — the query parameter name as an integer in [min,max]; def when
 * absent. GZF_EINVAL in req->err (field = name) when present but not such a number.
 */
int api_query_int(struct http_req *req, const char *name, int64_t min, int64_t max,
		  int64_t def, int64_t *out);

/* api_param_int — the path parameter name as a positive integer; GZF_ENOTFOUND
 * when it is not one (a malformed id names no object). */
int api_param_int(struct http_req *req, const char *name, int64_t *out);

/*
 * api_field_string — the string member name of obj, at most max_chars characters
 * (not bytes). A missing or null member gives *out = NULL, or GZF_EINVAL
 * ("required") when required. Wrong type or length: GZF_EINVAL with field = name.
 */
int api_field_string(struct http_req *req, json_t *obj, const char *name, int required,
		     size_t max_chars, const char **out);

/* Resource route tables. */
void api_system_routes(struct router *r);
void api_region_routes(struct router *r);
void api_client_error_routes(struct router *r);

#endif
