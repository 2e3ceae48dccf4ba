/*
 * housing.c — the housing stock as staff manage it: estates, their buildings and units,
 * a unit's status (only legal changes, each audited) and the publication of listings.
 * Every object is authorised by the region of its estate.
 */
#include "api/api.h"
#include "api/housing.h"
#include "domain/housing.h"
#include "store/media_store.h"
#include "store/region_store.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static int estates_list(struct http_req *req);
static int estate_create(struct http_req *req);
static int estate_get(struct http_req *req);
static int estate_patch(struct http_req *req);
static int estate_fields(struct http_req *req, json_t *body, struct estate *e);
static int publish_photos(struct http_req *req, struct db_conn *c, struct caller *who,
			  const struct estate *e, int apply);
static int estate_publish(struct http_req *req);
static int building_create(struct http_req *req);
static int units_list(struct http_req *req);
static int unit_create(struct http_req *req);
static int unit_get(struct http_req *req);
static int unit_status(struct http_req *req);
static int unit_publish(struct http_req *req);
static int unit_unpublish(struct http_req *req);
static int unit_fire(struct http_req *req, int event, enum action act, const char *action,
		     json_t *detail);
static int load_estate(struct http_req *req, struct db_conn *c, struct caller **who,
		       enum action action, const char *audit_action, struct estate *e);
static int load_unit(struct http_req *req, struct db_conn *c, struct caller **who,
		     enum action action, const char *audit_action, struct unit *u);
static int field_flag(struct http_req *req, json_t *body, const char *name, int *out);
static const char *json_text(struct http_req *req, const json_t *j);

void
api_housing_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/housing/estates", estates_list);
	router_add(r, "POST", "/api/v1/housing/estates", estate_create);
	router_add(r, "GET", "/api/v1/housing/estates/:id", estate_get);
	router_add(r, "PATCH", "/api/v1/housing/estates/:id", estate_patch);
	router_add(r, "POST", "/api/v1/housing/estates/:id/buildings", building_create);
	router_add(r, "POST", "/api/v1/housing/estates/:id/publish", estate_publish);
	router_add(r, "GET", "/api/v1/housing/units", units_list);
	router_add(r, "POST", "/api/v1/housing/units", unit_create);
	router_add(r, "GET", "/api/v1/housing/units/:id", unit_get);
	router_add(r, "POST", "/api/v1/housing/units/:id/status", unit_status);
	router_add(r, "POST", "/api/v1/housing/units/:id/publish", unit_publish);
	router_add(r, "POST", "/api/v1/housing/units/:id/unpublish", unit_unpublish);
}

json_t *
api_estate_json(const struct estate *e, int staff)
{
	json_t *photos = json_loads(e->photos ? e->photos : "[]", 0, NULL), *list = json_array();
	json_t *o;
	size_t i;
	json_t *v;

	json_array_foreach(photos, i, v)
		if (json_is_integer(v))
			json_array_append_new(list, json_pack("{s:I, s:o}", "id", json_integer_value(v),
				"url", json_sprintf("/api/v1/media/%lld", (long long)json_integer_value(v))));
	json_decref(photos);
	o = json_pack("{s:I, s:I, s:I, s:s?, s:s, s:s, s:s, s:s, s:b, s:o}",
		      "id", (json_int_t)e->id, "city_id", (json_int_t)e->city_id,
		      "region_code", (json_int_t)e->region_code, "region_name", e->region_name,
		      "name", e->name, "address", e->address, "facilities", e->facilities,
		      "transport", e->transport, "near_transport", e->near_transport, "photos", list);
	json_object_set_new(o, "position", e->has_position ?
		json_pack("{s:I, s:I}", "lng_e6", (json_int_t)e->lng_e6, "lat_e6", (json_int_t)e->lat_e6) :
		json_null());
	json_object_set_new(o, "units_listed", json_integer(e->units_listed));
	if (staff) {
		json_object_set_new(o, "units_total", json_integer(e->units_total));
		json_object_set_new(o, "created_at", json_integer(e->created_at));
		json_object_set_new(o, "updated_at", json_integer(e->updated_at));
	}
	return o;
}

