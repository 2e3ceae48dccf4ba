/*
 * recon.c — the daily reconciliation with the bank (对账, R22; docs/api/reconciliation.md):
 * finance lists a city's runs with their totals, reconciles a day at once (the daily job
 * does it by itself after the bank's cut-off), reads a run and its lines, works through
 * the exceptions of the city (filtered by kind, state, assignee), assigns and resolves
 * them. Reading is ACT_FINANCE_READ, acting ACT_RECON_MANAGE, both on the city; the rules
 * are domain/recon.c's.
 */
#include "api/api.h"
#include "domain/calendar.h"
#include "domain/recon.h"

#include <stdlib.h>

#include <string.h>

static int run_list(struct http_req *req);
static int run_create(struct http_req *req);
static int run_get(struct http_req *req);
static int run_lines(struct http_req *req);
static int city_exceptions(struct http_req *req);
static int line_resolve(struct http_req *req);
static int line_assign(struct http_req *req);
static int assignee_check(struct http_req *req, struct db_conn *c, const struct region *city,
			  const struct recon_xinput *in);

void
api_recon_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/cities/:city/recon-runs", run_list);
	router_add(r, "POST", "/api/v1/cities/:city/recon-runs", run_create);
	router_add(r, "GET", "/api/v1/cities/:city/recon-exceptions", city_exceptions);
	router_add(r, "GET", "/api/v1/recon-runs/:id", run_get);
	router_add(r, "GET", "/api/v1/recon-runs/:id/lines", run_lines);
	router_add(r, "POST", "/api/v1/recon-lines/:id/resolve", line_resolve);
	router_add(r, "POST", "/api/v1/recon-lines/:id/assign", line_assign);
}

static json_t *
run_json(const struct recon_run *r)
{
	char day[11];

	recon_day_text(r->day, day);
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:i, s:I, s:i, s:I, s:i, s:I, s:I,"
			 " s:{s:i, s:i, s:i, s:i}, s:i, s:I, s:i, s:I, s:I}",
		"id", (json_int_t)r->id, "city_id", (json_int_t)r->city_id, "day", day,
		"state", r->state, "reason", r->reason, "file_rows", r->file_rows,
		"file_total_fen", (json_int_t)r->file_total_fen, "bank_rows", r->bank_rows,
		"bank_total_fen", (json_int_t)r->bank_total_fen, "gzf_rows", r->gzf_rows,
		"gzf_total_fen", (json_int_t)r->gzf_total_fen,
		"difference_fen", (json_int_t)(r->bank_total_fen - r->gzf_total_fen),
		"counts", "matched", r->counts[RECON_MATCHED],
		"amount_mismatch", r->counts[RECON_AMOUNT_MISMATCH],
		"bank_only", r->counts[RECON_BANK_ONLY], "gzf_only", r->counts[RECON_GZF_ONLY],
		"open_exceptions", r->open_exceptions, "created_by", (json_int_t)r->created_by,
		"version", r->version, "created_at", (json_int_t)r->created_at,
		"updated_at", (json_int_t)r->updated_at);
}

static json_t *
line_json(const struct recon_line *l)
{
	char day[11];

	recon_day_text(l->day, day);
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:I, s:I, s:I, s:s?, s:s,"
			 " s:I, s:s?, s:s?, s:I, s:I, s:i}",
		"id", (json_int_t)l->id, "run_id", (json_int_t)l->run_id, "day", day,
		"kind", l->kind, "type", l->type, "order_no", l->order_no,
		"bank_txn_id", l->bank_txn_id, "refund_no", l->refund_no,
		"bank_fen", (json_int_t)l->bank_fen, "gzf_fen", (json_int_t)l->gzf_fen,
		"difference_fen", (json_int_t)(l->bank_fen - l->gzf_fen), "bank_time", l->bank_time,
		"status", l->status, "assignee_id", (json_int_t)l->assignee_id,
		"resolution", l->resolution, "note", l->note,
		"resolved_by", (json_int_t)l->resolved_by, "resolved_at", (json_int_t)l->resolved_at,
		"version", l->version);
}

/* The caller's rights on city's reconciliations: reading (refusals audited; 404 for an
 * object of a city they may not see), and *manage = 1 when they may act. */
