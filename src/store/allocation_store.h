/*
 * allocation_store.h — the rows of the allocation rounds (migration 044_allocation.sql):
 * the round, the commitments published for its lottery, the units it offers and the
 * frozen list of its candidates with their place once drawn, and the objections to its
 * published results (migration 049_allocation_objections.sql). How a round moves is
 * domain/allocation.c; this file only reads and writes rows. Other processes (the
 * selection of a round that is final) read rounds through these functions.
 */
#ifndef GZF_STORE_ALLOCATION_STORE_H
#define GZF_STORE_ALLOCATION_STORE_H

#include "store/db.h"

/* One round. Strings live in the connection's arena; times in ms (0: not yet). */
struct allocation_round {
	int64_t id;
	int64_t city_id;
	int64_t region_code;       /* the city's region code */
	const char *name;
	const char *method;        /* lottery | queue | direct */
	const char *state;         /* draft frozen drawn publicity final cancelled */
	const char *criteria;      /* JSON: who may take part (domain/allocation.h) */
	int64_t frozen_at, draw_at;
	const char *list_hash;     /* the current commitment's; "" before the freeze */
	int digit_count;
	const char *beacon_source;
	const char *digits;        /* as the notary entered them; "" before */
	int64_t digits_by;
	const char *beacon;
	const char *seed;
	int64_t drawn_at;
	const char *proof;         /* the proof JSON (lottery), "" otherwise */
	int64_t publicity_ends_at;
	const char *reason;        /* direct matching: why this household gets this unit */
	int64_t approved_by;       /* direct matching: the second approver */
	const char *state_reason;  /* why cancelled */
	int64_t created_by;
	int version;
	int64_t created_at, updated_at;
};

/* One commitment: the list hash and what it names, published at a freeze. */
struct allocation_commitment {
	int64_t id;
	int seq;                   /* 1, 2, ... in the round */
	int64_t frozen_at, draw_at;
	const char *list_hash;
	int digit_count;
	const char *beacon_source;
	int candidates;
	const char *status;        /* current superseded drawn cancelled */
	const char *status_reason;
	int64_t created_by;
};

/* One household of the frozen list. */
struct allocation_entry {
	int64_t id;
	int64_t round_id;
	int64_t city_id;
	int64_t application_id;
	int64_t queue_entry_id;
	const char *group_code;
	int group_rank;            /* 0 first; "general" last */
	int queue_position;        /* on the waiting list when frozen */
	int persons;
	const char *layouts;       /* JSON array */
	int max_area_dm2;
	int64_t owner_id;          /* the resident account, 0 for none */
	int lottery_rank;          /* 0 until drawn; then 1..n overall */
	int group_position;        /* 0 until drawn; then 1.. in its group */
	const char *name_enc;      /* joined: the applicant's sealed name (lists only) */
	const char *reference;     /* joined: the application's reference (lists only) */
};

/* One unit offered, with what a list of them shows. */
struct allocation_unit {
	int64_t unit_id;
	int64_t estate_id, building_id;
	const char *estate_name, *building_name, *unit_no, *layout, *status;
	int64_t floor_area_dm2, rent_fen, floor;
};

/* allocation_store_create_round — insert r (id, version ignored; version 1); *id. */
int allocation_store_create_round(struct db_conn *c, const struct allocation_round *r, int64_t *id,
				  struct gzf_err *err);

/* allocation_store_get_round — by id; GZF_ENOTFOUND "round_not_found". */
int allocation_store_get_round(struct db_conn *c, int64_t id, struct allocation_round *out,
			       struct gzf_err *err);

/* allocation_store_list_rounds — a page of city's rounds, newest first; *total all. */
int allocation_store_list_rounds(struct db_conn *c, int64_t city_id, int offset, int limit,
				 struct allocation_round **out, int *n, int *total, struct gzf_err *err);

/* allocation_store_save_round — write every changeable column of r and bump its version,
 * if it is still expect_version (GZF_ECONFLICT "version_conflict"). */
int allocation_store_save_round(struct db_conn *c, const struct allocation_round *r,
				int expect_version, struct gzf_err *err);

/* allocation_store_commitment_add — a new commitment of round (status current), its
 * seq the next of the round (into m->seq). */
int allocation_store_commitment_add(struct db_conn *c, int64_t round_id, int64_t city_id,
				    struct allocation_commitment *m, struct gzf_err *err);

/* allocation_store_commitment_close — the round's current commitment becomes status,
 * with reason. */
