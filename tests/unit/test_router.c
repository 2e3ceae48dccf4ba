/* test_router.c — route matching, parameters and method mismatches. */
#include <string.h>

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

Suite *
router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("router");

	tcase_add_test(tc, matches_literals_and_captures);
	tcase_add_test(tc, no_match_and_wrong_method);
	tcase_add_test(tc, forwarded_client);
	suite_add_tcase(s, tc);
	return s;
}