static int
city_access(struct http_req *req, struct db_conn *c, const struct caller *who,
	    const struct region *city, const char *audit, const char *type, int64_t id,
	    int *manage)
{
	struct object obj = { .region_path = city->path };
	int rc;

	if ((rc = api_authorize(req, c, who, ACT_FINANCE_READ, &obj, audit, type, id)) != GZF_OK)
		return rc == GZF_EFORBIDDEN && id != 0
			? gzf_err_set(&req->err, GZF_ENOTFOUND, strcmp(type, "recon_run") == 0
				      ? "run_not_found" : "exception_not_found", NULL,
				      "no such reconciliation record")
			: rc;
	*manage = authz_check(&who->actor, ACT_RECON_MANAGE, &obj) == GZF_OK;
	return GZF_OK;
}

/* The start of an action: refused (and audited) unless the caller may manage. */
static int
manage_required(struct http_req *req, struct db_conn *c, const struct caller *who,
		const struct region *city, const char *audit, const char *type, int64_t id)
{
	struct object obj = { .region_path = city->path };

	return api_authorize(req, c, who, ACT_RECON_MANAGE, &obj, audit, type, id);
}

/* GET /api/v1/cities/:city/recon-runs?offset=&limit= — newest day first. */
static int
run_list(struct http_req *req)
{
	struct recon_run *runs;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	int64_t offset, limit;
	json_t *items;
	int rc, n, total, i, manage;

	if ((rc = api_query_int(req, "offset", 0, 1000000, 0, &offset)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, 100, 20, &limit)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK ||
	    (rc = city_access(req, c, who, &city, "recon.list", "recon_run", 0, &manage)) != GZF_OK ||
	    (rc = recon_store_runs_list(c, city.code, (int)offset, (int)limit, &runs, &n, &total,
					&req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, run_json(&runs[i]));
	return http_reply_json(req, 200, json_pack("{s:o, s:i, s:b}", "items", items, "total", total,
						   "may_manage", manage));
}

/* POST /api/v1/cities/:city/recon-runs {"day": "YYYY-MM-DD"} — reconcile a past day now:
 * 201 with the new run (state refused when the bank's file was refused), 200 with the
 * run a day already has (nothing is added). */
static int
run_create(struct http_req *req)
{
	struct recon_input in = { .party = FSM_DECIDER, .now = gzf_now_ms() };
	struct recon_run r;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	const char *day;
	json_t *body;
	int rc, existing = 0;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "day", 1, 10, &day)) != GZF_OK ||
	    (rc = recon_day_parse(day, &in.day, &req->err)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK ||
	    (rc = manage_required(req, c, who, &city, "recon.run", "recon_run", 0)) != GZF_OK)
		return rc;
	in.city_id = city.code;
	in.actor_id = who->actor.user_id;
	rc = recon_store_run_of_day(c, in.city_id, in.day, &r, &req->err);
	if (rc == GZF_OK && strcmp(r.state, "refused") != 0) /* done already: no fetch */
		return http_reply_json(req, 200, run_json(&r));
	if (rc != GZF_OK && rc != GZF_ENOTFOUND)
		return rc;
	gzf_err_clear(&req->err);
	if (in.day >= calendar_local_date(in.now))
		return recon_run_day(c, &in, &r, &existing, &req->err); /* day_not_over */
	if ((rc = recon_fetch(&((struct service *)req->service)->partners.bank, req->arena, &in, &req->err)) != GZF_OK)
		return rc;
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = recon_run_day(c, &in, &r, &existing, &req->err)) != GZF_OK ||
	    (!existing && (rc = api_audit(req, c, who, "recon.run", "recon_run", r.id, city.code, "ok",
					  arena_printf(req->arena, "{\"day\":%d,\"state\":\"%s\","
						       "\"open_exceptions\":%d}", r.day, r.state,
						       r.open_exceptions))) != GZF_OK) ||
	    (rc = db_commit(c, &req->err)) != GZF_OK) {
		db_rollback(c);
		if (!db_is_duplicate(rc, &req->err))
			return rc;
		/* Reconciled at the same moment by someone else: that run is the answer. */
		gzf_err_clear(&req->err);
		if ((rc = recon_store_run_of_day(c, in.city_id, in.day, &r, &req->err)) != GZF_OK)
			return rc;
		existing = 1;
	}
	return http_reply_json(req, existing ? 200 : 201, run_json(&r));
}

