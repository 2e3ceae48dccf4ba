/*
 * housing.h — what the housing API files (housing.c, housing_io.c, listings.c) share:
 * the JSON shapes of estates and units and the region a staff request acts on.
 */
#ifndef GZF_API_HOUSING_H
#define GZF_API_HOUSING_H

#include "api/api.h"
#include "core/jsonw.h"
#include "store/housing_store.h"

/* api_estate_json — an estate as JSON; staff adds the counts and times the public
 * does not see. A new reference. */
json_t *api_estate_json(const struct estate *e, int staff);

/* api_unit_write — a unit as JSON text into w; staff adds its status and publication.
 * api_unit_json — the same as a jansson value (a new reference). */
void api_unit_write(struct jsonw *w, const struct unit *u, int staff);
json_t *api_unit_json(const struct unit *u, int staff);

/*
 * api_unit_fields — the members of a new unit in body (building_id, unit_no, layout,
 * orientation, floor_area_dm2, usable_area_dm2 (the floor area when absent), floor,
 * rent_fen, fitted) into u and building_id, checked: their types here, their values by
 * housing_unit_check(). GZF_EINVAL in req->err naming the field. Strings point into
 * body. Reads nothing but body: no database.
 */
int api_unit_fields(struct http_req *req, json_t *body, struct unit *u, int64_t *building_id);

/*
 * api_housing_region — the region named by the "region" query parameter (the caller's
 * own when absent), with action authorised on it. GZF_EINVAL for an unknown region.
 */
int api_housing_region(struct http_req *req, struct db_conn *c, struct caller *who,
		       enum action action, const char *audit_action, struct region *region);

#endif
