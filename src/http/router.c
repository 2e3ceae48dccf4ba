/*
 * router.c — a flat route table matched segment by segment. A few hundred routes at
 * most, so a linear scan is simpler than a tree and fast enough.
 */
#include "http/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 16

struct route {
	const char *method;
	const char *pattern;
	http_handler fn;
};

struct router {
	struct route *routes;
	int n, cap;
};

static int match_path(const char *pattern, const char *path, struct http_req *req);

struct router *
router_create(void)
{
	return gzf_calloc(1, sizeof(struct router));
}

void
router_destroy(struct router *r)
{
	if (r == NULL)
		return;
	free(r->routes);
	free(r);
}

void
router_add(struct router *r, const char *method, const char *pattern, http_handler fn)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->routes = gzf_realloc(r->routes, sizeof(struct route) * (size_t)r->cap);
	}
	r->routes[r->n++] = (struct route){ method, pattern, fn };
}

int
router_count(const struct router *r)
{
	return r->n;
}

/* Match path against pattern segment by segment; on success store the captures in
 * req (when req is not NULL) and return 1. */
static int
match_path(const char *pattern, const char *path, struct http_req *req)
{
	const char *p = pattern, *s = path;
	int n = 0;

	while (*p && *s) {
		if (*p == ':') {
			const char *name = p + 1, *pend = strchr(p, '/');
			const char *send = strchr(s, '/');
			size_t plen = pend ? (size_t)(pend - name) : strlen(name);
			size_t slen = send ? (size_t)(send - s) : strlen(s);

			if (slen == 0 || n >= HTTP_MAX_PARAMS)
				return 0;
			if (req != NULL) {
				req->param_names[n] = arena_strndup(req->arena, name, plen);
				req->param_values[n] = arena_strndup(req->arena, s, slen);
			}
			n++;
			p = name + plen;
			s += slen;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*p || *s)
		return 0;
	if (req != NULL)
		req->nparams = n;
	return 1;
}

http_handler
router_match(const struct router *r, struct http_req *req, int *method_mismatch,
	     char *allowed, size_t allowed_size)
{
	size_t used = 0;
	int i;

	*method_mismatch = 0;
	if (allowed_size > 0)
		allowed[0] = '\0';
	for (i = 0; i < r->n; i++) {
		const struct route *rt = &r->routes[i];

		if (!match_path(rt->pattern, req->path, NULL))
			continue;
		if (strcmp(rt->method, req->method) == 0 ||
		    (strcmp(req->method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
			match_path(rt->pattern, req->path, req);
			req->route = rt->pattern;
			return rt->fn;
		}
		*method_mismatch = 1;
		if (strstr(allowed, rt->method) == NULL && used + strlen(rt->method) + 3 < allowed_size)
			used += (size_t)snprintf(allowed + used, allowed_size - used, "%s%s",
						 used ? ", " : "", rt->method);
	}
	return NULL;
}
