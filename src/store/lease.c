/*
 * lease.c — the lease_templates, leases, lease_events, lease_move_ins and
 * lease_move_in_photos tables.
 */
#include "store/lease_store.h"

#define TEMPLATE_COLUMNS \
	"t.id, t.city_id, t.version, t.title, t.body, t.note, t.created_by, t.created_at," \
	" t.updated_at, (SELECT count(*) FROM leases l WHERE l.template_id = t.id)"

#define LEASE_COLUMNS \
	"id, city_id, lease_no, application_id, owner_id, unit_id, pick_id, region_code," \
	" region_path, state, starts_on, ends_on, area_dm2, rent_fen, deposit_fen, template_id," \
	" title, body, household_name_enc, signed_at, signed_by, sign_method, consent," \
	" pdf_media_id, pdf_sha256, paper_media_id, created_by, ended_at, end_reason, version," \
	" created_at, updated_at"

static void template_from_row(const struct db_res *r, int i, struct lease_template *t);
static void lease_from_row(const struct db_res *r, int i, struct lease *l);
static int leases_from(struct db_conn *c, struct db_res *r, struct lease **out, int *n);

static void
template_from_row(const struct db_res *r, int i, struct lease_template *t)
{
	*t = (struct lease_template){
		.id = db_res_int(r, i, 0), .city_id = db_res_int(r, i, 1),
		.version = (int)db_res_int(r, i, 2), .title = db_res_text(r, i, 3),
		.body = db_res_text(r, i, 4), .note = db_res_text(r, i, 5),
		.created_by = db_res_int(r, i, 6), .created_at = db_res_int(r, i, 7),
		.updated_at = db_res_int(r, i, 8), .used = db_res_int(r, i, 9) };
}

static void
lease_from_row(const struct db_res *r, int i, struct lease *l)
{
	*l = (struct lease){
		.id = db_res_int(r, i, 0), .city_id = db_res_int(r, i, 1),
		.lease_no = db_res_text(r, i, 2), .application_id = db_res_int(r, i, 3),
		.owner_id = db_res_int(r, i, 4), .unit_id = db_res_int(r, i, 5),
		.pick_id = db_res_int(r, i, 6), .region_code = db_res_int(r, i, 7),
		.region_path = db_res_text(r, i, 8), .state = db_res_text(r, i, 9),
		.starts_on = (int)db_res_int(r, i, 10), .ends_on = (int)db_res_int(r, i, 11),
		.area_dm2 = db_res_int(r, i, 12), .rent_fen = db_res_int(r, i, 13),
		.deposit_fen = db_res_int(r, i, 14), .template_id = db_res_int(r, i, 15),
		.title = db_res_text(r, i, 16), .body = db_res_text(r, i, 17),
		.household_name_enc = db_res_isnull(r, i, 18) ? NULL : db_res_text(r, i, 18),
		.signed_at = db_res_int(r, i, 19), .signed_by = db_res_int(r, i, 20),
		.sign_method = db_res_text(r, i, 21), .consent = db_res_text(r, i, 22),
		.pdf_media_id = db_res_int(r, i, 23), .pdf_sha256 = db_res_text(r, i, 24),
		.paper_media_id = db_res_int(r, i, 25), .created_by = db_res_int(r, i, 26),
		.ended_at = db_res_int(r, i, 27), .end_reason = db_res_text(r, i, 28),
		.version = (int)db_res_int(r, i, 29), .created_at = db_res_int(r, i, 30),
		.updated_at = db_res_int(r, i, 31) };
}

static int
leases_from(struct db_conn *c, struct db_res *r, struct lease **out, int *n)
{
	struct lease *list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	int i;

	for (i = 0; i < r->nrows; i++)
		lease_from_row(r, i, &list[i]);
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
lease_store_template_create(struct db_conn *c, struct lease_template *t, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c,
		"INSERT INTO lease_templates (city_id, version, title, body, note, created_by, created_at,"
		" updated_at) SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6, $6"
		" FROM lease_templates WHERE city_id = $1 RETURNING id, version",
		DB_ARGS(DB_I(t->city_id), DB_T(t->title), DB_T(t->body), DB_T(t->note),
			DB_I(t->created_by), DB_I(t->created_at)), &r, err);
	if (rc != GZF_OK)
		return rc;
	t->id = db_res_int(r, 0, 0);
	t->version = (int)db_res_int(r, 0, 1);
	t->updated_at = t->created_at;
	t->used = 0;
	return GZF_OK;
}

