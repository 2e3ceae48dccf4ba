/*
 * auth.c — residents register with a phone number, an SMS code and a password; residents
 * and staff log in and out; residents reset a forgotten password by SMS code. Guessing
 * is slowed and then locked per guessing address (on one account and on all), only
 * slowed per account (see login_post), and limited per phone.
 */
#include "api/api.h"
#include "core/crypto.h"
#include "domain/pii.h"
#include "partners/sms.h"
#include "store/region_store.h"
#include "store/user_store.h"
#include "store/session_store.h"
#include "store/sms_code_store.h"
#include "store/throttle_store.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define CODE_DIGITS 6
#define CODE_TTL_MS API_CODE_TTL_MS
#define CODE_MAX_TRIES 5

static int code_post(struct http_req *req);
static int register_post(struct http_req *req);
static int login_post(struct http_req *req);
static int logout_post(struct http_req *req);
static int reset_post(struct http_req *req);
static int session_mode(struct http_req *req, json_t *body, const char **mode);
static const char *code_scope(struct http_req *req, const char *purpose, const char *phone_hash);
static void login_scopes(struct http_req *req, const char *account, const char **account_scope,
			 const char **pair_scope);
static int login_refused(struct http_req *req, struct db_conn *c, const char *ip_scope, int rc);
static void make_dummy_hash(void);

/* A real hash of a password nobody has, checked when the account does not exist so
 * that an unknown account takes as long to refuse as a wrong password. */
static char dummy_hash[CRYPTO_PWHASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy_hash(void)
{
	char pw[CRYPTO_TOKEN_CHARS + 1];

	crypto_token(pw);
	crypto_password_hash(pw, dummy_hash);
}

void
api_auth_routes(struct router *r)
{
	router_add(r, "POST", "/api/v1/auth/sms-codes", code_post);
	router_add(r, "POST", "/api/v1/auth/register", register_post);
	router_add(r, "POST", "/api/v1/auth/login", login_post);
	router_add(r, "POST", "/api/v1/auth/logout", logout_post);
	router_add(r, "POST", "/api/v1/auth/password-reset", reset_post);
}

/* "session": "cookie" (the default, for the web apps) or "bearer" (other clients). */
static int
session_mode(struct http_req *req, json_t *body, const char **mode)
{
	int rc = api_field_string(req, body, "session", 0, 8, mode);

	if (rc == GZF_OK && *mode != NULL && strcmp(*mode, "cookie") != 0 && strcmp(*mode, "bearer") != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "session",
				   "session must be \"cookie\" or \"bearer\"");
	return rc;
}

/* The limit on codes asked for phone_hash for purpose. */
static const char *
code_scope(struct http_req *req, const char *purpose, const char *phone_hash)
{
	return arena_printf(req->arena, "%s:%s:%s", throttle_sms_phone.name, purpose, phone_hash);
}

/* The login limits on account (the keyed hash of its phone or username): the account's
 * own, and this client address's on it. */
static void
login_scopes(struct http_req *req, const char *account, const char **account_scope,
	     const char **pair_scope)
{
	*account_scope = arena_printf(req->arena, "%s:%s", throttle_login_account.name, account);
	*pair_scope = arena_printf(req->arena, "%s:%s:%s", throttle_login_pair.name, account,
				   req->client_ip);
}

/* POST /api/v1/auth/sms-codes {"phone","purpose":"register"|"reset_password"} → 202. */
static int
code_post(struct http_req *req)
{
	struct service *svc = req->service;
	const char *phone, *purpose, *phone_hash, *phone_scope, *ip_scope, *code_hash;
	struct db_conn *c;
	struct user existing;
	json_t *body;
	int64_t now = gzf_now_ms();
	int rc, known;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "phone", 1, 20, &phone)) != GZF_OK ||
	    (rc = api_field_string(req, body, "purpose", 1, 20, &purpose)) != GZF_OK)
		return rc;
	if ((rc = pii_check_phone(phone, &req->err)) != GZF_OK)
		return rc;
	if (strcmp(purpose, "register") != 0 && strcmp(purpose, "reset_password") != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "purpose",
				   "purpose must be \"register\" or \"reset_password\"");
	if ((rc = api_db(req, &c)) != GZF_OK)
		return rc;
	phone_hash = api_hash(req, svc->secrets->index_key, "phone", phone);
	phone_scope = code_scope(req, purpose, phone_hash);
	ip_scope = arena_printf(req->arena, "sms:ip:%s", req->client_ip);
	/* Telling that a number already has an account answers a guess, so that answer
	 * counts against the address and the phone like a code sent. */
	if ((rc = api_throttle_check(req, c, ip_scope)) != GZF_OK ||
	    (rc = api_throttle_check(req, c, phone_scope)) != GZF_OK ||
	    (rc = api_throttle_hit(req, c, &throttle_sms_phone, phone_scope, 0, NULL)) != GZF_OK ||
	    (rc = api_throttle_hit(req, c, &throttle_sms_ip, ip_scope, 0, NULL)) != GZF_OK)
		return rc;
	rc = user_store_by_phone(c, "resident", phone_hash, &existing, &req->err);
	if (rc != GZF_OK && rc != GZF_ENOTFOUND)
		return rc;
	known = rc == GZF_OK;
	gzf_err_clear(&req->err);
	if (known && strcmp(purpose, "register") == 0)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "phone_registered", "phone",
				   "this phone number already has an account: log in, or reset the password if you forgot it");
	/* A reset for a number without an account answers the same, so the reply does not
	 * tell who has an account; no message is sent. */
	if (known || strcmp(purpose, "register") == 0) {
		if ((rc = api_sms_code_send(req, phone, phone_hash,
					    "【公租房】您的验证码是", "，10分钟内有效。如非本人操作，请忽略本短信。",
					    &code_hash)) != GZF_OK ||
		    (rc = db_begin(c, &req->err)) != GZF_OK)
			return rc;
		if ((rc = sms_code_store_create(c, known ? existing.city_id : 0, phone_hash, purpose,
						code_hash, now, now + CODE_TTL_MS, &req->err)) != GZF_OK ||
		    (rc = api_audit(req, c, NULL, "auth.sms_code", "phone", 0, 0, "ok",
				    arena_printf(req->arena, "{\"purpose\":\"%s\"}", purpose))) != GZF_OK ||
		    (rc = db_commit(c, &req->err)) != GZF_OK)
			return rc;
	}
	return http_reply_json(req, 202, json_pack("{s:s, s:I, s:I}", "status", "sent",
		"expires_in_seconds", (json_int_t)(CODE_TTL_MS / 1000),
		"resend_after_seconds", (json_int_t)(throttle_sms_phone.base_delay_ms / 1000)));
}

