/*
 * throttle_store.h — the rows of attempt throttles (throttle.c).
 */
#ifndef GZF_STORE_THROTTLE_STORE_H
#define GZF_STORE_THROTTLE_STORE_H

#include "store/db.h"

struct throttle {
	int attempts;
	int64_t window_start;
	int64_t locked_until;
};

/* throttle_store_get — the state of scope (all zero when none). */
int throttle_store_get(struct db_conn *c, const char *scope, struct throttle *out,
		       struct gzf_err *err);

/* throttle_store_put — save the state of scope. */
int throttle_store_put(struct db_conn *c, const char *scope, int64_t city_id,
		       const struct throttle *t, struct gzf_err *err);

/* throttle_store_clear — forget scope (after a success). */
int throttle_store_clear(struct db_conn *c, const char *scope, struct gzf_err *err);
#endif
