/*
 * bench/billing.c — how long a city's monthly billing run takes (R9, R22; target: under
 * 60 s on SQLite and 30 s on PostgreSQL for 1,000,000 leases), through gzf's own domain
 * and store code (billing_run_month: batches of 1,000 leases, each a transaction reading
 * the leases, their ledgers and overdue bills, then writing each bill, its ledger op and
 * the lease's billed month). Not timed: a fresh database with the city's rent rules and
 * LEASES active leases (every tenth a 低保 household). As a reference, in the same run, the
 * database alone writing the same rows set-based (INSERT ... SELECT of the next month's
 * bills and ledger ops, one UPDATE of the leases; rolled back).
 *
 *   build/bench/billing [LEASES [DB_URL]]   (default 1,000,000 leases on a fresh SQLite
 *                                            file; DB_URL an empty PostgreSQL database)
 *
 * The leases stand alone: the bench turns off foreign keys while filling and drops the two
 * indexes that keep one live lease per unit and per application (it makes no units or
 * applications). Exits 0 when the run met its backend's target, 1 when not, 2 on failure.
 */
#include "domain/audit.h"
#include "domain/billing.h"
#include "domain/calendar.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CITY 230600

static const char rules[] =
	"{\"rules\":{\"versions\":[{\"effective\":\"2020-01-01\",\"fen_per_m2\":1050,"
	"\"reductions\":[{\"category\":\"dibao\",\"kind\":\"percent\",\"bp\":5000}]}],"
	"\"late_fee\":{\"bp_per_day\":5,\"grace_days\":15,\"cap_bp\":1000,\"basis\":\"合同第十条\"}}}";

static double
ms_since(int64_t t0)
{
	return (double)(gzf_mono_ns() - t0) / 1e6;
}

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
fail(const char *what, const struct gzf_err *err)
{
	fprintf(stderr, "bench/billing: %s: %s\n", what, err->message);
	return 2;
}

/* The city's rules and n active leases from the first of month. */
static int
fill(struct db *db, long n, int month, int64_t now, struct gzf_err *err)
{
	struct arena *a = arena_create();
	struct db_conn *c;
	json_t *body = json_loads(rules, 0, NULL);
	int rc, version;

	if ((rc = db_acquire(db, a, &c, err)) != GZF_OK)
		goto out;
	if (db_conn_backend(c) == DB_SQLITE)
		rc = db_exec(c, "PRAGMA foreign_keys = OFF", DB_NOARGS, NULL, err);
	else
		rc = db_exec(c, "SET session_replication_role = replica", DB_NOARGS, NULL, err);
	if (rc != GZF_OK ||
	    (rc = db_exec(c, "DROP INDEX leases_live_unit", DB_NOARGS, NULL, err)) != GZF_OK ||
	    (rc = db_exec(c, "DROP INDEX leases_live_application", DB_NOARGS, NULL, err)) != GZF_OK ||
	    (rc = db_begin(c, err)) != GZF_OK)
		goto out;
	if ((rc = db_exec(c, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $1)"
			     " INSERT INTO leases (city_id, lease_no, application_id, owner_id, unit_id,"
			     " region_code, region_path, state, starts_on, ends_on, area_dm2, rent_fen,"
			     " household_category, income_band, created_at, updated_at)"
			     " SELECT $2, 'B' || i, i, i, i, 230602001001,"
			     " '/100000/230000/230600/230602/230602001/230602001001/', 'active', $3, $4,"
			     " 3000 + i % 5000, 0, CASE WHEN i % 10 = 0 THEN 'dibao' ELSE '' END, 0, $5, $5"
			     " FROM k", DB_ARGS(DB_I(n), DB_I(CITY), DB_I(month * 100 + 1),
						  DB_I((month / 100 + 3) * 10000 + 1231), DB_I(now)),
			  NULL, err)) != GZF_OK ||
	    (rc = billing_rules_put(c, CITY, body, 0, now, &version, err)) != GZF_OK ||
	    (rc = db_commit(c, err)) != GZF_OK)
		db_rollback(c);
	if (rc == GZF_OK && db_conn_backend(c) == DB_PGSQL)
		rc = db_exec(c, "ANALYZE", DB_NOARGS, NULL, err);
	if (rc == GZF_OK && db_conn_backend(c) == DB_SQLITE)
		rc = db_exec(c, "PRAGMA foreign_keys = ON", DB_NOARGS, NULL, err);
	db_release(c);
out:
	json_decref(body);
	arena_destroy(a);
	return rc;
}

