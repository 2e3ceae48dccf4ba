/*
 * bill.c — rent bills over HTTP (docs/api/bills.md): a city's rent rules, a household's
 * own bills, the staff's bill list, waivers, billing runs, and arrears ageing with its
 * XLSX export. Every staff access is decided by authz on the lease's region (bill_read,
 * bill_manage) or the city (rent_rules).
 */
#include "api/api.h"
#include "domain/billing.h"
#include "domain/calendar.h"
#include "domain/sheet.h"
#include "store/bill_store.h"

#include <stdio.h>
#include <string.h>

#define LIST_MAX 200
#define ARREARS_LIST_MAX 500
#define EXPORT_MAX 50000

static int rules_get(struct http_req *req);
static int rules_put(struct http_req *req);
static int my_bills(struct http_req *req);
static int my_bill(struct http_req *req);
static int bills_list(struct http_req *req);
static int bill_get(struct http_req *req);
static int bill_waive(struct http_req *req);
static int runs_list(struct http_req *req);
static int run_now(struct http_req *req);
static int arrears(struct http_req *req);
static int arrears_export(struct http_req *req);

void
api_bill_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/cities/:city/rent-rules", rules_get);
	router_add(r, "PUT", "/api/v1/cities/:city/rent-rules", rules_put);
	router_add(r, "GET", "/api/v1/me/bills", my_bills);
	router_add(r, "GET", "/api/v1/me/bills/:id", my_bill);
	router_add(r, "GET", "/api/v1/bills", bills_list);
	router_add(r, "GET", "/api/v1/bills/:id", bill_get);
	router_add(r, "POST", "/api/v1/bills/:id/waive", bill_waive);
	router_add(r, "GET", "/api/v1/cities/:city/billing-runs", runs_list);
	router_add(r, "POST", "/api/v1/cities/:city/billing-runs", run_now);
	router_add(r, "GET", "/api/v1/arrears", arrears);
	router_add(r, "GET", "/api/v1/arrears/export", arrears_export);
}

/* GET /api/v1/cities/:city/rent-rules — public: the rules tenants are billed by. */
static int
rules_get(struct http_req *req)
{
	struct region city;
	struct db_conn *c;
	json_t *out;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_param_city(req, c, &city)) != GZF_OK ||
	    (rc = billing_rules_json(c, city.code, &out, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, out);
}

/* PUT /api/v1/cities/:city/rent-rules {"rules","billing_day"?,"due_day"?,"remind_every_days"?}
 * — a new version of the city's rules; never one that changes a billed month. */
