/* test_calendar.c — working days and deadlines on the seeded 2024-2026 calendar (SQLite),
 * and the background job table: claiming, retry with back-off, one runner per job, the
 * registry of handlers and the context's clock. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/audit.h"
#include "domain/calendar.h"
#include "domain/jobs.h"
#include "store/calendar_store.h"
#include "store/job_store.h"
#include "unit.h"

static struct unit_db udb;
static int on_pg; /* set by the tcase fixture */

static void use_sqlite(void) { on_pg = 0; }
static void use_pg(void) { on_pg = 1; }

static struct db *
fresh(int pool)
{
	return unit_db_fresh(&udb, on_pg, pool);
}

static void
done(struct db *db)
{
	unit_db_done(&udb, db);
}

/* Milliseconds of a local (UTC+8) time. */
static int64_t
local_ms(int y, int m, int d, int hh, int mm)
{
	struct tm t = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = hh, .tm_min = mm };

	return ((int64_t)timegm(&t)) * 1000 - CALENDAR_TZ_MS;
}

static int
working(struct db_conn *c, int64_t city, int date)
{
	struct gzf_err e;
	int yes = -1;

	ck_assert_int_eq(calendar_is_working_day(c, city, date, &yes, &e), GZF_OK);
	return yes;
}

START_TEST(working_days_seeded)
{
	struct db *db = fresh(1);
	struct arena *a = arena_create();
	struct db_conn *c;
	struct gzf_err e;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(working(c, 0, 20261001), 0);        /* National Day, a Thursday */
	ck_assert_int_eq(working(c, 0, 20261010), 1);        /* make-up Saturday */
	ck_assert_int_eq(working(c, 0, 20261011), 0);        /* an ordinary Sunday */
	ck_assert_int_eq(working(c, 0, 20261012), 1);        /* an ordinary Monday */
	ck_assert_int_eq(working(c, 0, 20250126), 1);        /* 2025 Spring Festival make-up Sunday */
	ck_assert_int_eq(working(c, 0, 20250203), 0);        /* 2025 Spring Festival, a Monday */
	ck_assert_int_eq(working(c, 0, 20240512), 0);        /* Sunday after the 2024 make-up Saturday */
	ck_assert_int_eq(working(c, 0, 20240511), 1);
	ck_assert_int_eq(working(c, 230600, 20261010), 1);  /* a city follows the national one */
	ck_assert_int_eq(calendar_is_working_day(c, 0, 20260230, &(int){ 0 }, &e), GZF_EINVAL);
	db_release(c);
	arena_destroy(a);
	done(db);
}
END_TEST

START_TEST(deadline_across_national_day)
{
	struct db *db = fresh(1);
	struct arena *a = arena_create();
	struct db_conn *c;
	struct gzf_err e;
	int64_t deadline;
	int n;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	/* Wednesday 2026-09-30 at 16:00: 1 = Thu 10-08, 2 = Fri 10-09, 3 = the make-up
	 * Saturday 10-10, 4 = Mon 10-12, 5 = Tue 10-13. */
	ck_assert_int_eq(calendar_add_working_days(c, 0, local_ms(2026, 9, 30, 16, 0), 3, &deadline, &e), GZF_OK);
	ck_assert_int_eq(deadline, local_ms(2026, 10, 11, 0, 0) - 1);
	ck_assert_int_eq(calendar_add_working_days(c, 0, local_ms(2026, 9, 30, 16, 0), 5, &deadline, &e), GZF_OK);
	ck_assert_int_eq(calendar_local_date(deadline), 20261013);
	/* The day of from counts by its local date: 23:30 UTC on 09-29 is 07:30 on 09-30. */
	ck_assert_int_eq(calendar_add_working_days(c, 0, local_ms(2026, 9, 30, 7, 30), 1, &deadline, &e), GZF_OK);
	ck_assert_int_eq(calendar_local_date(deadline), 20261008);
	ck_assert_int_eq(calendar_add_working_days(c, 0, local_ms(2026, 9, 30, 7, 30), 0, &deadline, &e), GZF_OK);
	ck_assert_int_eq(calendar_local_date(deadline), 20260930);
	/* 15 working days from Friday 2026-02-13 cross the nine-day Spring Festival and two
	 * make-up Saturdays (02-14, 02-28): 02-14, 24, 25, 26, 27, 28, 03-02 .. 06, 09 .. 12. */
	ck_assert_int_eq(calendar_add_working_days(c, 0, local_ms(2026, 2, 13, 9, 0), 15, &deadline, &e), GZF_OK);
	ck_assert_int_eq(calendar_local_date(deadline), 20260312);
	ck_assert_int_eq(calendar_add_working_days(c, 0, 0, -1, &deadline, &e), GZF_EINVAL);
	/* And back: the working days between. */
	ck_assert_int_eq(calendar_working_days_between(c, 0, local_ms(2026, 9, 30, 16, 0),
						       local_ms(2026, 10, 13, 9, 0), &n, &e), GZF_OK);
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(calendar_working_days_between(c, 0, local_ms(2026, 10, 13, 9, 0),
						       local_ms(2026, 9, 30, 16, 0), &n, &e), GZF_OK);
	ck_assert_int_eq(n, 0);
	db_release(c);
	arena_destroy(a);
	done(db);
}
END_TEST

