/* test_fsm.c — the table machinery every process shares (fsm.h): which row is taken and
 * which error comes first, on a small table of its own; and the article's machine
 * (domain/content.c) driven state × event on a database, against an expectation written
 * here. */
#include <string.h>

#include "domain/content.h"
#include "domain/fsm.h"
#include "unit.h"

enum { S_A, S_B, S_N };
enum { E_GO, E_STOP, E_N };

static int pass(void *ctx, struct gzf_err *err) { (void)ctx; (void)err; return GZF_OK; }

static int
refuse(void *ctx, struct gzf_err *err)
{
	(void)ctx;
	return gzf_err_set(err, GZF_EINVAL, "no_go", "why", "the guard says no");
}

static const char *const s_names[] = { "a", "b" };
static const char *const e_names[] = { "go", "stop" };
static const struct fsm_transition toy_flow[] = {
	{ S_A, E_GO, FSM_OWNER, refuse, S_B, 0, NULL },
	{ S_A, E_GO, FSM_OWNER, pass, S_A, 0, NULL },
	{ S_A, E_STOP, FSM_SYSTEM, refuse, S_B, 0, NULL },
	{ S_B, E_GO, FSM_DECIDER | FSM_SYSTEM, NULL, S_A, 0, NULL },
};
static const struct fsm toy = { "toy", s_names, S_N, e_names, E_N, toy_flow, 4 };

