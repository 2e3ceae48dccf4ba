/*
 * queue.c — the queue_rules, queue_entries and queue_history tables: the waiting list.
 */
#include "store/queue_store.h"

#define ENTRY_COLUMNS \
	"id, city_id, application_id, owner_id, region_code, kind, state, group_code, group_rank," \
	" group_reason, persons, layouts, max_area_dm2, qualified_at, points, position," \
	" group_position, ahead_competing, state_reason, version, created_at, updated_at"

static void entry_from_row(const struct db_res *r, int i, struct queue_entry *e);

static void
entry_from_row(const struct db_res *r, int i, struct queue_entry *e)
{
	e->id = db_res_int(r, i, 0);
	e->city_id = db_res_int(r, i, 1);
	e->application_id = db_res_int(r, i, 2);
	e->owner_id = db_res_int(r, i, 3);
	e->region_code = db_res_int(r, i, 4);
	e->kind = db_res_text(r, i, 5);
	e->state = db_res_text(r, i, 6);
	e->group_code = db_res_text(r, i, 7);
	e->group_rank = (int)db_res_int(r, i, 8);
	e->group_reason = db_res_text(r, i, 9);
	e->persons = (int)db_res_int(r, i, 10);
	e->layouts = db_res_text(r, i, 11);
	e->max_area_dm2 = (int)db_res_int(r, i, 12);
	e->qualified_at = db_res_int(r, i, 13);
	e->points = (int)db_res_int(r, i, 14);
	e->position = (int)db_res_int(r, i, 15);
	e->group_position = (int)db_res_int(r, i, 16);
	e->ahead_competing = (int)db_res_int(r, i, 17);
	e->state_reason = db_res_text(r, i, 18);
	e->version = (int)db_res_int(r, i, 19);
	e->created_at = db_res_int(r, i, 20);
	e->updated_at = db_res_int(r, i, 21);
}

int
queue_store_without_account(struct db_conn *c, int64_t city_id, int64_t *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc = db_query(c, "SELECT count(*) FROM queue_entries WHERE city_id = $1 AND owner_id = 0",
			  DB_ARGS(DB_I(city_id)), &r, err);

	if (rc == GZF_OK)
		*n = db_res_int(r, 0, 0);
	return rc;
}

int
queue_store_rules_get(struct db_conn *c, int64_t city_id, const char **text, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, "SELECT rules FROM queue_rules WHERE city_id = $1",
			   DB_ARGS(DB_I(city_id)), &r, err)) != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return GZF_ENOTFOUND; /* not an error: the default applies */
	*text = db_res_text(r, 0, 0);
	return GZF_OK;
}

int
queue_store_rules_put(struct db_conn *c, int64_t city_id, const char *text, int64_t by, int64_t at,
		      struct gzf_err *err)
{
	return db_exec(c,
		"INSERT INTO queue_rules (city_id, rules, updated_by, updated_at) VALUES ($1, $2, $3, $4)"
		" ON CONFLICT (city_id) DO UPDATE SET rules = excluded.rules,"
		" updated_by = excluded.updated_by, updated_at = excluded.updated_at",
		DB_ARGS(DB_I(city_id), DB_T(text), by ? DB_I(by) : DB_NULLV, DB_I(at)), NULL, err);
}

int
queue_store_create(struct db_conn *c, const struct queue_entry *e, int64_t *id, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c,
		"INSERT INTO queue_entries (city_id, application_id, owner_id, region_code, kind, state,"
		" group_code, group_rank, group_reason, persons, layouts, max_area_dm2, qualified_at,"
		" points, state_reason, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
		" RETURNING id",
		DB_ARGS(DB_I(e->city_id), DB_I(e->application_id), DB_I(e->owner_id),
			DB_I(e->region_code), DB_T(e->kind), DB_T(e->state), DB_T(e->group_code),
			DB_I(e->group_rank), DB_T(e->group_reason), DB_I(e->persons), DB_T(e->layouts),
			DB_I(e->max_area_dm2), DB_I(e->qualified_at), DB_I(e->points),
			DB_T(e->state_reason ? e->state_reason : ""), DB_I(e->created_at),
			DB_I(e->updated_at)),
		&r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
queue_store_get(struct db_conn *c, int64_t id, struct queue_entry *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, "SELECT " ENTRY_COLUMNS " FROM queue_entries WHERE id = $1",
			   DB_ARGS(DB_I(id)), &r, err)) != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "queue_entry_not_found", NULL,
				   "not on the waiting list");
	entry_from_row(r, 0, out);
	return GZF_OK;
}

