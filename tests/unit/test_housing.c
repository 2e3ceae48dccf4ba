/* test_housing.c — the housing rules (what one unit may hold, its status machine, figures
 * as people type them) and the spreadsheet readers (CSV, and XLSX built here as a stored
 * zip). */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "domain/housing.h"
#include "domain/listings.h"
#include "domain/sheet.h"
#include "store/region_store.h"

static struct unit_db udb;
static int on_pg;

static void use_sqlite(void) { on_pg = 0; }
static void use_pg(void) { on_pg = 1; }

/* The unit's life as this test expects it, per state and status event: the status it
 * leads to, or -1 where it is illegal. Publishing: only a vacant unit. */
static const int unit_to[UNIT_NSTATES][UNIT_TO_WITHDRAWN + 1] = {
	/*                    vacant        reserved        allocated        occupied        under_repair        withdrawn */
	[UNIT_VACANT] = { -1, UNIT_RESERVED, -1, -1, UNIT_UNDER_REPAIR, UNIT_WITHDRAWN },
	[UNIT_RESERVED] = { UNIT_VACANT, -1, UNIT_ALLOCATED, -1, -1, -1 },
	[UNIT_ALLOCATED] = { UNIT_VACANT, -1, -1, UNIT_OCCUPIED, -1, -1 },
	[UNIT_OCCUPIED] = { UNIT_VACANT, -1, -1, -1, UNIT_UNDER_REPAIR, -1 },
	[UNIT_UNDER_REPAIR] = { UNIT_VACANT, -1, -1, -1, -1, UNIT_WITHDRAWN },
	[UNIT_WITHDRAWN] = { UNIT_VACANT, -1, -1, -1, UNIT_UNDER_REPAIR, -1 },
};

static void
ok(int rc, const struct gzf_err *e)
{
	ck_assert_msg(rc == GZF_OK, "%d %s: %s", rc, e->name, e->message);
}

