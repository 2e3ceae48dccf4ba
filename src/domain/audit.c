/*
 * audit.c — the audit log's rules: what an entry may hold, how it is hashed into its
 * city's chain, how chains are verified, and `gzf audit verify`. The SQL is in
 * src/store/audit.c; the design is described in audit.h.
 */
#include "domain/audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_HEX 65          /* 64 hex characters and a NUL */
#define PAGE_ROWS 500        /* entries read per round trip while verifying */
#define PENDING_MAX 256      /* entries per chain held back to tell "reordered" from "edited" */
#define CLI_PROBLEMS_MAX 1000

/* The serialisation's version: change it (and keep the old one for old entries) if the
 * hashed fields ever change. */
static const char entry_tag[] = "gzf-audit-entry-1";
static const char genesis_tag[] = "gzf-audit-genesis-1";

/* One chain's walk. */
struct walk {
	const unsigned char *key;
	struct audit_problem *problems;
	int max;
	int found;
	struct arena *chain;          /* pending rows; freed after the chain */
	struct audit_row *pending;    /* entries whose hash failed, resolved at the end */
	int npending;
	int64_t city_id;
	int64_t expect;               /* the seq the next entry should have */
	int64_t entries;
	int64_t last_seq;
	int64_t last_id;
	int last_intact;              /* the previous entry verified and nothing is missing */
	char last_hash[HASH_HEX];     /* its stored hash ("" when not 64 characters) */
};

static void put_text(crypto_auth_hmacsha256_state *st, const char *s);
static void put_int(crypto_auth_hmacsha256_state *st, int64_t v);
static void put_opt_int(crypto_auth_hmacsha256_state *st, int64_t v);
static void finish_hex(crypto_auth_hmacsha256_state *st, char out[HASH_HEX]);
static void entry_hash(const unsigned char *key, const struct audit_row *r, int64_t seq,
		       char out[HASH_HEX]);
static void genesis_hash(const unsigned char *key, int64_t city_id, char out[HASH_HEX]);
static int one_of(const char *s, const char *const *allowed);
static int too_long(const char *s, size_t max);
static int check_entry(const struct audit_entry *e, struct gzf_err *err);
static void add_problem(struct walk *w, int64_t seq, int64_t id, int64_t count,
			const char *kind);
static void hold_pending(struct walk *w, const struct audit_row *r);
static void check_row(struct walk *w, const struct audit_row *r);
static void resolve_pending(struct walk *w);
static int walk_chain(struct db *db, struct walk *w, struct gzf_err *err);
static int list_chains(struct db *db, struct arena *a, int64_t **cities, int *n,
		       struct gzf_err *err);
static int problem_order(const void *a, const void *b);

static const char *const actor_kinds[] = { "resident", "staff", "system", "anonymous", NULL };
static const char *const results[] = { "ok", "denied", "failed", NULL };

/*
 * The hashed serialisation: every field as "<byte length>:<bytes>;", or "-;" for
 * NULL, in a fixed order, so no two different entries serialise alike. Integers are
 * written in decimal; the optional ids and region codes are NULL when 0, as stored.
 */
static void
put_text(crypto_auth_hmacsha256_state *st, const char *s)
{
	char len[24];

	if (s == NULL) {
		crypto_auth_hmacsha256_update(st, (const unsigned char *)"-;", 2);
		return;
	}
	snprintf(len, sizeof(len), "%zu:", strlen(s));
	crypto_auth_hmacsha256_update(st, (const unsigned char *)len, strlen(len));
	crypto_auth_hmacsha256_update(st, (const unsigned char *)s, strlen(s));
	crypto_auth_hmacsha256_update(st, (const unsigned char *)";", 1);
}

static void
put_int(crypto_auth_hmacsha256_state *st, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, v);
	put_text(st, num);
}

static void
put_opt_int(crypto_auth_hmacsha256_state *st, int64_t v)
{
	if (v == 0)
		put_text(st, NULL);
	else
		put_int(st, v);
}

static void
finish_hex(crypto_auth_hmacsha256_state *st, char out[HASH_HEX])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_final(st, mac);
	sodium_bin2hex(out, HASH_HEX, mac, sizeof(mac));
}

