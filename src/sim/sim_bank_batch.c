/*
 * sim_bank_batch.c — the bank simulator's batch payments (代发, docs/partners/bank.md
 * "Batch payments"): it takes a signed payment file, refuses one whose header does not
 * match its lines and a batch number it has seen with another file, takes the same file
 * again without paying anyone twice, and after a delay answers with the result file:
 * every line paid, except those whose account a switch makes fail (account_closed,
 * name_mismatch, ...). Kept in memory (at most MAX_BATCHES batches).
 */
#include "sim/sim.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "partners/bank.h"
#include "partners/bank_batch.h"

#define MAX_BATCHES 512
#define MAX_FAILS 64
#define REASON_MAX 20

struct batch {
	char no[BANK_NO_MAX + 1];
	char sha256[65];
	int lines;
	int64_t total_fen;
	int submissions;          /* times the file was handed in: only the first pays */
	int64_t ready_at;         /* the result file is served from then */
	char *result;             /* the result file (malloc) */
	char result_sha256[65];
};

/* POST /bank/sim/batch-switches replaces them all (absent = default). */
struct batch_switches {
	int delay_ms;
	int nfail;
	struct { char account[BANK_BATCH_ACCOUNT_MAX + 1]; char reason[REASON_MAX + 1]; } fail[MAX_FAILS];
};

static struct {
	pthread_mutex_t lock;
	struct batch batches[MAX_BATCHES];
	int n;
	struct batch_switches sw;
} sb = { .lock = PTHREAD_MUTEX_INITIALIZER, .sw = { .delay_ms = 1000 } };

static int batch_post(struct http_req *req);
static int batch_get(struct http_req *req);
static int switches_get(struct http_req *req);
static int switches_post(struct http_req *req);
static int batches_get(struct http_req *req);
static struct batch *batch_find(const char *no);
static json_t *batch_json(const struct batch *b, int64_t now);
static json_t *switches_json(void);
static const char *fail_reason(const char *account);

void
sim_bank_batch_routes(struct router *r)
{
	router_add(r, "POST", "/bank/v1/batches", batch_post);
	router_add(r, "GET", "/bank/v1/batches/:no", batch_get);
	router_add(r, "GET", "/bank/sim/batch-switches", switches_get);
	router_add(r, "POST", "/bank/sim/batch-switches", switches_post);
	router_add(r, "GET", "/bank/sim/batches", batches_get);
}

/* (sb.lock held) */
static struct batch *
batch_find(const char *no)
{
	int i;

	for (i = 0; i < sb.n; i++)
		if (strcmp(sb.batches[i].no, no) == 0)
			return &sb.batches[i];
	return NULL;
}

/* (sb.lock held) The reason a switch makes payments to account fail, or NULL. */
static const char *
fail_reason(const char *account)
{
	int i;

	for (i = 0; i < sb.sw.nfail; i++)
		if (strcmp(sb.sw.fail[i].account, account) == 0)
			return sb.sw.fail[i].reason;
	return NULL;
}

/* (sb.lock held) */
static json_t *
batch_json(const struct batch *b, int64_t now)
{
	int done = now >= b->ready_at;
	json_t *j = json_pack("{s:s, s:s, s:i, s:I, s:s}", "batch_no", b->no,
			      "status", done ? "done" : "processing", "lines", b->lines,
			      "total_fen", (json_int_t)b->total_fen, "sha256", b->sha256);

	if (done) {
		json_object_set_new(j, "result", json_string(b->result));
		json_object_set_new(j, "result_sha256", json_string(b->result_sha256));
	}
	return j;
}

/* POST /bank/v1/batches {"batch_no","file","sha256"} */
static int
batch_post(struct http_req *req)
{
	const char *no, *file, *sha;
	struct bank_batch_file f;
	struct bank_batch_result *res;
	struct batch *b;
	char actual[65], *out;
	size_t len, out_len;
	int64_t now = gzf_now_ms();
	json_t *body, *reply;
	int rc, i, status = 202;

	if ((rc = sim_accept(req, "bank")) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	no = json_string_value(json_object_get(body, "batch_no"));
	file = json_string_value(json_object_get(body, "file"));
	sha = json_string_value(json_object_get(body, "sha256"));
	if (!bank_no_valid(no))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_number", "batch_no",
				   "batch_no must be 6-32 of A-Z a-z 0-9 _ -");
	if (file == NULL || sha == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_batch_file", "file",
				   "file and sha256 are required");
	len = json_string_length(json_object_get(body, "file"));
	bank_batch_sha256(file, len, actual);
	if (strcasecmp(actual, sha) != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_sha256", "sha256",
				   "sha256 is not that of the file");
	if ((rc = bank_batch_parse(req->arena, file, len, &f, &req->err)) != GZF_OK)
		return rc;
	if (strcmp(f.batch_no, no) != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_batch_file", "batch_no",
				   "the file's header names batch %s", f.batch_no);
	pthread_mutex_lock(&sb.lock);
	if ((b = batch_find(no)) != NULL) {
		/* The same file again pays nobody twice; another file is refused. */
		if (strcmp(b->sha256, actual) != 0) {
			pthread_mutex_unlock(&sb.lock);
			return gzf_err_set(&req->err, GZF_ECONFLICT, "batch_exists", "batch_no",
					   "batch %s was received before with another file", no);
		}
		b->submissions++;
		status = 200;
	} else if (sb.n == MAX_BATCHES) {
		pthread_mutex_unlock(&sb.lock);
		return gzf_err_set(&req->err, GZF_EUNAVAIL, "busy", NULL,
				   "the simulator keeps at most %d batches; restart it", MAX_BATCHES);
	} else {
		res = arena_alloc(req->arena, sizeof(*res) * (size_t)f.count);
		for (i = 0; i < f.count; i++) {
			const char *why = fail_reason(f.lines[i].account);

			res[i] = (struct bank_batch_result){ .seq = i + 1, .account = f.lines[i].account,
				.amount_fen = f.lines[i].amount_fen, .ok = why == NULL,
				.reason = why ? why : "" };
		}
		rc = bank_batch_result_write(req->arena, no, res, f.count, &out, &out_len, &req->err);
		assert(rc == GZF_OK); /* written from a file that was read whole */
		b = &sb.batches[sb.n++];
		memset(b, 0, sizeof(*b));
		snprintf(b->no, sizeof(b->no), "%s", no);
		memcpy(b->sha256, actual, sizeof(b->sha256));
		b->lines = f.count;
		b->total_fen = f.total_fen;
		b->submissions = 1;
		b->ready_at = now + sb.sw.delay_ms;
		b->result = gzf_strdup(out);
		bank_batch_sha256(out, out_len, b->result_sha256);
	}
	reply = batch_json(b, now);
	json_object_set_new(reply, "submissions", json_integer(b->submissions));
	pthread_mutex_unlock(&sb.lock);
	return http_reply_json(req, status, reply);
}