START_TEST(rows_and_errors)
{
	const struct fsm_transition *t;
	struct gzf_err err = { 0 };

	/* The first row whose guard passes is taken. */
	ck_assert_int_eq(fsm_find(&toy, S_A, E_GO, FSM_OWNER, NULL, &t, &err), GZF_OK);
	ck_assert_ptr_eq(t, &toy_flow[1]);
	/* No row: illegal, whoever asks. */
	ck_assert_int_eq(fsm_find(&toy, S_B, E_STOP, FSM_SYSTEM, NULL, &t, &err), GZF_ESTATE);
	ck_assert_str_eq(err.name, "illegal_transition");
	ck_assert_ptr_null(t);
	/* Rows, none for this party: forbidden, before any guard runs. */
	ck_assert_int_eq(fsm_find(&toy, S_A, E_STOP, FSM_OWNER, NULL, &t, &err), GZF_EFORBIDDEN);
	ck_assert_str_eq(err.name, "forbidden");
	/* The party's rows all refused: the guard's own error. */
	ck_assert_int_eq(fsm_find(&toy, S_A, E_STOP, FSM_SYSTEM, NULL, &t, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "no_go");
	ck_assert_str_eq(err.field, "why");
	/* Several parties on one row. */
	ck_assert_int_eq(fsm_allows(&toy, S_B, E_GO, FSM_SYSTEM), 1);
	ck_assert_int_eq(fsm_allows(&toy, S_B, E_GO, FSM_OWNER), 0);
	ck_assert_int_eq(fsm_event_find(&toy, "stop"), E_STOP);
	ck_assert_int_eq(fsm_event_find(&toy, "stop "), -1);
}
END_TEST

static struct unit_db udb;
static int on_pg;

static void use_sqlite(void) { on_pg = 0; }
static void use_pg(void) { on_pg = 1; }

/* The article's life as this test expects it: -1 where the event is illegal. */
static const int article_to[CONTENT_NSTATES][CONTENT_NEVENTS] = {
	/*                   edit               publish            withdraw */
	[CONTENT_DRAFT] = { CONTENT_DRAFT, CONTENT_PUBLISHED, CONTENT_WITHDRAWN },
	[CONTENT_PUBLISHED] = { CONTENT_PUBLISHED, -1, CONTENT_WITHDRAWN },
	[CONTENT_WITHDRAWN] = { CONTENT_WITHDRAWN, CONTENT_PUBLISHED, -1 },
};

static const char *const statuses[] = { "draft", "published", "withdrawn" };

static void
new_article(struct db_conn *c, int state, const char *media, struct article *a)
{
	struct gzf_err e;

	*a = (struct article){ .city_id = 230600, .kind = "news", .title = "标题", .summary = "",
			       .body_html = "<p>正文</p>", .fields = "{}", .media = media,
			       .status = statuses[state], .search_text = "标题", .author_id = 1,
			       .created_at = 1780000000000LL };
	ck_assert_int_eq(article_store_create(c, a, &a->id, &e), GZF_OK);
	ck_assert_int_eq(article_store_get(c, a->id, a, &e), GZF_OK);
}

START_TEST(article_every_state_and_event)
{
	struct arena *ar = arena_create();
	struct db *db = unit_db_fresh(&udb, on_pg, 1);
	struct db_conn *c;
	struct article a, now;
	struct gzf_err e = { 0 };
	int s, ev, rc, want;

	ck_assert_int_eq(db_acquire(db, ar, &c, &e), GZF_OK);
	for (s = 0; s < CONTENT_NSTATES; s++)
		for (ev = 0; ev < CONTENT_NEVENTS; ev++) {
			new_article(c, s, "[]", &a);
			ck_assert_int_eq(db_begin(c, &e), GZF_OK);
			rc = content_fire(c, &a, ev, 1780000001000LL, "/100000/230000/230600/", &e);
			if (rc == GZF_OK)
				ck_assert_int_eq(db_commit(c, &e), GZF_OK);
			else
				db_rollback(c);
			want = article_to[s][ev];
			ck_assert_int_eq(article_store_get(c, a.id, &now, &e), GZF_OK);
			if (want < 0) {
				ck_assert_int_eq(rc, GZF_ESTATE);
				ck_assert_str_eq(now.status, statuses[s]);
				ck_assert_int_eq(now.version, a.version);
				continue;
			}
			ck_assert_msg(rc == GZF_OK, "%s + %s: %s", statuses[s], content_fsm.events[ev], e.message);
			ck_assert_str_eq(now.status, statuses[want]);
			ck_assert_int_eq(now.version, a.version + 1);
			ck_assert_int_eq(now.published_at != 0, ev == CONTENT_PUBLISH);
		}
	/* A picture that is not a content picture of the city stops an edit and a
	 * publication, and changes nothing. */
	new_article(c, CONTENT_DRAFT, "[999]", &a);
	for (ev = CONTENT_EDIT; ev <= CONTENT_PUBLISH; ev++) {
		ck_assert_int_eq(db_begin(c, &e), GZF_OK);
		ck_assert_int_eq(content_fire(c, &a, ev, 1780000001000LL, "/100000/230000/230600/", &e),
				 GZF_EINVAL);
		db_rollback(c);
		ck_assert_str_eq(e.name, "media_not_allowed");
	}
	ck_assert_int_eq(article_store_get(c, a.id, &now, &e), GZF_OK);
	ck_assert_int_eq(now.version, a.version);
	db_release(c);
	arena_destroy(ar);
	unit_db_done(&udb, db);
}
END_TEST

Suite *
fsm_suite(void)
{
	Suite *s = suite_create("fsm");
	TCase *tc = tcase_create("table");
	TCase *sq = tcase_create("article-sqlite"), *pg;

	tcase_add_test(tc, rows_and_errors);
	suite_add_tcase(s, tc);
	tcase_set_timeout(sq, 120);
	tcase_add_checked_fixture(sq, use_sqlite, NULL);
	tcase_add_test(sq, article_every_state_and_event);
	suite_add_tcase(s, sq);
	if (unit_pg_wanted(s)) {
		pg = tcase_create("article-pgsql");
		tcase_set_timeout(pg, 120);
		tcase_add_checked_fixture(pg, use_pg, NULL);
		tcase_add_test(pg, article_every_state_and_event);
		suite_add_tcase(s, pg);
	}
	return s;
}