START_TEST(city_overrides_national)
{
	struct db *db = fresh(1);
	struct arena *a = arena_create();
	struct calendar_day d = { .city_id = 230600, .day = 20261010, .kind = "holiday",
				  .name = "test", .updated_at = 1 };
	struct db_conn *c;
	struct gzf_err e;
	int64_t deadline, removed = 0;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(calendar_store_put(c, &d, &e), GZF_OK);
	ck_assert_int_eq(working(c, 230600, 20261010), 0);
	ck_assert_int_eq(working(c, 0, 20261010), 1);        /* the national one is untouched */
	ck_assert_int_eq(working(c, 230100, 20261010), 1);  /* and so is another city */
	ck_assert_int_eq(calendar_add_working_days(c, 230600, local_ms(2026, 9, 30, 16, 0), 3, &deadline, &e), GZF_OK);
	ck_assert_int_eq(calendar_local_date(deadline), 20261012);
	ck_assert_int_eq(calendar_store_delete(c, 230600, 20261010, &removed, &e), GZF_OK);
	ck_assert_int_eq(removed, 1);
	ck_assert_int_eq(working(c, 230600, 20261010), 1);
	db_release(c);
	arena_destroy(a);
	done(db);
}
END_TEST

START_TEST(dates)
{
	ck_assert_int_eq(calendar_date_valid(20240229), 1);
	ck_assert_int_eq(calendar_date_valid(20250229), 0);
	ck_assert_int_eq(calendar_date_valid(20261301), 0);
	ck_assert_int_eq(calendar_date_valid(19691231), 0);
	ck_assert_int_eq(calendar_local_date(local_ms(2026, 1, 1, 0, 0)), 20260101);
	ck_assert_int_eq(calendar_local_date(local_ms(2026, 1, 1, 0, 0) - 1), 20251231);
}
END_TEST

/* ---- jobs ---- */

static int calls_ok, calls_flaky, flaky_down;

static int
job_ok(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
       const json_t *payload, struct gzf_err *err)
{
	(void)ctx; (void)c; (void)err;
	ck_assert_int_eq(city_id, 230600);
	ck_assert_str_eq(ref, "application:1");
	ck_assert_int_eq(json_integer_value(json_object_get(payload, "n")), 7);
	__atomic_add_fetch(&calls_ok, 1, __ATOMIC_SEQ_CST);
	usleep(20000); /* long enough for a second runner to try the same job */
	return GZF_OK;
}

static int
job_flaky(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	  const json_t *payload, struct gzf_err *err)
{
	(void)ctx; (void)c; (void)city_id; (void)ref; (void)payload;
	calls_flaky++;
	if (flaky_down)
		return gzf_err_set(err, GZF_EUNAVAIL, "partner_unavailable", NULL, "the tax service is down");
	return GZF_OK;
}

static int
job_broken(struct job_ctx *ctx, struct db_conn *c, int64_t city_id, const char *ref,
	   const json_t *payload, struct gzf_err *err)
{
	(void)ctx; (void)c; (void)city_id; (void)ref; (void)payload;
	return gzf_err_set(err, GZF_EINVAL, "bad", NULL, "cannot be done");
}

static void *
runner(void *arg)
{
	struct gzf_err e;

	return (void *)(intptr_t)jobs_run_due(arg, 50, &e);
}

