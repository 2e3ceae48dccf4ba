/*
 * bench/subsidy.c — how long computing and writing a city's monthly subsidy batch takes
 * (docs/design/subsidy.md): 100,000 active entitlements (by default) on a fresh database,
 * through gzf's own domain and store code. Each run, in one transaction rolled back
 * afterwards, times:
 *
 *   compute   the batch computed (every entitlement's amount in force for the month, one
 *             line each, numbered into files of 5,000), checked and approved;
 *   write     sent: every file written (each line's sealed account and name opened) with
 *             its SHA-256 recorded;
 *
 * and, as a reference, the database alone inserting as many rows of the lines' shape
 * (into a table without indexes), one prepared INSERT at a time, in one transaction. See bench/README.md.
 *
 *   build/bench/subsidy [ENTITLEMENTS [RUNS [DB_URL]]]   (DB_URL: an empty database;
 *                                                        default a fresh SQLite file)
 *
 * Exits 0 when the median compute + write is under the 10 s target, 1 when over, 2 for
 * bad arguments or a failure.
 */
#include "core/crypto.h"
#include "domain/subsidy.h"
#include "partners/bank_batch.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TARGET_MS 10000.0
#define MAX_RUNS 20
#define CITY 230600
#define MONTH 202612
#define T0 1795000000000LL

static double ms_since(int64_t t0);
static int cmp_dbl(const void *a, const void *b);
static void report(const char *label, double *v, long n);
static int fill(struct db_conn *c, const unsigned char *key, long n, struct gzf_err *err);

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

static void
report(const char *label, double *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_dbl);
	printf("  %-52s %8.1fms %8.1fms\n", label, v[n / 2], v[0]);
}

