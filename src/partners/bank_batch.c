/*
 * bank_batch.c — batch payment files (代发) and the two calls that carry them
 * (bank_batch.h, docs/partners/bank.md "Batch payments").
 */
#include "partners/bank_batch.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "partners/bank.h"

#define PAY_TAG "GZFPAY"
#define RES_TAG "GZFRES"

static int fields(char *line, char **f, int max);
static int memo_valid(const char *s);
static int bad_file(struct gzf_err *err, int lineno, const char *what);
static int read_lines(struct arena *a, const char *text, size_t len, const char *tag, int nf,
		      struct bank_batch_file *out, char ***rows, struct gzf_err *err);
static int status_from(const struct partner *p, struct arena *a, json_t *v,
		       struct bank_batch_status *out, struct gzf_err *err);

int
bank_batch_account_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= BANK_BATCH_ACCOUNT_MIN && n <= BANK_BATCH_ACCOUNT_MAX &&
	       strspn(s, "0123456789") == n;
}

int
bank_batch_name_valid(const char *s)
{
	size_t n, chars, i;

	if (s == NULL || (n = strlen(s)) == 0 || !gzf_utf8_valid(s) || s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	chars = gzf_utf8_chars(s);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == ',')
			return 0;
	return chars <= BANK_BATCH_NAME_MAX;
}

