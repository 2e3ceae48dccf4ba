/*
 * housing.c — estates, buildings and units, and the public listings search. The search
 * SQL is assembled from fixed fragments (one per filter given), always with $n
 * parameters, so each combination of filters is its own cached prepared statement and
 * can use the partial "listed" indexes.
 */
#include "store/housing_store.h"
#include "store/db_text.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQL_MAX 3072
#define ARGS_MAX 24

/* A statement being assembled: text and parameters. */
struct sqlb {
	char sql[SQL_MAX];
	size_t len;
	struct db_val args[ARGS_MAX];
	int nargs;
};

static void sb_add(struct sqlb *b, const char *text);
static void sb_cond(struct sqlb *b, const char *before, struct db_val v, const char *after);
static void listing_where(struct db_conn *c, struct sqlb *b, const struct listing_query *q,
			  int facets);
static void estate_from_row(const struct db_res *r, int row, struct estate *e);
static void unit_from_row(const struct db_res *r, int row, struct unit *u);
static int units_query(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
		       struct unit **out, int *n, struct gzf_err *err);

#define ESTATE_COLUMNS \
	"e.id, e.city_id, e.region_code, e.region_path, r.name, e.name, e.address," \
	" e.lng_e6, e.lat_e6, e.facilities, e.transport, e.near_transport, e.photos," \
	" COALESCE(e.created_by, 0), e.created_at, e.updated_at," \
	" (SELECT COUNT(*) FROM units x WHERE x.estate_id = e.id)," \
	" (SELECT COUNT(*) FROM units x WHERE x.estate_id = e.id AND x.listed = 1)"
#define ESTATE_FROM " FROM estates e JOIN regions r ON r.code = e.region_code"

#define UNIT_COLUMNS \
	"u.id, u.city_id, u.estate_id, u.building_id, u.district_code, u.region_path," \
	" u.unit_no, u.layout, u.floor_area_dm2, u.usable_area_dm2, u.floor, u.orientation," \
	" u.fitted, u.rent_fen, u.near_transport, u.status, u.published," \
	" COALESCE(u.published_at, 0), u.listed, u.created_at, u.updated_at," \
	" e.name, b.name, e.address, d.name"
#define UNIT_FROM \
	" FROM units u JOIN estates e ON e.id = u.estate_id" \
	" JOIN buildings b ON b.id = u.building_id" \
	" LEFT JOIN regions d ON d.code = u.district_code"

/* listed follows status and publication. */
#define LISTED_SET " listed = CASE WHEN published = 1 AND status = 'vacant' THEN 1 ELSE 0 END"

static void
sb_add(struct sqlb *b, const char *text)
{
	size_t n = strlen(text);

	/* The fragments are fixed; overflowing means a programming error. */
	if (b->len + n + 1 > sizeof(b->sql))
		abort();
	memcpy(b->sql + b->len, text, n + 1);
	b->len += n;
}

/* Append before "$k" after, binding v as parameter k. */
static void
sb_cond(struct sqlb *b, const char *before, struct db_val v, const char *after)
{
	char num[16];

	if (b->nargs >= ARGS_MAX)
		abort();
	b->args[b->nargs++] = v;
	snprintf(num, sizeof(num), "$%d", b->nargs);
	sb_add(b, before);
	sb_add(b, num);
	sb_add(b, after);
}

static void
estate_from_row(const struct db_res *r, int row, struct estate *e)
{
	e->id = db_res_int(r, row, 0);
	e->city_id = db_res_int(r, row, 1);
	e->region_code = db_res_int(r, row, 2);
	e->region_path = db_res_text(r, row, 3);
	e->region_name = db_res_text(r, row, 4);
	e->name = db_res_text(r, row, 5);
	e->address = db_res_text(r, row, 6);
	e->has_position = !db_res_isnull(r, row, 7) && !db_res_isnull(r, row, 8);
	e->lng_e6 = e->has_position ? db_res_int(r, row, 7) : 0;
	e->lat_e6 = e->has_position ? db_res_int(r, row, 8) : 0;
	e->facilities = db_res_text(r, row, 9);
	e->transport = db_res_text(r, row, 10);
	e->near_transport = (int)db_res_int(r, row, 11);
	e->photos = db_res_text(r, row, 12);
	e->created_by = db_res_int(r, row, 13);
	e->created_at = db_res_int(r, row, 14);
	e->updated_at = db_res_int(r, row, 15);
	e->units_total = r->ncols > 16 ? db_res_int(r, row, 16) : 0;
	e->units_listed = r->ncols > 17 ? db_res_int(r, row, 17) : 0;
}