/* The hash of r as if it stood at position seq (r->seq is not read). */
static void
entry_hash(const unsigned char *key, const struct audit_row *r, int64_t seq, char out[HASH_HEX])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, AUDIT_KEY_BYTES);
	put_text(&st, entry_tag);
	put_int(&st, r->city_id);
	put_int(&st, seq);
	put_int(&st, r->at);
	put_text(&st, r->actor_kind);
	put_opt_int(&st, r->actor_id);
	put_text(&st, r->actor_role);
	put_opt_int(&st, r->actor_region);
	put_text(&st, r->actor_path);
	put_text(&st, r->action);
	put_text(&st, r->object_type);
	put_text(&st, r->object_id);
	put_opt_int(&st, r->object_region);
	put_text(&st, r->object_path);
	put_text(&st, r->client_ip);
	put_text(&st, r->request_id);
	put_text(&st, r->result);
	put_text(&st, r->detail);
	put_text(&st, r->prev_hash);
	finish_hex(&st, out);
}

/* The prev_hash of a chain's first entry: keyed too, so a chain cannot be restarted. */
static void
genesis_hash(const unsigned char *key, int64_t city_id, char out[HASH_HEX])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, AUDIT_KEY_BYTES);
	put_text(&st, genesis_tag);
	put_int(&st, city_id);
	finish_hex(&st, out);
}

void
audit_key(const struct secrets *s, unsigned char key[AUDIT_KEY_BYTES])
{
	crypto_kdf_derive_from_key(key, AUDIT_KEY_BYTES, 1, "gzfaudit", s->index_key);
}

static int
one_of(const char *s, const char *const *allowed)
{
	for (; s != NULL && *allowed != NULL; allowed++)
		if (strcmp(s, *allowed) == 0)
			return 1;
	return 0;
}

static int
too_long(const char *s, size_t max)
{
	return s != NULL && strnlen(s, max + 1) > max;
}

