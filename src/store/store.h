/*
 * store.h — the use-case queries, one source file per resource (region.c, ...). Each
 * function takes a connection from db_acquire(); strings in results live in that
 * connection's arena. Callers own the transaction (db_begin/db_commit).
 */
#ifndef GZF_STORE_STORE_H
#define GZF_STORE_STORE_H

#include "store/db.h"

/* ---- regions (region.c) ---- */

struct region {
	int64_t code;
	int64_t parent_code; /* 0 for the root */
	const char *level;   /* nation, province, city, district, street, community */
	const char *name;
	const char *name_en;
	int64_t city_id;     /* 0 above city level */
};

/* store_region_put — insert r, or update its names if the code exists. */
int store_region_put(struct db_conn *c, const struct region *r, struct gzf_err *err);

/* store_region_get — the region with code; GZF_ENOTFOUND if none. */
int store_region_get(struct db_conn *c, int64_t code, struct region *out, struct gzf_err *err);

/* store_region_children — the regions under parent (0: the roots), by code, in an
 * arena array of *n. */
int store_region_children(struct db_conn *c, int64_t parent, struct region **out, int *n,
			  struct gzf_err *err);

#endif
