/*
 * session.c — who is calling, and what every handler needs around that: sessions and
 * their cookies, CSRF protection, attempt throttles, the audit trail of the request,
 * and the keyed hashes and encryption of personal fields.
 *
 * A session token is 32 random bytes. The database keeps only its keyed hash. Web apps
 * carry it in an HttpOnly SameSite cookie, and prove each unsafe request with the
 * X-CSRF-Token header, whose value is derived from the token (so it needs no storage)
 * and handed to the app at login and in the readable gzf_csrf cookie. Other API clients
 * send it as "Authorization: Bearer ..." and need no CSRF token.
 */
#include "api/api.h"
#include "core/crypto.h"
#include "core/log.h"
#include "domain/audit.h"
#include "store/region_store.h"
#include "store/user_store.h"
#include "store/session_store.h"
#include "store/throttle_store.h"

#include <stdio.h>
#include <string.h>

#define SESSION_COOKIE "gzf_session"
#define CSRF_COOKIE "gzf_csrf"
#define MINUTE_MS (60 * 1000LL)
#define HOUR_MS (60 * MINUTE_MS)
#define TOUCH_EVERY_MS MINUTE_MS

/* Residents use their phones for days at a time; staff sessions end sooner. */
struct session_limits {
	int64_t idle_ms;
	int64_t absolute_ms;
};
static const struct session_limits resident_limits = { 7 * 24 * HOUR_MS, 30 * 24 * HOUR_MS };
static const struct session_limits staff_limits = { 30 * MINUTE_MS, 12 * HOUR_MS };

static const struct session_limits *limits_for(const char *kind);
static const char *bearer_token(const struct http_req *req);
static int unsafe_method(const char *method);
static const char *csrf_for(struct http_req *req, const char *token);
static const char *cookie_secure(const struct http_req *req);

static const struct session_limits *
limits_for(const char *kind)
{
	return strcmp(kind, "staff") == 0 ? &staff_limits : &resident_limits;
}

const char *
api_hash(struct http_req *req, const unsigned char *key, const char *prefix, const char *value)
{
	char *out = arena_alloc(req->arena, CRYPTO_HASH_HEX);
	const char *text = arena_printf(req->arena, "%s:%s", prefix, value);

	crypto_keyed_hash(key, text, out);
	return out;
}

const char *
api_unseal(struct http_req *req, const char *sealed)
{
	struct service *svc = req->service;
	char *plain = NULL;

	if (sealed == NULL)
		return NULL;
	if (crypto_open(req->arena, svc->secrets->data_key, sealed, &plain) != GZF_OK) {
		/* A field that will not decrypt means a wrong key or damaged data: say so in
		 * the log, show nothing rather than garbage. */
		log_msg(LOG_ERROR, "personal field cannot be decrypted", "request_id", req->id, NULL);
		return NULL;
	}
	return plain;
}

static const char *
bearer_token(const struct http_req *req)
{
	const char *h = http_header(req, "Authorization");

	if (h == NULL || strncmp(h, "Bearer ", 7) != 0)
		return NULL;
	return h + 7;
}

static int
unsafe_method(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	       strcmp(method, "OPTIONS") != 0;
}

static const char *
csrf_for(struct http_req *req, const char *token)
{
	struct service *svc = req->service;

	return api_hash(req, svc->secrets->token_key, "csrf", token);
}

/* The language the app says it shows (header X-Gzf-Lang: "zh-CN" or "en", or a tag
 * of either language such as "en-GB"); NULL when it names none gzf writes in. */
static const char *
lang_sent(const struct http_req *req)
{
	const char *h = http_header(req, "X-Gzf-Lang");

	if (h == NULL)
		return NULL;
	if (strncmp(h, "en", 2) == 0 && (h[2] == '\0' || h[2] == '-'))
		return "en";
	if (strncmp(h, "zh", 2) == 0 && (h[2] == '\0' || h[2] == '-'))
		return "zh-CN";
	return NULL;
}

/* Keep on u's account the language its app names, when it changed. */
static int
keep_lang(struct http_req *req, struct db_conn *c, const struct user *u)
{
	const char *lang = lang_sent(req);

	if (lang == NULL || strcmp(lang, u->lang) == 0)
		return GZF_OK;
	return user_store_set_lang(c, u->id, lang, &req->err);
}