static int
check_entry(const struct audit_entry *e, struct gzf_err *err)
{
	const char *p;

	if (!one_of(e->actor_kind, actor_kinds))
		return gzf_err_set(err, GZF_EINVAL, "bad_audit_entry", "actor_kind",
				   "audit entry: actor_kind must be resident, staff, system or anonymous");
	if (!one_of(e->result, results))
		return gzf_err_set(err, GZF_EINVAL, "bad_audit_entry", "result",
				   "audit entry: result must be ok, denied or failed");
	if (e->action == NULL || *e->action == '\0' || too_long(e->action, AUDIT_NAME_MAX))
		return gzf_err_set(err, GZF_EINVAL, "bad_audit_entry", "action",
				   "audit entry: action is required (at most %d bytes)", AUDIT_NAME_MAX);
	for (p = e->action; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_'))
			return gzf_err_set(err, GZF_EINVAL, "bad_audit_entry", "action",
					   "audit entry: action \"%s\" must be dotted lower-case words",
					   e->action);
	if (too_long(e->actor_role, AUDIT_NAME_MAX) || too_long(e->object_type, AUDIT_NAME_MAX) ||
	    too_long(e->object_id, AUDIT_ID_MAX) || too_long(e->client_ip, AUDIT_ID_MAX) ||
	    too_long(e->request_id, AUDIT_ID_MAX) || too_long(e->detail, AUDIT_DETAIL_MAX))
		return gzf_err_set(err, GZF_EINVAL, "bad_audit_entry", NULL,
				   "audit entry for %s: a field is over its length limit", e->action);
	return GZF_OK;
}

int
audit_record(struct db_conn *c, const unsigned char key[AUDIT_KEY_BYTES],
	     const struct audit_entry *e, struct gzf_err *err)
{
	struct audit_row r;
	char genesis[HASH_HEX], hash[HASH_HEX];
	int rc;

	if ((rc = check_entry(e, err)) != GZF_OK)
		return rc;
	memset(&r, 0, sizeof(r));
	genesis_hash(key, e->city_id, genesis);
	rc = audit_store_head_take(c, e->city_id, genesis, e->actor_region, e->object_region,
				   &r.seq, &r.prev_hash, &r.actor_path, &r.object_path, err);
	if (rc != GZF_OK)
		return rc;
	r.city_id = e->city_id;
	r.at = gzf_now_ms();
	r.actor_kind = e->actor_kind;
	r.actor_id = e->actor_id;
	r.actor_role = e->actor_role;
	r.actor_region = e->actor_region;
	r.action = e->action;
	r.object_type = e->object_type;
	r.object_id = e->object_id;
	r.object_region = e->object_region;
	r.client_ip = e->client_ip;
	r.request_id = e->request_id;
	r.result = e->result;
	r.detail = e->detail;
	entry_hash(key, &r, r.seq, hash);
	r.hash = hash;
	if ((rc = audit_store_insert(c, &r, err)) != GZF_OK)
		return rc;
	return audit_store_head_set(c, e->city_id, hash, err);
}

/* ---- verification ---- */

static void
add_problem(struct walk *w, int64_t seq, int64_t id, int64_t count, const char *kind)
{
	if (w->found < w->max)
		w->problems[w->found] = (struct audit_problem){
			.city_id = w->city_id, .seq = seq, .id = id, .count = count, .kind = kind,
		};
	w->found++;
}

/* Keep a copy of r, whose hash failed, until the chain's end: it may turn out to be an
 * authentic entry that was moved (see resolve_pending). */
static void
hold_pending(struct walk *w, const struct audit_row *r)
{
	struct audit_row *p;

	if (w->pending == NULL)
		w->pending = arena_alloc(w->chain, sizeof(*w->pending) * PENDING_MAX);
	if (w->npending == PENDING_MAX) {
		add_problem(w, r->seq, r->id, 1, "edited");
		return;
	}
	p = &w->pending[w->npending++];
	*p = *r;
	p->actor_kind = arena_strdup(w->chain, r->actor_kind);
	p->actor_role = arena_strdup(w->chain, r->actor_role);
	p->actor_path = arena_strdup(w->chain, r->actor_path);
	p->action = arena_strdup(w->chain, r->action);
	p->object_type = arena_strdup(w->chain, r->object_type);
	p->object_id = arena_strdup(w->chain, r->object_id);
	p->object_path = arena_strdup(w->chain, r->object_path);
	p->client_ip = arena_strdup(w->chain, r->client_ip);
	p->request_id = arena_strdup(w->chain, r->request_id);
	p->result = arena_strdup(w->chain, r->result);
	p->detail = arena_strdup(w->chain, r->detail);
	p->prev_hash = arena_strdup(w->chain, r->prev_hash);
	p->hash = arena_strdup(w->chain, r->hash);
}

/* Check one entry against the walk so far; entries come in seq order. */
static void
check_row(struct walk *w, const struct audit_row *r)
{
	char hash[HASH_HEX];
	int intact;

	w->entries++;
	if (r->seq < w->expect) {
		/* A second entry at a position already seen: a copy. */
		add_problem(w, r->seq, r->id, 1, "reordered");
		return;
	}
	if (r->seq > w->expect) {
		add_problem(w, w->expect, 0, r->seq - w->expect, "missing");
		w->last_intact = 0;
	}
	entry_hash(w->key, r, r->seq, hash);
	intact = r->hash != NULL && strcmp(hash, r->hash) == 0;
	if (!intact)
		hold_pending(w, r);
	else if (w->last_intact && (r->prev_hash == NULL || strcmp(r->prev_hash, w->last_hash) != 0))
		add_problem(w, r->seq, r->id, 1, "reordered");
	else if (w->last_id != 0 && r->id <= w->last_id)
		add_problem(w, r->seq, r->id, 1, "reordered");
	w->last_intact = intact;
	w->last_id = r->id;
	w->last_seq = r->seq;
	w->expect = r->seq + 1;
	if (r->hash != NULL && strlen(r->hash) == HASH_HEX - 1)
		memcpy(w->last_hash, r->hash, HASH_HEX);
	else
		w->last_hash[0] = '\0';
}

/*
 * Entries whose hash failed: if one verifies at the position another of them claims,
 * it is authentic but its seq was changed (rows swapped or rotated) — "reordered";
 * otherwise its content was changed — "edited".
 */
static void
resolve_pending(struct walk *w)
{
	char hash[HASH_HEX];
	int i, j;

	for (i = 0; i < w->npending; i++) {
		const struct audit_row *p = &w->pending[i];
		const char *kind = "edited";

		for (j = 0; j < w->npending && p->hash != NULL; j++) {
			if (j == i || w->pending[j].seq == p->seq)
				continue;
			entry_hash(w->key, p, w->pending[j].seq, hash);
			if (strcmp(hash, p->hash) == 0) {
				kind = "reordered";
				break;
			}
		}
		add_problem(w, p->seq, p->id, 1, kind);
	}
	w->npending = 0;
}

/* Walk w->city_id's chain up to its head as read now, then look past the head. */
static int
walk_chain(struct db *db, struct walk *w, struct gzf_err *err)
{
	struct audit_head head;
	struct audit_row *rows;
	struct arena *page = NULL;
	struct db_conn *c = NULL;
	int64_t upto, max_seq;
	int i, n, has_head, rc;

	page = arena_create();
	if ((rc = db_acquire(db, page, &c, err)) != GZF_OK)
		goto out;
	if ((rc = audit_store_head_get(c, w->city_id, &head, &has_head, err)) != GZF_OK)
		goto out;
	upto = has_head ? head.seq : INT64_MAX;
	if (has_head)
		head.hash = arena_strdup(w->chain, head.hash != NULL ? head.hash : "");
	/* A page at a time, each in its own arena, so memory stays flat. */
	for (;;) {
		rc = audit_store_page(c, w->city_id, w->expect > 1 ? w->expect - 1 : 0, upto,
				      PAGE_ROWS, &rows, &n, err);
		if (rc != GZF_OK)
			goto out;
		for (i = 0; i < n; i++)
			check_row(w, &rows[i]);
		db_release(c);
		c = NULL;
		arena_destroy(page);
		page = NULL;
		if (n < PAGE_ROWS)
			break;
		page = arena_create();
		if ((rc = db_acquire(db, page, &c, err)) != GZF_OK)
			goto out;
	}

	if (has_head && w->last_seq < head.seq)
		add_problem(w, w->last_seq + 1, 0, head.seq - w->last_seq, "head_mismatch");
	else if (has_head && strcmp(w->last_hash, head.hash) != 0)
		add_problem(w, w->last_seq, w->last_id, 1, "head_mismatch");

	/* Every committed entry moved the head with it, so reading the highest seq first
	 * and the head second, the head can only be at or beyond it. */
	page = arena_create();
	if ((rc = db_acquire(db, page, &c, err)) != GZF_OK)
		goto out;
	if ((rc = audit_store_max_seq(c, w->city_id, &max_seq, err)) != GZF_OK ||
	    (rc = audit_store_head_get(c, w->city_id, &head, &has_head, err)) != GZF_OK)
		goto out;
	if (!has_head && max_seq > 0)
		add_problem(w, max_seq, 0, 1, "head_mismatch");
	else if (has_head && head.seq < max_seq)
		add_problem(w, head.seq + 1, 0, max_seq - head.seq, "head_mismatch");
	resolve_pending(w);
out:
	db_release(c);
	arena_destroy(page);
	return rc;
}

/* Every chain: the cities with a head and those with entries (a removed head must not
 * hide its chain), ascending. */
static int
list_chains(struct db *db, struct arena *a, int64_t **cities, int *n, struct gzf_err *err)
{
	struct audit_head *heads;
	struct db_conn *c = NULL;
	int64_t *logged, *all;
	int nheads, nlogged, i = 0, j = 0, k = 0, rc;

	if ((rc = db_acquire(db, a, &c, err)) != GZF_OK)
		return rc;
	if ((rc = audit_store_heads(c, &heads, &nheads, err)) != GZF_OK ||
	    (rc = audit_store_cities(c, &logged, &nlogged, err)) != GZF_OK)
		goto out;
	all = arena_alloc(a, sizeof(*all) * (size_t)(nheads + nlogged + 1));
	while (i < nheads || j < nlogged) {
		if (j >= nlogged || (i < nheads && heads[i].city_id < logged[j])) {
			all[k++] = heads[i++].city_id;
		} else if (i >= nheads || logged[j] < heads[i].city_id) {
			all[k++] = logged[j++];
		} else {
			all[k++] = logged[j++];
			i++;
		}
	}
	*cities = all;
	*n = k;
out:
	db_release(c);
	return rc;
}

static int
problem_order(const void *a, const void *b)
{
	const struct audit_problem *x = a, *y = b;

	if (x->city_id != y->city_id)
		return x->city_id < y->city_id ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int
audit_verify(struct db *db, struct arena *a, const unsigned char key[AUDIT_KEY_BYTES],
	     struct audit_problem *problems, int max, int *nproblems, int64_t *nentries,
	     int *nchains, struct gzf_err *err)
{
	struct walk w;
	int64_t *cities;
	int i, ncities, rc;

	*nproblems = 0;
	*nentries = 0;
	if (nchains != NULL)
		*nchains = 0;
	if ((rc = list_chains(db, a, &cities, &ncities, err)) != GZF_OK)
		return rc;
	memset(&w, 0, sizeof(w));
	w.key = key;
	w.problems = problems;
	w.max = max > 0 ? max : 0;
	for (i = 0; i < ncities; i++) {
		w.chain = arena_create();
		w.pending = NULL;
		w.npending = 0;
		w.city_id = cities[i];
		w.expect = 1;
		w.last_seq = 0;
		w.last_id = 0;
		w.last_intact = 1;
		genesis_hash(key, w.city_id, w.last_hash);
		rc = walk_chain(db, &w, err);
		arena_destroy(w.chain);
		if (rc != GZF_OK)
			return rc;
	}
	qsort(problems, (size_t)(w.found < w.max ? w.found : w.max), sizeof(*problems),
	      problem_order);
	*nproblems = w.found;
	*nentries = w.entries;
	if (nchains != NULL)
		*nchains = ncities;
	return GZF_OK;
}

/* ---- search ---- */

int
audit_search(struct db_conn *c, const struct audit_filter *f, struct audit_row **rows, int *n,
	     struct gzf_err *err)
{
	struct audit_filter q = *f;
	const char *p;

	*rows = NULL;
	*n = 0;
	if (q.region_path != NULL && *q.region_path != '\0') {
		size_t len = strlen(q.region_path);

		for (p = q.region_path; *p; p++)
			if (*p != '/' && (*p < '0' || *p > '9'))
				break;
		if (*p != '\0' || len < 2 || q.region_path[0] != '/' || q.region_path[len - 1] != '/')
			return gzf_err_set(err, GZF_EINVAL, "invalid_region", "region",
					   "a region path looks like /100000/230000/");
	}
	if (q.from_ms < 0 || q.to_ms < 0 || q.before_id < 0 ||
	    (q.from_ms != 0 && q.to_ms != 0 && q.from_ms >= q.to_ms))
		return gzf_err_set(err, GZF_EINVAL, "invalid_range", NULL,
				   "the time range or page cursor is not valid");
	if (q.limit <= 0)
		q.limit = AUDIT_SEARCH_DEFAULT;
	if (q.limit > AUDIT_SEARCH_MAX)
		q.limit = AUDIT_SEARCH_MAX;
	return audit_store_search(c, &q, rows, n, err);
}

/* ---- gzf audit verify ---- */

int
audit_cli_verify(struct db *db, const struct secrets *s)
{
	unsigned char key[AUDIT_KEY_BYTES];
	struct arena *a = arena_create();
	struct audit_problem *problems;
	struct gzf_err err;
	int64_t entries;
	int i, n, chains, rc, status = 1;

	gzf_err_clear(&err);
	audit_key(s, key);
	problems = arena_alloc(a, sizeof(*problems) * CLI_PROBLEMS_MAX);
	rc = audit_verify(db, a, key, problems, CLI_PROBLEMS_MAX, &n, &entries, &chains, &err);
	sodium_memzero(key, sizeof(key));
	if (rc != GZF_OK) {
		fprintf(stderr, "gzf: the audit log could not be read: %s\n", err.message);
		goto out;
	}
	for (i = 0; i < n && i < CLI_PROBLEMS_MAX; i++) {
		const struct audit_problem *p = &problems[i];

		if (p->count > 1)
			printf("city %" PRId64 " seq %" PRId64 "-%" PRId64 ": %s (%" PRId64 " entries)\n",
			       p->city_id, p->seq, p->seq + p->count - 1, p->kind, p->count);
		else if (p->id != 0)
			printf("city %" PRId64 " seq %" PRId64 " (id %" PRId64 "): %s\n",
			       p->city_id, p->seq, p->id, p->kind);
		else
			printf("city %" PRId64 " seq %" PRId64 ": %s\n", p->city_id, p->seq, p->kind);
	}
	if (n > CLI_PROBLEMS_MAX)
		printf("... and %d more\n", n - CLI_PROBLEMS_MAX);
	if (n > 0) {
		printf("audit log NOT intact: %d problem%s in %" PRId64 " entr%s in %d chain%s\n",
		       n, n == 1 ? "" : "s", entries, entries == 1 ? "y" : "ies",
		       chains, chains == 1 ? "" : "s");
		goto out;
	}
	printf("audit log verified: %" PRId64 " entr%s in %d chain%s\n",
	       entries, entries == 1 ? "y" : "ies", chains, chains == 1 ? "" : "s");
	status = 0;
out:
	arena_destroy(a);
	return status;
}
