/*
 * demo_subsidy.c — the demo city's rental subsidies (demo.h): Beijing's formula, the
 * entitlements of its first subsidy households, and two months of batches taken through
 * the same state machines as the console's — computed by finance, checked by the city
 * administrator, approved, sent — with results imported as the bank returns them (the
 * demo cannot call the simulator: each result file is written from the file sent, as the
 * simulator writes it), one line failed for a closed account.
 */
#include "domain/demo.h"

#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "domain/subsidy.h"
#include "partners/bank_batch.h"
#include "store/application_store.h"
#include "store/queue_store.h"

#define DEMO_CITY 230600
#define DEMO_HOUSEHOLDS 6
#define DAY_MS (24LL * 3600 * 1000)

static const char formula_json[] =
	"{\"shape\":\"tiered_share\",\"standard_fen_per_m2\":6000,"
	"\"district_standards\":[{\"district\":230602,\"fen_per_m2\":5500}],\"area_cap_m2\":60,"
	"\"monthly_max_fen\":null,\"tiers\":[{\"category\":\"dibao\",\"bp\":9500},"
	"{\"category\":\"tekun\",\"bp\":9500},{\"category\":\"low_income\",\"bp\":9000},"
	"{\"income_max_fen\":120000,\"bp\":7000},{\"income_max_fen\":180000,\"bp\":5000},"
	"{\"income_max_fen\":240000,\"bp\":2500},{\"income_max_fen\":300000,\"bp\":1000}]}";

static int grant(struct db_conn *c, const struct secrets *s, const struct subsidy_formula *f,
		 const struct queue_entry *q, int i, int month, int64_t by, int64_t now,
		 struct gzf_err *err);
static const char *account_of(struct arena *a, int i);
static int pay_month(struct db_conn *c, const struct secrets *s, int month, int64_t finance,
		     int64_t admin, int64_t at, const char *fail_account, struct gzf_err *err);
static int month_before(int month, int n);

static int
month_before(int month, int n)
{
	int y = month / 100, m = month % 100 - n;

	for (; m < 1; m += 12)
		y--;
	return y * 100 + m;
}

/* Household i's bank account. */
static const char *
account_of(struct arena *a, int i)
{
	return arena_printf(a, "621700234000%07d", 1000 + i);
}

/* Household i's entitlement from month: figures that vary with i, an account of its own. */
static int
grant(struct db_conn *c, const struct secrets *s, const struct subsidy_formula *f,
      const struct queue_entry *q, int i, int month, int64_t by, int64_t now, struct gzf_err *err)
{
	struct application app;
	struct arena *a = db_arena(c);
	struct subsidy_household h = { .categories = i == 0 ? SUBSIDY_CAT_DIBAO : 0,
				       .income_fen_per_capita = 90000 + 40000 * i, .persons = q->persons,
				       .area_dm2 = 3500 + 450 * i, .district = 230602 };
	struct subsidy_input in = { .party = FSM_DECIDER, .actor_id = by, .now = now, .formula = f,
				    .household = &h, .month = month, .city_id = q->city_id,
				    .application_id = q->application_id, .region_code = q->region_code,
				    .bank_name = "中国建设银行" };
	struct subsidy_entitlement e = { 0 };
	const char *account = account_of(a, i);
	char *sealed;
	int rc;

	if ((rc = application_store_get(c, q->application_id, &app, err)) != GZF_OK)
		return rc;

	in.figures = arena_printf(a, "{\"area_dm2\":%lld,\"categories\":[%s],\"district\":230602,"
				  "\"income_fen_per_capita\":%lld,\"persons\":%d}", (long long)h.area_dm2,
				  i == 0 ? "\"dibao\"" : "", (long long)h.income_fen_per_capita, h.persons);
	in.region_path = app.region_path;
	in.owner_id = app.owner_id;
	crypto_seal(a, s->data_key, account, &sealed);
	in.account_enc = sealed;
	in.holder_enc = app.applicant_name_enc;
	in.account_last4 = subsidy_account_last4(a, account);
	return subsidy_entitlement_fire(c, &e, SUBSIDY_ENT_GRANT, &in, err);
}

/* The batch of month, at at: computed, checked by the city administrator, approved,
 * sent, and every file's result imported — the line paying fail_account failed. */
