/*
 * audit.c — the SQL of the audit log: tables audit_log and audit_heads
 * (migrations/002_audit.sql). Appending, reading chains in order, searching.
 */
#include "store/audit_store.h"

#include <assert.h>

#include "store/db_int.h" /* in_txn: appending outside a transaction would fork a chain */

#define AUDIT_COLUMNS "id, city_id, seq, at, actor_kind, actor_id, actor_role, actor_region," \
	" actor_path, action, object_type, object_id, object_region, object_path, client_ip," \
	" request_id, result, detail, prev_hash, hash"

/*
 * The search filters, shared by every access path. Parameters: $1 city, $2 actor,
 * $3 action, $4 object type, $5 object id, $6 from, $7 to, $8 before id, $9 region
 * path, $10 limit. "None" is 0 or '' so that one prepared statement serves every
 * combination; the CASTs give PostgreSQL the parameter types.
 */
#define SEARCH_FILTERS \
	" (CAST($1 AS BIGINT) = 0 OR city_id = $1)" \
	" AND (CAST($2 AS BIGINT) = 0 OR actor_id = $2)" \
	" AND (CAST($3 AS TEXT) = '' OR action = $3)" \
	" AND (CAST($4 AS TEXT) = '' OR object_type = $4)" \
	" AND (CAST($5 AS TEXT) = '' OR object_id = $5)" \
	" AND (CAST($6 AS BIGINT) = 0 OR at >= $6)" \
	" AND (CAST($7 AS BIGINT) = 0 OR at < $7)" \
	" AND (CAST($8 AS BIGINT) = 0 OR id < $8)" \
	" AND (CAST($9 AS TEXT) = ''" \
	"      OR substr(actor_path, 1, length($9)) = $9" \
	"      OR substr(object_path, 1, length($9)) = $9)" \
	" ORDER BY id DESC LIMIT $10"

static void row_from_res(const struct db_res *r, int i, struct audit_row *out);
static int rows_from_res(struct db_conn *c, const struct db_res *r, struct audit_row **out,
			 int *n);
static struct db_val opt_int(int64_t v);
static const char *or_empty(const char *s);

static void
row_from_res(const struct db_res *r, int i, struct audit_row *out)
{
	out->id = db_res_int(r, i, 0);
	out->city_id = db_res_int(r, i, 1);
	out->seq = db_res_int(r, i, 2);
	out->at = db_res_int(r, i, 3);
	out->actor_kind = db_res_text(r, i, 4);
	out->actor_id = db_res_int(r, i, 5);
	out->actor_role = db_res_text(r, i, 6);
	out->actor_region = db_res_int(r, i, 7);
	out->actor_path = db_res_text(r, i, 8);
	out->action = db_res_text(r, i, 9);
	out->object_type = db_res_text(r, i, 10);
	out->object_id = db_res_text(r, i, 11);
	out->object_region = db_res_int(r, i, 12);
	out->object_path = db_res_text(r, i, 13);
	out->client_ip = db_res_text(r, i, 14);
	out->request_id = db_res_text(r, i, 15);
	out->result = db_res_text(r, i, 16);
	out->detail = db_res_text(r, i, 17);
	out->prev_hash = db_res_text(r, i, 18);
	out->hash = db_res_text(r, i, 19);
}

