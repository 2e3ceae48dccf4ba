/*
 * bench/queue.c — how long recomputing a waiting list takes (docs/queue.md): a city's list
 * of 100,000 households (by default) in 4 groups, on a fresh SQLite database, through
 * gzf's own domain and store code. It times, for each run:
 *
 *   order      the pure ordering (queue_order: sort, positions, competitors ahead) of the
 *              rows in memory;
 *   unchanged  queue_recompute when nothing moved: read the list, order it, compare;
 *   all moved  a 低保 household joins at the top: every one of the 100,000 moves down one
 *              place, so queue_recompute writes every position and a history row each
 *              (the worst case; the transaction is rolled back after each run);
 *
 * and, as a reference, the database alone ordering the same rows (ORDER BY on the same
 * keys, through the same connection). See bench/README.md.
 *
 *   build/bench/queue [ENTRIES [RUNS]]     (make bench builds and runs it)
 *
 * Exits 0 when the median "all moved" recompute is under the 2 s target, 1 when over,
 * 2 for bad arguments or a failure.
 */
#include "domain/queue.h"
#include "store/application_store.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TARGET_MS 2000.0
#define MAX_RUNS 20
#define CITY 230600
#define DAY 86400000LL
#define T0 1700000000000LL

static double ms_since(int64_t t0);
static double cpu_ms(void);
static int cmp_dbl(const void *a, const void *b);
static void report(const char *label, double *v, long n);
static int fill(struct db_conn *c, long n, struct gzf_err *err);

static double
ms_since(int64_t t0)
{
	return (double)(gzf_mono_ns() - t0) / 1e6;
}

/* The process's CPU time so far (ms): on a shared machine, what the work itself cost. */
static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Print the median and the fastest of v[0..n). */
static void
report(const char *label, double *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_dbl);
	printf("  %-52s %8.1fms %8.1fms\n", label, v[n / 2], v[0]);
}

/* n qualified applications and their waiting entries (k in group k mod 4, qualified on
 * day k/40, points k mod 30, sizes by k mod 4), ordered once. */
