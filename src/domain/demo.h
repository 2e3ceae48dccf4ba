/*
 * demo.h — the demonstration data set loaded by `gzf demo`: real provinces and cities
 * with their official codes, and the demo city (Daqing) in depth.
 */
#ifndef GZF_DOMAIN_DEMO_H
#define GZF_DOMAIN_DEMO_H

#include "store/db.h"

/* demo_load — insert (or refresh) the demo data in one transaction; idempotent.
 * *regions (may be NULL) gets the number of regions written. */
int demo_load(struct db *db, int *regions, struct gzf_err *err);

#endif
