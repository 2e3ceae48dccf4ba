/*
 * router.h — maps (method, path) to a handler. Patterns are literal segments and
 * ":name" captures, e.g. "/api/v1/estates/:id/units". Routes are added at start-up,
 * before the server runs; matching is read-only and thread-safe.
 */
#ifndef GZF_HTTP_ROUTER_H
#define GZF_HTTP_ROUTER_H

#include "http/http.h"

struct router;

/* router_create / router_destroy — an empty table; destroy frees it. */
struct router *router_create(void);
void router_destroy(struct router *r);

/* router_add — register handler for method + pattern. The strings must be literals. */
void router_add(struct router *r, const char *method, const char *pattern, http_handler fn);

/*
 * router_match — find the handler for req->method and req->path, capturing path
 * parameters into req. Returns the handler, or NULL with *method_mismatch set when the
 * path exists for other methods (allowed then lists them, e.g. "GET, POST").
 */
http_handler router_match(const struct router *r, struct http_req *req, int *method_mismatch,
			  char *allowed, size_t allowed_size);

/* router_count — how many routes are registered. */
int router_count(const struct router *r);

#endif
