/*
 * fsm.h — the one way a business process is written in gzf: a table of transitions.
 *
 * Each process (the application review, an allocation round, a selection, a lease, a
 * bill, ...) lists its states and events as enums with names, and its transitions as one
 * static table a reader can hold against the docs (docs/design/state-machines.md):
 *
 *   from state, event, who may fire it, guard (may it, with this data?), to state,
 *   the effects it has (flags for readers and tests), the function that has them.
 *
 * fsm_find picks the transition; the process's own fire function (review_fire, ...) runs
 * its guard and effect inside the caller's transaction. Several rows may share a state and
 * an event: the first whose guard passes is taken (publicity ends in qualification, or in
 * the approver's review when objections were lodged).
 */
#ifndef GZF_DOMAIN_FSM_H
#define GZF_DOMAIN_FSM_H

#include "core/gzf.h"

/* Who fires an event: the bits of fsm_transition.who. */
enum fsm_party {
	FSM_OWNER = 1u << 0,   /* the person the record is about (or a clerk on their behalf) */
	FSM_DECIDER = 1u << 1, /* the staff post that decides the record's current step */
	FSM_SYSTEM = 1u << 2,  /* a background job */
	FSM_ANYONE = 1u << 3,  /* the public, logged in or not */
	FSM_WITNESS = 1u << 4, /* a notary or observer: sees and attests, decides nothing */
};

/* What a transition does besides changing the state: the bits of fsm_transition.effects. */
enum fsm_effect {
	FX_TIMELINE = 1u << 0, /* closes and/or opens a timeline entry */
	FX_MESSAGE = 1u << 1,  /* a message to the owner's inbox */
	FX_JOB = 1u << 2,      /* enqueues a background job */
	FX_RECORD = 1u << 3,   /* adds a record of its own (an objection, a pick, ...) */
};

/* The state a transition leads to when its effect decides it (the next step of a chain). */
#define FSM_COMPUTED (-1)

struct fsm_transition {
	int from;
	int event;
	unsigned who;        /* enum fsm_party bits */
	int (*guard)(void *ctx, struct gzf_err *err); /* NULL: none */
	int to;              /* a state, or FSM_COMPUTED */
	unsigned effects;    /* enum fsm_effect bits */
	int (*effect)(void *ctx, struct gzf_err *err); /* the process's; NULL: none */
};

struct fsm {
	const char *name;                  /* "application review" */
	const char *const *states;         /* names, indexed by state */
	int n_states;
	const char *const *events;         /* names, indexed by event */
	int n_events;
	const struct fsm_transition *table;
	int n;
};

/*
 * fsm_find — the first transition of m from state on event that party may fire and whose
 * guard passes with ctx (guards are tried in table order). Errors, in this order:
 * GZF_ESTATE "illegal_transition" when no row leaves state on event; GZF_EFORBIDDEN
 * "forbidden" when rows exist but none for party; otherwise the last failing guard's error.
 */
int fsm_find(const struct fsm *m, int state, int event, unsigned party, void *ctx,
	     const struct fsm_transition **out, struct gzf_err *err);

/* fsm_allows — 1 when some row of m leaves state on event for party (guards not run). */
int fsm_allows(const struct fsm *m, int state, int event, unsigned party);

/* fsm_event_find — the event of m named name, or -1. */
int fsm_event_find(const struct fsm *m, const char *name);

#endif
