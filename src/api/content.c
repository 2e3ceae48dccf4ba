/*
 * content.c — published content: the public reads published articles (national and of
 * its city) and searches them with the listings; editors of a city (content editors and
 * administrators) write drafts, publish and withdraw. Every change is audited; versions
 * keep two editors from overwriting each other. An article shows only pictures uploaded
 * for its city's content by its editors; they are public while a published article shows
 * them.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/housing.h"
#include "domain/content.h"
#include "domain/sanitize.h"
#include "store/article_store.h"
#include "store/housing_store.h"
#include "store/media_store.h"
#include "store/region_store.h"

#define LIST_MAX 50
#define SEARCH_MAX 20

static int content_list(struct http_req *req);
static int content_manage(struct http_req *req);
static int content_get(struct http_req *req);
static int content_create(struct http_req *req);
static int content_update(struct http_req *req);
static int content_publish(struct http_req *req);
static int content_withdraw(struct http_req *req);
static int search(struct http_req *req);
static int load_article(struct http_req *req, struct db_conn *c, struct article *a);
static int may_edit(struct http_req *req, struct db_conn *c, struct caller *who, int64_t city,
		    enum action act, const char *what, int64_t id);
static int edit_request(struct http_req *req, enum action act, const char *what, struct db_conn **c,
			struct caller **who, struct article *a, json_t **body);
static int change(struct http_req *req, enum content_event event, enum action act, const char *what);
static json_t *article_json(const struct article *a, int full);
static int reply_list(struct http_req *req, struct article *list, int n, int64_t total);
static int query_kind(struct http_req *req, const char **kind);
static int query_text(struct http_req *req, const char **text);
static int check_version(struct http_req *req, const json_t *body, const struct article *a);

void
api_content_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/content", content_list);
	router_add(r, "GET", "/api/v1/content/manage", content_manage);
	router_add(r, "POST", "/api/v1/content", content_create);
	router_add(r, "GET", "/api/v1/content/:id", content_get);
	router_add(r, "PUT", "/api/v1/content/:id", content_update);
	router_add(r, "POST", "/api/v1/content/:id/publish", content_publish);
	router_add(r, "POST", "/api/v1/content/:id/withdraw", content_withdraw);
	router_add(r, "GET", "/api/v1/search", search);
}

static json_t *
article_json(const struct article *a, int full)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:i, s:I, s:I}",
			      "id", (json_int_t)a->id, "city_id", (json_int_t)a->city_id, "kind", a->kind,
			      "title", a->title, "summary", a->summary, "cover_media_id",
			      (json_int_t)a->cover_media_id, "status", a->status, "published_at",
			      (json_int_t)a->published_at, "version", a->version, "created_at",
			      (json_int_t)a->created_at, "updated_at", (json_int_t)a->updated_at);

	json_object_set_new(o, "fields", json_loads(a->fields, 0, NULL));
	json_object_set_new(o, "media", json_loads(a->media, 0, NULL));
	if (full)
		json_object_set_new(o, "body_html", json_string(a->body_html));
	return o;
}

static int
reply_list(struct http_req *req, struct article *list, int n, int64_t total)
{
	json_t *items = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(items, article_json(&list[i], 0));
	return http_reply_json(req, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total));
}

/* The kind query parameter, when given, must be a kind. */
static int
query_kind(struct http_req *req, const char **kind)
{
	static const char *const kinds[] = { "policy", "news", "guide", "faq", "manual", NULL };
	size_t i;

	*kind = http_query(req, "kind");
	if (*kind == NULL || **kind == '\0')
		return GZF_OK;
	for (i = 0; kinds[i] != NULL; i++)
		if (strcmp(kinds[i], *kind) == 0)
			return GZF_OK;
	return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "kind",
			   "kind must be policy, news, guide, faq or manual");
}

/* The q query parameter: text of at most 50 characters. */
static int
query_text(struct http_req *req, const char **text)
{
	*text = http_query(req, "q");
	if (*text != NULL && (!gzf_utf8_valid(*text) || gzf_utf8_chars(*text) > 50))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "q",
				   "q must be text of at most 50 characters");
	return GZF_OK;
}

/* GET /api/v1/content?city=230600&kind=news&q=&page=1&size=20 — published articles of the
 * city and the national ones, newest first; public. */
