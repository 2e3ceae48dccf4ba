/* test_idempotency.c — Idempotency-Key: which keys are valid, the request hash, and on
 * SQLite and (when a server is given) PostgreSQL: a first request's reply kept in its
 * own transaction (gone when it rolls back), a retry getting it back byte for byte, the
 * same key on another request refused, one key per account, two concurrent first
 * requests (the second refused, changing nothing), and the purge job forgetting replies
 * after 24 hours and not before. */
#include <string.h>

#include "domain/idempotency.h"
#include "domain/jobs.h"
#include "domain/audit.h"
#include "store/idempotency_store.h"
#include "store/job_store.h"
#include "unit.h"

#define NOW 1780000000000LL
#define HOUR 3600000LL

static struct unit_db udb;
static int on_pg;
static int64_t clock_ms;

static void use_sqlite(void) { on_pg = 0; }
static void use_pg(void) { on_pg = 1; }

static int64_t
test_clock(void)
{
	return clock_ms;
}

START_TEST(keys_and_hash)
{
	char k128[130], h1[IDEMPOTENCY_HASH_HEX], h2[IDEMPOTENCY_HASH_HEX];

	ck_assert(idempotency_key_valid("a"));
	ck_assert(idempotency_key_valid("0f8e7d6c-5b4a-3928-1716-05f4e3d2c1b0"));
	ck_assert(idempotency_key_valid("key with spaces ~!"));
	memset(k128, 'k', 128);
	k128[128] = '\0';
	ck_assert(idempotency_key_valid(k128));
	k128[128] = 'k';
	k128[129] = '\0';
	ck_assert(!idempotency_key_valid(k128)); /* 129 characters */
	ck_assert(!idempotency_key_valid(""));
	ck_assert(!idempotency_key_valid(NULL));
	ck_assert(!idempotency_key_valid("tab\there"));
	ck_assert(!idempotency_key_valid("中文"));
	ck_assert(!idempotency_key_valid("del\x7f"));

	/* The hash covers method, path and body: change any one and it changes. */
	idempotency_request_hash("POST", "/api/v1/bills/1/pay", "{\"a\":1}", 7, h1);
	ck_assert_str_eq(h1, (idempotency_request_hash("POST", "/api/v1/bills/1/pay", "{\"a\":1}", 7, h2), h2));
	ck_assert_int_eq(strlen(h1), 64);
	idempotency_request_hash("PUT", "/api/v1/bills/1/pay", "{\"a\":1}", 7, h2);
	ck_assert_str_ne(h1, h2);
	idempotency_request_hash("POST", "/api/v1/bills/2/pay", "{\"a\":1}", 7, h2);
	ck_assert_str_ne(h1, h2);
	idempotency_request_hash("POST", "/api/v1/bills/1/pay", "{\"a\":2}", 7, h2);
	ck_assert_str_ne(h1, h2);
	/* an empty body is hashed as nothing (a NULL body is allowed then) */
	idempotency_request_hash("POST", "/p", NULL, 0, h1);
	idempotency_request_hash("POST", "/p", "", 0, h2);
	ck_assert_str_eq(h1, h2);
}
END_TEST

/* One request as a handler runs it: begin, look the key up, on a new key make a change
 * (a job row stands for it) and remember the reply, then commit or roll back. Returns
 * the lookup's or remember's code; *replay and *first as idempotency_lookup gives them. */
static int
request(struct db_conn *c, int64_t account, const char *key, const char *hash, int status,
	const char *reply, int commit, int *replay, struct idempotency_record *first)
{
	struct idempotency_record r = { .city_id = 230600, .route = "POST /api/v1/test",
					.request_hash = hash, .status = status, .reply = reply };
	struct gzf_err e = { 0 };
	int rc;

	ck_assert_int_eq(db_begin(c, &e), GZF_OK);
	rc = idempotency_lookup(c, account, key, hash, first, replay, &e);
	if (rc == GZF_OK && !*replay) {
		ck_assert_int_eq(jobs_enqueue(c, 230600, "unit_change", key, NULL, 0, &e), GZF_OK);
		rc = idempotency_remember(c, account, key, &r, clock_ms, &e);
	}
	if (rc == GZF_OK && commit && !*replay)
		ck_assert_msg(db_commit(c, &e) == GZF_OK, "%s", e.message);
	else
		db_rollback(c);
	return rc;
}

