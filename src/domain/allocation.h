/*
 * allocation.h — the allocation round (配租轮次, R20): who may take part (a range of the
 * waiting list, its priority groups, each household's layouts and area from the city's
 * queue rules), the units it offers, and the round as a state machine (fsm.h) from its
 * set-up through the commitment, the notary's digits and the verifiable lottery
 * (lottery.h) to the publicity of the results and their confirmation. The table is
 * allocation_flow in allocation.c; docs/allocation.md explains it.
 *
 * Methods: "lottery" (摇号: each priority group drawn in turn, docs/lottery.md), "queue"
 * (by the waiting-list position when frozen, no draw) and "direct" (定向配租: one
 * household to one unit, with the reason, approved by a second member of staff).
 *
 * Criteria JSON, lottery and queue: {"position_from":1,"position_to":0,"groups":[]}
 * (positions on the city's rental waiting list, inclusive, position_to 0: to its end;
 * groups: the priority group codes taking part, empty: all). Direct:
 * {"application_id":N} (a household waiting on the city's list).
 * Units JSON: an array of selectors, each {"unit_id":N} or any of {"estate_id",
 * "building_id","layout"}: the listed units of the city that match (a direct round
 * offers exactly one unit).
 */
#ifndef GZF_DOMAIN_ALLOCATION_H
#define GZF_DOMAIN_ALLOCATION_H

#include <jansson.h>

#include "core/gzf.h"
#include "domain/fsm.h"
#include "domain/lottery.h"
#include "store/allocation_store.h"
#include "store/db.h"

#define ALLOCATION_MAX_UNITS 2000
#define ALLOCATION_MAX_SELECTORS 50
#define ALLOCATION_MAX_CANDIDATES 100000
#define ALLOCATION_MAX_PUBLICITY_DAYS 30
#define ALLOCATION_OBJECTION_MIN_CHARS 5

enum allocation_state {
	ALLOC_NONE,      /* not created yet */
	ALLOC_DRAFT,     /* being set up */
	ALLOC_FROZEN,    /* the list frozen; for a lottery, the commitment published */
	ALLOC_DRAWN,     /* the order fixed (drawn, ordered or matched), not yet published */
	ALLOC_PUBLICITY, /* the results published, open to objections until the period ends */
	ALLOC_FINAL,     /* final: the results confirmed; selection may open */
	ALLOC_CANCELLED, /* final: cancelled, with the reason; every commitment stays public */
	ALLOC_NSTATES
};

enum allocation_event {
	ALLOC_CREATE,   /* staff set a round up */
	ALLOC_EDIT,     /* staff change its set-up */
	ALLOC_FREEZE,   /* freeze the list; a lottery publishes its commitment */
	ALLOC_REFREEZE, /* a new commitment in place of the current one, with the reason */
	ALLOC_DIGITS,   /* the notary enters the digits drawn on site (and the beacon value) */
	ALLOC_DRAW,     /* the draw (lottery) or the ordering (queue) */
	ALLOC_APPROVE,  /* direct matching: a second member of staff approves it */
	ALLOC_PUBLISH,  /* the results go into publicity */
	ALLOC_FINALIZE, /* the publicity period is over: the results are final */
	ALLOC_CANCEL,   /* staff cancel the round, with the reason */
	ALLOC_OBJECT,   /* anyone objects to the results during the publicity period */
	ALLOC_RESOLVE,  /* staff resolve an objection: upheld or rejected, with the reason */
	ALLOC_NEVENTS
};

/* The machine: names and table, for the docs and the tests. */
extern const struct fsm allocation_fsm;

/* What create and edit carry (borrowed for the call). */
struct allocation_setup {
	const char *name;       /* 1..100 characters */
	const char *method;     /* create only: lottery | queue | direct */
	const json_t *criteria; /* see above */
	const json_t *units;    /* selectors, see above */
	const char *reason;     /* direct: why (required) */
};

/* What an event carries; strings borrowed for the call. */
struct allocation_input {
	unsigned party;        /* enum fsm_party */
	int64_t actor_id;
	int64_t now;           /* ms */
	const struct allocation_setup *setup; /* create, edit */
	int64_t city_id;       /* create: the city */
	int64_t draw_at;       /* freeze, refreeze: the committed draw time (ms, whole seconds) */
	int digit_count;       /* freeze, refreeze: 1..LOTTERY_MAX_DIGITS */
	const char *beacon_source; /* freeze, refreeze: NULL or "" for none */
	const char *digits;    /* digits */
	const char *beacon;    /* digits: the beacon value when one is named */
	int publicity_days;    /* publish: 1..ALLOCATION_MAX_PUBLICITY_DAYS */
	const char *reason;    /* refreeze, cancel, resolve (required) */
	const char *objection; /* object: its text (bounded and sanitised by the caller) */
	const char *contact_enc; /* object: the sealed contact, NULL for none */
	int64_t application_id; /* object: the entry objected to, 0 for the round as a whole */
	int64_t objection_id;  /* object: set to the new objection's id; resolve: which */
	const char *resolution; /* resolve: upheld | rejected */
};

/* allocation_state_of — the state of r (ALLOC_NONE for a round not yet stored). */
enum allocation_state allocation_state_of(const struct allocation_round *r);

/*
 * allocation_fire — take event on r inside the caller's transaction: the errors of
 * fsm_find and the guards, then the effect, which saves r (a create stores it: r->id is
 * set) with its commitments, units and frozen list. Errors of the guards: GZF_EINVAL
 * for bad input (field named), GZF_ESTATE "draw_too_early", "digits_too_early",
 * "publicity_not_over", GZF_ECONFLICT "digits_entered", GZF_ESTATE "digits_missing",
 * GZF_EFORBIDDEN "second_approver_required", GZF_ESTATE "no_candidates", GZF_ESTATE
 * "illegal_transition" for an objection after the publicity period, GZF_ECONFLICT
 * "objections_unresolved" for a finalize while an objection is open; the store's
 * "entry_not_found", "objection_not_found", "objection_resolved".
 */
int allocation_fire(struct db_conn *c, struct allocation_round *r, enum allocation_event event,
		    struct allocation_input *in, struct gzf_err *err);

/*
 * allocation_check — whether event on r would be taken (fsm_find and the guard, no
 * effect, nothing written): its errors as allocation_fire's. For the checks a request
 * makes before it counts an attempt (an objection's throttle).
 */
int allocation_check(struct db_conn *c, struct allocation_round *r, enum allocation_event event,
		     struct allocation_input *in, struct gzf_err *err);

/*
 * allocation_list_of — the frozen list of r (state frozen or later, method lottery) as
 * the lottery reads it, ids in the connection's arena: its stored entries, groups in
 * priority order, each ascending.
 */
int allocation_list_of(struct db_conn *c, const struct allocation_round *r, struct lottery_list *l,
		       struct gzf_err *err);

#endif
