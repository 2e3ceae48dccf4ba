/*
 * test_audit.c — the audit log: appending to per-city hash chains, verification after
 * tampering (as someone with only database access would: triggers dropped, rows edited,
 * deleted, swapped), the append-only triggers, concurrent appends, and the search.
 * Runs on SQLite; set GZF_TEST_PG_URL (a server URL without database, as tests/lib/pg.sh
 * prints) to run the same tests on PostgreSQL too.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/audit.h"
#include "store/audit_store.h"
#include "store/db.h"
#include "store/region_store.h"
#include "unit.h"

#define DAQING 230600
#define SAERTU 230602
#define SAERTU_STREET 230602001
#define BEIJING 110100

static int on_pg;            /* set by the tcase fixture */
static char path[64];
static char url[600];
static char pg_name[40];
static unsigned char key[AUDIT_KEY_BYTES];

static void
use_sqlite(void)
{
	on_pg = 0;
}

static void
use_pg(void)
{
	on_pg = 1;
}

/* Run one statement outside any transaction on db; fail the test if it errs. */
static void
sql_ok(struct db *db, const char *stmt, const struct db_val *args, int nargs)
{
	struct arena *a = arena_create();
	struct db_conn *c;
	struct gzf_err e;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_msg(db_exec(c, stmt, args, nargs, NULL, &e) == GZF_OK, "%s: %s", stmt, e.message);
	db_release(c);
	arena_destroy(a);
}

/* The same, expecting a refusal. */
static int
sql_rc(struct db *db, const char *stmt, const struct db_val *args, int nargs)
{
	struct arena *a = arena_create();
	struct db_conn *c;
	struct gzf_err e;
	int rc;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	rc = db_exec(c, stmt, args, nargs, NULL, &e);
	db_release(c);
	arena_destroy(a);
	return rc;
}

static int64_t
sql_int(struct db *db, const char *stmt, const struct db_val *args, int nargs)
{
	struct arena *a = arena_create();
	struct db_conn *c;
	struct db_res *r;
	struct gzf_err e;
	int64_t v;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_msg(db_query(c, stmt, args, nargs, &r, &e) == GZF_OK, "%s: %s", stmt, e.message);
	ck_assert_int_eq(r->nrows, 1);
	v = db_res_int(r, 0, 0);
	db_release(c);
	arena_destroy(a);
	return v;
}

/* A fresh, migrated database with a small region tree. */
static struct db *
fresh(int pool)
{
	static const struct region tree[] = {
		{ 100000, 0, "nation", "中华人民共和国", "China", 0, NULL, NULL, NULL },
		{ 230000, 100000, "province", "黑龙江省", "Heilongjiang", 0, NULL, NULL, NULL },
		{ DAQING, 230000, "city", "大庆市", "Daqing", DAQING, NULL, NULL, NULL },
		{ SAERTU, DAQING, "district", "萨尔图区", "Saertu", DAQING, NULL, NULL, NULL },
		{ SAERTU_STREET, SAERTU, "street", "萨尔图街道", "Saertu Street", DAQING, NULL, NULL, NULL },
		{ 230603, DAQING, "district", "龙凤区", "Longfeng", DAQING, NULL, NULL, NULL },
		{ 110000, 100000, "province", "北京市", "Beijing", 0, NULL, NULL, NULL },
		{ BEIJING, 110000, "city", "北京市", "Beijing", BEIJING, NULL, NULL, NULL },
	};
	struct secrets s;
	struct arena *a;
	struct db_conn *c;
	struct gzf_err e;
	struct db *db = NULL;
	size_t i;

	memset(&s, 0, sizeof(s));
	memset(s.index_key, 0x5a, sizeof(s.index_key));
	audit_key(&s, key);
	if (on_pg) {
		const char *base = getenv("GZF_TEST_PG_URL");
		struct db *admin;
		char hex[13], stmt[80];

		gzf_random_hex(hex, 6);
		snprintf(pg_name, sizeof(pg_name), "gzf_unit_audit_%s", hex);
		snprintf(url, sizeof(url), "%s/postgres", base);
		ck_assert_int_eq(db_open(&admin, url, 1, &e), GZF_OK);
		snprintf(stmt, sizeof(stmt), "CREATE DATABASE %s", pg_name);
		sql_ok(admin, stmt, DB_NOARGS);
		db_close(admin);
		snprintf(url, sizeof(url), "%s/%s", base, pg_name);
	} else {
		int fd;

		snprintf(path, sizeof(path), "/tmp/gzf-unit-audit-XXXXXX");
		fd = mkstemp(path);
		close(fd);
		snprintf(url, sizeof(url), "sqlite:%s", path);
	}
	ck_assert_int_eq(db_open(&db, url, pool, &e), GZF_OK);
	ck_assert_msg(db_migrate(db, NULL, &e) == GZF_OK, "%s", e.message);
	a = arena_create();
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	for (i = 0; i < sizeof(tree) / sizeof(tree[0]); i++)
		ck_assert_int_eq(region_store_put(c, &tree[i], &e), GZF_OK);
	db_release(c);
	arena_destroy(a);
	return db;
}

