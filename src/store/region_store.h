/*
 * region_store.h — the rows of regions (region.c).
 */
#ifndef GZF_STORE_REGION_STORE_H
#define GZF_STORE_REGION_STORE_H

#include "store/db.h"

struct region {
	int64_t code;
	int64_t parent_code; /* 0 for the root */
	const char *level;   /* nation, province, city, district, street, community */
	const char *name;
	const char *name_en;
	int64_t city_id;     /* 0 above city level */
	const char *path;    /* "/100000/230000/230600/": codes from the root down */
	const char *office_address; /* where its office receives the public ("" unknown) */
	const char *office_phone;   /* the office's phone ("" unknown) */
};

/* region_store_put — insert r (its path is derived from the parent's), or update its
 * names (and its office's address and phone, those r gives) if the code exists. GZF_ENOTFOUND when the parent does not exist. */
int region_store_put(struct db_conn *c, const struct region *r, struct gzf_err *err);

/* region_store_get — the region with code; GZF_ENOTFOUND if none. */
int region_store_get(struct db_conn *c, int64_t code, struct region *out, struct gzf_err *err);

/* region_store_children — the regions under parent (0: the roots), by code, in an
 * arena array of *n. */
int region_store_children(struct db_conn *c, int64_t parent, struct region **out, int *n,
			  struct gzf_err *err);
#endif
