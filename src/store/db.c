/*
 * db.c — the backend-independent half of the store: the connection pool,
 * transactions, result access and the migration runner.
 */
#include "store/db_int.h"
#include "core/fault.h"
#include "core/log.h"

#include <assert.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ACQUIRE_WAIT_SECONDS 5
#define WRITER_WAIT_SECONDS 5 /* as long as SQLite's own busy timeout */

static char *migration_sql(const struct db_ops *ops, const char *sql);
static void read_end(struct db_conn *c);
static int durable_wait(struct db *db, uint64_t seq, struct gzf_err *err);
static int sync_locked(struct db *db, uint64_t *upto, struct gzf_err *err);
static void *syncer_run(void *arg);
static int group_end(struct db_conn *c, int commit, uint64_t *seq, struct gzf_err *err);
static int pending_end(struct db_conn *c, struct gzf_err *err);

int
db_open(struct db **out, const char *url, int pool_size, struct gzf_err *err)
{
	static atomic_uint_fast64_t opened;
	const struct db_ops *ops;
	const char *target;
	struct db *db;
	int i, rc;

	if (url == NULL || *url == '\0')
		return gzf_err_set(err, GZF_EINVAL, "bad_db_url", "db", "no database given");
	if (strncmp(url, "sqlite:", 7) == 0) {
		ops = &db_sqlite_ops;
		target = url + 7;
		if (*target == '\0')
			return gzf_err_set(err, GZF_EINVAL, "bad_db_url", "db",
					   "sqlite: needs a file path, e.g. sqlite:var/gzf.db");
	} else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		ops = &db_pgsql_ops;
		target = url;
	} else {
		return gzf_err_set(err, GZF_EINVAL, "bad_db_url", "db",
				   "database must be sqlite:PATH or a postgresql:// URL");
	}
	if (pool_size < 1)
		pool_size = 1;

	db = gzf_calloc(1, sizeof(*db));
	db->ops = ops;
	db->target = gzf_strdup(target);
	db->size = pool_size;
	db->slots = gzf_calloc((size_t)pool_size, sizeof(*db->slots));
	pthread_mutex_init(&db->lock, NULL);
	pthread_cond_init(&db->freed, NULL);
	pthread_cond_init(&db->writer_free, NULL);
	pthread_mutex_init(&db->sync_lock, NULL);
	pthread_cond_init(&db->synced_cond, NULL);
	db->stats.size = pool_size;
	db->serial = atomic_fetch_add(&opened, 1) + 1;
	if (ops->writer_open != NULL && (rc = ops->writer_open(db->target, &db->writer, err)) != GZF_OK) {
		db_close(db);
		return rc;
	}
	if (db->writer != NULL && pthread_create(&db->syncer, NULL, syncer_run, db) != 0) {
		db->ops->disconnect(db->writer);
		db->writer = NULL;
		db_close(db);
		return gzf_err_set(err, GZF_EUNAVAIL, "db_error", NULL, "the database's syncing thread did not start");
	}
	for (i = 0; i < pool_size; i++) {
		rc = ops->connect(db->target, &db->slots[i].handle, err);
		if (rc != GZF_OK) {
			db_close(db);
			return rc;
		}
	}
	*out = db;
	return GZF_OK;
}

void
db_close(struct db *db)
{
	int i;

	if (db == NULL)
		return;
	if (db->writer != NULL) {
		pthread_mutex_lock(&db->sync_lock);
		db->stopping = 1;
		pthread_cond_broadcast(&db->synced_cond);
		pthread_mutex_unlock(&db->sync_lock);
		pthread_join(db->syncer, NULL);
	}
	for (i = 0; i < db->size; i++)
		if (db->slots[i].handle != NULL)
			db->ops->disconnect(db->slots[i].handle);
	if (db->writer != NULL)
		db->ops->disconnect(db->writer);
	pthread_cond_destroy(&db->freed);
	pthread_cond_destroy(&db->writer_free);
	pthread_mutex_destroy(&db->lock);
	pthread_cond_destroy(&db->synced_cond);
	pthread_mutex_destroy(&db->sync_lock);
	free(db->slots);
	free(db->target);
	free(db);
}

enum db_backend
db_backend(const struct db *db)
{
	return db->ops->backend;
}