static int
memo_valid(const char *s)
{
	size_t n = strlen(s);

	return n <= BANK_BATCH_MEMO_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

void
bank_batch_sha256(const void *data, size_t len, char out[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, len ? data : (const void *)"", len);
	sodium_bin2hex(out, 65, digest, sizeof(digest));
}

static int
bad_file(struct gzf_err *err, int lineno, const char *what)
{
	return gzf_err_set(err, GZF_EINVAL, "bad_batch_file", NULL, "line %d: %s", lineno, what);
}

/* Split line at commas into at most max fields, in place; the number of fields, or
 * max + 1 when there are more. */
static int
fields(char *line, char **f, int max)
{
	int n = 0;

	for (;;) {
		if (n == max)
			return max + 1;
		f[n++] = line;
		if ((line = strchr(line, ',')) == NULL)
			return n;
		*line++ = '\0';
	}
}

int
bank_batch_write(struct arena *a, const char *batch_no, const struct bank_batch_line *lines,
		 int n, char **out, size_t *len, struct gzf_err *err)
{
	int64_t total = 0;
	size_t size, at;
	int i;

	if (!bank_no_valid(batch_no) || n < 1 || n > BANK_BATCH_MAX_LINES)
		return bad_file(err, 1, "a file has a batch number and 1 to 5000 lines");
	for (i = 0; i < n; i++) {
		const struct bank_batch_line *l = &lines[i];

		if (l->seq != i + 1 || !bank_batch_account_valid(l->account) ||
		    !bank_batch_name_valid(l->name) || l->amount_fen < 1 ||
		    l->amount_fen > BANK_MAX_AMOUNT_FEN || l->memo == NULL || !memo_valid(l->memo))
			return bad_file(err, i + 2, "seq, account, name, amount or memo out of bounds");
		total += l->amount_fen;
	}
	size = 64 + strlen(batch_no);
	for (i = 0; i < n; i++)
		size += 40 + strlen(lines[i].account) + strlen(lines[i].name) + strlen(lines[i].memo);
	*out = arena_alloc(a, size);
	at = (size_t)snprintf(*out, size, PAY_TAG ",%s,%d,%lld\n", batch_no, n, (long long)total);
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(*out + at, size - at, "%d,%s,%s,%lld,%s\n", lines[i].seq,
				       lines[i].account, lines[i].name, (long long)lines[i].amount_fen,
				       lines[i].memo);
	assert(at < size);
	*len = at;
	return GZF_OK;
}

int
bank_batch_result_write(struct arena *a, const char *batch_no, const struct bank_batch_result *r,
			int n, char **out, size_t *len, struct gzf_err *err)
{
	int64_t total = 0;
	size_t size, at;
	int i;

	if (!bank_no_valid(batch_no) || n < 1 || n > BANK_BATCH_MAX_LINES)
		return bad_file(err, 1, "a file has a batch number and 1 to 5000 lines");
	for (i = 0; i < n; i++) {
		if (r[i].seq != i + 1 || !bank_batch_account_valid(r[i].account) ||
		    r[i].amount_fen < 1 || r[i].amount_fen > BANK_MAX_AMOUNT_FEN ||
		    (r[i].ok ? r[i].reason != NULL && *r[i].reason != '\0'
			     : r[i].reason == NULL || *r[i].reason == '\0' || !memo_valid(r[i].reason)))
			return bad_file(err, i + 2, "seq, account, amount or outcome out of bounds");
		total += r[i].amount_fen;
	}
	size = 64 + strlen(batch_no);
	for (i = 0; i < n; i++)
		size += 48 + strlen(r[i].account) + (r[i].ok ? 0 : strlen(r[i].reason));
	*out = arena_alloc(a, size);
	at = (size_t)snprintf(*out, size, RES_TAG ",%s,%d,%lld\n", batch_no, n, (long long)total);
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(*out + at, size - at, "%d,%s,%lld,%s,%s\n", r[i].seq,
				       r[i].account, (long long)r[i].amount_fen,
				       r[i].ok ? "ok" : "failed", r[i].ok ? "" : r[i].reason);
	assert(at < size);
	*len = at;
	return GZF_OK;
}

/* The header (tag, batch number, count, total) into out, and the body lines split into
 * nf fields each into *rows (count × nf pointers); the header's count and total are
 * checked by the caller once the amounts are read. */
static int
read_lines(struct arena *a, const char *text, size_t len, const char *tag, int nf,
	   struct bank_batch_file *out, char ***rows, struct gzf_err *err)
{
	char *copy, *line, *next, *f[5];
	int64_t count, total;
	int lineno = 0, n = 0;

	memset(out, 0, sizeof(*out));
	if (len > BANK_BATCH_MAX_BYTES)
		return gzf_err_set(err, GZF_EINVAL, "bad_batch_file", NULL, "a file has at most %d bytes",
				   BANK_BATCH_MAX_BYTES);
	if (memchr(text, '\0', len) != NULL)
		return bad_file(err, 1, "the file is not text");
	copy = arena_strndup(a, text, len);
	if (!gzf_utf8_valid(copy))
		return bad_file(err, 1, "the file is not UTF-8 text");
	if (len == 0 || copy[len - 1] != '\n')
		return bad_file(err, 1, "every line, the last too, ends with a line feed");
	*rows = NULL;
	for (line = copy; *line != '\0'; line = next) {
		lineno++;
		next = strchr(line, '\n');
		*next++ = '\0';
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (lineno == 1) {
			if (fields(line, f, 4) != 4 || strcmp(f[0], tag) != 0 || !bank_no_valid(f[1]) ||
			    gzf_parse_int(f[2], 1, BANK_BATCH_MAX_LINES, &count) != GZF_OK ||
			    gzf_parse_int(f[3], 1, (int64_t)BANK_BATCH_MAX_LINES * BANK_MAX_AMOUNT_FEN,
					  &total) != GZF_OK)
				return bad_file(err, 1, arena_printf(a, "the header is %s,batch_no,count,total_fen", tag));
			out->batch_no = f[1];
			out->count = (int)count;
			out->total_fen = total;
			*rows = arena_alloc(a, sizeof(char *) * (size_t)nf * (size_t)count);
			continue;
		}
		if (n == out->count)
			return gzf_err_set(err, GZF_EINVAL, "header_mismatch", NULL,
					   "the header says %d lines, the file has more", out->count);
		if (fields(line, *rows + (size_t)n * (size_t)nf, nf) != nf)
			return bad_file(err, lineno, arena_printf(a, "a line has %d fields", nf));
		n++;
	}
	if (lineno == 0)
		return bad_file(err, 1, "the file is empty");
	if (n != out->count)
		return gzf_err_set(err, GZF_EINVAL, "header_mismatch", NULL,
				   "the header says %d lines, the file has %d", out->count, n);
	return GZF_OK;
}

int
bank_batch_parse(struct arena *a, const char *text, size_t len, struct bank_batch_file *out,
		 struct gzf_err *err)
{
	int64_t seq, sum = 0;
	char **f;
	int i, rc;

	if ((rc = read_lines(a, text, len, PAY_TAG, 5, out, &f, err)) != GZF_OK)
		return rc;
	out->lines = arena_alloc(a, sizeof(*out->lines) * (size_t)out->count);
	for (i = 0; i < out->count; i++) {
		struct bank_batch_line *l = &out->lines[i];
		char **r = f + (size_t)i * 5;

		if (gzf_parse_int(r[0], 1, BANK_BATCH_MAX_LINES, &seq) != GZF_OK || seq != i + 1 ||
		    !bank_batch_account_valid(r[1]) || !bank_batch_name_valid(r[2]) ||
		    gzf_parse_int(r[3], 1, BANK_MAX_AMOUNT_FEN, &l->amount_fen) != GZF_OK ||
		    !memo_valid(r[4]))
			return bad_file(err, i + 2, "not seq,account,name,amount_fen,memo in order");
		l->seq = (int)seq;
		l->account = r[1];
		l->name = r[2];
		l->memo = r[4];
		sum += l->amount_fen;
	}
	if (sum != out->total_fen)
		return gzf_err_set(err, GZF_EINVAL, "header_mismatch", NULL,
				   "the header says %lld fen, the lines add up to %lld",
				   (long long)out->total_fen, (long long)sum);
	return GZF_OK;
}

int
bank_batch_result_parse(struct arena *a, const char *text, size_t len, struct bank_batch_file *out,
			struct gzf_err *err)
{
	int64_t seq, sum = 0;
	char **f;
	int i, rc;

	if ((rc = read_lines(a, text, len, RES_TAG, 5, out, &f, err)) != GZF_OK)
		return rc;
	out->results = arena_alloc(a, sizeof(*out->results) * (size_t)out->count);
	for (i = 0; i < out->count; i++) {
		struct bank_batch_result *l = &out->results[i];
		char **r = f + (size_t)i * 5;

		l->ok = strcmp(r[3], "ok") == 0;
		if (gzf_parse_int(r[0], 1, BANK_BATCH_MAX_LINES, &seq) != GZF_OK || seq != i + 1 ||
		    !bank_batch_account_valid(r[1]) ||
		    gzf_parse_int(r[2], 1, BANK_MAX_AMOUNT_FEN, &l->amount_fen) != GZF_OK ||
		    (!l->ok && strcmp(r[3], "failed") != 0) || (*r[4] == '\0') != l->ok ||
		    !memo_valid(r[4]))
			return bad_file(err, i + 2, "not seq,account,amount_fen,ok|failed,reason in order");
		l->seq = (int)seq;
		l->account = r[1];
		l->reason = r[4];
		sum += l->amount_fen;
	}
	if (sum != out->total_fen)
		return gzf_err_set(err, GZF_EINVAL, "header_mismatch", NULL,
				   "the header says %lld fen, the lines add up to %lld",
				   (long long)out->total_fen, (long long)sum);
	return GZF_OK;
}

/* The bank's reply about a batch: its members checked and, when done, the result file
 * checked against the SHA-256 the bank states. */
static int
status_from(const struct partner *p, struct arena *a, json_t *v, struct bank_batch_status *out,
	    struct gzf_err *err)
{
	const char *no = json_string_value(json_object_get(v, "batch_no"));
	const char *st = json_string_value(json_object_get(v, "status"));
	const char *res = json_string_value(json_object_get(v, "result"));
	const char *sha = json_string_value(json_object_get(v, "result_sha256"));
	json_t *lines = json_object_get(v, "lines"), *total = json_object_get(v, "total_fen");

	memset(out, 0, sizeof(*out));
	if (!bank_no_valid(no) || st == NULL ||
	    (strcmp(st, "processing") != 0 && strcmp(st, "done") != 0) || !json_is_integer(lines) ||
	    !json_is_integer(total) || (strcmp(st, "done") == 0 && (res == NULL || sha == NULL)))
		return gzf_err_set(err, GZF_EUNAVAIL, "partner_bad_reply", p->name,
				   "%s sent a batch reply gzf cannot read", p->title);
	out->batch_no = arena_strdup(a, no);
	out->status = strcmp(st, "done") == 0 ? "done" : "processing";
	out->lines = (int)json_integer_value(lines);
	out->total_fen = json_integer_value(total);
	if (res != NULL && strcmp(st, "done") == 0) {
		out->result_len = json_string_length(json_object_get(v, "result"));
		out->result = arena_strndup(a, res, out->result_len);
		bank_batch_sha256(out->result, out->result_len, out->result_sha256);
		if (strcasecmp(out->result_sha256, sha) != 0)
			return gzf_err_set(err, GZF_EUNAVAIL, "partner_bad_reply", p->name,
					   "the result file of %s from %s does not match its SHA-256",
					   no, p->title);
	}
	return GZF_OK;
}

int
bank_batch_send(const struct partner *p, struct arena *a, const char *batch_no, const char *file,
		size_t len, struct bank_batch_status *out, struct gzf_err *err)
{
	char sha[65];
	json_t *reply, *body;
	int rc;

	if (!bank_no_valid(batch_no) || len > BANK_BATCH_MAX_BYTES)
		return gzf_err_set(err, GZF_EINVAL, "bad_batch_file", "batch_no",
				   "a batch number and a file of at most %d bytes", BANK_BATCH_MAX_BYTES);
	bank_batch_sha256(file, len, sha);
	body = json_pack("{s:s, s:s%, s:s}", "batch_no", batch_no, "file", file, len, "sha256", sha);
	if (body == NULL)
		return gzf_err_set(err, GZF_EINVAL, "bad_batch_file", "file", "the file is not UTF-8 text");
	rc = partner_call(p, a, "POST", "/v1/batches", body, &reply, err);
	json_decref(body);
	if (rc != GZF_OK)
		return rc;
	return status_from(p, a, reply, out, err);
}

int
bank_batch_query(const struct partner *p, struct arena *a, const char *batch_no,
		 struct bank_batch_status *out, struct gzf_err *err)
{
	json_t *reply;
	int rc;

	if (!bank_no_valid(batch_no))
		return gzf_err_set(err, GZF_EINVAL, "bad_batch_file", "batch_no", "not a batch number");
	rc = partner_call(p, a, "GET", arena_printf(a, "/v1/batches/%s", batch_no), NULL, &reply, err);
	if (rc != GZF_OK)
		return rc;
	return status_from(p, a, reply, out, err);
}
