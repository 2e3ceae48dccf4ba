/*
 * selection.c — the selection_sessions, selection_units, selection_picks and
 * selection_refusals tables: choosing a flat.
 */
#include "store/selection_store.h"

#define SESSION_COLUMNS \
	"id, city_id, round_id, region_code, name, state, starts_at, slot_minutes," \
	" confirm_minutes, per_slot, created_by, version, created_at, updated_at"

#define PICK_COLUMNS \
	"id, session_id, city_id, round_entry_id, application_id, queue_entry_id, owner_id," \
	" region_code, region_path, persons, layouts, max_area_dm2, lottery_rank, state," \
	" slot_starts_at, slot_ends_at, COALESCE(unit_id, 0), held_until, chosen_by, consent," \
	" version, updated_at, (SELECT reference FROM applications a" \
	" WHERE a.id = selection_picks.application_id), (SELECT COALESCE(max(f.wait_until), 0)" \
	" FROM selection_refusals f WHERE f.application_id = selection_picks.application_id)"

static void session_from_row(const struct db_res *r, int i, struct selection_session *s);
static void pick_from_row(const struct db_res *r, int i, struct selection_pick *p);
static int picks_query(struct db_conn *c, const char *sql, int64_t key, struct selection_pick **out,
		       int *n, struct gzf_err *err);

static void
session_from_row(const struct db_res *r, int i, struct selection_session *s)
{
	s->id = db_res_int(r, i, 0);
	s->city_id = db_res_int(r, i, 1);
	s->round_id = db_res_int(r, i, 2);
	s->region_code = db_res_int(r, i, 3);
	s->name = db_res_text(r, i, 4);
	s->state = db_res_text(r, i, 5);
	s->starts_at = db_res_int(r, i, 6);
	s->slot_minutes = (int)db_res_int(r, i, 7);
	s->confirm_minutes = (int)db_res_int(r, i, 8);
	s->per_slot = (int)db_res_int(r, i, 9);
	s->created_by = db_res_int(r, i, 10);
	s->version = (int)db_res_int(r, i, 11);
	s->created_at = db_res_int(r, i, 12);
	s->updated_at = db_res_int(r, i, 13);
}

static void
pick_from_row(const struct db_res *r, int i, struct selection_pick *p)
{
	p->id = db_res_int(r, i, 0);
	p->session_id = db_res_int(r, i, 1);
	p->city_id = db_res_int(r, i, 2);
	p->round_entry_id = db_res_int(r, i, 3);
	p->application_id = db_res_int(r, i, 4);
	p->queue_entry_id = db_res_int(r, i, 5);
	p->owner_id = db_res_int(r, i, 6);
	p->region_code = db_res_int(r, i, 7);
	p->region_path = db_res_text(r, i, 8);
	p->persons = (int)db_res_int(r, i, 9);
	p->layouts = db_res_text(r, i, 10);
	p->max_area_dm2 = (int)db_res_int(r, i, 11);
	p->lottery_rank = (int)db_res_int(r, i, 12);
	p->state = db_res_text(r, i, 13);
	p->slot_starts_at = db_res_int(r, i, 14);
	p->slot_ends_at = db_res_int(r, i, 15);
	p->unit_id = db_res_int(r, i, 16);
	p->held_until = db_res_int(r, i, 17);
	p->chosen_by = db_res_int(r, i, 18);
	p->consent = db_res_text(r, i, 19);
	p->version = (int)db_res_int(r, i, 20);
	p->updated_at = db_res_int(r, i, 21);
	p->reference = db_res_text(r, i, 22);
	p->wait_until = db_res_int(r, i, 23);
}

int
selection_store_session_create(struct db_conn *c, const struct selection_session *s, int64_t *id,
			       struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c,
		"INSERT INTO selection_sessions (city_id, round_id, region_code, name, state, starts_at,"
		" slot_minutes, confirm_minutes, per_slot, created_by, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
		DB_ARGS(DB_I(s->city_id), DB_I(s->round_id), DB_I(s->region_code), DB_T(s->name),
			DB_T(s->state), DB_I(s->starts_at), DB_I(s->slot_minutes),
			DB_I(s->confirm_minutes), DB_I(s->per_slot), DB_I(s->created_by),
			DB_I(s->created_at), DB_I(s->updated_at)),
		&r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
selection_store_session_get(struct db_conn *c, int64_t id, struct selection_session *out,
			    struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, "SELECT " SESSION_COLUMNS " FROM selection_sessions WHERE id = $1",
			   DB_ARGS(DB_I(id)), &r, err)) != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "selection_not_found", NULL,
				   "no such selection session");
	session_from_row(r, 0, out);
	return GZF_OK;
}

