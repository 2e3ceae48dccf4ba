/*
 * housing_store.h — the housing stock (estates, buildings, units) and the public listings
 * search over it (housing.c). Units: money in fen, areas in hundredths of a square
 * metre (dm²), coordinates in millionths of a degree. Strings live in the connection's
 * arena; callers own the transaction.
 */
#ifndef GZF_STORE_HOUSING_STORE_H
#define GZF_STORE_HOUSING_STORE_H

#include "store/db.h"

struct estate {
	int64_t id;
	int64_t city_id;
	int64_t region_code;     /* the district (or a region below it) it stands in */
	const char *region_path;
	const char *region_name;
	int64_t district_code;   /* given to housing_store_estate_save, for its units */
	const char *name;
	const char *address;
	int has_position;        /* lng_e6/lat_e6 are set */
	int64_t lng_e6, lat_e6;
	const char *facilities;
	const char *transport;
	int near_transport;
	const char *photos;      /* JSON array of media ids, "[]" when none */
	int64_t created_by;
	int64_t created_at, updated_at;
	int64_t units_total;     /* filled by housing_store_estate_list/get */
	int64_t units_listed;
};

struct building {
	int64_t id;
	int64_t city_id;
	int64_t estate_id;
	const char *name;
	int64_t floors;
};

struct unit {
	int64_t id;
	int64_t city_id;
	int64_t estate_id;
	int64_t building_id;
	int64_t district_code;
	const char *region_path;   /* the estate's */
	const char *unit_no;
	const char *layout;        /* "一室一厅" */
	int64_t floor_area_dm2;
	int64_t usable_area_dm2;
	int64_t floor;
	const char *orientation;   /* "南北", "南" ... */
	int fitted;                /* fitted out, ready to move in (全装修拎包入住) */
	int64_t rent_fen;          /* per month */
	int near_transport;        /* the estate's */
	const char *status;        /* vacant reserved allocated occupied under_repair withdrawn */
	int published;
	int64_t published_at;
	int listed;                /* published and vacant: public */
	int64_t created_at, updated_at;
	/* joined */
	const char *estate_name;
	const char *building_name;
	const char *address;
	const char *district_name;
};

/* housing_store_estate_save — insert e, or with upsert update the estate of the same city and
 * name; *id gets its id. Without upsert a taken name is GZF_ECONFLICT. */
int housing_store_estate_save(struct db_conn *c, const struct estate *e, int upsert, int64_t *id,
		      struct gzf_err *err);

/* housing_store_estate_update — replace the address, position, facilities, transport and
 * photos of estate e->id (its units follow near_transport). */
int housing_store_estate_update(struct db_conn *c, const struct estate *e, struct gzf_err *err);

/* housing_store_estate_get — by id with its unit counts; GZF_ENOTFOUND. */
int housing_store_estate_get(struct db_conn *c, int64_t id, struct estate *out, struct gzf_err *err);

/* housing_store_estate_list — estates inside the region subtree at path, by id, at most limit
 * after after_id, with their unit counts. */
int housing_store_estate_list(struct db_conn *c, const char *path, int limit, int64_t after_id,
		      struct estate **out, int *n, struct gzf_err *err);

/* housing_store_building_save — insert b, or with upsert find the building of the same estate
 * and name (updating its floors); *id gets its id. */
int housing_store_building_save(struct db_conn *c, const struct building *b, int upsert, int64_t *id,
			struct gzf_err *err);

/* housing_store_building_get — by id; GZF_ENOTFOUND. */
int housing_store_building_get(struct db_conn *c, int64_t id, struct building *out, struct gzf_err *err);

/* housing_store_building_list — the buildings of an estate, by name. */
int housing_store_building_list(struct db_conn *c, int64_t estate_id, struct building **out, int *n,
			struct gzf_err *err);

/* housing_store_unit_save — insert u (status vacant, unpublished), or with upsert update the
 * attributes of the unit with the same building and number (status and publication
 * are kept); *id gets its id. Without upsert a taken number is GZF_ECONFLICT. */
int housing_store_unit_save(struct db_conn *c, const struct unit *u, int upsert, int64_t *id,
		    struct gzf_err *err);

