/*
 * server.c — the adapter between libmicrohttpd and gzf's request model. For each
 * request it creates an arena, collects the body within its limit, dispatches to the
 * router (or the static files), turns the reply or the error into a response, and when
 * the library reports the request complete, writes the access-log line, counts it in the
 * metrics and destroys the arena. A watchdog thread closes connections that take longer
 * than the head deadline to deliver a request line and headers (a client trickling a
 * header a byte at a time never trips the idle timeout). An accepting thread of gzf's own
 * hands new connections to the library's worker threads in turn (accept_run).
 */
#include "http/server.h"
#include "http/metrics.h"
#include "http/static.h"
#include "core/jsonw.h"
#include "core/log.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The longest request target (path and query) taken; longer ones get 414. */
#define HTTP_MAX_URI 8192
#define HTTP_DRAIN_FACTOR 4 /* a body declared over its limit, up to this many times it, is read and dropped */

/* The gzip level of replies made per request: the fastest, as every such reply pays it. */
#define HTTP_GZIP_LEVEL 1

/* One open connection, for the head deadline. Linked into the server's list from the
 * library's "started" notification to its "closed" one, which comes before the library
 * closes the socket, so the watchdog never touches a descriptor that was reused. */
struct conn_watch {
	struct conn_watch *prev, *next;
	int fd;
	atomic_llong head_since_ns; /* waiting for a request head since then; 0 while a
				     * request is being handled */
};

struct http_server {
	struct MHD_Daemon *daemon;
	const struct router *router;
	struct http_server_config cfg;
	void *service;
	int listen_fd;
	int port;
	atomic_int in_flight;
	pthread_mutex_t watch_lock;  /* guards watches and stopping */
	pthread_cond_t watch_wake;
	struct conn_watch *watches;
	int stopping;
	pthread_t watchdog;
	atomic_int closing;          /* accept_run stops taking connections */
	pthread_t acceptor;
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls);
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe);
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe);
static void mhd_log(void *cls, const char *fmt, va_list ap);
static struct http_req *request_new(struct http_server *s, struct MHD_Connection *conn,
				    const char *url, const char *method);
static int is_upload(struct MHD_Connection *conn);
static int has_header(const struct http_req *req, const char *name);
static void body_append(struct http_req *req, const char *data, size_t n);
static void dispatch(struct http_server *s, struct http_req *req);
static void compress_reply(struct http_req *req);
static enum MHD_Result respond(struct http_req *req);
static int open_listener(const struct http_server_config *cfg, int *port, struct gzf_err *err);
static void forwarded_client(const struct http_server *s, struct http_req *req);
static int check_head(const struct http_server *s, struct http_req *req);
static enum MHD_Result check_value(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value);
static void *watchdog_run(void *arg);
static void watchdog_stop(struct http_server *s);
static void *accept_run(void *arg);
static void watch_head(struct conn_watch *w, int waiting);

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_msg(LOG_WARN, "http", "detail", msg, NULL);
}