const char *
db_backend_name(const struct db *db)
{
	return db->ops->name;
}

enum db_backend
db_conn_backend(const struct db_conn *c)
{
	return c->db->ops->backend;
}

uint64_t
db_serial(const struct db_conn *c)
{
	return c->db->serial;
}

struct arena *
db_arena(const struct db_conn *c)
{
	return c->arena;
}

void
db_stats_get(struct db *db, struct db_stats *out)
{
	pthread_mutex_lock(&db->lock);
	*out = db->stats;
	pthread_mutex_unlock(&db->lock);
	pthread_mutex_lock(&db->sync_lock);
	out->commits = db->commits;
	out->groups = db->groups;
	out->syncs = db->syncs;
	pthread_mutex_unlock(&db->sync_lock);
}

int
db_acquire(struct db *db, struct arena *arena, struct db_conn **out, struct gzf_err *err)
{
	struct timespec deadline;
	struct db_slot *slot = NULL;
	struct db_conn *c;
	int i, rc, waited = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += ACQUIRE_WAIT_SECONDS;
	pthread_mutex_lock(&db->lock);
	for (;;) {
		for (i = 0; i < db->size && slot == NULL; i++)
			if (!db->slots[i].busy)
				slot = &db->slots[i];
		if (slot != NULL)
			break;
		waited = 1;
		if (pthread_cond_timedwait(&db->freed, &db->lock, &deadline) == ETIMEDOUT)
			break;
	}
	db->stats.acquired++;
	if (waited)
		db->stats.waited++;
	if (slot != NULL) {
		slot->busy = 1;
		db->stats.in_use++;
	}
	pthread_mutex_unlock(&db->lock);
	if (slot == NULL)
		return gzf_err_set(err, GZF_EUNAVAIL, "db_busy", NULL,
				   "the database is busy, please try again");

	rc = db->ops->check(slot->handle, err);
	c = arena_alloc(arena, sizeof(*c));
	c->db = db;
	c->slot = slot;
	c->handle = slot->handle;
	c->arena = arena;
	c->seen = 0;
	c->deferred = 0;
	c->pending = 0;
	c->lost = 0;
	if (rc != GZF_OK) {
		db_release(c);
		return rc;
	}
	*out = c;
	return GZF_OK;
}

/* Give c back without waiting for anything; the commits it may have seen: *seen. */
static void
release(struct db_conn *c, uint64_t *seen)
{
	struct db *db = c->db;

	if (c->in_txn)
		db_rollback(c);
	read_end(c);
	*seen = c->seen > c->pending ? c->seen : c->pending;
	pthread_mutex_lock(&db->lock);
	c->slot->busy = 0;
	db->stats.in_use--;
	pthread_cond_signal(&db->freed);
	pthread_mutex_unlock(&db->lock);
	c->slot = NULL;
}

void
db_release(struct db_conn *c)
{
	struct gzf_err ignored;
	struct db *db;
	uint64_t seen;

	if (c == NULL || c->slot == NULL)
		return;
	db = c->db;
	release(c, &seen);
	/* Before anything read here is answered: what it saw is durable. */
	if (durable_wait(db, seen, &ignored) != GZF_OK)
		log_msg(LOG_ERROR, "a read saw commits that could not be made durable", NULL);
}

void
db_defer(struct db_conn *c)
{
	c->deferred = 1;
}

int
db_release_deferred(struct db_conn *c, uint64_t *seq)
{
	*seq = 0;
	if (c == NULL || c->slot == NULL)
		return GZF_OK;
	release(c, seq);
	if (c->db->writer == NULL || atomic_load(&c->db->synced) >= *seq)
		*seq = 0;
	return db_commit_lost(c) ? GZF_EUNAVAIL : GZF_OK;
}

int
db_commit_lost(struct db_conn *c)
{
	int lost;

	pthread_mutex_lock(&c->db->sync_lock);
	lost = c->lost;
	pthread_mutex_unlock(&c->db->sync_lock);
	return lost;
}

struct db *
db_conn_db(const struct db_conn *c)
{
	return c->db;
}