void
api_unit_write(struct jsonw *w, const struct unit *u, int staff)
{
	jsonw_open(w, '{');
	jsonw_member_int(w, "id", u->id);
	jsonw_member_int(w, "estate_id", u->estate_id);
	jsonw_member_int(w, "building_id", u->building_id);
	jsonw_member_string(w, "estate_name", u->estate_name);
	jsonw_member_int(w, "district_code", u->district_code);
	jsonw_member_string(w, "district_name", u->district_name ? u->district_name : "");
	jsonw_member_string(w, "building", u->building_name);
	jsonw_member_string(w, "address", u->address);
	jsonw_member_int(w, "city_id", u->city_id);
	jsonw_member_string(w, "orientation", u->orientation);
	jsonw_member_string(w, "unit_no", u->unit_no);
	jsonw_member_int(w, "floor", u->floor);
	jsonw_member_int(w, "floor_area_dm2", u->floor_area_dm2);
	jsonw_member_int(w, "usable_area_dm2", u->usable_area_dm2);
	jsonw_member_string(w, "layout", u->layout);
	jsonw_member_bool(w, "fitted", u->fitted);
	jsonw_member_int(w, "rent_fen", u->rent_fen);
	jsonw_member_bool(w, "near_transport", u->near_transport);
	jsonw_key(w, "published_at");
	if (u->published_at)
		jsonw_int(w, u->published_at);
	else
		jsonw_null(w);
	if (staff) {
		jsonw_member_string(w, "status", u->status);
		jsonw_member_bool(w, "published", u->published);
		jsonw_member_bool(w, "listed", u->listed);
		jsonw_member_int(w, "updated_at", u->updated_at);
	}
	jsonw_close(w);
}

json_t *
api_unit_json(const struct unit *u, int staff)
{
	struct arena *a = arena_create();
	struct jsonw w;
	const char *text;
	size_t len;
	json_t *o;

	jsonw_init(&w, a);
	api_unit_write(&w, u, staff);
	text = jsonw_text(&w, &len);
	o = json_loadb(text, len, 0, NULL);
	arena_destroy(a);
	assert(o != NULL); /* the writer writes valid JSON of valid UTF-8 */
	return o;
}

/* j as compact JSON text in the arena. */
static const char *
json_text(struct http_req *req, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	const char *copy = arena_strdup(req->arena, s);

	free(s);
	return copy;
}

/* A yes/no member: true/false or 1/0; absent leaves *out. */
static int
field_flag(struct http_req *req, json_t *body, const char *name, int *out)
{
	json_t *v = json_object_get(body, name);

	if (v == NULL || json_is_null(v))
		return GZF_OK;
	if (json_is_boolean(v))
		*out = json_is_true(v);
	else if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
		*out = (int)json_integer_value(v);
	else
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", name, "%s must be true or false", name);
	return GZF_OK;
}