static int
fill(struct db_conn *c, long n, struct gzf_err *err)
{
	static const char *const layouts[] = { "[\"一室\",\"一室一厅\"]", "[\"一室一厅\",\"两室一厅\"]",
					       "[\"两室一厅\",\"三室一厅\"]" };
	static const char *const groups[] = { "dibao_tekun", "elderly", "disabled", "general" };
	struct queue_cause cause = { .other_cause = "joined" };
	char hash[32];
	long k;
	int rc;

	if ((rc = db_begin(c, err)) != GZF_OK)
		return rc;
	for (k = 0; k < n; k++) {
		struct application a = { .city_id = CITY, .region_code = CITY, .region_path = "/1/",
					 .kind = "rental", .status = "qualified", .step = "", .household_enc = "-",
					 .persons = 1 + (int)(k % 4), .created_at = T0, .updated_at = T0 };
		struct queue_entry e = { .city_id = CITY, .region_code = CITY, .kind = "rental",
					 .state = "waiting", .group_code = groups[k % 4],
					 .group_rank = (int)(k % 4), .group_reason = "", .persons = a.persons,
					 .layouts = layouts[(k % 4) * 3 / 4], .max_area_dm2 = 6000,
					 .qualified_at = T0 + (k / 40) * DAY + k, .points = (int)(k % 30),
					 .state_reason = "", .created_at = T0, .updated_at = T0 };

		snprintf(hash, sizeof(hash), "bench-%ld", k);
		a.applicant_id_hash = hash;
		if ((rc = application_store_create(c, &a, &e.application_id, err)) != GZF_OK ||
		    (rc = queue_store_create(c, &e, &e.id, err)) != GZF_OK)
			return rc;
	}
	if ((rc = queue_recompute(c, CITY, "rental", &cause, T0, NULL, err)) != GZF_OK)
		return rc;
	return db_commit(c, err);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/gzf-bench-queue-XXXXXX", url[96];
	double order[MAX_RUNS], same[MAX_RUNS], moved[MAX_RUNS], sql[MAX_RUNS];
	double order_cpu[MAX_RUNS], same_cpu[MAX_RUNS], moved_cpu[MAX_RUNS], sql_cpu[MAX_RUNS], c0;
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000, runs = argc > 2 ? strtol(argv[2], NULL, 10) : 5;
	struct queue_row *rows, *work;
	struct queue_row_data *data;
	struct gzf_err err = { 0 };
	struct db *db = NULL;
	struct db_conn *c = NULL;
	struct db_res *res;
	struct arena *ar = arena_create();
	int64_t t;
	long r;
	int rc = 2, count, written, i;

	if (n < 1 || n > 1000000 || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: %s [ENTRIES 1-1000000 [RUNS 1-%d]]\n", argv[0], MAX_RUNS);
		return 2;
	}
	gzf_crypto_init();
	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(url, sizeof(url), "sqlite:%s/bench.db", dir);
	if (db_open(&db, url, 1, &err) != GZF_OK || db_migrate(db, NULL, &err) != GZF_OK ||
	    db_acquire(db, ar, &c, &err) != GZF_OK || fill(c, n, &err) != GZF_OK ||
	    queue_store_rows(c, CITY, "rental", &data, &count, &err) != GZF_OK)
		goto out;
	rows = calloc((size_t)count, sizeof(*rows));
	work = calloc((size_t)count, sizeof(*work));
	for (i = 0; i < count; i++)
		rows[i] = (struct queue_row){ .id = data[i].id, .application_id = data[i].application_id,
					      .qualified_at = data[i].qualified_at, .rank = data[i].group_rank,
					      .points = data[i].points, .mask = 1u << (i % 3) | 1u << (i % 3 + 1) };
	for (r = 0; r < runs; r++) {
		struct queue_cause none = { .other_cause = "ahead_changed" };
		struct queue_cause join = { .other_cause = "joined_ahead", .subject_cause = "joined" };
		struct queue_entry e = { .city_id = CITY, .region_code = CITY, .kind = "rental",
					 .state = "waiting", .group_code = "dibao_tekun", .group_reason = "",
					 .persons = 1, .layouts = "[\"一室\"]", .qualified_at = T0 - DAY,
					 .state_reason = "", .created_at = T0, .updated_at = T0 };
		struct application a = { .city_id = CITY, .region_code = CITY, .region_path = "/1/",
					 .kind = "rental", .status = "qualified", .step = "", .persons = 1, .household_enc = "-",
					 .applicant_id_hash = "bench-top", .created_at = T0, .updated_at = T0 };

		memcpy(work, rows, sizeof(*rows) * (size_t)count);
		t = gzf_mono_ns();
		c0 = cpu_ms();
		queue_order(work, count);
		order[r] = ms_since(t);
		order_cpu[r] = cpu_ms() - c0;

		t = gzf_mono_ns();
		c0 = cpu_ms();
		if (db_begin(c, &err) != GZF_OK ||
		    queue_recompute(c, CITY, "rental", &none, T0, &written, &err) != GZF_OK ||
		    db_commit(c, &err) != GZF_OK)
			goto out;
		same[r] = ms_since(t);
		same_cpu[r] = cpu_ms() - c0;
		if (written != 0) {
			fprintf(stderr, "an unchanged list wrote %d rows\n", written);
			goto out;
		}

		if (db_begin(c, &err) != GZF_OK ||
		    application_store_create(c, &a, &e.application_id, &err) != GZF_OK ||
		    queue_store_create(c, &e, &e.id, &err) != GZF_OK)
			goto out;
		join.subject_id = e.id;
		t = gzf_mono_ns();
		c0 = cpu_ms();
		if (queue_recompute(c, CITY, "rental", &join, T0, &written, &err) != GZF_OK)
			goto out;
		moved[r] = ms_since(t);
		moved_cpu[r] = cpu_ms() - c0;
		db_rollback(c);
		if (written != count + 1) {
			fprintf(stderr, "a join at the top wrote %d rows, not %d\n", written, count + 1);
			goto out;
		}

		t = gzf_mono_ns();
		c0 = cpu_ms();
		if (db_query(c, "SELECT id FROM queue_entries WHERE city_id = $1 AND kind = 'rental'"
			     " AND state = 'waiting' ORDER BY group_rank, (qualified_at + 28800000) / 86400000,"
			     " points DESC, application_id", DB_ARGS(DB_I(CITY)), &res, &err) != GZF_OK)
			goto out;
		sql[r] = ms_since(t);
		sql_cpu[r] = cpu_ms() - c0;
	}
	printf("waiting list: %d entries in 4 groups, SQLite, %ld runs (median, min; wall clock,"
	       " then the process's CPU time)\n\n", count, runs);
	printf("  %-52s %10s %9s\n", "step", "median", "min");
	report("order: sort, positions, competitors (in memory)", order, runs);
	report("recompute, nothing moved: read, order, compare", same, runs);
	report("recompute, all moved: + every position, history row", moved, runs);
	report("  CPU: order", order_cpu, runs);
	report("  CPU: recompute, nothing moved", same_cpu, runs);
	report("  CPU: recompute, all moved", moved_cpu, runs);
	printf("\n  reference, the same run:\n");
	report("the database's ORDER BY of the same rows", sql, runs);
	report("  CPU: the database's ORDER BY", sql_cpu, runs);
	rc = moved[runs / 2] < TARGET_MS ? 0 : 1;
	free(rows);
	free(work);
out:
	if (rc == 2)
		fprintf(stderr, "bench/queue: %s: %s\n", err.name, err.message);
	db_release(c);
	if (db != NULL)
		db_close(db);
	arena_destroy(ar);
	snprintf(url, sizeof(url), "rm -rf %s", dir);
	if (system(url) != 0)
		rc = 2;
	return rc;
}