static void
unit_from_row(const struct db_res *r, int row, struct unit *u)
{
	u->id = db_res_int(r, row, 0);
	u->city_id = db_res_int(r, row, 1);
	u->estate_id = db_res_int(r, row, 2);
	u->building_id = db_res_int(r, row, 3);
	u->district_code = db_res_int(r, row, 4);
	u->region_path = db_res_text(r, row, 5);
	u->unit_no = db_res_text(r, row, 6);
	u->layout = db_res_text(r, row, 7);
	u->floor_area_dm2 = db_res_int(r, row, 8);
	u->usable_area_dm2 = db_res_int(r, row, 9);
	u->floor = db_res_int(r, row, 10);
	u->orientation = db_res_text(r, row, 11);
	u->fitted = (int)db_res_int(r, row, 12);
	u->rent_fen = db_res_int(r, row, 13);
	u->near_transport = (int)db_res_int(r, row, 14);
	u->status = db_res_text(r, row, 15);
	u->published = (int)db_res_int(r, row, 16);
	u->published_at = db_res_int(r, row, 17);
	u->listed = (int)db_res_int(r, row, 18);
	u->created_at = db_res_int(r, row, 19);
	u->updated_at = db_res_int(r, row, 20);
	u->estate_name = db_res_text(r, row, 21);
	u->building_name = db_res_text(r, row, 22);
	u->address = db_res_text(r, row, 23);
	u->district_name = db_res_text(r, row, 24);
}

