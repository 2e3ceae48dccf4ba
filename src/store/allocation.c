/*
 * allocation.c — the allocation_rounds, allocation_commitments, allocation_round_units and
 * allocation_round_entries tables: the allocation rounds; allocation_objections: the
 * objections to their published results.
 */
#include "store/allocation_store.h"

#include <assert.h>
#include <string.h>

#define ROUND_COLUMNS \
	"id, city_id, region_code, name, method, state, criteria, frozen_at, draw_at, list_hash," \
	" digit_count, beacon_source, digits, COALESCE(digits_by, 0), beacon, seed, drawn_at, proof," \
	" publicity_ends_at, reason, COALESCE(approved_by, 0), state_reason, created_by, version," \
	" created_at, updated_at"

#define ENTRY_COLUMNS \
	"e.id, e.round_id, e.city_id, e.application_id, e.queue_entry_id, e.group_code," \
	" e.group_rank, e.queue_position, e.persons, e.layouts, e.max_area_dm2, e.owner_id," \
	" e.lottery_rank, e.group_position"

static void
round_from_row(const struct db_res *r, int i, struct allocation_round *o)
{
	o->id = db_res_int(r, i, 0);
	o->city_id = db_res_int(r, i, 1);
	o->region_code = db_res_int(r, i, 2);
	o->name = db_res_text(r, i, 3);
	o->method = db_res_text(r, i, 4);
	o->state = db_res_text(r, i, 5);
	o->criteria = db_res_text(r, i, 6);
	o->frozen_at = db_res_int(r, i, 7);
	o->draw_at = db_res_int(r, i, 8);
	o->list_hash = db_res_text(r, i, 9);
	o->digit_count = (int)db_res_int(r, i, 10);
	o->beacon_source = db_res_text(r, i, 11);
	o->digits = db_res_text(r, i, 12);
	o->digits_by = db_res_int(r, i, 13);
	o->beacon = db_res_text(r, i, 14);
	o->seed = db_res_text(r, i, 15);
	o->drawn_at = db_res_int(r, i, 16);
	o->proof = db_res_text(r, i, 17);
	o->publicity_ends_at = db_res_int(r, i, 18);
	o->reason = db_res_text(r, i, 19);
	o->approved_by = db_res_int(r, i, 20);
	o->state_reason = db_res_text(r, i, 21);
	o->created_by = db_res_int(r, i, 22);
	o->version = (int)db_res_int(r, i, 23);
	o->created_at = db_res_int(r, i, 24);
	o->updated_at = db_res_int(r, i, 25);
}

static void
entry_from_row(const struct db_res *r, int i, struct allocation_entry *e)
{
	e->id = db_res_int(r, i, 0);
	e->round_id = db_res_int(r, i, 1);
	e->city_id = db_res_int(r, i, 2);
	e->application_id = db_res_int(r, i, 3);
	e->queue_entry_id = db_res_int(r, i, 4);
	e->group_code = db_res_text(r, i, 5);
	e->group_rank = (int)db_res_int(r, i, 6);
	e->queue_position = (int)db_res_int(r, i, 7);
	e->persons = (int)db_res_int(r, i, 8);
	e->layouts = db_res_text(r, i, 9);
	e->max_area_dm2 = (int)db_res_int(r, i, 10);
	e->owner_id = db_res_int(r, i, 11);
	e->lottery_rank = (int)db_res_int(r, i, 12);
	e->group_position = (int)db_res_int(r, i, 13);
	e->name_enc = NULL;
	e->reference = NULL;
}

int
allocation_store_create_round(struct db_conn *c, const struct allocation_round *r, int64_t *id,
			      struct gzf_err *err)
{
	struct db_res *res;
	int rc;

	rc = db_query(c,
		"INSERT INTO allocation_rounds (city_id, region_code, name, method, state, criteria,"
		" reason, created_by, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
		DB_ARGS(DB_I(r->city_id), DB_I(r->region_code), DB_T(r->name), DB_T(r->method),
			DB_T(r->state), DB_T(r->criteria), DB_T(r->reason ? r->reason : ""),
			DB_I(r->created_by), DB_I(r->created_at), DB_I(r->updated_at)),
		&res, err);
	if (rc == GZF_OK)
		*id = db_res_int(res, 0, 0);
	return rc;
}

