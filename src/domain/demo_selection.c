/*
 * demo_selection.c — the demo city's selection in progress on its confirmed round: set up
 * the day before, opened an hour and a half ago with half-hour slots; the first three
 * households chose and confirmed a flat that fits them (the flats are reserved for them,
 * their waiting-list entries housed), and the fourth household's slot is open now. Taken
 * through the session's and the picks' own state machines on those past times; the jobs
 * the opening enqueued go on from there as in a live session.
 */
#include <string.h>

#include "domain/demo.h"
#include "domain/selection.h"
#include "store/allocation_store.h"
#include "store/user_store.h"

#define DEMO_CITY 230600
#define SLOT_MINUTES 30
#define CONFIRMED 3

/* Household p picks the first free unit of its session that fits it at t and confirms
 * it a few minutes later; nothing when none fits. */
static int
choose_and_confirm(struct db_conn *c, struct selection_pick *p, int64_t t, struct gzf_err *err)
{
	struct selection_input in = { .party = FSM_OWNER, .actor_id = p->owner_id, .now = t };
	struct selection_unit *units;
	int rc, n, i;

	if ((rc = selection_store_units(c, p->session_id, &units, &n, err)) != GZF_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (units[i].pick_state[0] == '\0' && strcmp(units[i].status, "vacant") == 0 &&
		    selection_fits(p->layouts, p->max_area_dm2, units[i].layout, units[i].floor_area_dm2))
			break;
	if (i == n)
		return GZF_OK;
	in.unit_id = units[i].id;
	if ((rc = selection_pick_fire(c, p, PICK_CHOOSE, &in, err)) != GZF_OK)
		return rc;
	in.now = t + 4 * 60000;
	return selection_pick_fire(c, p, PICK_CONFIRM, &in, err);
}

int
demo_selection_load(struct db_conn *c, struct gzf_err *err)
{
	int64_t now = gzf_now_ms() / 1000 * 1000, slot = SLOT_MINUTES * 60000LL;
	int64_t start = now - CONFIRMED * slot - 10 * 60000;
	struct selection_session s = { .name = "2026年第一批公租房选房（萨尔图幸福家园）",
				       .starts_at = start, .slot_minutes = SLOT_MINUTES,
				       .confirm_minutes = 15, .per_slot = 1 };
	struct selection_input in = { .party = FSM_DECIDER };
	struct allocation_round *rounds;
	struct selection_session *some;
	struct selection_pick *picks;
	struct user manager;
	int rc, n, total, i;

	if ((rc = allocation_store_list_rounds(c, DEMO_CITY, 0, 1, &rounds, &n, &total, err)) != GZF_OK ||
	    n == 0 || strcmp(rounds[0].state, "final") != 0 ||
	    (rc = selection_store_session_list(c, DEMO_CITY, 1, &some, &total, err)) != GZF_OK || total > 0)
		return rc;
	if ((rc = user_store_by_username(c, "dq_housing", &manager, err)) != GZF_OK)
		return rc;
	s.created_by = in.actor_id = manager.id;
	s.created_at = start - 24 * 3600000LL;
	if ((rc = selection_session_create(c, rounds[0].id, &s, err)) != GZF_OK)
		return rc;
	in.now = start;
	if ((rc = selection_session_fire(c, &s, SESSION_START, &in, err)) != GZF_OK ||
	    (rc = selection_store_picks(c, s.id, &picks, &n, err)) != GZF_OK)
		return rc;
	in.party = FSM_SYSTEM;
	for (i = 0; i <= CONFIRMED && i < n; i++) {
		in.now = picks[i].slot_starts_at;
		if (i > 0 && (rc = selection_pick_fire(c, &picks[i], PICK_SLOT_OPEN, &in, err)) != GZF_OK)
			return rc;
		if (i < CONFIRMED &&
		    (rc = choose_and_confirm(c, &picks[i], in.now + 5 * 60000, err)) != GZF_OK)
			return rc;
	}
	return GZF_OK;
}