const char *
http_query(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
http_header(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
http_cookie(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

/* A client-supplied request id is kept if it is short and plain; otherwise (and when
 * there is none) a random one is made. */
static int
plain_id(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (i >= 36 || !(s[i] == '-' || (s[i] >= '0' && s[i] <= '9') ||
				 (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return i > 0;
}

static struct http_req *
request_new(struct http_server *s, struct MHD_Connection *conn, const char *url,
	    const char *method)
{
	struct arena *a = arena_create();
	struct http_req *req = arena_alloc(a, sizeof(*req));
	const union MHD_ConnectionInfo *ci;
	const char *rid;

	req->arena = a;
	req->service = s->service;
	req->conn = conn;
	req->method = arena_strdup(a, method);
	req->path = arena_strdup(a, url);
	req->route = "unmatched";
	req->started_ns = gzf_mono_ns();
	req->reply_fd = -1;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	req->watch = ci != NULL ? ci->socket_context : NULL;
	watch_head(req->watch, 0);
	rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
	if (rid != NULL && plain_id(rid))
		snprintf(req->id, sizeof(req->id), "%s", rid);
	else
		gzf_random_hex(req->id, 8);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				  req->client_ip, sizeof(req->client_ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
				  req->client_ip, sizeof(req->client_ip));
	}
	forwarded_client(s, req);
	return req;
}

/* Behind a load balancer every peer is the balancer. When the peer is one of the
 * trusted proxies, the client is the last address of X-Forwarded-For (the one the
 * proxy itself added; anything else in that header could be forged by the client), and
 * X-Forwarded-Proto says whether the client spoke HTTPS to the proxy. */
static void
forwarded_client(const struct http_server *s, struct http_req *req)
{
	const char *xfp;

	if (!http_trusted_peer(s->cfg.trusted_proxies, req->client_ip))
		return;
	xfp = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
	req->https = xfp != NULL && strcasecmp(xfp, "https") == 0;
	http_forwarded_client(s->cfg.trusted_proxies, req->client_ip,
			      MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "X-Forwarded-For"),
			      req->client_ip);
}

/* What check_value() adds up over the request's headers or query arguments. */
struct head_scan {
	size_t bytes;
	int bad_utf8;
	const char *bad_name;   /* the first header or argument whose value is not UTF-8 */
};

static enum MHD_Result
check_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct head_scan *scan = cls;

	(void)kind;
	scan->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	if (!gzf_utf8_valid(key)) {
		scan->bad_utf8 = 1;
	} else if (value != NULL && !gzf_utf8_valid(value)) {
		if (!scan->bad_utf8)
			scan->bad_name = key;
		scan->bad_utf8 = 1;
	}
	return MHD_YES;
}

/*
 * Refuse, before anything reads it, a request whose head gzf will not take: bytes that
 * are not UTF-8 in the method, path, query or any header (every later use — logs,
 * JSON replies, the database — needs text), a target over HTTP_MAX_URI (414) or a head
 * over max_header (431). The library's read buffer is a few times max_header, so these
 * requests reach this check and get the JSON envelope; only a head too large for that
 * buffer, or an HTTP version other than 1.0 and 1.1, is answered by libmicrohttpd
 * itself (a short HTML page): 0.9.75 has no hook to replace its own error replies.
 */
static int
check_head(const struct http_server *s, struct http_req *req)
{
	struct head_scan query = { 0, 0, NULL }, headers = { 0, 0, NULL };

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_value, &query);
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, check_value, &headers);
	if (!gzf_utf8_valid(req->method) || !gzf_utf8_valid(req->path))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_utf8", NULL,
				   "the method or path is not valid UTF-8");
	if (query.bad_utf8 || headers.bad_utf8) {
		const struct head_scan *bad = query.bad_utf8 ? &query : &headers;
		const char *what = query.bad_utf8 ? "query argument" : "header";

		if (bad->bad_name == NULL)
			return gzf_err_set(&req->err, GZF_EINVAL, "invalid_utf8", NULL,
					   "a %s name is not valid UTF-8", what);
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_utf8", bad->bad_name,
				   "%s %s is not valid UTF-8", what, bad->bad_name);
	}
	if (strlen(req->path) + query.bytes > HTTP_MAX_URI)
		return gzf_err_set(&req->err, GZF_EURI, "uri_too_long", NULL,
				   "the request target is longer than %d bytes", HTTP_MAX_URI);
	if (strlen(req->path) + query.bytes + headers.bytes > s->cfg.max_header)
		return gzf_err_set(&req->err, GZF_EHEADERS, "headers_too_large", NULL,
				   "the request headers are larger than %zu bytes", s->cfg.max_header);
	return GZF_OK;
}

/* Did the handler set this reply header? */
static int
has_header(const struct http_req *req, const char *name)
{
	for (int i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->header_names[i], name) == 0)
			return 1;
	return 0;
}

/* An upload is a body of any declared type but JSON: it may be as large as max_upload. */
static int
is_upload(struct MHD_Connection *conn)
{
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_TYPE);

	return ct != NULL && *ct != '\0' && strncasecmp(ct, "application/json", 16) != 0;
}

/*
 * Add n bytes to the body. The buffer is sized from Content-Length when the client sent
 * one, and doubles otherwise, so a large upload is copied a few times, not per chunk.
 */