static void
done(struct db *db)
{
	char extra[96];

	db_close(db);
	if (on_pg) {
		struct gzf_err e;
		struct db *admin;
		char stmt[100];

		snprintf(url, sizeof(url), "%s/postgres", getenv("GZF_TEST_PG_URL"));
		ck_assert_int_eq(db_open(&admin, url, 1, &e), GZF_OK);
		snprintf(stmt, sizeof(stmt), "DROP DATABASE %s WITH (FORCE)", pg_name);
		sql_ok(admin, stmt, DB_NOARGS);
		db_close(admin);
		return;
	}
	unlink(path);
	snprintf(extra, sizeof(extra), "%s-wal", path);
	unlink(extra);
	snprintf(extra, sizeof(extra), "%s-shm", path);
	unlink(extra);
}

/* What an attacker with database access does first. */
static void
drop_triggers(struct db *db)
{
	if (on_pg) {
		sql_ok(db, "ALTER TABLE audit_log DISABLE TRIGGER USER", DB_NOARGS);
		sql_ok(db, "ALTER TABLE audit_heads DISABLE TRIGGER USER", DB_NOARGS);
		return;
	}
	sql_ok(db, "DROP TRIGGER audit_log_no_update", DB_NOARGS);
	sql_ok(db, "DROP TRIGGER audit_log_no_delete", DB_NOARGS);
	sql_ok(db, "DROP TRIGGER audit_heads_no_delete", DB_NOARGS);
	sql_ok(db, "DROP TRIGGER audit_heads_forward_only", DB_NOARGS);
}

/* The i-th test entry of a city: a staff member looking at a resident (object id
 * 1000 + i, written into id). */
static struct audit_entry
entry(int64_t city, int i, char id[24])
{
	static const char *const results[] = { "ok", "denied", "failed" };

	snprintf(id, 24, "%d", 1000 + i);
	return (struct audit_entry){
		.city_id = city,
		.actor_kind = city == 0 ? "system" : "staff",
		.actor_id = city == 0 ? 0 : 10 + i % 3,
		.actor_role = city == 0 ? NULL : "district_reviewer",
		.actor_region = city == DAQING ? SAERTU : city,
		.action = i % 2 ? "resident.read" : "resident.reveal",
		.object_type = "resident",
		.object_id = id,
		.object_region = city == DAQING ? (i % 4 == 0 ? 230603 : SAERTU_STREET) : city,
		.client_ip = "192.0.2.7",
		.request_id = "req-1",
		.result = results[i % 3],
		.detail = i % 5 == 0 ? "{\"field\":\"id_number\"}" : NULL,
	};
}

/* Append n entries to city's chain, per_txn of them in each transaction. */
static void
append(struct db *db, int64_t city, int n, int per_txn)
{
	struct arena *a = arena_create();
	struct db_conn *c;
	struct gzf_err e;
	int i;

	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	for (i = 0; i < n; i++) {
		char id[24];
		struct audit_entry en = entry(city, i, id);

		if (i % per_txn == 0)
			ck_assert_int_eq(db_begin(c, &e), GZF_OK);
		ck_assert_msg(audit_record(c, key, &en, &e) == GZF_OK, "%s", e.message);
		if (i % per_txn == per_txn - 1 || i == n - 1)
			ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	}
	db_release(c);
	arena_destroy(a);
}

/* Verify; the problems go to p (up to 16), the count is returned. */
static int
verify(struct db *db, struct audit_problem *p, int64_t *entries)
{
	struct arena *a = arena_create();
	struct gzf_err e;
	int64_t n_entries;
	int n, chains;

	ck_assert_int_eq(audit_verify(db, a, key, p, 16, &n, &n_entries, &chains, &e), GZF_OK);
	if (entries != NULL)
		*entries = n_entries;
	arena_destroy(a);
	return n;
}