int
selection_store_session_list(struct db_conn *c, int64_t city_id, int limit,
			     struct selection_session **out, int *n, struct gzf_err *err)
{
	struct selection_session *list;
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT " SESSION_COLUMNS " FROM selection_sessions WHERE city_id = $1"
			   " ORDER BY id DESC LIMIT $2", DB_ARGS(DB_I(city_id), DB_I(limit)), &r,
			   err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		session_from_row(r, i, &list[i]);
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
selection_store_session_save(struct db_conn *c, const struct selection_session *s,
			     int expect_version, struct gzf_err *err)
{
	int64_t changed = 0;
	int rc = db_exec(c, "UPDATE selection_sessions SET state = $3, starts_at = $4, updated_at = $5,"
			 " version = version + 1 WHERE id = $1 AND version = $2",
			 DB_ARGS(DB_I(s->id), DB_I(expect_version), DB_T(s->state),
				 DB_I(s->starts_at), DB_I(s->updated_at)), &changed, err);

	if (rc == GZF_OK && changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "version_conflict", "version",
				   "the session changed in the meantime: reload it");
	return rc;
}

int
selection_store_unit_add(struct db_conn *c, int64_t session_id, int64_t unit_id, struct gzf_err *err)
{
	return db_exec(c, "INSERT INTO selection_units (session_id, unit_id) VALUES ($1, $2)",
		       DB_ARGS(DB_I(session_id), DB_I(unit_id)), NULL, err);
}

int
selection_store_units(struct db_conn *c, int64_t session_id, struct selection_unit **out, int *n,
		      struct gzf_err *err)
{
	struct selection_unit *list;
	struct db_res *r;
	int rc, i;

