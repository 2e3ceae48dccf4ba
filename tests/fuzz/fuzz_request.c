/*
 * fuzz_request.c — the request path as the server sees it before a handler runs: the
 * method and path matched against gzf's real route table (captures and the Allow list
 * included), the path's UTF-8 check, numeric path parameters, and the client address
 * behind a trusted proxy. Input: METHOD \n PATH \n X-Forwarded-For \n PEER \n TRUSTED.
 */
#include "fuzz.h"

#include <assert.h>

#include "api/api.h"
#include "http/router.h"

static struct router *routes;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	struct http_req *req = arena_alloc(a, sizeof(*req));
	char *f[5], allowed[64], client[48];
	int mismatch;
	http_handler fn;

	if (routes == NULL) {
		routes = router_create();
		api_routes(routes);
	}
	fuzz_fields(a, data, size, '\n', f, 5);
	req->arena = a;
	req->method = f[0];
	req->path = f[1];
	req->route = "unmatched";
	(void)gzf_utf8_valid(req->path);
	fn = router_match(routes, req, &mismatch, allowed, sizeof(allowed));
	assert(strlen(allowed) < sizeof(allowed));
	assert(req->nparams >= 0 && req->nparams <= HTTP_MAX_PARAMS);
	for (int i = 0; fn != NULL && i < req->nparams; i++) {
		int64_t id;

		assert(strchr(req->param_values[i], '/') == NULL && req->param_values[i][0] != '\0');
		assert(http_param(req, req->param_names[i]) != NULL);
		(void)gzf_parse_int(req->param_values[i], 1, INT64_MAX, &id);
	}
	snprintf(client, sizeof(client), "%s", f[3]);
	if (http_forwarded_client(f[4], f[3], f[2], client))
		assert(strlen(client) < sizeof(client));
	arena_destroy(a);
	return 0;
}