static int64_t
id_at(struct db *db, int64_t city, int64_t seq)
{
	return sql_int(db, "SELECT id FROM audit_log WHERE city_id = $1 AND seq = $2",
		       DB_ARGS(DB_I(city), DB_I(seq)));
}

static void
assert_problem(const struct audit_problem *p, int64_t city, int64_t seq, int64_t id,
	       const char *kind)
{
	ck_assert_int_eq(p->city_id, city);
	ck_assert_int_eq(p->seq, seq);
	ck_assert_int_eq(p->id, id);
	ck_assert_str_eq(p->kind, kind);
}

START_TEST(chains_append_and_verify)
{
	struct db *db = fresh(2);
	struct audit_problem p[16];
	struct arena *a = arena_create();
	struct db_conn *c;
	struct db_res *r;
	struct gzf_err e;
	int64_t entries;
	unsigned char other[AUDIT_KEY_BYTES];
	int n, chains, i;

	append(db, DAQING, 30, 1);
	append(db, BEIJING, 12, 5);
	append(db, 0, 7, 7);
	append(db, DAQING, 5, 2);
	ck_assert_int_eq(verify(db, p, &entries), 0);
	ck_assert_int_eq(entries, 54);

	/* Each city has its own gap-free chain; each entry points at the one before. */
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_query(c, "SELECT seq, prev_hash, hash, actor_path, object_path"
				  " FROM audit_log WHERE city_id = $1 ORDER BY seq",
				  DB_ARGS(DB_I(DAQING)), &r, &e), GZF_OK);
	ck_assert_int_eq(r->nrows, 35);
	for (i = 0; i < r->nrows; i++) {
		ck_assert_int_eq(db_res_int(r, i, 0), i + 1);
		ck_assert_int_eq((int)strlen(db_res_text(r, i, 2)), 64);
		if (i > 0)
			ck_assert_str_eq(db_res_text(r, i, 1), db_res_text(r, i - 1, 2));
		ck_assert_str_eq(db_res_text(r, i, 3), "/100000/230000/230600/230602/");
	}
	ck_assert_str_eq(db_res_text(r, 0, 4), "/100000/230000/230600/230603/");
	ck_assert_str_eq(db_res_text(r, 1, 4), "/100000/230000/230600/230602/230602001/");
	/* The chains start from different genesis values. */
	ck_assert_int_eq(db_query(c, "SELECT prev_hash FROM audit_log WHERE seq = 1 ORDER BY city_id",
				  DB_NOARGS, &r, &e), GZF_OK);
	ck_assert_int_eq(r->nrows, 3);
	ck_assert_str_ne(db_res_text(r, 0, 0), db_res_text(r, 1, 0));
	ck_assert_str_ne(db_res_text(r, 1, 0), db_res_text(r, 2, 0));
	/* The head is the last entry. */
	ck_assert_int_eq(db_query(c, "SELECT h.seq, CASE WHEN h.hash = l.hash THEN 1 ELSE 0 END"
				  " FROM audit_heads h JOIN audit_log l"
				  " ON l.city_id = h.city_id AND l.seq = h.seq WHERE h.city_id = $1",
				  DB_ARGS(DB_I(BEIJING)), &r, &e), GZF_OK);
	ck_assert_int_eq(db_res_int(r, 0, 0), 12);
	ck_assert_int_eq(db_res_int(r, 0, 1), 1);
	/* Unknown region codes are kept, without a path; system entries have none. */
	ck_assert_int_eq(db_query(c, "SELECT COUNT(*) FROM audit_log WHERE city_id = 0 AND"
				  " actor_id IS NULL AND actor_region IS NULL AND actor_path IS NULL",
				  DB_NOARGS, &r, &e), GZF_OK);
	ck_assert_int_eq(db_res_int(r, 0, 0), 7);
	db_release(c);

	/* Another key (another deployment's secrets) does not verify a single entry. */
	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	ck_assert_int_eq(audit_verify(db, a, other, p, 16, &n, &entries, &chains, &e), GZF_OK);
	ck_assert_int_eq(n, 54);
	ck_assert_int_eq(chains, 3);
	arena_destroy(a);
	done(db);
}
END_TEST

