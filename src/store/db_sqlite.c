/*
 * db_sqlite.c — the SQLite backend: WAL, foreign keys, a busy timeout and durable
 * commits (synchronous=FULL, and on the writer connection group commit: see
 * lite_sync). Each pooled connection keeps its own bounded cache of
 * prepared statements, keyed by the SQL text (db_int.h).
 */
#include "store/db_int.h"
#include "core/fault.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 5000

struct lite {
	sqlite3 *db;
	struct stmt_cache cache;
	char *wal;                  /* the write-ahead log's path; NULL for a database in memory */
};

static int lite_connect(const char *target, void **handle, struct gzf_err *err);
static void lite_configure(void);
static void lite_disconnect(void *handle);
static int lite_check(void *handle, struct gzf_err *err);
static int lite_query(void *handle, struct arena *arena, const char *sql,
		      const struct db_val *args, int nargs, struct db_res **out,
		      struct gzf_err *err);
static int lite_script(void *handle, const char *sql, struct gzf_err *err);
static int lite_error(struct lite *l, int rc, struct gzf_err *err);
static char *to_sqlite_params(const char *sql);
static void lite_drop(void *handle, void *stmt);
static int lite_sync(void *handle, struct gzf_err *err);
static int lite_writer_open(const char *target, void **handle, struct gzf_err *err);

const struct db_ops db_sqlite_ops = {
	.backend = DB_SQLITE,
	.name = "sqlite",
	.begin_sql = "BEGIN IMMEDIATE",
	.id_type = "INTEGER PRIMARY KEY",
	.migration_lock_sql = NULL, /* BEGIN IMMEDIATE already holds the write lock */
	.writer_open = lite_writer_open,
	.sync = lite_sync,
	.connect = lite_connect,
	.disconnect = lite_disconnect,
	.check = lite_check,
	.query = lite_query,
	.script = lite_script,
};

/* Before the first connection: no memory statistics, whose one process-wide mutex every
 * SQLite allocation of every thread took (a third of the time of a busy search went to
 * that lock). Nothing in gzf reads them. */
static void
lite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int
lite_connect(const char *target, void **handle, struct gzf_err *err)
{
	static const char *pragmas =
		"PRAGMA journal_mode=WAL;"
		"PRAGMA synchronous=FULL;"
		"PRAGMA foreign_keys=ON;"
		"PRAGMA temp_store=MEMORY;"
		/* Reads through a page cache of 16 MiB per connection, not a map of the file:
		 * SQLite drops a connection's whole map whenever another connection wrote since
		 * it last read, and unmapping (a TLB flush on every core) cost two fifths of
		 * the CPU of a write-heavy load, for no gain on reads (bench/README.md). */
		"PRAGMA mmap_size=0;"
		"PRAGMA cache_size=-16384;";
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const char *name;
	struct lite *l;
	int rc, fd;

	pthread_once(&once, lite_configure);
	l = gzf_calloc(1, sizeof(*l));
	stmt_cache_init(&l->cache, lite_drop, l);

	/* The database holds personal data: a new file is made private to the owner before
	 * SQLite opens it, and SQLite gives its -wal and -shm files the same mode. O_EXCL:
	 * an existing file is never opened here, as closing a descriptor of it would drop
	 * the POSIX locks this process's other connections hold on it. */
	if (strcmp(target, ":memory:") != 0 && strncmp(target, "file:", 5) != 0 &&
	    (fd = open(target, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0)
		close(fd);
	rc = sqlite3_open_v2(target, &l->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		gzf_err_set(err, GZF_EUNAVAIL, "db_unreachable", "db",
			    "cannot open SQLite database %s: %s", target,
			    l->db ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc));
		lite_disconnect(l);
		return GZF_EUNAVAIL;
	}
	sqlite3_busy_timeout(l->db, BUSY_TIMEOUT_MS);
	/* One plan per statement whatever its parameters: without it, a statement with
	 * `column LIKE $n` (the region scoping of staff lists) is compiled again every time
	 * a value is bound, which was two fifths of a worklist's time. */
	sqlite3_db_config(l->db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, NULL);
	sqlite3_extended_result_codes(l->db, 1);
	rc = sqlite3_exec(l->db, pragmas, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		gzf_err_set(err, GZF_EUNAVAIL, "db_unreachable", "db",
			    "cannot use SQLite database %s: %s", target, sqlite3_errmsg(l->db));
		lite_disconnect(l);
		return GZF_EUNAVAIL;
	}
	name = sqlite3_db_filename(l->db, "main");
	if (name != NULL && *name != '\0')
		l->wal = gzf_strdup(sqlite3_filename_wal(name));
	*handle = l;
	return GZF_OK;
}

/* Make the write-ahead log's contents durable: everything committed on any connection
 * of this database so far (all write the one log, in order). A log not made yet has
 * nothing to sync. */
static int
lite_sync(void *handle, struct gzf_err *err)
{
	struct lite *l = handle;
	int fd, rc;

	if (l->wal == NULL)
		return GZF_OK;
	fd = open(l->wal, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return GZF_OK;
	rc = fd < 0 ? -1 : FAULT(FAULT_SYNC) ? (errno = EIO, -1) : fdatasync(fd);
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		return GZF_OK;
	log_msg(LOG_ERROR, "the write-ahead log could not be synced", "error", strerror(errno), NULL);
	return gzf_err_set(err, GZF_EUNAVAIL, "db_error", NULL, "database error");
}

/* The writer connection: its commits write the log without waiting for the disk (db_commit()
 * then syncs the log once for all commits that ended meanwhile: lite_sync). */
static int
lite_writer_open(const char *target, void **handle, struct gzf_err *err)
{
	int rc;

	if ((rc = lite_connect(target, handle, err)) != GZF_OK)
		return rc;
	if ((rc = lite_script(*handle, "PRAGMA synchronous=NORMAL;", err)) != GZF_OK) {
		lite_disconnect(*handle);
		*handle = NULL;
	}
	return rc;
}

static void
lite_disconnect(void *handle)
{
	struct lite *l = handle;

	free(l->wal);
	stmt_cache_clear(&l->cache);
	sqlite3_close_v2(l->db);
	free(l);
}

/* A statement evicted from the cache. */
static void
lite_drop(void *handle, void *stmt)
{
	(void)handle;
	sqlite3_finalize(stmt);
}

static int
lite_check(void *handle, struct gzf_err *err)
{
	(void)handle;
	(void)err;
	return GZF_OK;
}

/* Map an SQLite result code to a gzf code, with the message in err. */
static int
lite_error(struct lite *l, int rc, struct gzf_err *err)
{
	int code;

	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return gzf_err_set(err, GZF_ECONFLICT, DB_DUPLICATE, NULL, "the record already exists");
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		code = GZF_ECONFLICT;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_BUSY_SNAPSHOT:
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
		code = GZF_EUNAVAIL;
		break;
	default:
		code = (rc & 0xff) == SQLITE_BUSY ? GZF_EUNAVAIL : GZF_EINTERNAL;
	}
	if (code != GZF_ECONFLICT)
		log_msg(LOG_ERROR, "sqlite error", "error", sqlite3_errmsg(l->db), NULL);
	return gzf_err_set(err, code, code == GZF_ECONFLICT ? "conflict" : "db_error", NULL,
			   "%s", code == GZF_ECONFLICT ? "the record is in use" : "database error");
}

/* The store writes PostgreSQL-style $1..$n; SQLite's equivalent is ?1..?n. The text
 * is compile-time SQL, never input; quoted literals are left alone. */
static char *
to_sqlite_params(const char *sql)
{
	char *out = gzf_strdup(sql), *p;
	char quote = 0;

	for (p = out; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			*p = '?';
		}
	}
	return out;
}