int
queue_store_by_owner(struct db_conn *c, int64_t owner_id, struct queue_entry *out, int *total,
		     int *in_group, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	/* The waiting entries hold the positions 1..n in all and in their group (the list is
	 * recomputed in the transaction of every change), so the last positions are the
	 * counts: two index steps however long the list is. */
	if ((rc = db_query(c, "SELECT " ENTRY_COLUMNS ", COALESCE((SELECT w.position"
			   " FROM queue_entries w WHERE w.city_id = e.city_id AND w.kind = e.kind"
			   " AND w.state = 'waiting' ORDER BY w.position DESC LIMIT 1), 0),"
			   " COALESCE((SELECT w.group_position FROM queue_entries w"
			   " WHERE w.city_id = e.city_id AND w.kind = e.kind AND w.state = 'waiting'"
			   " AND w.group_code = e.group_code ORDER BY w.group_position DESC LIMIT 1), 0)"
			   " FROM queue_entries e WHERE e.owner_id = $1"
			   " ORDER BY e.created_at DESC, e.id DESC LIMIT 1",
			   DB_ARGS(DB_I(owner_id)), &r, err)) != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "not_on_list", NULL, "not on the waiting list");
	entry_from_row(r, 0, out);
	*total = (int)db_res_int(r, 0, 22);
	*in_group = (int)db_res_int(r, 0, 23);
	return GZF_OK;
}

int
queue_store_save(struct db_conn *c, const struct queue_entry *e, int expect_version,
		 struct gzf_err *err)
{
	int64_t changed = 0;
	int rc;

	rc = db_exec(c,
		"UPDATE queue_entries SET state = $3, group_code = $4, group_rank = $5,"
		" group_reason = $6, persons = $7, layouts = $8, max_area_dm2 = $9, points = $10,"
		" state_reason = $11, updated_at = $12, version = version + 1"
		" WHERE id = $1 AND version = $2",
		DB_ARGS(DB_I(e->id), DB_I(expect_version), DB_T(e->state), DB_T(e->group_code),
			DB_I(e->group_rank), DB_T(e->group_reason), DB_I(e->persons), DB_T(e->layouts),
			DB_I(e->max_area_dm2), DB_I(e->points),
			DB_T(e->state_reason ? e->state_reason : ""), DB_I(e->updated_at)),
		&changed, err);
	if (rc == GZF_OK && changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "version_conflict", "version",
				   "the entry changed in the meantime: reload it");
	return rc;
}

int
queue_store_rows(struct db_conn *c, int64_t city_id, const char *kind, struct queue_row_data **out,
		 int *n, struct gzf_err *err)
{
	struct queue_row_data *rows;
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT id, application_id, qualified_at, group_rank, points, layouts,"
			   " position, group_position, ahead_competing FROM queue_entries"
			   " WHERE city_id = $1 AND kind = $2 AND state = 'waiting'",
			   DB_ARGS(DB_I(city_id), DB_T(kind)), &r, err)) != GZF_OK)
		return rc;
	rows = arena_alloc(db_arena(c), sizeof(*rows) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++) {
		rows[i].id = db_res_int(r, i, 0);
		rows[i].application_id = db_res_int(r, i, 1);
		rows[i].qualified_at = db_res_int(r, i, 2);
		rows[i].group_rank = (int)db_res_int(r, i, 3);
		rows[i].points = (int)db_res_int(r, i, 4);
		rows[i].layouts = db_res_text(r, i, 5);
		rows[i].position = (int)db_res_int(r, i, 6);
		rows[i].group_position = (int)db_res_int(r, i, 7);
		rows[i].ahead_competing = (int)db_res_int(r, i, 8);
	}
	*out = rows;
	*n = r->nrows;
	return GZF_OK;
}

int
queue_store_position_set(struct db_conn *c, int64_t id, int position, int group_position, int ahead,
			 struct gzf_err *err)
{
	return db_exec(c, "UPDATE queue_entries SET position = $2, group_position = $3,"
		       " ahead_competing = $4 WHERE id = $1",
		       DB_ARGS(DB_I(id), DB_I(position), DB_I(group_position), DB_I(ahead)), NULL, err);
}