START_TEST(bad_entries_are_refused)
{
	struct db *db = fresh(1);
	struct arena *a = arena_create();
	char id[24];
	struct audit_entry en = entry(DAQING, 1, id);
	struct audit_problem p[16];
	struct db_conn *c;
	struct gzf_err e;
	char big[AUDIT_DETAIL_MAX + 2];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(audit_record(c, key, &en, &e), GZF_EINTERNAL); /* no transaction */
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	en.action = NULL;
	ck_assert_int_eq(audit_record(c, key, &en, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "bad_audit_entry");
	en.action = "Resident Read";
	ck_assert_int_eq(audit_record(c, key, &en, &e), GZF_EINVAL);
	en.action = "resident.read";
	en.actor_kind = "robot";
	ck_assert_int_eq(audit_record(c, key, &en, &e), GZF_EINVAL);
	en.actor_kind = "staff";
	en.result = "maybe";
	ck_assert_int_eq(audit_record(c, key, &en, &e), GZF_EINVAL);
	en.result = "ok";
	en.detail = big;
	ck_assert_int_eq(audit_record(c, key, &en, &e), GZF_EINVAL);
	en.detail = NULL;
	ck_assert_int_eq(audit_record(c, key, &en, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	db_release(c);
	ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM audit_log", DB_NOARGS), 1);
	ck_assert_int_eq(verify(db, p, NULL), 0);
	arena_destroy(a);
	done(db);
}
END_TEST

START_TEST(rolled_back_entries_leave_no_trace)
{
	struct db *db = fresh(1);
	struct arena *a = arena_create();
	char id[24];
	struct audit_entry en = entry(DAQING, 3, id);
	struct audit_problem p[16];
	struct db_conn *c;
	struct gzf_err e;

	append(db, DAQING, 3, 1);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(audit_record(c, key, &en, &e), GZF_OK);
	ck_assert_int_eq(audit_record(c, key, &en, &e), GZF_OK);
	ck_assert_int_eq(db_rollback(c), GZF_OK);
	db_release(c);
	ck_assert_int_eq(verify(db, p, NULL), 0);
	append(db, DAQING, 2, 1);
	ck_assert_int_eq(sql_int(db, "SELECT MAX(seq) FROM audit_log", DB_NOARGS), 5);
	ck_assert_int_eq(verify(db, p, NULL), 0);
	arena_destroy(a);
	done(db);
}
END_TEST

START_TEST(triggers_refuse_update_and_delete)
{
	struct db *db = fresh(1);
	struct audit_problem p[16];

	append(db, DAQING, 4, 1);
	ck_assert_int_ne(sql_rc(db, "UPDATE audit_log SET client_ip = '10.0.0.1' WHERE seq = 2",
				DB_NOARGS), GZF_OK);
	ck_assert_int_ne(sql_rc(db, "DELETE FROM audit_log WHERE seq = 4", DB_NOARGS), GZF_OK);
	ck_assert_int_ne(sql_rc(db, "DELETE FROM audit_log", DB_NOARGS), GZF_OK);
	ck_assert_int_ne(sql_rc(db, "DELETE FROM audit_heads", DB_NOARGS), GZF_OK);
	ck_assert_int_ne(sql_rc(db, "UPDATE audit_heads SET seq = 3", DB_NOARGS), GZF_OK);
	if (on_pg)
		ck_assert_int_ne(sql_rc(db, "TRUNCATE audit_log", DB_NOARGS), GZF_OK);
	ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM audit_log", DB_NOARGS), 4);
	ck_assert_int_eq(verify(db, p, NULL), 0);
	done(db);
}
END_TEST

START_TEST(edited_entry_is_found)
{
	struct db *db = fresh(1);
	struct audit_problem p[16];
	int64_t entries;

	append(db, DAQING, 20, 4);
	append(db, BEIJING, 5, 1);
	drop_triggers(db);
	/* One field of one row; the rest of the chain stays linked to its stored hash. */
	sql_ok(db, "UPDATE audit_log SET client_ip = '10.9.9.9' WHERE city_id = $1 AND seq = 5",
	       DB_ARGS(DB_I(DAQING)));
	ck_assert_int_eq(verify(db, p, &entries), 1);
	ck_assert_int_eq(entries, 25);
	assert_problem(&p[0], DAQING, 5, id_at(db, DAQING, 5), "edited");
	/* A NULL given a value, and a region path moved out of the district. */
	sql_ok(db, "UPDATE audit_log SET detail = '{}' WHERE city_id = $1 AND seq = 1",
	       DB_ARGS(DB_I(BEIJING)));
	sql_ok(db, "UPDATE audit_log SET object_path = '/100000/' WHERE city_id = $1 AND seq = 9",
	       DB_ARGS(DB_I(DAQING)));
	ck_assert_int_eq(verify(db, p, NULL), 3);
	assert_problem(&p[0], BEIJING, 1, id_at(db, BEIJING, 1), "edited");
	assert_problem(&p[1], DAQING, 5, id_at(db, DAQING, 5), "edited");
	assert_problem(&p[2], DAQING, 9, id_at(db, DAQING, 9), "edited");
	/* The link is hashed too. */
	sql_ok(db, "UPDATE audit_log SET prev_hash = hash WHERE city_id = $1 AND seq = 12",
	       DB_ARGS(DB_I(DAQING)));
	ck_assert_int_eq(verify(db, p, NULL), 4);
	assert_problem(&p[3], DAQING, 12, id_at(db, DAQING, 12), "edited");
	done(db);
}
END_TEST

START_TEST(forged_entries_are_found)
{
	struct db *db = fresh(1);
	struct audit_problem p[16];
	int64_t entries;

	append(db, DAQING, 6, 1);
	drop_triggers(db);
	/* A copy of entry 6 appended as entry 7, with the head moved to match. */
	sql_ok(db, "INSERT INTO audit_log (city_id, seq, at, actor_kind, action, result, prev_hash, hash)"
	       " SELECT city_id, 7, at, actor_kind, 'auth.login', result, hash, hash"
	       " FROM audit_log WHERE city_id = $1 AND seq = 6", DB_ARGS(DB_I(DAQING)));
	ck_assert_int_eq(verify(db, p, NULL), 1);
	assert_problem(&p[0], DAQING, 7, 0, "head_mismatch"); /* beyond the head */
	sql_ok(db, "UPDATE audit_heads SET seq = 7, hash = (SELECT hash FROM audit_log"
	       " WHERE city_id = $1 AND seq = 7) WHERE city_id = $1", DB_ARGS(DB_I(DAQING)));
	ck_assert_int_eq(verify(db, p, &entries), 1);
	ck_assert_int_eq(entries, 7);
	assert_problem(&p[0], DAQING, 7, id_at(db, DAQING, 7), "edited");
	done(db);
}
END_TEST

START_TEST(deleted_entries_are_found)
{
	struct db *db = fresh(1);
	struct audit_problem p[16];
	int64_t entries;

	append(db, DAQING, 20, 20);
	append(db, 0, 3, 1);
	drop_triggers(db);
	sql_ok(db, "DELETE FROM audit_log WHERE city_id = $1 AND seq = 7", DB_ARGS(DB_I(DAQING)));
	ck_assert_int_eq(verify(db, p, &entries), 1);
	ck_assert_int_eq(entries, 22);
	assert_problem(&p[0], DAQING, 7, 0, "missing");
	ck_assert_int_eq(p[0].count, 1);
	/* A run of three. */
	sql_ok(db, "DELETE FROM audit_log WHERE city_id = $1 AND seq BETWEEN 12 AND 14",
	       DB_ARGS(DB_I(DAQING)));
	ck_assert_int_eq(verify(db, p, NULL), 2);
	assert_problem(&p[1], DAQING, 12, 0, "missing");
	ck_assert_int_eq(p[1].count, 3);
	/* The last one: only the head knows it was there. */
	sql_ok(db, "DELETE FROM audit_log WHERE city_id = 0 AND seq = 3", DB_NOARGS);
	ck_assert_int_eq(verify(db, p, NULL), 3);
	assert_problem(&p[0], 0, 3, 0, "head_mismatch");
	ck_assert_int_eq(p[0].count, 1);
	/* The head itself. */
	sql_ok(db, "DELETE FROM audit_heads WHERE city_id = $1", DB_ARGS(DB_I(DAQING)));
	ck_assert_int_eq(verify(db, p, NULL), 4);
	assert_problem(&p[3], DAQING, 20, 0, "head_mismatch");
	done(db);
}
END_TEST

START_TEST(moved_entries_are_found)
{
	struct db *db = fresh(1);
	struct audit_problem p[16];
	int64_t id3, id4, id8;

	append(db, DAQING, 10, 1);
	drop_triggers(db);
	id3 = id_at(db, DAQING, 3);
	id4 = id_at(db, DAQING, 4);
	/* Entries 3 and 4 swap places: both authentic, both in the wrong place. */
	sql_ok(db, "UPDATE audit_log SET seq = -1 WHERE id = $1", DB_ARGS(DB_I(id3)));
	sql_ok(db, "UPDATE audit_log SET seq = 3 WHERE id = $1", DB_ARGS(DB_I(id4)));
	sql_ok(db, "UPDATE audit_log SET seq = 4 WHERE id = $1", DB_ARGS(DB_I(id3)));
	ck_assert_int_eq(verify(db, p, NULL), 2);
	assert_problem(&p[0], DAQING, 3, id4, "reordered");
	assert_problem(&p[1], DAQING, 4, id3, "reordered");
	/* Put back: intact again. */
	sql_ok(db, "UPDATE audit_log SET seq = -1 WHERE id = $1", DB_ARGS(DB_I(id3)));
	sql_ok(db, "UPDATE audit_log SET seq = 4 WHERE id = $1", DB_ARGS(DB_I(id4)));
	sql_ok(db, "UPDATE audit_log SET seq = 3 WHERE id = $1", DB_ARGS(DB_I(id3)));
	ck_assert_int_eq(verify(db, p, NULL), 0);
	/* Ids swapped (the listing order), the chain untouched. */
	id8 = id_at(db, DAQING, 8);
	sql_ok(db, "UPDATE audit_log SET id = -1 WHERE id = $1", DB_ARGS(DB_I(id8)));
	sql_ok(db, "UPDATE audit_log SET id = $1 WHERE id = $2", DB_ARGS(DB_I(id8), DB_I(id8 + 1)));
	sql_ok(db, "UPDATE audit_log SET id = $1 WHERE id = -1", DB_ARGS(DB_I(id8 + 1)));
	ck_assert_int_eq(verify(db, p, NULL), 1);
	assert_problem(&p[0], DAQING, 9, id8, "reordered");
	done(db);
}
END_TEST

START_TEST(spliced_entries_are_found)
{
	struct db *db = fresh(1);
	struct arena *a = arena_create();
	struct audit_problem p[16];
	struct db_conn *c;
	struct gzf_err e;
	char id[24];
	struct audit_entry other = entry(DAQING, 98, id);

	append(db, DAQING, 3, 1);
	drop_triggers(db);
	sql_ok(db, "CREATE TABLE saved AS SELECT * FROM audit_log WHERE seq = 3", DB_NOARGS);
	/* Cutting the newest entry and setting the head back cannot be seen (audit.h
	 * says so)... */
	sql_ok(db, "DELETE FROM audit_log WHERE seq = 3", DB_NOARGS);
	sql_ok(db, "UPDATE audit_heads SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2)",
	       DB_NOARGS);
	ck_assert_int_eq(verify(db, p, NULL), 0);
	/* ...but once the chain has grown again, putting the old entry back in place of
	 * the new one breaks the link to the entry after it. */
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	ck_assert_int_eq(audit_record(c, key, &other, &e), GZF_OK);
	ck_assert_int_eq(audit_record(c, key, &other, &e), GZF_OK);
	ck_assert_int_eq(db_commit(c, &e), GZF_OK);
	db_release(c);
	ck_assert_int_eq(verify(db, p, NULL), 0);
	sql_ok(db, "DELETE FROM audit_log WHERE seq = 3", DB_NOARGS);
	sql_ok(db, "INSERT INTO audit_log SELECT * FROM saved", DB_NOARGS);
	ck_assert_int_eq(verify(db, p, NULL), 1);
	assert_problem(&p[0], DAQING, 4, id_at(db, DAQING, 4), "reordered");
	arena_destroy(a);
	done(db);
}
END_TEST

START_TEST(long_chains_are_walked_in_pages)
{
	struct db *db = fresh(1);
	struct audit_problem p[16];
	int64_t entries, id500, id501;

	append(db, DAQING, 1203, 1203);
	ck_assert_int_eq(verify(db, p, &entries), 0);
	ck_assert_int_eq(entries, 1203);
	drop_triggers(db);
	/* A swap across the first page boundary and an edit on the third page. */
	id500 = id_at(db, DAQING, 500);
	id501 = id_at(db, DAQING, 501);
	sql_ok(db, "UPDATE audit_log SET seq = -1 WHERE id = $1", DB_ARGS(DB_I(id500)));
	sql_ok(db, "UPDATE audit_log SET seq = 500 WHERE id = $1", DB_ARGS(DB_I(id501)));
	sql_ok(db, "UPDATE audit_log SET seq = 501 WHERE id = $1", DB_ARGS(DB_I(id500)));
	sql_ok(db, "UPDATE audit_log SET result = 'ok' WHERE city_id = $1 AND seq = 1100",
	       DB_ARGS(DB_I(DAQING)));
	ck_assert_int_eq(verify(db, p, &entries), 3);
	ck_assert_int_eq(entries, 1203);
	assert_problem(&p[0], DAQING, 500, id501, "reordered");
	assert_problem(&p[1], DAQING, 501, id500, "reordered");
	assert_problem(&p[2], DAQING, 1100, id_at(db, DAQING, 1100), "edited");
	done(db);
}
END_TEST

struct appender {
	struct db *db;
	int thread;
	int count;
	int failures;
};

static void *
append_thread(void *arg)
{
	struct appender *ap = arg;
	struct arena *a = arena_create();
	struct db_conn *c;
	struct gzf_err e;
	int i;

	if (db_acquire(ap->db, a, &c, &e) != GZF_OK) {
		ap->failures = ap->count;
		arena_destroy(a);
		return NULL;
	}
	for (i = 0; i < ap->count; i++) {
		/* Two chains shared by all threads, and one each. */
		int64_t city = i % 3 == 0 ? 0 : i % 3 == 1 ? DAQING : 100 + ap->thread;
		char id[24];
		struct audit_entry en = entry(city, i, id);

		if (db_begin(c, &e) != GZF_OK || audit_record(c, key, &en, &e) != GZF_OK ||
		    db_commit(c, &e) != GZF_OK) {
			ap->failures++;
			db_rollback(c);
		}
	}
	db_release(c);
	arena_destroy(a);
	return NULL;
}

START_TEST(concurrent_appends_keep_chains_whole)
{
	struct db *db = fresh(4);
	struct appender ap[4];
	pthread_t t[4];
	struct audit_problem p[16];
	int64_t entries;
	int i;

	for (i = 0; i < 4; i++) {
		ap[i] = (struct appender){ .db = db, .thread = i, .count = 60 };
		ck_assert_int_eq(pthread_create(&t[i], NULL, append_thread, &ap[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(ap[i].failures, 0);
	}
	ck_assert_int_eq(verify(db, p, &entries), 0);
	ck_assert_int_eq(entries, 240);
	/* Gap-free: every chain's seqs are exactly 1..count. */
	ck_assert_int_eq(sql_int(db, "SELECT MAX(seq) FROM audit_log WHERE city_id = 0", DB_NOARGS), 80);
	ck_assert_int_eq(sql_int(db, "SELECT COUNT(DISTINCT seq) FROM audit_log WHERE city_id = $1",
				 DB_ARGS(DB_I(DAQING))), 80);
	ck_assert_int_eq(sql_int(db, "SELECT MAX(seq) FROM audit_log WHERE city_id = $1",
				 DB_ARGS(DB_I(DAQING))), 80);
	ck_assert_int_eq(sql_int(db, "SELECT COUNT(*) FROM audit_heads", DB_NOARGS), 6);
	done(db);
}
END_TEST

START_TEST(search_filters_and_pages)
{
	struct db *db = fresh(1);
	struct arena *a = arena_create();
	struct audit_filter f;
	struct audit_row *rows;
	struct db_conn *c;
	struct gzf_err e;
	int64_t last;
	int n, i, total;

	append(db, DAQING, 40, 40);
	append(db, BEIJING, 10, 10);
	append(db, 0, 4, 4);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);

	/* Everything, newest first, default limit. */
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
	ck_assert_int_eq(n, 50);
	for (i = 1; i < n; i++)
		ck_assert_int_gt(rows[i - 1].id, rows[i].id);
	ck_assert_str_eq(rows[0].actor_kind, "system");

	/* Keyset pages over Daqing's chain, 15 at a time: 40 entries, no repeats. */
	memset(&f, 0, sizeof(f));
	f.city_id = DAQING;
	f.limit = 15;
	total = 0;
	last = INT64_MAX;
	do {
		ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
		for (i = 0; i < n; i++) {
			ck_assert_int_eq(rows[i].city_id, DAQING);
			ck_assert_int_lt(rows[i].id, last);
			last = rows[i].id;
		}
		total += n;
		f.before_id = last;
	} while (n == 15);
	ck_assert_int_eq(total, 40);

	/* Region subtree: the Longfeng district sees the entries about its objects
	 * (every 4th Daqing entry), whatever the chain. */
	memset(&f, 0, sizeof(f));
	f.region_path = "/100000/230000/230600/230603/";
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
	ck_assert_int_eq(n, 10);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(rows[i].object_path, "/100000/230000/230600/230603/");
	/* Saertu: its staff are the actors of every Daqing entry. */
	f.region_path = "/100000/230000/230600/230602/";
	f.limit = 200;
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
	ck_assert_int_eq(n, 40);
	/* The province: Daqing's entries, not Beijing's, not the national ones. */
	f.region_path = "/100000/230000/";
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
	ck_assert_int_eq(n, 40);
	/* A prefix of a code is not its region: 23060 is no region path. */
	f.region_path = "/100000/230000/23060/";
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
	ck_assert_int_eq(n, 0);

	/* Actor, action, object, result of the combination. */
	memset(&f, 0, sizeof(f));
	f.actor_id = 11;
	f.action = "resident.read";
	f.city_id = DAQING;
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(rows[i].actor_id, 11);
		ck_assert_str_eq(rows[i].action, "resident.read");
	}
	ck_assert_int_eq(n, 7); /* i odd and i % 3 == 1 among 0..39: 1, 7, 13, 19, 25, 31, 37 */
	memset(&f, 0, sizeof(f));
	f.object_type = "resident";
	f.object_id = "1005";
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
	ck_assert_int_eq(n, 2); /* Daqing's and Beijing's 6th; the national chain has 4 */
	f.city_id = BEIJING;
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(rows[0].object_id, "1005");
	ck_assert_str_eq(rows[0].detail, "{\"field\":\"id_number\"}");

	/* Time: nothing before the epoch + 1 s, everything before tomorrow. */
	memset(&f, 0, sizeof(f));
	f.to_ms = 1000;
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
	ck_assert_int_eq(n, 0);
	f.to_ms = gzf_now_ms() + 86400000;
	f.from_ms = gzf_now_ms() - 86400000;
	f.limit = 500;
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
	ck_assert_int_eq(n, 54);
	f.limit = 0;
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_OK);
	ck_assert_int_eq(n, AUDIT_SEARCH_DEFAULT);

	/* Bad input. */
	memset(&f, 0, sizeof(f));
	f.region_path = "/100000' OR '1'='1/";
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_EINVAL);
	f.region_path = "100000/";
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_EINVAL);
	f.region_path = NULL;
	f.from_ms = 5000;
	f.to_ms = 4000;
	ck_assert_int_eq(audit_search(c, &f, &rows, &n, &e), GZF_EINVAL);
	db_release(c);
	arena_destroy(a);
	done(db);
}
END_TEST

START_TEST(key_comes_from_the_secrets)
{
	struct secrets s;
	unsigned char k1[AUDIT_KEY_BYTES], k2[AUDIT_KEY_BYTES];

	memset(&s, 0, sizeof(s));
	memset(s.index_key, 7, sizeof(s.index_key));
	audit_key(&s, k1);
	audit_key(&s, k2);
	ck_assert_mem_eq(k1, k2, sizeof(k1));
	ck_assert(memcmp(k1, s.index_key, sizeof(k1)) != 0);
	/* Only index_key matters. */
	memset(s.data_key, 9, sizeof(s.data_key));
	audit_key(&s, k2);
	ck_assert_mem_eq(k1, k2, sizeof(k1));
	s.index_key[31] ^= 1;
	audit_key(&s, k2);
	ck_assert(memcmp(k1, k2, sizeof(k1)) != 0);
}
END_TEST

static TCase *
audit_tcase(const char *name, void (*setup)(void))
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, chains_append_and_verify);
	tcase_add_test(tc, bad_entries_are_refused);
	tcase_add_test(tc, rolled_back_entries_leave_no_trace);
	tcase_add_test(tc, triggers_refuse_update_and_delete);
	tcase_add_test(tc, edited_entry_is_found);
	tcase_add_test(tc, forged_entries_are_found);
	tcase_add_test(tc, deleted_entries_are_found);
	tcase_add_test(tc, moved_entries_are_found);
	tcase_add_test(tc, spliced_entries_are_found);
	tcase_add_test(tc, long_chains_are_walked_in_pages);
	tcase_add_test(tc, concurrent_appends_keep_chains_whole);
	tcase_add_test(tc, search_filters_and_pages);
	return tc;
}

Suite *
audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *keys = tcase_create("key");

	tcase_add_test(keys, key_comes_from_the_secrets);
	suite_add_tcase(s, keys);
	suite_add_tcase(s, audit_tcase("sqlite", use_sqlite));
	if (unit_pg_wanted(s))
		suite_add_tcase(s, audit_tcase("pgsql", use_pg));
	return s;
}