	rc = db_query(c,
		"SELECT u.id, u.estate_id, e.name, b.name, u.unit_no, u.layout,"
		" COALESCE(u.orientation, ''), u.status, u.floor, u.floor_area_dm2, u.usable_area_dm2,"
		" u.rent_fen, u.fitted, e.photos, COALESCE(p.state, ''), COALESCE(p.lottery_rank, 0)"
		" FROM selection_units su JOIN units u ON u.id = su.unit_id"
		" JOIN estates e ON e.id = u.estate_id JOIN buildings b ON b.id = u.building_id"
		" LEFT JOIN selection_picks p ON p.unit_id = u.id AND p.state IN ('held', 'confirmed')"
		" WHERE su.session_id = $1 ORDER BY e.name, b.name, u.unit_no, u.id",
		DB_ARGS(DB_I(session_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		list[i] = (struct selection_unit){
			.id = db_res_int(r, i, 0), .estate_id = db_res_int(r, i, 1),
			.estate_name = db_res_text(r, i, 2), .building_name = db_res_text(r, i, 3),
			.unit_no = db_res_text(r, i, 4), .layout = db_res_text(r, i, 5),
			.orientation = db_res_text(r, i, 6), .status = db_res_text(r, i, 7),
			.floor = db_res_int(r, i, 8), .floor_area_dm2 = db_res_int(r, i, 9),
			.usable_area_dm2 = db_res_int(r, i, 10), .rent_fen = db_res_int(r, i, 11),
			.fitted = (int)db_res_int(r, i, 12), .photos = db_res_text(r, i, 13),
			.pick_state = db_res_text(r, i, 14), .lottery_rank = (int)db_res_int(r, i, 15) };
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
selection_store_offers(struct db_conn *c, int64_t session_id, int64_t unit_id, int *yes,
		       struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, "SELECT count(*) FROM selection_units WHERE session_id = $1"
			   " AND unit_id = $2", DB_ARGS(DB_I(session_id), DB_I(unit_id)), &r,
			   err)) != GZF_OK)
		return rc;
	*yes = db_res_int(r, 0, 0) > 0;
	return GZF_OK;
}

int
selection_store_pick_create(struct db_conn *c, const struct selection_pick *p, int64_t *id,
			    struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c,
		"INSERT INTO selection_picks (session_id, city_id, round_entry_id, application_id,"
		" queue_entry_id, owner_id, region_code, region_path, persons, layouts, max_area_dm2,"
		" lottery_rank, state, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
		" RETURNING id",
		DB_ARGS(DB_I(p->session_id), DB_I(p->city_id), DB_I(p->round_entry_id),
			DB_I(p->application_id), DB_I(p->queue_entry_id), DB_I(p->owner_id),
			DB_I(p->region_code), DB_T(p->region_path), DB_I(p->persons), DB_T(p->layouts),
			DB_I(p->max_area_dm2), DB_I(p->lottery_rank), DB_T(p->state),
			DB_I(p->updated_at)),
		&r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

/* Picks by one key (an id, an owner, a session), as sql orders them. */
static int
picks_query(struct db_conn *c, const char *sql, int64_t key, struct selection_pick **out, int *n,
	    struct gzf_err *err)
{
	struct selection_pick *list;
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, sql, DB_ARGS(DB_I(key)), &r, err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		pick_from_row(r, i, &list[i]);
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
selection_store_pick_get(struct db_conn *c, int64_t id, struct selection_pick *out,
			 struct gzf_err *err)
{
	struct selection_pick *p;
	int n, rc;

	if ((rc = picks_query(c, "SELECT " PICK_COLUMNS " FROM selection_picks WHERE id = $1", id,
			      &p, &n, err)) != GZF_OK)
		return rc;
	if (n == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "pick_not_found", NULL, "no such household in a selection");
	*out = p[0];
	return GZF_OK;
}

int
selection_store_pick_by_owner(struct db_conn *c, int64_t owner_id, struct selection_pick *out,
			      struct gzf_err *err)
{
	struct selection_pick *p;
	int n, rc;

	if (owner_id == 0)
		return GZF_ENOTFOUND;
	if ((rc = picks_query(c, "SELECT " PICK_COLUMNS " FROM selection_picks WHERE owner_id = $1"
			      " ORDER BY session_id DESC LIMIT 1", owner_id, &p, &n, err)) != GZF_OK)
		return rc;
	if (n == 0)
		return GZF_ENOTFOUND; /* not an error: no selection for this household */
	*out = p[0];
	return GZF_OK;
}

int
selection_store_picks(struct db_conn *c, int64_t session_id, struct selection_pick **out, int *n,
		      struct gzf_err *err)
{
	return picks_query(c, "SELECT " PICK_COLUMNS " FROM selection_picks WHERE session_id = $1"
			   " ORDER BY lottery_rank", session_id, out, n, err);
}

int
selection_store_pick_save(struct db_conn *c, const struct selection_pick *p, int expect_version,
			  struct gzf_err *err)
{
	int64_t changed = 0;
	int rc;

	rc = db_exec(c,
		"UPDATE selection_picks SET state = $3, slot_starts_at = $4, slot_ends_at = $5,"
		" unit_id = $6, held_until = $7, chosen_by = $8, consent = $9, updated_at = $10,"
		" version = version + 1 WHERE id = $1 AND version = $2",
		DB_ARGS(DB_I(p->id), DB_I(expect_version), DB_T(p->state), DB_I(p->slot_starts_at),
			DB_I(p->slot_ends_at), p->unit_id ? DB_I(p->unit_id) : DB_NULLV,
			DB_I(p->held_until), DB_I(p->chosen_by), DB_T(p->consent ? p->consent : ""),
			DB_I(p->updated_at)),
		&changed, err);
	if (db_is_duplicate(rc, err))
		return gzf_err_set(err, GZF_ECONFLICT, "unit_taken", "unit_id",
				   "another household has just chosen this flat: choose another");
	if (rc == GZF_OK && changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "version_conflict", "version",
				   "your choice changed in the meantime: reload it");
	return rc;
}

int
selection_store_refusal_add(struct db_conn *c, const struct selection_pick *p, const char *kind,
			    int64_t at, int64_t wait_until, struct gzf_err *err)
{
	return db_exec(c,
		"INSERT INTO selection_refusals (city_id, application_id, pick_id, kind, at, wait_until)"
		" VALUES ($1, $2, $3, $4, $5, $6)",
		DB_ARGS(DB_I(p->city_id), DB_I(p->application_id), DB_I(p->id), DB_T(kind), DB_I(at),
			DB_I(wait_until)), NULL, err);
}

int
selection_store_refusals(struct db_conn *c, int64_t application_id, int *count, int64_t *wait_until,
			 struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, "SELECT count(*), COALESCE(max(wait_until), 0) FROM selection_refusals"
			   " WHERE application_id = $1", DB_ARGS(DB_I(application_id)), &r,
			   err)) != GZF_OK)
		return rc;
	*count = (int)db_res_int(r, 0, 0);
	*wait_until = db_res_int(r, 0, 1);
	return GZF_OK;
}
