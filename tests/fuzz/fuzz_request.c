/*
 * fuzz_request.c — the request path as the server sees it before a handler runs: the
 * method and path matched against gzf's real route table (captures and the Allow list
 * included), the path's UTF-8 check, numeric path parameters, the client address
 * behind a trusted proxy, and the content coding Accept-Encoding picks. Input:
 * METHOD \n PATH \n X-Forwarded-For \n PEER \n TRUSTED \n Accept-Encoding.
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
	static const char *const codings[] = { "br", "gzip", "identity", "*" };
	char *f[6], allowed[64], client[48];
	int mismatch, coding;
	http_handler fn;

	if (routes == NULL) {
		routes = router_create();
		api_routes(routes);
	}
	fuzz_fields(a, data, size, '\n', f, 6);
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
	for (size_t i = 0; i < sizeof(codings) / sizeof(codings[0]); i++) {
		int q = http_coding_q(f[5], codings[i]);

		assert(q >= 0 && q <= 1000);
	}
	coding = http_coding_choose(f[5], HTTP_CODING_BR | HTTP_CODING_GZIP);
	assert(coding == HTTP_CODING_IDENTITY || coding == HTTP_CODING_GZIP || coding == HTTP_CODING_BR);
	assert(coding == HTTP_CODING_IDENTITY || http_coding_q(f[5], coding == HTTP_CODING_BR ? "br" : "gzip") > 0);
	arena_destroy(a);
	return 0;
}