int
lease_store_template_first(struct db_conn *c, const struct lease_template *t, struct gzf_err *err)
{
	return db_exec(c,
		"INSERT INTO lease_templates (city_id, version, title, body, note, created_by, created_at,"
		" updated_at) VALUES ($1, 1, $2, $3, $4, $5, $6, $6) ON CONFLICT (city_id, version) DO NOTHING",
		DB_ARGS(DB_I(t->city_id), DB_T(t->title), DB_T(t->body), DB_T(t->note),
			DB_I(t->created_by), DB_I(t->created_at)), NULL, err);
}

int
lease_store_template_get(struct db_conn *c, int64_t id, struct lease_template *out,
			 struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, "SELECT " TEMPLATE_COLUMNS " FROM lease_templates t WHERE t.id = $1",
			   DB_ARGS(DB_I(id)), &r, err)) != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "template_not_found", NULL,
				   "no such lease template");
	template_from_row(r, 0, out);
	return GZF_OK;
}

int
lease_store_template_current(struct db_conn *c, int64_t city_id, struct lease_template *out,
			     struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, "SELECT " TEMPLATE_COLUMNS " FROM lease_templates t WHERE t.city_id = $1"
			   " ORDER BY t.version DESC LIMIT 1", DB_ARGS(DB_I(city_id)), &r, err)) != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return GZF_ENOTFOUND;
	template_from_row(r, 0, out);
	return GZF_OK;
}

int
lease_store_template_list(struct db_conn *c, int64_t city_id, struct lease_template **out, int *n,
			  struct gzf_err *err)
{
	struct lease_template *list;
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT " TEMPLATE_COLUMNS " FROM lease_templates t WHERE t.city_id = $1"
			   " ORDER BY t.version DESC LIMIT 200", DB_ARGS(DB_I(city_id)), &r, err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		template_from_row(r, i, &list[i]);
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
lease_store_template_update(struct db_conn *c, const struct lease_template *t, struct gzf_err *err)
{
	int64_t changed = 0;
	int rc = db_exec(c, "UPDATE lease_templates SET title = $2, body = $3, note = $4, updated_at = $5"
			 " WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM leases WHERE template_id = $1)",
			 DB_ARGS(DB_I(t->id), DB_T(t->title), DB_T(t->body), DB_T(t->note),
				 DB_I(t->updated_at)), &changed, err);

	if (rc == GZF_OK && changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "template_in_use", NULL,
				   "a lease was written from this version: it cannot change; write a new version");
	return rc;
}

int
lease_store_create(struct db_conn *c, struct lease *l, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c,
		"INSERT INTO leases (city_id, lease_no, application_id, owner_id, unit_id, pick_id,"
		" region_code, region_path, state, starts_on, ends_on, area_dm2, rent_fen, deposit_fen,"
		" template_id, title, body, household_name_enc, created_by, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
		" $18, $19, $20, $20) RETURNING id",
		DB_ARGS(DB_I(l->city_id), DB_T(l->lease_no), DB_I(l->application_id), DB_I(l->owner_id),
			DB_I(l->unit_id), DB_I(l->pick_id), DB_I(l->region_code), DB_T(l->region_path),
			DB_T(l->state), DB_I(l->starts_on), DB_I(l->ends_on), DB_I(l->area_dm2),
			DB_I(l->rent_fen), DB_I(l->deposit_fen), DB_I(l->template_id), DB_T(l->title),
			DB_T(l->body), DB_T(l->household_name_enc), DB_I(l->created_by),
			DB_I(l->created_at)), &r, err);
	if (rc != GZF_OK)
		return rc;
	l->id = db_res_int(r, 0, 0);
	l->version = 1;
	l->updated_at = l->created_at;
	return GZF_OK;
}

int
lease_store_get(struct db_conn *c, int64_t id, struct lease *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, "SELECT " LEASE_COLUMNS " FROM leases WHERE id = $1", DB_ARGS(DB_I(id)),
			   &r, err)) != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "lease_not_found", NULL, "no such lease");
	lease_from_row(r, 0, out);
	return GZF_OK;
}