int
allocation_store_get_round(struct db_conn *c, int64_t id, struct allocation_round *out,
			   struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, "SELECT " ROUND_COLUMNS " FROM allocation_rounds WHERE id = $1",
			   DB_ARGS(DB_I(id)), &r, err)) != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "round_not_found", NULL, "no such allocation round");
	round_from_row(r, 0, out);
	return GZF_OK;
}

int
allocation_store_list_rounds(struct db_conn *c, int64_t city_id, int offset, int limit,
			     struct allocation_round **out, int *n, int *total, struct gzf_err *err)
{
	struct allocation_round *list;
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT " ROUND_COLUMNS ", count(*) OVER () FROM allocation_rounds"
			   " WHERE city_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
			   DB_ARGS(DB_I(city_id), DB_I(limit), DB_I(offset)), &r, err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		round_from_row(r, i, &list[i]);
	*total = r->nrows > 0 ? (int)db_res_int(r, 0, 26) : 0;
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
allocation_store_save_round(struct db_conn *c, const struct allocation_round *r, int expect_version,
			    struct gzf_err *err)
{
	int64_t changed = 0;
	int rc;

	rc = db_exec(c,
		"UPDATE allocation_rounds SET name = $3, state = $4, criteria = $5, frozen_at = $6,"
		" draw_at = $7, list_hash = $8, digit_count = $9, beacon_source = $10, digits = $11,"
		" digits_by = $12, beacon = $13, seed = $14, drawn_at = $15, proof = $16,"
		" publicity_ends_at = $17, reason = $18, approved_by = $19, state_reason = $20,"
		" updated_at = $21, version = version + 1 WHERE id = $1 AND version = $2",
		DB_ARGS(DB_I(r->id), DB_I(expect_version), DB_T(r->name), DB_T(r->state),
			DB_T(r->criteria), DB_I(r->frozen_at), DB_I(r->draw_at), DB_T(r->list_hash),
			DB_I(r->digit_count), DB_T(r->beacon_source), DB_T(r->digits),
			r->digits_by ? DB_I(r->digits_by) : DB_NULLV, DB_T(r->beacon), DB_T(r->seed),
			DB_I(r->drawn_at), DB_T(r->proof), DB_I(r->publicity_ends_at), DB_T(r->reason),
			r->approved_by ? DB_I(r->approved_by) : DB_NULLV, DB_T(r->state_reason),
			DB_I(r->updated_at)),
		&changed, err);
	if (rc == GZF_OK && changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "version_conflict", "version",
				   "the round changed in the meantime: reload it");
	return rc;
}

int
allocation_store_commitment_add(struct db_conn *c, int64_t round_id, int64_t city_id,
				struct allocation_commitment *m, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c,
		"INSERT INTO allocation_commitments (round_id, city_id, seq, frozen_at, draw_at,"
		" list_hash, digit_count, beacon_source, candidates, status, created_by)"
		" SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), COALESCE(max(seq), 0) + 1,"
		" CAST($3 AS BIGINT), CAST($4 AS BIGINT), CAST($5 AS TEXT), CAST($6 AS INTEGER),"
		" CAST($7 AS TEXT), CAST($8 AS INTEGER), 'current', CAST($9 AS BIGINT)"
		" FROM allocation_commitments WHERE round_id = $1 RETURNING id, seq",
		DB_ARGS(DB_I(round_id), DB_I(city_id), DB_I(m->frozen_at), DB_I(m->draw_at),
			DB_T(m->list_hash), DB_I(m->digit_count), DB_T(m->beacon_source),
			DB_I(m->candidates), DB_I(m->created_by)),
		&r, err);
	if (rc == GZF_OK) {
		m->id = db_res_int(r, 0, 0);
		m->seq = (int)db_res_int(r, 0, 1);
		m->status = "current";
	}
	return rc;
}

