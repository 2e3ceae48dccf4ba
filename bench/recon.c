/*
 * bench/recon.c — how long reconciling a day's bank statement takes
 * (docs/api/reconciliation.md): a file of 100,000 payment lines (by default) against as
 * many paid orders of one city, through gzf's own domain and store code, on a fresh
 * SQLite database and — when GZF_BENCH_PG_URL names a PostgreSQL server — on a fresh
 * database there too. It times, for each run:
 *
 *   parse      bank_statement_parse alone: the CSV read and checked, summary included;
 *   reconcile  recon_run_csv in one transaction, committed: parse, the day's orders read,
 *              every line matched, the run and its 100,000 lines written (the target:
 *              under 10 s);
 *
 * and, as a reference, the database alone writing the same rows: one INSERT … SELECT of
 * the lines from the orders, in one transaction, server-side (no rows cross the
 * connection). Between runs the lines and the run are deleted (not timed).
 *
 *   build/bench/recon [LINES [RUNS]]     (make bench builds and runs it)
 *
 * Exits 0 when the median reconcile is under 10 s on every backend, 1 when over, 2 for
 * bad arguments or a failure.
 */
#include "domain/calendar.h"
#include "domain/recon.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TARGET_MS 10000.0
#define MAX_RUNS 20
#define CITY 230600
#define DAY 20261201
#define BATCH 100

static double ms_since(int64_t t0);
static int cmp_dbl(const void *a, const void *b);
static double median(double *v, long n);
static double fastest(const double *v, long n);
static int fill(struct db_conn *c, long n, struct gzf_err *err);
static char *statement(long n, size_t *len);
static int bench(const char *label, const char *url, long n, long runs, const char *csv,
		 size_t len, struct gzf_err *err, int *over);
static int pg_admin(const char *server, const char *stmt, struct gzf_err *err);

static double
ms_since(int64_t t0)
{
	return (double)(gzf_mono_ns() - t0) / 1e6;
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_dbl);
	return v[n / 2];
}

