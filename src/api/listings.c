/*
 * listings.c — the public listings: search without logging in (filters, sort, pages,
 * counts per filter) and the detail of one listing with its estate's other available
 * units. Only published, vacant units are ever shown here. Search replies are kept in
 * memory (reply_cache.h) under the city's listing generation and the parsed search, so a
 * busy morning's repeated searches cost one database read each.
 */
#include "api/api.h"
#include "api/housing.h"
#include "api/reply_cache.h"
#include "domain/listings.h"

#include <string.h>

#define LISTING_TEXT_MAX 40

static int listings_search(struct http_req *req);
static int listing_get(struct http_req *req);
static int parse_query(struct http_req *req, struct listing_query *q);
static void facet_counts(struct http_req *req, struct jsonw *w, const struct listing_group *groups,
			 int n, const struct listing_query *q, int facet);

void
api_listing_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/listings", listings_search);
	router_add(r, "GET", "/api/v1/listings/:id", listing_get);
}

/* The search from the query string. Areas are given in whole square metres and rents
 * in whole yuan, as people type them; the store works in dm² and fen. */
static int
parse_query(struct http_req *req, struct listing_query *q)
{
	static const char *const sorts[] = {
		[LISTING_NEWEST] = "newest", [LISTING_RENT] = "rent", [LISTING_RENT_DESC] = "-rent",
		[LISTING_AREA] = "area", [LISTING_AREA_DESC] = "-area",
	};
	const char *sort = http_query(req, "sort");
	int64_t fitted, transport, page, per_page, v;
	int rc;
	size_t i;

	memset(q, 0, sizeof(*q));
	if ((rc = api_query_int(req, "city", 1, 999999999999, 0, &q->city_id)) != GZF_OK ||
	    (rc = api_query_int(req, "district", 1, 999999999999, 0, &q->district_code)) != GZF_OK ||
	    (rc = api_query_int(req, "area_min", 0, 1000, 0, &v)) != GZF_OK)
		return rc;
	q->area_min_dm2 = v * 100;
	if ((rc = api_query_int(req, "area_max", 0, 1000, 0, &v)) != GZF_OK)
		return rc;
	q->area_max_dm2 = v * 100;
	if ((rc = api_query_int(req, "rent_min", 0, 1000000, 0, &v)) != GZF_OK)
		return rc;
	q->rent_min_fen = v * 100;
	if ((rc = api_query_int(req, "rent_max", 0, 1000000, 0, &v)) != GZF_OK)
		return rc;
	q->rent_max_fen = v * 100;
	if ((rc = api_query_int(req, "fitted", -1, 1, -1, &fitted)) != GZF_OK ||
	    (rc = api_query_int(req, "transport", -1, 1, -1, &transport)) != GZF_OK ||
	    (rc = api_query_int(req, "page", 1, 1000, 1, &page)) != GZF_OK ||
	    (rc = api_query_int(req, "per_page", 1, LISTING_PAGE_MAX, 20, &per_page)) != GZF_OK)
		return rc;
	if (q->city_id == 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "city", "city is required");
	q->fitted = (int)fitted;
	q->transport = transport == 0 ? -1 : (int)transport;
	q->limit = (int)per_page;
	q->offset = (int)((page - 1) * per_page);
	q->layout = http_query(req, "layout");
	if (q->layout != NULL && (*q->layout == '\0' || gzf_utf8_chars(q->layout) > 16))
		q->layout = NULL;
	q->text = http_query(req, "q");
	if (q->text != NULL && (!gzf_utf8_valid(q->text) || gzf_utf8_chars(q->text) > LISTING_TEXT_MAX))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_parameter", "q",
				   "q must be at most %d characters", LISTING_TEXT_MAX);
	q->sort = LISTING_NEWEST;
	for (i = 0; sort != NULL && *sort && i < sizeof(sorts) / sizeof(sorts[0]); i++)
		if (strcmp(sort, sorts[i]) == 0)
			break;
	if (sort != NULL && *sort) {
		if (i == sizeof(sorts) / sizeof(sorts[0]))
			return gzf_err_set(&req->err, GZF_EINVAL, "invalid_parameter", "sort",
					   "sort must be newest, rent, -rent, area or -area");
		q->sort = (enum listing_sort)i;
	}
	return GZF_OK;
}

/* The count per value of one facet, every other filter applied: [{value, count, name?}],
 * most first, into w. */
static void
facet_counts(struct http_req *req, struct jsonw *w, const struct listing_group *groups, int n,
	     const struct listing_query *q, int facet)
{
	const char **values = arena_alloc(req->arena, sizeof(char *) * (size_t)(n + 1));
	const char **names = arena_alloc(req->arena, sizeof(char *) * (size_t)(n + 1));
	int64_t *counts = arena_alloc(req->arena, sizeof(int64_t) * (size_t)(n + 1));
	int i, j, k, nv = 0;

	jsonw_open(w, '[');

	for (i = 0; i < n; i++) {
		const struct listing_group *g = &groups[i];
		const char *v;

		if (!listing_group_matches(g, q, facet))
			continue;
		v = facet == FACET_DISTRICT ? arena_printf(req->arena, "%lld", (long long)g->district_code)
		  : facet == FACET_LAYOUT ? g->layout
		  : facet == FACET_FITTED ? (g->fitted ? "1" : "0") : (g->transport ? "1" : "0");
		for (j = 0; j < nv && strcmp(values[j], v) != 0; j++)
			;
		if (j == nv) {
			values[nv] = v;
			names[nv] = g->district_name ? g->district_name : "";
			counts[nv++] = 0;
		}
		counts[j] += g->count;
	}
	for (k = 0; k < nv; k++) {
		int best = -1;

		for (j = 0; j < nv; j++)
			if (counts[j] >= 0 && (best < 0 || counts[j] > counts[best] ||
					       (counts[j] == counts[best] && strcmp(values[j], values[best]) < 0)))
				best = j;
		jsonw_open(w, '{');
		jsonw_member_string(w, "value", values[best]);
		jsonw_member_int(w, "count", counts[best]);
		if (facet == FACET_DISTRICT)
			jsonw_member_string(w, "name", names[best]);
		jsonw_close(w);
		counts[best] = -1;
	}
	jsonw_close(w);
}