static int
rules_put(struct http_req *req)
{
	struct region city;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	json_t *body, *out;
	int rc, version = 0;

	if ((rc = http_read_json(req, &body)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_param_city(req, c, &city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city.path };
	if ((rc = api_authorize(req, c, who, ACT_RENT_RULES, &obj, "rent_rules.put", "region",
				city.code)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = billing_rules_put(c, city.code, body, who->actor.user_id, gzf_now_ms(), &version,
				    &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "rent_rules.put", "region", city.code, city.code, "ok",
			    arena_printf(req->arena, "{\"version\":%d}", version))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = billing_rules_json(c, city.code, &out, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, out);
}

/* A bill as the API shows it; with its lines and the late-fee basis when detail. */
static json_t *
bill_json(struct http_req *req, struct db_conn *c, const struct bill_row *b, int detail)
{
	struct billing_rules *rules;
	struct bill_late_line *late;
	json_t *j, *lines;
	int n, i;

	j = json_pack("{s:I, s:s, s:I, s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:i, s:I}",
		      "id", (json_int_t)b->id, "bill_no", b->bill_no, "lease_id",
		      (json_int_t)b->lease_id, "lease_no", b->lease_no, "month", b->month,
		      "rent_fen", (json_int_t)b->rent_fen, "reduction_fen",
		      (json_int_t)b->reduction_fen, "late_fee_fen", (json_int_t)b->late_fee_fen,
		      "amount_fen", (json_int_t)b->amount_fen, "paid_fen", (json_int_t)b->paid_fen,
		      "waived_fen", (json_int_t)b->waived_fen, "outstanding_fen",
		      (json_int_t)(b->amount_fen - b->paid_fen - b->waived_fen), "state", b->state,
		      "due_on", b->due_on, "issued_at", (json_int_t)b->issued_at);
	if (!detail)
		return j;
	lines = json_array();
	if (bill_store_late_lines(c, b->id, &late, &n, &req->err) == GZF_OK)
		for (i = 0; i < n; i++)
			json_array_append_new(lines, json_pack("{s:I, s:i, s:i, s:i, s:I}", "bill_id",
				(json_int_t)late[i].bill_id, "month", late[i].month, "due_on",
				late[i].due_on, "counted_to", late[i].counted_to, "fee_fen",
				(json_int_t)late[i].fee_fen));
	json_object_set_new(j, "late_fees", lines);
	rules = arena_alloc(req->arena, sizeof(*rules));
	if (billing_rules_load(c, b->city_id, rules, &req->err) == GZF_OK)
		json_object_set_new(j, "late_fee_rule", json_pack("{s:I, s:i, s:I, s:I, s:s}",
			"bp_per_day", (json_int_t)rules->cfg.late.bp_per_day, "grace_days",
			rules->cfg.late.grace_days, "cap_bp", (json_int_t)rules->cfg.late.cap_bp,
			"cap_fen", (json_int_t)rules->cfg.late.cap_fen, "basis", rules->cfg.late.basis));
	gzf_err_clear(&req->err);
	return j;
}

/* Reply a list of bills with total. */
static int
reply_bills(struct http_req *req, struct db_conn *c, const struct bill_filter *f, int offset,
	    int limit, json_t *extra)
{
	struct bill_row *b;
	json_t *items;
	int64_t total;
	int rc, n, i;

	if ((rc = bill_store_bills(c, f, offset, limit, &b, &n, &total, &req->err)) != GZF_OK) {
		json_decref(extra);
		return rc;
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, bill_json(req, c, &b[i], 0));
	json_object_set_new(extra, "items", items);
	json_object_set_new(extra, "total", json_integer(total));
	return http_reply_json(req, 200, extra);
}

/* GET /api/v1/me/bills?offset=&limit= — the household's own bills, newest first, and
 * what it owes past due ("arrears": months, owed_fen). */
static int
my_bills(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct bill_filter f = { 0 };
	struct bill_row *b;
	int64_t offset, limit, owed = 0;
	int rc, n, i, months = 0, today = calendar_local_date(gzf_now_ms());

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_query_int(req, "offset", 0, 1000000, 0, &offset)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, LIST_MAX, 50, &limit)) != GZF_OK)
		return rc;
	if (who->actor.kind != ACTOR_RESIDENT)
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "forbidden", NULL,
				   "bills of one's own are a resident's");
	f.owner_id = who->actor.user_id;
	f.state = "open";
	for (i = 0; i < 2; i++) {
		if ((rc = bill_store_bills(c, &f, 0, 1000, &b, &n, NULL, &req->err)) != GZF_OK)
			return rc;
		for (int k = 0; k < n; k++)
			if (b[k].due_on < today) {
				months++;
				owed += b[k].amount_fen - b[k].paid_fen - b[k].waived_fen;
			}
		f.state = "part_paid";
	}
	f.state = NULL;
	return reply_bills(req, c, &f, (int)offset, (int)limit,
			   json_pack("{s:{s:i, s:I}}", "arrears", "months", months, "owed_fen",
				     (json_int_t)owed));
}

/* The bill of :id for who, authorised for action (its owner reads it; staff by region). */
static int
load_bill(struct http_req *req, struct db_conn *c, struct caller *who, enum action act,
	  const char *audit, struct bill_row *b)
{
	struct object obj;
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK ||
	    (rc = bill_store_bill_get(c, id, b, &req->err)) != GZF_OK)
		return rc;
	obj = (struct object){ .owner_id = b->owner_id, .region_path = b->region_path };
	if (authz_check(&who->actor, act, &obj) != GZF_OK && who->actor.kind == ACTOR_RESIDENT)
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "not_found", NULL, "no such bill");
	return api_authorize(req, c, who, act, &obj, audit, "bill", b->id);
}

/* GET /api/v1/me/bills/:id — one of the household's bills with its lines. */
static int
my_bill(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct bill_row b;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	if (who->actor.kind != ACTOR_RESIDENT)
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "forbidden", NULL,
				   "bills of one's own are a resident's");
	if ((rc = load_bill(req, c, who, ACT_BILL_READ, "bill.read", &b)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, bill_json(req, c, &b, 1));
}