/* n active entitlements, each with its amount, its own sealed account and holder. */
static int
fill(struct db_conn *c, const unsigned char *key, long n, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	char account[24], *acc_enc, *holder_enc;
	long k;
	int rc;

	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	crypto_seal(a, key, "张小明", &holder_enc);
	for (k = 0; k < n; k++) {
		struct subsidy_entitlement e = { .city_id = CITY, .application_id = k + 1, .owner_id = 0,
			.region_code = CITY, .region_path = "/1/", .state = "active", .reason = "",
			.start_month = MONTH, .monthly_fen = 10000 + k % 200000, .bank_name = "中国建设银行",
			.holder_enc = holder_enc, .created_by = 1, .created_at = T0 };
		struct subsidy_amount am = { .effective_month = MONTH, .monthly_fen = e.monthly_fen,
			.figures = "{}", .calc = "{}", .cause = "grant", .created_by = 1, .created_at = T0 };

		snprintf(account, sizeof(account), "6217%015ld", k);
		crypto_seal(a, key, account, &acc_enc);
		e.account_enc = acc_enc;
		e.account_last4 = account + strlen(account) - 4;
		if ((rc = subsidy_store_entitlement_create(c, &e, err)) != GZF_OK)
			return rc;
		am.entitlement_id = e.id;
		if ((rc = subsidy_store_amount_add(c, &am, err)) != GZF_OK)
			return rc;
	}
	return db_commit(c, err);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/gzf-bench-subsidy-XXXXXX", url[256];
	double compute[MAX_RUNS], write[MAX_RUNS], total[MAX_RUNS], raw[MAX_RUNS];
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000, runs = argc > 2 ? strtol(argv[2], NULL, 10) : 3;
	unsigned char key[32];
	struct gzf_err err = { 0 };
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct arena *ar = arena_create();
	int64_t t;
	long r, k;
	int rc = 2;

	if (n < 1 || n > 1000000 || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: %s [ENTITLEMENTS 1-1000000 [RUNS 1-%d [DB_URL]]]\n", argv[0], MAX_RUNS);
		return 2;
	}
	gzf_crypto_init();
	memset(key, 7, sizeof(key));
	if (argc > 3)
		snprintf(url, sizeof(url), "%s", argv[3]);
	else if (mkdtemp(dir) != NULL)
		snprintf(url, sizeof(url), "sqlite:%s/bench.db", dir);
	else
		return 2;
	if (db_open(&db, url, 1, &err) != GZF_OK || db_migrate(db, NULL, &err) != GZF_OK ||
	    db_acquire(db, ar, &c, &err) != GZF_OK || fill(c, key, n, &err) != GZF_OK ||
	    db_exec(c, "CREATE TEMP TABLE bench_lines (city_id BIGINT, batch_id BIGINT, file_no INTEGER,"
			" seq INTEGER, entitlement_id BIGINT, month INTEGER, amount_fen BIGINT, holder_enc TEXT,"
			" account_enc TEXT, account_last4 TEXT, state TEXT)", DB_NOARGS, NULL, &err) != GZF_OK)
		goto out;
	for (r = 0; r < runs; r++) {
		struct arena *files = arena_create();
		struct subsidy_input in = { .party = FSM_DECIDER, .actor_id = 1, .now = T0, .month = MONTH,
					    .city_id = CITY, .file_lines = BANK_BATCH_MAX_LINES,
					    .batch_no = "SBBENCH202612", .data_key = key, .arena = files };
		struct subsidy_batch b = { 0 };

		t = gzf_mono_ns();
		if (db_begin(c, &err) != GZF_OK ||
		    subsidy_batch_fire(c, &b, SUBSIDY_BATCH_COMPUTE, &in, &err) != GZF_OK)
			goto out;
		in.actor_id = 2;
		if (subsidy_batch_fire(c, &b, SUBSIDY_BATCH_CHECK, &in, &err) != GZF_OK ||
		    subsidy_batch_fire(c, &b, SUBSIDY_BATCH_APPROVE, &in, &err) != GZF_OK)
			goto out;
		compute[r] = ms_since(t);
		t = gzf_mono_ns();
		if (subsidy_batch_fire(c, &b, SUBSIDY_BATCH_SEND, &in, &err) != GZF_OK)
			goto out;
		write[r] = ms_since(t);
		total[r] = compute[r] + write[r];
		db_rollback(c);
		arena_destroy(files);
		if (b.lines != n) {
			fprintf(stderr, "the batch has %d lines, not %ld\n", b.lines, n);
			goto out;
		}

		t = gzf_mono_ns();
		if (db_begin(c, &err) != GZF_OK)
			goto out;
		for (k = 0; k < n; k++)
			if (db_exec(c, "INSERT INTO bench_lines (city_id, batch_id, file_no, seq, entitlement_id,"
				       " month, amount_fen, holder_enc, account_enc, account_last4, state)"
				       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending')",
				    DB_ARGS(DB_I(CITY), DB_I(1), DB_I(k / 5000 + 1), DB_I(k % 5000 + 1), DB_I(k + 1),
					    DB_I(MONTH), DB_I(10000 + k), DB_T("sealed-name"), DB_T("sealed-account"),
					    DB_T("1234")), NULL, &err) != GZF_OK)
				goto out;
		raw[r] = ms_since(t);
		db_rollback(c);
	}
	printf("subsidy batch: %ld active entitlements, %s, %ld runs (median, min; wall clock)\n\n", n,
	       db_backend_name(db), runs);
	printf("  %-52s %10s %9s\n", "step", "median", "min");
	report("compute: lines for the month, checked, approved", compute, runs);
	report("write: every file written, opened, hashed, recorded", write, runs);
	report("compute + write", total, runs);
	printf("\n  reference, the same run:\n");
	report("raw insert: as many rows, one INSERT each", raw, runs);
	rc = total[runs / 2] < TARGET_MS ? 0 : 1;
out:
	if (rc == 2)
		fprintf(stderr, "bench/subsidy: %s: %s\n", err.name, err.message);
	db_release(c);
	db_close(db);
	arena_destroy(ar);
	return rc;
}
