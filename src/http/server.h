/*
 * server.h — the HTTP server: libmicrohttpd with epoll and an internal thread pool,
 * body, header and connection limits, a deadline for request heads, request ids, the
 * access log, replies held with their connection parked (http_req_hold) and graceful
 * shutdown.
 */
#ifndef GZF_HTTP_SERVER_H
#define GZF_HTTP_SERVER_H

#include <stddef.h>

#include "core/gzf.h"
#include "http/router.h"

struct http_server;

/* The largest head a server may be configured to take: its connection memory, four times
 * that, must stay within the 32 KiB that libmicrohttpd takes from malloc rather than
 * mapping afresh for each connection (see http_server_start). */
#define HTTP_MAX_HEAD_BYTES (8 * 1024)

struct http_server_config {
	const char *host;        /* IPv4 address or "localhost" to listen on */
	int port;                /* 0 picks a free port */
	int threads;             /* worker threads (the thread pool) */
	size_t max_body;         /* request bodies larger than this get 413 */
	size_t max_upload;       /* the same for uploads: bodies whose type is not JSON */
	size_t max_header;       /* request line + headers larger than this get 414 or 431;
				  * at most HTTP_MAX_HEAD_BYTES */
	int max_connections;
	int max_per_ip;          /* open connections from one peer address, 0 for no limit */
	int timeout_seconds;     /* idle connection timeout */
	int header_timeout;      /* seconds a connection has to deliver a whole request head */
	const char *web_dir;     /* static files, or NULL for none */
	const char *trusted_proxies; /* "a,b": peers whose X-Forwarded-For names the client */
};

/*
 * http_server_start — bind and start serving r's routes; service is passed to handlers as
 * req->service. Returns 0 and *out, or GZF_EUNAVAIL with a message such as "port 8080 is
 * already in use" in err.
 */
int http_server_start(struct http_server **out, const struct http_server_config *cfg,
		      const struct router *r, void *service, struct gzf_err *err);

/* http_server_port — the port actually bound (useful with port 0). */
int http_server_port(const struct http_server *s);

/*
 * http_server_stop — stop accepting, let in-flight requests finish (up to
 * grace_seconds), then close everything and free s.
 */
void http_server_stop(struct http_server *s, int grace_seconds);

#endif