/* The run of :id with its city, and the caller's rights on it. */
static int
run_load(struct http_req *req, struct db_conn **c, struct caller **who, struct recon_run *r,
	 struct region *city, const char *audit, int *manage)
{
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK || (rc = api_db(req, c)) != GZF_OK ||
	    (rc = api_login_required(req, *c, who)) != GZF_OK ||
	    (rc = recon_store_run_get(*c, id, r, &req->err)) != GZF_OK ||
	    (rc = region_store_get(*c, r->city_id, city, &req->err)) != GZF_OK)
		return rc;
	return city_access(req, *c, *who, city, audit, "recon_run", r->id, manage);
}

/* GET /api/v1/recon-runs/:id */
static int
run_get(struct http_req *req)
{
	struct recon_run r;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	json_t *o;
	int rc, manage;

	if ((rc = run_load(req, &c, &who, &r, &city, "recon.read", &manage)) != GZF_OK)
		return rc;
	o = run_json(&r);
	json_object_set_new(o, "may_manage", json_boolean(manage));
	return http_reply_json(req, 200, o);
}

/* The filter members of the query (?kind=&status=&assignee=me|ID) and the page. */
static int
filter_read(struct http_req *req, const struct caller *who, struct recon_filter *f,
	    int64_t *offset, int64_t *limit)
{
	static const char *const statuses[] = { "none", "open", "resolved", NULL };
	const char *assignee = http_query(req, "assignee");
	int i, rc;

	f->kind = http_query(req, "kind");
	f->status = http_query(req, "status");
	for (i = 0; f->kind != NULL && i < RECON_NKINDS && strcmp(f->kind, recon_kind_names[i]) != 0; i++)
		;
	if (f->kind != NULL && i == RECON_NKINDS)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "kind",
				   "kind is matched, amount_mismatch, bank_only or gzf_only");
	for (i = 0; f->status != NULL && statuses[i] != NULL && strcmp(f->status, statuses[i]) != 0; i++)
		;
	if (f->status != NULL && statuses[i] == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "status",
				   "status is none, open or resolved");
	if (assignee != NULL && strcmp(assignee, "me") == 0)
		f->assignee_id = who->actor.user_id;
	else if (assignee != NULL && gzf_parse_int(assignee, 1, INT64_MAX, &f->assignee_id) != GZF_OK)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "assignee",
				   "assignee is me or a staff member's id");
	if ((rc = api_query_int(req, "offset", 0, 10000000, 0, offset)) != GZF_OK)
		return rc;
	return api_query_int(req, "limit", 1, 200, 50, limit);
}

