/*
 * queue.h — the waiting list (轮候, R6/R18): each city's ordering rules, the place of a
 * qualified household on its city's list of its kind, and the entry as a state machine
 * (fsm.h). The table is queue_flow in queue.c; docs/design/state-machines.md draws it and
 * docs/queue.md explains the ordering and the expected wait.
 *
 * Rules JSON (domain default: queue_rules_default):
 *   {"groups":[{"code":"dibao_tekun","name":"低保/特困家庭","derive":"dibao_tekun"},
 *              {"code":"elderly","name":"有60岁以上老人的家庭","derive":"age","min_age":60},
 *              {"code":"disabled","name":"有残疾人的家庭","derive":"disability","min_level":1}],
 *    "points":"residence_years",
 *    "sizes":[{"max_persons":2,"layouts":["一室","一室一厅"],"max_area_m2":40}, ...]}
 * groups, in order of priority; each says how membership is derived from the department
 * evidence of the application (never from what the household declares): derive
 * "dibao", "tekun" or "dibao_tekun" (民政), "disability" (残联, level >= min_level), "age"
 * (a member at least min_age years old, from the verified ID numbers). Households in no
 * group are "general", after every group. Within a group: the date qualified, then the
 * points ("none" or "residence_years": years registered in the city, 户籍), higher first.
 * sizes: household size to the layouts and the largest area it may be offered, by
 * ascending max_persons (larger households take the last). Optional "selection":
 * {"max_refusals":3,"wait_days":0,"missed_counts":true}, what refusing a flat offered in a
 * selection costs (domain/selection.h).
 */
#ifndef GZF_DOMAIN_QUEUE_H
#define GZF_DOMAIN_QUEUE_H

#include <jansson.h>

#include "core/gzf.h"
#include "domain/fsm.h"
#include "store/application_store.h"
#include "store/db.h"
#include "store/queue_store.h"

#define QUEUE_MAX_GROUPS 12
#define QUEUE_MAX_SIZES 10
#define QUEUE_MAX_LAYOUTS 32 /* distinct layouts over all sizes */

/* Where an entry is. The allocation rounds add theirs between waiting and housed
 * (in_round: drawn into a round; offered: a unit offered, awaiting the choice). */
enum queue_state {
	QUEUE_NONE,      /* not on the list yet */
	QUEUE_WAITING,   /* on the list, with a position */
	QUEUE_SUSPENDED, /* kept, without a position (e.g. a case under investigation) */
	QUEUE_HOUSED,    /* final: given a home (or the subsidy) */
	QUEUE_REMOVED,   /* final: left the list (withdrew, lost eligibility) */
	QUEUE_NSTATES
};

enum queue_event {
	QUEUE_JOIN,    /* the application is qualified */
	QUEUE_RECHECK, /* the household's circumstances are read again: its group may change */
	QUEUE_SUSPEND, /* staff hold it, with a reason */
	QUEUE_RESUME,  /* staff put it back */
	QUEUE_HOUSE,   /* it is given a home */
	QUEUE_REMOVE,  /* it leaves the list: the household withdraws or staff remove it */
	QUEUE_NEVENTS
};

/* The machine: names and table, for the docs and the tests. */
extern const struct fsm queue_fsm;

/* What the department evidence and the verified ID numbers say about a household. */
struct queue_facts {
	int civil_known;      /* the civil affairs answer is in the evidence */
	int dibao, tekun;     /* 低保, 特困 (any person) */
	int disability_known;
	int disability_level; /* the highest of the persons (0: none) */
	int oldest_age;       /* years, at the time read (0: no ID numbers) */
	int residence_years;  /* registered in the city (户籍), the longest of the persons */
	int persons;
};

/* queue_facts_of — the facts in household (declared; only its ID numbers are read) and
 * evidence (may be NULL: nothing known from the departments) at now. Pure. */
void queue_facts_of(const json_t *household, const json_t *evidence, int64_t now,
		    struct queue_facts *f);

/* queue_rules_default — the built-in rules, a new reference. */
json_t *queue_rules_default(void);

/* queue_rules_check — GZF_EINVAL (field named) unless rules are valid rules; a group
 * whose derivation has no department source is "no_source". */
int queue_rules_check(const json_t *rules, struct gzf_err *err);

/* queue_rules_get — the city's rules (a new reference): its own, else the default. */
int queue_rules_get(struct db_conn *c, int64_t city_id, json_t **rules, struct gzf_err *err);

/*
 * What a household's page reads that is its city's (queue_shared.c), kept in memory for
 * at most QUEUE_SHARED_MS and shared between threads:
 *   queue_rules_shared — the city's rules as queue_rules_get reads them (a new reference
 *     to an object other threads read too: never change it);
 *   queue_supply — the units of the city with one of layouts (a JSON array of strings):
 *     listed now, and published in the year before now (queue_store_supply, summed);
 *   queue_shared_forget — forget what is kept of a city (its rules changed).
 */
#define QUEUE_SHARED_MS 5000
int queue_rules_shared(struct db_conn *c, int64_t city_id, int64_t now, json_t **rules,
		       struct gzf_err *err);
int queue_supply(struct db_conn *c, int64_t city_id, const json_t *layouts, int64_t now, int *listed,
		 int *published, struct gzf_err *err);
void queue_shared_forget(int64_t city_id);