int
api_sms_code_send(struct http_req *req, const char *phone, const char *phone_hash, const char *before,
		  const char *after, const char **code_hash)
{
	struct service *svc = req->service;
	char code[CODE_DIGITS + 1];
	int rc;

	crypto_random_digits(code, CODE_DIGITS);
	if ((rc = sms_send(&svc->partners.sms, req->arena, phone, arena_printf(req->arena, "%s%s%s", before, code, after),
			   &req->err)) != GZF_OK)
		return rc;
	*code_hash = api_hash(req, svc->secrets->token_key, phone_hash, code);
	return GZF_OK;
}

int
api_sms_code_verify(struct http_req *req, struct db_conn *c, const char *phone_hash, const char *purpose,
	    const char *code, int64_t *code_id)
{
	struct service *svc = req->service;
	const char *scope = arena_printf(req->arena, "code:phone:%s", phone_hash);
	struct sms_code sc;
	int rc, attempts;

	if ((rc = api_throttle_check(req, c, scope)) != GZF_OK)
		return rc;
	rc = sms_code_store_latest(c, phone_hash, purpose, gzf_now_ms(), &sc, &req->err);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && sc.attempts >= CODE_MAX_TRIES))
		return gzf_err_set(&req->err, GZF_EINVAL, "code_expired", "code",
				   "the code has expired or was used up: request a new one");
	if (rc != GZF_OK)
		return rc;
	if (!crypto_equal(api_hash(req, svc->secrets->token_key, phone_hash, code), sc.code_hash)) {
		if ((rc = sms_code_store_attempt(c, sc.id, &req->err)) != GZF_OK ||
		    (rc = api_throttle_hit(req, c, &throttle_code_phone, scope, 0, &attempts)) != GZF_OK)
			return rc;
		return gzf_err_set(&req->err, GZF_EINVAL, "wrong_code", "code",
				   "the code is wrong (%d tries left for this code)",
				   CODE_MAX_TRIES - sc.attempts - 1 > 0 ? CODE_MAX_TRIES - sc.attempts - 1 : 0);
	}
	*code_id = sc.id;
	return GZF_OK;
}