int
allocation_store_commitment_close(struct db_conn *c, int64_t round_id, const char *status,
				  const char *reason, struct gzf_err *err)
{
	return db_exec(c, "UPDATE allocation_commitments SET status = $2, status_reason = $3"
		       " WHERE round_id = $1 AND status = 'current'",
		       DB_ARGS(DB_I(round_id), DB_T(status), DB_T(reason ? reason : "")), NULL, err);
}

int
allocation_store_commitments(struct db_conn *c, int64_t round_id, struct allocation_commitment **out,
			     int *n, struct gzf_err *err)
{
	struct allocation_commitment *list;
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT id, seq, frozen_at, draw_at, list_hash, digit_count,"
			   " beacon_source, candidates, status, status_reason, created_by"
			   " FROM allocation_commitments WHERE round_id = $1 ORDER BY seq",
			   DB_ARGS(DB_I(round_id)), &r, err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		list[i] = (struct allocation_commitment){
			.id = db_res_int(r, i, 0), .seq = (int)db_res_int(r, i, 1),
			.frozen_at = db_res_int(r, i, 2), .draw_at = db_res_int(r, i, 3),
			.list_hash = db_res_text(r, i, 4), .digit_count = (int)db_res_int(r, i, 5),
			.beacon_source = db_res_text(r, i, 6), .candidates = (int)db_res_int(r, i, 7),
			.status = db_res_text(r, i, 8), .status_reason = db_res_text(r, i, 9),
			.created_by = db_res_int(r, i, 10) };
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
allocation_store_match_units(struct db_conn *c, int64_t city_id, int64_t estate_id, int64_t building_id,
			     const char *layout, int64_t *ids, int cap, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT id FROM units WHERE city_id = $1 AND listed = 1"
			   " AND (CAST($2 AS BIGINT) = 0 OR estate_id = $2)"
			   " AND (CAST($3 AS BIGINT) = 0 OR building_id = $3)"
			   " AND (CAST($4 AS TEXT) IS NULL OR layout = $4) ORDER BY id",
			   DB_ARGS(DB_I(city_id), DB_I(estate_id), DB_I(building_id), DB_T(layout)),
			   &r, err)) != GZF_OK)
		return rc;
	for (i = 0; i < r->nrows && *n < cap; i++)
		ids[(*n)++] = db_res_int(r, i, 0);
	return GZF_OK;
}