START_TEST(unit_every_state_and_event)
{
	static const struct region regions[] = {
		{ .code = 100000, .level = "nation", .name = "中国" },
		{ .code = 230000, .parent_code = 100000, .level = "province", .name = "黑龙江省" },
		{ .code = 230600, .parent_code = 230000, .level = "city", .name = "大庆市", .city_id = 230600 },
		{ .code = 230602, .parent_code = 230600, .level = "district", .name = "萨尔图区", .city_id = 230600 },
	};
	struct arena *ar = arena_create();
	struct db *db = unit_db_fresh(&udb, on_pg, 1);
	struct estate e = { .city_id = 230600, .region_code = 230602, .district_code = 230602,
			    .region_path = "/100000/230000/230600/230602/",
			    .name = "测试小区", .address = "测试路1号", .facilities = "", .transport = "",
			    .photos = "[]", .created_by = 1, .created_at = 1, .updated_at = 1 };
	struct building b = { .city_id = 230600, .name = "1号楼", .floors = 6 };
	struct unit u = { .city_id = 230600, .district_code = 230602, .unit_no = "101",
			  .region_path = "/100000/230000/230600/230602/",
			  .layout = "一室一厅", .floor_area_dm2 = 4000, .usable_area_dm2 = 3000, .floor = 1,
			  .orientation = "南", .rent_fen = 30000, .status = "vacant", .created_at = 1,
			  .updated_at = 1 };
	struct gzf_err err = { 0 };
	struct db_conn *c;
	struct unit now;
	size_t i;
	int s, ev, rc, want;

	ok(db_acquire(db, ar, &c, &err), &err);
	for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		ok(region_store_put(c, &regions[i], &err), &err);
	ok(housing_store_estate_save(c, &e, 0, &e.id, &err), &err);
	b.estate_id = u.estate_id = e.id;
	ok(housing_store_building_save(c, &b, 0, &b.id, &err), &err);
	u.building_id = b.id;
	ok(housing_store_unit_save(c, &u, 0, &u.id, &err), &err);
	for (s = 0; s < UNIT_NSTATES; s++)
		for (ev = 0; ev < UNIT_NEVENTS; ev++) {
			ok(db_exec(c, "UPDATE units SET status = $2, published = 0 WHERE id = $1",
				   DB_ARGS(DB_I(u.id), DB_T(unit_fsm.states[s])), NULL, &err), &err);
			ok(housing_store_unit_get(c, u.id, &now, &err), &err);
			ok(db_begin(c, &err), &err);
			rc = housing_unit_fire(c, &now, ev, FSM_DECIDER, 1780000000000LL, &err);
			if (rc == GZF_OK)
				ok(db_commit(c, &err), &err);
			else
				db_rollback(c);
			want = ev <= UNIT_TO_WITHDRAWN ? unit_to[s][ev]
			       : ev == UNIT_PUBLISH ? (s == UNIT_VACANT ? s : -1) : s;
			ck_assert_msg((rc == GZF_OK) == (want >= 0), "%s + %s: %d %s", unit_fsm.states[s],
				      unit_fsm.events[ev], rc, err.name);
			if (rc != GZF_OK)
				ck_assert_str_eq(err.name, ev == UNIT_PUBLISH ? "unit_not_vacant" : "illegal_transition");
			ok(housing_store_unit_get(c, u.id, &now, &err), &err);
			ck_assert_str_eq(now.status, unit_fsm.states[want >= 0 ? want : s]);
			ck_assert_int_eq(now.published, ev == UNIT_PUBLISH && want >= 0);
			ck_assert_int_eq(now.listed, ev == UNIT_PUBLISH && want >= 0);
			/* Someone other than the housing manager changes nothing. */
			if (rc == GZF_OK)
				continue;
			ck_assert_int_ne(housing_unit_fire(c, &now, ev, FSM_OWNER, 1780000000000LL, &err), GZF_OK);
		}
	ck_assert(!housing_status_valid(NULL));
	ck_assert(!housing_status_valid("vacan"));
	ck_assert_int_eq(fsm_event_find(&unit_fsm, "reserve"), -1);
	db_release(c);
	arena_destroy(ar);
	unit_db_done(&udb, db);
}
END_TEST

/* Groups in the order the database gives them. */
static int
group_cmp(const void *a, const void *b)
{
	const struct listing_group *x = a, *y = b;
	int c;

	if (x->district_code != y->district_code)
		return x->district_code < y->district_code ? -1 : 1;
	if ((c = strcmp(x->layout, y->layout)) != 0)
		return c;
	return x->fitted != y->fitted ? x->fitted - y->fitted : x->transport - y->transport;
}

/* The next of generator *x, below n. */
static unsigned
rnd(unsigned *x, unsigned n)
{
	*x = *x * 1103515245u + 12345u;
	return (*x >> 8) % n;
}