static int
lines_reply(struct http_req *req, struct db_conn *c, const struct recon_filter *f,
	    int64_t offset, int64_t limit, int manage)
{
	struct recon_line *lines;
	json_t *items;
	int rc, n, total, i;

	if ((rc = recon_store_lines_list(c, f, (int)offset, (int)limit, &lines, &n, &total,
					 &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, line_json(&lines[i]));
	return http_reply_json(req, 200, json_pack("{s:o, s:i, s:b}", "items", items, "total", total,
						   "may_manage", manage));
}

/* GET /api/v1/recon-runs/:id/lines?kind=&status=&assignee=&offset=&limit= */
static int
run_lines(struct http_req *req)
{
	struct recon_filter f = { 0 };
	struct recon_run r;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	int64_t offset, limit;
	int rc, manage;

	if ((rc = run_load(req, &c, &who, &r, &city, "recon.read", &manage)) != GZF_OK ||
	    (rc = filter_read(req, who, &f, &offset, &limit)) != GZF_OK)
		return rc;
	f.run_id = r.id;
	return lines_reply(req, c, &f, offset, limit, manage);
}

/* GET /api/v1/cities/:city/recon-exceptions?kind=&status=&assignee=&offset=&limit= — the
 * worklist: the differences of every run of the city (status open|resolved; by default
 * both, never the matched lines). */
static int
city_exceptions(struct http_req *req)
{
	struct recon_filter f = { 0 };
	struct region city;
	struct caller *who;
	struct db_conn *c;
	int64_t offset, limit;
	int rc, manage;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK ||
	    (rc = city_access(req, c, who, &city, "recon.exceptions", "recon_line", 0, &manage)) != GZF_OK ||
	    (rc = filter_read(req, who, &f, &offset, &limit)) != GZF_OK)
		return rc;
	if (f.kind != NULL && strcmp(f.kind, "matched") == 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "kind",
				   "a matched line is not an exception");
	if (f.status != NULL && strcmp(f.status, "none") == 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "status",
				   "status is open or resolved");
	f.city_id = city.code;
	if (f.status == NULL && f.kind == NULL)
		f.status = "open";
	return lines_reply(req, c, &f, offset, limit, manage);
}

/* d as compact JSON text in the request's arena (d released). */
static const char *
detail_text(struct http_req *req, json_t *d)
{
	char *s = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	const char *text = arena_strdup(req->arena, s);

	free(s);
	json_decref(d);
	return text;
}

/*
 * The common course of an event on the exception of :id: the body (version optional),
 * the line, its run and city, the caller's right to manage, check (may be NULL) on the
 * input, then in one transaction the event and its audit entry; the line as the reply.
 */
static int
line_fire(struct http_req *req, int event, struct recon_xinput *in, json_t *body,
	  int (*check)(struct http_req *req, struct db_conn *c, const struct region *city,
		       const struct recon_xinput *in))
{
	const char *action = arena_printf(req->arena, "recon.%s", recon_exception_fsm.events[event]);
	struct recon_line l;
	struct recon_run r;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	json_t *jv, *o;
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = recon_store_line_get(c, id, &l, &req->err)) != GZF_OK ||
	    (rc = recon_store_run_get(c, l.run_id, &r, &req->err)) != GZF_OK ||
	    (rc = region_store_get(c, r.city_id, &city, &req->err)) != GZF_OK ||
	    (rc = manage_required(req, c, who, &city, action, "recon_line", l.id)) != GZF_OK ||
	    (check != NULL && (rc = check(req, c, &city, in)) != GZF_OK))
		return rc;
	jv = json_object_get(body, "version");
	if (jv != NULL && (!json_is_integer(jv) || json_integer_value(jv) != l.version))
		return gzf_err_set(&req->err, GZF_ECONFLICT, "version_conflict", "version",
				   "the exception changed in the meantime: reload it");
	in->party = FSM_DECIDER;
	in->actor_id = who->actor.user_id;
	in->now = gzf_now_ms();
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = recon_exception_fire(c, &r, &l, event, in, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, action, "recon_line", l.id, city.code, "ok",
			    detail_text(req, json_pack("{s:I, s:s, s:s, s:s?, s:I, s:s}",
					"run_id", (json_int_t)r.id, "kind", l.kind,
					"order_no", l.order_no, "resolution", l.resolution,
					"assignee_id", (json_int_t)l.assignee_id,
					"run_state", r.state)))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK) {
		db_rollback(c);
		return rc;
	}
	o = line_json(&l);
	json_object_set_new(o, "run", run_json(&r));
	return http_reply_json(req, 200, o);
}

/* POST /api/v1/recon-lines/:id/resolve {"resolution", "note", "version"?} */
static int
line_resolve(struct http_req *req)
{
	struct recon_xinput in = { 0 };
	json_t *body;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "resolution", 0, 40, &in.resolution)) != GZF_OK ||
	    (rc = api_field_string(req, body, "note", 0, RECON_NOTE_MAX, &in.note)) != GZF_OK)
		return rc;
	return line_fire(req, RECON_X_RESOLVE, &in, body, NULL);
}

/* The assignee of in: nobody, or a finance officer of city (400 bad_assignee). */
static int
assignee_check(struct http_req *req, struct db_conn *c, const struct region *city,
	       const struct recon_xinput *in)
{
	struct object obj = { .region_path = city->path };
	struct actor a;
	struct user u;
	int rc;

	if (in->assignee_id == 0)
		return GZF_OK;
	rc = user_store_get(c, in->assignee_id, &u, &req->err);
	if (rc != GZF_OK && rc != GZF_ENOTFOUND)
		return rc;
	if (rc == GZF_OK)
		authz_actor_of(&u, &a);
	if (rc != GZF_OK || authz_check(&a, ACT_RECON_MANAGE, &obj) != GZF_OK)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_assignee", "assignee_id",
				   "an exception is assigned to a finance officer of its city");
	return GZF_OK;
}

/* POST /api/v1/recon-lines/:id/assign {"assignee_id": ID | null, "version"?} — to a
 * finance officer of the run's city; null: nobody. */
static int
line_assign(struct http_req *req)
{
	struct recon_xinput in = { 0 };
	json_t *body;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_int(req, body, "assignee_id", 0, 1, INT64_MAX, &in.assignee_id)) != GZF_OK)
		return rc;
	return line_fire(req, RECON_X_ASSIGN, &in, body, assignee_check);
}
