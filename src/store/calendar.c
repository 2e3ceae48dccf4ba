/*
 * calendar.c — the calendar_days table: holidays and make-up working days.
 */
#include "store/calendar_store.h"

int
calendar_store_range(struct db_conn *c, int64_t city_id, int from, int to,
		     struct calendar_day **out, int *n, struct gzf_err *err)
{
	struct calendar_day *list;
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT city_id, day, kind, name, COALESCE(updated_by, 0), updated_at"
		      " FROM calendar_days WHERE city_id IN (0, $1) AND day >= $2 AND day <= $3"
		      " ORDER BY day, city_id DESC",
		      DB_ARGS(DB_I(city_id), DB_I(from), DB_I(to)), &r, err);
	if (rc != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++) {
		list[i].city_id = db_res_int(r, i, 0);
		list[i].day = (int)db_res_int(r, i, 1);
		list[i].kind = db_res_text(r, i, 2);
		list[i].name = db_res_text(r, i, 3);
		list[i].updated_by = db_res_int(r, i, 4);
		list[i].updated_at = db_res_int(r, i, 5);
	}
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
calendar_store_put(struct db_conn *c, const struct calendar_day *d, struct gzf_err *err)
{
	return db_exec(c,
		"INSERT INTO calendar_days (city_id, day, kind, name, updated_by, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6)"
		" ON CONFLICT (city_id, day) DO UPDATE SET kind = excluded.kind,"
		" name = excluded.name, updated_by = excluded.updated_by,"
		" updated_at = excluded.updated_at",
		DB_ARGS(DB_I(d->city_id), DB_I(d->day), DB_T(d->kind), DB_T(d->name),
			d->updated_by ? DB_I(d->updated_by) : DB_NULLV, DB_I(d->updated_at)),
		NULL, err);
}

int
calendar_store_delete(struct db_conn *c, int64_t city_id, int day, int64_t *removed,
		      struct gzf_err *err)
{
	return db_exec(c, "DELETE FROM calendar_days WHERE city_id = $1 AND day = $2",
		       DB_ARGS(DB_I(city_id), DB_I(day)), removed, err);
}
