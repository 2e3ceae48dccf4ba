/*
 * selection.h — choosing a flat online (选房, R7): once a round's results are final, its
 * households choose among its units in lottery order, each in a time slot of its own. Two
 * state machines (fsm.h), drawn in docs/design/state-machines.md:
 *
 *   the session (selection_session_flow): scheduled → open → closed;
 *   each household's pick (selection_pick_flow): waiting → up (its slot opened; inbox and
 *   SMS) → held (a unit chosen, held until the confirm deadline) → confirmed (the unit
 *   reserved for it, its waiting-list entry housed), or declined, missed (the slot passed
 *   without a choice) or released (held, not confirmed in time: the unit is free again).
 *
 * What declining or missing costs is the city's rule: the member "selection" of its
 * waiting-list rules (queue.h), {"max_refusals":3,"wait_days":0,"missed_counts":true}:
 * the refusal that reaches max_refusals (0: never) removes the household from the list;
 * otherwise it may not pick again for wait_days days. missed_counts: a missed slot or a
 * hold run out counts as a refusal. The background jobs that open slots and end them are
 * registered by selection_jobs_register (selection_jobs.c).
 */
#ifndef GZF_DOMAIN_SELECTION_H
#define GZF_DOMAIN_SELECTION_H

#include <jansson.h>

#include "core/gzf.h"
#include "domain/fsm.h"
#include "store/db.h"
#include "store/selection_store.h"

#define SELECTION_MINUTES_MAX 1440 /* a slot or a hold: at most a day */
#define SELECTION_PER_SLOT_MAX 100
#define SELECTION_CONSENT_CHARS 500

enum selection_session_state { SESSION_SCHEDULED, SESSION_OPEN, SESSION_CLOSED, SESSION_NSTATES };

enum selection_session_event {
	SESSION_START, /* "open": the slots are laid out from now (or the planned start) */
	SESSION_END,   /* "close": no slot opens any more */
	SESSION_NEVENTS
};

enum selection_pick_state {
	PICK_WAITING,   /* its slot has not come */
	PICK_UP,        /* its slot is open: it may choose */
	PICK_HELD,      /* it chose a unit, held for it until held_until */
	PICK_CONFIRMED, /* final: the unit is reserved for it */
	PICK_DECLINED,  /* final: it declined */
	PICK_MISSED,    /* final: its slot passed without a choice */
	PICK_RELEASED,  /* final: it did not confirm in time; the unit is free again */
	PICK_NSTATES
};

enum selection_pick_event {
	PICK_SLOT_OPEN, /* its slot begins (a job, or the session opening) */
	PICK_CHOOSE,    /* "pick": the household (or a clerk with its consent) chooses a unit */
	PICK_CONFIRM,   /* it confirms the unit it holds */
	PICK_DECLINE,   /* it declines, knowing the cost */
	PICK_SLOT_END,  /* its slot ends without a choice (a job) */
	PICK_HOLD_END,  /* the hold runs out unconfirmed (a job) */
	PICK_NEVENTS
};

extern const struct fsm selection_session_fsm;
extern const struct fsm selection_pick_fsm;

/* What an event carries; strings borrowed for the call. */
struct selection_input {
	unsigned party;          /* enum fsm_party */
	int64_t actor_id;        /* who (0: the system) */
	int64_t now;             /* ms */
	int64_t unit_id;         /* pick: the unit chosen */
	const char *consent;     /* a clerk's choice: the household's consent as recorded */
};

/* The city's rule on refusals (the "selection" member of its waiting-list rules). */
struct selection_rules {
	int max_refusals;  /* the refusal that reaches it removes the household (0: none does) */
	int wait_days;     /* otherwise, days before it may pick again */
	int missed_counts; /* a missed slot or an expired hold counts as a refusal */
};

/* What one more refusal costs a household. */
struct selection_cost {
	int counts;        /* this refusal would count (a missed one may not) */
	int refusals;      /* refusals so far */
	int max_refusals;
	int removed;       /* this one removes it from the waiting list */
	int wait_days;     /* otherwise, days it then may not pick */
	const char *text;  /* in words, for the household (arena) */
};

/* selection_rules_check — GZF_EINVAL (field "selection.*") unless sel (a "selection"
 * member; NULL: absent, fine) is valid. Called by queue_rules_check. */
int selection_rules_check(const json_t *sel, struct gzf_err *err);

/* selection_rules_of — the rule in a city's waiting-list rules (defaults where absent). */
void selection_rules_of(const json_t *queue_rules, struct selection_rules *out);

/* selection_cost_of — what one more refusal (missed: a slot or hold run out; else a
 * decline) costs the household of p under the city's rules, from its refusals so far. */
int selection_cost_of(struct db_conn *c, const struct selection_pick *p, int missed,
		      struct selection_cost *out, struct gzf_err *err);

/* selection_fits — 1 when a household allowed layouts (JSON array text) up to max_area_dm2
 * (0: any) may be offered a unit of layout and floor area area_dm2. Pure. */
int selection_fits(const char *layouts, int max_area_dm2, const char *layout, int64_t area_dm2);

/* selection_session_state_of, selection_pick_state_of — the state of s, of p. */
enum selection_session_state selection_session_state_of(const struct selection_session *s);
enum selection_pick_state selection_pick_state_of(const struct selection_pick *p);

/*
 * selection_session_create — set up a session for round_id (its results final, or its
 * publicity ended) in the caller's transaction: s (name, starts_at, slot and confirm
 * minutes, per_slot, created_by, now in created_at) stored with the round's units and one
 * waiting pick per drawn household in lottery order. GZF_ESTATE "round_not_final";
 * GZF_ECONFLICT "selection_exists" when the round has one; GZF_EINVAL "no_households".
 * s->id is set.
 */
int selection_session_create(struct db_conn *c, int64_t round_id, struct selection_session *s,
			     struct gzf_err *err);

/*
 * selection_session_fire — take event on s inside the caller's transaction: the errors of
 * fsm_find, then the effect. Opening lays the slots out from max(starts_at, now), opens
 * those already due and enqueues the jobs that open and end the others; s is saved
 * against the version it was read at.
 */
int selection_session_fire(struct db_conn *c, struct selection_session *s,
			   enum selection_session_event event, const struct selection_input *in,
			   struct gzf_err *err);

/*
 * selection_pick_fire — take event on p inside the caller's transaction: the errors of
 * fsm_find (a pick while not up: GZF_ESTATE "not_your_turn") and of the guards (the session
 * open — "selection_closed"; the slot not over — "slot_over"; the hold not run out —
 * "hold_expired"; the unit offered by the session, vacant and fitting the household —
 * "unit_not_offered", "unit_not_fitting"; no waiting period — "waiting_period"), then the
 * effect: p saved against the version read (a unit another holds: GZF_ECONFLICT
 * "unit_taken"), the household's message, the jobs, the unit reserved and the entry
 * housed on confirm, the refusal and its cost (removal from the list) on a refusal.
 */
int selection_pick_fire(struct db_conn *c, struct selection_pick *p, enum selection_pick_event event,
			const struct selection_input *in, struct gzf_err *err);

/* selection_jobs_register — the job kinds "selection_slot_open", "selection_slot_end",
 * "selection_hold_end", "selection_close" and "selection_sms" (selection_jobs.c). */
int selection_jobs_register(void);

#endif
