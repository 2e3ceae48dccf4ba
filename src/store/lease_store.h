/*
 * lease_store.h — the rows of leases (migrations 050_lease.sql and 051_lease_documents.sql):
 * each city's lease template versions, the leases, their history and their move-in. How a
 * lease moves is domain/lease.c; this file only reads and writes rows. Strings live in the
 * connection's arena.
 */
#ifndef GZF_STORE_LEASE_STORE_H
#define GZF_STORE_LEASE_STORE_H

#include "store/db.h"

struct lease_template {
	int64_t id;
	int64_t city_id;
	int version;             /* 1, 2, ... per city */
	const char *title;
	const char *body;        /* text with {{field}} markers (domain/lease.h) */
	const char *note;        /* what changed, for staff */
	int64_t created_by;
	int64_t created_at, updated_at;
	int64_t used;            /* leases written from it (read only) */
};

struct lease {
	int64_t id;
	int64_t city_id;
	const char *lease_no;
	int64_t application_id;
	int64_t owner_id;        /* the household's account (0: none) */
	int64_t unit_id;
	int64_t pick_id;         /* the confirmed pick it came from (0: a reserved unit) */
	int64_t region_code;     /* the household's community */
	const char *region_path;
	const char *state;       /* offered signed active ended terminated cancelled */
	int starts_on, ends_on;  /* yyyymmdd */
	int64_t area_dm2;
	int64_t rent_fen, deposit_fen;
	int64_t template_id;
	const char *title;
	const char *body;        /* rendered, the tenant's name left as {{tenant}} */
	const char *household_name_enc; /* sealed */
	int64_t signed_at, signed_by;
	const char *sign_method; /* "sms", "counter" or "" */
	const char *consent;
	int64_t pdf_media_id;
	const char *pdf_sha256;
	int64_t paper_media_id;
	int64_t created_by;
	int64_t ended_at;
	const char *end_reason;
	int version;
	int64_t created_at, updated_at;
};

struct lease_event_row {
	int64_t id;
	const char *event, *state, *detail;
	int64_t actor_id, at;
};

struct lease_move_in {
	int64_t lease_id;
	int keys_handed;
	const char *inventory;   /* JSON array of {"item","condition"} */
	const char *water_m3, *electricity_kwh, *gas_m3; /* meter readings as written */
	int64_t recorded_by, recorded_at;
	int64_t staff_confirmed_by, staff_confirmed_at;
	int64_t resident_confirmed_by, resident_confirmed_at;
	int64_t *photos;         /* media ids */
	int n_photos;
};

/* A confirmed pick whose reserved unit has no live lease yet: what a lease is made from. */
struct lease_candidate {
	int64_t pick_id, application_id, owner_id, unit_id;
	const char *region_path;
	const char *estate_name, *building_name, *unit_no, *layout;
	int64_t area_dm2, rent_fen;
	int lottery_rank;
};

/* lease_store_template_create — insert t as the next version of its city (id, version
 * set in *t). Two at once: one gets GZF_ECONFLICT "duplicate". */
int lease_store_template_create(struct db_conn *c, struct lease_template *t, struct gzf_err *err);

/* lease_store_template_first — store t as the city's version 1 unless the city has one
 * already (written at the same time by another transaction: that one stays). */
int lease_store_template_first(struct db_conn *c, const struct lease_template *t,
			       struct gzf_err *err);

/* lease_store_template_get — by id; GZF_ENOTFOUND "template_not_found". */
int lease_store_template_get(struct db_conn *c, int64_t id, struct lease_template *out,
			     struct gzf_err *err);

/* lease_store_template_current — the city's newest version; GZF_ENOTFOUND
 * "template_not_found" (err untouched) when it has none. */
int lease_store_template_current(struct db_conn *c, int64_t city_id, struct lease_template *out,
				 struct gzf_err *err);

/* lease_store_template_list — the city's versions, newest first, each with its use. */
int lease_store_template_list(struct db_conn *c, int64_t city_id, struct lease_template **out,
			      int *n, struct gzf_err *err);

/* lease_store_template_update — replace the title, body and note of t->id unless a lease
 * used it (GZF_ECONFLICT "template_in_use"). */
int lease_store_template_update(struct db_conn *c, const struct lease_template *t,
				struct gzf_err *err);

/* lease_store_create — insert l (id, version ignored); l->id is set. A second live lease
 * of the unit or the household: GZF_ECONFLICT "duplicate" (db_is_duplicate). */
int lease_store_create(struct db_conn *c, struct lease *l, struct gzf_err *err);

/* lease_store_get — by id; GZF_ENOTFOUND "lease_not_found". */
int lease_store_get(struct db_conn *c, int64_t id, struct lease *out, struct gzf_err *err);

/* lease_store_by_owner — the resident's newest lease; GZF_ENOTFOUND "no_lease" (err
 * untouched) when none. */
int lease_store_by_owner(struct db_conn *c, int64_t owner_id, struct lease *out,
			 struct gzf_err *err);

/* lease_store_count_for — how many leases the application has had (for its numbers). */
int lease_store_count_for(struct db_conn *c, int64_t application_id, int64_t *n,
			  struct gzf_err *err);

/* lease_store_list — the city's leases of households inside path, in state (NULL: any),
 * newest first, after before_id (0: from the newest), at most limit. */
int lease_store_list(struct db_conn *c, int64_t city_id, const char *path, const char *state,
		     int64_t before_id, int limit, struct lease **out, int *n, struct gzf_err *err);

/* lease_store_save — write the state, end date, signature, documents and end of l and bump
 * its version if it is still expect_version (GZF_ECONFLICT "version_conflict"). */
int lease_store_save(struct db_conn *c, const struct lease *l, int expect_version,
		     struct gzf_err *err);

/* lease_store_event_add — a line of the lease's history. */
int lease_store_event_add(struct db_conn *c, int64_t lease_id, const char *event,
			  const char *state, int64_t actor_id, const char *detail, int64_t at,
			  struct gzf_err *err);

/* lease_store_events — the lease's history, oldest first. */
int lease_store_events(struct db_conn *c, int64_t lease_id, struct lease_event_row **out, int *n,
		       struct gzf_err *err);

/* lease_store_move_in_get — the lease's move-in with its photos; a zeroed record (with
 * lease_id set, inventory "[]") when none was recorded. */
int lease_store_move_in_get(struct db_conn *c, int64_t lease_id, struct lease_move_in *out,
			    struct gzf_err *err);

/* lease_store_move_in_put — write m (its photos replacing those before). */
int lease_store_move_in_put(struct db_conn *c, const struct lease_move_in *m,
			    struct gzf_err *err);

/* lease_store_candidates — the city's confirmed picks of households inside path whose
 * unit is reserved and that have no live lease, by lottery rank, at most limit. */
int lease_store_candidates(struct db_conn *c, int64_t city_id, const char *path, int limit,
			   struct lease_candidate **out, int *n, struct gzf_err *err);

#endif