int
queue_store_list(struct db_conn *c, int64_t city_id, const char *kind, const char *state,
		 const char *group, int offset, int limit, struct queue_entry **out,
		 const char ***names, int *n, int *total, struct gzf_err *err)
{
	struct queue_entry *list;
	const char **nm;
	struct db_res *r;
	int rc, i;

	/* The qualified columns of both tables, then the applicant's sealed name and the
	 * count of every match (a window, so one statement answers both). */
	rc = db_query(c,
		"SELECT q.id, q.city_id, q.application_id, q.owner_id, q.region_code, q.kind, q.state,"
		" q.group_code, q.group_rank, q.group_reason, q.persons, q.layouts, q.max_area_dm2,"
		" q.qualified_at, q.points, q.position, q.group_position, q.ahead_competing,"
		" q.state_reason, q.version, q.created_at, q.updated_at, a.applicant_name_enc,"
		" count(*) OVER ()"
		" FROM queue_entries q JOIN applications a ON a.id = q.application_id"
		" WHERE q.city_id = $1 AND q.kind = $2 AND (CAST($3 AS TEXT) IS NULL OR q.state = $3)"
		" AND (CAST($4 AS TEXT) IS NULL OR q.group_code = $4)"
		" ORDER BY CASE WHEN q.state = 'waiting' THEN 0 ELSE 1 END, q.position, q.id"
		" LIMIT $5 OFFSET $6",
		DB_ARGS(DB_I(city_id), DB_T(kind), DB_T(state), DB_T(group), DB_I(limit), DB_I(offset)),
		&r, err);
	if (rc != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	nm = arena_alloc(db_arena(c), sizeof(*nm) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++) {
		entry_from_row(r, i, &list[i]);
		nm[i] = db_res_text(r, i, 22);
	}
	*total = r->nrows > 0 ? (int)db_res_int(r, 0, 23) : 0;
	*out = list;
	*names = nm;
	*n = r->nrows;
	return GZF_OK;
}

int
queue_store_change_add(struct db_conn *c, int64_t city_id, const struct queue_change *ch,
		       struct gzf_err *err)
{
	return db_exec(c,
		"INSERT INTO queue_history (city_id, entry_id, at, cause, detail, position_from,"
		" position_to, group_from, group_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		DB_ARGS(DB_I(city_id), DB_I(ch->entry_id), DB_I(ch->at), DB_T(ch->cause),
			DB_T(ch->detail ? ch->detail : ""), DB_I(ch->position_from),
			DB_I(ch->position_to), DB_T(ch->group_from ? ch->group_from : ""),
			DB_T(ch->group_to ? ch->group_to : "")),
		NULL, err);
}

int
queue_store_changes(struct db_conn *c, int64_t entry_id, int limit, struct queue_change **out, int *n,
		    struct gzf_err *err)
{
	struct queue_change *list;
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT id, entry_id, at, cause, detail, position_from, position_to,"
			   " group_from, group_to FROM queue_history WHERE entry_id = $1"
			   " ORDER BY id DESC LIMIT $2",
			   DB_ARGS(DB_I(entry_id), DB_I(limit)), &r, err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++) {
		list[i].id = db_res_int(r, i, 0);
		list[i].entry_id = db_res_int(r, i, 1);
		list[i].at = db_res_int(r, i, 2);
		list[i].cause = db_res_text(r, i, 3);
		list[i].detail = db_res_text(r, i, 4);
		list[i].position_from = (int)db_res_int(r, i, 5);
		list[i].position_to = (int)db_res_int(r, i, 6);
		list[i].group_from = db_res_text(r, i, 7);
		list[i].group_to = db_res_text(r, i, 8);
	}
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
queue_store_supply(struct db_conn *c, int64_t city_id, const char *layout, int64_t since_ms,
		   int *listed, int *published, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, "SELECT COALESCE(sum(listed), 0), COALESCE(sum(CASE WHEN"
			   " published_at >= $3 THEN 1 ELSE 0 END), 0) FROM units"
			   " WHERE city_id = $1 AND layout = $2",
			   DB_ARGS(DB_I(city_id), DB_T(layout), DB_I(since_ms)), &r, err)) != GZF_OK)
		return rc;
	*listed = (int)db_res_int(r, 0, 0);
	*published = (int)db_res_int(r, 0, 1);
	return GZF_OK;
}

int
queue_store_regroup(struct db_conn *c, int64_t city_id, const char *code, int rank,
		    struct gzf_err *err)
{
	return db_exec(c, "UPDATE queue_entries SET group_rank = $3 WHERE city_id = $1"
		       " AND (CAST($2 AS TEXT) IS NULL OR group_code = $2)",
		       DB_ARGS(DB_I(city_id), DB_T(code), DB_I(rank)), NULL, err);
}

int
queue_store_ungroup(struct db_conn *c, int64_t city_id, int rank, struct gzf_err *err)
{
	return db_exec(c, "UPDATE queue_entries SET group_code = 'general' WHERE city_id = $1"
		       " AND group_rank = $2", DB_ARGS(DB_I(city_id), DB_I(rank)), NULL, err);
}

int
queue_store_refit(struct db_conn *c, int64_t city_id, int from, int to, const char *layouts,
		  int max_area_dm2, struct gzf_err *err)
{
	return db_exec(c, "UPDATE queue_entries SET layouts = $4, max_area_dm2 = $5"
		       " WHERE city_id = $1 AND kind = 'rental' AND persons >= $2 AND persons <= $3",
		       DB_ARGS(DB_I(city_id), DB_I(from), DB_I(to), DB_T(layouts), DB_I(max_area_dm2)),
		       NULL, err);
}