static void
body_append(struct http_req *req, const char *data, size_t n)
{
	if (req->body_len + n > req->body_cap) {
		const char *cl = http_header(req, "Content-Length");
		size_t cap = req->body_cap ? req->body_cap * 2 : 16 * 1024;
		unsigned long long want = cl ? strtoull(cl, NULL, 10) : 0;
		char *nb;

		if (want >= req->body_len + n && want <= req->body_limit)
			cap = (size_t)want;
		while (cap < req->body_len + n)
			cap *= 2;
		if (cap > req->body_limit)
			cap = req->body_limit;
		nb = arena_alloc(req->arena, cap + 1);
		if (req->body_len)
			memcpy(nb, req->body, req->body_len);
		req->body = nb;
		req->body_cap = cap;
	}
	memcpy(req->body + req->body_len, data, n);
	req->body_len += n;
	req->body[req->body_len] = '\0';
}

/* Route the request and run its handler; afterwards req holds a reply or an error. */
static void
dispatch(struct http_server *s, struct http_req *req)
{
	char allowed[64];
	http_handler fn;
	int rc, mismatch;

	if (req->err.code != GZF_OK) {
		req->route = "bad_request_head";
		return;
	}
	if (req->body_too_large) {
		req->route = "body_too_large";
		gzf_err_set(&req->err, GZF_ETOOLARGE, "body_too_large", NULL,
			    "the request body is larger than %zu bytes", req->body_limit);
		return;
	}
	fn = router_match(s->router, req, &mismatch, allowed, sizeof(allowed));
	if (fn != NULL) {
		rc = fn(req);
		for (int i = req->nafter - 1; i >= 0; i--)
			req->after_fns[i](req->after_data[i]);
		if (rc != GZF_OK && req->err.code == GZF_OK)
			gzf_err_set(&req->err, rc, NULL, NULL, "%s", gzf_code_name(rc));
		else if (rc == GZF_OK && req->status == 0)
			gzf_err_set(&req->err, GZF_EINTERNAL, "internal", NULL, "the handler gave no reply");
		return;
	}
	if (mismatch) {
		http_reply_header(req, "Allow", arena_strdup(req->arena, allowed));
		gzf_err_set(&req->err, GZF_EMETHOD, "method_not_allowed", NULL,
			    "%s is not allowed here; use %s", req->method, allowed);
		return;
	}
	if (s->cfg.web_dir != NULL && (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)
	    && static_serve(req, s->cfg.web_dir) == GZF_OK) {
		req->route = "static";
		return;
	}
	gzf_err_set(&req->err, GZF_ENOTFOUND, "not_found", NULL, "no such resource: %s", req->path);
}

/*
 * A text reply in memory of HTTP_COMPRESS_MIN bytes or more varies by Accept-Encoding:
 * gzip it for a client that takes gzip, unless its handler chose the coding (Vary set). One that zlib failed to compress, or that has
 * no room left for the two headers, goes out as it is.
 */
static void
compress_reply(struct http_req *req)
{
	size_t len;
	char *gz;

	if (req->reply_fd >= 0 || req->reply_len < HTTP_COMPRESS_MIN || req->content_type == NULL ||
	    !http_compressible(req->content_type) || has_header(req, "Content-Encoding") ||
	    has_header(req, "Vary") ||
	    req->nheaders > HTTP_MAX_HEADERS - 2)
		return;
	http_reply_header(req, "Vary", "Accept-Encoding");
	if (http_coding_choose(http_header(req, "Accept-Encoding"), HTTP_CODING_GZIP) != HTTP_CODING_GZIP ||
	    http_gzip(req->arena, req->reply, req->reply_len, HTTP_GZIP_LEVEL, &gz, &len) != GZF_OK)
		return;
	req->reply = gz;
	req->reply_len = len;
	http_reply_header(req, "Content-Encoding", "gzip");
}

