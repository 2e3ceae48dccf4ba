/* unit_db.c — fresh, migrated databases for unit tests: a temporary SQLite file, or a new
 * PostgreSQL database under GZF_TEST_PG_URL, dropped again afterwards; and whether the
 * PostgreSQL cases run at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/housing_store.h"
#include "store/region_store.h"
#include "store/user_store.h"
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

void
unit_db_city_estate(struct db_conn *c, int64_t now, int64_t *owner, int64_t *estate_id,
		    int64_t *building_id)
{
	static const struct region regions[] = {
		{ .code = 100000, .level = "nation", .name = "中国" },
		{ .code = 230000, .parent_code = 100000, .level = "province", .name = "黑龙江省" },
		{ .code = 230600, .parent_code = 230000, .level = "city", .name = "大庆市", .city_id = 230600 },
		{ .code = 230602, .parent_code = 230600, .level = "district", .name = "萨尔图区", .city_id = 230600 },
	};
	struct user u = { .kind = "resident", .city_id = 230600, .phone_hash = "p1",
			  .password_hash = "x", .created_at = now, .updated_at = now };
	struct estate es = { .city_id = 230600, .region_code = 230602, .district_code = 230602,
			     .region_path = "/100000/230000/230600/230602/", .name = "测试小区",
			     .address = "测试路1号", .facilities = "", .transport = "", .photos = "[]",
			     .created_by = 1, .created_at = 1, .updated_at = 1 };
	struct building b = { .city_id = 230600, .name = "1号楼", .floors = 6 };
	struct gzf_err e;
	size_t i;

	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		ck_assert_msg(region_store_put(c, &regions[i], &e) == GZF_OK, "%s", e.message);
	ck_assert_msg(user_store_create(c, &u, owner, &e) == GZF_OK, "%s", e.message);
	ck_assert_msg(housing_store_estate_save(c, &es, 0, estate_id, &e) == GZF_OK, "%s", e.message);
	b.estate_id = *estate_id;
	ck_assert_msg(housing_store_building_save(c, &b, 0, building_id, &e) == GZF_OK, "%s", e.message);
}