static int
pay_month(struct db_conn *c, const struct secrets *s, int month, int64_t finance, int64_t admin,
	  int64_t at, const char *fail_account, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	struct subsidy_input in = { .party = FSM_DECIDER, .actor_id = finance, .now = at, .month = month,
				    .city_id = DEMO_CITY, .file_lines = BANK_BATCH_MAX_LINES,
				    .data_key = s->data_key, .arena = a };
	struct subsidy_batch b = { 0 };
	struct bank_batch_file sent;
	struct bank_batch_result *res;
	struct subsidy_file f;
	char *out;
	size_t len;
	int i, file, rc;

	in.batch_no = arena_printf(a, "SB%d%06dDEMO", DEMO_CITY, month);
	if ((rc = subsidy_batch_fire(c, &b, SUBSIDY_BATCH_COMPUTE, &in, err)) != GZF_OK)
		return rc;
	in.actor_id = admin;
	in.now = at + 3600 * 1000;
	if ((rc = subsidy_batch_fire(c, &b, SUBSIDY_BATCH_CHECK, &in, err)) != GZF_OK)
		return rc;
	in.actor_id = finance;
	in.now += 3600 * 1000;
	if ((rc = subsidy_batch_fire(c, &b, SUBSIDY_BATCH_APPROVE, &in, err)) != GZF_OK ||
	    (rc = subsidy_batch_fire(c, &b, SUBSIDY_BATCH_SEND, &in, err)) != GZF_OK)
		return rc;
	for (file = 1; file <= b.files; file++) {
		if ((rc = subsidy_batch_file(c, &b, file, s->data_key, a, &f, err)) != GZF_OK ||
		    (rc = bank_batch_parse(a, f.text, f.len, &sent, err)) != GZF_OK)
			return rc;
		res = arena_alloc(a, sizeof(*res) * (size_t)sent.count);
		for (i = 0; i < sent.count; i++) {
			int fails = fail_account != NULL && strcmp(sent.lines[i].account, fail_account) == 0;

			res[i] = (struct bank_batch_result){ .seq = i + 1, .account = sent.lines[i].account,
				.amount_fen = sent.lines[i].amount_fen, .ok = !fails,
				.reason = fails ? "account_closed" : "" };
		}
		if ((rc = bank_batch_result_write(a, f.bank_no, res, sent.count, &out, &len, err)) != GZF_OK)
			return rc;
		in.party = FSM_SYSTEM;
		in.now = at + DAY_MS;
		in.file_no = file;
		in.file = out;
		in.file_len = len;
		if ((rc = subsidy_batch_fire(c, &b, SUBSIDY_BATCH_IMPORT, &in, err)) != GZF_OK)
			return rc;
	}
	return GZF_OK;
}

int
demo_subsidy_load(struct db_conn *c, const struct secrets *s, struct gzf_err *err)
{
	struct subsidy_formula f;
	struct queue_entry *q;
	const char *text, **names;
	json_t *j;
	int64_t finance, admin, now = gzf_now_ms();
	int n, total, i, month = subsidy_month_of(now), rc;

	if ((rc = subsidy_store_formula_get(c, DEMO_CITY, &text, err)) != GZF_OK || text != NULL)
		return rc;
	j = json_loads(formula_json, 0, NULL);
	rc = subsidy_formula_parse(j, &f, err);
	json_decref(j);
	if (rc != GZF_OK ||
	    (rc = demo_staff_id(c, "dq_finance", &finance, err)) != GZF_OK ||
	    (rc = demo_staff_id(c, "dq_admin", &admin, err)) != GZF_OK ||
	    (rc = subsidy_store_formula_put(c, DEMO_CITY, formula_json, admin, now - 70 * DAY_MS, err)) != GZF_OK ||
	    (rc = queue_store_list(c, DEMO_CITY, "subsidy", "waiting", NULL, 0, DEMO_HOUSEHOLDS, &q, &names,
				   &n, &total, err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = grant(c, s, &f, &q[i], i, month_before(month, 2), finance,
				now - 65 * DAY_MS, err)) != GZF_OK)
			return rc;
	if (n == 0)
		return GZF_OK;
	if ((rc = pay_month(c, s, month_before(month, 2), finance, admin, now - 40 * DAY_MS, NULL,
			    err)) != GZF_OK)
		return rc;
	return pay_month(c, s, month_before(month, 1), finance, admin, now - 10 * DAY_MS,
			 n > 1 ? account_of(db_arena(c), 1) : NULL, err);
}
