/* test_db.c — the store on SQLite: migrations, binding, transactions, conflicts, pool;
 * on both backends: the bounded statement cache of a connection. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fault.h"
#include "store/bill_store.h"
#include "store/db.h"
#include "store/region_store.h"
#include "unit.h"

static char path[64];
static char url[80];

static struct db *
fresh(int pool)
{
	struct gzf_err e;
	struct db *db = NULL;
	int fd;

	snprintf(path, sizeof(path), "/tmp/gzf-unit-XXXXXX");
	fd = mkstemp(path);
	close(fd);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	ck_assert_int_eq(db_open(&db, url, pool, &e), GZF_OK);
	return db;
}

static void
done(struct db *db)
{
	char extra[96];

	db_close(db);
	unlink(path);
	snprintf(extra, sizeof(extra), "%s-wal", path);
	unlink(extra);
	snprintf(extra, sizeof(extra), "%s-shm", path);
	unlink(extra);
}

START_TEST(bad_urls)
{
	struct gzf_err e;
	struct db *db;

	ck_assert_int_eq(db_open(&db, "mysql://x", 1, &e), GZF_EINVAL);
	ck_assert_int_eq(db_open(&db, "sqlite:", 1, &e), GZF_EINVAL);
	ck_assert_int_eq(db_open(&db, "sqlite:/nonexistent/dir/x.db", 1, &e), GZF_EUNAVAIL);
}
END_TEST

START_TEST(migrate_once)
{
	struct db *db = fresh(2);
	struct gzf_err e;
	int applied = -1, version = -1;

	ck_assert_int_eq(db_migrate(db, &applied, &e), GZF_OK);
	ck_assert_int_ge(applied, 1);
	ck_assert_int_eq(db_schema_version(db, &version, &e), GZF_OK);
	ck_assert_int_ge(version, 1);
	ck_assert_int_eq(db_migrate(db, &applied, &e), GZF_OK);
	ck_assert_int_eq(applied, 0);
	ck_assert_str_eq(db_backend_name(db), "sqlite");
	done(db);
}
END_TEST

START_TEST(bind_types_and_nulls)
{
	struct db *db = fresh(1);
	struct arena *a = arena_create();
	struct db_conn *c;
	struct db_res *r;
	struct gzf_err e;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_query(c, "SELECT $1, $2, $3, $2 || '!', '$1 stays'",
				  DB_ARGS(DB_I(-7), DB_T("公租房"), DB_T(NULL)), &r, &e), GZF_OK);
	ck_assert_int_eq(r->nrows, 1);
	ck_assert_int_eq(db_res_int(r, 0, 0), -7);
	ck_assert_str_eq(db_res_text(r, 0, 1), "公租房");
	ck_assert(db_res_isnull(r, 0, 2));
	ck_assert_str_eq(db_res_text(r, 0, 3), "公租房!");
	ck_assert_str_eq(db_res_text(r, 0, 4), "$1 stays");
	/* The same statement again comes from the cache and binds afresh. */
	ck_assert_int_eq(db_query(c, "SELECT $1, $2, $3, $2 || '!', '$1 stays'",
				  DB_ARGS(DB_I(8), DB_T("x"), DB_T("y")), &r, &e), GZF_OK);
	ck_assert_str_eq(db_res_text(r, 0, 2), "y");
	db_release(c);
	arena_destroy(a);
	done(db);
}
END_TEST