static int
units_query(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
	    struct unit **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	struct unit *list;
	int rc, i;

	if ((rc = db_query(c, sql, args, nargs, &r, err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		unit_from_row(r, i, &list[i]);
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
housing_store_estate_save(struct db_conn *c, const struct estate *e, int upsert, int64_t *id,
		  struct gzf_err *err)
{
	const char *search = arena_printf(db_arena(c), "%s %s %s %s", e->name,
					  e->address ? e->address : "", e->facilities ? e->facilities : "",
					  e->transport ? e->transport : "");
	struct db_res *r;
	int rc;

	rc = db_query(c, upsert ?
		"INSERT INTO estates (city_id, region_code, region_path, name, address, lng_e6, lat_e6,"
		" facilities, transport, near_transport, photos, search_text, created_by, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)"
		" ON CONFLICT (city_id, name) DO UPDATE SET region_code = excluded.region_code,"
		" region_path = excluded.region_path, address = excluded.address,"
		" lng_e6 = excluded.lng_e6, lat_e6 = excluded.lat_e6, facilities = excluded.facilities,"
		" transport = excluded.transport, near_transport = excluded.near_transport,"
		" search_text = excluded.search_text, updated_at = excluded.updated_at RETURNING id" :
		"INSERT INTO estates (city_id, region_code, region_path, name, address, lng_e6, lat_e6,"
		" facilities, transport, near_transport, photos, search_text, created_by, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
		DB_ARGS(DB_I(e->city_id), DB_I(e->region_code), DB_T(e->region_path), DB_T(e->name),
			DB_T(e->address ? e->address : ""),
			e->has_position ? DB_I(e->lng_e6) : DB_NULLV, e->has_position ? DB_I(e->lat_e6) : DB_NULLV,
			DB_T(e->facilities ? e->facilities : ""), DB_T(e->transport ? e->transport : ""),
			DB_I(e->near_transport), DB_T(e->photos ? e->photos : "[]"), DB_T(search),
			e->created_by ? DB_I(e->created_by) : DB_NULLV, DB_I(e->created_at)),
		&r, err);
	if (rc == GZF_ECONFLICT)
		return gzf_err_set(err, GZF_ECONFLICT, "estate_exists", "name",
				   "an estate named %s already exists in this city", e->name);
	if (rc != GZF_OK)
		return rc;
	/* An upsert that changed the estate's district moves its units with it. */
	*id = db_res_int(r, 0, 0);
	if (upsert)
		rc = db_exec(c, "UPDATE units SET region_path = $2, district_code = $3"
			     " WHERE estate_id = $1 AND region_path <> $2",
			     DB_ARGS(DB_I(*id), DB_T(e->region_path), DB_I(e->district_code)), NULL, err);
	return rc;
}

int
housing_store_estate_update(struct db_conn *c, const struct estate *e, struct gzf_err *err)
{
	const char *search = arena_printf(db_arena(c), "%s %s %s %s", e->name, e->address,
					  e->facilities, e->transport);
	int rc;

	rc = db_exec(c, "UPDATE estates SET address = $2, lng_e6 = $3, lat_e6 = $4, facilities = $5,"
		     " transport = $6, near_transport = $7, photos = $8, search_text = $9, updated_at = $10"
		     " WHERE id = $1",
		     DB_ARGS(DB_I(e->id), DB_T(e->address), e->has_position ? DB_I(e->lng_e6) : DB_NULLV,
			     e->has_position ? DB_I(e->lat_e6) : DB_NULLV, DB_T(e->facilities),
			     DB_T(e->transport), DB_I(e->near_transport), DB_T(e->photos), DB_T(search),
			     DB_I(gzf_now_ms())), NULL, err);
	if (rc == GZF_OK)
		rc = db_exec(c, "UPDATE units SET near_transport = $2 WHERE estate_id = $1",
			     DB_ARGS(DB_I(e->id), DB_I(e->near_transport)), NULL, err);
	return rc;
}

int
housing_store_estate_get(struct db_conn *c, int64_t id, struct estate *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " ESTATE_COLUMNS ESTATE_FROM " WHERE e.id = $1",
		      DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "estate_not_found", NULL, "no such estate");
	estate_from_row(r, 0, out);
	return GZF_OK;
}

int
housing_store_estate_list(struct db_conn *c, const char *path, int limit, int64_t after_id,
		  struct estate **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	struct estate *list;
	int rc, i;

	rc = db_query(c, "SELECT " ESTATE_COLUMNS ESTATE_FROM
		      " WHERE e.region_path LIKE $1 || '%' AND e.id > $2 ORDER BY e.id LIMIT $3",
		      DB_ARGS(DB_T(path), DB_I(after_id), DB_I(limit)), &r, err);
	if (rc != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		estate_from_row(r, i, &list[i]);
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
housing_store_building_save(struct db_conn *c, const struct building *b, int upsert, int64_t *id,
		    struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, upsert ?
		"INSERT INTO buildings (city_id, estate_id, name, floors, created_at) VALUES ($1, $2, $3, $4, $5)"
		" ON CONFLICT (estate_id, name) DO UPDATE SET floors ="
		" CASE WHEN excluded.floors > buildings.floors THEN excluded.floors ELSE buildings.floors END"
		" RETURNING id" :
		"INSERT INTO buildings (city_id, estate_id, name, floors, created_at) VALUES ($1, $2, $3, $4, $5)"
		" RETURNING id",
		DB_ARGS(DB_I(b->city_id), DB_I(b->estate_id), DB_T(b->name), DB_I(b->floors),
			DB_I(gzf_now_ms())), &r, err);
	if (rc == GZF_ECONFLICT)
		return gzf_err_set(err, GZF_ECONFLICT, "building_exists", "name",
				   "this estate already has a building named %s", b->name);
	if (rc != GZF_OK)
		return rc;
	*id = db_res_int(r, 0, 0);
	return GZF_OK;
}

int
housing_store_building_get(struct db_conn *c, int64_t id, struct building *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT id, city_id, estate_id, name, floors FROM buildings WHERE id = $1",
		      DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "building_not_found", "building_id",
				   "no such building");
	*out = (struct building){ db_res_int(r, 0, 0), db_res_int(r, 0, 1), db_res_int(r, 0, 2),
				  db_res_text(r, 0, 3), db_res_int(r, 0, 4) };
	return GZF_OK;
}

int
housing_store_building_list(struct db_conn *c, int64_t estate_id, struct building **out, int *n,
		    struct gzf_err *err)
{
	struct db_res *r;
	struct building *list;
	int rc, i;

	rc = db_query(c, "SELECT id, city_id, estate_id, name, floors FROM buildings"
		      " WHERE estate_id = $1 ORDER BY name", DB_ARGS(DB_I(estate_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		list[i] = (struct building){ db_res_int(r, i, 0), db_res_int(r, i, 1), db_res_int(r, i, 2),
					     db_res_text(r, i, 3), db_res_int(r, i, 4) };
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
housing_store_unit_save(struct db_conn *c, const struct unit *u, int upsert, int64_t *id,
		struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	assert(u->city_id > 0 && u->estate_id > 0 && u->building_id > 0);
	rc = db_query(c, upsert ?
		"INSERT INTO units (city_id, estate_id, building_id, district_code, region_path, unit_no,"
		" layout, floor_area_dm2, usable_area_dm2, floor, orientation, fitted, rent_fen,"
		" near_transport, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)"
		" ON CONFLICT (building_id, unit_no) DO UPDATE SET layout = excluded.layout,"
		" floor_area_dm2 = excluded.floor_area_dm2, usable_area_dm2 = excluded.usable_area_dm2,"
		" floor = excluded.floor, orientation = excluded.orientation, fitted = excluded.fitted,"
		" rent_fen = excluded.rent_fen, near_transport = excluded.near_transport,"
		" district_code = excluded.district_code, region_path = excluded.region_path,"
		" updated_at = excluded.updated_at RETURNING id" :
		"INSERT INTO units (city_id, estate_id, building_id, district_code, region_path, unit_no,"
		" layout, floor_area_dm2, usable_area_dm2, floor, orientation, fitted, rent_fen,"
		" near_transport, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
		DB_ARGS(DB_I(u->city_id), DB_I(u->estate_id), DB_I(u->building_id), DB_I(u->district_code),
			DB_T(u->region_path), DB_T(u->unit_no), DB_T(u->layout), DB_I(u->floor_area_dm2),
			DB_I(u->usable_area_dm2), DB_I(u->floor), DB_T(u->orientation ? u->orientation : ""),
			DB_I(u->fitted), DB_I(u->rent_fen), DB_I(u->near_transport), DB_I(u->created_at)),
		&r, err);
	if (rc == GZF_ECONFLICT)
		return gzf_err_set(err, GZF_ECONFLICT, "unit_exists", "unit_no",
				   "this building already has a unit %s", u->unit_no);
	if (rc != GZF_OK)
		return rc;
	*id = db_res_int(r, 0, 0);
	return GZF_OK;
}

int
housing_store_unit_get(struct db_conn *c, int64_t id, struct unit *out, struct gzf_err *err)
{
	struct unit *list;
	int rc, n;

	rc = units_query(c, "SELECT " UNIT_COLUMNS UNIT_FROM " WHERE u.id = $1",
			 DB_ARGS(DB_I(id)), &list, &n, err);
	if (rc != GZF_OK)
		return rc;
	if (n == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "unit_not_found", NULL, "no such unit");
	*out = list[0];
	return GZF_OK;
}

int
housing_store_unit_list(struct db_conn *c, const char *path, int64_t estate_id, int limit,
		int64_t after_id, struct unit **out, int *n, struct gzf_err *err)
{
	if (estate_id != 0)
		return units_query(c, "SELECT " UNIT_COLUMNS UNIT_FROM
				   " WHERE u.estate_id = $1 AND u.region_path LIKE $2 || '%' AND u.id > $3"
				   " ORDER BY u.id LIMIT $4",
				   DB_ARGS(DB_I(estate_id), DB_T(path), DB_I(after_id), DB_I(limit)),
				   out, n, err);
	return units_query(c, "SELECT " UNIT_COLUMNS UNIT_FROM
			   " WHERE u.region_path LIKE $1 || '%' AND u.id > $2 ORDER BY u.id LIMIT $3",
			   DB_ARGS(DB_T(path), DB_I(after_id), DB_I(limit)), out, n, err);
}

int
housing_store_unit_set_status(struct db_conn *c, int64_t id, const char *status, int64_t now,
		      struct gzf_err *err)
{
	int rc = db_exec(c, "UPDATE units SET status = $2, updated_at = $3 WHERE id = $1",
			 DB_ARGS(DB_I(id), DB_T(status), DB_I(now)), NULL, err);

	assert(id > 0 && status != NULL);
	if (rc == GZF_OK)
		rc = db_exec(c, "UPDATE units SET" LISTED_SET " WHERE id = $1", DB_ARGS(DB_I(id)), NULL, err);
	return rc;
}

int
housing_store_unit_counts(struct db_conn *c, const char *path, int64_t *vacant, int64_t *unpublished,
			  struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN published = 0 THEN 1 ELSE 0 END), 0)"
		      " FROM units WHERE status = 'vacant' AND region_path LIKE $1",
		      DB_ARGS(DB_T(arena_printf(db_arena(c), "%s%%", path))), &r, err);
	if (rc != GZF_OK)
		return rc;
	*vacant = db_res_int(r, 0, 0);
	*unpublished = db_res_int(r, 0, 1);
	return GZF_OK;
}

int
housing_store_unit_set_published(struct db_conn *c, int64_t id, int published, int64_t now,
			 struct gzf_err *err)
{
	int rc = db_exec(c, "UPDATE units SET published = $2, published_at = $3, updated_at = $4"
			 " WHERE id = $1",
			 DB_ARGS(DB_I(id), DB_I(published), published ? DB_I(now) : DB_NULLV, DB_I(now)),
			 NULL, err);

	if (rc == GZF_OK)
		rc = db_exec(c, "UPDATE units SET" LISTED_SET " WHERE id = $1", DB_ARGS(DB_I(id)), NULL, err);
	return rc;
}

int
housing_store_estate_publish(struct db_conn *c, int64_t estate_id, int64_t now, int64_t *count,
		     struct gzf_err *err)
{
	return db_exec(c, "UPDATE units SET published = 1, published_at = $2, updated_at = $2, listed = 1"
		       " WHERE estate_id = $1 AND status = 'vacant' AND published = 0",
		       DB_ARGS(DB_I(estate_id), DB_I(now)), count, err);
}

/* A LIKE pattern finding text anywhere, with LIKE's own characters escaped. */
/* The WHERE clause of a search over units u: every filter of q, the four facet filters
 * (district, layout, fitted, transport) only when facets is set. */
static void
listing_where(struct db_conn *c, struct sqlb *b, const struct listing_query *q, int facets)
{
	struct arena *a = db_arena(c);
	int narrowed;

	sb_add(b, " WHERE u.listed = 1");
	if (q->city_id)
		sb_cond(b, " AND u.city_id = ", DB_I(q->city_id), "");
	if (q->district_code && facets)
		sb_cond(b, " AND u.district_code = ", DB_I(q->district_code), "");
	if (q->layout && facets)
		sb_cond(b, " AND u.layout = ", DB_T(q->layout), "");
	/* Narrowed by district or layout, the search reads units_listed from that prefix;
	 * "+ 0" keeps the planner from taking a rent or area range in another index instead
	 * (a third of a city, against a thirty-second). */
	narrowed = facets && (q->district_code || q->layout);
	if (q->area_min_dm2 > 0)
		sb_cond(b, narrowed ? " AND u.floor_area_dm2 + 0 >= " : " AND u.floor_area_dm2 >= ",
			DB_I(q->area_min_dm2), "");
	if (q->area_max_dm2 > 0)
		sb_cond(b, narrowed ? " AND u.floor_area_dm2 + 0 <= " : " AND u.floor_area_dm2 <= ",
			DB_I(q->area_max_dm2), "");
	if (q->rent_min_fen > 0)
		sb_cond(b, narrowed ? " AND u.rent_fen + 0 >= " : " AND u.rent_fen >= ", DB_I(q->rent_min_fen), "");
	if (q->rent_max_fen > 0)
		sb_cond(b, narrowed ? " AND u.rent_fen + 0 <= " : " AND u.rent_fen <= ", DB_I(q->rent_max_fen), "");
	if (q->fitted >= 0 && facets)
		sb_cond(b, " AND u.fitted = ", DB_I(q->fitted), "");
	if (q->transport >= 0 && facets)
		sb_cond(b, " AND u.near_transport = ", DB_I(q->transport), "");
	if (q->estate_id)
		sb_cond(b, " AND u.estate_id = ", DB_I(q->estate_id), "");
	if (q->exclude_id)
		sb_cond(b, " AND u.id <> ", DB_I(q->exclude_id), "");
	if (q->text && *q->text) {
		/* The estates of the city first (one index range), then the text among them
		 * with LIKE: a hundred or so estates cost less than SQLite's trigram index,
		 * which finds the text in every city. Without a city: the trigram index
		 * (SQLite, three characters or more; PostgreSQL's pg_trgm serves LIKE). */
		if (q->city_id)
			sb_cond(b, " AND u.estate_id IN (SELECT id FROM estates WHERE city_id = ",
				DB_I(q->city_id), " AND");
		else
			sb_add(b, " AND u.estate_id IN (SELECT id FROM estates WHERE");
		if (db_conn_backend(c) == DB_SQLITE && gzf_utf8_chars(q->text) >= 3 && !q->city_id)
			sb_cond(b, " id IN (SELECT rowid FROM estates_fts WHERE estates_fts MATCH ",
				DB_T(db_text_phrase(a, q->text)), "))");
		else
			sb_cond(b, " search_text LIKE ", DB_T(db_text_like(a, q->text)), " ESCAPE '\\')");
	}
}

int
housing_store_listing_search(struct db_conn *c, const struct listing_query *q, struct unit **out,
		     int *n, int64_t *total, struct gzf_err *err)
{
	/* The page's ids come from a covering index (the inner query): units_listed when
	 * district and layout narrow the search, else the index in the sort's order
	 * (migration 048), walked only as far as the page. */
	static const char *const order[] = {
		[LISTING_NEWEST] = " ORDER BY u.published_at DESC, u.id DESC",
		[LISTING_RENT] = " ORDER BY u.rent_fen, u.id",
		[LISTING_RENT_DESC] = " ORDER BY u.rent_fen DESC, u.id DESC",
		[LISTING_AREA] = " ORDER BY u.floor_area_dm2, u.id",
		[LISTING_AREA_DESC] = " ORDER BY u.floor_area_dm2 DESC, u.id DESC",
	};
	struct sqlb *b = arena_alloc(db_arena(c), sizeof(*b));
	struct db_res *r;
	int rc;

	if (total != NULL) {
		sb_add(b, "SELECT COUNT(*) FROM units u");
		listing_where(c, b, q, 1);
		if ((rc = db_query(c, b->sql, b->args, b->nargs, &r, err)) != GZF_OK)
			return rc;
		*total = db_res_int(r, 0, 0);
		memset(b, 0, sizeof(*b));
	}
	sb_add(b, "SELECT " UNIT_COLUMNS UNIT_FROM " WHERE u.id IN (SELECT u.id FROM units u");
	listing_where(c, b, q, 1);
	sb_add(b, order[q->sort]);
	sb_cond(b, " LIMIT ", DB_I(q->limit), "");
	sb_cond(b, " OFFSET ", DB_I(q->offset), ")");
	sb_add(b, order[q->sort]);
	return units_query(c, b->sql, b->args, b->nargs, out, n, err);
}

int
housing_store_listing_generation(struct db_conn *c, int64_t city_id, int64_t *gen,
				 struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT gen FROM listing_generations WHERE city_id = $1",
		      DB_ARGS(DB_I(city_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*gen = r->nrows > 0 ? db_res_int(r, 0, 0) : 0;
	return GZF_OK;
}

int
housing_store_listing_groups(struct db_conn *c, const struct listing_query *q,
		     struct listing_group **out, int *n, struct gzf_err *err)
{
	struct sqlb *b = arena_alloc(db_arena(c), sizeof(*b));
	struct listing_group *list;
	struct db_res *r;
	int rc, i;

	sb_add(b, "SELECT g.district_code, d.name, g.layout, g.fitted, g.near_transport, g.n FROM"
	       " (SELECT u.district_code, u.layout, u.fitted, u.near_transport, COUNT(*) AS n"
	       " FROM units u");
	listing_where(c, b, q, 0);
	sb_add(b, " GROUP BY u.district_code, u.layout, u.fitted, u.near_transport) g"
	       " LEFT JOIN regions d ON d.code = g.district_code"
	       " ORDER BY g.district_code, g.layout, g.fitted, g.near_transport");
	if ((rc = db_query(c, b->sql, b->args, b->nargs, &r, err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		list[i] = (struct listing_group){
			.district_code = db_res_int(r, i, 0), .district_name = db_res_text(r, i, 1),
			.layout = db_res_text(r, i, 2), .fitted = (int)db_res_int(r, i, 3),
			.transport = (int)db_res_int(r, i, 4), .count = db_res_int(r, i, 5),
		};
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
housing_store_listing_units(struct db_conn *c, int64_t city_id, int64_t *gen, struct unit **out,
			    int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT " UNIT_COLUMNS ", (SELECT gen FROM listing_generations WHERE city_id = $1)"
		      UNIT_FROM " WHERE u.listed = 1 AND u.city_id = $1",
		      DB_ARGS(DB_I(city_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		unit_from_row(r, i, &(*out)[i]);
	*gen = r->nrows > 0 ? db_res_int(r, 0, 25) : -1;
	*n = r->nrows;
	return GZF_OK;
}

int
housing_store_listing_text_search(struct db_conn *c, int64_t city_id, const char *text, int limit,
			  struct unit **out, int *n, struct gzf_err *err)
{
	struct listing_query q = { .city_id = city_id, .text = text, .fitted = -1, .transport = -1,
				   .sort = LISTING_NEWEST, .limit = limit };

	return housing_store_listing_search(c, &q, out, n, NULL, err);
}