int
db_read_begin(struct db_conn *c, struct gzf_err *err)
{
	struct db_res *res;
	int rc;

	assert(c->slot != NULL);
	if (c->db->writer == NULL || c->in_txn || c->reading)
		return GZF_OK;
	if ((rc = c->db->ops->query(c->handle, c->arena, "BEGIN", DB_NOARGS, &res, err)) == GZF_OK)
		c->reading = 1;
	return rc;
}

/* End c's read snapshot, if one is open. */
static void
read_end(struct db_conn *c)
{
	struct gzf_err ignored;
	struct db_res *res;

	if (!c->reading)
		return;
	c->reading = 0;
	if (c->db->ops->query(c->handle, c->arena, "COMMIT", DB_NOARGS, &res, &ignored) != GZF_OK)
		log_msg(LOG_WARN, "a read snapshot did not end", "error", ignored.message, NULL);
}

/* A statement's error rc, counted. */
static int
counted_error(struct db_conn *c, int rc)
{
	pthread_mutex_lock(&c->db->lock);
	c->db->stats.errors++;
	pthread_mutex_unlock(&c->db->lock);
	return rc;
}

/* The database fault injected (GZF_FAULT=db:N), as the database being unreachable. */
static int
injected(struct gzf_err *err)
{
	return gzf_err_set(err, GZF_EUNAVAIL, "db_unreachable", NULL, "injected fault");
}

int
db_query(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
	 struct db_res **out, struct gzf_err *err)
{
	struct db_res *res = NULL;
	int rc;

	/* c reads what it wrote: the group its last commit ended in is committed first. */
	if (c->pending != 0 && !c->in_txn && (rc = pending_end(c, err)) != GZF_OK)
		return rc;
	/* Only reads in a read snapshot: anything else ends it first. */
	if (c->reading && strncmp(sql, "SELECT ", 7) != 0)
		read_end(c);
	/* A statement may see commits not yet durable: db_release() waits for them (a
	 * snapshot's first read fixes what it sees; a transaction rolled back may still
	 * have read them). */
	if (c->reading != 2)
		c->seen = atomic_load(&c->db->begun);
	if (c->reading == 1)
		c->reading = 2;
	rc = FAULT(FAULT_DB) ? injected(err)
			     : c->db->ops->query(c->handle, c->arena, sql, args, nargs, &res, err);
	if (rc != GZF_OK)
		return counted_error(c, rc);
	if (out != NULL)
		*out = res;
	return GZF_OK;
}

int
db_is_duplicate(int rc, const struct gzf_err *err)
{
	return rc == GZF_ECONFLICT && err != NULL && strcmp(err->name, DB_DUPLICATE) == 0;
}

int
db_exec(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
	int64_t *changes, struct gzf_err *err)
{
	struct db_res *res;
	int rc = db_query(c, sql, args, nargs, &res, err);

	if (rc == GZF_OK && changes != NULL)
		*changes = res->changes;
	return rc;
}

int
db_exec_later(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
	      struct gzf_err *err)
{
	int rc;

	if (c->db->ops->later == NULL || !c->in_txn)
		return db_exec(c, sql, args, nargs, NULL, err);
	rc = FAULT(FAULT_DB) ? injected(err) : c->db->ops->later(c->handle, sql, args, nargs, err);
	return rc == GZF_OK ? GZF_OK : counted_error(c, rc);
}

/* Take the writer gate of a writer_open backend for c, which then uses the writer
 * connection, waiting at most WRITER_WAIT_SECONDS (then GZF_EUNAVAIL, as a database
 * busy for that long answers). Not first come, first
 * served: a thread leaving the gate may take it again before a waiter wakes, which keeps
 * the writer busy (a hand-over in order cost a fifth of the throughput). */
static int
writer_enter(struct db_conn *c, struct gzf_err *err)
{
	struct db *db = c->db;
	struct timespec deadline;
	int got;

	if (db->writer == NULL)
		return GZF_OK;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += WRITER_WAIT_SECONDS;
	pthread_mutex_lock(&db->lock);
	if (db->writing)
		db->stats.writer_waited++;
	db->gate_waiters++;
	while (db->writing &&
	       pthread_cond_timedwait(&db->writer_free, &db->lock, &deadline) != ETIMEDOUT)
		;
	db->gate_waiters--;
	got = !db->writing;
	if (got)
		db->writing = 1;
	pthread_mutex_unlock(&db->lock);
	if (!got)
		return gzf_err_set(err, GZF_EUNAVAIL, "db_busy", NULL,
				   "the database is busy, please try again");
	c->handle = db->writer;
	return GZF_OK;
}

