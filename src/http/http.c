/*
 * http.c — the server-independent half of the request API: status mapping, path
 * parameters, JSON bodies and replies, the client behind a trusted proxy, content
 * codings (Accept-Encoding, gzip).
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

static void json_release(void *p);
static int parse_qvalue(const char *s, const char **end);

int
http_status_for(int code)
{
	switch (code) {
	case GZF_OK: return 200;
	case GZF_EINVAL: return 400;
	case GZF_EUNAUTH: return 401;
	case GZF_EFORBIDDEN: return 403;
	case GZF_ENOTFOUND: return 404;
	case GZF_EMETHOD: return 405;
	case GZF_ECONFLICT: return 409;
	case GZF_ETOOLARGE: return 413;
	case GZF_EMEDIA: return 415;
	case GZF_ESTATE: return 422;
	case GZF_ELIMIT: return 429;
	case GZF_EHEADERS: return 431;
	case GZF_EURI: return 414;
	case GZF_EUNAVAIL: return 503;
	default: return 500;
	}
}

const char *
http_param(const struct http_req *req, const char *name)
{
	int i;

	for (i = 0; i < req->nparams; i++)
		if (strcmp(req->param_names[i], name) == 0)
			return req->param_values[i];
	return NULL;
}

void
http_req_hold(struct http_req *req, int (*hold)(void *data, struct http_req *req), void *data)
{
	req->hold = hold;
	req->hold_data = data;
}

void
http_req_after(struct http_req *req, void (*fn)(void *), void *data)
{
	if (req->nafter >= 4)
		abort(); /* a programming error: no handler needs more */
	req->after_fns[req->nafter] = fn;
	req->after_data[req->nafter] = data;
	req->nafter++;
}

static void
json_release(void *p)
{
	json_decref(p);
}

json_t *
http_json_owned(struct http_req *req, json_t *json)
{
	if (json != NULL)
		arena_cleanup_add(req->arena, json_release, json);
	return json;
}

int
http_read_json(struct http_req *req, json_t **out)
{
	const char *ct = http_header(req, "Content-Type");
	json_error_t jerr;
	json_t *v;
	size_t n;

	if (ct == NULL || (n = strcspn(ct, "; ")) != strlen("application/json") ||
	    strncasecmp(ct, "application/json", n) != 0)
		return gzf_err_set(&req->err, GZF_EMEDIA, "unsupported_media_type", NULL,
				   "the request body must be JSON (Content-Type: application/json)");
	if (req->body == NULL || req->body_len == 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_json", NULL,
				   "the request body is empty; a JSON object was expected");
	v = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (v == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_json", NULL,
				   "the request body is not valid JSON (line %d, column %d): %s",
				   jerr.line, jerr.column, jerr.text);
	http_json_owned(req, v);
	if (!json_is_object(v))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_json", NULL,
				   "the request body must be a JSON object");
	*out = v;
	return GZF_OK;
}

int
http_reply_bytes(struct http_req *req, int status, const char *content_type,
		 const void *data, size_t len)
{
	req->status = status;
	req->content_type = content_type;
	req->reply = arena_alloc(req->arena, len + 1);
	memcpy(req->reply, data, len);
	req->reply_len = len;
	return GZF_OK;
}

int
http_reply_json(struct http_req *req, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	json_decref(body);
	if (s == NULL)
		return gzf_err_set(&req->err, GZF_EINTERNAL, "internal", NULL, "could not encode reply");
	http_reply_bytes(req, status, "application/json; charset=utf-8", s, strlen(s));
	free(s);
	return GZF_OK;
}

void
http_reply_header(struct http_req *req, const char *name, const char *value)
{
	if (req->nheaders >= HTTP_MAX_HEADERS)
		return;
	req->header_names[req->nheaders] = name;
	req->header_values[req->nheaders] = value;
	req->nheaders++;
}

json_t *
http_error_body(const struct http_req *req)
{
	const struct gzf_err *e = &req->err;
	json_t *err = json_object();

	json_object_set_new(err, "code", json_string(e->name[0] ? e->name : gzf_code_name(e->code)));
	json_object_set_new(err, "message", json_string(e->message[0] ? e->message : "error"));
	if (e->field[0])
		json_object_set_new(err, "field", json_string(e->field));
	json_object_set_new(err, "request_id", json_string(req->id));
	return json_pack("{s:o}", "error", err);
}

