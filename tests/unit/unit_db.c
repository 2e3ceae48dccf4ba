/* unit_db.c — fresh, migrated databases for unit tests: a temporary SQLite file, or a new
 * PostgreSQL database under GZF_TEST_PG_URL, dropped again afterwards; and whether the
 * PostgreSQL cases run at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

/* Run stmt on the server's maintenance database (CREATE/DROP DATABASE). */
static void
pg_admin(const char *stmt)
{
	struct arena *a = arena_create();
	struct db_conn *c;
	struct gzf_err e;
	struct db *admin;
	char url[600];

	snprintf(url, sizeof(url), "%s/postgres", getenv("GZF_TEST_PG_URL"));
	ck_assert_int_eq(db_open(&admin, url, 1, &e), GZF_OK);
	ck_assert_int_eq(db_acquire(admin, a, &c, &e), GZF_OK);
	ck_assert_msg(db_exec(c, stmt, DB_NOARGS, NULL, &e) == GZF_OK, "%s: %s", stmt, e.message);
	db_release(c);
	db_close(admin);
	arena_destroy(a);
}

struct db *
unit_db_fresh(struct unit_db *u, int pgsql, int pool)
{
	struct gzf_err e;
	struct db *db = NULL;
	char url[700], stmt[96], hex[13];
	int fd;

	u->pgsql = pgsql;
	if (pgsql) {
		gzf_random_hex(hex, 6);
		snprintf(u->name, sizeof(u->name), "gzf_unit_%s", hex);
		snprintf(stmt, sizeof(stmt), "CREATE DATABASE %s", u->name);
		pg_admin(stmt);
		snprintf(url, sizeof(url), "%s/%s", getenv("GZF_TEST_PG_URL"), u->name);
	} else {
		snprintf(u->name, sizeof(u->name), "/tmp/gzf-unit-XXXXXX");
		fd = mkstemp(u->name);
		close(fd);
		snprintf(url, sizeof(url), "sqlite:%s", u->name);
	}
	ck_assert_int_eq(db_open(&db, url, pool, &e), GZF_OK);
	ck_assert_msg(db_migrate(db, NULL, &e) == GZF_OK, "%s", e.message);
	return db;
}

void
unit_db_done(struct unit_db *u, struct db *db)
{
	char extra[96];

	db_close(db);
	if (u->pgsql) {
		snprintf(extra, sizeof(extra), "DROP DATABASE %s WITH (FORCE)", u->name);
		pg_admin(extra);
		return;
	}
	unlink(u->name);
	snprintf(extra, sizeof(extra), "%s-wal", u->name);
	unlink(extra);
	snprintf(extra, sizeof(extra), "%s-shm", u->name);
	unlink(extra);
}

START_TEST(pg_missing)
{
	ck_abort_msg("CI is set but GZF_TEST_PG_URL is not: the PostgreSQL unit tests would be "
		     "skipped (tests/run.sh starts a server and passes its URL)");
}
END_TEST

int
unit_pg_wanted(Suite *s)
{
	const char *url = getenv("GZF_TEST_PG_URL"), *ci = getenv("CI");
	TCase *tc;

	if (url != NULL && *url != '\0')
		return 1;
	if (ci != NULL && *ci != '\0' && strcmp(ci, "false") != 0 && strcmp(ci, "0") != 0) {
		tc = tcase_create("pgsql");
		tcase_add_test(tc, pg_missing);
		suite_add_tcase(s, tc);
	}
	return 0;
}