/* Open the gate for the next writer. */
static void
writer_leave(struct db *db)
{
	pthread_mutex_lock(&db->lock);
	assert(db->writing);
	db->writing = 0;
	pthread_cond_signal(&db->writer_free);
	pthread_mutex_unlock(&db->lock);
}

/* How a transaction ended, for txn_end(). */
enum txn_how {
	TXN_LEFT,    /* rolled back, or never began */
	TXN_JOINED,  /* committed into the writer's group (a deferred connection) */
	TXN_DURABLE, /* committed, to be durable before db_commit() returns */
};

/*
 * c's transaction has ended as how says; c leaves the gate. Unless c waits for the disk
 * or the group is full, the writer's group stays open for a writer waiting at the gate,
 * or while a sync runs (a commit now would wait for the next sync anyway): the syncing
 * thread commits it once that sync has ended, unless a writer did meanwhile. Else it is
 * committed first (group_end), with what that returns (*seq: its number).
 */
static int
txn_end(struct db_conn *c, enum txn_how how, uint64_t *seq, struct gzf_err *err)
{
	struct db *db = c->db;
	int rc = GZF_OK, keep, waiting;

	*seq = 0;
	if (!c->in_txn)
		return GZF_OK;
	if (db->writer != NULL) {
		if (db->group_open) {
			if (how != TXN_LEFT) {
				assert(db->group_n < DB_GROUP_MAX); /* a full group is not left open */
				db->group[db->group_n++] = c;
			}
			pthread_mutex_lock(&db->lock);
			waiting = db->gate_waiters > 0;
			pthread_mutex_unlock(&db->lock);
			keep = how != TXN_DURABLE && db->group_n < DB_GROUP_MAX;
			if (keep && !waiting) {
				pthread_mutex_lock(&db->sync_lock);
				keep = db->syncing;
				db->group_parked |= keep;
				pthread_mutex_unlock(&db->sync_lock);
			}
			if (keep && how == TXN_JOINED)
				c->pending = atomic_load(&db->begun) + 1; /* the group's number, to be */
			else if (!keep)
				rc = group_end(c, 1, seq, err);
		}
		writer_leave(db);
	}
	c->in_txn = 0;
	c->handle = c->slot->handle;
	return rc;
}

/*
 * End the writer's open group (c holds the gate): COMMIT when commit = 1 and it can, else
 * ROLLBACK. Numbered in order at the gate (*seq), counted as begun before its first frame
 * can reach a reader. Its members are told when their commits were lost.
 */
static int
group_end(struct db_conn *c, int commit, uint64_t *seq, struct gzf_err *err)
{
	struct db *db = c->db;
	struct gzf_err ignored;
	int rc, i;

	assert(db->group_open && c->handle == db->writer);
	*seq = atomic_fetch_add(&db->begun, 1) + 1;
	rc = commit && !(db->group_n > 1 && FAULT(FAULT_COMMIT)) ? db_exec(c, "COMMIT", DB_NOARGS, NULL, err)
		    : gzf_err_set(err, GZF_EUNAVAIL, "db_error", NULL, "database error");
	if (rc != GZF_OK) /* what a failed COMMIT left open, if anything */
		db_exec(c, "ROLLBACK", DB_NOARGS, NULL, &ignored);
	pthread_mutex_lock(&db->sync_lock);
	atomic_store(&db->written, *seq); /* still at the gate: written only grows */
	if (rc == GZF_OK) {
		db->commits += (uint64_t)db->group_n;
		db->groups++;
	}
	for (i = 0; i < db->group_n; i++)
		if (rc != GZF_OK)
			db->group[i]->lost = 1;
	db->group_parked = 0;
	pthread_cond_broadcast(&db->synced_cond);
	pthread_mutex_unlock(&db->sync_lock);
	if (rc != GZF_OK) {
		char n[16];

		snprintf(n, sizeof(n), "%d", db->group_n);
		log_msg(LOG_ERROR, "a group of commits could not be committed", "commits", n,
			"error", err->message, NULL);
	}
	db->group_open = 0;
	db->group_n = 0;
	return rc;
}