static int
same_text(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Random searches of the city (*x the generator): the search over the listings in memory
 * (listings_find) gives the same page, total and groups as the same search in SQL, and
 * only listed units. */
static void
search_agrees(struct db_conn *c, unsigned *x)
{
	static const char *const layouts[] = { "一室一厅", "两室一厅", "三室一厅" };
	struct listing_result got;
	struct listing_group *groups;
	struct unit *want, check;
	int64_t total, gen;
	struct gzf_err err;
	int i, k, n, ngroups;

	for (i = 0; i < 60; i++) {
		struct listing_query q = { .city_id = 230600, .fitted = -1, .transport = -1 };
		int counts;

		q.district_code = rnd(x, 3) == 0 ? 0 : 230602 + rnd(x, 2);
		q.layout = rnd(x, 2) ? NULL : layouts[rnd(x, 3)];
		q.fitted = (int)rnd(x, 3) - 1;
		q.transport = rnd(x, 3) == 0 ? 1 : -1;
		q.rent_min_fen = rnd(x, 3) == 0 ? 0 : 20000 + rnd(x, 25) * 1000 - rnd(x, 2) * 500;
		q.rent_max_fen = rnd(x, 3) == 0 ? 0 : q.rent_min_fen + rnd(x, 20) * 1000;
		q.area_min_dm2 = rnd(x, 4) == 0 ? 3000 + rnd(x, 30) * 100 : 0;
		q.area_max_dm2 = rnd(x, 4) == 0 ? 4000 + rnd(x, 30) * 100 : 0;
		q.sort = (enum listing_sort)rnd(x, 5);
		q.limit = 1 + (int)rnd(x, LISTING_PAGE_MAX);
		q.offset = (int)rnd(x, 3) * q.limit;
		counts = (int)rnd(x, 2);
		ok(housing_store_listing_generation(c, q.city_id, &gen, &err), &err);
		ok(listings_find(c, &q, gen, counts, &got, &err), &err);
		ok(housing_store_listing_search(c, &q, &want, &n, &total, &err), &err);
		ck_assert_int_eq(got.n, n);
		ck_assert_int_eq(got.total, total);
		for (k = 0; k < n; k++) {
			const struct unit *g = &got.units[k], *w = &want[k];

			ck_assert_int_eq(g->id, w->id);
			ck_assert(g->rent_fen == w->rent_fen && g->floor_area_dm2 == w->floor_area_dm2 &&
				  g->usable_area_dm2 == w->usable_area_dm2 && g->floor == w->floor &&
				  g->published_at == w->published_at && g->fitted == w->fitted &&
				  g->near_transport == w->near_transport && g->estate_id == w->estate_id &&
				  g->building_id == w->building_id && g->district_code == w->district_code &&
				  g->city_id == w->city_id && w->listed);
			ck_assert(same_text(g->layout, w->layout) && same_text(g->unit_no, w->unit_no) &&
				  same_text(g->orientation, w->orientation) &&
				  same_text(g->estate_name, w->estate_name) &&
				  same_text(g->building_name, w->building_name) &&
				  same_text(g->address, w->address) &&
				  same_text(g->district_name, w->district_name));
			ok(housing_store_unit_get(c, g->id, &check, &err), &err);
			ck_assert(check.listed);
		}
		if (!counts) {
			ck_assert_int_eq(got.ngroups, 0);
			continue;
		}
		ok(housing_store_listing_groups(c, &q, &groups, &ngroups, &err), &err);
		ck_assert_int_eq(got.ngroups, ngroups);
		qsort(got.groups, (size_t)got.ngroups, sizeof(*got.groups), group_cmp);
		for (k = 0; k < ngroups; k++) {
			ck_assert_int_eq(group_cmp(&got.groups[k], &groups[k]), 0);
			ck_assert_int_eq(got.groups[k].count, groups[k].count);
			ck_assert(same_text(got.groups[k].district_name, groups[k].district_name));
		}
	}
}

/* Units created, changed in every way the store changes them, published and withdrawn at
 * random: after each round the search over the listings in memory equals the search in
 * SQL (a round rolled back changes neither). */
START_TEST(listing_search_follows_units)
{
	static const char *const layouts[] = { "一室一厅", "两室一厅", "三室一厅" };
	static const char *const statuses[] = { "vacant", "reserved", "occupied", "withdrawn" };
	struct arena *ar = arena_create();
	struct db *db = unit_db_fresh(&udb, on_pg, 1);
	static const struct region regions[] = {
		{ .code = 100000, .level = "nation", .name = "中国" },
		{ .code = 230000, .parent_code = 100000, .level = "province", .name = "黑龙江省" },
		{ .code = 230600, .parent_code = 230000, .level = "city", .name = "大庆市", .city_id = 230600 },
	};
	struct estate e = { .city_id = 230600, .region_code = 230600, .district_code = 230602,
			    .region_path = "/100000/230000/230600/", .address = "路1号", .facilities = "",
			    .transport = "", .photos = "[]", .created_by = 1, .created_at = 1,
			    .updated_at = 1 };
	struct building b = { .city_id = 230600, .name = "1号楼", .floors = 30 };
	struct unit u = { .city_id = 230600, .region_path = "/100000/230000/230600/",
			  .floor_area_dm2 = 4000, .usable_area_dm2 = 3000, .floor = 1,
			  .orientation = "南", .rent_fen = 30000, .created_at = 1, .updated_at = 1 };
	int64_t ids[120], id;
	unsigned x = 12345;
	struct gzf_err err;
	struct db_conn *c;
	int i, round, estate;

	ok(db_acquire(db, ar, &c, &err), &err);
	for (i = 0; i < 3; i++)
		ok(region_store_put(c, &regions[i], &err), &err);
	for (estate = 0; estate < 2; estate++) {
		e.name = estate ? "乙小区" : "甲小区";
		e.district_code = 230602 + estate;
		e.near_transport = estate;
		ok(housing_store_estate_save(c, &e, 0, &e.id, &err), &err);
		b.estate_id = e.id;
		ok(housing_store_building_save(c, &b, 0, &b.id, &err), &err);
		for (i = estate * 60; i < estate * 60 + 60; i++) {
			u.estate_id = e.id;
			u.building_id = b.id;
			u.district_code = e.district_code;
			u.near_transport = e.near_transport;
			u.unit_no = arena_printf(ar, "%d", i);
			u.layout = layouts[i % 3];
			u.fitted = i % 2;
			u.rent_fen = 20000 + (i * 37 % 20) * 1000 + (i % 7 == 0) * 500;
			u.floor_area_dm2 = 3000 + (i * 53 % 30) * 100;
			ok(housing_store_unit_save(c, &u, 0, &ids[i], &err), &err);
		}
	}
	search_agrees(c, &x);
	for (round = 0; round < 20; round++) {
		ok(db_begin(c, &err), &err);
		for (i = 0; i < 30; i++) {
			x = x * 1103515245u + 12345u;
			id = ids[(x >> 8) % 120];
			switch ((x >> 4) % 4) {
			case 0:
				ok(housing_store_unit_set_published(c, id, (x >> 20) & 1, 2 + (x >> 24) % 5, &err), &err);
				break;
			case 1:
				ok(housing_store_unit_set_status(c, id, statuses[(x >> 20) % 4], 2, &err), &err);
				break;
			case 2: /* new attributes through the upsert */
				ok(housing_store_unit_get(c, id, &u, &err), &err);
				u.layout = layouts[(x >> 20) % 3];
				u.fitted = (x >> 24) & 1;
				ok(housing_store_unit_save(c, &u, 1, &id, &err), &err);
				break;
			default: /* a whole estate published at once */
				ok(housing_store_estate_publish(c, u.estate_id, 2, &id, &err), &err);
			}
		}
		if (round % 5 == 4)
			db_rollback(c); /* what is rolled back is not counted either */
		else
			ok(db_commit(c, &err), &err);
		search_agrees(c, &x);
	}
	db_release(c);
	arena_destroy(ar);
	unit_db_done(&udb, db);
}
END_TEST

START_TEST(figures)
{
	int64_t v;
	int f;

	ck_assert_int_eq(housing_parse_hundredths("45", 100000, &v), 0);
	ck_assert_int_eq(v, 4500);
	ck_assert_int_eq(housing_parse_hundredths("45.5", 100000, &v), 0);
	ck_assert_int_eq(v, 4550);
	ck_assert_int_eq(housing_parse_hundredths("45.05", 100000, &v), 0);
	ck_assert_int_eq(v, 4505);
	ck_assert_int_eq(housing_parse_hundredths("45.500", 100000, &v), 0);
	ck_assert_int_eq(v, 4550);
	ck_assert_int_eq(housing_parse_hundredths("45.555", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths("1000.01", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths("-1", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths(".5", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths("5.", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths("", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths("99999999999999999999", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_micro("125.103784", 180, &v), 0);
	ck_assert_int_eq(v, 125103784);
	ck_assert_int_eq(housing_parse_micro("-3.5", 180, &v), 0);
	ck_assert_int_eq(v, -3500000);
	ck_assert_int_eq(housing_parse_micro("90.000001", 90, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_flag("是", &f), 0);
	ck_assert_int_eq(f, 1);
	ck_assert_int_eq(housing_parse_flag("毛坯", &f), 0);
	ck_assert_int_eq(f, 0);
	ck_assert_int_eq(housing_parse_flag("也许", &f), GZF_EINVAL);
	ck_assert_int_eq(housing_district_of("/100000/230000/230600/230602/230602001/"), 230602);
	ck_assert_int_eq(housing_district_of("/100000/230000/230600/230602/"), 230602);
	ck_assert_int_eq(housing_district_of("/100000/230000/230600/"), 0);
	ck_assert_int_eq(housing_district_of("/100000/"), 0);
	ck_assert(housing_layout_valid("一室一厅"));
	ck_assert(!housing_layout_valid(""));
	ck_assert(!housing_layout_valid("a\tb"));
	ck_assert(!housing_layout_valid("一二三四五六七八九十一二三四五六七"));
}
END_TEST

/* A good unit: one room, 45.5 m² (38 usable), third floor, 650 yuan. */
static struct unit
good_unit(void)
{
	return (struct unit){ .unit_no = "301", .layout = "一室一厅", .orientation = "南",
			      .floor_area_dm2 = 4550, .usable_area_dm2 = 3800, .floor = 3,
			      .rent_fen = 65000 };
}

START_TEST(unit_rules)
{
	struct unit u = good_unit();
	struct gzf_err err = { 0 };
	unsigned bad = 99;

	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_OK);
	ck_assert_uint_eq(bad, 0);
	ck_assert_int_eq(housing_unit_check(&u, NULL, NULL), GZF_OK);
	/* The limits themselves are good; no orientation, a basement floor, free rent too. */
	u.floor_area_dm2 = u.usable_area_dm2 = HOUSING_AREA_MIN_DM2;
	u.orientation = NULL;
	u.floor = HOUSING_FLOOR_MIN;
	u.rent_fen = 0;
	ck_assert_int_eq(housing_unit_check(&u, NULL, NULL), GZF_OK);
	u.floor_area_dm2 = u.usable_area_dm2 = HOUSING_AREA_MAX_DM2;
	u.unit_no = "一二三四五六七八九十一二三四五六七八九十";
	u.floor = HOUSING_FLOOR_MAX;
	u.rent_fen = HOUSING_RENT_MAX_FEN;
	ck_assert_int_eq(housing_unit_check(&u, NULL, NULL), GZF_OK);

	/* Each rule on its own: the attribute, and the API's code and field. */
	u = good_unit();
	u.unit_no = "";
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_NO);
	ck_assert_str_eq(err.name, "required");
	ck_assert_str_eq(err.field, "unit_no");
	u.unit_no = NULL;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "required");
	u.unit_no = "一二三四五六七八九十一二三四五六七八九十一";
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "too_long");
	ck_assert_str_eq(err.message, "unit_no must be at most 20 characters");

	u = good_unit();
	u.layout = "a\tb";
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_LAYOUT);
	ck_assert_str_eq(err.name, "invalid_value");
	ck_assert_str_eq(err.field, "layout");
	u.layout = "一二三四五六七八九十一二三四五六七";
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "too_long");

	u = good_unit();
	u.orientation = "东南西北东南西北东南西";
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_ORIENTATION);
	ck_assert_str_eq(err.field, "orientation");

	u = good_unit();
	u.usable_area_dm2 = u.floor_area_dm2 + 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_USABLE_AREA);
	ck_assert_str_eq(err.field, "usable_area_dm2");
	ck_assert_str_eq(err.message, "the usable area cannot exceed the floor area");
	u.usable_area_dm2 = HOUSING_AREA_MIN_DM2 - 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_USABLE_AREA);

	/* A bad floor area is not also a usable area above it. */
	u = good_unit();
	u.floor_area_dm2 = HOUSING_AREA_MIN_DM2 - 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_FLOOR_AREA);
	ck_assert_str_eq(err.field, "floor_area_dm2");
	ck_assert_str_eq(err.message, "floor_area_dm2 must be a whole number from 100 to 100000");
	u.floor_area_dm2 = HOUSING_AREA_MAX_DM2 + 1;
	u.usable_area_dm2 = HOUSING_AREA_MAX_DM2;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_FLOOR_AREA);

	u = good_unit();
	u.floor = HOUSING_FLOOR_MIN - 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_FLOOR);
	ck_assert_str_eq(err.field, "floor");
	u.floor = HOUSING_FLOOR_MAX + 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);

	u = good_unit();
	u.rent_fen = -1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_RENT);
	ck_assert_str_eq(err.field, "rent_fen");
	u.rent_fen = HOUSING_RENT_MAX_FEN + 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);

	/* Several at once: every one in the set, the first in the error. */
	u = (struct unit){ 0 };
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, (1u << UNIT_NO) | (1u << UNIT_LAYOUT) | (1u << UNIT_FLOOR_AREA) |
			       (1u << UNIT_USABLE_AREA));
	ck_assert_str_eq(err.field, "unit_no");
	u = good_unit();
	u.floor = 999;
	u.layout = "";
	ck_assert_int_eq(housing_unit_check(&u, &bad, NULL), GZF_EINVAL);
	ck_assert_uint_eq(bad, (1u << UNIT_LAYOUT) | (1u << UNIT_FLOOR));
}
END_TEST