/* How many changes ("unit_change" jobs) were made under key. */
static int
changes(struct db_conn *c, const char *key)
{
	struct gzf_err e = { 0 };
	struct db_res *r;

	ck_assert_int_eq(db_query(c, "SELECT COUNT(*) FROM jobs WHERE kind = 'unit_change' AND ref = $1",
				  DB_ARGS(DB_T(key)), &r, &e), GZF_OK);
	return (int)db_res_int(r, 0, 0);
}

START_TEST(first_reply_kept_and_replayed)
{
	struct db *db = unit_db_fresh(&udb, on_pg, 2);
	struct arena *a = arena_create();
	struct idempotency_record first;
	struct db_conn *c, *c2;
	struct gzf_err e = { 0 };
	char h1[IDEMPOTENCY_HASH_HEX], h2[IDEMPOTENCY_HASH_HEX];
	const char *reply = "{\"bill\":{\"id\":7,\"status\":\"paying\",\"amount_fen\":123456}}";
	int replay;

	clock_ms = NOW;
	idempotency_request_hash("POST", "/api/v1/bills/7/pay", "{}", 2, h1);
	idempotency_request_hash("POST", "/api/v1/bills/8/pay", "{}", 2, h2);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);

	/* A request that rolls back leaves no reply behind: its retry runs anew. */
	ck_assert_int_eq(request(c, 1, "k-1", h1, 201, reply, 0, &replay, &first), GZF_OK);
	ck_assert_int_eq(replay, 0);
	ck_assert_int_eq(changes(c, "k-1"), 0);
	ck_assert_int_eq(idempotency_store_get(c, 1, "k-1", &first, &e), GZF_ENOTFOUND);

	/* The first that commits: one change, its reply kept. */
	ck_assert_int_eq(request(c, 1, "k-1", h1, 201, reply, 1, &replay, &first), GZF_OK);
	ck_assert_int_eq(replay, 0);
	ck_assert_int_eq(changes(c, "k-1"), 1);

	/* The retry: the first reply, same status and bytes, and no second change. */
	ck_assert_int_eq(request(c, 1, "k-1", h1, 500, "{}", 1, &replay, &first), GZF_OK);
	ck_assert_int_eq(replay, 1);
	ck_assert_int_eq(first.status, 201);
	ck_assert_str_eq(first.reply, reply);
	ck_assert_str_eq(first.route, "POST /api/v1/test");
	ck_assert_int_eq(changes(c, "k-1"), 1);

	/* The same key on another request: 422 idempotency_key_reused, nothing changed. */
	ck_assert_int_eq(request(c, 1, "k-1", h2, 201, reply, 1, &replay, &first), GZF_ESTATE);
	ck_assert_int_eq(changes(c, "k-1"), 1);

	/* A malformed key changes nothing either. */
	ck_assert_int_eq(request(c, 1, "bad\nkey", h1, 201, reply, 1, &replay, &first), GZF_EINVAL);

	/* Keys are the account's own: another account's "k-1" is a new request. */
	ck_assert_int_eq(request(c, 2, "k-1", h2, 201, "{\"other\":1}", 1, &replay, &first), GZF_OK);
	ck_assert_int_eq(replay, 0);
	ck_assert_int_eq(changes(c, "k-1"), 2);

	/* Two first requests at once (a retry sent before the first answer): both found
	 * nothing; the one that stores second is refused and its change rolled back. */
	{
		struct idempotency_record r = { .city_id = 230600, .route = "POST /api/v1/test",
						.request_hash = h1, .status = 201, .reply = reply };

		ck_assert_int_eq(db_acquire(db, a, &c2, &e), GZF_OK);
		ck_assert_int_eq(db_begin(c, &e), GZF_OK);
		ck_assert_int_eq(idempotency_lookup(c, 3, "k-3", h1, &first, &replay, &e), GZF_OK);
		ck_assert_int_eq(idempotency_remember(c, 3, "k-3", &r, clock_ms, &e), GZF_OK);
		ck_assert_int_eq(db_commit(c, &e), GZF_OK);
		ck_assert_int_eq(db_begin(c2, &e), GZF_OK);
		ck_assert_int_eq(idempotency_remember(c2, 3, "k-3", &r, clock_ms, &e), GZF_ECONFLICT);
		ck_assert_str_eq(e.name, "idempotency_key_in_use");
		db_rollback(c2);
		db_release(c2);
	}
	db_release(c);
	arena_destroy(a);
	unit_db_done(&udb, db);
}
END_TEST