/* c's last commit ended in a group (c->pending): wait until the group has ended,
 * committing it if it is still open. GZF_EUNAVAIL when it was lost. */
static int
pending_end(struct db_conn *c, struct gzf_err *err)
{
	struct db *db = c->db;
	uint64_t group = c->pending, seq;
	int rc = GZF_OK;

	c->pending = 0;
	if (atomic_load(&db->written) < group) {
		if ((rc = writer_enter(c, err)) != GZF_OK)
			return rc;
		c->in_txn = 1; /* at the gate: a statement here is the group's */
		if (atomic_load(&db->written) < group) /* open, and idle while the gate is held */
			rc = group_end(c, 1, &seq, err);
		c->in_txn = 0;
		c->handle = c->slot->handle;
		writer_leave(db);
	}
	if (rc == GZF_OK && db_commit_lost(c))
		rc = gzf_err_set(err, GZF_EUNAVAIL, "db_error", NULL, "database error");
	return rc;
}

int
db_begin(struct db_conn *c, struct gzf_err *err)
{
	struct db *db = c->db;
	uint64_t seq;
	int rc;

	assert(!c->in_txn);
	read_end(c);
	if (db->writer != NULL && (rc = writer_enter(c, err)) != GZF_OK)
		return rc;
	c->in_txn = 1;
	if (db->writer == NULL || !db->group_open) {
		if ((rc = db_exec(c, db->ops->begin_sql, DB_NOARGS, NULL, err)) != GZF_OK) {
			txn_end(c, TXN_LEFT, &seq, err); /* no group open: it only leaves the gate */
			return rc;
		}
		db->group_open = db->writer != NULL;
	}
	if (db->writer != NULL && (rc = db_exec(c, "SAVEPOINT gzf_txn", DB_NOARGS, NULL, err)) != GZF_OK)
		txn_end(c, TXN_LEFT, &seq, err);
	return rc;
}

/*
 * Sync the writer's log for every commit ended so far (1..*upto), with sync_lock held
 * and no sync running (the lock is let go meanwhile); wakes whoever waits on
 * synced_cond. GZF_EUNAVAIL when the sync failed.
 */
static int
sync_locked(struct db *db, uint64_t *upto, struct gzf_err *err)
{
	int rc;

	assert(!db->syncing);
	*upto = atomic_load(&db->written);
	db->syncing = 1;
	pthread_mutex_unlock(&db->sync_lock);
	rc = db->ops->sync(db->writer, err);
	pthread_mutex_lock(&db->sync_lock);
	db->syncing = 0;
	if (rc == GZF_OK) {
		db->syncs++;
		atomic_store(&db->synced, *upto);
	}
	pthread_cond_broadcast(&db->synced_cond);
	return rc;
}

/*
 * Wait until commits 1..seq of db's writer are durable (at once when there is no writer).
 * Group commit: whoever finds commits ended but not durable and no sync running syncs
 * for all of them at once; the others wait for that sync, or for the commit they wait
 * on to end (its committer syncs). GZF_EUNAVAIL when the sync failed.
 */
static int
durable_wait(struct db *db, uint64_t seq, struct gzf_err *err)
{
	uint64_t upto;
	int rc = GZF_OK;

	if (db->writer == NULL || atomic_load(&db->synced) >= seq)
		return GZF_OK;
	pthread_mutex_lock(&db->sync_lock);
	while (rc == GZF_OK && atomic_load(&db->synced) < seq) {
		if (db->syncing || atomic_load(&db->written) <= atomic_load(&db->synced))
			pthread_cond_wait(&db->synced_cond, &db->sync_lock);
		else
			rc = sync_locked(db, &upto, err);
	}
	pthread_mutex_unlock(&db->sync_lock);
	return rc;
}

int
db_durable_then(struct db *db, uint64_t seq, struct db_waiter *w,
		void (*fn)(void *arg, int rc), void *arg)
{
	if (db->writer == NULL)
		return 0;
	pthread_mutex_lock(&db->sync_lock);
	if (atomic_load(&db->synced) >= seq) {
		pthread_mutex_unlock(&db->sync_lock);
		return 0;
	}
	*w = (struct db_waiter){ .seq = seq, .fn = fn, .arg = arg, .next = db->waiters };
	db->waiters = w;
	pthread_cond_broadcast(&db->synced_cond);
	pthread_mutex_unlock(&db->sync_lock);
	return 1;
}

