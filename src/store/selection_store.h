/*
 * selection_store.h — the rows of choosing a flat (选房, migration 045_selection.sql): the
 * selection sessions, the units each offers, one pick row per household and the
 * household's refusals. How a session and a pick move is domain/selection.c; this file
 * only reads and writes rows. Strings live in the connection's arena.
 */
#ifndef GZF_STORE_SELECTION_STORE_H
#define GZF_STORE_SELECTION_STORE_H

#include "store/db.h"

struct selection_session {
	int64_t id;
	int64_t city_id;
	int64_t round_id;
	int64_t region_code;
	const char *name;
	const char *state;       /* scheduled, open, closed */
	int64_t starts_at;       /* ms; the first slot opens then (or when opened, if later) */
	int slot_minutes;        /* each slot's length */
	int confirm_minutes;     /* how long a pick holds its unit */
	int per_slot;            /* households sharing one slot */
	int64_t created_by;
	int version;
	int64_t created_at, updated_at;
};

struct selection_pick {
	int64_t id;
	int64_t session_id;
	int64_t city_id;
	int64_t round_entry_id;
	int64_t application_id;
	int64_t queue_entry_id;  /* 0: none */
	int64_t owner_id;        /* 0: a household without an account */
	int64_t region_code;     /* the household's community */
	const char *region_path;
	int persons;
	const char *layouts;     /* JSON array of the layouts it may be offered */
	int max_area_dm2;        /* 0: no limit */
	int lottery_rank;        /* its turn, 1 first */
	const char *state;       /* waiting up held confirmed declined missed released */
	int64_t slot_starts_at, slot_ends_at;
	int64_t unit_id;         /* 0: none */
	int64_t held_until;
	int64_t chosen_by;       /* who picked: the owner, or the clerk at the counter */
	const char *consent;     /* the household's recorded consent to a counter choice */
	int version;
	int64_t updated_at;
	const char *reference;   /* read: its application's reference (NULL: none) */
	int64_t wait_until;      /* read: the end of the household's waiting period after a
				  * refusal (0: none) */
};

/* A unit as the selection shows it: the unit, whether a pick holds or took it. */
struct selection_unit {
	int64_t id;
	int64_t estate_id;
	const char *estate_name, *building_name, *unit_no, *layout, *orientation, *status;
	int64_t floor, floor_area_dm2, usable_area_dm2, rent_fen;
	int fitted;
	const char *photos;      /* the estate's, JSON array of media ids */
	const char *pick_state;  /* held, confirmed, or "" when free */
	int lottery_rank;        /* the household holding or taking it (0: none) */
};

/* selection_store_session_create — insert s (id, version ignored); *id is its id.
 * GZF_ECONFLICT "duplicate" (db_is_duplicate) when the round has a session already. */
int selection_store_session_create(struct db_conn *c, const struct selection_session *s,
				   int64_t *id, struct gzf_err *err);

/* selection_store_session_get — by id; GZF_ENOTFOUND "selection_not_found". */
int selection_store_session_get(struct db_conn *c, int64_t id, struct selection_session *out,
				struct gzf_err *err);

/* selection_store_session_list — the city's sessions, newest first, at most limit. */
int selection_store_session_list(struct db_conn *c, int64_t city_id, int limit,
				 struct selection_session **out, int *n, struct gzf_err *err);

/* selection_store_session_save — write the state and start of s and bump its version if
 * it is still expect_version (GZF_ECONFLICT "version_conflict"). */
int selection_store_session_save(struct db_conn *c, const struct selection_session *s,
				 int expect_version, struct gzf_err *err);

/* selection_store_unit_add — the session offers unit_id. */
int selection_store_unit_add(struct db_conn *c, int64_t session_id, int64_t unit_id,
			     struct gzf_err *err);

/* selection_store_units — the units the session offers, by estate, building and number,
 * each with the pick holding or taking it. */
int selection_store_units(struct db_conn *c, int64_t session_id, struct selection_unit **out,
			  int *n, struct gzf_err *err);

/* selection_store_offers — 1 in *yes when the session offers unit_id. */
int selection_store_offers(struct db_conn *c, int64_t session_id, int64_t unit_id, int *yes,
			   struct gzf_err *err);

/* selection_store_pick_create — insert p (id, version ignored); *id is its id. */
int selection_store_pick_create(struct db_conn *c, const struct selection_pick *p, int64_t *id,
				struct gzf_err *err);

/* selection_store_pick_get — by id; GZF_ENOTFOUND "pick_not_found". */
int selection_store_pick_get(struct db_conn *c, int64_t id, struct selection_pick *out,
			     struct gzf_err *err);

/* selection_store_pick_by_owner — the resident's pick in the newest session;
 * GZF_ENOTFOUND "no_selection" (err untouched) when it has none. */
int selection_store_pick_by_owner(struct db_conn *c, int64_t owner_id, struct selection_pick *out,
				  struct gzf_err *err);

/* selection_store_picks — every pick of the session, by lottery rank. */
int selection_store_picks(struct db_conn *c, int64_t session_id, struct selection_pick **out,
			  int *n, struct gzf_err *err);

/* selection_store_pick_save — write the state, slot, unit, hold, chooser and consent of p
 * and bump its version if it is still expect_version (GZF_ECONFLICT "version_conflict").
 * Holding a unit another pick holds or took is GZF_ECONFLICT "unit_taken". */
int selection_store_pick_save(struct db_conn *c, const struct selection_pick *p,
			      int expect_version, struct gzf_err *err);

/* selection_store_refusal_add — a refusal of kind (declined, missed, released) of the
 * household of p at at; the household may not pick again before wait_until (0: no wait). */
int selection_store_refusal_add(struct db_conn *c, const struct selection_pick *p,
				const char *kind, int64_t at, int64_t wait_until,
				struct gzf_err *err);

/* selection_store_refusals — how many refusals the application has, and the end of its
 * longest waiting period (0: none). */
int selection_store_refusals(struct db_conn *c, int64_t application_id, int *count,
			     int64_t *wait_until, struct gzf_err *err);

#endif
