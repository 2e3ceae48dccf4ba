/*
 * review.h — the eligibility application and its review as a state machine (fsm.h): the
 * applicant edits and submits, each step of the city's chain accepts, approves, asks for
 * corrections or refuses, the department check and the end of publicity move it on by
 * themselves, the public may object during publicity. The table is review_flow in
 * review.c; docs/design/state-machines.md draws it.
 *
 * A handler (or job) loads the application and the chain, authorises the caller, opens a
 * transaction, calls review_fire, writes its audit entry and commits. review_fire runs
 * the guard, changes the application and saves it against the version it was read at
 * (GZF_ECONFLICT "version_conflict" when someone changed it meanwhile), and writes the
 * timeline, the applicant's messages and the jobs the transition implies.
 */
#ifndef GZF_DOMAIN_REVIEW_H
#define GZF_DOMAIN_REVIEW_H

#include <jansson.h>

#include "core/gzf.h"
#include "domain/fsm.h"
#include "store/application_store.h"
#include "store/db.h"

/* Where an application is: its status, and while in review the kind of its step. */
enum review_state {
	REVIEW_DRAFT,      /* status draft: the applicant is filling it in */
	REVIEW_CORRECTION, /* status correction: back with the applicant for corrections */
	REVIEW_ACCEPTANCE, /* status review at an acceptance step (社区受理) */
	REVIEW_STEP,       /* status review at a review step (街道/区/市审核) */
	REVIEW_DEPT,       /* status review at the department check (部门联审) */
	REVIEW_PUBLICITY,  /* status publicity (公示) */
	REVIEW_OBJECTION,  /* status review at the publicity step: objections to decide */
	REVIEW_QUALIFIED,  /* final: qualified (取得保障资格) */
	REVIEW_REFUSED,    /* final: refused */
	REVIEW_WITHDRAWN,  /* final: withdrawn by the applicant before a decision */
	REVIEW_NSTATES
};

enum review_event {
	REVIEW_EDIT,          /* the applicant saves the form, adds or removes a material */
	REVIEW_SUBMIT,        /* the applicant submits (or resubmits corrections) */
	REVIEW_ACCEPT,        /* the acceptance step takes it: the materials are complete */
	REVIEW_APPROVE,       /* a review step (or the approver, on objections) passes it */
	REVIEW_CORRECT,       /* a step asks the applicant for corrections */
	REVIEW_REFUSE,        /* a step refuses it, with the reason and the failed criterion */
	REVIEW_DELAY,         /* the department check waits for a source that is down */
	REVIEW_CHECKED,       /* the department check has its evidence */
	REVIEW_OBJECT,        /* someone objects during publicity */
	REVIEW_PUBLICITY_END, /* the publicity period is over */
	REVIEW_WITHDRAW,      /* the applicant withdraws it, with the reason, before a decision */
	REVIEW_NEVENTS
};

/* The machine: its names and its table, for the docs and the tests. */
extern const struct fsm review_fsm;

/* What an event carries. Only the fields an event names are read; the strings are
 * borrowed for the call. */
struct review_input {
	unsigned party;               /* enum fsm_party: who fires it */
	int64_t actor_id;             /* the user acting (0: the system or the public) */
	int64_t now;                  /* ms */
	const char *reason;           /* correct, refuse, withdraw (required); accept, approve, checked */
	const char *failed_criterion; /* refuse (may be NULL) */
	const json_t *household;      /* submit: the declared household */
	const char *delay_reason;     /* delay */
	const char *objection;        /* object: its text */
	const char *contact_enc;      /* object: a sealed way to reach the objector, or NULL */
	int64_t objection_id;         /* object: set to the new objection's id */
	/* any event that may qualify (approve, checked, publicity_end): opens the household
	 * and evidence, whose department data give the waiting-list group (NULL: none) */
	const unsigned char *data_key;
};

/* review_state_of — the state of a within chain. */
enum review_state review_state_of(const struct application *a, const json_t *chain);

/*
 * review_check — may in->party fire event on a now, as far as the table says (no guard
 * runs, nothing changes)? GZF_ESTATE "illegal_transition", GZF_EFORBIDDEN "forbidden".
 * For changes that are not transitions themselves (a material uploaded to a draft).
 */
int review_check(const struct application *a, const json_t *chain, enum review_event event,
		 unsigned party, struct gzf_err *err);

/*
 * review_may_decide — 0 when a's current step is decided by a post other than role (its
 * API name): a step's own role decides it; objections after publicity, the city approver.
 * A step no post decides (the department check, or none) is 1: the table refuses every
 * decision there (illegal_transition), which says more than "not yours".
 */
int review_may_decide(const struct application *a, const json_t *chain, const char *role);

/*
 * review_decisions — the decisions (a bit 1u << event per enum review_event) that a
 * member with role (its API name) may take on a now, as far as the table and the chain
 * say: the FSM_DECIDER rows leaving a's state, when role decides a's current step.
 * Region and role permissions are authz_check's (ACT_APP_DECIDE); guards do not run.
 */
unsigned review_decisions(const struct application *a, const json_t *chain, const char *role);

/*
 * review_fire — take event on a (read at a->version) inside the caller's transaction on
 * c: the errors of fsm_find (illegal_transition, forbidden) or of the guard (e.g.
 * GZF_EINVAL "required" reason; GZF_ESTATE "incomplete" materials; for a submission the
 * household's own errors, "real_name_required", "applicant_not_account_holder"), then
 * the effect. On success a holds the saved application (its version not yet re-read); on
 * failure the caller rolls back. *outcome (may be NULL) gets the timeline outcome or
 * message kind the transition wrote ("accepted", "submitted", "objection", ...).
 */
int review_fire(struct db_conn *c, struct application *a, const json_t *chain,
		enum review_event event, struct review_input *in, const char **outcome,
		struct gzf_err *err);

/*
 * review_reference — the number an application submitted at submitted_at is known by,
 * "230600-2026-000304" (its city, the local year, its id), in ar. Given at the first
 * submission; the demo loader gives its applications theirs the same way.
 */
const char *review_reference(struct arena *ar, const struct application *a, int64_t submitted_at);

/*
 * review_enter_step — put a at step index of chain at now (status review or publicity,
 * office, deadline, timeline entry, job; "qualified" past the last step), in memory; the
 * caller saves it. The transitions use it; the demo loader uses it to write the past of
 * its applications, which no live request can.
 */
int review_enter_step(struct db_conn *c, struct application *a, const json_t *chain, int index,
		      int64_t now, struct gzf_err *err);

#endif