/* POST /api/v1/auth/register {"phone","code","password","city_code","session"?} → 201. */
static int
register_post(struct http_req *req)
{
	struct service *svc = req->service;
	const char *phone, *code, *password, *mode, *phone_hash;
	char pwhash[CRYPTO_PWHASH_MAX];
	struct user u = { 0 };
	struct region city;
	struct caller who = { 0 };
	struct db_conn *c;
	int64_t city_code, code_id, now = gzf_now_ms();
	json_t *body, *reply, *jc;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "phone", 1, 20, &phone)) != GZF_OK ||
	    (rc = api_field_string(req, body, "code", 1, 12, &code)) != GZF_OK ||
	    (rc = api_field_string(req, body, "password", 1, 64, &password)) != GZF_OK ||
	    (rc = session_mode(req, body, &mode)) != GZF_OK)
		return rc;
	jc = json_object_get(body, "city_code");
	if (!json_is_integer(jc))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "city_code",
				   "city_code (the city you apply in) is required");
	city_code = json_integer_value(jc);
	if ((rc = pii_check_phone(phone, &req->err)) != GZF_OK ||
	    (rc = pii_check_password(password, &req->err)) != GZF_OK)
		return rc;
	if ((rc = api_db(req, &c)) != GZF_OK)
		return rc;
	rc = region_store_get(c, city_code, &city, &req->err);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && strcmp(city.level, "city") != 0))
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_city", "city_code",
				   "city_code must be the code of a city served here");
	if (rc != GZF_OK)
		return rc;
	phone_hash = api_hash(req, svc->secrets->index_key, "phone", phone);
	if ((rc = api_sms_code_verify(req, c, phone_hash, "register", code, &code_id)) != GZF_OK)
		return rc;
	if (crypto_password_hash(password, pwhash) != GZF_OK)
		return gzf_err_set(&req->err, GZF_EINTERNAL, "internal", NULL, "could not protect the password");
	crypto_seal(req->arena, svc->secrets->data_key, phone, (char **)&u.phone_enc);
	u.kind = "resident";
	u.city_id = city.code;
	u.phone_hash = phone_hash;
	u.password_hash = pwhash;
	u.created_at = now;
	/* The number has its account: asking for it is refused from now on (and counted),
	 * not still waiting out the code just used. */
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = sms_code_store_use(c, code_id, now, &req->err)) != GZF_OK ||
	    (rc = throttle_store_clear(c, code_scope(req, "register", phone_hash), &req->err)) != GZF_OK)
		return rc;
	rc = user_store_create(c, &u, &u.id, &req->err);
	if (rc == GZF_ECONFLICT)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "phone_registered", "phone",
				   "this phone number already has an account: log in, or reset the password if you forgot it");
	if (rc != GZF_OK || (rc = user_store_get(c, u.id, &u, &req->err)) != GZF_OK)
		return rc;
	who.actor = (struct actor){ .kind = ACTOR_RESIDENT, .user_id = u.id, .city_id = u.city_id,
				    .region_code = u.city_id, .region_path = u.region_path };
	reply = json_object();
	if ((rc = api_audit(req, c, &who, "auth.register", "account", u.id, u.city_id, "ok", NULL)) != GZF_OK ||
	    (rc = api_session_start(req, c, &u, mode, reply)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK) {
		json_decref(reply);
		return rc;
	}
	json_object_set_new(reply, "account", api_account_json(req, &u));
	return http_reply_json(req, 201, reply);
}