/* The syncing thread's part in groups: commit the one parked for it (txn_end), unless
 * a writer has ended it meanwhile. A failure is its members' (group_end). */
static void
parked_commit(struct db *db)
{
	struct db_conn c = { .db = db, .arena = arena_create(), .in_txn = 1 };
	struct gzf_err err;
	uint64_t seq;

	if (writer_enter(&c, &err) != GZF_OK) {
		log_msg(LOG_WARN, "a group of commits waits for the writer", "error", err.message, NULL);
	} else {
		if (db->group_open) {
			group_end(&c, 1, &seq, &err);
		} else { /* rolled back whole by its last writer */
			pthread_mutex_lock(&db->sync_lock);
			db->group_parked = 0;
			pthread_mutex_unlock(&db->sync_lock);
		}
		writer_leave(db);
	}
	arena_destroy(c.arena);
}

/*
 * The syncing thread of a writer_open backend: syncs for the waiters once their commits
 * have ended (unless another thread is syncing already), then calls those whose commits
 * are durable, and with GZF_EUNAVAIL those the sync that failed was for.
 */
static void *
syncer_run(void *arg)
{
	struct db *db = arg;
	struct gzf_err err;
	struct db_waiter *ready, **p, *w;
	uint64_t upto = 0;
	int rc;

	pthread_mutex_lock(&db->sync_lock);
	for (;;) {
		if (db->group_parked && !db->syncing) {
			pthread_mutex_unlock(&db->sync_lock);
			parked_commit(db);
			pthread_mutex_lock(&db->sync_lock);
			continue;
		}
		rc = GZF_OK;
		if (db->waiters != NULL && !db->syncing &&
		    atomic_load(&db->written) > atomic_load(&db->synced))
			rc = sync_locked(db, &upto, &err);
		ready = NULL;
		for (p = &db->waiters; (w = *p) != NULL;) {
			if (w->seq <= atomic_load(&db->synced) || (rc != GZF_OK && w->seq <= upto)) {
				*p = w->next;
				w->next = ready;
				ready = w;
			} else {
				p = &w->next;
			}
		}
		if (ready != NULL) {
			pthread_mutex_unlock(&db->sync_lock);
			for (; ready != NULL; ready = w) {
				w = ready->next; /* ready is the caller's, and may be gone after fn */
				ready->fn(ready->arg, ready->seq <= atomic_load(&db->synced) ? GZF_OK : rc);
			}
			pthread_mutex_lock(&db->sync_lock);
			continue;
		}
		if (db->waiters == NULL && db->stopping && !db->group_parked)
			break;
		pthread_cond_wait(&db->synced_cond, &db->sync_lock);
	}
	pthread_mutex_unlock(&db->sync_lock);
	return NULL;
}

int
db_commit(struct db_conn *c, struct gzf_err *err)
{
	struct db *db = c->db;
	uint64_t seq;
	int rc;

	assert(c->in_txn);
	if (db->writer == NULL) {
		if ((rc = db_exec(c, "COMMIT", DB_NOARGS, NULL, err)) != GZF_OK)
			db_rollback(c);
		c->in_txn = 0;
		return rc;
	}
	if ((rc = db_exec(c, "RELEASE gzf_txn", DB_NOARGS, NULL, err)) != GZF_OK) {
		db_rollback(c);
		return rc;
	}
	/* The gate opens before the disk is waited for: the next transaction runs while
	 * this one's pages are synced, and one sync serves every commit ended by then. */
	if ((rc = txn_end(c, c->deferred ? TXN_JOINED : TXN_DURABLE, &seq, err)) != GZF_OK)
		return rc;
	if (c->deferred) /* c->seen and c->pending cover it: see db_release_deferred() */
		return GZF_OK;
	return durable_wait(db, seq, err);
}

