/*
 * http.h — the request as handlers see it, and the calls they use to read input and
 * answer. A handler has the shape
 *
 *     int handler(struct http_req *req);
 *
 * It returns 0 after calling one of the http_reply_*() functions, or a negative gzf code
 * after filling req->err (gzf_err_set(&req->err, ...)); the server then answers with the
 * error envelope {"error":{"code","message","field"}} and the status http_status_for()
 * picks. Everything a handler allocates comes from req->arena.
 */
#ifndef GZF_HTTP_HTTP_H
#define GZF_HTTP_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/gzf.h"

#define HTTP_MAX_PARAMS 8
#define HTTP_MAX_HEADERS 16

struct http_req {
	struct arena *arena;
	void *service;          /* the service context given to http_server_start */
	void *conn;             /* the server library's connection (server.c only) */
	const char *method;
	const char *path;       /* without the query string */
	const char *route;      /* the matched route pattern, for logs and metrics */
	char id[40];            /* request id, echoed as X-Request-Id */
	char client_ip[48];     /* the peer, or the client a trusted proxy names */
	int https;              /* a trusted proxy says the client spoke HTTPS to it */
	void *watch;            /* the connection's head deadline (server.c only) */
	int64_t started_ns;

	int nparams;            /* path parameters captured by the router */
	const char *param_names[HTTP_MAX_PARAMS];
	const char *param_values[HTTP_MAX_PARAMS];

	char *body;             /* request body, NUL-terminated, or NULL */
	size_t body_len;
	size_t body_cap;        /* bytes allocated for body, not counting the NUL */
	size_t body_limit;      /* max_body, or max_upload for an upload */
	int body_too_large;

	struct gzf_err err;

	/* The reply, filled by http_reply_*(). */
	int status;
	const char *content_type;
	char *reply;
	size_t reply_len;
	int reply_fd;           /* >= 0: send this file instead of reply */
	uint64_t reply_fd_offset; /* from this byte of the file */
	uint64_t reply_fd_size;
	int nafter;             /* run by http_req_after() once the handler returns */
	void (*after_fns[4])(void *);
	void *after_data[4];
	int (*hold)(void *data, struct http_req *req); /* http_req_hold() */
	void *hold_data;
	int held;               /* server.c: parked until http_req_resume() */
	int hold_rc;            /* what http_req_resume() was given */

	int nheaders;
	const char *header_names[HTTP_MAX_HEADERS];
	const char *header_values[HTTP_MAX_HEADERS];
};

typedef int (*http_handler)(struct http_req *req);

/* http_status_for — the one place that maps a gzf code to an HTTP status. */
int http_status_for(int code);

/* http_param — the path parameter name (":id" in the route), or NULL. */
const char *http_param(const struct http_req *req, const char *name);

/* http_query — the decoded query-string value of name, or NULL. */
const char *http_query(const struct http_req *req, const char *name);

/* http_header — the request header name (case-insensitive), or NULL. */
const char *http_header(const struct http_req *req, const char *name);

/* http_cookie — the value of the request cookie name, or NULL. */
const char *http_cookie(const struct http_req *req, const char *name);

/*
 * http_read_json — parse the body as a JSON object. Errors (in req->err): 415
 * unsupported_media_type unless Content-Type is application/json, 400 invalid_json
 * (with the position) when it does not parse or is not an object. The value belongs to
 * the arena.
 */
int http_read_json(struct http_req *req, json_t **out);

/* http_reply_json — answer status with body; takes over the reference to body. */
int http_reply_json(struct http_req *req, int status, json_t *body);

/* http_reply_bytes — answer with a copy of data. */
int http_reply_bytes(struct http_req *req, int status, const char *content_type,
		     const void *data, size_t len);

/* http_reply_header — add a response header; name and value must outlive the request
 * (string literals or arena strings). Silently capped at HTTP_MAX_HEADERS. */
