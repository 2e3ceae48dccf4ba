/* test_rent.c — the money rules of rent against the worked examples of
 * docs/design/rent.md (every figure computed by hand in the comments): rounding, a month's
 * rent and reductions, the version in force, proration, the deposit, late fees with grace
 * and caps, and the city's configuration JSON, refused with stable codes when wrong. */
#include <stdlib.h>
#include <string.h>

#include "domain/rent.h"
#include "unit.h"

/* The example city: 10.50 yuan per m² a month from 2026-01-01, 11.00 from 2026-07-15;
 * 低保 (dibao) households pay half, 特困 (tekun) nothing, income band 1 gets 100 yuan off;
 * late fee 5 bp (万分之五) a day after 15 grace days, at most 10% of the principal. */
static const char example_json[] =
	"{\"deposit_months\":2,"
	" \"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1050,"
	"  \"reductions\":[{\"category\":\"dibao\",\"kind\":\"percent\",\"bp\":5000},"
	"                 {\"category\":\"tekun\",\"kind\":\"waive\"},"
	"                 {\"income_band\":1,\"kind\":\"fixed\",\"fen\":10000}]},"
	"  {\"effective\":\"2026-07-15\",\"fen_per_m2\":1100}],"
	" \"late_fee\":{\"bp_per_day\":5,\"grace_days\":15,\"cap_bp\":1000,\"cap_fen\":null,"
	"  \"basis\":\"《公共租赁住房租赁合同》第十条\"}}";

static void
example(struct rent_config *cfg)
{
	json_t *j = json_loads(example_json, 0, NULL);
	struct gzf_err e;

	ck_assert_ptr_nonnull(j);
	gzf_err_clear(&e);
	ck_assert_msg(rent_config_parse(j, cfg, &e) == GZF_OK, "%s: %s", e.field, e.message);
	json_decref(j);
}

START_TEST(rounding_half_up)
{
	ck_assert_int_eq(rent_round_div(4795350, 100), 47954); /* 47953.50 → up */
	ck_assert_int_eq(rent_round_div(4795349, 100), 47953); /* 47953.49 → down */
	ck_assert_int_eq(rent_round_div(5, 2), 3);
	ck_assert_int_eq(rent_round_div(4, 2), 2);
	ck_assert_int_eq(rent_round_div(2, 3), 1);
	ck_assert_int_eq(rent_round_div(1, 3), 0);
	ck_assert_int_eq(rent_round_div(0, 7), 0);
}
END_TEST

START_TEST(month_worked_example)
{
	struct rent_config cfg;
	struct rent_household plain = { "", 0 }, dibao = { "dibao", 3 }, tekun = { "tekun", 1 },
			      band1 = { "elderly", 1 };
	struct rent_lines l;

	example(&cfg);
	/* 45.67 m² = 4567 dm²; 4567 × 1050 / 100 = 47953.5 → 47954 fen (479.54 yuan). */
	ck_assert_int_eq(rent_month(&cfg, 202603, 4567, &plain, &l, NULL), GZF_OK);
	ck_assert_int_eq(l.version, 0);
	ck_assert_int_eq(l.rent_fen, 47954);
	ck_assert_int_eq(l.reduction_fen, 0);
	ck_assert_int_eq(l.due_fen, 47954);
	/* 低保 50%: 47954 × 5000 / 10000 = 23977 off; due 23977 (239.77 yuan). */
	ck_assert_int_eq(rent_month(&cfg, 202603, 4567, &dibao, &l, NULL), GZF_OK);
	ck_assert_int_eq(l.reduction_fen, 23977);
	ck_assert_int_eq(l.due_fen, 23977);
	/* 特困: waived, due 0. */
	ck_assert_int_eq(rent_month(&cfg, 202603, 4567, &tekun, &l, NULL), GZF_OK);
	ck_assert_int_eq(l.reduction_fen, 47954);
	ck_assert_int_eq(l.due_fen, 0);
	/* Income band 1, any category: 10000 fen off; 47954 − 10000 = 37954. */
	ck_assert_int_eq(rent_month(&cfg, 202603, 4567, &band1, &l, NULL), GZF_OK);
	ck_assert_int_eq(l.reduction_fen, 10000);
	ck_assert_int_eq(l.due_fen, 37954);
	/* A fixed reduction is never above the rent: 1.00 m² × 1050 = 1050 fen, all off. */
	ck_assert_int_eq(rent_month(&cfg, 202603, 100, &band1, &l, NULL), GZF_OK);
	ck_assert_int_eq(l.reduction_fen, 1050);
	ck_assert_int_eq(l.due_fen, 0);
	/* Deposit: 2 × 23977 = 47954. */
	ck_assert_int_eq(rent_deposit(&cfg, 23977), 47954);
	/* Areas outside the housing bounds, months that are not. */
	ck_assert_int_eq(rent_month(&cfg, 202603, 99, &plain, &l, NULL), GZF_EINVAL);
	ck_assert_int_eq(rent_month(&cfg, 202613, 4567, &plain, &l, NULL), GZF_EINVAL);
}
END_TEST

