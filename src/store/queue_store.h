/*
 * queue_store.h — the rows of the waiting list (migration 040_queue.sql): each city's
 * ordering rules, the entries (one per qualified application) and the history of their
 * positions. How an entry moves and how the list is ordered is domain/queue.c; this file
 * only reads and writes rows.
 */
#ifndef GZF_STORE_QUEUE_STORE_H
#define GZF_STORE_QUEUE_STORE_H

#include "store/db.h"

/* One entry. Strings live in the connection's arena. */
struct queue_entry {
	int64_t id;
	int64_t city_id;
	int64_t application_id;
	int64_t owner_id;         /* the resident (0: a counter applicant without an account) */
	int64_t region_code;      /* the community of the application */
	const char *kind;         /* "rental" | "subsidy" */
	const char *state;        /* waiting, suspended, housed, removed */
	const char *group_code;   /* the priority group, or "general" */
	int group_rank;           /* 0 first; the number of groups for "general" */
	const char *group_reason; /* which department record put it there */
	int persons;
	const char *layouts;      /* JSON array of the layouts the household may be offered */
	int max_area_dm2;         /* 0: no limit */
	int64_t qualified_at;
	int points;
	int position;             /* overall, 1-based; 0 while not waiting */
	int group_position;
	int ahead_competing;      /* waiting ahead with a layout in common */
	const char *state_reason; /* why suspended or removed */
	int version;
	int64_t created_at;
	int64_t updated_at;
};

/* What the ordering reads of a waiting entry. */
struct queue_row_data {
	int64_t id;
	int64_t application_id;
	int64_t qualified_at;
	int group_rank;
	int points;
	const char *layouts;
	int position, group_position, ahead_competing;
};

/* One change of an entry's position or group. */
struct queue_change {
	int64_t id;
	int64_t entry_id;
	int64_t at;
	const char *cause;   /* joined, joined_ahead, ahead_housed, ahead_left, recheck, ... */
	const char *detail;
	int position_from, position_to;
	const char *group_from, *group_to;
};

/* queue_store_rules_get — the city's stored rules (JSON text); GZF_ENOTFOUND, err left
 * untouched, when it has none of its own. queue_store_rules_put — store them. */
int queue_store_rules_get(struct db_conn *c, int64_t city_id, const char **text, struct gzf_err *err);
int queue_store_rules_put(struct db_conn *c, int64_t city_id, const char *text, int64_t by,
			  int64_t at, struct gzf_err *err);

/* queue_store_without_account — how many entries of the city belong to households with
 * no account (entered for them, or generated), into *n. */
int queue_store_without_account(struct db_conn *c, int64_t city_id, int64_t *n,
				struct gzf_err *err);

/* queue_store_create — insert e (id, version ignored); GZF_ECONFLICT "duplicate" when
 * the application already has an entry. */
int queue_store_create(struct db_conn *c, const struct queue_entry *e, int64_t *id,
		       struct gzf_err *err);

/* queue_store_get — by id; GZF_ENOTFOUND "queue_entry_not_found". */
int queue_store_get(struct db_conn *c, int64_t id, struct queue_entry *out, struct gzf_err *err);

/* queue_store_by_owner — the resident's newest entry, and how many of its list (city and
 * kind) wait: in all, and in its group; GZF_ENOTFOUND "not_on_list". */
int queue_store_by_owner(struct db_conn *c, int64_t owner_id, struct queue_entry *out, int *total,
			 int *in_group, struct gzf_err *err);

/* queue_store_save — write the state, group, figures and reason of e and bump its
 * version, if it is still expect_version (GZF_ECONFLICT "version_conflict"). Not its
 * position: that is the recomputation's (queue_store_position_set). */
int queue_store_save(struct db_conn *c, const struct queue_entry *e, int expect_version,
		     struct gzf_err *err);

/* queue_store_rows — the waiting entries of city and kind, as the ordering reads them
 * (an arena array of *n, in no particular order). */
int queue_store_rows(struct db_conn *c, int64_t city_id, const char *kind,
		     struct queue_row_data **out, int *n, struct gzf_err *err);

/* queue_store_position_set — an entry's position, position in its group and competitors
 * ahead (not its version: they follow from the others'). */
int queue_store_position_set(struct db_conn *c, int64_t id, int position, int group_position,
			     int ahead, struct gzf_err *err);

/* queue_store_list — a page of city's entries of kind in state (NULL: any), in group (NULL:
 * any), by position (waiting first) then id; *total how many match. Each entry's
 * applicant_name_enc, sealed, is in names[i]. */
int queue_store_list(struct db_conn *c, int64_t city_id, const char *kind, const char *state,
		     const char *group, int offset, int limit, struct queue_entry **out,
		     const char ***names, int *n, int *total, struct gzf_err *err);

/* queue_store_change_add — append a row of an entry's history. */
int queue_store_change_add(struct db_conn *c, int64_t city_id, const struct queue_change *ch,
			   struct gzf_err *err);

/* queue_store_changes — the entry's history, newest first, at most limit rows. */
int queue_store_changes(struct db_conn *c, int64_t entry_id, int limit, struct queue_change **out,
			int *n, struct gzf_err *err);

/* queue_store_supply — units of city with layout: listed (published and vacant) now, and
 * published since since_ms. */
int queue_store_supply(struct db_conn *c, int64_t city_id, const char *layout, int64_t since_ms,
		       int *listed, int *published, struct gzf_err *err);

/* queue_store_regroup — city's entries of group code (NULL: every entry) take rank;
 * queue_store_ungroup — those at rank become "general". For a change of the rules. */
int queue_store_regroup(struct db_conn *c, int64_t city_id, const char *code, int rank,
			struct gzf_err *err);
int queue_store_ungroup(struct db_conn *c, int64_t city_id, int rank, struct gzf_err *err);

/* queue_store_refit — city's rental entries of from..to persons may be offered layouts
 * (JSON array) up to max_area_dm2. */
int queue_store_refit(struct db_conn *c, int64_t city_id, int from, int to, const char *layouts,
		      int max_area_dm2, struct gzf_err *err);

#endif
