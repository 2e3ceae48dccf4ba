/* test_router.c — route matching, parameters and method mismatches; the request
 * helpers of http.c: trusted proxies, content codings, gzip. */
#include <string.h>
#include <zlib.h>

#include "http/router.h"
#include "unit.h"

static int h_list(struct http_req *req) { (void)req; return 1; }
static int h_get(struct http_req *req) { (void)req; return 2; }
static int h_units(struct http_req *req) { (void)req; return 3; }
static int h_post(struct http_req *req) { (void)req; return 4; }

static struct router *
fixture(void)
{
	struct router *r = router_create();

	router_add(r, "GET", "/api/v1/estates", h_list);
	router_add(r, "POST", "/api/v1/estates", h_post);
	router_add(r, "GET", "/api/v1/estates/:id", h_get);
	router_add(r, "GET", "/api/v1/estates/:id/units/:unit", h_units);
	return r;
}

static http_handler
match(struct router *r, struct http_req *req, const char *method, const char *path,
      int *mismatch, char *allowed)
{
	memset(req, 0, sizeof(*req));
	req->arena = arena_create();
	req->method = method;
	req->path = path;
	return router_match(r, req, mismatch, allowed, 64);
}

START_TEST(matches_literals_and_captures)
{
	struct router *r = fixture();
	struct http_req req;
	char allowed[64];
	int mm;

	ck_assert_int_eq(router_count(r), 4);
	ck_assert_ptr_eq(match(r, &req, "GET", "/api/v1/estates", &mm, allowed), h_list);
	ck_assert_str_eq(req.route, "/api/v1/estates");
	arena_destroy(req.arena);
	ck_assert_ptr_eq(match(r, &req, "POST", "/api/v1/estates", &mm, allowed), h_post);
	arena_destroy(req.arena);
	ck_assert_ptr_eq(match(r, &req, "GET", "/api/v1/estates/17/units/3-201", &mm, allowed), h_units);
	ck_assert_int_eq(req.nparams, 2);
	ck_assert_str_eq(http_param(&req, "id"), "17");
	ck_assert_str_eq(http_param(&req, "unit"), "3-201");
	ck_assert_ptr_null(http_param(&req, "nope"));
	arena_destroy(req.arena);
	ck_assert_ptr_eq(match(r, &req, "HEAD", "/api/v1/estates/9", &mm, allowed), h_get);
	arena_destroy(req.arena);
	router_destroy(r);
}
END_TEST

START_TEST(no_match_and_wrong_method)
{
	struct router *r = fixture();
	struct http_req req;
	char allowed[64];
	int mm;

	ck_assert_ptr_null(match(r, &req, "GET", "/api/v1/estate", &mm, allowed));
	ck_assert_int_eq(mm, 0);
	arena_destroy(req.arena);
	ck_assert_ptr_null(match(r, &req, "GET", "/api/v1/estates/", &mm, allowed));
	arena_destroy(req.arena);
	ck_assert_ptr_null(match(r, &req, "GET", "/api/v1/estates/1/units", &mm, allowed));
	arena_destroy(req.arena);
	ck_assert_ptr_null(match(r, &req, "DELETE", "/api/v1/estates", &mm, allowed));
	ck_assert_int_eq(mm, 1);
	ck_assert_str_eq(allowed, "GET, POST");
	arena_destroy(req.arena);
	router_destroy(r);
}
END_TEST

/* The client behind a trusted proxy: the last X-Forwarded-For address, only from a
 * trusted peer, only when it is an address. */
START_TEST(forwarded_client)
{
	char client[48] = "10.0.0.2";

	ck_assert_int_eq(http_forwarded_client("10.0.0.1, 10.0.0.2", "10.0.0.2", "6.6.6.6, 203.0.113.9", client), 1);
	ck_assert_str_eq(client, "203.0.113.9");
	ck_assert_int_eq(http_forwarded_client("10.0.0.1", "10.0.0.2", "203.0.113.9", client), 0);
	ck_assert_int_eq(http_forwarded_client("10.0.0.22", "10.0.0.2", "203.0.113.9", client), 0);
	ck_assert_int_eq(http_forwarded_client("110.0.0.2", "10.0.0.2", "203.0.113.9", client), 0);
	ck_assert_int_eq(http_forwarded_client("10.0.0.2", "10.0.0.2", "203.0.113.9, evil", client), 0);
	ck_assert_int_eq(http_forwarded_client("10.0.0.2", "10.0.0.2", NULL, client), 0);
	ck_assert_int_eq(http_forwarded_client("::1", "::1", " 2001:db8::7 ", client), 1);
	ck_assert_str_eq(client, "2001:db8::7");
}
END_TEST