int
lease_store_by_owner(struct db_conn *c, int64_t owner_id, struct lease *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	/* A live lease first, else the newest. */
	if ((rc = db_query(c, "SELECT " LEASE_COLUMNS " FROM leases WHERE owner_id = $1 ORDER BY"
			   " CASE WHEN state IN ('offered', 'signed', 'active') THEN 0 ELSE 1 END, id DESC"
			   " LIMIT 1", DB_ARGS(DB_I(owner_id)), &r, err)) != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return GZF_ENOTFOUND;
	lease_from_row(r, 0, out);
	return GZF_OK;
}

int
lease_store_count_for(struct db_conn *c, int64_t application_id, int64_t *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if ((rc = db_query(c, "SELECT count(*) FROM leases WHERE application_id = $1",
			   DB_ARGS(DB_I(application_id)), &r, err)) != GZF_OK)
		return rc;
	*n = db_res_int(r, 0, 0);
	return GZF_OK;
}

int
lease_store_list(struct db_conn *c, int64_t city_id, const char *path, const char *state,
		 int64_t before_id, int limit, struct lease **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " LEASE_COLUMNS " FROM leases WHERE city_id = $1"
		      " AND region_path LIKE $2 AND (CAST($3 AS TEXT) IS NULL OR state = $3)"
		      " AND ($4 = 0 OR id < $4) ORDER BY id DESC LIMIT $5",
		      DB_ARGS(DB_I(city_id), DB_T(arena_printf(db_arena(c), "%s%%", path)), DB_T(state),
			      DB_I(before_id), DB_I(limit)),
		      &r, err);
	if (rc != GZF_OK)
		return rc;
	return leases_from(c, r, out, n);
}

int
lease_store_save(struct db_conn *c, const struct lease *l, int expect_version, struct gzf_err *err)
{
	int64_t changed = 0;
	int rc = db_exec(c,
		"UPDATE leases SET state = $3, ends_on = $4, signed_at = $5, signed_by = $6,"
		" sign_method = $7, consent = $8, pdf_media_id = $9, pdf_sha256 = $10,"
		" paper_media_id = $11, ended_at = $12, end_reason = $13, updated_at = $14,"
		" version = version + 1 WHERE id = $1 AND version = $2",
		DB_ARGS(DB_I(l->id), DB_I(expect_version), DB_T(l->state), DB_I(l->ends_on),
			DB_I(l->signed_at), DB_I(l->signed_by), DB_T(l->sign_method), DB_T(l->consent),
			DB_I(l->pdf_media_id), DB_T(l->pdf_sha256), DB_I(l->paper_media_id),
			DB_I(l->ended_at), DB_T(l->end_reason), DB_I(l->updated_at)), &changed, err);

	if (rc == GZF_OK && changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "version_conflict", "version",
				   "the lease changed in the meantime: reload it");
	return rc;
}

int
lease_store_event_add(struct db_conn *c, int64_t lease_id, const char *event, const char *state,
		      int64_t actor_id, const char *detail, int64_t at, struct gzf_err *err)
{
	return db_exec(c, "INSERT INTO lease_events (lease_id, event, state, actor_id, detail, at)"
		       " VALUES ($1, $2, $3, $4, $5, $6)",
		       DB_ARGS(DB_I(lease_id), DB_T(event), DB_T(state), DB_I(actor_id),
			       DB_T(detail ? detail : ""), DB_I(at)), NULL, err);
}