START_TEST(transactions_and_conflicts)
{
	struct db *db = fresh(2);
	struct arena *a = arena_create();
	struct region r = { 990000, 0, "province", "测试省", "Test", 0, NULL, NULL, NULL }, got;
	struct db_conn *c;
	struct db_res *res;
	struct gzf_err e;
	int64_t changes;

	ck_assert_int_eq(db_migrate(db, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	/* Rolled back: nothing stays. */
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(region_store_put(c, &r, &e), GZF_OK);
	ck_assert_int_eq(db_rollback(c), GZF_OK);
	ck_assert_int_eq(region_store_get(c, 990000, &got, &e), GZF_ENOTFOUND);
	/* Committed: it stays, and a duplicate key is a conflict. */
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(region_store_put(c, &r, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	ck_assert_int_eq(region_store_get(c, 990000, &got, &e), GZF_OK);
	ck_assert_str_eq(got.name, "测试省");
	ck_assert_int_eq(db_exec(c, "INSERT INTO regions (code, level, name, path) VALUES ($1, 'province', 'x', '/x/')",
				 DB_ARGS(DB_I(990000)), NULL, &e), GZF_ECONFLICT);
	ck_assert_int_eq(db_exec(c, "UPDATE regions SET name_en = $1 WHERE code = $2",
				 DB_ARGS(DB_T("T"), DB_I(990000)), &changes, &e), GZF_OK);
	ck_assert_int_eq(changes, 1);
	/* A foreign key to a missing parent is refused. */
	ck_assert_int_eq(db_exec(c, "INSERT INTO regions (code, parent_code, level, name, path) VALUES ($1, $2, 'city', 'y', '/y/')",
				 DB_ARGS(DB_I(990100), DB_I(123)), NULL, &e), GZF_ECONFLICT);
	/* A connection released inside a transaction is rolled back. */
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "DELETE FROM regions WHERE code = $1", DB_ARGS(DB_I(990000)), NULL, &e), GZF_OK);
	db_release(c);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_query(c, "SELECT count(*) FROM regions", DB_NOARGS, &res, &e), GZF_OK);
	ck_assert_int_eq(db_res_int(res, 0, 0), 1);
	ck_assert_int_eq(db_query(c, "SELEKT nonsense", DB_NOARGS, &res, &e), GZF_EINTERNAL);
	db_release(c);
	arena_destroy(a);
	done(db);
}
END_TEST

/* A read snapshot: the reads after db_read_begin see the database as it was at the first
 * of them, whatever another connection commits meanwhile; a write statement, a
 * transaction or the release ends it, and the next read sees the commit. */
START_TEST(read_snapshot_until_a_write)
{
	struct db *db = fresh(2);
	struct arena *a = arena_create();
	struct region r = { 0, 0, "province", "测试省", "Test", 0, NULL, NULL, NULL };
	struct db_conn *c, *other;
	struct db_res *res;
	struct gzf_err e;
	int round;

	ck_assert_int_eq(db_migrate(db, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &other, &e), GZF_OK);
	for (round = 0; round < 3; round++) {
		int64_t before;

		ck_assert_int_eq(db_read_begin(c, &e), GZF_OK);
		ck_assert_int_eq(db_query(c, "SELECT count(*) FROM regions", DB_NOARGS, &res, &e), GZF_OK);
		before = db_res_int(res, 0, 0);
		r.code = 990000 + round;
		ck_assert_int_eq(db_begin(other, &e), GZF_OK);
		ck_assert_int_eq(region_store_put(other, &r, &e), GZF_OK);
		ck_assert_int_eq(db_commit(other, &e), GZF_OK);
		ck_assert_int_eq(db_query(c, "SELECT count(*) FROM regions", DB_NOARGS, &res, &e), GZF_OK);
		ck_assert_int_eq(db_res_int(res, 0, 0), before);
		switch (round) {
		case 0: /* a write statement on c */
			ck_assert_int_eq(db_exec(c, "UPDATE regions SET name_en = 'X' WHERE code = $1",
						 DB_ARGS(DB_I(990000)), NULL, &e), GZF_OK);
			break;
		case 1: /* a transaction on c */
			ck_assert_int_eq(db_begin(c, &e), GZF_OK);
			ck_assert_int_eq(db_commit(c, &e), GZF_OK);
			break;
		default: /* c given back and taken again */
			db_release(c);
			ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
		}
		ck_assert_int_eq(db_query(c, "SELECT count(*) FROM regions", DB_NOARGS, &res, &e), GZF_OK);
		ck_assert_int_eq(db_res_int(res, 0, 0), before + 1);
	}
	db_release(c);
	db_release(other);
	arena_destroy(a);
	done(db);
}
END_TEST

START_TEST(pool_exhaustion_waits_then_gives_up)
{
	struct db *db = fresh(1);
	struct arena *a = arena_create();
	struct db_conn *c1, *c2;
	struct db_stats st;
	struct gzf_err e;

	ck_assert_int_eq(db_acquire(db, a, &c1, &e), GZF_OK);
	db_stats_get(db, &st);
	ck_assert_int_eq(st.in_use, 1);
	ck_assert_int_eq(db_acquire(db, a, &c2, &e), GZF_EUNAVAIL);
	ck_assert_str_eq(e.name, "db_busy");
	db_release(c1);
	db_stats_get(db, &st);
	ck_assert_int_eq(st.in_use, 0);
	ck_assert_uint_eq(st.waited, 1);
	arena_destroy(a);
	done(db);
}
END_TEST

struct writer {
	struct db *db;
	volatile int began; /* set once db_begin returned */
	int rc;
};

static void *
second_writer(void *arg)
{
	struct writer *w = arg;
	struct arena *a = arena_create();
	struct db_conn *c;
	struct gzf_err e;

	ck_assert_int_eq(db_acquire(w->db, a, &c, &e), GZF_OK);
	w->rc = db_begin(c, &e);
	w->began = 1;
	if (w->rc == GZF_OK)
		w->rc = db_exec(c, "UPDATE regions SET name_en = 'second' WHERE code = 990000",
				DB_NOARGS, NULL, &e);
	if (w->rc == GZF_OK)
		w->rc = db_commit(c, &e);
	db_release(c);
	arena_destroy(a);
	return NULL;
}

/* SQLite: transactions run on the pool's writer connection; a second write transaction of the process waits at the writer gate (counted)
 * and starts once the first ends, however it ends; one that waits too long is refused
 * with db_busy and leaves the gate to the others. */
START_TEST(writers_queue_at_the_gate)
{
	struct db *db = fresh(3);
	struct arena *a = arena_create();
	struct db_conn *c, *c2;
	struct db_stats st;
	struct db_res *r;
	struct writer w = { 0 };
	struct gzf_err e;
	pthread_t t;
	int i;

	ck_assert_int_eq(db_migrate(db, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "INSERT INTO regions (code, level, name, path) VALUES (990000, 'province', 'x', '/990000/')",
				 DB_NOARGS, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "UPDATE regions SET name_en = 'first' WHERE code = 990000",
				 DB_NOARGS, NULL, &e), GZF_OK);
	w.db = db;
	ck_assert_int_eq(pthread_create(&t, NULL, second_writer, &w), 0);
	for (i = 0; i < 200; i++) {
		db_stats_get(db, &st);
		if (st.writer_waited == 1)
			break;
		usleep(10000);
	}
	ck_assert_uint_eq(st.writer_waited, 1);
	ck_assert_int_eq(w.began, 0);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	pthread_join(t, NULL);
	ck_assert_int_eq(w.rc, GZF_OK);
	ck_assert_int_eq(db_query(c, "SELECT name_en FROM regions WHERE code = 990000", DB_NOARGS,
				  &r, &e), GZF_OK);
	ck_assert_str_eq(db_res_text(r, 0, 0), "second");

	/* A rolled-back transaction opens the gate too; a writer kept out 5 s gives up. */
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(db_rollback(c), GZF_OK);
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &c2, &e), GZF_OK);
	ck_assert_int_eq(db_begin(c2, &e), GZF_EUNAVAIL);
	ck_assert_str_eq(e.name, "db_busy");
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	ck_assert_int_eq(db_begin(c2, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c2, &e), GZF_OK);
	db_stats_get(db, &st);
	ck_assert_uint_eq(st.writer_waited, 2);
	db_release(c2);
	db_release(c);
	arena_destroy(a);
	done(db);
}
END_TEST

