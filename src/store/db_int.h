/*
 * db_int.h — what db.c shares with the backends (db_sqlite.c, db_pgsql.c). Not for use
 * outside src/store/.
 */
#ifndef GZF_STORE_DB_INT_H
#define GZF_STORE_DB_INT_H

#include <pthread.h>

#include "store/db.h"

/* A backend: how to open a connection, run a statement, run a script. */
struct db_ops {
	enum db_backend backend;
	const char *name;
	const char *begin_sql;          /* "BEGIN IMMEDIATE" / "BEGIN" */
	const char *id_type;            /* replaces @ID@ in migrations */
	const char *migration_lock_sql; /* run inside the migration transaction, or NULL */
	/* One writer at a time (SQLite), when not NULL: a process's write transactions
	 * queue at db_begin() on the pool's writer gate, so a waiting writer starts the
	 * moment the one before it ends instead of polling the database's lock with growing
	 * sleeps, and run on one connection of their own, opened by this (whose page cache
	 * keeps what it wrote, and whose commits do not wait for the disk: see sync).
	 * disconnect closes it. */
	int (*writer_open)(const char *target, void **handle, struct gzf_err *err);
	/* writer_open backends: make durable everything the writer connection has committed
	 * (its commits do not wait for the disk themselves; db_commit() waits here, one
	 * call for every commit that ended before it began). */
	int (*sync)(void *handle, struct gzf_err *err);
	/* Open one connection to target (the url without its "sqlite:" prefix). */
	int (*connect)(const char *target, void **handle, struct gzf_err *err);
	void (*disconnect)(void *handle);
	/* Make sure a pooled connection still works (reconnect if it can). */
	int (*check)(void *handle, struct gzf_err *err);
	int (*query)(void *handle, struct arena *arena, const char *sql,
		     const struct db_val *args, int nargs, struct db_res **out,
		     struct gzf_err *err);
	/* Run several ;-separated statements without parameters (migrations). */
	int (*script)(void *handle, const char *sql, struct gzf_err *err);
	/* When not NULL: take a statement (no result wanted) to send with the next one, its
	 * error to be that one's (db_exec_later). */
	int (*later)(void *handle, const char *sql, const struct db_val *args, int nargs,
		     struct gzf_err *err);
};

/*
 * A connection's prepared statements, keyed by the SQL text (a hash, then the text) and
 * bounded: past STMT_CACHE_SIZE the least recently used one is evicted and handed to the
 * backend's drop function (sqlite3_finalize, DEALLOCATE). Statements built per request
 * (searches, filtered lists) therefore cannot pile up on a connection.
 */
#define STMT_CACHE_SIZE 128

struct stmt_entry {
	uint64_t hash;
	uint64_t used;  /* the cache's tick when last used; 0: free */
	char *sql;      /* a copy */
	void *stmt;     /* the backend's statement */
};

struct stmt_cache {
	struct stmt_entry entries[STMT_CACHE_SIZE];
	uint64_t tick;
	void (*drop)(void *handle, void *stmt); /* release one statement of handle */
	void *handle;
};

/* stmt_cache_init — an empty cache whose evicted statements go to drop(handle, stmt). */
void stmt_cache_init(struct stmt_cache *sc, void (*drop)(void *, void *), void *handle);

/* stmt_cache_get — the statement cached for sql (now the most recently used), or NULL. */
void *stmt_cache_get(struct stmt_cache *sc, const char *sql);

/* stmt_cache_put — cache stmt, prepared for sql (not already cached), evicting the least
 * recently used statement when the cache is full. */
void stmt_cache_put(struct stmt_cache *sc, const char *sql, void *stmt);

/* stmt_cache_clear — drop every statement and empty the cache. */
void stmt_cache_clear(struct stmt_cache *sc);

/* stmt_cache_count — how many statements are cached. */
int stmt_cache_count(const struct stmt_cache *sc);

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pgsql_ops;

struct db_slot {
	void *handle;
	int busy;
};

/* The most commits one transaction of the writer carries (db_commit). */
#define DB_GROUP_MAX 32

struct db {
	const struct db_ops *ops;
	char *target;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	pthread_cond_t writer_free; /* writer_open backends: the gate, under lock */
	int writing;                /* a connection holds the gate */
	int gate_waiters;           /* threads waiting for the gate; under lock */
	/* The writer's group (db_commit): a transaction on the writer that the commits of
	 * group_n deferred connections ended in, each as a savepoint, left open for the
	 * writer waiting at the gate; committed by whoever leaves it with nobody waiting.
	 * Only the gate's holder touches these. */
	int group_open;
	int group_n;
	struct db_conn *group[DB_GROUP_MAX];
	uint64_t groups;            /* db_stats' count of the writer's own commits; under sync_lock */
	int group_parked;           /* the group was left open while a sync ran, for the syncing
				     * thread to commit once it has ended; under sync_lock */
	void *writer;               /* writer_open backends: the write transactions' connection */
	int size;
	struct db_slot *slots;
	struct db_stats stats;
	uint64_t serial;            /* db_serial */
	/* Group commit (writer_open backends): commits numbered in order at the gate. What a
	 * request read is durable before it is answered (db_release), so nothing is ever
	 * answered that a crash could still take back. */
	pthread_mutex_t sync_lock;
	pthread_cond_t synced_cond;  /* synced moved, or a sync ended; under sync_lock */
	int syncing;                 /* a thread is in ops->sync; under sync_lock */
	uint64_t commits, syncs;     /* db_stats' counts of them; under sync_lock */
	_Atomic uint64_t begun;      /* commits begun */
	_Atomic uint64_t written;    /* commits ended, durable or not */
	_Atomic uint64_t synced;     /* commits durable */
	struct db_waiter *waiters;   /* db_durable_then's, not yet called; under sync_lock */
	int stopping;                /* the syncer ends once no waiter is left; under sync_lock */
	pthread_t syncer;            /* syncs for the waiters (writer_open backends) */
};

struct db_conn {
	struct db *db;
	struct db_slot *slot;
	void *handle;               /* the slot's, or in a transaction db->writer when there is one */
	struct arena *arena;
	int in_txn;
	int deferred;               /* db_defer: commits and release do not wait for the disk */
	uint64_t seen;              /* group commit: the reads here may have seen commits 1..seen */
	uint64_t pending;           /* its last commit ended in the writer's group of this number */
	int lost;                   /* a group its commit ended in failed; under db->sync_lock */
	int reading;                /* a read snapshot is open on the slot's connection: 1 begun,
				     * 2 its first read done */
};

/* The err->name of a unique violation (both backends; db_is_duplicate() tests it). */
#define DB_DUPLICATE "duplicate"

/* db_res_new — an empty result of nrows x ncols in arena (backends fill the cells). */
struct db_res *db_res_new(struct arena *arena, int nrows, int ncols);

/* A compiled-in migration (generated from src/store/migrations/NNN_name.sql). */
struct db_migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct db_migration db_migrations[];
extern const int db_nmigrations;

#endif
