/*
 * application_store.h — the rows of eligibility applications and their review
 * (migration 015_application.sql): applications, timeline events, materials, inbox
 * messages, publicity objections and each city's review chain. How an application
 * moves is its state machine (domain/review.c); this file only reads and writes rows.
 */
#ifndef GZF_STORE_APPLICATION_STORE_H
#define GZF_STORE_APPLICATION_STORE_H

#include "store/db.h"

/* One application. Strings live in the connection's arena; *_enc are sealed. */
struct application {
	int64_t id;
	const char *reference;     /* "230600-2026-000123": city, year, id; NULL until submitted */
	int64_t city_id;
	int64_t owner_id;          /* the resident (0: a counter applicant without an account) */
	int64_t region_code;       /* the community it is filed in */
	const char *region_path;
	const char *kind;          /* "rental" | "subsidy" */
	const char *status;        /* draft, review, correction, publicity, qualified, refused, withdrawn */
	const char *step;          /* the chain step it is at ("" for a draft) */
	int step_index;
	int64_t step_started_at;
	int64_t step_deadline;
	int draft_step;            /* the wizard page the applicant last saved */
	const char *applicant_name_enc;
	const char *applicant_id_hash;
	const char *household_enc;
	int persons;
	const char *evidence_enc;  /* the department evidence (JSON), sealed */
	const char *criteria;      /* the rule engine's criteria (JSON) */
	const char *overall;       /* pass | fail | unknown */
	const char *delay_reason;  /* why the current step waits (a partner down) */
	const char *correction_reason;
	const char *decision_reason;
	const char *failed_criterion;
	int64_t counter_clerk_id;
	int64_t consent_media_id;
	const char *consent_phone_enc;
	int64_t consent_at;
	int64_t publicity_until;
	int64_t submitted_at;
	int64_t total_deadline;
	int64_t decided_at;
	int version;
	int64_t created_at;
	int64_t updated_at;
};

/* A timeline entry: one step the application reached. */
struct app_event {
	int64_t id;
	int64_t application_id;
	const char *step;
	int64_t office_code;
	int limit_days;
	int64_t arrived_at;
	int64_t deadline;
	int64_t finished_at;       /* 0 while the step is open */
	const char *outcome;       /* "", accepted, approved, correction, refused, resubmitted, ... */
	const char *reason;
	int64_t actor_id;
};

struct app_material {
	int64_t id;
	int64_t application_id;
	const char *code;
	int64_t media_id;
	int64_t created_at;
};

struct app_message {
	int64_t id;
	int64_t application_id;
	const char *kind;
	const char *title;
	const char *body;
	int64_t created_at;
	int64_t read_at;
};

/* application_store_create — insert a (id and version ignored; version starts at 1). */
int application_store_create(struct db_conn *c, const struct application *a, int64_t *id,
		     struct gzf_err *err);

/* application_store_get — by id; GZF_ENOTFOUND "application_not_found". */
int application_store_get(struct db_conn *c, int64_t id, struct application *out, struct gzf_err *err);

/*
 * application_store_save — write every mutable field of a and bump its version, if the stored
 * version is still expect_version. GZF_ECONFLICT "version_conflict" when someone else
 * changed it first, "application_open" when a has become open (under review, waiting for
 * corrections, in publicity or qualified) while its applicant has another open one —
 * the database holds one per person (nothing is written then).
 */
int application_store_save(struct db_conn *c, const struct application *a, int expect_version,
		   struct gzf_err *err);

/* application_store_by_owner — the owner's applications, newest first (at most 50). */
int application_store_by_owner(struct db_conn *c, int64_t owner_id, struct application **out, int *n,
		       struct gzf_err *err);

/* The most steps application_store_worklist takes at once. */
#define APP_WORKLIST_STEPS 12

/*
 * application_store_worklist — applications of city at any of steps[0 .. nsteps-1]
 * (nsteps <= APP_WORKLIST_STEPS; status review, or publicity for the publicity step)
 * whose region is within path, ordered by deadline (desc = 1: latest first), at most
 * limit after the first offset.
 */
int application_store_worklist(struct db_conn *c, int64_t city_id, const char *const *steps,
			       int nsteps, const char *path, int desc, int limit, int offset,
			       struct application **out, int *n, struct gzf_err *err);

