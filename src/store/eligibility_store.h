/*
 * eligibility_store.h — each city's eligibility rules as JSON text (migration
 * 012_eligibility.sql). The engine that reads them is domain/eligibility.c.
 */
#ifndef GZF_STORE_ELIGIBILITY_STORE_H
#define GZF_STORE_ELIGIBILITY_STORE_H

#include "store/db.h"

/* eligibility_store_get — the rules text of city_id into *rules (in the arena), with who
 * changed them last and when; GZF_ENOTFOUND when the city has none. */
int eligibility_store_get(struct db_conn *c, int64_t city_id, const char **rules,
			  int64_t *updated_by, int64_t *updated_at, struct gzf_err *err);

/* eligibility_store_put — set the rules text of city_id. */
int eligibility_store_put(struct db_conn *c, int64_t city_id, const char *rules,
			  int64_t updated_by, int64_t now, struct gzf_err *err);

#endif