static int
content_list(struct http_req *req)
{
	struct article_query q = { 0 };
	struct article *list;
	struct db_conn *c;
	int64_t city, page, size, total;
	int rc, n;

	if ((rc = api_query_int(req, "city", 0, 999999999999, 0, &city)) != GZF_OK ||
	    (rc = api_query_int(req, "page", 1, 1000, 1, &page)) != GZF_OK ||
	    (rc = api_query_int(req, "size", 1, LIST_MAX, 20, &size)) != GZF_OK ||
	    (rc = query_kind(req, &q.kind)) != GZF_OK || (rc = query_text(req, &q.text)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK)
		return rc;
	q.public_city = city;
	q.limit = (int)size;
	q.offset = (int)((page - 1) * size);
	if ((rc = article_store_list(c, &q, &list, &n, &total, &req->err)) != GZF_OK)
		return rc;
	return reply_list(req, list, n, total);
}

/* GET /api/v1/content/manage?city=&status=&kind=&page= — every article of a city (or the
 * national ones, city=0) for its editors. city defaults to the editor's own. */
static int
content_manage(struct http_req *req)
{
	static const char *const statuses[] = { "draft", "published", "withdrawn" };
	struct article_query q = { .public_city = -1 };
	struct article *list;
	struct caller *who;
	struct db_conn *c;
	int64_t city, page, total;
	size_t i;
	int rc, n;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = api_query_int(req, "city", 0, 999999999999, who->actor.city_id, &city)) != GZF_OK ||
	    (rc = api_query_int(req, "page", 1, 1000, 1, &page)) != GZF_OK ||
	    (rc = query_kind(req, &q.kind)) != GZF_OK || (rc = query_text(req, &q.text)) != GZF_OK)
		return rc;
	q.status = http_query(req, "status");
	for (i = 0; q.status != NULL && *q.status && i < 3 && strcmp(q.status, statuses[i]) != 0; i++)
		;
	if (i == 3)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "status",
				   "status must be draft, published or withdrawn");
	if ((rc = may_edit(req, c, who, city, ACT_CONTENT_EDIT, "content.list", 0)) != GZF_OK)
		return rc;
	q.city = city;
	q.limit = LIST_MAX;
	q.offset = (int)((page - 1) * LIST_MAX);
	if ((rc = article_store_list(c, &q, &list, &n, &total, &req->err)) != GZF_OK)
		return rc;
	return reply_list(req, list, n, total);
}

/* May who act on the content of city (0: national)? Authorised on the city's region. */
static int
may_edit(struct http_req *req, struct db_conn *c, struct caller *who, int64_t city, enum action act,
	 const char *what, int64_t id)
{
	struct region scope;
	struct object obj;
	int rc;

	if ((rc = api_city_scope(req, c, city, &scope)) != GZF_OK)
		return rc;
	obj = (struct object){ .region_path = scope.path };
	return api_authorize(req, c, who, act, &obj, what, "article", id);
}

static int
load_article(struct http_req *req, struct db_conn *c, struct article *a)
{
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK)
		return rc;
	return article_store_get(c, id, a, &req->err);
}

/* GET /api/v1/content/:id — a published article, to anyone; a draft or a withdrawn one,
 * to its editors only (to others it does not exist). */
static int
content_get(struct http_req *req)
{
	struct article a;
	struct caller *who;
	struct db_conn *c;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = load_article(req, c, &a)) != GZF_OK)
		return rc;
	if (strcmp(a.status, "published") != 0) {
		if ((rc = api_caller(req, c, &who)) != GZF_OK)
			return rc;
		if (who->actor.kind != ACTOR_STAFF ||
		    may_edit(req, c, who, a.city_id, ACT_CONTENT_EDIT, "content.read", a.id) != GZF_OK)
			return gzf_err_set(&req->err, GZF_ENOTFOUND, "article_not_found", NULL, "no such article");
	} else {
		http_reply_header(req, "Cache-Control", "public, max-age=60");
	}
	return http_reply_json(req, 200, json_pack("{s:o}", "article", article_json(&a, 1)));
}

/* POST /api/v1/content {"kind","title","summary"?,"body_html"?,"fields"?,"cover_media_id"?,
 * "city_id"?} -> 201 a draft of the editor's city (city_id 0: national, for those above). */
static int
content_create(struct http_req *req)
{
	struct article a = { 0 };
	struct region scope;
	struct caller *who;
	struct db_conn *c;
	json_t *body, *city;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	city = json_object_get(body, "city_id");
	if (city != NULL && (!json_is_integer(city) || json_integer_value(city) < 0))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_city", "city_id", "city_id must be a city code or 0");
	a.city_id = city != NULL ? json_integer_value(city) : who->actor.city_id;
	if ((rc = may_edit(req, c, who, a.city_id, ACT_CONTENT_EDIT, "content.create", 0)) != GZF_OK ||
	    (rc = content_apply(req->arena, body, 1, &a, &req->err)) != GZF_OK ||
	    (rc = api_city_scope(req, c, a.city_id, &scope)) != GZF_OK ||
	    (rc = content_media_check(c, &a, scope.path, &req->err)) != GZF_OK)
		return rc;
	a.status = content_fsm.states[CONTENT_DRAFT]; /* where an article starts */
	a.author_id = who->actor.user_id;
	a.created_at = a.updated_at = gzf_now_ms();
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = article_store_create(c, &a, &a.id, &req->err)) != GZF_OK ||
	    (rc = content_show_media(c, &a, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "content.create", "article", a.id, a.city_id, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = article_store_get(c, a.id, &a, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 201, json_pack("{s:o}", "article", article_json(&a, 1)));
}

/* The version the editor saw must be the current one. */
static int
check_version(struct http_req *req, const json_t *body, const struct article *a)
{
	const json_t *v = json_object_get(body, "version");

	if (!json_is_integer(v))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "version",
				   "version (of the article as you saw it) is required");
	if (json_integer_value(v) != a->version)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "version_conflict", "version",
				   "the article was changed by someone else in the meantime: reload it");
	return GZF_OK;
}