static const char *const bill_states[] = { "open", "part_paid", "paid", "waived", NULL };

/* GET /api/v1/bills?region=&state=&month=&lease_id=&offset=&limit= — staff: the bills of
 * leases in a region (default: their own). */
static int
bills_list(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct region reg;
	struct object obj;
	struct bill_filter f = { 0 };
	int64_t offset, limit, month, lease;
	const char *state = http_query(req, "state");
	int rc, i;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_query_region(req, c, who, &reg)) != GZF_OK ||
	    (rc = api_query_int(req, "offset", 0, 1000000, 0, &offset)) != GZF_OK ||
	    (rc = api_query_int(req, "limit", 1, LIST_MAX, 50, &limit)) != GZF_OK ||
	    (rc = api_query_int(req, "month", 0, 209912, 0, &month)) != GZF_OK ||
	    (rc = api_query_int(req, "lease_id", 0, INT64_MAX, 0, &lease)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = reg.path };
	if ((rc = api_authorize(req, c, who, ACT_BILL_READ, &obj, "bill.list", "region",
				reg.code)) != GZF_OK)
		return rc;
	for (i = 0; state != NULL && bill_states[i] != NULL && strcmp(state, bill_states[i]); i++)
		;
	if (state != NULL && bill_states[i] == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "state", "state is not valid");
	f = (struct bill_filter){ .region_path = reg.path, .state = state, .month = (int)month,
				  .lease_id = lease };
	return reply_bills(req, c, &f, (int)offset, (int)limit, json_object());
}

/* GET /api/v1/bills/:id — staff (or the owner): one bill with its lines. */
static int
bill_get(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct bill_row b;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = load_bill(req, c, who, ACT_BILL_READ, "bill.read", &b)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, bill_json(req, c, &b, 1));
}

/* POST /api/v1/bills/:id/waive {"amount_fen","reason"} — 减免 part or all of what the bill
 * has outstanding; audited with the reason. */
static int
bill_waive(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct bill_row b;
	const char *reason;
	json_t *body, *detail;
	int64_t amount = 0;
	char *text;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_int(req, body, "amount_fen", 1, 1, 1000000000000LL, &amount)) != GZF_OK ||
	    (rc = api_field_string(req, body, "reason", 1, 200, &reason)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = load_bill(req, c, who, ACT_BILL_MANAGE, "bill.waive", &b)) != GZF_OK)
		return rc;
	if (reason[0] == '\0')
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "reason", "reason is required");
	detail = json_pack("{s:I, s:s}", "amount_fen", (json_int_t)amount, "reason", reason);
	text = json_dumps(detail, JSON_COMPACT);
	json_decref(detail);
	arena_cleanup_add(req->arena, free, text);
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = billing_waive(c, b.id, amount, who->actor.user_id, gzf_now_ms(), &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "bill.waive", "bill", b.id, b.region_code, "ok", text)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = bill_store_bill_get(c, b.id, &b, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, bill_json(req, c, &b, 1));
}

/* The city of :city, with who allowed act on it. */
static int
city_for(struct http_req *req, enum action act, const char *audit, struct db_conn **c,
	 struct caller **who, struct region *city)
{
	struct object obj;
	int rc;

