/*
 * audit_store.h — the SQL of the audit log (audit.c): appending to a city's chain,
 * reading chains back in order for verification, and the staff search. The rules —
 * what is hashed, how a chain is checked — live in src/domain/audit.c; use the
 * functions in src/domain/audit.h rather than these.
 *
 * Strings in results live in the connection's arena (see db_acquire).
 */
#ifndef GZF_STORE_AUDIT_STORE_H
#define GZF_STORE_AUDIT_STORE_H

#include "store/db.h"

/* One stored audit entry. 0 / NULL stand for SQL NULL in the optional fields. */
struct audit_row {
	int64_t id;
	int64_t city_id;          /* the chain: 0 national, else a city's code */
	int64_t seq;              /* position in the chain, from 1 */
	int64_t at;               /* ms UTC */
	const char *actor_kind;   /* resident, staff, system, anonymous */
	int64_t actor_id;
	const char *actor_role;
	int64_t actor_region;
	const char *actor_path;   /* path of actor_region when the entry was written */
	const char *action;       /* "auth.login", "resident.reveal", ... */
	const char *object_type;
	const char *object_id;
	int64_t object_region;
	const char *object_path;  /* path of object_region when the entry was written */
	const char *client_ip;
	const char *request_id;
	const char *result;       /* ok, denied, failed */
	const char *detail;       /* small JSON, never personal data */
	const char *prev_hash;
	const char *hash;
};

/* A chain's head: its last seq and that entry's hash. */
struct audit_head {
	int64_t city_id;
	int64_t seq;
	const char *hash;
};

/*
 * audit_store_head_take — advance city_id's head by one inside c's transaction and
 * return the new entry's seq and the previous hash (genesis when the chain is new:
 * seq 1). On PostgreSQL the head row stays locked until the transaction ends, so
 * appends to one city queue while other cities go on. Also returns the current region
 * paths of actor_region and object_region (NULL for 0 or an unknown code), which the
 * entry records. GZF_EINTERNAL outside a transaction: the head's lock would end with
 * the statement and two appends could then take the same predecessor.
 */
int audit_store_head_take(struct db_conn *c, int64_t city_id, const char *genesis,
			  int64_t actor_region, int64_t object_region, int64_t *seq,
			  const char **prev_hash, const char **actor_path,
			  const char **object_path, struct gzf_err *err);

/* audit_store_insert — write r (its id is ignored; the database assigns it); sent with the
 * next statement (db_exec_later). */
int audit_store_insert(struct db_conn *c, const struct audit_row *r, struct gzf_err *err);

/* audit_store_head_set — record hash as the hash of city_id's head entry; sent with the
 * next statement (db_exec_later). */
int audit_store_head_set(struct db_conn *c, int64_t city_id, const char *hash,
			 struct gzf_err *err);

/* audit_store_heads — every head, by city, in an arena array of *n. */
int audit_store_heads(struct db_conn *c, struct audit_head **out, int *n, struct gzf_err *err);

/* audit_store_head_get — city_id's head; *found is 0 (and *out untouched) when none. */
int audit_store_head_get(struct db_conn *c, int64_t city_id, struct audit_head *out,
			 int *found, struct gzf_err *err);

/* audit_store_cities — the distinct city_id values of the entries, ascending. */
int audit_store_cities(struct db_conn *c, int64_t **out, int *n, struct gzf_err *err);

/* audit_store_page — up to limit entries of city_id's chain with after_seq < seq <=
 * upto_seq, in seq order. */
int audit_store_page(struct db_conn *c, int64_t city_id, int64_t after_seq, int64_t upto_seq,
		     int limit, struct audit_row **out, int *n, struct gzf_err *err);

/* audit_store_max_seq — the highest seq stored for city_id (0 when none). */
int audit_store_max_seq(struct db_conn *c, int64_t city_id, int64_t *out, struct gzf_err *err);

/*
 * What the staff search asks for (audit_search in src/domain/audit.h); 0 / NULL / ""
 * mean "any", and an entry must satisfy every criterion given.
 *
 * region_path is the region filter: an entry matches when its actor_path or its
 * object_path starts with region_path ("/100000/230000/230600/" matches every entry
 * whose actor or object lies in Daqing or below). Pass the caller's own region path to
 * show them their subtree. It is a filter applied on the way, not an index: combine it
 * with city_id where the caller's area lies within one city to keep the walk short.
 */
struct audit_filter {
	int64_t city_id;      /* the chain; 0: every chain */
	int64_t actor_id;
	const char *action;
	const char *object_type;
	const char *object_id;
	int64_t from_ms;      /* at >= from_ms */
	int64_t to_ms;        /* at < to_ms */
	int64_t before_id;    /* id < before_id: the next page after the last id seen */
	const char *region_path;
	int limit;            /* 1..AUDIT_SEARCH_MAX; 0 gives AUDIT_SEARCH_DEFAULT */
};

#define AUDIT_SEARCH_DEFAULT 50
#define AUDIT_SEARCH_MAX 200

/*
 * audit_store_search — entries matching f, newest (highest id) first, at most f->limit
 * (taken as given). The index used follows the most selective criterion given: the
 * object, then the actor, then the city; otherwise the whole log is walked by id.
 */
int audit_store_search(struct db_conn *c, const struct audit_filter *f, struct audit_row **out,
		       int *n, struct gzf_err *err);

#endif