/* One of the threads of commits_share_a_sync: 50 write transactions, each checked
 * readable by a reader connection as soon as it committed. */
static void *
committer(void *arg)
{
	struct writer *w = arg;
	struct arena *a = arena_create();
	struct db_conn *c;
	struct db_res *r;
	struct gzf_err e;
	int i;

	ck_assert_int_eq(db_acquire(w->db, a, &c, &e), GZF_OK);
	for (i = 0; i < 50 && w->rc == GZF_OK; i++) {
		w->rc = db_begin(c, &e);
		if (w->rc == GZF_OK)
			w->rc = db_exec(c, "UPDATE regions SET name_en = name_en || 'x' WHERE code = 990000",
					DB_NOARGS, NULL, &e);
		if (w->rc == GZF_OK)
			w->rc = db_commit(c, &e);
		if (w->rc == GZF_OK)
			w->rc = db_query(c, "SELECT length(name_en) FROM regions WHERE code = 990000",
					 DB_NOARGS, &r, &e);
		if (w->rc == GZF_OK && db_res_int(r, 0, 0) < i + 1)
			w->rc = GZF_EINTERNAL;
	}
	db_release(c);
	arena_destroy(a);
	return NULL;
}

/* SQLite group commit: the writer connection commits without waiting for the disk
 * (synchronous=NORMAL; readers keep FULL), db_commit() returns once the log is synced, a
 * sync serving every commit that ended before it: 8 threads' 400 commits need fewer
 * syncs than commits, each counted. */