/* A job context on db: no partner is called by the unit handlers, so the configuration,
 * secrets and partners are blank; the clock is the real one unless a test moves it. */
static struct config blank_cfg;
static struct secrets blank_secrets;
static struct partners blank_partners;
static unsigned char blank_audit_key[AUDIT_KEY_BYTES];
static int64_t clock_ms;

static int64_t
test_clock(void)
{
	return clock_ms;
}

static struct job_ctx
ctx_on(struct db *db)
{
	return (struct job_ctx){ .db = db, .cfg = &blank_cfg, .secrets = &blank_secrets,
				 .partners = &blank_partners, .audit_key = blank_audit_key,
				 .now_ms = gzf_now_ms };
}

static void
enqueue_at(struct db *db, const char *kind, const char *ref, const char *payload, int64_t run_at)
{
	struct arena *a = arena_create();
	struct db_conn *c;
	struct gzf_err e;
	json_t *p = json_loads(payload, 0, NULL);

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(jobs_enqueue(c, 230600, kind, ref, p, run_at, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	json_decref(p);
	db_release(c);
	arena_destroy(a);
}

static void
enqueue(struct db *db, const char *kind, const char *ref, const char *payload)
{
	enqueue_at(db, kind, ref, payload, 0);
}

static void
job_status(struct db *db, const char *kind, const char *ref, struct job_row *out, char *status,
	   size_t n)
{
	struct arena *a = arena_create();
	struct db_conn *c;
	struct gzf_err e;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(job_store_find(c, kind, ref, out, &e), GZF_OK);
	snprintf(status, n, "%s", out->status);
	out->status = out->kind = out->ref = out->payload = out->last_error = NULL;
	db_release(c);
	arena_destroy(a);
}

START_TEST(jobs_run_once_each)
{
	struct db *db = fresh(6);
	struct job_ctx ctx = ctx_on(db);
	pthread_t t[4];
	void *ran;
	int i, total = 0;
	char ref[32];

	ck_assert_int_eq(jobs_register("unit_ok", job_ok), GZF_OK);
	for (i = 0; i < 10; i++) {
		snprintf(ref, sizeof(ref), "application:1");
		enqueue(db, "unit_ok", ref, "{\"n\":7}");
	}
	calls_ok = 0;
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, runner, &ctx);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &ran);
		ck_assert_int_ge((int)(intptr_t)ran, 0);
		total += (int)(intptr_t)ran;
	}
	/* Four runners, ten jobs: each ran exactly once. */
	ck_assert_int_eq(calls_ok, 10);
	ck_assert_int_eq(total, 10);
	ck_assert_int_eq(jobs_run_due(&ctx, 50, &(struct gzf_err){ 0 }), 0);
	done(db);
}
END_TEST

START_TEST(jobs_retry_and_fail)
{
	struct db *db = fresh(2);
	struct job_ctx ctx = ctx_on(db);
	struct gzf_err e;
	struct job_row j;
	char status[16];

	ck_assert_int_eq(jobs_register("unit_flaky", job_flaky), GZF_OK);
	ck_assert_int_eq(jobs_register("unit_broken", job_broken), GZF_OK);
	enqueue(db, "unit_flaky", "application:2", "{}");
	enqueue(db, "unit_broken", "application:3", "{}");
	enqueue(db, "unit_nobody", "application:4", "{}");
	flaky_down = 1;
	calls_flaky = 0;
	ck_assert_int_eq(jobs_run_due(&ctx, 10, &e), 2);
	job_status(db, "unit_flaky", "application:2", &j, status, sizeof(status));
	ck_assert_str_eq(status, "queued");          /* waits for its retry */
	ck_assert_int_eq(j.attempts, 1);
	ck_assert_int_gt(j.run_at, gzf_now_ms() + 20000);
	job_status(db, "unit_broken", "application:3", &j, status, sizeof(status));
	ck_assert_str_eq(status, "failed");
	job_status(db, "unit_nobody", "application:4", &j, status, sizeof(status));
	ck_assert_str_eq(status, "queued");          /* no handler: left alone */
	ck_assert_int_eq(j.attempts, 0);
	/* Not due yet: nothing runs. */
	ck_assert_int_eq(jobs_run_due(&ctx, 10, &e), 0);
	ck_assert_int_eq(calls_flaky, 1);
	/* The partner is back and the operator retries now. */
	flaky_down = 0;
	ck_assert_int_eq(jobs_run_all(&ctx, 1, &e), 1);
	job_status(db, "unit_flaky", "application:2", &j, status, sizeof(status));
	ck_assert_str_eq(status, "done");
	ck_assert_int_eq(j.attempts, 2);
	ck_assert_int_eq(calls_flaky, 2);
	ck_assert_int_eq(jobs_enqueue(NULL, 0, "", "x", NULL, 0, &e), GZF_EINVAL);
	done(db);
}
END_TEST