static int
rows_from_res(struct db_conn *c, const struct db_res *r, struct audit_row **out, int *n)
{
	struct audit_row *list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	int i;

	for (i = 0; i < r->nrows; i++)
		row_from_res(r, i, &list[i]);
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

/* 0 is stored as NULL in the optional id and region columns. */
static struct db_val
opt_int(int64_t v)
{
	return v != 0 ? DB_I(v) : DB_NULLV;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

int
audit_store_head_take(struct db_conn *c, int64_t city_id, const char *genesis,
		      int64_t actor_region, int64_t object_region, int64_t *seq,
		      const char **prev_hash, const char **actor_path, const char **object_path,
		      struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	if (!c->in_txn)
		return gzf_err_set(err, GZF_EINTERNAL, "audit_failed", NULL,
				   "an audit entry must be written inside a transaction");
	/* One statement both backends accept: a new chain starts at seq 1 with the genesis
	 * hash; an existing one moves on by one and keeps, for now, the previous entry's
	 * hash. The region paths ride along to save a round trip. */
	rc = db_query(c,
		"INSERT INTO audit_heads (city_id, seq, hash) VALUES ($1, 1, $2)"
		" ON CONFLICT (city_id) DO UPDATE SET seq = audit_heads.seq + 1"
		" RETURNING seq, hash,"
		" (SELECT path FROM regions WHERE code = $3),"
		" (SELECT path FROM regions WHERE code = $4)",
		DB_ARGS(DB_I(city_id), DB_T(genesis), DB_I(actor_region), DB_I(object_region)),
		&r, err);
	if (rc != GZF_OK)
		return rc;
	if (r->nrows != 1)
		return gzf_err_set(err, GZF_EINTERNAL, "audit_failed", NULL,
				   "the audit chain head could not be taken");
	*seq = db_res_int(r, 0, 0);
	*prev_hash = db_res_text(r, 0, 1);
	*actor_path = actor_region != 0 ? db_res_text(r, 0, 2) : NULL;
	*object_path = object_region != 0 ? db_res_text(r, 0, 3) : NULL;
	return GZF_OK;
}

int
audit_store_insert(struct db_conn *c, const struct audit_row *r, struct gzf_err *err)
{
	assert(r->seq > 0); /* the chain has no hole at 0 */
	return db_exec_later(c,
		"INSERT INTO audit_log (city_id, seq, at, actor_kind, actor_id, actor_role,"
		" actor_region, actor_path, action, object_type, object_id, object_region,"
		" object_path, client_ip, request_id, result, detail, prev_hash, hash)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
		" $17, $18, $19)",
		DB_ARGS(DB_I(r->city_id), DB_I(r->seq), DB_I(r->at), DB_T(r->actor_kind),
			opt_int(r->actor_id), DB_T(r->actor_role), opt_int(r->actor_region),
			DB_T(r->actor_path), DB_T(r->action), DB_T(r->object_type),
			DB_T(r->object_id), opt_int(r->object_region), DB_T(r->object_path),
			DB_T(r->client_ip), DB_T(r->request_id), DB_T(r->result), DB_T(r->detail),
			DB_T(r->prev_hash), DB_T(r->hash)),
		err);
}

int
audit_store_head_set(struct db_conn *c, int64_t city_id, const char *hash, struct gzf_err *err)
{
	return db_exec_later(c, "UPDATE audit_heads SET hash = $2 WHERE city_id = $1",
			     DB_ARGS(DB_I(city_id), DB_T(hash)), err);
}

int
audit_store_heads(struct db_conn *c, struct audit_head **out, int *n, struct gzf_err *err)
{
	struct audit_head *list;
	struct db_res *r;
	int i, rc;

	rc = db_query(c, "SELECT city_id, seq, hash FROM audit_heads ORDER BY city_id",
		      DB_NOARGS, &r, err);
	if (rc != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++) {
		list[i].city_id = db_res_int(r, i, 0);
		list[i].seq = db_res_int(r, i, 1);
		list[i].hash = db_res_text(r, i, 2);
	}
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
audit_store_head_get(struct db_conn *c, int64_t city_id, struct audit_head *out, int *found,
		     struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT city_id, seq, hash FROM audit_heads WHERE city_id = $1",
		      DB_ARGS(DB_I(city_id)), &r, err);
	if (rc != GZF_OK)
		return rc;
	*found = r->nrows > 0;
	if (*found) {
		out->city_id = db_res_int(r, 0, 0);
		out->seq = db_res_int(r, 0, 1);
		out->hash = db_res_text(r, 0, 2);
	}
	return GZF_OK;
}

int
audit_store_cities(struct db_conn *c, int64_t **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int64_t *list;
	int i, rc;

	rc = db_query(c, "SELECT DISTINCT city_id FROM audit_log ORDER BY city_id",
		      DB_NOARGS, &r, err);
	if (rc != GZF_OK)
		return rc;
	list = arena_alloc(db_arena(c), sizeof(*list) * (size_t)(r->nrows + 1));
	for (i = 0; i < r->nrows; i++)
		list[i] = db_res_int(r, i, 0);
	*out = list;
	*n = r->nrows;
	return GZF_OK;
}

int
audit_store_page(struct db_conn *c, int64_t city_id, int64_t after_seq, int64_t upto_seq,
		 int limit, struct audit_row **out, int *n, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT " AUDIT_COLUMNS " FROM audit_log"
		      " WHERE city_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4",
		      DB_ARGS(DB_I(city_id), DB_I(after_seq), DB_I(upto_seq), DB_I(limit)),
		      &r, err);
	if (rc != GZF_OK)
		return rc;
	return rows_from_res(c, r, out, n);
}

int
audit_store_max_seq(struct db_conn *c, int64_t city_id, int64_t *out, struct gzf_err *err)
{
	struct db_res *r;
	int rc;

	rc = db_query(c, "SELECT COALESCE(MAX(seq), 0) FROM audit_log WHERE city_id = $1",
		      DB_ARGS(DB_I(city_id)), &r, err);
	if (rc == GZF_OK)
		*out = db_res_int(r, 0, 0);
	return rc;
}

int
audit_store_search(struct db_conn *c, const struct audit_filter *f, struct audit_row **out,
		   int *n, struct gzf_err *err)
{
	/* The leading condition picks the index; SEARCH_FILTERS repeats it harmlessly. */
	static const char by_object[] = "SELECT " AUDIT_COLUMNS " FROM audit_log"
		" WHERE object_type = $4 AND object_id = $5 AND" SEARCH_FILTERS;
	static const char by_actor[] = "SELECT " AUDIT_COLUMNS " FROM audit_log"
		" WHERE actor_id = $2 AND" SEARCH_FILTERS;
	static const char by_city[] = "SELECT " AUDIT_COLUMNS " FROM audit_log"
		" WHERE city_id = $1 AND" SEARCH_FILTERS;
	static const char all[] = "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE" SEARCH_FILTERS;
	const char *sql;
	struct db_res *r;
	int rc;

	if (f->object_type != NULL && *f->object_type && f->object_id != NULL && *f->object_id)
		sql = by_object;
	else if (f->actor_id != 0)
		sql = by_actor;
	else if (f->city_id != 0)
		sql = by_city;
	else
		sql = all;
	rc = db_query(c, sql,
		      DB_ARGS(DB_I(f->city_id), DB_I(f->actor_id), DB_T(or_empty(f->action)),
			      DB_T(or_empty(f->object_type)), DB_T(or_empty(f->object_id)),
			      DB_I(f->from_ms), DB_I(f->to_ms), DB_I(f->before_id),
			      DB_T(or_empty(f->region_path)), DB_I(f->limit)),
		      &r, err);
	if (rc != GZF_OK)
		return rc;
	return rows_from_res(c, r, out, n);
}