START_TEST(csv)
{
	struct arena *a = arena_create();
	struct gzf_err err;
	struct sheet s;
	const char *text = "\xEF\xBB\xBF" "a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\r\n\r\n\"two\nlines\",,z";

	ck_assert_int_eq(sheet_parse_csv(a, text, strlen(text), &s, &err), 0);
	ck_assert_int_eq(s.nrows, 3);
	ck_assert_str_eq(s.rows[0].cells[0], "a");
	ck_assert_int_eq(s.rows[1].ncells, 3);
	ck_assert_str_eq(s.rows[1].cells[0], "x,1");
	ck_assert_str_eq(s.rows[1].cells[1], "say \"hi\"");
	ck_assert_str_eq(s.rows[1].cells[2], "");
	ck_assert_int_eq(s.rows[2].line, 4);
	ck_assert_str_eq(s.rows[2].cells[0], "two\nlines");
	ck_assert_str_eq(s.rows[2].cells[2], "z");
	ck_assert_int_eq(sheet_parse_csv(a, "\"open", 5, &s, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "sheet_invalid");
	ck_assert_int_eq(sheet_parse_csv(a, "\xff\xfe", 2, &s, &err), GZF_EINVAL);
	arena_destroy(a);
}
END_TEST

/* A stored (uncompressed) zip of two members, the way tests/lib/xlsx.mjs writes them. */
static size_t
put_member(unsigned char *out, size_t off, unsigned char *dir, size_t *dlen, const char *name,
	   const char *data)
{
	size_t n = strlen(name), len = strlen(data);
	unsigned long crc = crc32(0, (const unsigned char *)data, (unsigned)len);
	unsigned char *l = out + off, *d = dir + *dlen;

	memset(l, 0, 30);
	memcpy(l, "PK\x03\x04", 4);
	l[14] = crc & 0xff; l[15] = (crc >> 8) & 0xff; l[16] = (crc >> 16) & 0xff; l[17] = (crc >> 24) & 0xff;
	l[18] = l[22] = len & 0xff; l[19] = l[23] = (len >> 8) & 0xff;
	l[26] = (unsigned char)n;
	memcpy(l + 30, name, n);
	memcpy(l + 30 + n, data, len);
	memset(d, 0, 46);
	memcpy(d, "PK\x01\x02", 4);
	d[20] = d[24] = len & 0xff; d[21] = d[25] = (len >> 8) & 0xff;
	d[28] = (unsigned char)n;
	d[42] = off & 0xff; d[43] = (off >> 8) & 0xff;
	memcpy(d + 46, name, n);
	*dlen += 46 + n;
	return off + 30 + n + len;
}

START_TEST(xlsx)
{
	static unsigned char file[8192], dir[1024];
	struct arena *a = arena_create();
	struct gzf_err err;
	struct sheet s;
	size_t off = 0, dlen = 0;
	unsigned char *end;

	off = put_member(file, off, dir, &dlen, "xl/sharedStrings.xml",
		"<sst xmlns=\"x\"><si><t>小区名称</t></si><si><r><t>幸福</t></r><r><t>家园</t></r>"
		"<rPh><t>xingfu</t></rPh></si></sst>");
	off = put_member(file, off, dir, &dlen, "xl/worksheets/sheet1.xml",
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"inlineStr\">"
		"<is><t>面积</t></is></c></row><row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c>"
		"<c r=\"C3\"><v>45.5</v></c></row></sheetData></worksheet>");
	memcpy(file + off, dir, dlen);
	end = file + off + dlen;
	memset(end, 0, 22);
	memcpy(end, "PK\x05\x06", 4);
	end[8] = end[10] = 2;
	end[12] = dlen & 0xff; end[13] = (dlen >> 8) & 0xff;
	end[16] = off & 0xff; end[17] = (off >> 8) & 0xff;
	ck_assert(sheet_is_xlsx(file, off + dlen + 22));
	ck_assert_int_eq(sheet_parse_xlsx(a, file, off + dlen + 22, &s, &err), 0);
	ck_assert_int_eq(s.nrows, 2);
	ck_assert_int_eq(s.rows[0].ncells, 3);
	ck_assert_str_eq(s.rows[0].cells[0], "小区名称");
	ck_assert_str_eq(s.rows[0].cells[1], "");
	ck_assert_str_eq(s.rows[0].cells[2], "面积");
	ck_assert_int_eq(s.rows[1].line, 3);
	ck_assert_str_eq(s.rows[1].cells[0], "幸福家园");
	ck_assert_str_eq(s.rows[1].cells[2], "45.5");
	/* Cut short, it is refused, not misread. */
	ck_assert_int_eq(sheet_parse_xlsx(a, file, off + dlen + 10, &s, &err), GZF_EINVAL);
	ck_assert_int_eq(sheet_parse_xlsx(a, file, 200, &s, &err), GZF_EINVAL);
	arena_destroy(a);
}
END_TEST

Suite *
housing_suite(void)
{
	Suite *s = suite_create("housing");
	TCase *tc = tcase_create("housing");

	tcase_add_test(tc, figures);
	tcase_add_test(tc, unit_rules);
	tcase_add_test(tc, csv);
	tcase_add_test(tc, xlsx);
	suite_add_tcase(s, tc);
	tc = tcase_create("unit-sqlite");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, use_sqlite, NULL);
	tcase_add_test(tc, unit_every_state_and_event);
	tcase_add_test(tc, listing_search_follows_units);
	suite_add_tcase(s, tc);
	if (unit_pg_wanted(s)) {
		tc = tcase_create("unit-pgsql");
		tcase_set_timeout(tc, 120);
		tcase_add_checked_fixture(tc, use_pg, NULL);
		tcase_add_test(tc, unit_every_state_and_event);
		tcase_add_test(tc, listing_search_follows_units);
		suite_add_tcase(s, tc);
	}
	return s;
}
