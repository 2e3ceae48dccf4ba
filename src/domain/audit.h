/*
 * audit.h — the audit log (R28): who did what to which object, from where, with what
 * result; every state change and every staff view of personal data. Entries are
 * append-only (database triggers refuse UPDATE and DELETE) and chained by keyed hashes
 * so that audit_verify() finds any entry that was edited, deleted or reordered by
 * someone with access to the database alone.
 *
 * The chains. There is one per city (city_id; 0 for national entries), so appends in
 * one city never wait for another. An entry has seq (its position, 1, 2, 3, ... with no
 * gaps), prev_hash (the hash of the entry before; for seq 1 the city's genesis value,
 * itself keyed) and hash = HMAC-SHA256 under the audit key of a length-prefixed
 * serialisation of every stored field except id (see entry_hash() in audit.c). The
 * audit key is derived from the secrets file's index_key (audit_key()); the database
 * never holds it, so an edited entry cannot be given a matching hash. audit_heads keeps
 * each chain's last seq and hash.
 *
 * Limits: removing the newest entries of a chain and setting its head back to the
 * entry before them cannot be told apart from a chain that was never longer; compare
 * the heads (`gzf audit verify` counts) with a copy kept elsewhere to catch that.
 * A restored database backup is a valid log up to its own heads.
 *
 * Writing an entry (audit_record). Call it inside the transaction of the change it
 * records — the entry commits or rolls back with it — and as late as possible before
 * db_commit(): on PostgreSQL the city's chain head stays locked from audit_record()
 * to the end of the transaction, so every other append to that city waits meanwhile.
 * Appending to two chains in one transaction can deadlock with a transaction taking
 * them in the other order: record each transaction's entries in one city. A refusal
 * (result "denied") is usually recorded in a transaction of its own, since the work it
 * refused does not commit.
 */
#ifndef GZF_DOMAIN_AUDIT_H
#define GZF_DOMAIN_AUDIT_H

#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/gzf.h"
#include "store/audit_store.h"
#include "store/db.h"

#define AUDIT_KEY_BYTES 32

/*
 * What happened. 0 / NULL = none, except where marked required. Text is stored as
 * given; keep personal data (names, ID numbers, phone numbers) out of every field:
 * name the object by type and id instead.
 */
struct audit_entry {
	int64_t city_id;         /* the chain: the city the event belongs to — the object's
				  * city when it has one, else the actor's; 0 = national */
	const char *actor_kind;  /* required: resident, staff, system, anonymous */
	int64_t actor_id;        /* users.id */
	const char *actor_role;  /* staff: the role name ("city_admin") */
	int64_t actor_region;    /* staff: their region code; resident: their city */
	const char *action;      /* required, dotted: "auth.login", "staff.create", "resident.reveal" */
	const char *object_type; /* "resident", "staff", "application", ... */
	const char *object_id;   /* the object's id as text */
	int64_t object_region;   /* the region code the object belongs to */
	const char *client_ip;
	const char *request_id;
	const char *result;      /* required: ok, denied, failed */
	const char *detail;      /* small JSON object ("{\"field\":\"phone\"}"), no personal data */
};

/* Field limits (bytes), checked by audit_record. */
#define AUDIT_NAME_MAX 64     /* actor_kind, actor_role, action, object_type, result */
#define AUDIT_ID_MAX 128      /* object_id, client_ip, request_id */
#define AUDIT_DETAIL_MAX 2048 /* detail */

/* audit_key — derive the audit chain key from the secrets (a subkey of index_key,
 * context "gzfaudit", id 1). */
void audit_key(const struct secrets *s, unsigned char key[AUDIT_KEY_BYTES]);

/*
 * audit_record — append e to its city's chain, in c's current transaction (the caller
 * has begun one and commits it; without one, GZF_EINTERNAL and nothing is written). The time is now. The paths of e->actor_region and
 * e->object_region are looked up and stored with the entry (NULL when a code is not a
 * known region). Returns 0; GZF_EINVAL (err->name "bad_audit_entry") when a required
 * field is missing, a value is not one of the allowed ones or a field is over its limit
 * — a programming error, the caller should roll back; or the database's error.
 */
int audit_record(struct db_conn *c, const unsigned char key[AUDIT_KEY_BYTES],
		 const struct audit_entry *e, struct gzf_err *err);

/*
 * A problem found by audit_verify, at entry (city_id, seq); id is the row's id, 0 when
 * there is no row. count is how many positions it covers (more than 1 only for a run of
 * missing entries). kind:
 *   "edited"        the stored fields do not match the entry's hash: something in it
 *                   was changed, or it was forged;
 *   "missing"       no entry at seq .. seq+count-1 while later ones exist: deleted;
 *   "reordered"     an authentic entry in the wrong place: its seq was changed (it
 *                   verifies at another entry's position), it is not linked to the entry
 *                   before it, or its id is out of order (ids rise with seq);
 *   "head_mismatch" the chain does not end where audit_heads says (entries deleted at
 *                   the end, entries beyond the head, a head changed or removed).
 */
struct audit_problem {
	int64_t city_id;
	int64_t seq;
	int64_t id;
	int64_t count;
	const char *kind;
};

/*
 * audit_verify — walk every chain in seq order, a page at a time (memory does not grow
 * with the log), and check each entry's hash, seq, link and id order and each chain's
 * head. A chain's head is read before its walk, so entries appended meanwhile are left
 * for the next run and are no false alarm. Up to max problems are stored in problems
 * (ordered by city and seq), their strings static; *nproblems gets how many were found
 * (possibly more than max), *nentries the entries checked and *nchains (may be NULL) the
 * chains. Returns 0 when the walk completed — problems or not — or the database's error.
 * a is used for scratch memory that lives as long as a.
 */
int audit_verify(struct db *db, struct arena *a, const unsigned char key[AUDIT_KEY_BYTES],
		 struct audit_problem *problems, int max, int *nproblems, int64_t *nentries,
		 int *nchains, struct gzf_err *err);

/*
 * audit_search — the entries matching f (see struct audit_filter in
 * store/audit_store.h), newest first, for the staff console. The caller has authorised
 * the search and sets f->region_path to the caller's region path so that only their
 * subtree shows (and city_id to the caller's city for a city's staff, which keeps the
 * walk to that city's chain). Keyset
 * pagination: pass the last id returned as f->before_id for the next page. f->limit is
 * clamped to 1..AUDIT_SEARCH_MAX (0 gives AUDIT_SEARCH_DEFAULT). Rows are in c's arena.
 * GZF_EINVAL for a region_path that is not "/.../" or a reversed time range.
 */
int audit_search(struct db_conn *c, const struct audit_filter *f, struct audit_row **rows,
		 int *n, struct gzf_err *err);

/*
 * audit_cli_verify — `gzf audit verify`: run audit_verify with the key from s and print
 * on standard output "audit log verified: N entries in M chains", or one line per
 * problem ("city 230600 seq 5 (id 17): edited") and a summary line. Returns the exit
 * status: 0 when the log is intact, 1 when it is not or could not be read (the reason
 * on standard error).
 */
int audit_cli_verify(struct db *db, const struct secrets *s);

#endif
