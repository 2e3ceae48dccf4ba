/*
 * db.h — the one storage interface. Two backends implement it: SQLite (db_sqlite.c, the
 * embedded default) and PostgreSQL (db_pgsql.c). SQL lives only under src/store/; it is
 * written once, in the dialect both accept, with $1..$n parameters, and always prepared
 * and bound — never formatted from values.
 *
 * Use:  db_acquire() a connection for one request or job, db_begin(), db_query() ...,
 *       db_commit() (or db_rollback()), db_release(). Results are copied into the
 *       arena given to db_acquire() and stay valid until that arena is destroyed.
 */
#ifndef GZF_STORE_DB_H
#define GZF_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/gzf.h"

struct db;
struct db_conn;

enum db_type { DB_NULL, DB_INT, DB_TEXT };

/* One bound parameter. Build them with DB_I(), DB_T() and DB_ARGS(). */
struct db_val {
	enum db_type type;
	int64_t i;
	const char *s;
};

#define DB_I(x) ((struct db_val){ .type = DB_INT, .i = (int64_t)(x) })
/* DB_T(NULL) binds SQL NULL. */
#define DB_T(x) ((struct db_val){ .type = (x) ? DB_TEXT : DB_NULL, .s = (x) })
#define DB_NULLV ((struct db_val){ .type = DB_NULL })
#define DB_ARGS(...) (const struct db_val[]){ __VA_ARGS__ }, \
	(int)(sizeof((const struct db_val[]){ __VA_ARGS__ }) / sizeof(struct db_val))
#define DB_NOARGS NULL, 0

/* The most arguments one statement takes (SQLite's default limit; PostgreSQL's is higher). */
#define DB_MAX_ARGS 32766

/* A materialised result: every cell as text (NULL for SQL NULL), in the arena. */
struct db_res {
	int nrows;
	int ncols;
	char **cells;        /* nrows * ncols */
	const char **names;  /* ncols column names */
	int64_t changes;     /* rows changed by INSERT/UPDATE/DELETE */
};

/* Which backend a handle uses. */
enum db_backend { DB_SQLITE, DB_PGSQL };

/* Pool statistics for /metrics. */
struct db_stats {
	int size;          /* connections in the pool */
	int in_use;        /* connections handed out now */
	uint64_t acquired; /* db_acquire calls so far */
	uint64_t waited;   /* of those, how many had to wait for a free connection */
	uint64_t errors;   /* failed statements */
	uint64_t writer_waited; /* SQLite: transactions that queued at the writer gate */
	uint64_t commits;       /* SQLite: write transactions committed on the writer */
	uint64_t groups;        /* SQLite: the writer's own commits that ended them (one a group) */
	uint64_t syncs;         /* SQLite: the disk syncs that made them durable (one a group) */
};

/*
 * db_open — connect to url: "sqlite:PATH" (the file is created if missing) or a
 * PostgreSQL URL ("postgresql://..." or "postgres://..."). pool_size connections are
 * kept. Returns 0 and *out, or GZF_EINVAL (bad url) / GZF_EUNAVAIL (cannot connect)
 * with a message in err.
 */
int db_open(struct db **out, const char *url, int pool_size, struct gzf_err *err);

/* db_close — close every connection. All connections must have been released. */
void db_close(struct db *db);

/* db_backend — which backend db uses; db_backend_name gives "sqlite" / "pgsql". */
enum db_backend db_backend(const struct db *db);
const char *db_backend_name(const struct db *db);

/* db_stats_get — a snapshot of the pool counters. */
void db_stats_get(struct db *db, struct db_stats *out);

/*
 * db_acquire — take a connection from the pool, waiting up to a few seconds when all
 * are busy. Results of queries on it are allocated in arena. Returns 0, or
 * GZF_EUNAVAIL when no connection could be had or the server is gone (a broken
 * PostgreSQL connection is re-established here).
 */
int db_acquire(struct db *db, struct arena *arena, struct db_conn **out, struct gzf_err *err);

/* db_release — give the connection back. An open transaction is rolled back. On SQLite
 * it first waits until every commit the connection's reads may have seen is durable, so
 * what a request read is never answered before a crash could no longer undo it. */
void db_release(struct db_conn *c);

/*
 * Answering without blocking on the disk (SQLite; elsewhere nothing waits). A thread that
 * serves many clients marks its connection db_defer(): its db_commit() then returns once
 * the commit has ended, durable or not — possibly inside a group of commits the writer
 * commits together a little later (db_commit) — and db_release_deferred() gives the
 * connection back at once with the number of the last commit its user may have written
 * or read (*seq; 0 when that is durable already). Nothing may be answered before
 * db_durable_then() says those commits are durable and db_commit_lost() says none of the
 * connection's was undone with its group. db_release_deferred() returns GZF_EUNAVAIL
 * when one was already (a reply must then say the request failed), else 0.
 */
void db_defer(struct db_conn *c);
int db_release_deferred(struct db_conn *c, uint64_t *seq);

/* db_commit_lost — 1 when a commit db_commit() said had ended on c (deferred) was undone
 * since, because the group it ended in could not be committed; else 0. Thread-safe; c
 * may have been released. */
int db_commit_lost(struct db_conn *c);

/* A wait for durability, in the caller's memory until its function has been called. */
struct db_waiter {
	uint64_t seq;
	void (*fn)(void *arg, int rc);
	void *arg;
	struct db_waiter *next;
};

