/*
 * demo_lease.c — the demo city's leases, written after its selection: the households that
 * confirmed a flat get their lease from the city's template — the first signed at the
 * counter four months ago and moved in (active, so the billing job has months to bill),
 * the second signed at the counter yesterday and waiting for its keys — and the demo
 * resident 13800000004, offered a flat directly (定向), has a lease waiting for its
 * signature by SMS code. Each goes through the lease's own state machine on those times.
 */
#include <string.h>

#include "core/crypto.h"
#include "core/pdf.h"
#include "domain/billing.h"
#include "domain/calendar.h"
#include "domain/demo.h"
#include "domain/housing.h"
#include "domain/lease.h"
#include "domain/media.h"
#include "store/media_store.h"
#include "store/selection_store.h"
#include "store/user_store.h"

#define DEMO_CITY 230600
#define DEMO_RESIDENT_PHONE "13800000004"

/* The first day (yyyymmdd) of the month months before the one of ms (after, when
 * negative). */
static int
month_start(int64_t ms, int months)
{
	int d = calendar_local_date(ms), y = d / 10000, m = d / 100 % 100 - months;

	while (m < 1) {
		m += 12;
		y--;
	}
	while (m > 12) {
		m -= 12;
		y++;
	}
	return y * 10000 + m * 100 + 1;
}

/* The offered lease of household app for unit u from starts_on for 36 months, written by
 * manager at t. */
static int
offer(struct db_conn *c, const struct region *city, const struct application *app, int64_t unit_id,
      int64_t pick_id, int starts_on, int64_t manager, int64_t t, struct lease *l,
      struct gzf_err *err)
{
	struct lease_template tpl;
	struct lease_fields f;
	struct unit u;
	int rc;

	if ((rc = housing_store_unit_get(c, unit_id, &u, err)) != GZF_OK ||
	    (rc = lease_template_current(c, city->code, manager, t, &tpl, err)) != GZF_OK)
		return rc;
	*l = (struct lease){ .city_id = city->code, .application_id = app->id, .owner_id = app->owner_id,
		.unit_id = u.id, .pick_id = pick_id, .region_code = app->region_code,
		.region_path = app->region_path, .starts_on = starts_on,
		.ends_on = lease_term_end(starts_on, LEASE_TERM_MONTHS_DEFAULT), .area_dm2 = u.floor_area_dm2,
		.template_id = tpl.id,
		.title = tpl.title, .household_name_enc = app->applicant_name_enc, .created_by = manager,
		.created_at = t };
	if ((rc = billing_lease_terms(c, city->code, starts_on, u.floor_area_dm2, u.rent_fen, 2,
				      &l->rent_fen, &l->deposit_fen, err)) != GZF_OK)
		return rc;
	lease_fields_of(db_arena(c), city, app, &u, l, LEASE_TERM_MONTHS_DEFAULT, &f);
	return lease_generate(c, l, u.status, tpl.body, &f, err);
}

/* The household of l signs at the counter of clerk at t: the paper it signed (a scan,
 * kept as the clerk's consent upload) and the signed document. */
static int
counter_sign(struct db_conn *c, const struct secrets *s, const char *data_dir, struct lease *l,
	     const char *name, int64_t clerk, int64_t t, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	struct lease_input in = { .party = FSM_OWNER, .actor_id = clerk, .now = t, .method = "counter",
				  .consent = "承租人本人到社区服务站阅读合同并在纸质合同上签字，同意由工作人员上传签字件" };
	struct lease_fields who = { .tenant = name };
	struct pdf *p = pdf_create(a, "租赁合同签字页");
	const unsigned char *bytes;
	struct media m;
	char sha[65];
	size_t len;
	int rc;

	if ((rc = pdf_text(p, 12, 0, arena_printf(a, "《%s》（%s）签字页\n承租人签字：%s", l->title,
						    l->lease_no, name), err)) != GZF_OK ||
	    (rc = pdf_finish(p, &bytes, &len, err)) != GZF_OK ||
	    (rc = media_save(data_dir, s->data_key, bytes, len, sha, err)) != GZF_OK)
		return rc;
	m = (struct media){ .city_id = l->city_id, .owner_id = clerk, .region_path = l->region_path,
		.purpose = "consent", .name = "租赁合同签字页.pdf", .mime = "application/pdf",
		.size = (int64_t)len, .sha256 = arena_strdup(a, sha), .created_at = t, .sealed = 1 };
	if ((rc = media_store_create(c, &m, &m.id, err)) != GZF_OK)
		return rc;
	in.paper_media_id = m.id;
	if ((rc = lease_document_keep(c, data_dir, s->data_key, l, lease_render(a, l->body, &who, 0),
				      arena_printf(a, "柜台签署：承租人 %s 在纸质合同上签字，经办人员核对并上传签字件（SHA-256 %s）。\n承租人同意：%s",
						   name, m.sha256, in.consent),
				      l->owner_id ? l->owner_id : clerk, &in, err)) != GZF_OK)
		return rc;
	return lease_fire(c, l, LEASE_SIGN, &in, err);
}