START_TEST(accept_encoding_weights)
{
	/* No header: identity only. An empty one: the same. */
	ck_assert_int_eq(http_coding_q(NULL, "gzip"), 0);
	ck_assert_int_eq(http_coding_q(NULL, "identity"), 1000);
	ck_assert_int_eq(http_coding_q("", "br"), 0);
	ck_assert_int_eq(http_coding_q("gzip, deflate, br", "br"), 1000);
	ck_assert_int_eq(http_coding_q("GZIP", "gzip"), 1000);
	ck_assert_int_eq(http_coding_q("gzip;q=0", "gzip"), 0);
	ck_assert_int_eq(http_coding_q("gzip ; Q=0.5", "gzip"), 500);
	ck_assert_int_eq(http_coding_q("gzip;q=0.125, br;q=1.000", "gzip"), 125);
	ck_assert_int_eq(http_coding_q("br;level=3;q=0.2", "br"), 200);
	/* Malformed weights refuse: above 1, four decimals, junk, none. */
	ck_assert_int_eq(http_coding_q("gzip;q=1.5", "gzip"), 0);
	ck_assert_int_eq(http_coding_q("gzip;q=0.1234", "gzip"), 0);
	ck_assert_int_eq(http_coding_q("gzip;q=0.5x", "gzip"), 0);
	ck_assert_int_eq(http_coding_q("gzip;q=", "gzip"), 0);
	ck_assert_int_eq(http_coding_q("gzip junk, br", "gzip"), 0);
	ck_assert_int_eq(http_coding_q("gzip junk, br", "br"), 1000);
	/* Names match whole; "*" covers the rest; named twice, the lower weight. */
	ck_assert_int_eq(http_coding_q("gzipx, xgzip", "gzip"), 0);
	ck_assert_int_eq(http_coding_q("*", "br"), 1000);
	ck_assert_int_eq(http_coding_q("br;q=0, *", "br"), 0);
	ck_assert_int_eq(http_coding_q("*;q=0", "identity"), 0);
	ck_assert_int_eq(http_coding_q("*;q=0, identity", "identity"), 1000);
	ck_assert_int_eq(http_coding_q("gzip, gzip;q=0", "gzip"), 0);
	/* Only the first HTTP_MAX_CODINGS entries count. */
	{
		char many[HTTP_MAX_CODINGS * 3 + 8] = "";

		for (int i = 0; i < HTTP_MAX_CODINGS; i++)
			strcat(many, "x, ");
		strcat(many, "br");
		ck_assert_int_eq(http_coding_q(many, "br"), 0);
	}
}
END_TEST

START_TEST(coding_choice)
{
	int both = HTTP_CODING_BR | HTTP_CODING_GZIP;

	ck_assert_int_eq(http_coding_choose("gzip, deflate, br", both), HTTP_CODING_BR);
	ck_assert_int_eq(http_coding_choose("gzip, deflate, br", HTTP_CODING_GZIP), HTTP_CODING_GZIP);
	ck_assert_int_eq(http_coding_choose("br;q=0.5, gzip", both), HTTP_CODING_GZIP);
	ck_assert_int_eq(http_coding_choose("gzip;q=0, br;q=0", both), HTTP_CODING_IDENTITY);
	ck_assert_int_eq(http_coding_choose("gzip;q=0.5", both), HTTP_CODING_IDENTITY);
	ck_assert_int_eq(http_coding_choose("gzip;q=0.5, identity;q=0", both), HTTP_CODING_GZIP);
	ck_assert_int_eq(http_coding_choose(NULL, both), HTTP_CODING_IDENTITY);
	ck_assert_int_eq(http_coding_choose("br", HTTP_CODING_GZIP), HTTP_CODING_IDENTITY);
}
END_TEST

START_TEST(gzip_round_trip)
{
	static const char part[] = "{\"id\":1,\"name\":\"公租房\"}";
	struct arena *a = arena_create();
	char text[5000], back[6000];
	z_stream z;
	size_t len;
	char *gz;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = part[i % (sizeof(part) - 1)];
	ck_assert_int_eq(http_gzip(a, text, sizeof(text), 1, &gz, &len), GZF_OK);
	ck_assert_uint_lt(len, sizeof(text) / 4);
	ck_assert_int_eq((unsigned char)gz[0], 0x1f); /* the gzip magic */
	ck_assert_int_eq((unsigned char)gz[1], 0x8b);
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(inflateInit2(&z, 16 + 15), Z_OK);
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)back;
	z.avail_out = sizeof(back);
	ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
	ck_assert_uint_eq(z.total_out, sizeof(text));
	ck_assert_mem_eq(back, text, sizeof(text));
	inflateEnd(&z);
	ck_assert_int_eq(http_compressible("application/json; charset=utf-8"), 1);
	ck_assert_int_eq(http_compressible("text/csv; charset=utf-8"), 1);
	ck_assert_int_eq(http_compressible("image/png"), 0);
	ck_assert_int_eq(http_compressible("font/woff2"), 0);
	arena_destroy(a);
}
END_TEST

Suite *
router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("router");

	tcase_add_test(tc, matches_literals_and_captures);
	tcase_add_test(tc, no_match_and_wrong_method);
	tcase_add_test(tc, forwarded_client);
	tcase_add_test(tc, accept_encoding_weights);
	tcase_add_test(tc, coding_choice);
	tcase_add_test(tc, gzip_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