/*
 * application_store_step_counts — of the applications application_store_worklist lists
 * (all of them, no limit): how many (*total), how many in review whose deadline falls in
 * [now, day_end) (*due_today), how many in review past their deadline at now (*overdue),
 * and (next_due, unless NULL) the earliest deadline of those in review not yet past at
 * now (0: none), after which *overdue grows without any change to the applications.
 */
int application_store_step_counts(struct db_conn *c, int64_t city_id, const char *step,
				  const char *path, int64_t now, int64_t day_end, int64_t *total,
				  int64_t *due_today, int64_t *overdue, int64_t *next_due,
				  struct gzf_err *err);

/* application_store_worklist_generation — the city's worklist generation (migration 063):
 * a number the database raises whenever anything a worklist of the city shows may have
 * changed (0 for a city that never had an application waiting). */
int application_store_worklist_generation(struct db_conn *c, int64_t city_id, int64_t *gen,
					  struct gzf_err *err);

/* application_store_in_publicity — the city's applications in their publicity period. */
int application_store_in_publicity(struct db_conn *c, int64_t city_id, struct application **out,
			   int *n, struct gzf_err *err);

/* application_store_event_open — start a timeline entry; application_store_event_close finishes the open one(s) of
 * the application with outcome and reason. */
int application_store_event_open(struct db_conn *c, int64_t city_id, int64_t app_id, const char *step,
		   int64_t office_code, int limit_days, int64_t arrived_at, int64_t deadline,
		   struct gzf_err *err);
int application_store_event_close(struct db_conn *c, int64_t app_id, int64_t now, const char *outcome,
		    const char *reason, int64_t actor_id, struct gzf_err *err);

/* application_store_events — the application's timeline, oldest first. */
int application_store_events(struct db_conn *c, int64_t app_id, struct app_event **out, int *n,
	       struct gzf_err *err);

/* application_store_events_finished — the city's finished timeline entries since since (for the
 * processing-time report): each application's together, oldest first; the newest
 * applications first, at most limit entries (*more = 1 when there were more). */
int application_store_events_finished(struct db_conn *c, int64_t city_id, int64_t since, int limit,
			struct app_event **out, int *n, int *more, struct gzf_err *err);

/* Materials: add, list (by code), get one of the application, delete one. */
int application_store_material_add(struct db_conn *c, int64_t city_id, int64_t app_id, const char *code,
		     int64_t media_id, int64_t now, int64_t *id, struct gzf_err *err);
int application_store_materials(struct db_conn *c, int64_t app_id, struct app_material **out, int *n,
		  struct gzf_err *err);
int application_store_material_get(struct db_conn *c, int64_t app_id, int64_t id, struct app_material *out,
		     struct gzf_err *err);
int application_store_material_delete(struct db_conn *c, int64_t app_id, int64_t id, struct gzf_err *err);

/* Inbox: add a message for user, list the user's newest (at most 100), mark one read. */
int application_store_message_add(struct db_conn *c, int64_t city_id, int64_t user_id, int64_t app_id,
		    const char *kind, const char *title, const char *body, int64_t now,
		    struct gzf_err *err);
int application_store_messages(struct db_conn *c, int64_t user_id, struct app_message **out, int *n,
		 struct gzf_err *err);
int application_store_message_read(struct db_conn *c, int64_t user_id, int64_t id, int64_t now,
		     struct gzf_err *err);

/* An objection lodged during publicity. */
struct app_objection {
	int64_t id;
	const char *text;
	const char *contact_enc;   /* sealed; NULL when none was given */
	const char *status;        /* open */
	int64_t created_at;
};

/* Objections: lodge one (only while the application is in publicity, else GZF_ESTATE
 * "illegal_transition"; it bumps the application's version); count the open ones of an
 * application; list them, oldest first (at most 100). */
int application_store_objection_add(struct db_conn *c, int64_t city_id, int64_t app_id, const char *text,
		      const char *contact_enc, int64_t now, int64_t *id, struct gzf_err *err);
int application_store_objections_open(struct db_conn *c, int64_t app_id, int64_t *n, struct gzf_err *err);
int application_store_objections(struct db_conn *c, int64_t app_id, struct app_objection **out, int *n,
		   struct gzf_err *err);

/* The city's review chain (JSON text); GZF_ENOTFOUND when it has none stored. */
int application_store_chain_get(struct db_conn *c, int64_t city_id, const char **chain, struct gzf_err *err);
int application_store_chain_put(struct db_conn *c, int64_t city_id, const char *chain, int64_t by,
		  int64_t now, struct gzf_err *err);

#endif
