/*
 * listings.c — the public listings search (listings.h). A city's listings are held as an
 * immutable snapshot of its generation: one record per listing (its group of the four
 * facets, rent, area, publication time, ids, the texts it shows), sorted by rent, the
 * distinct groups, and two index arrays in the other orders a search sorts by (newest;
 * area — a descending sort walks the ascending order backwards, the ties broken by id
 * both ways as the database does). Snapshots are shared between threads by reference
 * count; another generation's replaces its city's, and the last search using the old
 * one frees it.
 */
#include "domain/listings.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512   /* cities kept at once, at most; a power of two */
#define PROBE 8     /* the slots a city may be kept in, from its hash on */
#define NO_TEXT UINT32_MAX

/* A listing: what a search filters and sorts on, and what its reply shows; text as
 * offsets into the snapshot's pool, where each distinct text is kept once. */
struct rec {
	int64_t id, published_at, estate_id, building_id;
	int32_t rent_fen, area_dm2, usable_area_dm2, floor;
	uint32_t group;
	uint32_t estate_name, building_name, address, unit_no, orientation;
};

struct snapshot {
	uint64_t db;                     /* db_serial */
	int64_t city_id, gen;
	atomic_int refs;
	int n, ngroups;
	struct rec *recs;                /* by rent, then id */
	uint32_t *order[2];              /* recs newest first; by area, then id */
	struct listing_group *groups;    /* count unused; text in the pool */
	char *pool;
	size_t bytes;
};

enum { BY_NEWEST, BY_AREA };

/* The text at offset off of s's pool; NULL for NO_TEXT. */
static const char *
text_at(const struct snapshot *s, uint32_t off)
{
	return off == NO_TEXT ? NULL : s->pool + off;
}

static struct snapshot *slots[SLOTS];
static size_t kept_bytes;
static int kept_cities;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int
listing_group_matches(const struct listing_group *g, const struct listing_query *q, int skip)
{
	return (skip == FACET_DISTRICT || !q->district_code || g->district_code == q->district_code) &&
	       (skip == FACET_LAYOUT || !q->layout || strcmp(g->layout, q->layout) == 0) &&
	       (skip == FACET_FITTED || q->fitted < 0 || g->fitted == q->fitted) &&
	       (skip == FACET_TRANSPORT || q->transport < 0 || g->transport == q->transport);
}

static void
snapshot_release(struct snapshot *s)
{
	if (s != NULL && atomic_fetch_sub(&s->refs, 1) == 1) {
		free(s->recs);
		free(s->order[0]);
		free(s->groups);
		free(s->pool);
		free(s);
	}
}

static size_t
slot_of(uint64_t db, int64_t city_id)
{
	return (size_t)(((uint64_t)city_id ^ db << 48) * 0x9E3779B97F4A7C15ULL >> 55) & (SLOTS - 1);
}

/* The slot holding database db's city_id: one of the PROBE slots from its hash; NULL
 * when none does. Under the lock. */
static struct snapshot **
slot_find(uint64_t db, int64_t city_id)
{
	size_t i, at = slot_of(db, city_id);

	for (i = 0; i < PROBE; i++) {
		struct snapshot **slot = &slots[(at + i) & (SLOTS - 1)];

		if (*slot != NULL && (*slot)->db == db && (*slot)->city_id == city_id)
			return slot;
	}
	return NULL;
}

/* The kept snapshot of database db's city_id at generation gen, referenced; NULL when
 * none. Only that generation: a database restored from a backup counts again from an
 * older one, and its first search of the city replaces what is kept. */
static struct snapshot *
kept_get(uint64_t db, int64_t city_id, int64_t gen)
{
	struct snapshot **slot, *s = NULL;

	pthread_mutex_lock(&lock);
	if ((slot = slot_find(db, city_id)) != NULL && (*slot)->gen == gen) {
		s = *slot;
		atomic_fetch_add(&s->refs, 1);
	}
	pthread_mutex_unlock(&lock);
	return s;
}

/* Keep s: in place of its city's snapshot (a newer one just read by another thread
 * costs the city one more read), else in a free slot of its PROBE, else in place of
 * another database's or, last, of the city at its hash — unless the memory bound would
 * be passed. */