int
db_rollback(struct db_conn *c)
{
	struct db *db = c->db;
	struct gzf_err ignored;
	uint64_t seq;
	int rc;

	if (db->writer == NULL || !c->in_txn || db->group_n == 0) {
		/* Alone in the writer's transaction (or none): all of it goes. */
		rc = db_exec(c, "ROLLBACK", DB_NOARGS, NULL, &ignored);
		if (c->in_txn && db->writer != NULL)
			db->group_open = 0;
		txn_end(c, TXN_LEFT, &seq, &ignored);
		return rc;
	}
	/* Only c's savepoint; the group's others stay, unless the error that brought c
	 * here ended the writer's transaction (an I/O error does): then they are lost. */
	if ((rc = db_exec(c, "ROLLBACK TO gzf_txn", DB_NOARGS, NULL, &ignored)) == GZF_OK)
		rc = db_exec(c, "RELEASE gzf_txn", DB_NOARGS, NULL, &ignored);
	if (rc != GZF_OK)
		group_end(c, 0, &seq, &ignored);
	txn_end(c, TXN_LEFT, &seq, &ignored);
	return rc;
}

int
db_ping(struct db_conn *c, struct gzf_err *err)
{
	return db_exec(c, "SELECT 1", DB_NOARGS, NULL, err);
}

struct db_res *
db_res_new(struct arena *arena, int nrows, int ncols)
{
	struct db_res *r = arena_alloc(arena, sizeof(*r));

	r->nrows = nrows;
	r->ncols = ncols;
	r->cells = arena_alloc(arena, sizeof(char *) * (size_t)(nrows * ncols + 1));
	r->names = arena_alloc(arena, sizeof(char *) * (size_t)(ncols + 1));
	return r;
}

const char *
db_res_text(const struct db_res *r, int row, int col)
{
	if (row < 0 || row >= r->nrows || col < 0 || col >= r->ncols)
		abort();
	return r->cells[row * r->ncols + col];
}

int64_t
db_res_int(const struct db_res *r, int row, int col)
{
	const char *s = db_res_text(r, row, col);

	return s ? strtoll(s, NULL, 10) : 0;
}

int
db_res_isnull(const struct db_res *r, int row, int col)
{
	return db_res_text(r, row, col) == NULL;
}


void
stmt_cache_init(struct stmt_cache *sc, void (*drop)(void *, void *), void *handle)
{
	memset(sc, 0, sizeof(*sc));
	sc->drop = drop;
	sc->handle = handle;
}

void *
stmt_cache_get(struct stmt_cache *sc, const char *sql)
{
	uint64_t h = gzf_hash_text(sql);
	int i;

	for (i = 0; i < STMT_CACHE_SIZE; i++) {
		struct stmt_entry *e = &sc->entries[i];

		if (e->used != 0 && e->hash == h && strcmp(e->sql, sql) == 0) {
			e->used = ++sc->tick;
			return e->stmt;
		}
	}
	return NULL;
}

void
stmt_cache_put(struct stmt_cache *sc, const char *sql, void *stmt)
{
	struct stmt_entry *victim = &sc->entries[0];
	int i;

	/* A free entry, else the least recently used one. */
	for (i = 0; i < STMT_CACHE_SIZE && victim->used != 0; i++)
		if (sc->entries[i].used < victim->used)
			victim = &sc->entries[i];
	if (victim->used != 0) {
		sc->drop(sc->handle, victim->stmt);
		free(victim->sql);
	}
	victim->hash = gzf_hash_text(sql);
	victim->used = ++sc->tick;
	victim->sql = gzf_strdup(sql);
	victim->stmt = stmt;
}

void
stmt_cache_clear(struct stmt_cache *sc)
{
	int i;

	for (i = 0; i < STMT_CACHE_SIZE; i++) {
		struct stmt_entry *e = &sc->entries[i];

		if (e->used != 0)
			sc->drop(sc->handle, e->stmt);
		free(e->sql);
		memset(e, 0, sizeof(*e));
	}
}

int
stmt_cache_count(const struct stmt_cache *sc)
{
	int i, n = 0;

	for (i = 0; i < STMT_CACHE_SIZE; i++)
		n += sc->entries[i].used != 0;
	return n;
}

/*
 * Migrations are written once for both backends. @ID@ stands for the backend's
 * auto-increment primary key type, and what only one backend understands (triggers,
 * extensions) sits between "-- @sqlite" or "-- @pgsql" and "-- @end" lines. The
 * result is the caller's to free.
 */