/* queue_classify — the group of a household with facts f under rules: its code, rank (0
 * first; the number of groups for "general"), name and the reason in words (arena). */
void queue_classify(struct arena *ar, const json_t *rules, const struct queue_facts *f,
		    const char **code, int *rank, const char **name, const char **reason);

/* queue_group_name — the name of group code under rules ("一般家庭" for general). */
const char *queue_group_name(const json_t *rules, const char *code);

/* queue_fit — the layouts (a JSON array, in the arena) and the largest area (dm², 0: no
 * limit) a household of persons may be offered under rules. */
void queue_fit(struct arena *ar, const json_t *rules, int persons, const char **layouts,
	       int *max_area_dm2);

/* One entry as the ordering sees it. */
struct queue_row {
	int64_t id;
	int64_t application_id;
	int64_t qualified_at; /* ms */
	int rank;
	int points;
	unsigned mask;        /* its layouts, one bit each (0: none, as for subsidies) */
	int tag;              /* the caller's, carried through the sort */
	int position, group_position, ahead; /* out */
};

/*
 * queue_order — sort rows (group rank, then the day qualified, then points, higher first,
 * then the application's number) and set each one's position, position in its group and
 * how many ahead compete with it (share a layout; with no layouts, everyone without).
 * Pure; O(n log n).
 */
void queue_order(struct queue_row *rows, int n);

/* The expected wait (docs/queue.md): from the units of the household's layouts. */
struct queue_estimate {
	const char *status; /* "months", "next_round", "unknown", "not_applicable" */
	int needed;         /* units that must come free: those ahead competing, plus one */
	int vacant;         /* listed now */
	int turnover;       /* published in the last twelve months */
	int rounds;         /* units in planned rounds */
	int p50, p90;       /* months (status "months") */
};

/* queue_estimate_compute — the wait of a household with ahead competitors ahead, given
 * the supply of its layouts (has_layouts 0: a list without units, as subsidies). Pure. */
void queue_estimate_compute(int has_layouts, int ahead, int vacant, int turnover, int rounds,
			    struct queue_estimate *out);

/* What an event carries; strings borrowed for the call. */
struct queue_input {
	unsigned party;                  /* enum fsm_party */
	int64_t actor_id;
	int64_t now;                     /* ms */
	const char *reason;              /* suspend, remove (required); resume, house */
	const struct application *app;   /* join: the application qualified */
	const struct queue_facts *facts; /* join, recheck: what the departments say now */
};

/*
 * queue_fire — take event on e inside the caller's transaction: the errors of fsm_find
 * and the guards, then the effect, which saves e (a join creates it: e->id is set;
 * GZF_ECONFLICT "already_on_list" for an application already on it), writes its history
 * and message, and recomputes the positions of its city's list of its kind, with a
 * history row (and its cause) for every entry whose position changed.
 */
int queue_fire(struct db_conn *c, struct queue_entry *e, enum queue_event event,
	       struct queue_input *in, struct gzf_err *err);

/* queue_state_of — the state of e (QUEUE_NONE for an entry not yet stored). */
enum queue_state queue_state_of(const struct queue_entry *e);

/*
 * queue_join — put application a, just qualified, on its city's list of its kind at
 * now, in the caller's transaction: its group from the department evidence sealed on a,
 * opened with data_key (NULL, or no evidence: no department facts, the general group).
 */
int queue_join(struct db_conn *c, const struct application *a, const unsigned char *data_key,
	       int64_t now, struct gzf_err *err);

/*
 * queue_facts_read — the facts of application a: its sealed household and evidence
 * opened with data_key (NULL: none), or evidence (when not NULL, fresh from the
 * departments) in place of the sealed one. GZF_EINTERNAL when a sealed field is damaged.
 */
int queue_facts_read(struct arena *ar, const struct application *a, const unsigned char *data_key,
		     const json_t *evidence, int64_t now, struct queue_facts *f, struct gzf_err *err);

/*
 * queue_recompute — recompute every position of city's list of kind, in the caller's
 * transaction, writing the entries whose figures changed; those whose position changed
 * get a history row with cause (subject_id's row: subject_cause; others': other_cause,
 * or "priority_joined_ahead" when other_cause is "joined_ahead" and the subject's group
 * comes before theirs) and detail. *changed (may be NULL) counts the rows written.
 */
struct queue_cause {
	int64_t subject_id;        /* the entry the change is about (0: none, e.g. new rules) */
	int subject_rank;
	const char *subject_cause; /* joined, recheck, resumed, ... */
	const char *subject_detail;
	const char *other_cause;   /* joined_ahead, ahead_housed, ahead_left, ... */
	const char *other_detail;
	const char *group_from, *group_to; /* the subject's */
};
int queue_recompute(struct db_conn *c, int64_t city_id, const char *kind,
		    const struct queue_cause *cause, int64_t now, int *changed, struct gzf_err *err);

/*
 * queue_rules_apply — after city's rules changed to rules, in the caller's transaction:
 * every entry's group takes its new place (a group no longer listed becomes general), its
 * layouts are fitted again, and both lists are recomputed (cause "rules_changed"). Groups
 * added apply to households as they join or are rechecked.
 */
int queue_rules_apply(struct db_conn *c, int64_t city_id, const json_t *rules, int64_t now,
		      struct gzf_err *err);

#endif
