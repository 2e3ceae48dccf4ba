/*
 * api.c — route registration and the helpers shared by the resource files.
 */
#include "api/api.h"

void
api_routes(struct router *r)
{
	api_system_routes(r);
	api_region_routes(r);
	api_client_error_routes(r);
	api_auth_routes(r);
	api_me_routes(r);
	api_staff_routes(r);
	api_resident_routes(r);
	api_audit_routes(r);
	api_media_routes(r);
	api_calendar_routes(r);
	api_eligibility_routes(r);
	api_application_routes(r);
	api_review_routes(r);
}

static void
release_conn(void *c)
{
	db_release(c);
}

int
api_db(struct http_req *req, struct db_conn **out)
{
	struct app *app = req->app;
	int rc;

	rc = db_acquire(app->db, req->arena, out, &req->err);
	if (rc == GZF_OK)
		http_req_after(req, release_conn, *out);
	return rc;
}

int
api_query_int(struct http_req *req, const char *name, int64_t min, int64_t max, int64_t def,
	      int64_t *out)
{
	const char *v = http_query(req, name);

	if (v == NULL || *v == '\0') {
		*out = def;
		return GZF_OK;
	}
	if (gzf_parse_int(v, min, max, out) != GZF_OK)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_parameter", name,
				   "%s must be a whole number from %lld to %lld", name,
				   (long long)min, (long long)max);
	return GZF_OK;
}

int
api_param_int(struct http_req *req, const char *name, int64_t *out)
{
	if (gzf_parse_int(http_param(req, name), 1, INT64_MAX, out) != GZF_OK)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "not_found", NULL,
				   "no such resource: %s", req->path);
	return GZF_OK;
}

int
api_field_string(struct http_req *req, json_t *obj, const char *name, int required,
		 size_t max_chars, const char **out)
{
	json_t *v = json_object_get(obj, name);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return gzf_err_set(&req->err, GZF_EINVAL, "required", name,
					   "%s is required", name);
		return GZF_OK;
	}
	if (!json_is_string(v))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_type", name,
				   "%s must be a string", name);
	if (gzf_utf8_chars(json_string_value(v)) > max_chars)
		return gzf_err_set(&req->err, GZF_EINVAL, "too_long", name,
				   "%s must be at most %zu characters", name, max_chars);
	if (required && json_string_length(v) == 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "required", name, "%s is required", name);
	*out = json_string_value(v);
	return GZF_OK;
}