/*
 * Guessing passwords is limited three ways, so that nobody but the guesser is locked
 * out (see throttle.h):
 *   per account and address — slowed after 3 wrong passwords, locked after 6;
 *   per address — every refused login counts (wrong passwords and attempts made while
 *     told to wait), slowed after 10 and locked after 30, whatever the accounts;
 *   per account — wrong passwords from anywhere space the next attempt by at most a
 *     few seconds and never lock, so the owner logs in from their own address after
 *     that short wait at worst.
 * A success clears the account's limit and its own address's limit on the account;
 * a resident who forgot the password resets it by SMS code, which clears them too.
 */

/* POST /api/v1/auth/login {"phone"|"username","password","session"?} → 200. */
static int
login_post(struct http_req *req)
{
	struct service *svc = req->service;
	const char *phone, *username, *password, *mode, *account, *account_scope, *pair_scope;
	const char *ip_scope;
	struct caller who = { 0 };
	struct db_conn *c;
	struct user u;
	json_t *body, *reply;
	int rc, found, attempts = 0;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "phone", 0, 20, &phone)) != GZF_OK ||
	    (rc = api_field_string(req, body, "username", 0, 64, &username)) != GZF_OK ||
	    (rc = api_field_string(req, body, "password", 1, 128, &password)) != GZF_OK ||
	    (rc = session_mode(req, body, &mode)) != GZF_OK)
		return rc;
	if ((phone == NULL) == (username == NULL))
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "phone",
				   "give either a phone number (residents) or a username (staff)");
	if ((rc = api_db(req, &c)) != GZF_OK)
		return rc;
	account = phone ? api_hash(req, svc->secrets->index_key, "phone", phone)
			: api_hash(req, svc->secrets->index_key, "username", username);
	login_scopes(req, account, &account_scope, &pair_scope);
	ip_scope = arena_printf(req->arena, "%s:%s", throttle_login_ip.name, req->client_ip);
	if ((rc = api_throttle_check(req, c, ip_scope)) != GZF_OK ||
	    (rc = api_throttle_check(req, c, pair_scope)) != GZF_OK ||
	    (rc = api_throttle_check(req, c, account_scope)) != GZF_OK)
		return login_refused(req, c, ip_scope, rc);
	rc = phone ? user_store_by_phone(c, "resident", account, &u, &req->err)
		   : user_store_by_username(c, username, &u, &req->err);
	if (rc != GZF_OK && rc != GZF_ENOTFOUND)
		return rc;
	found = rc == GZF_OK;
	gzf_err_clear(&req->err);
	pthread_once(&dummy_once, make_dummy_hash);
	if (crypto_password_verify(found ? u.password_hash : dummy_hash, password) != GZF_OK || !found) {
		if ((rc = api_throttle_hit(req, c, &throttle_login_pair, pair_scope, 0, &attempts)) != GZF_OK ||
		    (rc = api_throttle_hit(req, c, &throttle_login_ip, ip_scope, 0, NULL)) != GZF_OK ||
		    (rc = api_throttle_hit(req, c, &throttle_login_account, account_scope, 0, NULL)) != GZF_OK)
			return rc;
		if (found && db_begin(c, &req->err) == GZF_OK) {
			who.actor = (struct actor){ .kind = strcmp(u.kind, "staff") == 0 ? ACTOR_STAFF : ACTOR_RESIDENT,
						    .user_id = u.id, .city_id = u.city_id, .region_code = u.region_code };
			if (api_audit(req, c, &who, "auth.login", "account", u.id, 0, "failed", NULL) == GZF_OK)
				db_commit(c, &req->err);
		}
		if (attempts >= throttle_login_pair.lock_after)
			return api_throttle_check(req, c, pair_scope);
		return gzf_err_set(&req->err, GZF_EUNAUTH, "wrong_credentials", "password",
				   "the %s or the password is wrong (%d tries left before this device is locked out of the account for a while)",
				   phone ? "phone number" : "username",
				   throttle_login_pair.lock_after - attempts);
	}
	if (strcmp(u.status, "active") != 0)
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "account_disabled", NULL,
				   "this account has been disabled; please contact your housing office");
	who.actor = (struct actor){ .kind = strcmp(u.kind, "staff") == 0 ? ACTOR_STAFF : ACTOR_RESIDENT,
				    .user_id = u.id, .city_id = u.city_id,
				    .region_code = u.region_code ? u.region_code : u.city_id };
	reply = json_object();
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = throttle_store_clear(c, account_scope, &req->err)) != GZF_OK ||
	    (rc = throttle_store_clear(c, pair_scope, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, &who, "auth.login", "account", u.id, 0, "ok", NULL)) != GZF_OK ||
	    (rc = api_session_start(req, c, &u, mode, reply)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK) {
		json_decref(reply);
		return rc;
	}
	json_object_set_new(reply, "account", api_account_json(req, &u));
	return http_reply_json(req, 200, reply);
}

