/*
 * demo_bills.c — the demo city's rent rules (Daqing: 10.50 yuan a m² a month, 低保
 * households half, 特困 households nothing, a late fee of 万分之五 a day after 15 days'
 * grace, at most 10% of the rent, with its legal basis), and the bills of every lease the
 * demo has that may be billed when it runs, each month from its start to this one (so the
 * lease moved into months ago owes several).
 */
#include "domain/demo.h"

#include "core/gzf.h"
#include "domain/billing.h"
#include "domain/calendar.h"

#define DEMO_CITY 230600

static const char demo_rules[] =
	"{\"rules\":{\"deposit_months\":2,"
	"\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1050,"
	"\"reductions\":[{\"category\":\"dibao\",\"kind\":\"percent\",\"bp\":5000},"
	"{\"category\":\"tekun\",\"kind\":\"waive\"}]}],"
	"\"late_fee\":{\"bp_per_day\":5,\"grace_days\":15,\"cap_bp\":1000,"
	"\"basis\":\"《公共租赁住房管理办法》第三十条及《大庆市公共租赁住房租赁合同》第十条：逾期缴纳租金的，"
	"自逾期之日起按日加收欠缴租金万分之五的滞纳金。\"}},"
	"\"billing_day\":1,\"due_day\":15,\"remind_every_days\":7}";

int
demo_rent_rules_load(struct db_conn *c, struct gzf_err *err)
{
	struct rent_rules_row row;
	json_t *body;
	json_error_t je;
	int rc, version;

	rc = bill_store_rules_get(c, DEMO_CITY, &row, err);
	if (rc != GZF_ENOTFOUND)
		return rc;
	gzf_err_clear(err);
	if ((body = json_loads(demo_rules, 0, &je)) == NULL)
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "demo rent rules: %s", je.text);
	rc = billing_rules_put(c, DEMO_CITY, body, 0, gzf_now_ms(), &version, err);
	json_decref(body);
	return rc;
}

int
demo_bills_load(struct db_conn *c, struct gzf_err *err)
{
	struct bill_lease *ls;
	int64_t now = gzf_now_ms(), id;
	int month = calendar_local_date(now) / 100, rc, n, i;

	if ((rc = bill_store_leases_due(c, DEMO_CITY, month, calendar_local_date(now), 0, 10000, &ls,
					&n, err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++) {
		int m = ls[i].starts_on / 100;

		for (; m <= month; m = m % 100 == 12 ? m + 89 : m + 1) {
			rc = billing_issue_month(c, ls[i].id, m, now, &id, err);
			if (rc == GZF_EINVAL) /* before the rules' first version: nothing to bill */
				rc = GZF_OK;
			if (rc != GZF_OK)
				return rc;
		}
	}
	return GZF_OK;
}