/* The reference: the same rows for the next month, written by the database alone. */
static int
reference(struct db *db, int month, int64_t now, double *wall, double *cpu, struct gzf_err *err)
{
	struct arena *a = arena_create();
	struct db_conn *c;
	int64_t t0;
	double c0;
	int rc, next = month % 100 == 12 ? month + 89 : month + 1;

	if ((rc = db_acquire(db, a, &c, err)) != GZF_OK)
		goto out;
	t0 = gzf_mono_ns();
	c0 = cpu_ms();
	if ((rc = db_begin(c, err)) != GZF_OK)
		goto out_release;
	if ((rc = db_exec(c, "INSERT INTO bills (city_id, lease_id, bill_no, month, rent_fen,"
			     " reduction_fen, late_fee_fen, amount_fen, paid_fen, waived_fen, state,"
			     " due_on, issued_at, updated_at) SELECT city_id, lease_id, 'R' || bill_no, $1,"
			     " rent_fen, reduction_fen, 0, amount_fen, 0, 0, 'open', due_on, $2, $2"
			     " FROM bills WHERE month = $3",
			  DB_ARGS(DB_I(next), DB_I(now), DB_I(month)), NULL, err)) != GZF_OK ||
	    (rc = db_exec(c, "INSERT INTO ledger_ops (city_id, lease_id, kind, bill_id, amount_fen, ref,"
			     " created_by, created_at) SELECT city_id, lease_id, 'bill', id, amount_fen,"
			     " 'bill:' || id, 0, $2 FROM bills WHERE month = $1",
			  DB_ARGS(DB_I(next), DB_I(now)), NULL, err)) != GZF_OK ||
	    (rc = db_exec(c, "UPDATE leases SET billed_through = $1, updated_at = $2 WHERE city_id = $3",
			  DB_ARGS(DB_I(next), DB_I(now), DB_I(CITY)), NULL, err)) != GZF_OK) {
		db_rollback(c);
		goto out_release;
	}
	*wall = ms_since(t0);
	*cpu = cpu_ms() - c0;
	db_rollback(c);
out_release:
	db_release(c);
out:
	arena_destroy(a);
	return rc;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	char path[] = "/tmp/gzf-bench-billing-XXXXXX", url[64];
	const char *db_url = argc > 2 ? argv[2] : NULL;
	unsigned char key[AUDIT_KEY_BYTES] = { 0 };
	struct billing_run_result res;
	struct gzf_err err = { 0 };
	struct db *db;
	int64_t now = gzf_now_ms(), t0;
	int month = calendar_local_date(now) / 100, fd, met;
	double wall, cpu, c0, ref_wall = 0, ref_cpu = 0, target;

	if (n < 1 || n > 10000000) {
		fprintf(stderr, "usage: build/bench/billing [LEASES [DB_URL]]\n");
		return 2;
	}
	if (db_url == NULL) {
		if ((fd = mkstemp(path)) < 0)
			return 2;
		close(fd);
		snprintf(url, sizeof(url), "sqlite:%s", path);
		db_url = url;
	}
	if (db_open(&db, db_url, 2, &err) != GZF_OK || db_migrate(db, NULL, &err) != GZF_OK)
		return fail("open", &err);
	t0 = gzf_mono_ns();
	if (fill(db, n, month, now, &err) != GZF_OK)
		return fail("fill", &err);
	printf("billing run: %ld leases, %s, month %d (filled in %.1f s)\n\n", n,
	       db_backend_name(db), month, ms_since(t0) / 1e3);
	t0 = gzf_mono_ns();
	c0 = cpu_ms();
	if (billing_run_month(db, key, CITY, month, 0, now, &res, &err) != GZF_OK)
		return fail("billing run", &err);
	wall = ms_since(t0);
	cpu = cpu_ms() - c0;
	if (reference(db, month, now, &ref_wall, &ref_cpu, &err) != GZF_OK)
		return fail("reference", &err);
	target = db_backend(db) == DB_SQLITE ? 60000.0 : 30000.0;
	met = wall < target * (double)n / 1e6;
	printf("  %-56s %10s %10s\n", "step", "wall", "gzf CPU");
	printf("  %-56s %9.1fs %9.1fs\n", "billing_run_month (bills, ledger ops, billed month)",
	       wall / 1e3, cpu / 1e3);
	printf("    bills issued %lld of %lld leases, %lld fen; %.0f leases/s\n",
	       (long long)res.bills_issued, (long long)res.leases_seen, (long long)res.amount_fen,
	       (double)res.leases_seen / (wall / 1e3));
	printf("  %-56s %9.1fs %9.1fs\n", "reference: the same rows set-based in SQL", ref_wall / 1e3,
	       ref_cpu / 1e3);
	printf("\n  target %.0f s for 1,000,000 (scaled: %.1f s): %s\n", target / 1e3,
	       target * (double)n / 1e9, met ? "met" : "NOT met");
	db_close(db);
	if (db_url == url) {
		unlink(path);
		snprintf(url, sizeof(url), "%s-wal", path);
		unlink(url);
		snprintf(url, sizeof(url), "%s-shm", path);
		unlink(url);
	}
	return met ? 0 : 1;
}