/*
 * db_durable_then — 0 when commits 1..seq of db are durable already (fn is not called);
 * otherwise 1, and db's syncing thread calls fn(arg, GZF_OK) once they are, or
 * fn(arg, GZF_EUNAVAIL) when the sync they waited for failed. w must stay valid until
 * then. Thread-safe.
 */
int db_durable_then(struct db *db, uint64_t seq, struct db_waiter *w,
		    void (*fn)(void *arg, int rc), void *arg);

/* db_conn_db — the pool c came from. */
struct db *db_conn_db(const struct db_conn *c);

/*
 * db_query — prepare (cached per connection, keyed by the sql text), bind args (at most
 * DB_MAX_ARGS) and run sql. On success *out (may be NULL if the caller wants no rows) receives the result.
 * Errors: GZF_ECONFLICT for a unique violation (err->name "duplicate", see
 * db_is_duplicate()) or a foreign-key violation (or, on PostgreSQL, a serialization
 * failure or deadlock: err->name "conflict"), GZF_EUNAVAIL when the
 * database is unreachable or busy past the timeout, GZF_EINTERNAL otherwise; the
 * message goes to err and to the log (never the parameter values).
 */
int db_query(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
	     struct db_res **out, struct gzf_err *err);

/* db_is_duplicate — 1 when rc and err come from a statement that broke a unique index
 * (err->name "duplicate"); a foreign-key violation or a serialization failure, also
 * GZF_ECONFLICT, is "conflict". */
int db_is_duplicate(int rc, const struct gzf_err *err);

/* db_exec — db_query without a result; *changes (may be NULL) gets the changed rows. */
int db_exec(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
	    int64_t *changes, struct gzf_err *err);

/*
 * db_exec_later — db_exec for a write inside a transaction whose caller needs neither
 * its result nor its particular error: on PostgreSQL it is sent with the transaction's
 * next statement that must be answered (one round trip for both), and its failure is
 * reported as that statement's error (a db_commit after it fails with it). Elsewhere,
 * and outside a transaction, it is db_exec. Never for a statement whose duplicate or
 * conflict the caller tells apart, nor one that must change a row.
 */
int db_exec_later(struct db_conn *c, const char *sql, const struct db_val *args, int nargs,
		  struct gzf_err *err);

/*
 * db_begin — start a transaction that takes the write lock at once (SQLite BEGIN
 * IMMEDIATE; PostgreSQL BEGIN), so two writers queue instead of deadlocking. On SQLite
 * a process's writers wait first at the pool's writer gate, one of them starts as soon
 * as the one before ends, and it runs on the pool's one writer connection (c uses it
 * until the transaction ends); after 5 s of waiting, GZF_EUNAVAIL "db_busy". db_commit
 * makes it durable (on SQLite: it opens the gate, then returns once the log is synced,
 * one sync serving every commit ended by then); db_rollback undoes it and opens the gate.
 * Nesting is not supported.
 *
 * Groups (SQLite). Each transaction is a savepoint inside a transaction of the writer's.
 * A deferred connection's db_commit() (db_defer) that finds another writer waiting at the
 * gate ends its savepoint and hands the gate over with the writer's transaction still
 * open; up to DB_GROUP_MAX transactions later, or as soon as nobody waits, the one that
 * leaves commits them all at once, so pages every transaction changes (an index's last
 * leaf, the audit chain's head) are written to the log once a group, not once each.
 * Until then nothing of them is visible to other connections, and a statement on c
 * outside a transaction first commits the group c's last commit ended in, so c always
 * reads what it wrote. A group that fails to commit is rolled back whole: its
 * connections' commits are lost (db_commit_lost), and their replies must say so. A
 * connection that is not deferred (jobs, commands) commits the group with its own
 * transaction and waits for the disk as before.
 */
int db_begin(struct db_conn *c, struct gzf_err *err);

/* db_read_begin — on SQLite, let c's following reads share one snapshot (one WAL read
 * lock rather than one per statement) until c is released, a transaction begins or a
 * statement that is not a SELECT runs on c; elsewhere nothing. */
int db_read_begin(struct db_conn *c, struct gzf_err *err);
int db_commit(struct db_conn *c, struct gzf_err *err);
int db_rollback(struct db_conn *c);

/* db_ping — a round trip to the server (for /readyz). */
int db_ping(struct db_conn *c, struct gzf_err *err);

/* db_arena — the arena that results on c are allocated in. */
struct arena *db_arena(const struct db_conn *c);

/* db_conn_backend — the backend of the connection's pool. */
enum db_backend db_conn_backend(const struct db_conn *c);

/* db_serial — the number of the connection's pool among the pools this process opened
 * (from 1): what is kept in memory of one database is never taken for another's. */
uint64_t db_serial(const struct db_conn *c);

/* Cell access. Row and column are 0-based; out-of-range is a programming error. */
const char *db_res_text(const struct db_res *r, int row, int col);
int64_t db_res_int(const struct db_res *r, int row, int col);
int db_res_isnull(const struct db_res *r, int row, int col);

/*
 * db_migrate — apply, in order and each in its own transaction, every compiled-in
 * migration not yet recorded in schema_migrations. Safe when several servers start
 * at once (they serialise on a lock). *applied (may be NULL) gets how many ran.
 */
int db_migrate(struct db *db, int *applied, struct gzf_err *err);

/* db_schema_version — the highest applied migration number (0 for a new database). */
int db_schema_version(struct db *db, int *version, struct gzf_err *err);

#endif