int
lease_store_events(struct db_conn *c, int64_t lease_id, struct lease_event_row **out, int *n,
		   struct gzf_err *err)
{
	struct lease_event_row *list;
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, "SELECT id, event, state, detail, actor_id, at FROM lease_events"
			   " WHERE lease_id = $1 ORDER BY id", DB_ARGS(DB_I(lease_id)), &r, err)) != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		list[i] = (struct lease_event_row){ .id = db_res_int(r, i, 0),
			.event = db_res_text(r, i, 1), .state = db_res_text(r, i, 2),
			.detail = db_res_text(r, i, 3), .actor_id = db_res_int(r, i, 4),
			.at = db_res_int(r, i, 5) };
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
lease_store_move_in_get(struct db_conn *c, int64_t lease_id, struct lease_move_in *out,
			struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	*out = (struct lease_move_in){ .lease_id = lease_id, .inventory = "[]", .water_m3 = "",
				       .electricity_kwh = "", .gas_m3 = "" };
	if ((rc = db_query(c, "SELECT keys_handed, inventory, water_m3, electricity_kwh, gas_m3,"
			   " recorded_by, recorded_at, staff_confirmed_by, staff_confirmed_at,"
			   " resident_confirmed_by, resident_confirmed_at FROM lease_move_ins"
			   " WHERE lease_id = $1", DB_ARGS(DB_I(lease_id)), &r, err)) != GZF_OK)
		return rc;
	if (r->nrows == 1) {
		out->keys_handed = (int)db_res_int(r, 0, 0);
		out->inventory = db_res_text(r, 0, 1);
		out->water_m3 = db_res_text(r, 0, 2);
		out->electricity_kwh = db_res_text(r, 0, 3);
		out->gas_m3 = db_res_text(r, 0, 4);
		out->recorded_by = db_res_int(r, 0, 5);
		out->recorded_at = db_res_int(r, 0, 6);
		out->staff_confirmed_by = db_res_int(r, 0, 7);
		out->staff_confirmed_at = db_res_int(r, 0, 8);
		out->resident_confirmed_by = db_res_int(r, 0, 9);
		out->resident_confirmed_at = db_res_int(r, 0, 10);
	}
	if ((rc = db_query(c, "SELECT media_id FROM lease_move_in_photos WHERE lease_id = $1"
			   " ORDER BY media_id", DB_ARGS(DB_I(lease_id)), &r, err)) != GZF_OK)
		return rc;
	out->photos = arena_alloc(db_arena(c), sizeof(int64_t) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		out->photos[i] = db_res_int(r, i, 0);
	out->n_photos = r->nrows;
	return GZF_OK;
}

int
lease_store_move_in_put(struct db_conn *c, const struct lease_move_in *m, struct gzf_err *err)
{
	int rc, i;

	rc = db_exec(c,
		"INSERT INTO lease_move_ins (lease_id, keys_handed, inventory, water_m3, electricity_kwh,"
		" gas_m3, recorded_by, recorded_at, staff_confirmed_by, staff_confirmed_at,"
		" resident_confirmed_by, resident_confirmed_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
		" ON CONFLICT (lease_id) DO UPDATE SET keys_handed = excluded.keys_handed,"
		" inventory = excluded.inventory, water_m3 = excluded.water_m3,"
		" electricity_kwh = excluded.electricity_kwh, gas_m3 = excluded.gas_m3,"
		" recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at,"
		" staff_confirmed_by = excluded.staff_confirmed_by,"
		" staff_confirmed_at = excluded.staff_confirmed_at,"
		" resident_confirmed_by = excluded.resident_confirmed_by,"
		" resident_confirmed_at = excluded.resident_confirmed_at",
		DB_ARGS(DB_I(m->lease_id), DB_I(m->keys_handed), DB_T(m->inventory), DB_T(m->water_m3),
			DB_T(m->electricity_kwh), DB_T(m->gas_m3), DB_I(m->recorded_by),
			DB_I(m->recorded_at), DB_I(m->staff_confirmed_by), DB_I(m->staff_confirmed_at),
			DB_I(m->resident_confirmed_by), DB_I(m->resident_confirmed_at)), NULL, err);
	if (rc != GZF_OK ||
	    (rc = db_exec(c, "DELETE FROM lease_move_in_photos WHERE lease_id = $1",
			  DB_ARGS(DB_I(m->lease_id)), NULL, err)) != GZF_OK)
		return rc;
	for (i = 0; i < m->n_photos; i++)
		if ((rc = db_exec(c, "INSERT INTO lease_move_in_photos (lease_id, media_id) VALUES ($1, $2)"
				  " ON CONFLICT DO NOTHING", DB_ARGS(DB_I(m->lease_id), DB_I(m->photos[i])),
				  NULL, err)) != GZF_OK)
			return rc;
	return GZF_OK;
}

int
lease_store_candidates(struct db_conn *c, int64_t city_id, const char *path, int limit,
		       struct lease_candidate **out, int *n, struct gzf_err *err)
{
	struct lease_candidate *list;
	struct db_res *r;
	int rc, i;

	rc = db_query(c,
		"SELECT p.id, p.application_id, p.owner_id, u.id, p.region_path, e.name, b.name,"
		" u.unit_no, u.layout, u.floor_area_dm2, u.rent_fen, p.lottery_rank"
		" FROM selection_picks p JOIN units u ON u.id = p.unit_id"
		" JOIN estates e ON e.id = u.estate_id JOIN buildings b ON b.id = u.building_id"
		" WHERE p.city_id = $1 AND p.state = 'confirmed' AND u.status = 'reserved'"
		" AND p.region_path LIKE $2"
		" AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.state IN ('offered', 'signed', 'active')"
		" AND (l.unit_id = u.id OR l.application_id = p.application_id))"
		" ORDER BY p.session_id DESC, p.lottery_rank LIMIT $3",
		DB_ARGS(DB_I(city_id), DB_T(arena_printf(db_arena(c), "%s%%", path)), DB_I(limit)), &r, err);
	if (rc != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		list[i] = (struct lease_candidate){ .pick_id = db_res_int(r, i, 0),
			.application_id = db_res_int(r, i, 1), .owner_id = db_res_int(r, i, 2),
			.unit_id = db_res_int(r, i, 3), .region_path = db_res_text(r, i, 4),
			.estate_name = db_res_text(r, i, 5), .building_name = db_res_text(r, i, 6),
			.unit_no = db_res_text(r, i, 7), .layout = db_res_text(r, i, 8),
			.area_dm2 = db_res_int(r, i, 9), .rent_fen = db_res_int(r, i, 10),
			.lottery_rank = (int)db_res_int(r, i, 11) };
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}