/* housing_store_unit_get — by id with its estate, building and district names; GZF_ENOTFOUND. */
int housing_store_unit_get(struct db_conn *c, int64_t id, struct unit *out, struct gzf_err *err);

/* housing_store_unit_list — the units of estate_id (0: every estate) inside the subtree at
 * path, by id, at most limit after after_id. */
int housing_store_unit_list(struct db_conn *c, const char *path, int64_t estate_id, int limit,
		    int64_t after_id, struct unit **out, int *n, struct gzf_err *err);

/* housing_store_unit_set_status — set the status (listed follows). */
int housing_store_unit_set_status(struct db_conn *c, int64_t id, const char *status, int64_t now,
			  struct gzf_err *err);

/* housing_store_unit_counts — of the units within path: how many are vacant, and how
 * many of those are not published. */
int housing_store_unit_counts(struct db_conn *c, const char *path, int64_t *vacant,
			      int64_t *unpublished, struct gzf_err *err);

/* housing_store_unit_set_published — publish (1) or withdraw (0) the listing of a unit. */
int housing_store_unit_set_published(struct db_conn *c, int64_t id, int published, int64_t now,
			     struct gzf_err *err);

/* housing_store_estate_publish — publish every vacant, unpublished unit of an estate; *count
 * gets how many. */
int housing_store_estate_publish(struct db_conn *c, int64_t estate_id, int64_t now, int64_t *count,
			 struct gzf_err *err);

/* How the public listings search sorts. */
enum listing_sort { LISTING_NEWEST, LISTING_RENT, LISTING_RENT_DESC, LISTING_AREA, LISTING_AREA_DESC };

/* A public search. Zero / NULL / -1 (for the flags) means "any". */
struct listing_query {
	int64_t city_id;          /* required */
	int64_t district_code;
	const char *layout;
	int64_t area_min_dm2, area_max_dm2;
	int64_t rent_min_fen, rent_max_fen;
	int fitted;               /* -1 any, 0 bare, 1 fitted out */
	int transport;            /* -1 any, 1 near transport */
	const char *text;         /* words in the estate's name, address, facilities, transport */
	int64_t estate_id;
	int64_t exclude_id;
	enum listing_sort sort;
	int limit, offset;
};

/* One group of listings sharing the four facet values (district, layout, fitted,
 * near transport): what the counts per filter are summed from. */
struct listing_group {
	int64_t district_code;
	const char *district_name;
	const char *layout;
	int fitted;
	int transport;
	int64_t count;
};

/* housing_store_listing_generation — the listing generation of city_id (migration 057):
 * a number the database raises whenever anything a search of the city shows changes
 * (0 for a city that never had a unit). Read it before the search it keys. */
int housing_store_listing_generation(struct db_conn *c, int64_t city_id, int64_t *gen,
				     struct gzf_err *err);

/* housing_store_listing_search — the listed units matching q, in q's order and page, with
 * *total (when total is not NULL) the number matching across all pages. */
int housing_store_listing_search(struct db_conn *c, const struct listing_query *q, struct unit **out,
			 int *n, int64_t *total, struct gzf_err *err);

/* housing_store_listing_groups — the listings matching every filter of q except the four facet
 * filters (district, layout, fitted, transport), counted per combination of the four, in
 * the order of the four: from which every count per filter follows. */
int housing_store_listing_groups(struct db_conn *c, const struct listing_query *q,
			 struct listing_group **out, int *n, struct gzf_err *err);

/* housing_store_listing_units — every listed unit of city_id, in no order, and *gen the
 * city's listing generation they are the listings of (read in the same statement; -1
 * when the city has no listing, as there is then no row to read it from). */
int housing_store_listing_units(struct db_conn *c, int64_t city_id, int64_t *gen,
				struct unit **out, int *n, struct gzf_err *err);

/* housing_store_listing_text_search — listed units of city_id (0: every city) whose estate's
 * text contains text (Chinese full-text search; LIKE for fewer than three characters),
 * newest first, at most limit. For the unified public search. */
int housing_store_listing_text_search(struct db_conn *c, int64_t city_id, const char *text, int limit,
			      struct unit **out, int *n, struct gzf_err *err);

#endif
