/*
 * listings.h — the public listings search (docs/api/listings.md): the listed units of a
 * city matching a search, in its order and page, with the number of them and the groups
 * per facet (district, layout, fitted out, near transport) its counts per filter are
 * summed from.
 *
 * A search by the city's facets, area and rent (what the resident app's filters send)
 * runs over the city's listings held in this process's memory (about 80 bytes each, each
 * distinct text once), read from the database at once when the city's listing generation
 * (which the database raises on every change a search would show) is newer than the one
 * held. A text or estate search runs in the database. Either gives the same reply.
 */
#ifndef GZF_DOMAIN_LISTINGS_H
#define GZF_DOMAIN_LISTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "core/gzf.h"
#include "store/housing_store.h"

/* The most listings a search's page holds. */
#define LISTING_PAGE_MAX 50

/* The most memory the cities' listings take in all (bytes); a city read beyond it
 * serves its search and is not kept. */
#define LISTINGS_KEPT_MAX_BYTES (256u * 1024 * 1024)

/* A search's result. groups is NULL (ngroups 0) when counts were not asked for. */
struct listing_result {
	int64_t gen;                    /* the generation the result is of */
	struct unit *units;             /* the page */
	int n;
	int64_t total;                  /* matching, across all pages */
	struct listing_group *groups;   /* every filter applied but the four facets */
	int ngroups;
};

/* The four facets, in the order of struct listing_group. */
enum listing_facet { FACET_DISTRICT, FACET_LAYOUT, FACET_FITTED, FACET_TRANSPORT, FACET_COUNT };

/* listing_group_matches — 1 when group g passes q's facet filters, leaving out facet skip
 * (-1: none). */
int listing_group_matches(const struct listing_group *g, const struct listing_query *q, int skip);

/* listings_search — search q (q->city_id set, q->limit at most LISTING_PAGE_MAX) at the
 * city's generation gen (housing_store_listing_generation, read before), with the
 * groups when want_counts. The result is in c's arena. */
int listings_find(struct db_conn *c, const struct listing_query *q, int64_t gen, int want_counts,
		  struct listing_result *out, struct gzf_err *err);

/* listings_kept — the cities' listings held in memory now: cities and bytes. */
void listings_kept(int *cities, size_t *bytes);

#endif