	if ((rc = api_db(req, c)) != GZF_OK || (rc = api_login_required(req, *c, who)) != GZF_OK ||
	    (rc = api_param_city(req, *c, city)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = city->path };
	return api_authorize(req, *c, *who, act, &obj, audit, "region", city->code);
}

static json_t *
run_json(const struct billing_run_row *r)
{
	return json_pack("{s:I, s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "id", (json_int_t)r->id,
			 "month", r->month, "state", r->state, "started_by",
			 (json_int_t)r->started_by, "leases_seen", (json_int_t)r->leases_seen,
			 "bills_issued", (json_int_t)r->bills_issued, "amount_fen",
			 (json_int_t)r->amount_fen, "started_at", (json_int_t)r->started_at,
			 "finished_at", (json_int_t)r->finished_at);
}

/* GET /api/v1/cities/:city/billing-runs — the city's runs, newest month first. */
static int
runs_list(struct http_req *req)
{
	struct billing_run_row *r;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	json_t *items;
	int rc, n, i;

	if ((rc = city_for(req, ACT_BILL_READ, "billing.runs", &c, &who, &city)) != GZF_OK ||
	    (rc = bill_store_runs(c, city.code, 120, &r, &n, &req->err)) != GZF_OK)
		return rc;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, run_json(&r[i]));
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/v1/cities/:city/billing-runs {"month"} — bill the month now (what the
 * schedule does on the billing day); each bill is issued once however often it runs. */
static int
run_now(struct http_req *req)
{
	struct service *svc = req->service;
	struct billing_run_result res;
	struct region city;
	struct caller *who;
	struct db_conn *c;
	json_t *body;
	int64_t month = 0;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_int(req, body, "month", 1, 197001, 209912, &month)) != GZF_OK ||
	    (rc = city_for(req, ACT_BILL_MANAGE, "billing.run", &c, &who, &city)) != GZF_OK)
		return rc;
	if (month % 100 < 1 || month % 100 > 12 || month > calendar_local_date(gzf_now_ms()) / 100)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "month",
				   "month must be yyyymm and not in the future");
	if ((rc = billing_run_month(svc->db, svc->audit_key, city.code, (int)month,
				    who->actor.user_id, gzf_now_ms(), &res, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:I, s:i, s:I, s:I, s:I}", "run_id",
		(json_int_t)res.run_id, "month", (int)month, "leases_seen",
		(json_int_t)res.leases_seen, "bills_issued", (json_int_t)res.bills_issued,
		"amount_fen", (json_int_t)res.amount_fen));
}

/* The arrears of the region asked (authorised for act): rows in *rows. */
static int
arrears_load(struct http_req *req, enum action act, const char *audit, int max,
	     struct db_conn **c, struct caller **who, struct region *reg,
	     struct arrears_row **rows, int *n)
{
	struct object obj;
	int rc;

	if ((rc = api_db(req, c)) != GZF_OK || (rc = api_login_required(req, *c, who)) != GZF_OK ||
	    (rc = api_query_region(req, *c, *who, reg)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = reg->path };
	if ((rc = api_authorize(req, *c, *who, act, &obj, audit, "region", reg->code)) != GZF_OK)
		return rc;
	if (reg->city_id == 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_region", "region",
				   "arrears are per city: name a city or a region in one");
	return bill_store_arrears(*c, reg->city_id, reg->path, calendar_local_date(gzf_now_ms()),
				  max, rows, n, &req->err);
}

static const char *const bucket_names[BILLING_AGES] = { "1", "3", "6" };

/* GET /api/v1/arrears?region= — ageing (1–2, 3–5, 6+ months) per region below, the
 * leases most in arrears, and the open exit triggers. */
static int
arrears(struct http_req *req)
{
	struct arrears_row *rows;
	struct exit_trigger_row *t;
	struct caller *who;
	struct db_conn *c;
	struct region reg;
	json_t *regions, *items, *totals, *triggers;
	int rc, n, nt, i, b;

	if ((rc = arrears_load(req, ACT_BILL_READ, "arrears.read", EXPORT_MAX, &c, &who, &reg, &rows,
			       &n)) != GZF_OK ||
	    (rc = bill_store_exit_triggers(c, reg.city_id, reg.path, ARREARS_LIST_MAX, &t, &nt,
					   &req->err)) != GZF_OK)
		return rc;
	regions = json_object();
	totals = json_object();
	items = json_array();
	for (b = 0; b < BILLING_AGES; b++)
		json_object_set_new(totals, bucket_names[b], json_pack("{s:i, s:I}", "leases", 0,
								       "owed_fen", (json_int_t)0));
	for (i = 0; i < n; i++) {
		char code[24];
		json_t *rg, *bk, *tb;

		b = billing_age_bucket(rows[i].months);
		snprintf(code, sizeof(code), "%lld", (long long)rows[i].region_code);
		if ((rg = json_object_get(regions, code)) == NULL) {
			rg = json_object();
			for (int k = 0; k < BILLING_AGES; k++)
				json_object_set_new(rg, bucket_names[k], json_pack("{s:i, s:I}",
						    "leases", 0, "owed_fen", (json_int_t)0));
			json_object_set_new(regions, code, rg);
		}
		bk = json_object_get(rg, bucket_names[b]);
		tb = json_object_get(totals, bucket_names[b]);
		json_object_set_new(bk, "leases", json_integer(json_integer_value(json_object_get(bk, "leases")) + 1));
		json_object_set_new(bk, "owed_fen", json_integer(json_integer_value(json_object_get(bk, "owed_fen")) + rows[i].owed_fen));
		json_object_set_new(tb, "leases", json_integer(json_integer_value(json_object_get(tb, "leases")) + 1));
		json_object_set_new(tb, "owed_fen", json_integer(json_integer_value(json_object_get(tb, "owed_fen")) + rows[i].owed_fen));
		if (i < ARREARS_LIST_MAX)
			json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:i, s:i, s:I, s:s}",
				"lease_id", (json_int_t)rows[i].lease_id, "lease_no", rows[i].lease_no,
				"region_code", (json_int_t)rows[i].region_code, "months", rows[i].months,
				"oldest_due", rows[i].oldest_due, "owed_fen", (json_int_t)rows[i].owed_fen,
				"bucket", bucket_names[b]));
	}
	triggers = json_array();
	for (i = 0; i < nt; i++)
		json_array_append_new(triggers, json_pack("{s:I, s:I, s:s, s:s, s:i, s:I, s:I}", "id",
			(json_int_t)t[i].id, "lease_id", (json_int_t)t[i].lease_id, "lease_no",
			t[i].lease_no, "reason", t[i].reason, "months", t[i].months, "owed_fen",
			(json_int_t)t[i].owed_fen, "raised_at", (json_int_t)t[i].raised_at));
	return http_reply_json(req, 200, json_pack("{s:I, s:o, s:o, s:o, s:i, s:o}", "region",
		(json_int_t)reg.code, "totals", totals, "regions", regions, "items", items,
		"leases", n, "exit_triggers", triggers));
}