int
allocation_store_units_set(struct db_conn *c, int64_t round_id, int64_t city_id, const int64_t *ids,
			   int n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	if ((rc = db_exec(c, "DELETE FROM allocation_round_units WHERE round_id = $1",
			  DB_ARGS(DB_I(round_id)), NULL, err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if ((rc = db_query(c, "SELECT u.status, (SELECT min(o.round_id) FROM allocation_round_units o"
				   " JOIN allocation_rounds w ON w.id = o.round_id WHERE o.unit_id = u.id"
				   " AND o.round_id <> $3 AND w.state NOT IN ('final', 'cancelled'))"
				   " FROM units u WHERE u.id = $1 AND u.city_id = $2",
				   DB_ARGS(DB_I(ids[i]), DB_I(city_id), DB_I(round_id)), &r, err)) != GZF_OK)
			return rc;
		if (r->nrows == 0 || strcmp(db_res_text(r, 0, 0), "vacant") != 0)
			return gzf_err_set(err, GZF_EINVAL, "unit_not_offerable", "units",
					   "unit %lld is not a vacant unit of the city", (long long)ids[i]);
		if (!db_res_isnull(r, 0, 1))
			return gzf_err_set(err, GZF_ECONFLICT, "unit_in_other_round", "units",
					   "unit %lld is offered by round %lld already", (long long)ids[i],
					   (long long)db_res_int(r, 0, 1));
		rc = db_exec(c, "INSERT INTO allocation_round_units (round_id, city_id, unit_id)"
			     " VALUES ($1, $2, $3)", DB_ARGS(DB_I(round_id), DB_I(city_id), DB_I(ids[i])),
			     NULL, err);
		if (db_is_duplicate(rc, err))
			return gzf_err_set(err, GZF_EINVAL, "duplicate_unit", "units",
					   "unit %lld is listed twice", (long long)ids[i]);
		if (rc != GZF_OK)
			return rc;
	}
	return GZF_OK;
}

int
allocation_store_list_units(struct db_conn *c, int64_t round_id, struct allocation_unit **out, int *n,
			    struct gzf_err *err)
{
	struct allocation_unit *list;
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT u.id, u.estate_id, u.building_id, e.name, b.name, u.unit_no,"
			   " u.layout, u.status, u.floor_area_dm2, u.rent_fen, u.floor"
			   " FROM allocation_round_units o JOIN units u ON u.id = o.unit_id"
			   " JOIN estates e ON e.id = u.estate_id JOIN buildings b ON b.id = u.building_id"
			   " WHERE o.round_id = $1 ORDER BY e.name, b.name, u.unit_no, u.id",
			   DB_ARGS(DB_I(round_id)), &r, err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		list[i] = (struct allocation_unit){
			.unit_id = db_res_int(r, i, 0), .estate_id = db_res_int(r, i, 1),
			.building_id = db_res_int(r, i, 2), .estate_name = db_res_text(r, i, 3),
			.building_name = db_res_text(r, i, 4), .unit_no = db_res_text(r, i, 5),
			.layout = db_res_text(r, i, 6), .status = db_res_text(r, i, 7),
			.floor_area_dm2 = db_res_int(r, i, 8), .rent_fen = db_res_int(r, i, 9),
			.floor = db_res_int(r, i, 10) };
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
allocation_store_entries_clear(struct db_conn *c, int64_t round_id, struct gzf_err *err)
{
	return db_exec(c, "DELETE FROM allocation_round_entries WHERE round_id = $1",
		       DB_ARGS(DB_I(round_id)), NULL, err);
}

int
allocation_store_entry_add(struct db_conn *c, const struct allocation_entry *e, int64_t *id,
			   struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c,
		"INSERT INTO allocation_round_entries (round_id, city_id, application_id, queue_entry_id,"
		" group_code, group_rank, queue_position, persons, layouts, max_area_dm2, owner_id)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
		DB_ARGS(DB_I(e->round_id), DB_I(e->city_id), DB_I(e->application_id),
			DB_I(e->queue_entry_id), DB_T(e->group_code), DB_I(e->group_rank),
			DB_I(e->queue_position), DB_I(e->persons), DB_T(e->layouts),
			DB_I(e->max_area_dm2), DB_I(e->owner_id)),
		&r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
allocation_store_entry_rank(struct db_conn *c, int64_t id, int lottery_rank, int group_position,
			    struct gzf_err *err)
{
	return db_exec(c, "UPDATE allocation_round_entries SET lottery_rank = $2, group_position = $3"
		       " WHERE id = $1", DB_ARGS(DB_I(id), DB_I(lottery_rank), DB_I(group_position)),
		       NULL, err);
}

int
allocation_store_list_entries(struct db_conn *c, int64_t round_id, int offset, int limit,
			      struct allocation_entry **out, int *n, int *total, struct gzf_err *err)
{
	struct allocation_entry *list;
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT " ENTRY_COLUMNS ", a.applicant_name_enc, a.reference,"
			   " count(*) OVER () FROM allocation_round_entries e"
			   " JOIN applications a ON a.id = e.application_id WHERE e.round_id = $1"
			   " ORDER BY CASE WHEN e.lottery_rank > 0 THEN 0 ELSE 1 END, e.lottery_rank,"
			   " e.group_rank, e.application_id LIMIT $2 OFFSET $3",
			   DB_ARGS(DB_I(round_id), DB_I(limit > 0 ? limit : 2000000000), DB_I(offset)),
			   &r, err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++) {
		entry_from_row(r, i, &list[i]);
		list[i].name_enc = db_res_text(r, i, 14);
		list[i].reference = db_res_text(r, i, 15);
	}
	*total = r->nrows > 0 ? (int)db_res_int(r, 0, 16) : 0;
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
allocation_store_entries_of_owner(struct db_conn *c, int64_t owner_id, struct allocation_entry **out,
				  int *n, struct gzf_err *err)
{
	struct allocation_entry *list;
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT " ENTRY_COLUMNS ", a.reference FROM allocation_round_entries e"
			   " JOIN applications a ON a.id = e.application_id"
			   " WHERE e.owner_id = $1 AND e.owner_id <> 0 ORDER BY e.round_id DESC LIMIT 20",
			   DB_ARGS(DB_I(owner_id)), &r, err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++) {
		entry_from_row(r, i, &list[i]);
		list[i].reference = db_res_text(r, i, 14);
	}
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
allocation_store_objection_add(struct db_conn *c, int64_t round_id, int64_t city_id,
			       const struct allocation_objection *o, int64_t *id, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	assert(round_id > 0 && city_id > 0 && o->text != NULL);
	if (o->application_id != 0) {
		if ((rc = db_query(c, "SELECT count(*) FROM allocation_round_entries"
				   " WHERE round_id = $1 AND application_id = $2",
				   DB_ARGS(DB_I(round_id), DB_I(o->application_id)), &r, err)) != GZF_OK)
			return rc;
		if (db_res_int(r, 0, 0) == 0)
			return gzf_err_set(err, GZF_ENOTFOUND, "entry_not_found", "application_id",
					   "no household with this number takes part in the round");
	}
	rc = db_query(c, "INSERT INTO allocation_objections (round_id, city_id, application_id, text,"
		      " contact_enc, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
		      DB_ARGS(DB_I(round_id), DB_I(city_id), DB_I(o->application_id), DB_T(o->text),
			      DB_T(o->contact_enc), DB_I(o->created_at)), &r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
allocation_store_objection_resolve(struct db_conn *c, int64_t round_id, int64_t id,
				   const struct allocation_objection *o, struct gzf_err *err)
{
	struct db_res *r;
	int64_t changed = 0;
	int rc;

	assert(strcmp(o->status, "upheld") == 0 || strcmp(o->status, "rejected") == 0);
	if ((rc = db_exec(c, "UPDATE allocation_objections SET status = $3, resolution_reason = $4,"
			  " resolved_by = $5, resolved_at = $6"
			  " WHERE id = $1 AND round_id = $2 AND status = 'open'",
			  DB_ARGS(DB_I(id), DB_I(round_id), DB_T(o->status), DB_T(o->resolution_reason),
				  DB_I(o->resolved_by), DB_I(o->resolved_at)), &changed, err)) != GZF_OK ||
	    changed == 1)
		return rc;
	if ((rc = db_query(c, "SELECT count(*) FROM allocation_objections WHERE id = $1 AND round_id = $2",
			   DB_ARGS(DB_I(id), DB_I(round_id)), &r, err)) != GZF_OK)
		return rc;
	if (db_res_int(r, 0, 0) == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "objection_not_found", "objection_id",
				   "the round has no such objection");
	return gzf_err_set(err, GZF_ECONFLICT, "objection_resolved", "objection_id",
			   "this objection is resolved already");
}

int
allocation_store_objections_open(struct db_conn *c, int64_t round_id, int64_t *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT count(*) FROM allocation_objections WHERE round_id = $1 AND status = 'open'",
		      DB_ARGS(DB_I(round_id)), &r, err);
	if (rc == GZF_OK)
		*n = db_res_int(r, 0, 0);
	return rc;
}

int
allocation_store_objections(struct db_conn *c, int64_t round_id, struct allocation_objection **out,
			    int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT id, application_id, text, contact_enc, status, resolution_reason,"
			   " COALESCE(resolved_by, 0), resolved_at, created_at FROM allocation_objections"
			   " WHERE round_id = $1 ORDER BY id LIMIT 500", DB_ARGS(DB_I(round_id)), &r, err)) != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct allocation_objection){
			.id = db_res_int(r, i, 0), .application_id = db_res_int(r, i, 1),
			.text = db_res_text(r, i, 2),
			.contact_enc = db_res_isnull(r, i, 3) ? NULL : db_res_text(r, i, 3),
			.status = db_res_text(r, i, 4), .resolution_reason = db_res_text(r, i, 5),
			.resolved_by = db_res_int(r, i, 6), .resolved_at = db_res_int(r, i, 7),
			.created_at = db_res_int(r, i, 8),
		};
	return GZF_OK;
}