static void
kept_put(struct snapshot *s)
{
	struct snapshot **slot, *old = NULL;
	size_t i, at = slot_of(s->db, s->city_id), freed;

	pthread_mutex_lock(&lock);
	if ((slot = slot_find(s->db, s->city_id)) == NULL) {
		for (i = 0; i < PROBE && slot == NULL; i++)
			if (slots[(at + i) & (SLOTS - 1)] == NULL)
				slot = &slots[(at + i) & (SLOTS - 1)];
		for (i = 0; i < PROBE && slot == NULL; i++)
			if (slots[(at + i) & (SLOTS - 1)]->db != s->db)
				slot = &slots[(at + i) & (SLOTS - 1)];
		if (slot == NULL)
			slot = &slots[at];
	}
	freed = *slot != NULL ? (*slot)->bytes : 0;
	if (*slot != s && kept_bytes - freed + s->bytes <= LISTINGS_KEPT_MAX_BYTES) {
		old = *slot;
		kept_bytes = kept_bytes - freed + s->bytes;
		kept_cities += old == NULL;
		atomic_fetch_add(&s->refs, 1);
		*slot = s;
	}
	pthread_mutex_unlock(&lock);
	snapshot_release(old);
}

void
listings_kept(int *cities, size_t *bytes)
{
	pthread_mutex_lock(&lock);
	*cities = kept_cities;
	*bytes = kept_bytes;
	pthread_mutex_unlock(&lock);
}

/* The orders, as the database sorts: published_at DESC, id DESC; rent_fen, id;
 * floor_area_dm2, id. */