/* GET /api/v1/arrears/export?region= — the arrears list as an XLSX file (bill_manage;
 * audited: it lists households). */
static int
arrears_export(struct http_req *req)
{
	static const int numeric[] = { 0, 0, 1, 0, 1, 0 };
	struct arrears_row *rows;
	struct caller *who;
	struct db_conn *c;
	struct region reg;
	struct sheet s;
	unsigned char *xlsx;
	size_t len;
	int rc, n, i;

	if ((rc = arrears_load(req, ACT_BILL_MANAGE, "arrears.export", EXPORT_MAX, &c, &who, &reg,
			       &rows, &n)) != GZF_OK)
		return rc;
	s.nrows = n + 1;
	s.rows = arena_alloc(req->arena, sizeof(*s.rows) * (size_t)(n + 1));
	for (i = 0; i <= n; i++) {
		struct sheet_row *r = &s.rows[i];

		r->line = i + 1;
		r->ncells = 6;
		r->cells = arena_alloc(req->arena, sizeof(char *) * 6);
		if (i == 0) {
			r->cells[0] = "合同编号";
			r->cells[1] = "区域代码";
			r->cells[2] = "欠费月数";
			r->cells[3] = "账龄";
			r->cells[4] = "欠费金额（分）";
			r->cells[5] = "最早到期日";
			continue;
		}
		r->cells[0] = (char *)rows[i - 1].lease_no;
		r->cells[1] = arena_printf(req->arena, "%lld", (long long)rows[i - 1].region_code);
		r->cells[2] = arena_printf(req->arena, "%d", rows[i - 1].months);
		r->cells[3] = arena_printf(req->arena, "%s+", bucket_names[billing_age_bucket(rows[i - 1].months)]);
		r->cells[4] = arena_printf(req->arena, "%lld", (long long)rows[i - 1].owed_fen);
		r->cells[5] = arena_printf(req->arena, "%d", rows[i - 1].oldest_due);
	}
	if ((rc = sheet_write_xlsx(req->arena, &s, "欠费", numeric, 6, &xlsx, &len, &req->err)) != GZF_OK ||
	    (rc = api_audit_alone(req, c, who, "arrears.export", "region", reg.code, reg.code, "ok",
				  arena_printf(req->arena, "{\"leases\":%d}", n))) != GZF_OK)
		return rc;
	http_reply_header(req, "Content-Disposition", "attachment; filename=\"arrears.xlsx\"");
	return http_reply_bytes(req, 200,
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
				xlsx, len);
}