int allocation_store_commitment_close(struct db_conn *c, int64_t round_id, const char *status,
				      const char *reason, struct gzf_err *err);

/* allocation_store_commitments — every commitment of the round, oldest first. */
int allocation_store_commitments(struct db_conn *c, int64_t round_id,
				 struct allocation_commitment **out, int *n, struct gzf_err *err);

/* allocation_store_match_units — the listed (published and vacant) units of city in
 * estate (0: any), building (0: any) and layout (NULL: any), ascending id, appended to
 * ids while they fit (capacity cap; *n counts what it holds, in and out). */
int allocation_store_match_units(struct db_conn *c, int64_t city_id, int64_t estate_id,
				 int64_t building_id, const char *layout, int64_t *ids, int cap,
				 int *n, struct gzf_err *err);

/* allocation_store_units_set — the round offers exactly ids[0..n) (units of city_id;
 * GZF_EINVAL "unit_not_offerable", field "units", for any that is not a vacant unit of
 * the city; GZF_ECONFLICT "unit_in_other_round" for any offered by another round that is
 * neither final nor cancelled). */
int allocation_store_units_set(struct db_conn *c, int64_t round_id, int64_t city_id,
			       const int64_t *ids, int n, struct gzf_err *err);

/* allocation_store_list_units — the units the round offers, by estate, building, unit. */
int allocation_store_list_units(struct db_conn *c, int64_t round_id, struct allocation_unit **out,
				int *n, struct gzf_err *err);

/* allocation_store_entries_clear — forget the round's frozen list (before a new one). */
int allocation_store_entries_clear(struct db_conn *c, int64_t round_id, struct gzf_err *err);

/* allocation_store_entry_add — add e to its round's frozen list; *id. GZF_ECONFLICT
 * "duplicate" for an application already in it. */
int allocation_store_entry_add(struct db_conn *c, const struct allocation_entry *e, int64_t *id,
			       struct gzf_err *err);

/* allocation_store_entry_rank — set entry id's overall rank and position in its group. */
int allocation_store_entry_rank(struct db_conn *c, int64_t id, int lottery_rank, int group_position,
				struct gzf_err *err);

/*
 * allocation_store_list_entries — a page of the round's frozen list ordered by
 * lottery_rank (undrawn: by group rank, then application id), each with the applicant's
 * sealed name and the application's reference; limit 0: all. *total counts them all.
 */
int allocation_store_list_entries(struct db_conn *c, int64_t round_id, int offset, int limit,
				  struct allocation_entry **out, int *n, int *total,
				  struct gzf_err *err);

/* allocation_store_entries_of_owner — the resident's entries in rounds, newest round
 * first (at most 20). */
int allocation_store_entries_of_owner(struct db_conn *c, int64_t owner_id,
				      struct allocation_entry **out, int *n, struct gzf_err *err);

/* An objection to a round's published results. */
struct allocation_objection {
	int64_t id;
	int64_t application_id;        /* the entry objected to; 0: the round as a whole */
	const char *text;
	const char *contact_enc;       /* sealed; NULL when none was given */
	const char *status;            /* open | upheld | rejected */
	const char *resolution_reason; /* "" while open */
	int64_t resolved_by;           /* 0 while open */
	int64_t resolved_at, created_at;
};

/* allocation_store_objection_add — lodge o against round (of city); *id. GZF_ENOTFOUND
 * "entry_not_found", field "application_id", when o->application_id is not 0 and not
 * in the round's list. The caller checks the round's state. */
int allocation_store_objection_add(struct db_conn *c, int64_t round_id, int64_t city_id,
				   const struct allocation_objection *o, int64_t *id, struct gzf_err *err);

/* allocation_store_objection_resolve — the open objection id of round becomes o->status
 * (upheld | rejected) with o's reason, by and time; GZF_ENOTFOUND "objection_not_found"
 * when the round has no such objection, GZF_ECONFLICT "objection_resolved" when it is
 * resolved already. */
int allocation_store_objection_resolve(struct db_conn *c, int64_t round_id, int64_t id,
				       const struct allocation_objection *o, struct gzf_err *err);

/* allocation_store_objections_open — how many objections to the round are open. */
int allocation_store_objections_open(struct db_conn *c, int64_t round_id, int64_t *n,
				     struct gzf_err *err);

/* allocation_store_objections — the round's objections, oldest first (at most 500). */
int allocation_store_objections(struct db_conn *c, int64_t round_id, struct allocation_objection **out,
				int *n, struct gzf_err *err);

#endif