int
http_trusted_peer(const char *trusted, const char *peer)
{
	size_t n = strlen(peer);

	if (trusted == NULL || *trusted == '\0' || n == 0)
		return 0;
	for (const char *p = strstr(trusted, peer); p != NULL; p = strstr(p + 1, peer))
		if ((p == trusted || p[-1] == ',' || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

int
http_forwarded_client(const char *trusted, const char *peer, const char *xff, char client[48])
{
	unsigned char buf[sizeof(struct in6_addr)];
	const char *last;
	char ip[48];

	if (xff == NULL || !http_trusted_peer(trusted, peer))
		return 0;
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ')
		last++;
	snprintf(ip, sizeof(ip), "%s", last);
	ip[strcspn(ip, " ")] = '\0';
	if (inet_pton(AF_INET, ip, buf) != 1 && inet_pton(AF_INET6, ip, buf) != 1)
		return 0;
	memcpy(client, ip, sizeof(ip));
	return 1;
}

/* A q-value ("0", "0.5", "1", "1.000": at most three decimals, at most 1) in
 * thousandths, with *end just after it; -1 when it is malformed. */
static int
parse_qvalue(const char *s, const char **end)
{
	int q, scale = 100;

	*end = s;
	if (*s != '0' && *s != '1')
		return -1;
	q = (*s++ - '0') * 1000;
	if (*s == '.')
		for (s++; scale > 0 && *s >= '0' && *s <= '9'; s++, scale /= 10)
			q += (*s - '0') * scale;
	*end = s;
	if (q > 1000 || (*s >= '0' && *s <= '9'))
		return -1;
	return q;
}

int
http_coding_q(const char *accept, const char *coding)
{
	size_t want = strlen(coding);
	int named = -1, star = -1;

	if (accept == NULL)
		return strcmp(coding, "identity") == 0 ? 1000 : 0;
	for (int entries = 0; entries < HTTP_MAX_CODINGS; entries++) {
		const char *name;
		size_t n;
		int q = 1000;

		accept += strspn(accept, " \t,");
		if (*accept == '\0')
			break;
		name = accept;
		n = strcspn(accept, " \t;,");
		accept += n;
		for (;;) { /* the parameters: only q counts */
			accept += strspn(accept, " \t");
			if (*accept != ';')
				break;
			accept++;
			accept += strspn(accept, " \t");
			if ((*accept == 'q' || *accept == 'Q') && accept[1] == '=') {
				q = parse_qvalue(accept + 2, &accept);
				if (q < 0)
					q = 0;
			} else {
				accept += strcspn(accept, ";,");
			}
		}
		if (*accept != ',' && *accept != '\0') { /* something after the entry */
			q = 0;
			accept += strcspn(accept, ",");
		}
		if (n == want && strncasecmp(name, coding, n) == 0)
			named = named < 0 || q < named ? q : named;
		else if (n == 1 && *name == '*')
			star = star < 0 || q < star ? q : star;
	}
	if (named >= 0)
		return named;
	if (star >= 0)
		return star;
	return strcmp(coding, "identity") == 0 ? 1000 : 0;
}

int
http_coding_choose(const char *accept, int offered)
{
	int best = HTTP_CODING_IDENTITY, best_q = http_coding_q(accept, "identity"), q;

	if (offered & HTTP_CODING_GZIP) {
		q = http_coding_q(accept, "gzip");
		if (q > 0 && q >= best_q) {
			best = HTTP_CODING_GZIP;
			best_q = q;
		}
	}
	if (offered & HTTP_CODING_BR) {
		q = http_coding_q(accept, "br");
		if (q > 0 && q >= best_q)
			best = HTTP_CODING_BR;
	}
	return best;
}

int
http_compressible(const char *content_type)
{
	static const char *const prefixes[] = {
		"text/", "application/json", "application/javascript",
		"application/manifest+json", "image/svg+xml",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(content_type, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

int
http_gzip(struct arena *a, const void *data, size_t len, int level, char **out,
	  size_t *out_len)
{
	z_stream z;
	char *buf;
	uLong cap;
	int rc;

	assert(len <= UINT32_MAX);
	memset(&z, 0, sizeof(z));
	/* 16 + 15: a gzip header and trailer around the largest window. */
	if (deflateInit2(&z, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return GZF_EINTERNAL;
	cap = deflateBound(&z, (uLong)len);
	buf = arena_alloc(a, cap);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH); /* deflateBound() leaves room to finish in one call */
	*out_len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END)
		return GZF_EINTERNAL;
	*out = buf;
	return GZF_OK;
}