START_TEST(purged_after_a_day)
{
	static struct config cfg;
	static struct secrets sec;
	static struct partners ps;
	static unsigned char audit_key[AUDIT_KEY_BYTES];
	struct db *db = unit_db_fresh(&udb, on_pg, 2);
	struct job_ctx ctx = { .db = db, .cfg = &cfg, .secrets = &sec, .partners = &ps,
			       .audit_key = audit_key, .now_ms = test_clock };
	struct arena *a = arena_create();
	struct idempotency_record first;
	struct db_conn *c;
	struct job_row job;
	struct gzf_err e = { 0 };
	char h[IDEMPOTENCY_HASH_HEX];
	int replay, rc;

	rc = idempotency_jobs_register();
	ck_assert(rc == GZF_OK || rc == GZF_ECONFLICT); /* once per process */
	idempotency_request_hash("POST", "/p", NULL, 0, h);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	clock_ms = NOW;
	ck_assert_int_eq(request(c, 1, "old", h, 200, "{}", 1, &replay, &first), GZF_OK);
	/* the first stored reply queued the purge, due a day (and a minute) later */
	ck_assert_int_eq(job_store_find(c, "idempotency_purge", "idempotency_keys", &job, &e), GZF_OK);
	ck_assert_str_eq(job.status, "queued");
	ck_assert_int_eq(job.run_at, NOW + IDEMPOTENCY_KEEP_MS + 60000);
	clock_ms = NOW + 12 * HOUR;
	ck_assert_int_eq(request(c, 1, "newer", h, 200, "{}", 1, &replay, &first), GZF_OK);
	db_release(c);

	/* 23 hours on: nothing is due, both are kept. */
	clock_ms = NOW + 23 * HOUR;
	ck_assert_int_eq(jobs_run_due(&ctx, 10, &e), 0);
	/* A day and two minutes on: the first is forgotten, the newer one kept, and the job
	 * comes back for it. */
	clock_ms = NOW + IDEMPOTENCY_KEEP_MS + 120000;
	ck_assert_int_eq(jobs_run_due(&ctx, 10, &e), 1);
	ck_assert_int_eq(db_acquire(db, a, &c, &e), GZF_OK);
	ck_assert_int_eq(idempotency_store_get(c, 1, "old", &first, &e), GZF_ENOTFOUND);
	ck_assert_int_eq(idempotency_store_get(c, 1, "newer", &first, &e), GZF_OK);
	ck_assert_int_eq(job_store_find(c, "idempotency_purge", "idempotency_keys", &job, &e), GZF_OK);
	ck_assert_str_eq(job.status, "queued");
	ck_assert_int_eq(job.run_at, NOW + 12 * HOUR + IDEMPOTENCY_KEEP_MS + 60000);
	/* the forgotten key is new again */
	ck_assert_int_eq(request(c, 1, "old", h, 200, "{}", 0, &replay, &first), GZF_OK);
	ck_assert_int_eq(replay, 0);
	db_release(c);
	arena_destroy(a);
	unit_db_done(&udb, db);
}
END_TEST

static TCase *
db_tcase(const char *name, void (*setup)(void))
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, first_reply_kept_and_replayed);
	tcase_add_test(tc, purged_after_a_day);
	return tc;
}

Suite *
idempotency_suite(void)
{
	Suite *s = suite_create("idempotency");
	TCase *pure = tcase_create("pure");

	tcase_add_test(pure, keys_and_hash);
	suite_add_tcase(s, pure);
	suite_add_tcase(s, db_tcase("sqlite", use_sqlite));
	if (unit_pg_wanted(s))
		suite_add_tcase(s, db_tcase("pgsql", use_pg));
	return s;
}
