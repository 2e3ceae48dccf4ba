/*
 * demo_recon.c — the demo city's reconciliation of yesterday with exactly one exception.
 * The demo cannot call the bank, so it writes yesterday's statement the way the bank's
 * simulator does (src/sim/sim_bank.c): one payment line per order of the city paid that
 * day, with the simulator's extra_in_bank line (100 fen for an order EXTRA<yyyymmdd>
 * nobody made) and the summary row — and reconciles it through the same path as a
 * fetched file (recon_run_csv): every payment matched, the extra line bank_only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "domain/calendar.h"
#include "domain/demo.h"
#include "domain/recon.h"

#define DEMO_CITY 230600

static void line_time(int64_t ms, char out[26]);

/* ms as the statement writes times: 2026-12-01T10:15:30+08:00. */
static void
line_time(int64_t ms, char out[26])
{
	time_t s = (time_t)((ms + CALENDAR_TZ_MS) / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(out, 26, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

int
demo_recon_load(struct db_conn *c, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	int64_t now = gzf_now_ms(), total = 0;
	struct recon_input in = { .city_id = DEMO_CITY, .party = FSM_SYSTEM, .now = now,
				  .day = calendar_local_date(now - DAY_MS) };
	int64_t from = recon_day_start(in.day);
	struct recon_order *orders;
	struct recon_run run;
	char t[26], *csv = NULL;
	size_t len = 0;
	const char *text;
	int rc, n, i, existing;
	FILE *f;

	if ((rc = recon_store_orders_of_day(c, DEMO_CITY, from, from + DAY_MS, &orders, &n, err)) != GZF_OK)
		return rc;
	if ((f = open_memstream(&csv, &len)) == NULL)
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "no memory for the statement");
	fputs("bank_txn_id,order_no,refund_no,type,amount_fen,time\n", f);
	for (i = 0; i < n; i++) {
		line_time(orders[i].paid_at, t);
		fprintf(f, "%s,%s,,payment,%lld,%s\n", orders[i].bank_txn_id ? orders[i].bank_txn_id
			: orders[i].order_no, orders[i].order_no,
			(long long)orders[i].amount_fen, t);
		total += orders[i].amount_fen;
	}
	line_time(from + 15 * 3600 * 1000LL, t);
	fprintf(f, "T%08d9999999999,EXTRA%08d,,payment,100,%s\n", in.day, in.day, t);
	fprintf(f, "SUMMARY,%d,%lld\n", n + 1, (long long)(total + 100));
	fclose(f);
	text = arena_strndup(a, csv, len);
	free(csv);
	return recon_run_csv(c, a, text, len, &in, &run, &existing, err);
}