/* GET /bank/v1/batches/:no */
static int
batch_get(struct http_req *req)
{
	const char *no = http_param(req, "no");
	struct batch *b;
	json_t *reply;
	int rc;

	if ((rc = sim_accept(req, "bank")) != GZF_OK)
		return rc;
	pthread_mutex_lock(&sb.lock);
	if (no == NULL || (b = batch_find(no)) == NULL) {
		pthread_mutex_unlock(&sb.lock);
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "batch_not_found", "batch_no",
				   "the bank has no such batch");
	}
	reply = batch_json(b, gzf_now_ms());
	pthread_mutex_unlock(&sb.lock);
	return http_reply_json(req, 200, reply);
}

/* (sb.lock held) */
static json_t *
switches_json(void)
{
	json_t *fail = json_object();
	int i;

	for (i = 0; i < sb.sw.nfail; i++)
		json_object_set_new(fail, sb.sw.fail[i].account, json_string(sb.sw.fail[i].reason));
	return json_pack("{s:i, s:o}", "delay_ms", sb.sw.delay_ms, "fail", fail);
}

/* GET /bank/sim/batch-switches */
static int
switches_get(struct http_req *req)
{
	json_t *j;
	int rc;

	if ((rc = sim_local_only(req)) != GZF_OK)
		return rc;
	pthread_mutex_lock(&sb.lock);
	j = switches_json();
	pthread_mutex_unlock(&sb.lock);
	return http_reply_json(req, 200, j);
}

/* POST /bank/sim/batch-switches {"delay_ms":0..600000,"fail":{"ACCOUNT":"REASON",...}} */
static int
switches_post(struct http_req *req)
{
	struct batch_switches s = { .delay_ms = 1000 };
	const char *account;
	json_t *body, *v, *fail;
	int rc;

	if ((rc = sim_local_only(req)) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	v = json_object_get(body, "delay_ms");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 600000)
			return gzf_err_set(&req->err, GZF_EINVAL, "bad_switch", "delay_ms",
					   "delay_ms must be a whole number from 0 to 600000");
		s.delay_ms = (int)json_integer_value(v);
	}
	fail = json_object_get(body, "fail");
	if (fail != NULL && (!json_is_object(fail) || json_object_size(fail) > MAX_FAILS))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_switch", "fail",
				   "fail is an object of at most %d accounts", MAX_FAILS);
	json_object_foreach(fail, account, v) {
		const char *why = json_string_value(v);

		if (!bank_batch_account_valid(account) || why == NULL || *why == '\0' ||
		    strlen(why) > REASON_MAX ||
		    strspn(why, "abcdefghijklmnopqrstuvwxyz_") != strlen(why))
			return gzf_err_set(&req->err, GZF_EINVAL, "bad_switch", "fail",
					   "fail maps account numbers to reasons (a-z and _)");
		snprintf(s.fail[s.nfail].account, sizeof(s.fail[0].account), "%s", account);
		snprintf(s.fail[s.nfail].reason, sizeof(s.fail[0].reason), "%s", why);
		s.nfail++;
	}
	pthread_mutex_lock(&sb.lock);
	sb.sw = s;
	v = switches_json();
	pthread_mutex_unlock(&sb.lock);
	return http_reply_json(req, 200, v);
}

/* GET /bank/sim/batches — the batches received, newest first, without their files. */
static int
batches_get(struct http_req *req)
{
	json_t *items = json_array(), *j;
	int64_t now = gzf_now_ms();
	int rc, i;

	if ((rc = sim_local_only(req)) != GZF_OK)
		return rc;
	pthread_mutex_lock(&sb.lock);
	for (i = sb.n - 1; i >= 0; i--) {
		j = batch_json(&sb.batches[i], now);
		json_object_del(j, "result");
		json_object_set_new(j, "submissions", json_integer(sb.batches[i].submissions));
		json_array_append_new(items, j);
	}
	pthread_mutex_unlock(&sb.lock);
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