static enum MHD_Result
respond(struct http_req *req)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int i;

	if (req->err.code != GZF_OK) {
		json_t *body = http_error_body(req);

		if (req->err.code == GZF_EINTERNAL)
			log_msg(LOG_ERROR, "request failed", "request_id", req->id,
				"detail", req->err.message, NULL);
		http_reply_json(req, http_status_for(req->err.code), body);
	}
	compress_reply(req);
	if (req->reply_fd >= 0) {
		resp = MHD_create_response_from_fd_at_offset64(req->reply_fd_size, req->reply_fd,
								req->reply_fd_offset);
		req->reply_fd = -1; /* the library closes it now */
	} else {
		resp = MHD_create_response_from_buffer(req->reply_len, req->reply,
						       MHD_RESPMEM_PERSISTENT);
	}
	if (resp == NULL)
		return MHD_NO;
	if (req->content_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, req->content_type);
	MHD_add_response_header(resp, "X-Request-Id", req->id);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (strcmp(req->route, "static") != 0 && !has_header(req, "Cache-Control"))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	for (i = 0; i < req->nheaders; i++)
		MHD_add_response_header(resp, req->header_names[i], req->header_values[i]);
	ret = MHD_queue_response(req->conn, (unsigned int)req->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size,
	   void **con_cls)
{
	struct http_server *s = cls;
	struct http_req *req = *con_cls;
	const char *cl;

	(void)version;
	if (req == NULL) {
		req = request_new(s, conn, url, method);
		*con_cls = req;
		atomic_fetch_add(&s->in_flight, 1);
		req->body_limit = is_upload(conn) ? s->cfg.max_upload : s->cfg.max_body;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (check_head(s, req) != GZF_OK) {
			dispatch(s, req);
			return respond(req);
		}
		if (cl != NULL && strtoull(cl, NULL, 10) > req->body_limit) {
			req->body_too_large = 1;
			/* Up to HTTP_DRAIN_FACTOR times the limit the body is read and
			 * dropped, then answered: a client still sending would otherwise
			 * meet a reset, not the 413. Beyond that, refused before reading;
			 * the library closes the connection after the reply. */
			if (strtoull(cl, NULL, 10) / HTTP_DRAIN_FACTOR <= req->body_limit)
				return MHD_YES;
			dispatch(s, req);
			return respond(req);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;

		if (!req->body_too_large && req->status == 0) {
			if (req->body_len + n > req->body_limit)
				req->body_too_large = 1;
			else
				body_append(req, upload_data, n);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->held) { /* resumed: the reply may go */
		req->held = 0;
		if (req->hold_rc != GZF_OK) {
			req->nheaders = 0;
			gzf_err_set(&req->err, req->hold_rc, NULL, NULL,
				    "the request could not be completed; please try again");
		}
		return respond(req);
	}
	if (req->status != 0)
		return MHD_YES; /* already answered (early 400, 413, 414 or 431) */
	dispatch(s, req);
	if (req->hold != NULL) {
		/* Parked: MHD calls again once http_req_resume() has run. */
		req->held = 1;
		MHD_suspend_connection(conn);
		if (req->hold(req->hold_data, req) == 0)
			http_req_resume(req, GZF_OK);
		return MHD_YES;
	}
	return respond(req);
}

void
http_req_resume(struct http_req *req, int rc)
{
	req->hold_rc = rc;
	MHD_resume_connection(req->conn);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct http_req *req = *con_cls;
	int64_t dur;
	struct jsonw w;
	char ms[32];
	size_t len;

	(void)conn;
	if (req == NULL)
		return;
	dur = gzf_mono_ns() - req->started_ns;
	metrics_observe(req->route, req->method, req->status, dur);
	/* Written straight into the request's arena: jansson values cost a malloc each, and
	 * this runs once per request. The method and path are the client's bytes. */
	jsonw_init(&w, req->arena);
	jsonw_open(&w, '{');
	jsonw_member_int(&w, "ts", gzf_now_ms());
	jsonw_member_string(&w, "msg", "request");
	jsonw_member_string(&w, "request_id", req->id);
	jsonw_member_string(&w, "method", log_plain(req->arena, req->method));
	jsonw_member_string(&w, "path", log_plain(req->arena, req->path));
	jsonw_member_string(&w, "route", req->route);
	jsonw_member_int(&w, "status", req->status);
	snprintf(ms, sizeof(ms), "%" PRId64 ".%03d", dur / 1000000, (int)(dur / 1000 % 1000));
	jsonw_key(&w, "ms");
	jsonw_raw(&w, ms);
	jsonw_member_int(&w, "bytes", (int64_t)(req->reply_fd_size + req->reply_len));
	jsonw_member_string(&w, "client", req->client_ip);
	jsonw_member_string(&w, "end", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "ok" : "aborted");
	if (req->err.code != GZF_OK)
		jsonw_member_string(&w, "error", req->err.name);
	jsonw_close(&w);
	log_line(jsonw_text(&w, &len));
	if (req->reply_fd >= 0)
		close(req->reply_fd);
	watch_head(req->watch, 1); /* a kept-alive connection now waits for its next head */
	arena_destroy(req->arena);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* Track each connection for the head deadline from the moment it is accepted. */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
	      enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *s = cls;
	struct conn_watch *w = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		metrics_connection(1);
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		w = gzf_calloc(1, sizeof(*w));
		w->fd = ci != NULL ? ci->connect_fd : -1;
		atomic_store(&w->head_since_ns, gzf_mono_ns());
		pthread_mutex_lock(&s->watch_lock);
		w->next = s->watches;
		if (s->watches != NULL)
			s->watches->prev = w;
		s->watches = w;
		pthread_mutex_unlock(&s->watch_lock);
		*socket_context = w;
		return;
	}
	if (w == NULL)
		return;
	metrics_connection(-1);
	pthread_mutex_lock(&s->watch_lock);
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		s->watches = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&s->watch_lock);
	free(w);
	*socket_context = NULL;
}