/* The start of every change to an article: the body, the caller, the article, the right
 * to act on it (act, audited as what when refused) and the version the editor saw. */
static int
edit_request(struct http_req *req, enum action act, const char *what, struct db_conn **c,
	     struct caller **who, struct article *a, json_t **body)
{
	int rc;

	if ((rc = http_read_json(req, body)) != GZF_OK || (rc = api_db(req, c)) != GZF_OK ||
	    (rc = api_login_required(req, *c, who)) != GZF_OK || (rc = load_article(req, *c, a)) != GZF_OK ||
	    (rc = may_edit(req, *c, *who, a->city_id, act, what, a->id)) != GZF_OK)
		return rc;
	return check_version(req, *body, a);
}

/* PUT /api/v1/content/:id {"title"?,"summary"?,"body_html"?,"fields"?,"cover_media_id"?,
 * "version"} — a published article changes in place (its new images become public). */
static int
content_update(struct http_req *req)
{
	return change(req, CONTENT_EDIT, ACT_CONTENT_EDIT, "content.update");
}

/* An edit, a publication or a withdrawal (event), with the version the editor saw, the
 * right to act (act, audited as what) and, for an edit, the changes: one transaction with
 * its audit entry; the reply is the article as stored. Publishing makes the article's
 * images public (after checking them again: an article saved before the rule may show
 * others' files); withdrawing makes those no other published article shows private. */
static int
change(struct http_req *req, enum content_event event, enum action act, const char *what)
{
	struct region scope;
	struct article a;
	struct caller *who;
	struct db_conn *c;
	json_t *body;
	int rc;

	if ((rc = edit_request(req, act, what, &c, &who, &a, &body)) != GZF_OK ||
	    (event == CONTENT_EDIT && (rc = content_apply(req->arena, body, 0, &a, &req->err)) != GZF_OK) ||
	    (rc = api_city_scope(req, c, a.city_id, &scope)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = content_fire(c, &a, event, gzf_now_ms(), scope.path, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, what, "article", a.id, a.city_id, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = article_store_get(c, a.id, &a, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "article", article_json(&a, 1)));
}

/* POST /api/v1/content/:id/publish {"version"} */
static int
content_publish(struct http_req *req)
{
	return change(req, CONTENT_PUBLISH, ACT_CONTENT_PUBLISH, "content.publish");
}

/* POST /api/v1/content/:id/withdraw {"version"} */
static int
content_withdraw(struct http_req *req)
{
	return change(req, CONTENT_WITHDRAW, ACT_CONTENT_PUBLISH, "content.withdraw");
}

/* GET /api/v1/search?city=230600&q=公租房 — published articles and listed homes whose
 * text has q; public. */
static int
search(struct http_req *req)
{
	struct article_query q = { 0 };
	struct article *list;
	struct unit *units;
	struct db_conn *c;
	json_t *articles, *listings;
	int64_t city, total;
	int rc, n, i;

	if ((rc = api_query_int(req, "city", 0, 999999999999, 0, &city)) != GZF_OK ||
	    (rc = query_text(req, &q.text)) != GZF_OK)
		return rc;
	if (q.text == NULL || *q.text == '\0')
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "q", "q (the text to find) is required");
	if ((rc = api_db(req, &c)) != GZF_OK)
		return rc;
	q.public_city = city;
	q.limit = SEARCH_MAX;
	if ((rc = article_store_list(c, &q, &list, &n, &total, &req->err)) != GZF_OK)
		return rc;
	articles = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(articles, article_json(&list[i], 0));
	if ((rc = housing_store_listing_text_search(c, city, q.text, SEARCH_MAX, &units, &n, &req->err)) != GZF_OK) {
		json_decref(articles);
		return rc;
	}
	listings = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(listings, api_unit_json(&units[i], 0));
	return http_reply_json(req, 200, json_pack("{s:o, s:I, s:o}", "articles", articles,
						   "articles_total", (json_int_t)total, "listings", listings));
}