/* The key of search q (counts: want_counts) at generation gen: every parsed member, so
 * that a query string with other members, or the same members in another order, shares
 * one kept reply. */
static const char *
search_key(struct http_req *req, const struct listing_query *q, int64_t want_counts, int64_t gen)
{
	return arena_printf(req->arena, "listings|%lld|%lld|%lld|%s|%lld|%lld|%lld|%lld|%d|%d|%d|%d|%d|%lld|%s",
			    (long long)q->city_id, (long long)gen, (long long)q->district_code,
			    q->layout ? q->layout : "", (long long)q->area_min_dm2,
			    (long long)q->area_max_dm2, (long long)q->rent_min_fen,
			    (long long)q->rent_max_fen, q->fitted, q->transport, (int)q->sort, q->limit,
			    q->offset, (long long)want_counts, q->text ? q->text : "");
}

/* The search's reply, computed, as text in the arena. */
static int
search_compute(struct http_req *req, struct db_conn *c, const struct listing_query *q,
	       int64_t gen, int64_t want_counts, struct reply_cached *out)
{
	static const char *const facets[FACET_COUNT] = { "district", "layout", "fitted", "transport" };
	struct listing_result res;
	struct jsonw w;
	int rc, i, f;

	if ((rc = listings_find(c, q, gen, (int)want_counts, &res, &req->err)) != GZF_OK)
		return rc;
	jsonw_init(&w, req->arena);
	jsonw_open(&w, '{');
	jsonw_key(&w, "items");
	jsonw_open(&w, '[');
	for (i = 0; i < res.n; i++)
		api_unit_write(&w, &res.units[i], 0);
	jsonw_close(&w);
	jsonw_member_int(&w, "total", res.total);
	jsonw_member_int(&w, "page", q->offset / q->limit + 1);
	jsonw_member_int(&w, "per_page", q->limit);
	jsonw_key(&w, "counts");
	jsonw_open(&w, '{');
	for (f = 0; want_counts && f < FACET_COUNT; f++) {
		jsonw_key(&w, facets[f]);
		facet_counts(req, &w, res.groups, res.ngroups, q, f);
	}
	jsonw_close(&w);
	jsonw_close(&w);
	*out = (struct reply_cached){ 0 };
	out->body = jsonw_text(&w, &out->len);
	return GZF_OK;
}

/* GET /api/v1/listings?city=&district=&layout=&area_min=&area_max=&rent_min=&rent_max=
 *   &fitted=0|1&transport=1&q=&sort=newest|rent|-rent|area|-area&page=&per_page=&counts=0
 * The generation is read before the search: a reply kept under it is never older than
 * the data that generation stands for. */
static int
listings_search(struct http_req *req)
{
	struct listing_query q;
	struct reply_cached r;
	struct db_conn *c;
	int64_t want_counts, gen;
	const char *key;
	int rc;

	if ((rc = parse_query(req, &q)) != GZF_OK ||
	    (rc = api_query_int(req, "counts", 0, 1, 1, &want_counts)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = housing_store_listing_generation(c, q.city_id, &gen, &req->err)) != GZF_OK)
		return rc;
	key = search_key(req, &q, want_counts, gen);
	if (!reply_cache_get(key, req->arena, &r)) {
		if ((rc = search_compute(req, c, &q, gen, want_counts, &r)) != GZF_OK)
			return rc;
		reply_cache_put(key, &r);
	}
	return reply_cache_send(req, key, &r);
}

/* GET /api/v1/listings/:id — a listing, its estate (photos, position, facilities,
 * transport) and the estate's other available units. */
static int
listing_get(struct http_req *req)
{
	struct listing_query q = { .fitted = -1, .transport = -1, .sort = LISTING_RENT, .limit = 50 };
	struct db_conn *c;
	struct estate e;
	struct unit u, *others;
	int64_t id, total;
	json_t *items;
	int rc, n, i;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK)
		return rc;
	rc = housing_store_unit_get(c, id, &u, &req->err);
	if (rc == GZF_OK && !u.listed)
		rc = GZF_ENOTFOUND;
	if (rc == GZF_ENOTFOUND)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "listing_not_found", NULL, "no such listing");
	if (rc != GZF_OK || (rc = housing_store_estate_get(c, u.estate_id, &e, &req->err)) != GZF_OK)
		return rc;
	q.city_id = u.city_id;
	q.estate_id = u.estate_id;
	q.exclude_id = u.id;
	if ((rc = housing_store_listing_search(c, &q, &others, &n, &total, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, api_unit_json(&others[i], 0));
	return http_reply_json(req, 200, json_pack("{s:o, s:o, s:o, s:I}", "listing", api_unit_json(&u, 0),
		"estate", api_estate_json(&e, 0), "others", items, "others_total", (json_int_t)total));
}