/* Start (waiting) or stop the head clock of a connection. */
static void
watch_head(struct conn_watch *w, int waiting)
{
	if (w != NULL)
		atomic_store(&w->head_since_ns, waiting ? gzf_mono_ns() : 0);
}

/*
 * A few times a second, shut down the sockets of connections that have waited longer
 * than header_timeout for a whole request head: from their start, or since their last
 * reply when kept alive. The library then sees the socket fail and closes the connection
 * in its own thread; shutdown() leaves the descriptor itself to the library.
 */
static void *
watchdog_run(void *arg)
{
	struct http_server *s = arg;
	int64_t limit = (int64_t)s->cfg.header_timeout * 1000000000;
	struct timespec wake;
	int closed;

	pthread_mutex_lock(&s->watch_lock);
	while (!s->stopping) {
		int64_t now = gzf_mono_ns();

		closed = 0;
		for (struct conn_watch *w = s->watches; w != NULL; w = w->next) {
			long long since = atomic_load(&w->head_since_ns);

			if (since != 0 && now - since > limit && w->fd >= 0) {
				shutdown(w->fd, SHUT_RDWR);
				atomic_store(&w->head_since_ns, 0);
				closed++;
			}
		}
		if (closed > 0) {
			char n[16];

			snprintf(n, sizeof(n), "%d", closed);
			log_msg(LOG_WARN, "connections closed: no whole request head in time",
				"connections", n, NULL);
		}
		clock_gettime(CLOCK_REALTIME, &wake);
		wake.tv_nsec += 250 * 1000 * 1000;
		if (wake.tv_nsec >= 1000000000) {
			wake.tv_sec++;
			wake.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->watch_wake, &s->watch_lock, &wake);
	}
	pthread_mutex_unlock(&s->watch_lock);
	return NULL;
}

/* End watchdog_run and wait for it. */
static void
watchdog_stop(struct http_server *s)
{
	pthread_mutex_lock(&s->watch_lock);
	s->stopping = 1;
	pthread_cond_signal(&s->watch_wake);
	pthread_mutex_unlock(&s->watch_lock);
	pthread_join(s->watchdog, NULL);
}

/*
 * Take new connections and give each to the library, which puts it on the worker thread
 * its descriptor number picks (fd modulo the pool), so the threads share the connections
 * evenly. Left to the library, every worker accepts for itself and whichever happens to
 * be idle when a client opens its connections takes them: 57 of 64 on one of two threads
 * was seen, and their requests then waited for that thread while the other had little to
 * do. At the connection limit nothing is accepted, and new clients wait in the backlog as
 * they did. Ends when http_server_stop shuts the socket down.
 */
static void *
accept_run(void *arg)
{
	struct http_server *s = arg;
	struct pollfd p = { .fd = s->listen_fd, .events = POLLIN };
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage addr;
	socklen_t len;
	int fd;

	while (!atomic_load(&s->closing)) {
		info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (info != NULL && info->num_connections >= (unsigned int)s->cfg.max_connections) {
			poll(NULL, 0, 10);
			continue;
		}
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		if (atomic_load(&s->closing))
			break;
		len = sizeof(addr);
		fd = accept4(s->listen_fd, (struct sockaddr *)&addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				poll(NULL, 0, 100); /* out of descriptors: let some close first */
			continue;
		}
		/* On failure (a limit reached) the library logs it and closes fd. */
		MHD_add_connection(s->daemon, fd, (struct sockaddr *)&addr, len);
	}
	return NULL;
}

