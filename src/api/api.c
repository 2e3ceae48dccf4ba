/*
 * api.c — route registration and the helpers shared by the resource files.
 */
#include "api/api.h"
#include "store/region_store.h"

#include <string.h>

void
api_routes(struct router *r)
{
	api_system_routes(r);
	api_region_routes(r);
	api_client_error_routes(r);
	api_auth_routes(r);
	api_me_routes(r);
	api_dashboard_routes(r);
	api_staff_routes(r);
	api_resident_routes(r);
	api_audit_routes(r);
	api_housing_routes(r);
	api_listing_routes(r);
	api_housing_io_routes(r);
	api_media_routes(r);
	api_calendar_routes(r);
	api_eligibility_routes(r);
	api_application_routes(r);
	api_review_routes(r);
	api_content_routes(r);
	api_queue_routes(r);
	api_bank_routes(r);
	api_bill_routes(r);
	api_payment_routes(r);
	api_refund_routes(r);
	api_allocation_routes(r);
	api_selection_routes(r);
	api_recon_routes(r);
	api_subsidy_routes(r);
	api_lease_routes(r);
}

/* A request's database connection, and what its reply waits for. */
struct req_conn {
	struct http_req *req;
	struct db_conn *c;
	uint64_t seq;           /* the last commit the request may have written or read */
	int lost;               /* a commit of the request's was undone with its group */
	struct req_conn *more;  /* the request's other connections (on the first) */
	struct db_waiter wait;
};

/* The commits are durable (rc 0) or not; the request's reply says whether all it
 * committed is, or fails with GZF_EUNAVAIL. */
static void
resume_reply(void *arg, int rc)
{
	struct req_conn *rq = arg, *o;

	for (o = rq; rc == GZF_OK && o != NULL; o = o->more)
		if (db_commit_lost(o->c))
			rc = GZF_EUNAVAIL;
	http_req_resume(rq->req, rc);
}

/* The reply's hold: until the commits the request wrote or read are durable. */
static int
hold_reply(void *data, struct http_req *req)
{
	struct req_conn *rq = data;

	if (rq->lost) {
		http_req_resume(req, GZF_EUNAVAIL);
		return 1;
	}
	if (rq->seq == 0 ||
	    db_durable_then(db_conn_db(rq->c), rq->seq, &rq->wait, resume_reply, rq) == 0)
		resume_reply(rq, GZF_OK);
	return 1;
}

/* The connection goes back as soon as the handler returns; the reply waits for the
 * disk with the connection parked, not the thread (db_defer). */
static void
release_conn(void *data)
{
	struct req_conn *rq = data, *first = rq->req->hold_data;
	uint64_t seq;
	int lost = db_release_deferred(rq->c, &seq) != GZF_OK;

	if (seq == 0 && !lost)
		return;
	if (first != NULL) { /* a second connection of the same request: one wait for all */
		if (first->seq < seq)
			first->seq = seq;
		first->lost |= lost;
		rq->more = first->more;
		first->more = rq;
		return;
	}
	rq->seq = seq;
	rq->lost = lost;
	http_req_hold(rq->req, hold_reply, rq);
}

int
api_site_url(struct http_req *req, const char **out)
{
	const char *host = http_header(req, "Host");
	size_t n;

	if (host == NULL || (n = strlen(host)) == 0 || n > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != n)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_host", "Host", "the Host header is not valid");
	*out = arena_printf(req->arena, "%s://%s",
			    ((struct service *)req->service)->cfg->cookie_secure ? "https" : "http", host);
	return GZF_OK;
}

int
api_finance_city(struct http_req *req, struct db_conn **c, const char *audit, struct region *city)
{
	struct caller *who;
	struct object obj;
	int rc;

	if ((rc = api_db(req, c)) != GZF_OK || (rc = api_login_required(req, *c, &who)) != GZF_OK ||
	    (rc = api_city_scope(req, *c, who->actor.city_id, city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city->path };
	return api_authorize(req, *c, who, ACT_FINANCE_READ, &obj, audit, "region", city->code);
}

int
api_db(struct http_req *req, struct db_conn **out)
{
	struct service *svc = req->service;
	struct req_conn *rq;
	int rc;

	rc = db_acquire(svc->db, req->arena, out, &req->err);
	if (rc != GZF_OK)
		return rc;
	db_defer(*out);
	rq = arena_alloc(req->arena, sizeof(*rq));
	rq->req = req;
	rq->c = *out;
	http_req_after(req, release_conn, rq);
	/* A GET reads: its statements share one snapshot (a write ends it). */
	if (strcmp(req->method, "GET") == 0)
		rc = db_read_begin(*out, &req->err);
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

int
api_field_int(struct http_req *req, json_t *body, const char *name, int required, int64_t min,
	      int64_t max, int64_t *out)
{
	json_t *v = json_object_get(body, name);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return gzf_err_set(&req->err, GZF_EINVAL, "required", name, "%s is required", name);
		return GZF_OK;
	}
	if (!json_is_integer(v) && min == INT64_MIN && max == INT64_MAX)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", name, "%s must be a whole number", name);
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", name,
				   "%s must be a whole number from %lld to %lld", name,
				   (long long)min, (long long)max);
	*out = json_integer_value(v);
	return GZF_OK;
}

int
api_query_region(struct http_req *req, struct db_conn *c, const struct caller *who,
		 struct region *out)
{
	int64_t code;
	int rc;

	if ((rc = api_query_int(req, "region", 1, 999999999999, who->actor.region_code, &code)) != GZF_OK)
		return rc;
	rc = region_store_get(c, code, out, &req->err);
	if (rc == GZF_ENOTFOUND)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_region", "region",
				   "no region with code %lld", (long long)code);
	return rc;
}