START_TEST(commits_share_a_sync)
{
	struct db *db = fresh(9);
	struct arena *a = arena_create();
	struct db_stats before, after;
	struct writer w[8];
	struct db_conn *c;
	struct db_res *r;
	struct gzf_err e;
	pthread_t t[8];
	int i;

	ck_assert_int_eq(db_migrate(db, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_query(c, "PRAGMA synchronous", DB_NOARGS, &r, &e), GZF_OK);
	ck_assert_int_eq(db_res_int(r, 0, 0), 2);
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(db_query(c, "PRAGMA synchronous", DB_NOARGS, &r, &e), GZF_OK);
	ck_assert_int_eq(db_res_int(r, 0, 0), 1);
	ck_assert_int_eq(db_exec(c, "INSERT INTO regions (code, level, name, name_en, path) VALUES (990000, 'province', 'x', '', '/990000/')",
				 DB_NOARGS, NULL, &e), GZF_OK);
	db_stats_get(db, &before);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	db_stats_get(db, &after);
	ck_assert_uint_eq(after.commits, before.commits + 1);
	ck_assert_uint_eq(after.syncs, before.syncs + 1);
	db_release(c);

	before = after;
	for (i = 0; i < 8; i++) {
		w[i] = (struct writer){ .db = db };
		ck_assert_int_eq(pthread_create(&t[i], NULL, committer, &w[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(w[i].rc, GZF_OK);
	}
	db_stats_get(db, &after);
	ck_assert_uint_eq(after.commits, before.commits + 400);
	ck_assert_uint_gt(after.syncs, before.syncs);
	ck_assert_uint_lt(after.syncs - before.syncs, 400);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_query(c, "SELECT length(name_en) FROM regions WHERE code = 990000",
				  DB_NOARGS, &r, &e), GZF_OK);
	ck_assert_int_eq(db_res_int(r, 0, 0), 400);
	db_release(c);
	arena_destroy(a);
	done(db);
}
END_TEST

/* deferred_commits_wait_for_no_thread's callback: what it was called with. */
struct durable_note {
	_Atomic int called;
	int rc;
};

static void
note_durable(void *arg, int rc)
{
	struct durable_note *n = arg;

	n->rc = rc;
	atomic_fetch_add(&n->called, 1);
}

/* One deferred write: begin, update, commit, release; the commit to wait for. */
static uint64_t
deferred_write(struct db *db, struct arena *a)
{
	struct db_conn *c;
	struct gzf_err e;
	uint64_t seq;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	db_defer(c);
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "UPDATE regions SET name_en = name_en || 'x' WHERE code = 990000",
				 DB_NOARGS, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	db_release_deferred(c, &seq);
	return seq;
}

/* SQLite: a deferred connection's commits return without a sync, its release says which
 * commit the answer waits for, and the syncing thread calls back once one sync has made
 * both commits durable; a wait for what is durable already is over at once. */
START_TEST(deferred_commits_wait_for_no_thread)
{
	struct db *db = fresh(2);
	struct arena *a = arena_create();
	struct durable_note note = { 0 }, never = { 0 };
	struct db_stats before, after;
	struct db_waiter w, w2;
	struct db_conn *c;
	struct gzf_err e;
	uint64_t first, second;

	ck_assert_int_eq(db_migrate(db, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "INSERT INTO regions (code, level, name, name_en, path) VALUES (990000, 'province', 'x', '', '/990000/')",
				 DB_NOARGS, NULL, &e), GZF_OK);
	db_release(c);
	db_stats_get(db, &before);
	first = deferred_write(db, a);
	second = deferred_write(db, a);
	db_stats_get(db, &after);
	ck_assert_uint_eq(after.commits, before.commits + 2);
	ck_assert_uint_eq(after.syncs, before.syncs);
	ck_assert_uint_gt(first, 0);
	ck_assert_uint_eq(second, first + 1);

	ck_assert_int_eq(db_durable_then(db, second, &w, note_durable, &note), 1);
	for (int i = 0; i < 5000 && atomic_load(&note.called) == 0; i++)
		usleep(1000);
	ck_assert_int_eq(atomic_load(&note.called), 1);
	ck_assert_int_eq(note.rc, GZF_OK);
	db_stats_get(db, &after);
	ck_assert_uint_eq(after.syncs, before.syncs + 1);
	ck_assert_int_eq(db_durable_then(db, first, &w2, note_durable, &never), 0);
	ck_assert_int_eq(atomic_load(&never.called), 0);
	arena_destroy(a);
	done(db);
}
END_TEST

/* SQLite: a sync that fails fails the replies that waited for it (GZF_EUNAVAIL), and the
 * next sync serves the next commit. */
START_TEST(failed_sync_fails_its_waiters)
{
	struct db *db = fresh(2);
	struct arena *a = arena_create();
	struct durable_note failed = { 0 }, ok = { 0 };
	struct db_waiter w, w2;
	struct db_conn *c;
	struct gzf_err e;

	ck_assert_int_eq(db_migrate(db, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "INSERT INTO regions (code, level, name, name_en, path) VALUES (990000, 'province', 'x', '', '/990000/')",
				 DB_NOARGS, NULL, &e), GZF_OK);
	db_release(c);
	setenv("GZF_FAULT", "sync:1", 1);
	fault_arm();
	ck_assert_int_eq(db_durable_then(db, deferred_write(db, a), &w, note_durable, &failed), 1);
	for (int i = 0; i < 5000 && atomic_load(&failed.called) == 0; i++)
		usleep(1000);
	ck_assert_int_eq(atomic_load(&failed.called), 1);
	ck_assert_int_eq(failed.rc, GZF_EUNAVAIL);
	ck_assert_int_eq(db_durable_then(db, deferred_write(db, a), &w2, note_durable, &ok), 1);
	for (int i = 0; i < 5000 && atomic_load(&ok.called) == 0; i++)
		usleep(1000);
	ck_assert_int_eq(atomic_load(&ok.called), 1);
	ck_assert_int_eq(ok.rc, GZF_OK);
	ck_assert_int_eq(atomic_load(&failed.called), 1);
	unsetenv("GZF_FAULT");
	arena_destroy(a);
	done(db);
}
END_TEST

/* The second writer of a group of two (group_of_two): deferred, it waits at the gate
 * while the first commits, then (once told to go, after delay_us) updates and commits. */
struct grouped {
	struct db *db;
	const char *fault;      /* armed just before its commit; NULL: none */
	useconds_t delay_us;
	_Atomic int began, go;
	int rc, lost;
	uint64_t seq;
};

static void *
group_second(void *arg)
{
	struct grouped *g = arg;
	struct arena *a = arena_create();
	struct db_conn *c;
	struct gzf_err e;

	ck_assert_int_eq(db_acquire(g->db, a, &c, &e), GZF_OK);
	db_defer(c);
	g->rc = db_begin(c, &e);
	if (g->rc == GZF_OK)
		g->rc = db_exec(c, "UPDATE regions SET name_en = name_en || 'b' WHERE code = 990000",
				DB_NOARGS, NULL, &e);
	atomic_store(&g->began, 1);
	while (!atomic_load(&g->go))
		usleep(1000);
	usleep(g->delay_us);
	if (g->fault != NULL) {
		setenv("GZF_FAULT", g->fault, 1);
		fault_arm();
	}
	if (g->rc == GZF_OK)
		g->rc = db_commit(c, &e);
	unsetenv("GZF_FAULT");
	g->lost = db_release_deferred(c, &g->seq) != GZF_OK;
	arena_destroy(a);
	return NULL;
}

/* What region 990000's name_en reads now. */
static const char *
name_now(struct db *db, struct arena *a)
{
	struct db_conn *r;
	struct db_res *res;
	struct gzf_err e;
	const char *v;

	ck_assert_int_eq(db_acquire(db, a, &r, &e), GZF_OK);
	ck_assert_int_eq(db_query(r, "SELECT name_en FROM regions WHERE code = 990000", DB_NOARGS,
				  &res, &e), GZF_OK);
	v = db_res_text(res, 0, 0);
	db_release(r);
	return v;
}

/* Two deferred writers in one group: *first (on a) updates and commits while g's thread
 * waits at the gate, so its commit ends inside the writer's open transaction — which a
 * reader does not see yet; then g's thread commits (or fails) as g says. */
static void
group_of_two(struct db *db, struct arena *a, struct grouped *g, struct db_conn **first)
{
	struct db_stats st, before;
	struct db_res *res;
	const char *was = name_now(db, a);
	struct gzf_err e;
	pthread_t t;
	int i;

	ck_assert_int_eq(db_acquire(db, a, first, &e), GZF_OK);
	db_defer(*first);
	ck_assert_int_eq(db_begin(*first, &e), GZF_OK);
	ck_assert_int_eq(db_exec(*first, "UPDATE regions SET name_en = 'a' WHERE code = 990000",
				 DB_NOARGS, NULL, &e), GZF_OK);
	db_stats_get(db, &before);
	g->db = db;
	ck_assert_int_eq(pthread_create(&t, NULL, group_second, g), 0);
	for (i = 0; i < 500; i++) {
		db_stats_get(db, &st);
		if (st.writer_waited > before.writer_waited)
			break;
		usleep(10000);
	}
	ck_assert_uint_gt(st.writer_waited, before.writer_waited);
	ck_assert_int_eq(db_commit(*first, &e), GZF_OK);
	for (i = 0; i < 500 && !atomic_load(&g->began); i++)
		usleep(10000);
	ck_assert_str_eq(name_now(db, a), was);
	atomic_store(&g->go, 1);
	if (g->delay_us > 0) { /* the first reads while the second still holds the gate */
		ck_assert_int_eq(db_query(*first, "SELECT name_en FROM regions WHERE code = 990000",
					  DB_NOARGS, &res, &e), GZF_OK);
		ck_assert_str_eq(db_res_text(res, 0, 0), "ab");
	}
	pthread_join(t, NULL);
}

/* SQLite groups: a deferred commit that finds a writer waiting at the gate ends inside the
 * writer's transaction, invisible until the next writer's commit commits both at once
 * (two commits, one of the writer's own); both wait for the same commit number, and
 * nothing is lost. */
START_TEST(commits_group_while_a_writer_waits)
{
	struct db *db = fresh(4);
	struct arena *a = arena_create();
	struct durable_note note = { 0 };
	struct grouped g = { 0 };
	struct db_stats before, after;
	struct db_waiter w;
	struct db_conn *c;
	struct gzf_err e;
	uint64_t seq;

	ck_assert_int_eq(db_migrate(db, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "INSERT INTO regions (code, level, name, name_en, path) VALUES (990000, 'province', 'x', 'x', '/990000/')",
				 DB_NOARGS, NULL, &e), GZF_OK);
	db_release(c);
	db_stats_get(db, &before);
	group_of_two(db, a, &g, &c);
	ck_assert_int_eq(g.rc, GZF_OK);
	ck_assert_int_eq(g.lost, 0);
	ck_assert_int_eq(db_release_deferred(c, &seq), GZF_OK);
	ck_assert_uint_eq(seq, g.seq);
	ck_assert_str_eq(name_now(db, a), "ab");
	db_stats_get(db, &after);
	ck_assert_uint_eq(after.commits, before.commits + 2);
	ck_assert_uint_eq(after.groups, before.groups + 1);
	ck_assert_int_eq(db_commit_lost(c), 0);
	if (db_durable_then(db, seq, &w, note_durable, &note) == 1)
		for (int i = 0; i < 5000 && atomic_load(&note.called) == 0; i++)
			usleep(1000);
	ck_assert_int_eq(note.rc, GZF_OK);
	arena_destroy(a);
	done(db);
}
END_TEST

/* SQLite groups: a connection reads what it committed into a group still open (its read
 * waits at the gate and commits the group); a member that fails to end its savepoint is
 * rolled back alone; a group whose COMMIT fails loses every commit in it, and its other
 * members learn it (db_commit_lost, db_release_deferred). */
START_TEST(groups_read_back_roll_back_and_fail_whole)
{
	struct db *db = fresh(4);
	struct arena *a = arena_create();
	struct grouped reads = { .delay_us = 100000 }, one = { .fault = "db:1" },
		       all = { .fault = "db:2" };
	struct db_stats before, after;
	struct db_conn *c;
	struct gzf_err e;
	uint64_t seq;

	ck_assert_int_eq(db_migrate(db, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "INSERT INTO regions (code, level, name, name_en, path) VALUES (990000, 'province', 'x', 'x', '/990000/')",
				 DB_NOARGS, NULL, &e), GZF_OK);
	db_release(c);

	db_stats_get(db, &before);
	group_of_two(db, a, &reads, &c);
	ck_assert_int_eq(reads.rc, GZF_OK);
	ck_assert_int_eq(db_release_deferred(c, &seq), GZF_OK);
	db_stats_get(db, &after);
	ck_assert_uint_eq(after.commits, before.commits + 2);
	ck_assert_uint_eq(after.groups, before.groups + 1);
	ck_assert_str_eq(name_now(db, a), "ab");

	/* The second's RELEASE fails: it alone is undone, the first's commit stays. */
	group_of_two(db, a, &one, &c);
	ck_assert_int_ne(one.rc, GZF_OK);
	ck_assert_int_eq(one.lost, 0);
	ck_assert_int_eq(db_release_deferred(c, &seq), GZF_OK);
	ck_assert_int_eq(db_commit_lost(c), 0);
	ck_assert_str_eq(name_now(db, a), "a");

	/* The group's COMMIT fails: both are undone, and the first is told. */
	group_of_two(db, a, &all, &c);
	ck_assert_int_eq(all.rc, GZF_EUNAVAIL);
	ck_assert_int_eq(all.lost, 1);
	ck_assert_int_eq(db_commit_lost(c), 1);
	ck_assert_int_eq(db_release_deferred(c, &seq), GZF_EUNAVAIL);
	ck_assert_str_eq(name_now(db, a), "a");
	arena_destroy(a);
	done(db);
}
END_TEST

/* SQLite: the connections read through page caches, not maps of the file (a map is
 * dropped whenever another connection wrote); the writer's log, synced by db_commit()
 * rather than by SQLite, is still checkpointed: 100 commits of about 25 pages each (2,500
 * pages) leave a log far shorter than that; a database in memory (no log) works too. */
START_TEST(log_checkpointed_reads_unmapped)
{
	struct db *db = fresh(2);
	struct arena *a = arena_create();
	struct db_conn *c;
	struct db_res *r;
	struct gzf_err e;
	struct stat st;
	char wal[96];
	int i;

	ck_assert_int_eq(db_migrate(db, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_query(c, "PRAGMA mmap_size", DB_NOARGS, &r, &e), GZF_OK);
	ck_assert_int_eq(db_res_int(r, 0, 0), 0);
	ck_assert_int_eq(db_exec(c, "CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB)", DB_NOARGS,
				 NULL, &e), GZF_OK);
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(db_begin(c, &e), GZF_OK);
		ck_assert_int_eq(db_exec(c, "INSERT INTO blobs (b) VALUES (randomblob(100000))", DB_NOARGS,
					 NULL, &e), GZF_OK);
		ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	}
	snprintf(wal, sizeof(wal), "%s-wal", path);
	ck_assert_int_eq(stat(wal, &st), 0);
	ck_assert_int_lt(st.st_size, 1500 * 4120);
	ck_assert_int_eq(db_query(c, "SELECT COUNT(*) FROM blobs", DB_NOARGS, &r, &e), GZF_OK);
	ck_assert_int_eq(db_res_int(r, 0, 0), 100);
	db_release(c);
	done(db);

	ck_assert_int_eq(db_open(&db, "sqlite::memory:", 1, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "CREATE TABLE t (x INTEGER)", DB_NOARGS, NULL, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	db_release(c);
	db_close(db);
	arena_destroy(a);
}
END_TEST

/* The rows of the scratch table kept (made by kept_statements). */
static int64_t
kept_rows(struct db_conn *c)
{
	struct db_res *r;
	struct gzf_err e;

	ck_assert_int_eq(db_query(c, "SELECT count(*) FROM kept", DB_NOARGS, &r, &e), GZF_OK);
	return db_res_int(r, 0, 0);
}

/* Statements kept for the next round trip (db_exec_later): each runs before the next
 * statement, which reads it; more than a pipeline holds all arrive; one that fails is
 * the next statement's error, or the commit's, and then nothing of the transaction
 * stays; a rollback after it ends it cleanly. On PostgreSQL the BEGIN and the kept
 * statements reach the server only with the next statement (their times show it), a
 * transaction with nothing in it never does, and a connection the server ends while
 * statements are kept fails cleanly and works again. */
static void
kept_statements(int pgsql)
{
	struct unit_db u;
	struct db *db = unit_db_fresh(&u, pgsql, 2);
	struct arena *a = arena_create();
	struct db_conn *c, *other;
	struct db_res *r;
	struct gzf_err e;
	int i, rc;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(db, a, &other, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "CREATE TABLE kept (id BIGINT PRIMARY KEY, at TEXT)", DB_NOARGS,
				 NULL, &e), GZF_OK);
	/* kept, read back by the next statement, invisible to others until committed */
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	for (i = 1; i <= 40; i++)
		ck_assert_int_eq(db_exec_later(c, "INSERT INTO kept (id) VALUES ($1)", DB_ARGS(DB_I(i)),
					       &e), GZF_OK);
	ck_assert_int_eq(kept_rows(c), 40);
	if (pgsql)
		ck_assert_int_eq(kept_rows(other), 0);
	ck_assert_int_eq(db_exec_later(c, "INSERT INTO kept (id) VALUES ($1)", DB_ARGS(DB_I(41)), &e),
			 GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	ck_assert_int_eq(kept_rows(other), 41);
	/* a failure: the next statement's error; rolled back, nothing stays */
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(db_exec_later(c, "INSERT INTO kept (id) VALUES ($1)", DB_ARGS(DB_I(100)), &e),
			 GZF_OK);
	rc = db_exec_later(c, "INSERT INTO kept (id) VALUES ($1)", DB_ARGS(DB_I(1)), &e);
	if (rc == GZF_OK) /* kept: reported by what comes next */
		rc = db_query(c, "SELECT 1", DB_NOARGS, &r, &e);
	ck_assert(db_is_duplicate(rc, &e));
	ck_assert_int_eq(db_rollback(c), GZF_OK);
	ck_assert_int_eq(kept_rows(c), 41);
	/* a failure kept until the commit: the commit fails with it */
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(db_exec(c, "INSERT INTO kept (id) VALUES ($1)", DB_ARGS(DB_I(200)), NULL, &e),
			 GZF_OK);
	rc = db_exec_later(c, "INSERT INTO kept (id) VALUES ($1)", DB_ARGS(DB_I(2)), &e);
	if (rc == GZF_OK)
		rc = db_commit(c, &e);
	ck_assert(db_is_duplicate(rc, &e));
	db_rollback(c);
	ck_assert_int_eq(kept_rows(c), 41);
	/* empty transactions */
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(db_rollback(c), GZF_OK);
	if (pgsql) {
		/* The BEGIN and a kept statement run just before the statement after them,
		 * not when they were called, 300 ms before it. */
		ck_assert_int_eq(db_begin(c, &e), GZF_OK);
		ck_assert_int_eq(db_exec_later(c, "INSERT INTO kept (id, at) VALUES ($1, CAST(clock_timestamp() AS TEXT))",
					       DB_ARGS(DB_I(300)), &e), GZF_OK);
		usleep(300 * 1000);
		ck_assert_int_eq(db_query(c, "SELECT EXTRACT(EPOCH FROM clock_timestamp() - now()) * 1000,"
					  " EXTRACT(EPOCH FROM clock_timestamp() - CAST(at AS TIMESTAMPTZ)) * 1000"
					  " FROM kept WHERE id = 300", DB_NOARGS, &r, &e), GZF_OK);
		ck_assert_msg(db_res_int(r, 0, 0) < 150, "BEGIN ran %lld ms before", (long long)db_res_int(r, 0, 0));
		ck_assert_msg(db_res_int(r, 0, 1) < 150, "kept ran %lld ms before", (long long)db_res_int(r, 0, 1));
		ck_assert_int_eq(db_rollback(c), GZF_OK);
		/* The server ends the connection while statements are kept: the next one
		 * reports the database unreachable, nothing stays, and the connection works
		 * again once acquired anew. */
		ck_assert_int_eq(db_query(c, "SELECT pg_backend_pid()", DB_NOARGS, &r, &e), GZF_OK);
		i = (int)db_res_int(r, 0, 0);
		ck_assert_int_eq(db_begin(c, &e), GZF_OK);
		ck_assert_int_eq(db_exec_later(c, "INSERT INTO kept (id) VALUES ($1)", DB_ARGS(DB_I(400)),
					       &e), GZF_OK);
		ck_assert_int_eq(db_query(other, "SELECT pg_terminate_backend($1)", DB_ARGS(DB_I(i)), &r, &e),
				 GZF_OK);
		usleep(100 * 1000);
		ck_assert_int_eq(db_query(c, "SELECT 1", DB_NOARGS, &r, &e), GZF_EUNAVAIL);
		db_release(c);
		ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
		ck_assert_int_eq(kept_rows(c), 41);
	}
	db_release(other);
	db_release(c);
	arena_destroy(a);
	unit_db_done(&u, db);
}

START_TEST(kept_statements_sqlite)
{
	kept_statements(0);
}
END_TEST

START_TEST(kept_statements_pgsql)
{
	kept_statements(1);
}
END_TEST

/* Many distinct statements on one connection (as searches built per request make): each
 * answers right, also once evicted and prepared again, and PostgreSQL holds no more
 * prepared statements for the connection than the cache keeps. */
static void
distinct_statements(int pgsql)
{
	struct unit_db u;
	struct db *db = unit_db_fresh(&u, pgsql, 1);
	struct arena *a = arena_create();
	struct db_conn *c;
	struct db_res *r;
	struct gzf_err e;
	char sql[64];
	int i, round;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	for (round = 0; round < 2; round++)
		for (i = 0; i < 500; i++) {
			snprintf(sql, sizeof(sql), "SELECT %d + $1", i);
			ck_assert_int_eq(db_query(c, sql, DB_ARGS(DB_I(round)), &r, &e), GZF_OK);
			ck_assert_int_eq(db_res_int(r, 0, 0), i + round);
		}
	if (pgsql) {
		ck_assert_int_eq(db_query(c, "SELECT count(*) FROM pg_prepared_statements", DB_NOARGS,
					  &r, &e), GZF_OK);
		ck_assert_int_le(db_res_int(r, 0, 0), 128);
		ck_assert_int_ge(db_res_int(r, 0, 0), 100);
	}
	db_release(c);
	arena_destroy(a);
	unit_db_done(&u, db);
}

START_TEST(statements_bounded_sqlite)
{
	distinct_statements(0);
}
END_TEST

START_TEST(statements_bounded_pgsql)
{
	distinct_statements(1);
}
END_TEST

/* One lease's ledger, read as each payment reads it, keeps PostgreSQL's plan: on a ledger
 * of many leases with statistics the statement is planned a few times, and then the plan
 * kept for any lease serves (planning it anew each time cost more than running it). */
START_TEST(one_ledger_keeps_its_plan_pgsql)
{
	struct unit_db u;
	struct db *db = unit_db_fresh(&u, 1, 1);
	struct arena *a = arena_create();
	struct bill_op *ops;
	struct db_conn *c;
	struct db_res *r;
	struct gzf_err e;
	int i, n;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	/* 20,000 operations of 5,000 leases (the leases themselves left out: no key checks) */
	ck_assert_int_eq(db_exec(c, "SET session_replication_role = replica", DB_NOARGS, NULL, &e),
			 GZF_OK);
	ck_assert_msg(db_exec(c, "INSERT INTO ledger_ops (city_id, lease_id, kind, amount_fen, ref,"
			      " created_at) SELECT 230600, i % 5000 + 1, 'payment', 100, 'payment:' || i, 0"
			      " FROM generate_series(1, 20000) i", DB_NOARGS, NULL, &e) == GZF_OK,
		      "%s", e.message);
	ck_assert_int_eq(db_exec(c, "ANALYZE ledger_ops", DB_NOARGS, NULL, &e), GZF_OK);
	for (i = 1; i <= 12; i++) {
		ck_assert_int_eq(bill_store_ledger(c, i, i, &ops, &n, &e), GZF_OK);
		ck_assert_int_eq(n, 4);
		ck_assert_int_eq(ops[0].lease_id, i);
	}
	ck_assert_int_eq(db_query(c, "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
				  " WHERE statement LIKE '%FROM ledger_ops o%'"
				  " AND statement NOT LIKE '%pg_prepared_statements%'", DB_NOARGS, &r, &e),
			 GZF_OK);
	ck_assert_int_eq(r->nrows, 1);
	ck_assert_int_ge(db_res_int(r, 0, 0), 6);  /* the kept plan, after five of its own */
	ck_assert_int_le(db_res_int(r, 0, 1), 6);
	db_release(c);
	arena_destroy(a);
	unit_db_done(&u, db);
}
END_TEST

Suite *
db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("sqlite");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, bad_urls);
	tcase_add_test(tc, migrate_once);
	tcase_add_test(tc, bind_types_and_nulls);
	tcase_add_test(tc, transactions_and_conflicts);
	tcase_add_test(tc, read_snapshot_until_a_write);
	tcase_add_test(tc, pool_exhaustion_waits_then_gives_up);
	tcase_add_test(tc, writers_queue_at_the_gate);
	tcase_add_test(tc, commits_share_a_sync);
	tcase_add_test(tc, deferred_commits_wait_for_no_thread);
	tcase_add_test(tc, failed_sync_fails_its_waiters);
	tcase_add_test(tc, commits_group_while_a_writer_waits);
	tcase_add_test(tc, groups_read_back_roll_back_and_fail_whole);
	tcase_add_test(tc, log_checkpointed_reads_unmapped);
	tcase_add_test(tc, statements_bounded_sqlite);
	tcase_add_test(tc, kept_statements_sqlite);
	suite_add_tcase(s, tc);
	if (unit_pg_wanted(s)) {
		tc = tcase_create("pgsql");
		tcase_set_timeout(tc, 60);
		tcase_add_test(tc, statements_bounded_pgsql);
		tcase_add_test(tc, kept_statements_pgsql);
		tcase_add_test(tc, one_ledger_keeps_its_plan_pgsql);
		suite_add_tcase(s, tc);
	}
	return s;
}