static sqlite3_stmt *
cache_get(struct lite *l, const char *sql, int *rc)
{
	sqlite3_stmt *stmt = stmt_cache_get(&l->cache, sql);
	char *text;

	*rc = SQLITE_OK;
	if (stmt != NULL)
		return stmt;
	text = to_sqlite_params(sql);
	*rc = sqlite3_prepare_v3(l->db, text, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	free(text);
	if (*rc != SQLITE_OK)
		return NULL;
	stmt_cache_put(&l->cache, sql, stmt);
	return stmt;
}

static int
lite_query(void *handle, struct arena *arena, const char *sql, const struct db_val *args,
	   int nargs, struct db_res **out, struct gzf_err *err)
{
	struct lite *l = handle;
	sqlite3_stmt *st;
	struct db_res *res;
	char **rows = NULL;
	int rc, i, ncols, nrows = 0, cap = 0;

	st = cache_get(l, sql, &rc);
	if (st == NULL)
		return lite_error(l, rc, err);
	for (i = 0; i < nargs; i++) {
		switch (args[i].type) {
		case DB_INT:
			rc = sqlite3_bind_int64(st, i + 1, args[i].i);
			break;
		case DB_TEXT:
			rc = sqlite3_bind_text(st, i + 1, args[i].s, -1, SQLITE_TRANSIENT);
			break;
		default:
			rc = sqlite3_bind_null(st, i + 1);
		}
		if (rc != SQLITE_OK)
			goto fail;
	}
	ncols = sqlite3_column_count(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nrows == cap) {
			cap = cap ? cap * 2 : 16;
			rows = gzf_realloc(rows, sizeof(char *) * (size_t)cap * (size_t)ncols);
		}
		for (i = 0; i < ncols; i++) {
			const unsigned char *t = sqlite3_column_text(st, i);

			rows[nrows * ncols + i] = t ? arena_strndup(arena, (const char *)t,
					(size_t)sqlite3_column_bytes(st, i)) : NULL;
		}
		nrows++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	res = db_res_new(arena, nrows, ncols);
	if (nrows > 0)
		memcpy(res->cells, rows, sizeof(char *) * (size_t)nrows * (size_t)ncols);
	for (i = 0; i < ncols; i++)
		res->names[i] = arena_strdup(arena, sqlite3_column_name(st, i));
	res->changes = sqlite3_stmt_readonly(st) ? 0 : sqlite3_changes64(l->db);
	free(rows);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	*out = res;
	return GZF_OK;
fail:
	free(rows);
	rc = sqlite3_extended_errcode(l->db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return lite_error(l, rc, err);
}

static int
lite_script(void *handle, const char *sql, struct gzf_err *err)
{
	struct lite *l = handle;
	int rc = sqlite3_exec(l->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		log_msg(LOG_ERROR, "sqlite script failed", "error", sqlite3_errmsg(l->db), NULL);
		return gzf_err_set(err, GZF_EINTERNAL, "db_error", NULL, "%s", sqlite3_errmsg(l->db));
	}
	return GZF_OK;
}