/* Bind the listening socket ourselves, so a busy port or a bad address gives a clear
 * message rather than a bare start-up failure. */
static int
open_listener(const struct http_server_config *cfg, int *port, struct gzf_err *err)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	const char *host = cfg->host;
	int fd, one = 1;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg->port);
	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
		return gzf_err_set(err, GZF_EINVAL, "bad_listen", "listen",
				   "cannot listen on '%s': not an IPv4 address", cfg->host);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return gzf_err_set(err, GZF_EUNAVAIL, "listen_failed", "listen", "socket: %s",
				   strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 1024) != 0) {
		int e = errno;

		close(fd);
		if (e == EADDRINUSE)
			return gzf_err_set(err, GZF_EUNAVAIL, "port_in_use", "listen",
					   "port %d on %s is already in use (is another gzf running?)",
					   cfg->port, cfg->host);
		return gzf_err_set(err, GZF_EUNAVAIL, "listen_failed", "listen",
				   "cannot listen on %s:%d: %s", cfg->host, cfg->port, strerror(e));
	}
	getsockname(fd, (struct sockaddr *)&addr, &len);
	*port = ntohs(addr.sin_port);
	return fd;
}

int
http_server_start(struct http_server **out, const struct http_server_config *cfg,
		  const struct router *r, void *service, struct gzf_err *err)
{
	struct http_server *s;
	int fd, port = 0;

	assert(cfg->header_timeout > 0);
	assert(cfg->max_header > 0 && cfg->max_header <= HTTP_MAX_HEAD_BYTES);
	fd = open_listener(cfg, &port, err);
	if (fd < 0)
		return fd;
	s = gzf_calloc(1, sizeof(*s));
	s->router = r;
	s->cfg = *cfg;
	s->service = service;
	s->listen_fd = fd;
	s->port = port;
	pthread_mutex_init(&s->watch_lock, NULL);
	pthread_cond_init(&s->watch_wake, NULL);
	/* The connection's memory holds four times max_header, so a head somewhat over
	 * max_header still fits and check_head() answers it with the JSON envelope. No more
	 * than HTTP_CONN_MEMORY: libmicrohttpd maps a larger pool with mmap() for every new
	 * connection, and the page faults, zeroing and unmapping (with its cross-CPU TLB
	 * flush) capped new connections near 300 a second; at 32 KiB it comes from malloc.
	 * No MHD_USE_TURBO: without shutdown() before close(), a client still sending a head
	 * too large for that memory got a reset instead of the library's 431. */
	s->daemon = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
			MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC,
		0, NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, so it sees every message */
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(cfg->threads > 0 ? cfg->threads : 1),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->max_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->timeout_seconds,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->max_header * 4,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		MHD_OPTION_END);
	if (s->daemon != NULL && pthread_create(&s->watchdog, NULL, watchdog_run, s) == 0) {
		if (pthread_create(&s->acceptor, NULL, accept_run, s) == 0) {
			*out = s;
			return GZF_OK;
		}
		watchdog_stop(s);
	}
	if (s->daemon != NULL)
		MHD_stop_daemon(s->daemon);
	close(fd);
	pthread_cond_destroy(&s->watch_wake);
	pthread_mutex_destroy(&s->watch_lock);
	free(s);
	return gzf_err_set(err, GZF_EUNAVAIL, "listen_failed", "listen",
			   "the HTTP server could not start on %s:%d", cfg->host, port);
}

int
http_server_port(const struct http_server *s)
{
	return s->port;
}

void
http_server_stop(struct http_server *s, int grace_seconds)
{
	int64_t deadline = gzf_mono_ns() + (int64_t)grace_seconds * 1000000000;

	if (s == NULL)
		return;
	/* Stop accepting (the shutdown wakes accept_run's poll), then wait for the requests
	 * already being handled. */
	atomic_store(&s->closing, 1);
	shutdown(s->listen_fd, SHUT_RDWR);
	pthread_join(s->acceptor, NULL);
	close(s->listen_fd);
	while (atomic_load(&s->in_flight) > 0 && gzf_mono_ns() < deadline) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(s->daemon);
	watchdog_stop(s);
	pthread_cond_destroy(&s->watch_wake);
	pthread_mutex_destroy(&s->watch_lock);
	free(s);
}