int
api_caller(struct http_req *req, struct db_conn *c, struct caller **out)
{
	struct service *svc = req->service;
	const char *token, *csrf;
	struct caller *who;
	struct session s;
	struct user u;
	int64_t now = gzf_now_ms();
	int rc, via_cookie = 0;

	who = arena_alloc(req->arena, sizeof(*who));
	who->actor.kind = ACTOR_ANONYMOUS;
	*out = who;
	token = bearer_token(req);
	if (token == NULL) {
		token = http_cookie(req, SESSION_COOKIE);
		via_cookie = token != NULL;
	}
	if (token == NULL || strlen(token) != CRYPTO_TOKEN_CHARS)
		return token == NULL ? GZF_OK
			: gzf_err_set(&req->err, GZF_EUNAUTH, "session_expired", NULL,
				      "your session has ended; please log in again");
	rc = session_store_find(c, api_hash(req, svc->secrets->token_key, "session", token), &s, &u,
				&req->err);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && (s.revoked_at != 0 || now >= s.expires_at ||
			now - s.last_seen_at >= limits_for(u.kind)->idle_ms ||
			strcmp(u.status, "active") != 0))) {
		if (via_cookie)
			api_session_clear_cookies(req);
		return gzf_err_set(&req->err, GZF_EUNAUTH, "session_expired", NULL,
				   "your session has ended; please log in again");
	}
	if (rc != GZF_OK)
		return rc;
	if (via_cookie && unsafe_method(req->method)) {
		csrf = http_header(req, "X-CSRF-Token");
		if (csrf == NULL || !crypto_equal(csrf, csrf_for(req, token)))
			return gzf_err_set(&req->err, GZF_EFORBIDDEN, "csrf_failed", NULL,
					   "the request did not carry a valid CSRF token; reload the page and try again");
	}
	/* Activity is written at most once a minute per session. */
	if (now - s.last_seen_at >= TOUCH_EVERY_MS &&
	    (rc = session_store_touch(c, s.id, now, &req->err)) != GZF_OK)
		return rc;
	if ((rc = keep_lang(req, c, &u)) != GZF_OK)
		return rc;
	authz_actor_of(&u, &who->actor);
	who->session_id = s.id;
	who->via_cookie = via_cookie;
	return GZF_OK;
}

int
api_login_required(struct http_req *req, struct db_conn *c, struct caller **out)
{
	int rc = api_caller(req, c, out);

	if (rc == GZF_OK && (*out)->actor.kind == ACTOR_ANONYMOUS)
		return gzf_err_set(&req->err, GZF_EUNAUTH, "login_required", NULL, "please log in first");
	return rc;
}

int
api_audit(struct http_req *req, struct db_conn *c, const struct caller *who, const char *action,
	  const char *object_type, int64_t object_id, int64_t object_region, const char *result,
	  const char *detail)
{
	struct service *svc = req->service;
	const struct actor *a = who ? &who->actor : NULL;
	static const char *kinds[] = { "anonymous", "resident", "staff", "system" };
	struct region where;
	struct audit_entry e = {
		.city_id = a ? a->city_id : 0,
		.actor_kind = a ? kinds[a->kind] : "anonymous",
		.actor_id = a ? a->user_id : 0,
		.actor_role = a && a->kind == ACTOR_STAFF ? authz_role_name(a->role) : NULL,
		.actor_region = a ? a->region_code : 0,
		.action = action,
		.object_type = object_type,
		.object_id = object_id ? arena_printf(req->arena, "%lld", (long long)object_id) : NULL,
		.object_region = object_region,
		.client_ip = req->client_ip,
		.request_id = req->id,
		.result = result,
		.detail = detail,
	};
	int rc;

	/* The entry joins the chain of the object's city, so a city's log holds what was
	 * done to its objects, whoever did it. */
	if (object_region != 0) {
		if ((rc = region_store_get(c, object_region, &where, &req->err)) == GZF_OK)
			e.city_id = where.city_id;
		else if (rc != GZF_ENOTFOUND)
			return rc;
	}
	return audit_record(c, svc->audit_key, &e, &req->err);
}

int
api_audit_alone(struct http_req *req, struct db_conn *c, const struct caller *who, const char *action,
		const char *object_type, int64_t object_id, int64_t object_region, const char *result,
		const char *detail)
{
	int rc;

	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = api_audit(req, c, who, action, object_type, object_id, object_region, result,
			    detail)) != GZF_OK) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c, &req->err);
}