/* A login refused by a throttle (rc, with its error and Retry-After already set) still
 * counts against the address, so one that goes on trying while told to wait is soon
 * locked out. The refusal is the answer whatever the count does. */
static int
login_refused(struct http_req *req, struct db_conn *c, const char *ip_scope, int rc)
{
	struct gzf_err refusal = req->err;

	api_throttle_hit(req, c, &throttle_login_ip, ip_scope, 0, NULL);
	req->err = refusal;
	return rc;
}

/* POST /api/v1/auth/logout → 204; the session ends and its cookies are cleared. */
static int
logout_post(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = session_store_revoke(c, who->session_id, gzf_now_ms(), &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "auth.logout", "account", who->actor.user_id, 0, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	api_session_clear_cookies(req);
	req->status = 204;
	return GZF_OK;
}

/* POST /api/v1/auth/password-reset {"phone","code","password"} → 200; every session of
 * the account ends. */
static int
reset_post(struct http_req *req)
{
	struct service *svc = req->service;
	const char *phone, *code, *password, *phone_hash, *account_scope, *pair_scope;
	char pwhash[CRYPTO_PWHASH_MAX];
	struct caller who = { 0 };
	struct db_conn *c;
	struct user u;
	int64_t code_id, now = gzf_now_ms();
	json_t *body;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "phone", 1, 20, &phone)) != GZF_OK ||
	    (rc = api_field_string(req, body, "code", 1, 12, &code)) != GZF_OK ||
	    (rc = api_field_string(req, body, "password", 1, 64, &password)) != GZF_OK)
		return rc;
	if ((rc = pii_check_phone(phone, &req->err)) != GZF_OK ||
	    (rc = pii_check_password(password, &req->err)) != GZF_OK)
		return rc;
	if ((rc = api_db(req, &c)) != GZF_OK)
		return rc;
	phone_hash = api_hash(req, svc->secrets->index_key, "phone", phone);
	if ((rc = api_sms_code_verify(req, c, phone_hash, "reset_password", code, &code_id)) != GZF_OK)
		return rc;
	if ((rc = user_store_by_phone(c, "resident", phone_hash, &u, &req->err)) != GZF_OK)
		return rc == GZF_ENOTFOUND ? gzf_err_set(&req->err, GZF_EINVAL, "code_expired", "code",
				"the code has expired or was used up: request a new one") : rc;
	if (crypto_password_hash(password, pwhash) != GZF_OK)
		return gzf_err_set(&req->err, GZF_EINTERNAL, "internal", NULL, "could not protect the password");
	who.actor = (struct actor){ .kind = ACTOR_RESIDENT, .user_id = u.id, .city_id = u.city_id,
				    .region_code = u.city_id };
	login_scopes(req, phone_hash, &account_scope, &pair_scope);
	if ((rc = db_begin(c, &req->err)) != GZF_OK ||
	    (rc = sms_code_store_use(c, code_id, now, &req->err)) != GZF_OK ||
	    (rc = user_store_set_password(c, u.id, pwhash, now, &req->err)) != GZF_OK ||
	    (rc = session_store_revoke_user(c, u.id, now, &req->err)) != GZF_OK ||
	    (rc = throttle_store_clear(c, account_scope, &req->err)) != GZF_OK ||
	    (rc = throttle_store_clear(c, pair_scope, &req->err)) != GZF_OK ||
	    (rc = api_audit(req, c, &who, "auth.password_reset", "account", u.id, u.city_id, "ok", NULL)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:s}", "status", "password_changed"));
}