START_TEST(month_effective_date)
{
	struct rent_config cfg, later;
	struct rent_household dibao = { "dibao", 0 };
	struct rent_lines l, before;
	struct gzf_err e;

	example(&cfg);
	/* Before the first version: nothing in force. */
	gzf_err_clear(&e);
	ck_assert_int_eq(rent_month(&cfg, 202512, 4567, &dibao, &l, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "no_rule_in_force");
	/* The 2026-07-15 version is not in force on 2026-07-01: July stays at 1050. */
	ck_assert_int_eq(rent_month(&cfg, 202607, 4567, &dibao, &l, NULL), GZF_OK);
	ck_assert_int_eq(l.version, 0);
	ck_assert_int_eq(l.rent_fen, 47954);
	/* August: 4567 × 1100 / 100 = 50237 exactly; that version has no reductions. */
	ck_assert_int_eq(rent_month(&cfg, 202608, 4567, &dibao, &l, NULL), GZF_OK);
	ck_assert_int_eq(l.version, 1);
	ck_assert_int_eq(l.rent_fen, 50237);
	ck_assert_int_eq(l.due_fen, 50237);
	ck_assert_int_eq(rent_version_in_force(&cfg, 20260714), 0);
	ck_assert_int_eq(rent_version_in_force(&cfg, 20260715), 1);
	ck_assert_int_eq(rent_version_in_force(&cfg, 20251231), -1);
	/* A version added from 2026-09-01 changes nothing up to August. */
	later = cfg;
	later.versions[2] = cfg.versions[1];
	later.versions[2].effective = 20260901;
	later.versions[2].fen_per_m2 = 1200;
	later.nversions = 3;
	ck_assert_int_eq(rent_month(&cfg, 202608, 4567, &dibao, &before, NULL), GZF_OK);
	ck_assert_int_eq(rent_month(&later, 202608, 4567, &dibao, &l, NULL), GZF_OK);
	ck_assert_mem_eq(&l, &before, sizeof(l));
	ck_assert_int_eq(rent_month(&later, 202609, 4567, &dibao, &l, NULL), GZF_OK);
	ck_assert_int_eq(l.rent_fen, 54804); /* 4567 × 1200 / 100 */
	/* Billed through August: adding September is allowed, rewriting August is not. */
	ck_assert_int_eq(rent_config_change_check(&cfg, &later, 202608, NULL), GZF_OK);
	later.versions[1].fen_per_m2 = 1000;
	gzf_err_clear(&e);
	ck_assert_int_eq(rent_config_change_check(&cfg, &later, 202608, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "rewrites_billed_month");
	/* ... but that version was not in force on any month billed through July 1. */
	ck_assert_int_eq(rent_config_change_check(&cfg, &later, 202607, NULL), GZF_OK);
	/* Removing a version in force on a billed month is refused too. */
	later = cfg;
	later.nversions = 1;
	ck_assert_int_eq(rent_config_change_check(&cfg, &later, 202608, NULL), GZF_EINVAL);
	ck_assert_int_eq(rent_config_change_check(&cfg, &later, 0, NULL), GZF_OK);
}
END_TEST

/* A version added later never changes a month already billed, whatever the versions:
 * random configurations, months and new versions (seeded; the seed is in the message). */
START_TEST(effective_date_random)
{
	unsigned seed = (unsigned)gzf_now_ms(), r = seed;
	struct rent_household h = { "dibao", 1 };
	struct rent_config cfg, later;
	struct rent_lines before, after;
	int i, v, k, month, rc_before, rc_after;

	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < 10000; i++) {
		/* Versions on day 1..28 of months 1..6 apart from January 2020 (k counts months). */
		cfg.nversions = 1 + rand_r(&r) % (RENT_VERSIONS_MAX - 1);
		for (v = 0, k = 0; v < cfg.nversions; v++, k += 1 + rand_r(&r) % 6)
			cfg.versions[v] = (struct rent_version){
				.effective = (2020 + k / 12) * 10000 + (k % 12 + 1) * 100 + 1 + rand_r(&r) % 28,
				.fen_per_m2 = 1 + rand_r(&r) % RENT_FEN_PER_M2_MAX };
		/* A month up to that of the last version; a new version after it and after the
		 * month's first day. */
		k = rand_r(&r) % k;
		month = (2020 + k / 12) * 100 + k % 12 + 1;
		later = cfg;
		later.versions[later.nversions++] = (struct rent_version){
			.effective = cfg.versions[cfg.nversions - 1].effective + 10000, .fen_per_m2 = 7 };
		rc_before = rent_month(&cfg, month, 4567, &h, &before, NULL);
		rc_after = rent_month(&later, month, 4567, &h, &after, NULL);
		ck_assert_msg(rc_before == rc_after &&
			      (rc_before != GZF_OK || memcmp(&before, &after, sizeof(before)) == 0),
			      "seed %u case %d: month %d changed by a later version", seed, i, month);
		ck_assert_msg(rent_config_change_check(&cfg, &later, month, NULL) == GZF_OK,
			      "seed %u case %d: adding a later version refused", seed, i);
		/* Changing the price of the version in force on the month is refused. */
		v = rent_version_in_force(&cfg, month * 100 + 1);
		if (v >= 0) {
			later.versions[v].fen_per_m2 = later.versions[v].fen_per_m2 % RENT_FEN_PER_M2_MAX + 1;
			ck_assert_msg(rent_config_change_check(&cfg, &later, month, NULL) == GZF_EINVAL,
				      "seed %u case %d: rewriting month %d allowed", seed, i, month);
		}
	}
}
END_TEST

START_TEST(prorate)
{
	struct rent_lines full = { 0, 47954, 23977, 23977 }, l;
	struct gzf_err e;

	/* Lease from 2026-03-20: days 20..31 = 12 of 31.
	 * rent 47954 × 12 / 31 = 18562.84 → 18563; reduction 23977 × 12 / 31 = 9281.42 → 9281;
	 * due 18563 − 9281 = 9282. */
	ck_assert_int_eq(rent_prorate(&full, 20260320, 20260331, &l, NULL), GZF_OK);
	ck_assert_int_eq(l.rent_fen, 18563);
	ck_assert_int_eq(l.reduction_fen, 9281);
	ck_assert_int_eq(l.due_fen, 9282);
	/* Lease ending 2028-02-10 (a leap February, 29 days): 10 days.
	 * 47954 × 10 / 29 = 16535.86 → 16536; 23977 × 10 / 29 = 8267.93 → 8268; due 8268. */
	ck_assert_int_eq(rent_prorate(&full, 20280201, 20280210, &l, NULL), GZF_OK);
	ck_assert_int_eq(l.rent_fen, 16536);
	ck_assert_int_eq(l.reduction_fen, 8268);
	ck_assert_int_eq(l.due_fen, 8268);
	/* One day of a 30-day month: 47954 / 30 = 1598.47 → 1598; 23977 / 30 = 799.23 → 799. */
	ck_assert_int_eq(rent_prorate(&full, 20260415, 20260415, &l, NULL), GZF_OK);
	ck_assert_int_eq(l.rent_fen, 1598);
	ck_assert_int_eq(l.due_fen, 799);
	/* The whole month is the full month. */
	ck_assert_int_eq(rent_prorate(&full, 20260201, 20260228, &l, NULL), GZF_OK);
	ck_assert_mem_eq(&l, &full, sizeof(l));
	/* Days across months, reversed, impossible. */
	gzf_err_clear(&e);
	ck_assert_int_eq(rent_prorate(&full, 20260320, 20260401, &l, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "invalid_value");
	ck_assert_int_eq(rent_prorate(&full, 20260320, 20260319, &l, NULL), GZF_EINVAL);
	ck_assert_int_eq(rent_prorate(&full, 20260230, 20260230, &l, NULL), GZF_EINVAL);
}
END_TEST

START_TEST(late_fee)
{
	struct rent_config cfg;
	struct rent_late_rule r;
	int64_t fee = -1;

	example(&cfg);
	r = cfg.late;
	/* Principal 23977 due 2026-03-10; 5 bp a day; 15 grace days; cap 10% = 2397.7 → 2397. */
	ck_assert_int_eq(rent_late_fee(&r, 23977, 20260310, 20260310, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, 0);
	/* 2026-03-25: 15 days late, all grace. */
	ck_assert_int_eq(rent_late_fee(&r, 23977, 20260310, 20260325, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, 0);
	/* 2026-03-26: 16 days late, 1 charged: 23977 × 5 × 1 / 10000 = 11.99 → 11. */
	ck_assert_int_eq(rent_late_fee(&r, 23977, 20260310, 20260326, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, 11);
	/* 2026-04-30: 51 days late, 36 charged: 23977 × 5 × 36 / 10000 = 431.59 → 431. */
	ck_assert_int_eq(rent_late_fee(&r, 23977, 20260310, 20260430, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, 431);
	/* 2026-10-10: 214 days late, 199 charged: 2385.71 → 2385, under the cap. */
	ck_assert_int_eq(rent_late_fee(&r, 23977, 20260310, 20261010, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, 2385);
	/* 2026-10-11: 200 charged: 2397.7 → 2397, the cap reached. */
	ck_assert_int_eq(rent_late_fee(&r, 23977, 20260310, 20261011, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, 2397);
	/* 2026-11-30: 250 charged would be 2997; capped at 2397. */
	ck_assert_int_eq(rent_late_fee(&r, 23977, 20260310, 20261130, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, 2397);
	/* An absolute cap of 2000 fen below the percentage cap wins. */
	r.cap_fen = 2000;
	ck_assert_int_eq(rent_late_fee(&r, 23977, 20260310, 20261130, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, 2000);
	/* No grace: day 1 late is charged. */
	r.grace_days = 0;
	ck_assert_int_eq(rent_late_fee(&r, 23977, 20260310, 20260311, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, 11);
	/* Paid early: nothing. Zero rate: nothing ever. */
	ck_assert_int_eq(rent_late_fee(&r, 23977, 20260310, 20260301, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, 0);
	r.bp_per_day = 0;
	ck_assert_int_eq(rent_late_fee(&r, 23977, 20260310, 20991231, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, 0);
	/* The largest figures stay exact: 10^12 fen, 100 bp a day, 1970 → 2099. */
	r.bp_per_day = RENT_LATE_BP_PER_DAY_MAX;
	r.cap_bp = 10000;
	r.cap_fen = 0;
	ck_assert_int_eq(rent_late_fee(&r, RENT_AMOUNT_MAX_FEN, 19700101, 20991231, &fee, NULL), GZF_OK);
	ck_assert_int_eq(fee, RENT_AMOUNT_MAX_FEN);
	/* Refused: a principal out of bounds, impossible dates. */
	ck_assert_int_eq(rent_late_fee(&r, RENT_AMOUNT_MAX_FEN + 1, 20260310, 20260311, &fee, NULL),
			 GZF_EINVAL);
	ck_assert_int_eq(rent_late_fee(&r, -1, 20260310, 20260311, &fee, NULL), GZF_EINVAL);
	ck_assert_int_eq(rent_late_fee(&r, 1, 20260230, 20260311, &fee, NULL), GZF_EINVAL);
}
END_TEST

START_TEST(late_fee_never_above_cap)
{
	struct rent_late_rule r = { 0 };
	int64_t fee, principal, prev;
	unsigned seed = 20260310;
	int i, d;

	for (i = 0; i < 2000; i++) {
		seed = seed * 1103515245u + 12345u;
		principal = (int64_t)(seed % 10000000u);
		r.bp_per_day = seed % (RENT_LATE_BP_PER_DAY_MAX + 1);
		r.grace_days = (int)(seed >> 8) % 30;
		r.cap_bp = (seed >> 4) % 10001;
		r.cap_fen = (seed >> 12) % 3 == 0 ? 0 : (int64_t)((seed >> 3) % 100000);
		prev = 0;
		for (d = 1; d <= 28; d += 3) {
			ck_assert_int_eq(rent_late_fee(&r, principal, 20260101, 20260200 + d, &fee, NULL), GZF_OK);
			ck_assert_msg(fee >= prev, "late fees never go down as days pass");
			ck_assert(fee <= principal * r.cap_bp / 10000);
			ck_assert(r.cap_fen == 0 || fee <= r.cap_fen);
			prev = fee;
		}
	}
}
END_TEST

START_TEST(config_parse)
{
	struct rent_config cfg;

	example(&cfg);
	ck_assert_int_eq(cfg.deposit_months, 2);
	ck_assert_int_eq(cfg.nversions, 2);
	ck_assert_int_eq(cfg.versions[0].effective, 20260101);
	ck_assert_int_eq(cfg.versions[0].nreductions, 3);
	ck_assert_str_eq(cfg.versions[0].reductions[0].category, "dibao");
	ck_assert_int_eq(cfg.versions[0].reductions[0].kind, RENT_REDUCE_PERCENT);
	ck_assert_int_eq(cfg.versions[0].reductions[0].value, 5000);
	ck_assert_int_eq(cfg.versions[0].reductions[1].kind, RENT_REDUCE_WAIVE);
	ck_assert_int_eq(cfg.versions[0].reductions[2].income_band, 1);
	ck_assert_str_eq(cfg.versions[0].reductions[2].category, "");
	ck_assert_int_eq(cfg.versions[1].effective, 20260715);
	ck_assert_int_eq(cfg.late.bp_per_day, 5);
	ck_assert_int_eq(cfg.late.grace_days, 15);
	ck_assert_int_eq(cfg.late.cap_bp, 1000);
	ck_assert_int_eq(cfg.late.cap_fen, 0);
	ck_assert_str_eq(cfg.late.basis, "《公共租赁住房租赁合同》第十条");
}
END_TEST

/* Configurations refused, each with its stable name and the JSON path at fault. */
static const struct {
	const char *json, *name, *field;
} bad_configs[] = {
	{ "[]", "invalid_value", "" },
	{ "{\"versions\":[]}", "invalid_value", "versions" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1}],\"extra\":1}",
	  "invalid_value", "extra" },
	{ "{\"deposit_months\":13,\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1}]}",
	  "invalid_value", "deposit_months" },
	{ "{\"versions\":[{\"effective\":\"2026-02-30\",\"fen_per_m2\":1}]}",
	  "invalid_value", "versions[0].effective" },
	{ "{\"versions\":[{\"effective\":\"2026-1-01\",\"fen_per_m2\":1}]}",
	  "invalid_value", "versions[0].effective" },
	{ "{\"versions\":[{\"effective\":\"2026-+1-01\",\"fen_per_m2\":1}]}",
	  "invalid_value", "versions[0].effective" },
	{ "{\"versions\":[{\"effective\":\"1969-12-31\",\"fen_per_m2\":1}]}",
	  "invalid_value", "versions[0].effective" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":0}]}",
	  "invalid_value", "versions[0].fen_per_m2" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":100001}]}",
	  "invalid_value", "versions[0].fen_per_m2" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":10.5}]}",
	  "invalid_value", "versions[0].fen_per_m2" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1},"
	  "{\"effective\":\"2026-01-01\",\"fen_per_m2\":2}]}", "not_increasing", "versions[1]" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1,"
	  "\"reductions\":[{\"kind\":\"percent\",\"bp\":10001}]}]}",
	  "invalid_value", "versions[0].reductions[0]" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1,"
	  "\"reductions\":[{\"kind\":\"percent\",\"bp\":0}]}]}",
	  "invalid_value", "versions[0].reductions[0]" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1,"
	  "\"reductions\":[{\"kind\":\"fixed\",\"fen\":-5}]}]}",
	  "invalid_value", "versions[0].reductions[0]" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1,"
	  "\"reductions\":[{\"kind\":\"waive\",\"bp\":1}]}]}",
	  "invalid_value", "versions[0].reductions[0]" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1,"
	  "\"reductions\":[{\"kind\":\"halve\"}]}]}", "invalid_value", "versions[0].reductions[0]" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1,"
	  "\"reductions\":[{\"category\":\"Dibao\",\"kind\":\"waive\"}]}]}",
	  "invalid_value", "versions[0].reductions[0]" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1,"
	  "\"reductions\":[{\"income_band\":10,\"kind\":\"waive\"}]}]}",
	  "invalid_value", "versions[0].reductions[0]" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1}],"
	  "\"late_fee\":{\"bp_per_day\":101,\"cap_bp\":1000,\"basis\":\"x\"}}",
	  "invalid_value", "late_fee.bp_per_day" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1}],"
	  "\"late_fee\":{\"bp_per_day\":5,\"cap_bp\":10001,\"basis\":\"x\"}}",
	  "invalid_value", "late_fee.cap_bp" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1}],"
	  "\"late_fee\":{\"bp_per_day\":5,\"cap_bp\":1000}}", "basis_required", "late_fee.basis" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1}],"
	  "\"late_fee\":{\"bp_per_day\":5,\"grace_days\":366,\"cap_bp\":1000,\"basis\":\"x\"}}",
	  "invalid_value", "late_fee.grace_days" },
	{ "{\"versions\":[{\"effective\":\"2026-01-01\",\"fen_per_m2\":1}],"
	  "\"late_fee\":{\"bp_per_day\":5,\"cap_bp\":1000,\"cap_fen\":1000000000001,\"basis\":\"x\"}}",
	  "invalid_value", "late_fee.cap_fen" },
};

START_TEST(config_refused)
{
	struct rent_config cfg;
	struct gzf_err e;
	json_t *j = json_loads(bad_configs[_i].json, 0, NULL);

	ck_assert_msg(j != NULL, "case %d is not JSON", _i);
	gzf_err_clear(&e);
	ck_assert_int_eq(rent_config_parse(j, &cfg, &e), GZF_EINVAL);
	ck_assert_msg(strcmp(e.name, bad_configs[_i].name) == 0 &&
		      strcmp(e.field, bad_configs[_i].field) == 0,
		      "case %d: expected %s at %s, got %s at %s (%s)", _i, bad_configs[_i].name,
		      bad_configs[_i].field, e.name, e.field, e.message);
	json_decref(j);
}
END_TEST

/* The bounds on counts and text: versions, reductions, basis. */
START_TEST(config_bounds)
{
	json_t *j, *versions = json_array(), *reds = json_array(), *late;
	struct rent_config cfg;
	struct gzf_err e;
	char date[24], basis[RENT_BASIS_CHARS * 3 + 4];
	int i;

	for (i = 0; i <= RENT_VERSIONS_MAX; i++) {
		snprintf(date, sizeof(date), "%d-01-01", 2000 + i);
		json_array_append_new(versions, json_pack("{s:s,s:i}", "effective", date, "fen_per_m2", 1000));
	}
	j = json_pack("{s:o}", "versions", versions);
	gzf_err_clear(&e);
	ck_assert_int_eq(rent_config_parse(j, &cfg, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "too_many");
	json_array_remove(versions, 0);
	ck_assert_int_eq(rent_config_parse(j, &cfg, NULL), GZF_OK);
	ck_assert_int_eq(cfg.nversions, RENT_VERSIONS_MAX);
	for (i = 0; i <= RENT_REDUCTIONS_MAX; i++)
		json_array_append_new(reds, json_pack("{s:s}", "kind", "waive"));
	json_object_set_new(json_array_get(versions, 0), "reductions", reds);
	gzf_err_clear(&e);
	ck_assert_int_eq(rent_config_parse(j, &cfg, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "too_many");
	ck_assert_str_eq(e.field, "versions[0].reductions");
	json_array_remove(reds, 0);
	ck_assert_int_eq(rent_config_parse(j, &cfg, NULL), GZF_OK);
	/* basis: RENT_BASIS_CHARS characters of three bytes each fit; one more does not. */
	basis[0] = '\0';
	for (i = 0; i < RENT_BASIS_CHARS; i++)
		strcat(basis, "条");
	late = json_pack("{s:i,s:i,s:s}", "bp_per_day", 5, "cap_bp", 1000, "basis", basis);
	json_object_set_new(j, "late_fee", late);
	ck_assert_int_eq(rent_config_parse(j, &cfg, NULL), GZF_OK);
	ck_assert_str_eq(cfg.late.basis, basis);
	strcat(basis, "条");
	json_object_set_new(late, "basis", json_string(basis));
	gzf_err_clear(&e);
	ck_assert_int_eq(rent_config_parse(j, &cfg, &e), GZF_EINVAL);
	ck_assert_str_eq(e.name, "too_long");
	json_decref(j);
}
END_TEST

Suite *
rent_suite(void)
{
	Suite *s = suite_create("rent");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, rounding_half_up);
	tcase_add_test(tc, month_worked_example);
	tcase_add_test(tc, month_effective_date);
	tcase_add_test(tc, effective_date_random);
	tcase_add_test(tc, prorate);
	tcase_add_test(tc, late_fee);
	tcase_add_test(tc, late_fee_never_above_cap);
	tcase_add_test(tc, config_parse);
	tcase_add_loop_test(tc, config_refused, 0, (int)(sizeof(bad_configs) / sizeof(bad_configs[0])));
	tcase_add_test(tc, config_bounds);
	suite_add_tcase(s, tc);
	return s;
}