/* Load the estate named by :id and authorise action on it. */
static int
load_estate(struct http_req *req, struct db_conn *c, struct caller **who, enum action action,
	    const char *audit_action, struct estate *e)
{
	struct object obj;
	int64_t id;
	int rc;

	if ((rc = api_login_required(req, c, who)) != GZF_OK ||
	    (rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = housing_store_estate_get(c, id, e, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = e->region_path };
	return api_authorize(req, c, *who, action, &obj, audit_action, "estate", e->id);
}

/* Load the unit named by :id and authorise action on it. */
static int
load_unit(struct http_req *req, struct db_conn *c, struct caller **who, enum action action,
	  const char *audit_action, struct unit *u)
{
	struct object obj;
	int64_t id;
	int rc;

	if ((rc = api_login_required(req, c, who)) != GZF_OK ||
	    (rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = housing_store_unit_get(c, id, u, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = u->region_path };
	return api_authorize(req, c, *who, action, &obj, audit_action, "unit", u->id);
}

int
api_housing_region(struct http_req *req, struct db_conn *c, struct caller *who, enum action action,
		   const char *audit_action, struct region *region)
{
	struct object obj;
	int64_t code;
	int rc;

	if ((rc = api_query_int(req, "region", 1, 999999999999, who->actor.region_code, &code)) != GZF_OK)
		return rc;
	rc = region_store_get(c, code, region, &req->err);
	if (rc == GZF_ENOTFOUND)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_region", "region",
				   "no region with code %lld", (long long)code);
	if (rc != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = region->path };
	return api_authorize(req, c, who, action, &obj, audit_action, "region", code);
}

/* GET /api/v1/housing/estates?region=CODE&after=ID&limit=N */
static int
estates_list(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct region region;
	struct estate *list;
	int64_t after, limit;
	json_t *items;
	int rc, n, i;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_query_int(req, "after", 0, INT64_MAX, 0, &after)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, 200, 50, &limit)) != GZF_OK ||
	    (rc = api_housing_region(req, c, who, ACT_HOUSING_READ, "estate.list", &region)) != GZF_OK ||
	    (rc = housing_store_estate_list(c, region.path, (int)limit, after, &list, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, api_estate_json(&list[i], 1));
	return http_reply_json(req, 200, json_pack("{s:o, s:o}", "items", items, "next_after",
		n == limit ? json_integer(list[n - 1].id) : json_null()));
}

/* The optional members of an estate in body, over what e holds: address, facilities,
 * transport, near_transport, lng_e6 and lat_e6 (together), photos (media ids). */
static int
estate_fields(struct http_req *req, json_t *body, struct estate *e)
{
	const char *address = NULL, *facilities = NULL, *transport = NULL;
	int64_t lng = -1000000000, lat = -1000000000;
	json_t *photos, *v;
	size_t i;
	int rc;

	if ((rc = api_field_string(req, body, "address", 0, 200, &address)) != GZF_OK ||
	    (rc = api_field_string(req, body, "facilities", 0, 1000, &facilities)) != GZF_OK ||
	    (rc = api_field_string(req, body, "transport", 0, 1000, &transport)) != GZF_OK ||
	    (rc = api_field_int(req, body, "lng_e6", 0, -180000000, 180000000, &lng)) != GZF_OK ||
	    (rc = api_field_int(req, body, "lat_e6", 0, -90000000, 90000000, &lat)) != GZF_OK)
		return rc;
	if (address != NULL)
		e->address = address;
	if (facilities != NULL)
		e->facilities = facilities;
	if (transport != NULL) {
		e->transport = transport;
		e->near_transport = *transport != '\0';
	}
	if ((lng == -1000000000) != (lat == -1000000000))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "lat_e6",
				   "lng_e6 and lat_e6 go together");
	if (lng != -1000000000) {
		e->has_position = 1;
		e->lng_e6 = lng;
		e->lat_e6 = lat;
	}
	if ((rc = field_flag(req, body, "near_transport", &e->near_transport)) != GZF_OK)
		return rc;
	photos = json_object_get(body, "photos");
	if (photos != NULL && !json_is_null(photos)) {
		if (!json_is_array(photos) || json_array_size(photos) > 20)
			return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "photos",
					   "photos must be a list of at most 20 media ids");
		json_array_foreach(photos, i, v)
			if (!json_is_integer(v) || json_integer_value(v) < 1)
				return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "photos",
						   "photos must be a list of media ids");
		e->photos = json_text(req, photos);
	}
	return GZF_OK;
}

/* The estate's photos must be uploaded photos or images, public already or the caller's
 * own (apply 0: checked before the transaction, as a refusal is audited on its own);
 * apply 1 makes them public, in the transaction (the listing shows them to anyone). */