/* The keys handed over at t: the record, and both sides' confirmation. */
static int
move_in(struct db_conn *c, struct lease *l, int64_t manager, int64_t clerk, int64_t t,
	struct gzf_err *err)
{
	const struct lease_move_in rec = {
		.keys_handed = 1, .water_m3 = "1032.5", .electricity_kwh = "4810.20", .gas_m3 = "266.8",
		.inventory = "[{\"item\":\"入户门钥匙\",\"condition\":\"3把\"},{\"item\":\"燃气灶\",\"condition\":\"完好\"},"
			     "{\"item\":\"热水器\",\"condition\":\"完好\"},{\"item\":\"窗户玻璃\",\"condition\":\"完好\"}]",
	};
	struct lease_input in = { .party = FSM_DECIDER, .actor_id = manager, .staff = 1, .now = t,
				  .move_in = &rec };
	int rc;

	if ((rc = lease_fire(c, l, LEASE_RECORD, &in, err)) != GZF_OK ||
	    (rc = lease_fire(c, l, LEASE_CONFIRM, &in, err)) != GZF_OK)
		return rc;
	in = (struct lease_input){ .party = FSM_OWNER, .actor_id = clerk, .now = t + 600000 };
	return lease_fire(c, l, LEASE_CONFIRM, &in, err);
}

/* A vacant flat of the city, reserved for the demo resident by manager at t. */
static int
reserve_flat(struct db_conn *c, const struct region *city, int64_t *unit_id, int64_t t,
	     struct gzf_err *err)
{
	struct unit *units;
	int rc, n, i;

	if ((rc = housing_store_unit_list(c, city->path, 0, 500, 0, &units, &n, err)) != GZF_OK)
		return rc;
	for (i = n - 1; i >= 0 && strcmp(units[i].status, "vacant") != 0; i--)
		;
	if (i < 0)
		return GZF_ENOTFOUND;
	*unit_id = units[i].id;
	return housing_unit_fire(c, &units[i], UNIT_TO_RESERVED, FSM_DECIDER, t, err);
}

int
demo_lease_load(struct db_conn *c, const struct secrets *s, const char *data_dir, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	int64_t now = gzf_now_ms() / 1000 * 1000, unit_id;
	struct selection_session *sessions;
	struct selection_pick *picks;
	struct application app, *apps;
	struct user manager, clerk, resident;
	char phone_hash[CRYPTO_HASH_HEX], *name;
	struct region city;
	struct lease l, *some;
	int rc, n, i, done = 0;

	if ((rc = lease_store_list(c, DEMO_CITY, "/", NULL, 0, 1, &some, &n, err)) != GZF_OK || n > 0)
		return rc;
	if ((rc = region_store_get(c, DEMO_CITY, &city, err)) != GZF_OK ||
	    (rc = user_store_by_username(c, "dq_housing", &manager, err)) != GZF_OK ||
	    (rc = user_store_by_username(c, "sz_clerk", &clerk, err)) != GZF_OK ||
	    (rc = selection_store_session_list(c, DEMO_CITY, 1, &sessions, &n, err)) != GZF_OK)
		return rc;
	if (n == 1 && (rc = selection_store_picks(c, sessions[0].id, &picks, &n, err)) != GZF_OK)
		return rc;
	for (i = 0; i < n && done < 2; i++) {
		int64_t start;

		if (strcmp(picks[i].state, "confirmed") != 0)
			continue;
		if ((rc = application_store_get(c, picks[i].application_id, &app, err)) != GZF_OK)
			return rc;
		if (crypto_open(a, s->data_key, app.applicant_name_enc, &name) != 0)
			return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "a household's name does not open");
		if (done == 0) { /* moved in four months ago */
			int from = month_start(now, 4);
			int64_t day;

			(void)calendar_day_number(from, &day);
			start = day * DAY_MS - 8 * 3600000LL + 10 * 3600000LL; /* 10:00 that day */
			if ((rc = offer(c, &city, &app, picks[i].unit_id, picks[i].id, from, manager.id,
					start - 6 * DAY_MS, &l, err)) != GZF_OK ||
			    (rc = counter_sign(c, s, data_dir, &l, name, clerk.id, start - 3 * DAY_MS, err)) != GZF_OK ||
			    (rc = move_in(c, &l, manager.id, clerk.id, start, err)) != GZF_OK)
				return rc;
		} else { /* signed yesterday, the keys next week */
			start = now - DAY_MS;
			if ((rc = offer(c, &city, &app, picks[i].unit_id, picks[i].id,
					calendar_local_date(now + 7 * DAY_MS), manager.id, start - DAY_MS, &l,
					err)) != GZF_OK ||
			    (rc = counter_sign(c, s, data_dir, &l, name, clerk.id, start, err)) != GZF_OK)
				return rc;
		}
		done++;
	}
	/* The demo resident: a flat offered directly, its lease waiting for its signature. */
	crypto_keyed_hash(s->index_key, "phone:" DEMO_RESIDENT_PHONE, phone_hash);
	if ((rc = user_store_by_phone(c, "resident", phone_hash, &resident, err)) != GZF_OK ||
	    (rc = application_store_by_owner(c, resident.id, &apps, &n, err)) != GZF_OK)
		return rc == GZF_ENOTFOUND ? GZF_OK : rc;
	for (i = 0; i < n && strcmp(apps[i].status, "qualified") != 0; i++)
		;
	if (i == n)
		return GZF_OK;
	app = apps[i];
	if ((rc = reserve_flat(c, &city, &unit_id, now - 2 * 3600000LL, err)) != GZF_OK)
		return rc == GZF_ENOTFOUND ? GZF_OK : rc;
	return offer(c, &city, &app, unit_id, 0, month_start(now, -1), manager.id, now - 3600000LL, &l, err);
}