static int
by_newest(const void *a, const void *b, void *recs)
{
	const struct rec *x = (const struct rec *)recs + *(const uint32_t *)a;
	const struct rec *y = (const struct rec *)recs + *(const uint32_t *)b;

	if (x->published_at != y->published_at)
		return x->published_at > y->published_at ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

static int
by_rent(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->rent_fen != y->rent_fen)
		return x->rent_fen < y->rent_fen ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
by_area(const void *a, const void *b, void *recs)
{
	const struct rec *x = (const struct rec *)recs + *(const uint32_t *)a;
	const struct rec *y = (const struct rec *)recs + *(const uint32_t *)b;

	if (x->area_dm2 != y->area_dm2)
		return x->area_dm2 < y->area_dm2 ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The text of a snapshot being built: each distinct text once in buf, found through an
 * open-addressing table of size (a power of two) entries, each 0 (free) or an offset + 1. */
struct text_pool {
	char *buf;
	size_t len, cap;
	uint32_t *table;
	size_t size;
	int failed;   /* out of memory */
};


/* The offset of text in t->buf, added when new; NO_TEXT for NULL. */
static uint32_t
text_of(struct text_pool *t, const char *text)
{
	size_t i, n;

	if (text == NULL)
		return NO_TEXT;
	for (i = gzf_hash_text(text) & (t->size - 1); t->table[i] != 0; i = (i + 1) & (t->size - 1))
		if (strcmp(t->buf + t->table[i] - 1, text) == 0)
			return t->table[i] - 1;
	n = strlen(text) + 1;
	if (t->len + n > t->cap) {
		size_t cap = (t->cap + n) * 2;
		char *buf = cap <= UINT32_MAX - 1 ? realloc(t->buf, cap) : NULL;

		if (buf == NULL) {
			t->failed = 1;
			return 0;
		}
		t->buf = buf;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, text, n);
	t->table[i] = (uint32_t)t->len + 1;
	t->len += n;
	return t->table[i] - 1;
}

/* The groups of a snapshot being built, found through an open-addressing table as
 * text_pool's; a group's layout and district name are pool offsets until the pool is
 * complete. */
struct group_table {
	struct listing_group *groups;
	uint32_t *layout, *district_name;
	int n;
	uint32_t *table;
	size_t size;
};

/* The group of unit u (its layout's offset layout, its district name's name), added when
 * new. */
static uint32_t
group_of(struct group_table *t, const struct unit *u, uint32_t layout, uint32_t name)
{
	uint64_t h = ((uint64_t)u->district_code * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)layout << 2) ^
		     (uint64_t)(u->fitted * 2 + u->near_transport);
	size_t i;

	for (i = (h ^ h >> 29) & (t->size - 1); t->table[i] != 0; i = (i + 1) & (t->size - 1)) {
		uint32_t g = t->table[i] - 1;

		if (t->groups[g].district_code == u->district_code && t->layout[g] == layout &&
		    t->groups[g].fitted == u->fitted && t->groups[g].transport == u->near_transport)
			return g;
	}
	t->groups[t->n] = (struct listing_group){ .district_code = u->district_code,
						  .fitted = u->fitted, .transport = u->near_transport };
	t->layout[t->n] = layout;
	t->district_name[t->n] = name;
	t->table[i] = (uint32_t)++t->n;
	return t->table[i] - 1;
}

/* A snapshot of the n listed units u of city_id at generation gen; NULL when out of
 * memory. */
static struct snapshot *
snapshot_build(uint64_t db, int64_t city_id, int64_t gen, const struct unit *u, int n)
{
	struct snapshot *s = calloc(1, sizeof(*s));
	struct group_table g = { .size = 16 };
	struct text_pool t = { .size = 16 };
	int i;

	while (g.size < 2 * (size_t)n)
		g.size *= 2;
	while (t.size < 16 * (size_t)n)
		t.size *= 2;
	g.groups = malloc(sizeof(*g.groups) * (size_t)(n + 1));
	g.layout = malloc(sizeof(uint32_t) * 2 * (size_t)(n + 1));
	g.district_name = g.layout + n + 1;
	g.table = calloc(g.size, sizeof(*g.table));
	t.table = calloc(t.size, sizeof(*t.table));
	if (s == NULL || g.groups == NULL || g.layout == NULL || g.table == NULL || t.table == NULL ||
	    (s->recs = malloc(sizeof(*s->recs) * (size_t)(n + 1))) == NULL ||
	    (s->order[0] = malloc(sizeof(uint32_t) * 2 * (size_t)(n + 1))) == NULL)
		goto fail;
	s->db = db;
	s->city_id = city_id;
	s->gen = gen;
	atomic_init(&s->refs, 1);
	s->n = n;
	s->order[1] = s->order[0] + n;
	for (i = 0; i < n; i++) {
		uint32_t layout = text_of(&t, u[i].layout), name = text_of(&t, u[i].district_name);

		s->recs[i] = (struct rec){
			.id = u[i].id, .published_at = u[i].published_at, .estate_id = u[i].estate_id,
			.building_id = u[i].building_id, .rent_fen = (int32_t)u[i].rent_fen,
			.area_dm2 = (int32_t)u[i].floor_area_dm2,
			.usable_area_dm2 = (int32_t)u[i].usable_area_dm2, .floor = (int32_t)u[i].floor,
			.group = group_of(&g, &u[i], layout, name),
			.estate_name = text_of(&t, u[i].estate_name),
			.building_name = text_of(&t, u[i].building_name),
			.address = text_of(&t, u[i].address), .unit_no = text_of(&t, u[i].unit_no),
			.orientation = text_of(&t, u[i].orientation),
		};
	}
	if (t.failed || (s->groups = malloc(sizeof(*s->groups) * (size_t)(g.n + 1))) == NULL)
		goto fail;
	s->pool = t.buf;
	t.buf = NULL;
	s->ngroups = g.n;
	for (i = 0; i < g.n; i++) {
		s->groups[i] = g.groups[i];
		s->groups[i].layout = text_at(s, g.layout[i]);
		s->groups[i].district_name = text_at(s, g.district_name[i]);
	}
	qsort(s->recs, (size_t)n, sizeof(*s->recs), by_rent);
	for (i = 0; i < n; i++)
		s->order[BY_NEWEST][i] = s->order[BY_AREA][i] = (uint32_t)i;
	qsort_r(s->order[BY_NEWEST], (size_t)n, sizeof(uint32_t), by_newest, s->recs);
	qsort_r(s->order[BY_AREA], (size_t)n, sizeof(uint32_t), by_area, s->recs);
	s->bytes = sizeof(*s) + (sizeof(struct rec) + 2 * sizeof(uint32_t)) * (size_t)n +
		   sizeof(*s->groups) * (size_t)g.n + t.len;
	free(g.groups);
	free(g.layout);
	free(g.table);
	free(t.table);
	return s;
fail:
	free(g.groups);
	free(g.layout);
	free(g.table);
	free(t.table);
	free(t.buf);
	if (s != NULL) {
		atomic_init(&s->refs, 1);
		snapshot_release(s);
	}
	return NULL;
}

/* The snapshot of city_id at gen: kept, or read now (and kept, unless the city has no
 * listing: its generation is not known then). What is read now may be of a newer
 * generation than gen, which is as good for the search (never older than gen). */
static int
snapshot_for(struct db_conn *c, int64_t city_id, int64_t gen, struct snapshot **out,
	     struct gzf_err *err)
{
	struct unit *units;
	int64_t read_gen;
	int rc, n;

	if ((*out = kept_get(db_serial(c), city_id, gen)) != NULL)
		return GZF_OK;
	if ((rc = housing_store_listing_units(c, city_id, &read_gen, &units, &n, err)) != GZF_OK)
		return rc;
	if ((*out = snapshot_build(db_serial(c), city_id, read_gen >= 0 ? read_gen : gen, units, n)) == NULL)
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "out of memory");
	if (read_gen >= 0)
		kept_put(*out);
	return GZF_OK;
}