static int
publish_photos(struct http_req *req, struct db_conn *c, struct caller *who, const struct estate *e,
	       int apply)
{
	json_t *photos = http_json_owned(req, json_loads(e->photos, 0, NULL)), *v;
	struct object obj;
	struct media m;
	size_t i;
	int rc;

	json_array_foreach(photos, i, v) {
		rc = media_store_get(c, json_integer_value(v), &m, &req->err);
		if (rc == GZF_ENOTFOUND || (rc == GZF_OK && strcmp(m.purpose, "photo") != 0 &&
					    strcmp(m.purpose, "image") != 0))
			return gzf_err_set(&req->err, GZF_EINVAL, "invalid_photo", "photos",
					   "media %lld is not an uploaded photo", (long long)json_integer_value(v));
		obj = (struct object){ .owner_id = m.owner_id, .region_path = m.region_path };
		if (rc != GZF_OK)
			return rc;
		rc = apply ? media_store_set_public(c, m.id, 1, &req->err)
		     : m.public ? GZF_OK
				: api_authorize(req, c, who, ACT_MEDIA_READ, &obj, "media.read", "media", m.id);
		if (rc != GZF_OK)
			return rc;
	}
	return GZF_OK;
}

/* POST /api/v1/housing/estates {"name","region_code", and estate_fields' members} */
static int
estate_create(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct region region;
	struct object obj;
	struct estate e = { .address = "", .facilities = "", .transport = "", .photos = "[]" };
	int64_t code = 0;
	json_t *body;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "name", 1, 60, &e.name)) != GZF_OK ||
	    (rc = api_field_int(req, body, "region_code", 1, 1, 999999999999, &code)) != GZF_OK ||
	    (rc = estate_fields(req, body, &e)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	rc = region_store_get(c, code, &region, &req->err);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && housing_district_of(region.path) == 0))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_region", "region_code",
				   "region_code must name a district or a region inside one");
	if (rc != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = region.path };
	if ((rc = api_authorize(req, c, who, ACT_HOUSING_MANAGE, &obj, "estate.create", "region", code)) != GZF_OK ||
	    (rc = publish_photos(req, c, who, &e, 0)) != GZF_OK)
		return rc;
	e.city_id = region.city_id;
	e.region_code = region.code;
	e.region_path = region.path;
	e.district_code = housing_district_of(region.path);
	e.created_by = who->actor.user_id;
	e.created_at = gzf_now_ms();
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = housing_store_estate_save(c, &e, 0, &e.id, &req->err)) != GZF_OK ||
	    (rc = publish_photos(req, c, who, &e, 1)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "estate.create", "estate", e.id, region.code, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = housing_store_estate_get(c, e.id, &e, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:o}", "estate", api_estate_json(&e, 1)));
}

/* PATCH /api/v1/housing/estates/:id {estate_fields' members} */
static int
estate_patch(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct estate e;
	json_t *body;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = load_estate(req, c, &who, ACT_HOUSING_MANAGE, "estate.update", &e)) != GZF_OK ||
	    (rc = estate_fields(req, body, &e)) != GZF_OK ||
	    (rc = publish_photos(req, c, who, &e, 0)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = housing_store_estate_update(c, &e, &req->err)) != GZF_OK ||
	    (rc = publish_photos(req, c, who, &e, 1)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "estate.update", "estate", e.id, e.region_code, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = housing_store_estate_get(c, e.id, &e, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "estate", api_estate_json(&e, 1)));
}

/* GET /api/v1/housing/estates/:id — with its buildings. */
static int
estate_get(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct estate e;
	struct building *list;
	json_t *o, *items;
	int rc, n, i;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = load_estate(req, c, &who, ACT_HOUSING_READ, "estate.read", &e)) != GZF_OK ||
	    (rc = housing_store_building_list(c, e.id, &list, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)list[i].id,
			"name", list[i].name, "floors", (json_int_t)list[i].floors));
	o = api_estate_json(&e, 1);
	json_object_set_new(o, "buildings", items);
	return http_reply_json(req, 200, json_pack("{s:o}", "estate", o));
}