static double
fastest(const double *v, long n)
{
	double m = v[0];
	long i;

	for (i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

/* Order k: B230600-<k>, paid 1 s apart from 00:00:10 of the day, 100 + k mod 90000 fen,
 * transaction T<k>; inserted BATCH rows a statement. */
static int
fill(struct db_conn *c, long n, struct gzf_err *err)
{
	struct arena *a = arena_create();
	int64_t from = recon_day_start(DAY);
	struct db_val *v = arena_alloc(a, sizeof(*v) * BATCH * 6);
	char *sql = arena_alloc(a, 64 * BATCH + 200);
	long k = 0;
	int rc;

	if ((rc = db_begin(c, err)) != GZF_OK)
		goto out;
	while (rc == GZF_OK && k < n) {
		int rows = n - k < BATCH ? (int)(n - k) : BATCH, i;
		size_t len = (size_t)sprintf(sql, "INSERT INTO bank_orders (city_id, order_no, purpose,"
					     " amount_fen, status, bank_txn_id, paid_at, created_at,"
					     " updated_at) VALUES ");

		for (i = 0; i < rows; i++, k++) {
			int64_t at = from + 10000 + k * 1000;

			v[i * 6 + 0] = DB_T(arena_printf(a, "B230600-%ld", k));
			v[i * 6 + 1] = DB_I(100 + k % 90000);
			v[i * 6 + 2] = DB_T(arena_printf(a, "T%ld", k));
			v[i * 6 + 3] = DB_I(at);
			v[i * 6 + 4] = DB_I(at);
			v[i * 6 + 5] = DB_I(at);
			len += (size_t)sprintf(sql + len, "%s(%d, $%d, 'bench', $%d, 'paid', $%d, $%d, $%d, $%d)",
					       i ? ", " : "", CITY, i * 6 + 1, i * 6 + 2, i * 6 + 3,
					       i * 6 + 4, i * 6 + 5, i * 6 + 6);
		}
		rc = db_exec(c, sql, v, rows * 6, NULL, err);
	}
	if (rc == GZF_OK)
		rc = db_commit(c, err);
	else
		db_rollback(c);
out:
	arena_destroy(a);
	return rc;
}

/* The bank's file of the n orders, as the simulator writes it (malloc'd). */
static char *
statement(long n, size_t *len)
{
	int64_t from = recon_day_start(DAY), total = 0;
	char *csv = NULL, t[32];
	FILE *f = open_memstream(&csv, len);
	long k;

	fputs("bank_txn_id,order_no,refund_no,type,amount_fen,time\n", f);
	for (k = 0; k < n; k++) {
		time_t s = (time_t)((from + 10000 + k * 1000 + CALENDAR_TZ_MS) / 1000);
		struct tm tm;

		gmtime_r(&s, &tm);
		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S+08:00", &tm);
		fprintf(f, "T%ld,B230600-%ld,,payment,%ld,%s\n", k, k, 100 + k % 90000, t);
		total += 100 + k % 90000;
	}
	fprintf(f, "SUMMARY,%ld,%lld\n", n, (long long)total);
	fclose(f);
	return csv;
}

/* Run the benchmark on the database at url (migrated and filled here). *over = 1 when the
 * median reconcile misses the target. */
static int
bench(const char *label, const char *url, long n, long runs, const char *csv, size_t len,
      struct gzf_err *err, int *over)
{
	double parse[MAX_RUNS], rec[MAX_RUNS], raw[MAX_RUNS], m;
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct arena *a = arena_create();
	int64_t t;
	long r;
	int rc;

	if ((rc = db_open(&db, url, 1, err)) != GZF_OK || (rc = db_migrate(db, NULL, err)) != GZF_OK ||
	    (rc = db_acquire(db, a, &c, err)) != GZF_OK || (rc = fill(c, n, err)) != GZF_OK)
		goto out;
	for (r = 0; r < runs && rc == GZF_OK; r++) {
		struct arena *ra = arena_create();
		struct recon_input in = { .city_id = CITY, .day = DAY, .party = FSM_SYSTEM,
					  .now = recon_day_start(DAY) + 2 * DAY_MS };
		struct bank_statement st;
		struct recon_run run;
		struct db_res *res;
		int existing;

		db_release(c);
		c = NULL;
		arena_destroy(a);
		a = ra;
		if ((rc = db_acquire(db, a, &c, err)) != GZF_OK)
			break;
		t = gzf_mono_ns();
		if ((rc = bank_statement_parse(a, csv, len, BANK_STATEMENT_MAX_ROWS, &st, err)) != GZF_OK)
			break;
		parse[r] = ms_since(t);

		t = gzf_mono_ns();
		if ((rc = db_begin(c, err)) != GZF_OK ||
		    (rc = recon_run_csv(c, a, csv, len, &in, &run, &existing, err)) != GZF_OK ||
		    (rc = db_commit(c, err)) != GZF_OK)
			break;
		rec[r] = ms_since(t);
		if (run.counts[RECON_MATCHED] != n || strcmp(run.state, "closed") != 0) {
			rc = gzf_err_set(err, GZF_EINTERNAL, "bench", NULL, "%d of %ld lines matched",
					 run.counts[RECON_MATCHED], n);
			break;
		}
		if ((rc = db_exec(c, "DELETE FROM recon_lines", DB_NOARGS, NULL, err)) != GZF_OK)
			break;

		t = gzf_mono_ns();
		if ((rc = db_begin(c, err)) != GZF_OK ||
		    (rc = db_query(c, "INSERT INTO recon_lines (run_id, city_id, day, kind, type, order_no,"
				      " bank_txn_id, bank_fen, gzf_fen, bank_time, status)"
				      " SELECT $1, city_id, $2, 'matched', 'payment', order_no, bank_txn_id,"
				      " amount_fen, amount_fen, '2026-12-01T00:00:10+08:00', 'none'"
				      " FROM bank_orders WHERE city_id = $3",
				   DB_ARGS(DB_I(run.id), DB_I(DAY), DB_I(CITY)), &res, err)) != GZF_OK ||
		    (rc = db_commit(c, err)) != GZF_OK)
			break;
		raw[r] = ms_since(t);
		if ((rc = db_exec(c, "DELETE FROM recon_lines", DB_NOARGS, NULL, err)) != GZF_OK ||
		    (rc = db_exec(c, "DELETE FROM recon_runs", DB_NOARGS, NULL, err)) != GZF_OK)
			break;
	}
	if (rc != GZF_OK) {
		if (c != NULL)
			db_rollback(c);
		goto out;
	}
	printf("  %-10s %-44s %9.1fms %9.1fms\n", label, "parse: the file read and checked",
	       median(parse, runs), fastest(parse, runs));
	m = median(rec, runs);
	printf("  %-10s %-44s %9.1fms %9.1fms\n", label, "reconcile: parse, match, write, commit", m,
	       fastest(rec, runs));
	printf("  %-10s %-44s %9.1fms %9.1fms\n", label, "reference: INSERT ... SELECT, same rows",
	       median(raw, runs), fastest(raw, runs));
	*over |= m >= TARGET_MS;
out:
	if (c != NULL)
		db_release(c);
	if (db != NULL)
		db_close(db);
	arena_destroy(a);
	return rc;
}

/* A statement on the server's "postgres" database (CREATE or DROP DATABASE). */
static int
pg_admin(const char *server, const char *stmt, struct gzf_err *err)
{
	struct arena *a = arena_create();
	struct db_conn *c = NULL;
	struct db *admin = NULL;
	char url[600];
	int rc;

	snprintf(url, sizeof(url), "%s/postgres", server);
	if ((rc = db_open(&admin, url, 1, err)) == GZF_OK &&
	    (rc = db_acquire(admin, a, &c, err)) == GZF_OK)
		rc = db_exec(c, stmt, DB_NOARGS, NULL, err);
	if (c != NULL)
		db_release(c);
	if (admin != NULL)
		db_close(admin);
	arena_destroy(a);
	return rc;
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/gzf-bench-recon-XXXXXX", url[700], stmt[96];
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000, runs = argc > 2 ? strtol(argv[2], NULL, 10) : 3;
	const char *pg = getenv("GZF_BENCH_PG_URL");
	struct gzf_err err = { 0 };
	size_t len;
	char *csv;
	int rc = 2, over = 0;

	if (n < 1 || n > BANK_STATEMENT_MAX_ROWS || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: %s [LINES 1-%d [RUNS 1-%d]]\n", argv[0], BANK_STATEMENT_MAX_ROWS,
			MAX_RUNS);
		return 2;
	}
	gzf_crypto_init();
	if (mkdtemp(dir) == NULL)
		return 2;
	csv = statement(n, &len);
	printf("reconciliation: a statement of %ld payment lines (%.1f MB) against %ld paid orders,"
	       " %ld runs (median, min)\n\n", n, (double)len / 1e6, n, runs);
	printf("  %-10s %-44s %10s %10s\n", "backend", "step", "median", "min");
	snprintf(url, sizeof(url), "sqlite:%s/bench.db", dir);
	if (bench("SQLite", url, n, runs, csv, len, &err, &over) != GZF_OK)
		goto out;
	if (pg != NULL && *pg != '\0') {
		snprintf(stmt, sizeof(stmt), "CREATE DATABASE gzf_bench_recon_%d", (int)getpid());
		if (pg_admin(pg, stmt, &err) != GZF_OK)
			goto out;
		snprintf(url, sizeof(url), "%s/gzf_bench_recon_%d", pg, (int)getpid());
		rc = bench("PostgreSQL", url, n, runs, csv, len, &err, &over);
		snprintf(stmt, sizeof(stmt), "DROP DATABASE gzf_bench_recon_%d WITH (FORCE)", (int)getpid());
		if (pg_admin(pg, stmt, &err) != GZF_OK || rc != GZF_OK)
			goto out;
	} else {
		printf("  (PostgreSQL: set GZF_BENCH_PG_URL to a server, as for the unit tests)\n");
	}
	rc = over ? 1 : 0;
out:
	if (rc == 2)
		fprintf(stderr, "bench/recon: %s: %s\n", err.name, err.message);
	free(csv);
	snprintf(url, sizeof(url), "rm -rf %s", dir);
	if (system(url) != 0)
		rc = 2;
	return rc;
}