/* Every kind has one handler: the review's two are there after jobs_register_all, and a
 * second registration of any kind is refused. The registered department check runs with
 * the job context (a reference naming no application fails the job, kept with why). */
START_TEST(jobs_registry_once_per_kind)
{
	struct db *db = fresh(2);
	struct job_ctx ctx = ctx_on(db);
	struct gzf_err e;
	struct job_row j;
	char status[16];

	ck_assert_int_eq(jobs_register_all(), GZF_OK);
	ck_assert_int_eq(jobs_register("dept_check", job_ok), GZF_ECONFLICT);
	ck_assert_int_eq(jobs_register("publicity_end", job_ok), GZF_ECONFLICT);
	ck_assert_int_eq(jobs_register_all(), GZF_ECONFLICT);
	ck_assert_int_eq(jobs_register("unit_once", job_ok), GZF_OK);
	ck_assert_int_eq(jobs_register("unit_once", job_broken), GZF_ECONFLICT);
	ck_assert_int_eq(jobs_register("", job_ok), GZF_EINVAL);
	enqueue(db, "dept_check", "household:1", "{}");
	/* with the daily reconciliation, which a new database queues due at once (054) */
	ck_assert_int_eq(jobs_run_due(&ctx, 10, &e), 2);
	job_status(db, "dept_check", "household:1", &j, status, sizeof(status));
	ck_assert_str_eq(status, "failed");
	job_status(db, "recon_daily", "recon", &j, status, sizeof(status));
	ck_assert_str_eq(status, "queued"); /* the next day's, queued by the first */
	done(db);
}
END_TEST

/* The context's clock decides what is due: a job a week ahead runs once the clock says
 * a week has passed, not before. */
START_TEST(jobs_due_by_context_clock)
{
	struct db *db = fresh(2);
	struct job_ctx ctx = ctx_on(db);
	struct gzf_err e;
	struct job_row j;
	char status[16];
	int64_t week = 7LL * 86400000;

	ck_assert_int_eq(jobs_register("unit_later", job_flaky), GZF_OK);
	flaky_down = 0;
	calls_flaky = 0;
	clock_ms = gzf_now_ms();
	enqueue_at(db, "unit_later", "application:5", "{}", clock_ms + week);
	ctx.now_ms = test_clock;
	ck_assert_int_eq(jobs_run_due(&ctx, 10, &e), 0);
	clock_ms += week - 1000;
	ck_assert_int_eq(jobs_run_due(&ctx, 10, &e), 0);
	clock_ms += 2000;
	ck_assert_int_eq(jobs_run_due(&ctx, 10, &e), 1);
	ck_assert_int_eq(calls_flaky, 1);
	job_status(db, "unit_later", "application:5", &j, status, sizeof(status));
	ck_assert_str_eq(status, "done");
	done(db);
}
END_TEST

/* The database tests, on one backend. */
static TCase *
db_tcase(const char *name, void (*setup)(void))
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, working_days_seeded);
	tcase_add_test(tc, deadline_across_national_day);
	tcase_add_test(tc, city_overrides_national);
	tcase_add_test(tc, jobs_run_once_each);
	tcase_add_test(tc, jobs_retry_and_fail);
	tcase_add_test(tc, jobs_registry_once_per_kind);
	tcase_add_test(tc, jobs_due_by_context_clock);
	return tc;
}

Suite *
calendar_suite(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tcase_create("dates");

	tcase_add_test(tc, dates);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, db_tcase("sqlite", use_sqlite));
	if (unit_pg_wanted(s))
		suite_add_tcase(s, db_tcase("pgsql", use_pg));
	return s;
}