/* q searches only what a snapshot holds. */
static int
snapshot_serves(const struct listing_query *q)
{
	return q->city_id != 0 && (q->text == NULL || *q->text == '\0') && q->estate_id == 0 &&
	       q->exclude_id == 0;
}

/* A copy of what r shows, as a listed unit, in a. */
static void
unit_of(struct arena *a, const struct snapshot *s, const struct rec *r, struct unit *u)
{
	const struct listing_group *g = &s->groups[r->group];
	const char *text;

	*u = (struct unit){
		.id = r->id, .city_id = s->city_id, .estate_id = r->estate_id,
		.building_id = r->building_id, .district_code = g->district_code,
		.layout = arena_strdup(a, g->layout), .floor_area_dm2 = r->area_dm2,
		.usable_area_dm2 = r->usable_area_dm2, .floor = r->floor, .fitted = g->fitted,
		.rent_fen = r->rent_fen, .near_transport = g->transport, .status = "vacant",
		.published = 1, .published_at = r->published_at, .listed = 1,
	};
	u->district_name = g->district_name ? arena_strdup(a, g->district_name) : NULL;
	u->unit_no = (text = text_at(s, r->unit_no)) ? arena_strdup(a, text) : NULL;
	u->orientation = (text = text_at(s, r->orientation)) ? arena_strdup(a, text) : NULL;
	u->estate_name = (text = text_at(s, r->estate_name)) ? arena_strdup(a, text) : NULL;
	u->building_name = (text = text_at(s, r->building_name)) ? arena_strdup(a, text) : NULL;
	u->address = (text = text_at(s, r->address)) ? arena_strdup(a, text) : NULL;
}

/* The first of recs[0 .. n-1] (by rent) with a rent of at least fen. */
static int
rent_from(const struct rec *recs, int n, int64_t fen)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (recs[mid].rent_fen < fen)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The search over snapshot s: the page's ids, the total and, with counts, the groups.
 * One pass over the listings of q's rent range counts the groups and finds the listings
 * passing every filter, in rent order; a search sorted otherwise sorts what it found
 * when that is a small share of the city, else walks the city in its order as far as
 * the page's end. */
