/*
 * application.c — applications, their timeline, materials, inbox messages, publicity
 * objections and the cities' review chains (application_store.h).
 */
#include "store/application_store.h"

#include <assert.h>
#include <string.h>

#define APP_COLUMNS "id, city_id, owner_id, region_code, region_path, kind, status, step," \
	" step_index, step_started_at, step_deadline, draft_step, applicant_name_enc," \
	" applicant_id_hash, household_enc, persons, evidence_enc, criteria, overall," \
	" delay_reason, correction_reason, decision_reason, failed_criterion, counter_clerk_id," \
	" consent_media_id, consent_phone_enc, consent_at, publicity_until, submitted_at," \
	" total_deadline, decided_at, version, created_at, updated_at, reference"
#define EVENT_COLUMNS "id, application_id, step, office_code, limit_days, arrived_at, deadline," \
	" finished_at, outcome, reason, actor_id"

static void app_from_row(const struct db_res *r, int row, struct application *a);
static int apps_from_res(struct db_conn *c, const struct db_res *r, struct application **out,
			 int *n);
static void event_from_row(const struct db_res *r, int row, struct app_event *e);
static int events_query(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
			struct app_event **out, int *n, struct gzf_err *err);

static void
app_from_row(const struct db_res *r, int row, struct application *a)
{
	int k = 0;

	a->id = db_res_int(r, row, k++);
	a->city_id = db_res_int(r, row, k++);
	a->owner_id = db_res_int(r, row, k++);
	a->region_code = db_res_int(r, row, k++);
	a->region_path = db_res_text(r, row, k++);
	a->kind = db_res_text(r, row, k++);
	a->status = db_res_text(r, row, k++);
	a->step = db_res_text(r, row, k++);
	a->step_index = (int)db_res_int(r, row, k++);
	a->step_started_at = db_res_int(r, row, k++);
	a->step_deadline = db_res_int(r, row, k++);
	a->draft_step = (int)db_res_int(r, row, k++);
	a->applicant_name_enc = db_res_text(r, row, k++);
	a->applicant_id_hash = db_res_text(r, row, k++);
	a->household_enc = db_res_text(r, row, k++);
	a->persons = (int)db_res_int(r, row, k++);
	a->evidence_enc = db_res_text(r, row, k++);
	a->criteria = db_res_text(r, row, k++);
	a->overall = db_res_text(r, row, k++);
	a->delay_reason = db_res_text(r, row, k++);
	a->correction_reason = db_res_text(r, row, k++);
	a->decision_reason = db_res_text(r, row, k++);
	a->failed_criterion = db_res_text(r, row, k++);
	a->counter_clerk_id = db_res_int(r, row, k++);
	a->consent_media_id = db_res_int(r, row, k++);
	a->consent_phone_enc = db_res_text(r, row, k++);
	a->consent_at = db_res_int(r, row, k++);
	a->publicity_until = db_res_int(r, row, k++);
	a->submitted_at = db_res_int(r, row, k++);
	a->total_deadline = db_res_int(r, row, k++);
	a->decided_at = db_res_int(r, row, k++);
	a->version = (int)db_res_int(r, row, k++);
	a->created_at = db_res_int(r, row, k++);
	a->updated_at = db_res_int(r, row, k++);
	a->reference = db_res_text(r, row, k++);
}

static int
apps_from_res(struct db_conn *c, const struct db_res *r, struct application **out, int *n)
{
	int i;

	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		app_from_row(r, i, &(*out)[i]);
	*n = r->nrows;
	return GZF_OK;
}

