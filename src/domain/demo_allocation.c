/*
 * demo_allocation.c — the demo city's allocation round: a lottery among the households on
 * Daqing's rental waiting list for the units of its first estate, taken through the
 * round's own state machine on past dates (set up and frozen five days ago, drawn with
 * the notary's digits a day later, published for three days, then confirmed), so its
 * commitment, proof and results are there to read and its selection can open.
 */
#include <string.h>

#include "domain/allocation.h"
#include "domain/calendar.h"
#include "domain/demo.h"
#include "store/housing_store.h"
#include "store/user_store.h"

#define DEMO_CITY 230600
#define DEMO_ESTATE "萨尔图幸福家园"

int
demo_staff_id(struct db_conn *c, const char *username, int64_t *id, struct gzf_err *err)
{
	struct user u;
	int rc = user_store_by_username(c, username, &u, err);

	if (rc == GZF_OK)
		*id = u.id;
	return rc;
}

int
demo_allocation_load(struct db_conn *c, struct gzf_err *err)
{
	struct allocation_round r = { 0 }, *some;
	struct allocation_setup s = { .name = "2026年第一批公租房摇号配租（萨尔图幸福家园）", .method = "lottery" };
	struct estate *estates;
	int64_t now = gzf_now_ms() / 1000 * 1000, frozen = now - 5 * DAY_MS, manager, notary;
	struct allocation_input in;
	json_t *criteria = NULL, *units = NULL;
	int rc, n, total, i;

	if ((rc = allocation_store_list_rounds(c, DEMO_CITY, 0, 1, &some, &n, &total, err)) != GZF_OK || total > 0)
		return rc;
	if ((rc = demo_staff_id(c, "dq_housing", &manager, err)) != GZF_OK ||
	    (rc = demo_staff_id(c, "dq_notary", &notary, err)) != GZF_OK ||
	    (rc = housing_store_estate_list(c, "/100000/230000/230600/", 50, 0, &estates, &n, err)) != GZF_OK)
		return rc;
	for (i = 0; i < n && strcmp(estates[i].name, DEMO_ESTATE) != 0; i++)
		;
	if (i == n)
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "the demo estate is missing");
	criteria = json_pack("{s:i}", "position_from", 1);
	units = json_pack("[{s:I}]", "estate_id", (json_int_t)estates[i].id);
	s.criteria = criteria;
	s.units = units;
	in = (struct allocation_input){ .party = FSM_DECIDER, .actor_id = manager, .now = frozen - 3600000,
					.setup = &s, .city_id = DEMO_CITY };
	if ((rc = allocation_fire(c, &r, ALLOC_CREATE, &in, err)) != GZF_OK)
		goto out;
	in = (struct allocation_input){ .party = FSM_DECIDER, .actor_id = manager, .now = frozen,
					.draw_at = frozen + DAY_MS, .digit_count = 8 };
	if ((rc = allocation_fire(c, &r, ALLOC_FREEZE, &in, err)) != GZF_OK)
		goto out;
	in = (struct allocation_input){ .party = FSM_WITNESS, .actor_id = notary, .now = frozen + DAY_MS + 60000,
					.digits = "07250419" };
	if ((rc = allocation_fire(c, &r, ALLOC_DIGITS, &in, err)) != GZF_OK)
		goto out;
	in = (struct allocation_input){ .party = FSM_DECIDER, .actor_id = manager, .now = frozen + DAY_MS + 120000 };
	if ((rc = allocation_fire(c, &r, ALLOC_DRAW, &in, err)) != GZF_OK)
		goto out;
	in.now = frozen + DAY_MS + 3600000;
	in.publicity_days = 3;
	if ((rc = allocation_fire(c, &r, ALLOC_PUBLISH, &in, err)) != GZF_OK)
		goto out;
	in.now = frozen + 4 * DAY_MS + 7200000;
	rc = allocation_fire(c, &r, ALLOC_FINALIZE, &in, err);
out:
	json_decref(criteria);
	json_decref(units);
	return rc;
}