/* POST /api/v1/housing/estates/:id/buildings {"name","floors"} */
static int
building_create(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct estate e;
	struct building b = { 0 };
	json_t *body;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "name", 1, 30, &b.name)) != GZF_OK ||
	    (rc = api_field_int(req, body, "floors", 0, 0, 200, &b.floors)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = load_estate(req, c, &who, ACT_HOUSING_MANAGE, "building.create", &e)) != GZF_OK)
		return rc;
	b.city_id = e.city_id;
	b.estate_id = e.id;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = housing_store_building_save(c, &b, 0, &b.id, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "building.create", "building", b.id, e.region_code, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:{s:I, s:I, s:s, s:I}}", "building",
		"id", (json_int_t)b.id, "estate_id", (json_int_t)e.id, "name", b.name,
		"floors", (json_int_t)b.floors));
}

/* POST /api/v1/housing/estates/:id/publish — publish every vacant unit of the estate. */
static int
estate_publish(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct estate e;
	int64_t count = 0;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = load_estate(req, c, &who, ACT_HOUSING_PUBLISH, "estate.publish", &e)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = housing_store_estate_publish(c, e.id, gzf_now_ms(), &count, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "estate.publish", "estate", e.id, e.region_code, "ok",
			    arena_printf(req->arena, "{\"units\":%lld}", (long long)count))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:I}", "published", (json_int_t)count));
}

/* GET /api/v1/housing/units?estate=ID&region=CODE&after=ID&limit=N */
static int
units_list(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct region region;
	struct unit *list;
	int64_t estate, after, limit;
	json_t *items;
	int rc, n, i;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_query_int(req, "estate", 0, INT64_MAX, 0, &estate)) != GZF_OK ||
	    (rc = api_query_int(req, "after", 0, INT64_MAX, 0, &after)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, 500, 100, &limit)) != GZF_OK ||
	    (rc = api_housing_region(req, c, who, ACT_HOUSING_READ, "unit.list", &region)) != GZF_OK ||
	    (rc = housing_store_unit_list(c, region.path, estate, (int)limit, after, &list, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, api_unit_json(&list[i], 1));
	return http_reply_json(req, 200, json_pack("{s:o, s:o}", "items", items, "next_after",
		n == limit ? json_integer(list[n - 1].id) : json_null()));
}

int
api_unit_fields(struct http_req *req, json_t *body, struct unit *u, int64_t *building_id)
{
	json_t *usable;
	int rc;

	/* The members' presence and types; what they may hold is the domain's rule. */
	if ((rc = api_field_int(req, body, "building_id", 1, 1, INT64_MAX, building_id)) != GZF_OK ||
	    (rc = api_field_string(req, body, "unit_no", 0, SIZE_MAX, &u->unit_no)) != GZF_OK ||
	    (rc = api_field_string(req, body, "layout", 0, SIZE_MAX, &u->layout)) != GZF_OK ||
	    (rc = api_field_string(req, body, "orientation", 0, SIZE_MAX, &u->orientation)) != GZF_OK ||
	    (rc = api_field_int(req, body, "floor_area_dm2", 1, INT64_MIN, INT64_MAX, &u->floor_area_dm2)) != GZF_OK ||
	    (rc = api_field_int(req, body, "usable_area_dm2", 0, INT64_MIN, INT64_MAX, &u->usable_area_dm2)) != GZF_OK ||
	    (rc = api_field_int(req, body, "floor", 1, INT64_MIN, INT64_MAX, &u->floor)) != GZF_OK ||
	    (rc = api_field_int(req, body, "rent_fen", 1, INT64_MIN, INT64_MAX, &u->rent_fen)) != GZF_OK ||
	    (rc = field_flag(req, body, "fitted", &u->fitted)) != GZF_OK)
		return rc;
	usable = json_object_get(body, "usable_area_dm2");
	if (usable == NULL || json_is_null(usable))
		u->usable_area_dm2 = u->floor_area_dm2;
	return housing_unit_check(u, NULL, &req->err);
}

