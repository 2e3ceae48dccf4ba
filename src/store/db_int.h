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
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pgsql_ops;

struct db_slot {
	void *handle;
	int busy;
};

struct db {
	const struct db_ops *ops;
	char *target;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	int size;
	struct db_slot *slots;
	struct db_stats stats;
};

struct db_conn {
	struct db *db;
	struct db_slot *slot;
	struct arena *arena;
	int in_txn;
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