static char *
migration_sql(const struct db_ops *ops, const char *sql)
{
	static const char token[] = "@ID@";
	size_t tlen = strlen(token), ilen = strlen(ops->id_type), count = 0;
	const char *line = sql, *nl;
	char *out, *o;
	int skip = 0;

	for (nl = strstr(sql, token); nl != NULL; nl = strstr(nl + tlen, token))
		count++;
	out = o = gzf_malloc(strlen(sql) + count * ilen + 1);

	for (; *line; line = nl) {
		const char *p, *end;

		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : line + strlen(line);
		if (strncmp(line, "-- @sqlite", 10) == 0 || strncmp(line, "-- @pgsql", 9) == 0) {
			skip = strncmp(line + 4, ops->name, strlen(ops->name)) != 0;
			continue;
		}
		if (strncmp(line, "-- @end", 7) == 0) {
			skip = 0;
			continue;
		}
		if (skip)
			continue;
		for (p = line; p < nl; p = end) {
			const char *t = strstr(p, token);

			end = (t != NULL && t < nl) ? t : nl;
			memcpy(o, p, (size_t)(end - p));
			o += end - p;
			if (end == t) {
				memcpy(o, ops->id_type, ilen);
				o += ilen;
				end += tlen;
			}
		}
	}
	*o = '\0';
	return out;
}

int
db_schema_version(struct db *db, int *version, struct gzf_err *err)
{
	struct arena *a = arena_create();
	struct db_conn *c = NULL;
	struct db_res *r;
	int rc;

	*version = 0;
	rc = db_acquire(db, a, &c, err);
	if (rc != GZF_OK)
		goto out;
	rc = db->ops->script(c->handle,
			     "CREATE TABLE IF NOT EXISTS schema_migrations ("
			     " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
			     " applied_at BIGINT NOT NULL)", err);
	if (rc != GZF_OK)
		goto out;
	rc = db_query(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
		      DB_NOARGS, &r, err);
	if (rc == GZF_OK)
		*version = (int)db_res_int(r, 0, 0);
out:
	db_release(c);
	arena_destroy(a);
	return rc;
}

int
db_migrate(struct db *db, int *applied, struct gzf_err *err)
{
	struct arena *a = arena_create();
	struct db_conn *c = NULL;
	struct db_res *r;
	char *sql = NULL;
	int i, rc, version, count = 0;

	rc = db_schema_version(db, &version, err);
	if (rc != GZF_OK)
		goto out;
	rc = db_acquire(db, a, &c, err);
	if (rc != GZF_OK)
		goto out;
	for (i = 0; i < db_nmigrations; i++) {
		const struct db_migration *m = &db_migrations[i];

		if (m->version <= version)
			continue;
		rc = db_begin(c, err);
		if (rc != GZF_OK)
			goto out;
		if (db->ops->migration_lock_sql != NULL) {
			rc = db_exec(c, db->ops->migration_lock_sql, DB_NOARGS, NULL, err);
			if (rc != GZF_OK)
				goto out;
		}
		/* Another server may have applied it while we waited for the lock. */
		rc = db_query(c, "SELECT 1 FROM schema_migrations WHERE version = $1",
			      DB_ARGS(DB_I(m->version)), &r, err);
		if (rc != GZF_OK)
			goto out;
		if (r->nrows > 0) {
			db_rollback(c);
			continue;
		}
		sql = migration_sql(db->ops, m->sql);
		rc = db->ops->script(c->handle, sql, err);
		free(sql);
		sql = NULL;
		if (rc != GZF_OK) {
			gzf_err_prefix(err, "migration_failed", NULL, "migration %s failed: ", m->name);
			goto out;
		}
		rc = db_exec(c, "INSERT INTO schema_migrations (version, name, applied_at)"
			     " VALUES ($1, $2, $3)",
			     DB_ARGS(DB_I(m->version), DB_T(m->name), DB_I(gzf_now_ms())), NULL, err);
		if (rc != GZF_OK)
			goto out;
		rc = db_commit(c, err);
		if (rc != GZF_OK)
			goto out;
		log_msg(LOG_INFO, "migration applied", "name", m->name, NULL);
		count++;
	}
out:
	db_release(c);
	arena_destroy(a);
	if (applied != NULL)
		*applied = count;
	return rc;
}