int
application_store_create(struct db_conn *c, const struct application *a, int64_t *id, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	assert(a->city_id > 0 && a->owner_id >= 0 && a->status != NULL); /* a tenant row, in a state */
	rc = db_query(c,
		"INSERT INTO applications (city_id, owner_id, region_code, region_path, kind, status,"
		" draft_step, applicant_name_enc, applicant_id_hash, household_enc, persons,"
		" counter_clerk_id, consent_media_id, consent_phone_enc, consent_at, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)"
		" RETURNING id",
		DB_ARGS(DB_I(a->city_id), DB_I(a->owner_id), DB_I(a->region_code), DB_T(a->region_path),
			DB_T(a->kind), DB_T(a->status), DB_I(a->draft_step), DB_T(a->applicant_name_enc),
			DB_T(a->applicant_id_hash), DB_T(a->household_enc), DB_I(a->persons),
			DB_I(a->counter_clerk_id), DB_I(a->consent_media_id), DB_T(a->consent_phone_enc),
			DB_I(a->consent_at), DB_I(a->created_at)),
		&r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
application_store_get(struct db_conn *c, int64_t id, struct application *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " APP_COLUMNS " FROM applications WHERE id = $1",
		      DB_ARGS(DB_I(id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "application_not_found", NULL,
				   "no such application");
	app_from_row(r, 0, out);
	return GZF_OK;
}

int
application_store_save(struct db_conn *c, const struct application *a, int expect_version,
	       struct gzf_err *err)
{
	int64_t changed = 0;
	int rc;

	assert(a->id > 0 && expect_version >= 1); /* saved only after it was read */
	rc = db_exec(c,
		"UPDATE applications SET region_code = $3, region_path = $4, kind = $5, status = $6,"
		" step = $7, step_index = $8, step_started_at = $9, step_deadline = $10, draft_step = $11,"
		" applicant_name_enc = $12, applicant_id_hash = $13, household_enc = $14, persons = $15,"
		" evidence_enc = $16, criteria = $17, overall = $18, delay_reason = $19,"
		" correction_reason = $20, decision_reason = $21, failed_criterion = $22,"
		" publicity_until = $23, submitted_at = $24, total_deadline = $25, decided_at = $26,"
		" updated_at = $27, reference = $28, version = version + 1"
		" WHERE id = $1 AND version = $2",
		DB_ARGS(DB_I(a->id), DB_I(expect_version), DB_I(a->region_code), DB_T(a->region_path),
			DB_T(a->kind), DB_T(a->status), DB_T(a->step), DB_I(a->step_index),
			DB_I(a->step_started_at), DB_I(a->step_deadline), DB_I(a->draft_step),
			DB_T(a->applicant_name_enc), DB_T(a->applicant_id_hash), DB_T(a->household_enc),
			DB_I(a->persons), DB_T(a->evidence_enc), DB_T(a->criteria), DB_T(a->overall),
			DB_T(a->delay_reason), DB_T(a->correction_reason), DB_T(a->decision_reason),
			DB_T(a->failed_criterion), DB_I(a->publicity_until), DB_I(a->submitted_at),
			DB_I(a->total_deadline), DB_I(a->decided_at), DB_I(a->updated_at),
			DB_T(a->reference)),
		&changed, err);
	/* The unique indexes of applications: one open application per applicant, and the
	 * reference (which holds the unique id, so only the first can be violated). */
	if (db_is_duplicate(rc, err))
		return gzf_err_set(err, GZF_ECONFLICT, "application_open", NULL,
				   "this person already has an application under way or granted");
	if (rc == GZF_OK && changed == 0)
		return gzf_err_set(err, GZF_ECONFLICT, "version_conflict", "version",
				   "the application was changed by someone else in the meantime: reload it and decide again");
	return rc;
}

int
application_store_by_owner(struct db_conn *c, int64_t owner_id, struct application **out, int *n,
		   struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " APP_COLUMNS " FROM applications WHERE owner_id = $1"
		      " ORDER BY created_at DESC, id DESC LIMIT 50", DB_ARGS(DB_I(owner_id)), &r, err);
	return rc != GZF_OK ? rc : apps_from_res(c, r, out, n);
}

int
application_store_worklist(struct db_conn *c, int64_t city_id, const char *const *steps, int nsteps,
			   const char *path, int desc, int limit, int offset, struct application **out,
			   int *n, struct gzf_err *err)
{
	/* Always APP_WORKLIST_STEPS step parameters ('' names no step): one statement per
	 * order. The page's ids first, from the rows' deadlines alone; then their rows. */
#define WORKLIST_WHERE " FROM applications WHERE city_id = $1 AND step IN ($2, $3, $4, $5, $6, $7," \
	" $8, $9, $10, $11, $12, $13) AND status IN ('review', 'publicity') AND region_path LIKE $14"
	static const char *const sql[2] = {
		"SELECT " APP_COLUMNS " FROM applications WHERE id IN (SELECT id" WORKLIST_WHERE
		" ORDER BY step_deadline, id LIMIT $15 OFFSET $16) ORDER BY step_deadline, id",
		"SELECT " APP_COLUMNS " FROM applications WHERE id IN (SELECT id" WORKLIST_WHERE
		" ORDER BY step_deadline DESC, id DESC LIMIT $15 OFFSET $16)"
		" ORDER BY step_deadline DESC, id DESC",
	};
#undef WORKLIST_WHERE
	struct db_val args[APP_WORKLIST_STEPS + 4];
	struct db_res *r;
	int rc, i;

	assert(nsteps >= 0 && nsteps <= APP_WORKLIST_STEPS);
	args[0] = DB_I(city_id);
	for (i = 0; i < APP_WORKLIST_STEPS; i++)
		args[1 + i] = DB_T(i < nsteps ? steps[i] : "");
	args[APP_WORKLIST_STEPS + 1] = DB_T(arena_printf(db_arena(c), "%s%%", path));
	args[APP_WORKLIST_STEPS + 2] = DB_I(limit);
	args[APP_WORKLIST_STEPS + 3] = DB_I(offset);
	rc = db_query(c, sql[desc != 0], args, APP_WORKLIST_STEPS + 4, &r, err);
	return rc != GZF_OK ? rc : apps_from_res(c, r, out, n);
}

int
application_store_step_counts(struct db_conn *c, int64_t city_id, const char *step, const char *path,
			      int64_t now, int64_t day_end, int64_t *total, int64_t *due_today,
			      int64_t *overdue, int64_t *next_due, struct gzf_err *err)
{
	const char *like = arena_printf(db_arena(c), "%s%%", path);
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT COUNT(*),"
		      " COALESCE(SUM(CASE WHEN status = 'review' AND step_deadline >= $4"
		      " AND step_deadline < $5 THEN 1 ELSE 0 END), 0),"
		      " COALESCE(SUM(CASE WHEN status = 'review' AND step_deadline > 0"
		      " AND step_deadline < $4 THEN 1 ELSE 0 END), 0),"
		      " MIN(CASE WHEN status = 'review' AND step_deadline >= $4 THEN step_deadline END)"
		      " FROM applications WHERE city_id = $1 AND step = $2"
		      " AND status IN ('review', 'publicity') AND region_path LIKE $3",
		      DB_ARGS(DB_I(city_id), DB_T(step), DB_T(like), DB_I(now), DB_I(day_end)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*total = db_res_int(r, 0, 0);
	*due_today = db_res_int(r, 0, 1);
	*overdue = db_res_int(r, 0, 2);
	if (next_due != NULL)
		*next_due = db_res_int(r, 0, 3);
	return GZF_OK;
}

int
application_store_worklist_generation(struct db_conn *c, int64_t city_id, int64_t *gen,
				      struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT gen FROM worklist_generations WHERE city_id = $1",
		      DB_ARGS(DB_I(city_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*gen = r->nrows > 0 ? db_res_int(r, 0, 0) : 0;
	return GZF_OK;
}

int
application_store_in_publicity(struct db_conn *c, int64_t city_id, struct application **out, int *n,
		       struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	/* The status twice: the second names the waiting applications' index (062). */
	rc = db_query(c, "SELECT " APP_COLUMNS " FROM applications WHERE city_id = $1"
		      " AND status = 'publicity' AND status IN ('review', 'publicity')"
		      " ORDER BY step_started_at, id LIMIT 500",
		      DB_ARGS(DB_I(city_id)), &r, err);
	return rc != GZF_OK ? rc : apps_from_res(c, r, out, n);
}

int
application_store_event_open(struct db_conn *c, int64_t city_id, int64_t app_id, const char *step,
	       int64_t office_code, int limit_days, int64_t arrived_at, int64_t deadline,
	       struct gzf_err *err)
{
	assert(city_id > 0 && app_id > 0 && deadline >= arrived_at);
	return db_exec(c, "INSERT INTO application_events (city_id, application_id, step,"
		       " office_code, limit_days, arrived_at, deadline) VALUES ($1, $2, $3, $4, $5, $6, $7)",
		       DB_ARGS(DB_I(city_id), DB_I(app_id), DB_T(step), DB_I(office_code),
			       DB_I(limit_days), DB_I(arrived_at), DB_I(deadline)), NULL, err);
}

int
application_store_event_close(struct db_conn *c, int64_t app_id, int64_t now, const char *outcome,
		const char *reason, int64_t actor_id, struct gzf_err *err)
{
	return db_exec(c, "UPDATE application_events SET finished_at = $2, outcome = $3, reason = $4,"
		       " actor_id = $5 WHERE application_id = $1 AND finished_at = 0",
		       DB_ARGS(DB_I(app_id), DB_I(now), DB_T(outcome), DB_T(reason), DB_I(actor_id)),
		       NULL, err);
}

static void
event_from_row(const struct db_res *r, int row, struct app_event *e)
{
	e->id = db_res_int(r, row, 0);
	e->application_id = db_res_int(r, row, 1);
	e->step = db_res_text(r, row, 2);
	e->office_code = db_res_int(r, row, 3);
	e->limit_days = (int)db_res_int(r, row, 4);
	e->arrived_at = db_res_int(r, row, 5);
	e->deadline = db_res_int(r, row, 6);
	e->finished_at = db_res_int(r, row, 7);
	e->outcome = db_res_text(r, row, 8);
	e->reason = db_res_text(r, row, 9);
	e->actor_id = db_res_int(r, row, 10);
}

static int
events_query(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
	     struct app_event **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	if ((rc = db_query(c, sql, args, nargs, &r, err)) != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		event_from_row(r, i, &(*out)[i]);
	*n = r->nrows;
	return GZF_OK;
}

int
application_store_events(struct db_conn *c, int64_t app_id, struct app_event **out, int *n, struct gzf_err *err)
{
	return events_query(c, "SELECT " EVENT_COLUMNS " FROM application_events"
			    " WHERE application_id = $1 ORDER BY id", DB_ARGS(DB_I(app_id)), out, n, err);
}

int
application_store_events_finished(struct db_conn *c, int64_t city_id, int64_t since, int limit,
		    struct app_event **out, int *n, int *more, struct gzf_err *err)
{
	int rc;

	/* One row past the limit tells whether there are more. */
	rc = events_query(c, "SELECT " EVENT_COLUMNS " FROM application_events"
			  " WHERE city_id = $1 AND finished_at > 0 AND arrived_at >= $2"
			  " ORDER BY application_id DESC, id LIMIT $3",
			  DB_ARGS(DB_I(city_id), DB_I(since), DB_I(limit + 1)), out, n, err);
	*more = rc == GZF_OK && *n > limit;
	if (*more)
		*n = limit;
	return rc;
}

int
application_store_material_add(struct db_conn *c, int64_t city_id, int64_t app_id, const char *code,
		 int64_t media_id, int64_t now, int64_t *id, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "INSERT INTO application_materials (city_id, application_id, code, media_id,"
		      " created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
		      DB_ARGS(DB_I(city_id), DB_I(app_id), DB_T(code), DB_I(media_id), DB_I(now)), &r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
application_store_materials(struct db_conn *c, int64_t app_id, struct app_material **out, int *n,
	      struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT id, application_id, code, media_id, created_at FROM application_materials"
		      " WHERE application_id = $1 ORDER BY code, id", DB_ARGS(DB_I(app_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct app_material){
			.id = db_res_int(r, i, 0), .application_id = db_res_int(r, i, 1),
			.code = db_res_text(r, i, 2), .media_id = db_res_int(r, i, 3),
			.created_at = db_res_int(r, i, 4),
		};
	*n = r->nrows;
	return GZF_OK;
}

int
application_store_material_get(struct db_conn *c, int64_t app_id, int64_t id, struct app_material *out,
		 struct gzf_err *err)
{
	struct app_material *all;
	int rc, n, i;

	if ((rc = application_store_materials(c, app_id, &all, &n, err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (all[i].id == id) {
			*out = all[i];
			return GZF_OK;
		}
	return gzf_err_set(err, GZF_ENOTFOUND, "material_not_found", NULL, "no such material");
}

int
application_store_material_delete(struct db_conn *c, int64_t app_id, int64_t id, struct gzf_err *err)
{
	int64_t changed = 0;
	int rc;

	rc = db_exec(c, "DELETE FROM application_materials WHERE application_id = $1 AND id = $2",
		     DB_ARGS(DB_I(app_id), DB_I(id)), &changed, err);
	if (rc == GZF_OK && changed == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "material_not_found", NULL, "no such material");
	return rc;
}

int
application_store_message_add(struct db_conn *c, int64_t city_id, int64_t user_id, int64_t app_id,
		const char *kind, const char *title, const char *body, int64_t now,
		struct gzf_err *err)
{
	assert(city_id > 0 && kind != NULL && title != NULL && body != NULL);
	if (user_id <= 0)
		return GZF_OK;
	return db_exec(c, "INSERT INTO messages (city_id, user_id, application_id, kind, title, body,"
		       " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
		       DB_ARGS(DB_I(city_id), DB_I(user_id), DB_I(app_id), DB_T(kind), DB_T(title),
			       DB_T(body), DB_I(now)), NULL, err);
}

int
application_store_messages(struct db_conn *c, int64_t user_id, struct app_message **out, int *n,
	     struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT id, application_id, kind, title, body, created_at, read_at FROM messages"
		      " WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100",
		      DB_ARGS(DB_I(user_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct app_message){
			.id = db_res_int(r, i, 0), .application_id = db_res_int(r, i, 1),
			.kind = db_res_text(r, i, 2), .title = db_res_text(r, i, 3),
			.body = db_res_text(r, i, 4), .created_at = db_res_int(r, i, 5),
			.read_at = db_res_int(r, i, 6),
		};
	*n = r->nrows;
	return GZF_OK;
}

int
application_store_message_read(struct db_conn *c, int64_t user_id, int64_t id, int64_t now, struct gzf_err *err)
{
	int64_t changed = 0;
	int rc;

	rc = db_exec(c, "UPDATE messages SET read_at = $3 WHERE user_id = $1 AND id = $2 AND read_at = 0",
		     DB_ARGS(DB_I(user_id), DB_I(id), DB_I(now)), &changed, err);
	if (rc == GZF_OK && changed == 0)
		return gzf_err_set(err, GZF_ENOTFOUND, "message_not_found", NULL,
				   "no such unread message");
	return rc;
}

int
application_store_objection_add(struct db_conn *c, int64_t city_id, int64_t app_id, const char *text,
		  const char *contact_enc, int64_t now, int64_t *id, struct gzf_err *err)
{
	struct db_res *r;
	int64_t changed = 0;
	int rc;

	assert(city_id > 0 && app_id > 0 && text != NULL);
	/* The application changes with it: whoever read it before (the job that ends the
	 * period, a reviewer) saves against a stale version and must look again. */
	rc = db_exec(c, "UPDATE applications SET version = version + 1, updated_at = $2"
		     " WHERE id = $1 AND status = 'publicity'", DB_ARGS(DB_I(app_id), DB_I(now)),
		     &changed, err);
	if (rc == GZF_OK && changed == 0)
		return gzf_err_set(err, GZF_ESTATE, "illegal_transition", NULL,
				   "the publicity period of this application has ended");
	if (rc != GZF_OK)
		return rc;
	rc = db_query(c, "INSERT INTO objections (city_id, application_id, text, contact_enc, created_at)"
		      " VALUES ($1, $2, $3, $4, $5) RETURNING id",
		      DB_ARGS(DB_I(city_id), DB_I(app_id), DB_T(text), DB_T(contact_enc), DB_I(now)), &r, err);
	if (rc == GZF_OK)
		*id = db_res_int(r, 0, 0);
	return rc;
}

int
application_store_objections_open(struct db_conn *c, int64_t app_id, int64_t *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT COUNT(*) FROM objections WHERE application_id = $1 AND status = 'open'",
		      DB_ARGS(DB_I(app_id)), &r, err);
	if (rc == GZF_OK)
		*n = db_res_int(r, 0, 0);
	return rc;
}

int
application_store_objections(struct db_conn *c, int64_t app_id, struct app_objection **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc, i;

	rc = db_query(c, "SELECT id, text, contact_enc, status, created_at FROM objections"
		      " WHERE application_id = $1 ORDER BY id LIMIT 100", DB_ARGS(DB_I(app_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*n = r->nrows;
	*out = arena_alloc(db_arena(c), sizeof(**out) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		(*out)[i] = (struct app_objection){
			.id = db_res_int(r, i, 0), .text = db_res_text(r, i, 1),
			.contact_enc = db_res_isnull(r, i, 2) ? NULL : db_res_text(r, i, 2),
			.status = db_res_text(r, i, 3), .created_at = db_res_int(r, i, 4),
		};
	return GZF_OK;
}

int
application_store_chain_get(struct db_conn *c, int64_t city_id, const char **chain, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT chain FROM review_chains WHERE city_id = $1", DB_ARGS(DB_I(city_id)),
		      &r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows == 0)
		return GZF_ENOTFOUND;
	*chain = db_res_text(r, 0, 0);
	return GZF_OK;
}

int
application_store_chain_put(struct db_conn *c, int64_t city_id, const char *chain, int64_t by, int64_t now,
	      struct gzf_err *err)
{
	int64_t changed = 0;
	int rc;

	rc = db_exec(c, "UPDATE review_chains SET chain = $2, updated_by = $3, updated_at = $4"
		     " WHERE city_id = $1", DB_ARGS(DB_I(city_id), DB_T(chain), DB_I(by), DB_I(now)),
		     &changed, err);
	if (rc != GZF_OK || changed > 0)
		return rc;
	return db_exec(c, "INSERT INTO review_chains (city_id, chain, updated_by, updated_at)"
		       " VALUES ($1, $2, $3, $4)", DB_ARGS(DB_I(city_id), DB_T(chain), DB_I(by), DB_I(now)),
		       NULL, err);
}