static void
snapshot_search(struct db_conn *c, const struct snapshot *s, const struct listing_query *q,
		int want_counts, struct listing_result *out)
{
	struct arena *a = db_arena(c);
	int64_t *counts = arena_alloc(a, sizeof(int64_t) * (size_t)(s->ngroups + 1));
	char *full = arena_alloc(a, (size_t)s->ngroups + 1);
	int64_t amin = q->area_min_dm2, amax = q->area_max_dm2 > 0 ? q->area_max_dm2 : INT64_MAX;
	int64_t from = q->offset, to = (int64_t)q->offset + q->limit;
	int lo = q->rent_min_fen > 0 ? rent_from(s->recs, s->n, q->rent_min_fen) : 0;
	int hi = q->rent_max_fen > 0 ? rent_from(s->recs, s->n, q->rent_max_fen + 1) : s->n;
	uint32_t *found = arena_alloc(a, sizeof(uint32_t) * (size_t)(hi > lo ? hi - lo : 1));
	uint32_t page[LISTING_PAGE_MAX];
	int i, g, nfound = 0, npage = 0;

	for (g = 0; g < s->ngroups; g++) {
		counts[g] = 0;
		full[g] = (char)listing_group_matches(&s->groups[g], q, -1);
	}
	for (i = lo; i < hi; i++) {
		const struct rec *r = &s->recs[i];

		if (r->area_dm2 < amin || r->area_dm2 > amax)
			continue;
		counts[r->group]++;
		if (full[r->group])
			found[nfound++] = (uint32_t)i;
	}
	out->total = nfound;
	if (q->sort == LISTING_RENT || q->sort == LISTING_RENT_DESC) {
		for (i = (int)from; i < nfound && i < to; i++)
			page[npage++] = found[q->sort == LISTING_RENT ? i : nfound - 1 - i];
	} else if (nfound <= s->n / 8) {
		int backwards = q->sort == LISTING_AREA_DESC;

		qsort_r(found, (size_t)nfound, sizeof(uint32_t),
			q->sort == LISTING_NEWEST ? by_newest : by_area, s->recs);
		for (i = (int)from; i < nfound && i < to; i++)
			page[npage++] = found[backwards ? nfound - 1 - i : i];
	} else {
		const uint32_t *order = s->order[q->sort == LISTING_NEWEST ? BY_NEWEST : BY_AREA];
		int backwards = q->sort == LISTING_AREA_DESC;
		int64_t pos = 0;

		for (i = 0; i < s->n && pos < to; i++) {
			uint32_t k = order[backwards ? s->n - 1 - i : i];
			const struct rec *r = &s->recs[k];

			if (!full[r->group] || r->area_dm2 < amin || r->area_dm2 > amax ||
			    (q->rent_min_fen > 0 && r->rent_fen < q->rent_min_fen) ||
			    (q->rent_max_fen > 0 && r->rent_fen > q->rent_max_fen))
				continue;
			if (pos++ >= from)
				page[npage++] = k;
		}
	}
	out->units = arena_alloc(a, sizeof(*out->units) * (size_t)(npage + 1));
	for (i = 0; i < npage; i++)
		unit_of(a, s, &s->recs[page[i]], &out->units[out->n++]);
	if (!want_counts)
		return;
	out->groups = arena_alloc(a, sizeof(*out->groups) * (size_t)(s->ngroups + 1));
	for (g = 0; g < s->ngroups; g++)
		if (counts[g] > 0) {
			out->groups[out->ngroups] = s->groups[g];
			out->groups[out->ngroups].district_name =
				s->groups[g].district_name ? arena_strdup(a, s->groups[g].district_name) : NULL;
			out->groups[out->ngroups].layout = arena_strdup(a, s->groups[g].layout);
			out->groups[out->ngroups++].count = counts[g];
		}
}

int
listings_find(struct db_conn *c, const struct listing_query *q, int64_t gen, int want_counts,
	      struct listing_result *out, struct gzf_err *err)
{
	struct snapshot *s;
	int rc, i;

	assert(q->limit > 0 && q->limit <= LISTING_PAGE_MAX);
	memset(out, 0, sizeof(*out));
	out->gen = gen;
	if (!snapshot_serves(q)) {
		if (want_counts) {
			if ((rc = housing_store_listing_groups(c, q, &out->groups, &out->ngroups, err)) != GZF_OK)
				return rc;
			for (i = 0; i < out->ngroups; i++)
				if (listing_group_matches(&out->groups[i], q, -1))
					out->total += out->groups[i].count;
		}
		return housing_store_listing_search(c, q, &out->units, &out->n,
						    want_counts ? NULL : &out->total, err);
	}
	if ((rc = snapshot_for(c, q->city_id, gen, &s, err)) != GZF_OK)
		return rc;
	out->gen = s->gen;
	snapshot_search(c, s, q, want_counts, out);
	snapshot_release(s);
	return GZF_OK;
}