int
api_authorize(struct http_req *req, struct db_conn *c, const struct caller *who, enum action action,
	      const struct object *obj, const char *audit_action, const char *object_type,
	      int64_t object_id)
{
	int rc = authz_check(&who->actor, action, obj);

	if (rc == GZF_OK)
		return GZF_OK;
	if (rc == GZF_EUNAUTH)
		return gzf_err_set(&req->err, rc, "login_required", NULL, "please log in first");
	/* The refusal is recorded on its own: the request's work will not commit. A failure
	 * to record it must not turn the refusal into another answer. */
	api_audit_alone(req, c, who, audit_action, object_type, object_id, 0, "denied", NULL);
	gzf_err_clear(&req->err);
	return gzf_err_set(&req->err, GZF_EFORBIDDEN, "forbidden", NULL,
			   "you do not have permission to do this");
}

int
api_session_start(struct http_req *req, struct db_conn *c, const struct user *u, const char *mode,
		  json_t *reply)
{
	struct service *svc = req->service;
	char token[CRYPTO_TOKEN_CHARS + 1];
	const struct session_limits *lim = limits_for(u->kind);
	int64_t now = gzf_now_ms();
	const char *csrf;
	int rc;

	crypto_token(token);
	if ((rc = keep_lang(req, c, u)) != GZF_OK)
		return rc;
	rc = session_store_create(c, u, api_hash(req, svc->secrets->token_key, "session", token), now,
				  now + lim->absolute_ms, req->client_ip, http_header(req, "User-Agent"),
				  &req->err);
	if (rc != GZF_OK)
		return rc;
	csrf = csrf_for(req, token);
	if (mode != NULL && strcmp(mode, "bearer") == 0) {
		json_object_set_new(reply, "token", json_string(token));
	} else {
		http_reply_header(req, "Set-Cookie", arena_printf(req->arena,
			SESSION_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s", token,
			(long long)(lim->absolute_ms / 1000), cookie_secure(req)));
		http_reply_header(req, "Set-Cookie", arena_printf(req->arena,
			CSRF_COOKIE "=%s; Path=/; Max-Age=%lld; SameSite=Strict%s", csrf,
			(long long)(lim->absolute_ms / 1000), cookie_secure(req)));
	}
	json_object_set_new(reply, "csrf_token", json_string(csrf));
	return GZF_OK;
}

/* Cookies are marked Secure when the client came over HTTPS (a trusted proxy says so)
 * or the operator forces it (--cookie-secure), so a browser never sends them in clear. */
static const char *
cookie_secure(const struct http_req *req)
{
	const struct service *svc = req->service;

	return req->https || svc->cfg->cookie_secure ? "; Secure" : "";
}

void
api_session_clear_cookies(struct http_req *req)
{
	http_reply_header(req, "Set-Cookie", arena_printf(req->arena,
		SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", cookie_secure(req)));
	http_reply_header(req, "Set-Cookie", arena_printf(req->arena,
		CSRF_COOKIE "=; Path=/; Max-Age=0; SameSite=Strict%s", cookie_secure(req)));
}

int
api_throttle_check(struct http_req *req, struct db_conn *c, const char *scope)
{
	struct throttle t;
	int64_t now = gzf_now_ms(), wait;
	int rc;

	if ((rc = throttle_store_get(c, scope, &t, &req->err)) != GZF_OK)
		return rc;
	if (t.locked_until <= now)
		return GZF_OK;
	wait = (t.locked_until - now + 999) / 1000;
	http_reply_header(req, "Retry-After", arena_printf(req->arena, "%lld", (long long)wait));
	if (wait > 90)
		return gzf_err_set(&req->err, GZF_ELIMIT, "locked", NULL,
				   "too many attempts: locked for %lld more minutes, please try again later",
				   (long long)((wait + 59) / 60));
	return gzf_err_set(&req->err, GZF_ELIMIT, "too_many_attempts", NULL,
			   "too many attempts: please wait %lld seconds and try again", (long long)wait);
}

int
api_throttle_hit(struct http_req *req, struct db_conn *c, const struct throttle_policy *p,
		 const char *scope, int64_t city_id, int *attempts)
{
	struct throttle t;
	int64_t now = gzf_now_ms();
	int rc;

	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = throttle_store_get(c, scope, &t, &req->err)) != GZF_OK)
		goto out;
	if (t.window_start == 0 || now - t.window_start >= p->window_ms) {
		t.window_start = now;
		t.attempts = 0;
	}
	t.attempts++;
	t.locked_until = throttle_next(p, t.attempts, now);
	if ((rc = throttle_store_put(c, scope, city_id, &t, &req->err)) != GZF_OK)
		goto out;
	rc = db_commit(c, &req->err);
	if (attempts != NULL)
		*attempts = t.attempts;
out:
	if (rc != GZF_OK)
		db_rollback(c);
	return rc;
}