void http_reply_header(struct http_req *req, const char *name, const char *value);

/*
 * http_req_after — call fn(data) as soon as the handler has returned, before the reply
 * is sent (e.g. to give a database connection back early). At most 4 per request;
 * the arena's cleanups are for what must live until the reply is gone.
 */
void http_req_after(struct http_req *req, void (*fn)(void *), void *data);

/*
 * http_req_hold — the reply must wait for something: once the handler and its after
 * functions have run, the server parks the connection (its thread serves others
 * meanwhile) and calls hold(data, req), which returns 0 when the reply may go at once,
 * or 1 when it will call http_req_resume() for req, once, from any thread, when it may.
 * One hold a request: a later call replaces the one before (data holds what both need).
 */
void http_req_hold(struct http_req *req, int (*hold)(void *data, struct http_req *req), void *data);

/* http_req_resume — a held reply may go; with rc other than GZF_OK, that error goes
 * instead (nothing of the handler's reply). Safe from any thread (server.c). */
void http_req_resume(struct http_req *req, int rc);

/* http_json_owned — register json for release with the request's arena; returns it. */
json_t *http_json_owned(struct http_req *req, json_t *json);

/* http_trusted_peer — is peer (a socket address) one of trusted, the comma-separated
 * trusted proxies? */
int http_trusted_peer(const char *trusted, const char *peer);

/*
 * http_forwarded_client — the client address of a request from peer (its socket
 * address), given trusted, the comma-separated trusted proxies, and xff, its
 * X-Forwarded-For header (may be NULL). When peer is one of the trusted proxies and the
 * last address of xff (the one that proxy added) is an IPv4 or IPv6 address, that
 * address is written to client (48 bytes) and 1 is returned; otherwise client is left
 * untouched and 0 is returned. Anything before the last address could be forged.
 */
int http_forwarded_client(const char *trusted, const char *peer, const char *xff, char client[48]);

/* Content codings gzf can send, as bits of a set; identity is the empty set. */
#define HTTP_CODING_IDENTITY 0
#define HTTP_CODING_GZIP 1
#define HTTP_CODING_BR 2

/* The most Accept-Encoding entries read; later ones are ignored. */
#define HTTP_MAX_CODINGS 32

/* Text replies held in memory (JSON, CSV, plain text) of this size or more are
 * gzipped for a client that accepts it. */
#define HTTP_COMPRESS_MIN 1024

/*
 * http_coding_q — the weight the Accept-Encoding header value accept (NULL when the
 * request has none) gives coding ("br", "gzip", "identity"), in thousandths: 0 (not
 * acceptable) to 1000. A coding the header does not name takes the weight of its "*"
 * entry; without one it is not acceptable, except identity, which always is unless
 * refused. A malformed q-value counts as 0; a coding named twice takes the lower weight.
 * Only the first HTTP_MAX_CODINGS entries are read.
 */
int http_coding_q(const char *accept, const char *coding);

/*
 * http_coding_choose — of offered (HTTP_CODING_GZIP | HTTP_CODING_BR, or fewer), the
 * coding accept weighs highest, identity included; ties go to br, then gzip, then
 * identity. HTTP_CODING_IDENTITY when no offered coding is acceptable.
 */
int http_coding_choose(const char *accept, int offered);

/*
 * http_compressible — is a reply of this Content-Type worth compressing (text, JSON,
 * JavaScript, SVG)? Images, fonts and archives are compressed already.
 */
int http_compressible(const char *content_type);

/*
 * http_gzip — the gzip stream of data[0..len), allocated from a, at level (1 fastest,
 * 9 smallest). GZF_OK with *out and *out_len set, or GZF_EINTERNAL when zlib failed.
 */
int http_gzip(struct arena *a, const void *data, size_t len, int level, char **out,
	      size_t *out_len);

/* http_error_body — the error envelope for req->err, as a new JSON value. */
json_t *http_error_body(const struct http_req *req);

#endif