/* POST /api/v1/housing/units {"building_id","unit_no","layout","floor_area_dm2",
 * "usable_area_dm2","floor","orientation","fitted","rent_fen"} */
static int
unit_create(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct building b;
	struct estate e;
	struct object obj;
	struct unit u = { 0 };
	int64_t building_id = 0;
	json_t *body;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_unit_fields(req, body, &u, &building_id)) != GZF_OK)
		return rc;
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	rc = housing_store_building_get(c, building_id, &b, &req->err);
	if (rc == GZF_ENOTFOUND)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_building", "building_id", "no such building");
	if (rc != GZF_OK || (rc = housing_store_estate_get(c, b.estate_id, &e, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = e.region_path };
	if ((rc = api_authorize(req, c, who, ACT_HOUSING_MANAGE, &obj, "unit.create", "estate", e.id)) != GZF_OK)
		return rc;
	u.city_id = e.city_id;
	u.estate_id = e.id;
	u.building_id = b.id;
	u.district_code = housing_district_of(e.region_path);
	u.region_path = e.region_path;
	u.near_transport = e.near_transport;
	u.created_at = gzf_now_ms();
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = housing_store_unit_save(c, &u, 0, &u.id, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "unit.create", "unit", u.id, e.region_code, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = housing_store_unit_get(c, u.id, &u, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:o}", "unit", api_unit_json(&u, 1)));
}

/* GET /api/v1/housing/units/:id */
static int
unit_get(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct unit u;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = load_unit(req, c, &who, ACT_HOUSING_READ, "unit.read", &u)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "unit", api_unit_json(&u, 1)));
}

/* POST /api/v1/housing/units/:id/status {"status","reason"} — only legal changes (the
 * unit's table, domain/housing.c); the change and its reason are audited. */
static int
unit_status(struct http_req *req)
{
	const char *status, *reason;
	json_t *body, *detail;
	int rc, event;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "status", 1, 20, &status)) != GZF_OK ||
	    (rc = api_field_string(req, body, "reason", 0, 200, &reason)) != GZF_OK)
		return rc;
	if (!housing_status_valid(status))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "status",
				   "status must be vacant, reserved, allocated, occupied, under_repair or withdrawn");
	event = fsm_event_find(&unit_fsm, status);
	assert(event >= UNIT_TO_VACANT && event <= UNIT_TO_WITHDRAWN); /* named by its status */
	detail = http_json_owned(req, json_pack("{s:s, s:s?}", "to", status, "reason", reason));
	return unit_fire(req, event, ACT_HOUSING_MANAGE, "unit.status", detail);
}

static int
unit_publish(struct http_req *req)
{
	return unit_fire(req, UNIT_PUBLISH, ACT_HOUSING_PUBLISH, "unit.publish", NULL);
}

static int
unit_unpublish(struct http_req *req)
{
	return unit_fire(req, UNIT_UNPUBLISH, ACT_HOUSING_PUBLISH, "unit.unpublish", NULL);
}

/* Load the unit, authorise act (audited as action), fire event in one transaction with
 * its audit entry (detail: what the caller said, with "from" added), reply with the unit. */
static int
unit_fire(struct http_req *req, int event, enum action act, const char *action, json_t *detail)
{
	struct caller *who;
	struct db_conn *c;
	struct unit u;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = load_unit(req, c, &who, act, action, &u)) != GZF_OK)
		return rc;
	if (detail != NULL)
		json_object_set_new(detail, "from", json_string(u.status));
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = housing_unit_fire(c, &u, event, FSM_DECIDER, gzf_now_ms(), &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, action, "unit", u.id, housing_district_of(u.region_path), "ok",
			    detail ? json_text(req, detail) : NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = housing_store_unit_get(c, u.id, &u, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "unit", api_unit_json(&u, 1)));
}