int
api_read_choice(struct http_req *req, const char *name, const char *const *choices,
		const char **out)
{
	json_t *body;
	int rc, i;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, name, 1, 32, out)) != GZF_OK)
		return rc;
	for (i = 0; choices[i] != NULL; i++)
		if (strcmp(*out, choices[i]) == 0)
			return GZF_OK;
	return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", name, "%s must be one of: %s%s%s%s%s",
			   name, choices[0], choices[1] ? ", " : "", choices[1] ? choices[1] : "",
			   choices[1] && choices[2] ? ", " : "", choices[1] && choices[2] ? choices[2] : "");
}

int
api_reply_revealed(struct http_req *req, struct db_conn *c, const struct caller *who,
		   const char *action, const char *object_type, int64_t object_id,
		   int64_t object_region, const char *field, const char *sealed)
{
	return api_reply_value(req, c, who, action, object_type, object_id, object_region, field,
			       api_unseal(req, sealed));
}

int
api_reply_value(struct http_req *req, struct db_conn *c, const struct caller *who,
		const char *action, const char *object_type, int64_t object_id,
		int64_t object_region, const char *field, const char *value)
{
	int rc;

	if ((rc = api_audit_alone(req, c, who, action, object_type, object_id, object_region, "ok",
				  arena_printf(req->arena, "{\"field\":\"%s\"}", field))) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:s, s:s?}", "field", field, "value", value));
}

int
api_city_scope(struct http_req *req, struct db_conn *c, int64_t city, struct region *out)
{
	struct region *roots;
	int rc, n;

	if (city == 0) {
		if ((rc = region_store_children(c, 0, &roots, &n, &req->err)) != GZF_OK)
			return rc;
		if (n == 0)
			return gzf_err_set(&req->err, GZF_ENOTFOUND, "not_found", "city_id",
					   "the region tree is empty");
		*out = roots[0];
		return GZF_OK;
	}
	rc = region_store_get(c, city, out, &req->err);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && strcmp(out->level, "city") != 0))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_city", "city_id",
				   "city_id must be the code of a city (0 for the whole nation)");
	return rc;
}

int
api_param_city(struct http_req *req, struct db_conn *c, struct region *city)
{
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "city", &id)) != GZF_OK)
		return rc;
	rc = region_store_get(c, id, city, &req->err);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && strcmp(city->level, "city") != 0))
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "not_found", NULL, "no such city");
	return rc;
}

int
api_city_setting_reply(struct http_req *req, const struct api_city_setting *set)
{
	struct region city;
	struct db_conn *c;
	json_t *value;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_param_city(req, c, &city)) != GZF_OK ||
	    (rc = set->get(c, city.code, &value, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:I, s:o}", "city_id", (json_int_t)city.code,
						   set->member, value));
}

int
api_city_setting_read(struct http_req *req, const struct api_city_setting *set,
		      struct db_conn **c, struct caller **who, struct region *city,
		      json_t **value, const char **text)
{
	struct object obj;
	json_t *body;
	char *dump;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK || (rc = api_db(req, c)) != GZF_OK ||
	    (rc = api_login_required(req, *c, who)) != GZF_OK ||
	    (rc = api_param_city(req, *c, city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city->path };
	if ((rc = api_authorize(req, *c, *who, set->act, &obj, set->audit, "region",
				city->code)) != GZF_OK)
		return rc;
	if ((*value = json_object_get(body, set->member)) == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "required", set->member, "%s is required",
				   set->member);
	if ((rc = set->check(*value, &req->err)) != GZF_OK)
		return rc;
	dump = json_dumps(*value, JSON_COMPACT | JSON_SORT_KEYS);
	arena_cleanup_add(req->arena, free, dump);
	*text = dump;
	return GZF_OK;
}
