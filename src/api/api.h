/*
 * api.h — the JSON API: the application context handlers receive, route registration,
 * and the small helpers every resource file uses. One file per resource
 * (system.c, region.c, ...); each has an api_<resource>_routes() function.
 */
#ifndef GZF_API_API_H
#define GZF_API_API_H

#include "core/config.h"
#include "domain/authz.h"
#include "http/http.h"
#include "partners/partner.h"
#include "http/router.h"
#include "domain/throttle.h"
#include "store/db.h"
#include "store/region_store.h"
#include "store/user_store.h"
#include "store/session_store.h"
#include "store/throttle_store.h"
#include "store/media_store.h"
#include "domain/media.h"

/* What every handler can reach through req->service. */
struct service {
	struct db *db;
	const struct config *cfg;
	const struct secrets *secrets;
	struct partners partners;
	unsigned char audit_key[32];
	int64_t started_ms;
};

/* The caller of a request, once api_actor() has looked at its session. */
struct caller {
	struct actor actor;      /* ACTOR_ANONYMOUS when not logged in */
	int64_t session_id;
	int via_cookie;          /* authenticated by the session cookie (CSRF applies) */
};

/* api_routes — register every resource's routes on r. */
void api_routes(struct router *r);

/* api_site_url — gzf's address as the caller reached it (https when cookies are always
 * Secure): where the bank sends its notifications and a payer's browser comes back.
 * GZF_EINVAL "bad_host" when the Host header is missing or not a plain host[:port]. */
int api_site_url(struct http_req *req, const char **out);

/* api_finance_city — the staff caller's city (*c the request's connection), once
 * ACT_FINANCE_READ on it allows them (a refusal audited as audit). */
int api_finance_city(struct http_req *req, struct db_conn **c, const char *audit, struct region *city);

/*
 * api_db — a database connection for this request, acquired on first use and given
 * back as soon as the handler returns. Its commits do not wait for the disk: the reply
 * does, with the connection parked and the thread free for other requests, until every
 * commit the request wrote or read is durable. Returns 0, or GZF_EUNAVAIL in req->err.
 */
int api_db(struct http_req *req, struct db_conn **out);

/*
 * api_query_int — the query parameter name as an integer in [min,max]; def when
 * absent. GZF_EINVAL in req->err (field = name) when present but not such a number.
 */
int api_query_int(struct http_req *req, const char *name, int64_t min, int64_t max,
		  int64_t def, int64_t *out);

/* api_param_int — the path parameter name as a positive integer; GZF_ENOTFOUND
 * when it is not one (a malformed id names no object). */
int api_param_int(struct http_req *req, const char *name, int64_t *out);

/*
 * api_field_string — the string member name of obj, at most max_chars characters
 * (not bytes). A missing or null member gives *out = NULL, or GZF_EINVAL
 * ("required") when required. Wrong type or length: GZF_EINVAL with field = name.
 */
int api_field_string(struct http_req *req, json_t *obj, const char *name, int required,
		     size_t max_chars, const char **out);

/*
 * api_field_int — the integer member name of body, from min to max. A missing or null
 * member leaves *out as it is, or is GZF_EINVAL ("required") when required; another
 * type or a value out of range is GZF_EINVAL "invalid_value" with field = name.
 */
int api_field_int(struct http_req *req, json_t *body, const char *name, int required,
		  int64_t min, int64_t max, int64_t *out);

/*
 * api_caller — who is calling: the session from the Authorization bearer token or the
 * session cookie, checked for expiry and revocation; anonymous when there is none.
 * A cookie session on an unsafe method must carry the X-CSRF-Token header
 * (GZF_EFORBIDDEN "csrf_failed"). The language the app names in X-Gzf-Lang ("zh-CN",
 * "en") is kept on the account when it changed. An expired or revoked session is GZF_EUNAUTH
 * "session_expired". The result is cached on the request.
 */
int api_caller(struct http_req *req, struct db_conn *c, struct caller **out);

/* api_login_required — api_caller, then GZF_EUNAUTH "login_required" if anonymous. */
int api_login_required(struct http_req *req, struct db_conn *c, struct caller **out);

/*
 * api_authorize — authz_check(); on refusal, record the denied attempt in the audit
 * log and fill req->err (403 "forbidden" or 401 "login_required").
 */
int api_authorize(struct http_req *req, struct db_conn *c, const struct caller *who,
		  enum action action, const struct object *obj, const char *audit_action,
		  const char *object_type, int64_t object_id);

/*
 * api_audit — append an audit entry for this request (actor, client address, request
 * id from req) in c's current transaction. object_id 0 = none; object_region is the
 * region code the object belongs to (0 = none); detail is small JSON or NULL.
 */
int api_audit(struct http_req *req, struct db_conn *c, const struct caller *who,
	      const char *action, const char *object_type, int64_t object_id,
	      int64_t object_region, const char *result, const char *detail);

/* api_audit_alone — api_audit in a transaction of its own: for what changes nothing
 * else (a view of personal data) or whose work will not commit (a refusal). */
int api_audit_alone(struct http_req *req, struct db_conn *c, const struct caller *who,
		    const char *action, const char *object_type, int64_t object_id,
		    int64_t object_region, const char *result, const char *detail);

/* api_session_start — create a session for u, set the cookies (or, for mode
 * "bearer", put the token in reply), and add "csrf_token" to reply; the language the
 * app names (X-Gzf-Lang, see api_caller) is kept on the account. */
int api_session_start(struct http_req *req, struct db_conn *c, const struct user *u,
		      const char *mode, json_t *reply);

/* api_session_clear_cookies — tell the browser to forget the session cookies. */
void api_session_clear_cookies(struct http_req *req);

/*
 * api_throttle_check — GZF_ELIMIT with the wait in the message and a Retry-After
 * header while scope is locked. api_throttle_hit counts an attempt under policy p
 * (in its own transaction, so it sticks even when the request then fails).
 */
int api_throttle_check(struct http_req *req, struct db_conn *c, const char *scope);
int api_throttle_hit(struct http_req *req, struct db_conn *c, const struct throttle_policy *p,
		     const char *scope, int64_t city_id, int *attempts);

/* api_hash — the keyed hash (token key) of a prefix and a value, hex, in the arena:
 * how phones, ID numbers, tokens and codes are looked up without storing them. */
const char *api_hash(struct http_req *req, const unsigned char *key, const char *prefix,
		     const char *value);


/*
 * api_sms_code_send — send a new code to phone (its keyed hash phone_hash) in the words
 * before, the code, after; *code_hash is what to remember of it
 * (sms_code_store_create, for API_CODE_TTL_MS). The caller applies its limits first.
 */
#define API_CODE_TTL_MS (10 * 60 * 1000LL)
int api_sms_code_send(struct http_req *req, const char *phone, const char *phone_hash,
		      const char *before, const char *after, const char **code_hash);

/*
 * api_sms_code_verify — check code against the newest one sent to phone_hash for purpose:
 * *code_id is it (mark it used with sms_code_store_use in the transaction that acts on
 * it). Wrong codes count against the phone; a code is dead after 5 wrong tries.
 * GZF_EINVAL "code_expired" (none, or used up) or "wrong_code"; GZF_ELIMIT while the
 * phone is locked.
 */
int api_sms_code_verify(struct http_req *req, struct db_conn *c, const char *phone_hash,
			const char *purpose, const char *code, int64_t *code_id);

/* api_unseal — decrypt a stored personal field (NULL stays NULL). */
const char *api_unseal(struct http_req *req, const char *sealed);

/* api_account_json — the account as its owner sees it: personal fields masked. */
json_t *api_account_json(struct http_req *req, const struct user *u);

/*
 * api_query_region — the region named by the query parameter "region" (default: the
 * caller's own); GZF_EINVAL "invalid_region" (field "region") when there is no such region.
 */
int api_query_region(struct http_req *req, struct db_conn *c, const struct caller *who,
		     struct region *out);

/* api_param_city — the city named by the path parameter :city; GZF_ENOTFOUND when it is
 * no city. */
int api_param_city(struct http_req *req, struct db_conn *c, struct region *city);

/* A city's setting (its review chain, its waiting-list rules, ...): read by get, checked
 * by check. */
struct api_city_setting {
	const char *member;      /* the JSON member that holds it: "chain", "rules" */
	enum action act;         /* who may replace it */
	const char *audit;       /* the audit action of a replacement: "review_chain.put" */
	int (*get)(struct db_conn *c, int64_t city_id, json_t **value, struct gzf_err *err);
	int (*check)(const json_t *value, struct gzf_err *err);
};

/* api_city_setting_reply — GET of a city's setting, public: {"city_id", member}. */
int api_city_setting_reply(struct http_req *req, const struct api_city_setting *set);

/*
 * api_city_setting_read — the start of a PUT of a city's setting: the body's member (400
 * required when absent), the caller logged in and allowed set->act in the city of :city
 * (refusals audited), the value passed by set->check. *value is borrowed from the body,
 * *text its compact JSON (request-owned); the caller stores them in its own transaction,
 * writes set->audit and replies.
 */
int api_city_setting_read(struct http_req *req, const struct api_city_setting *set,
			  struct db_conn **c, struct caller **who, struct region *city,
			  json_t **value, const char **text);

/*
 * api_city_scope — the region a city's settings and content belong to: the city itself,
 * or for city 0 (national) the top of the region tree. GZF_EINVAL "bad_city" (field
 * "city_id") when city is not a city.
 */
int api_city_scope(struct http_req *req, struct db_conn *c, int64_t city, struct region *out);

/*
 * api_read_choice — the string member name of the JSON body, which must be one of the
 * NULL-terminated choices (at most three are listed in the message); GZF_EINVAL otherwise.
 */
int api_read_choice(struct http_req *req, const char *name, const char *const *choices,
		    const char **out);

/*
 * api_reply_revealed — the end of every reveal endpoint: decrypt sealed, audit the look
 * (action, object, {"field":...}) in its own transaction, answer {"field","value"}.
 */
int api_reply_revealed(struct http_req *req, struct db_conn *c, const struct caller *who,
		       const char *action, const char *object_type, int64_t object_id,
		       int64_t object_region, const char *field, const char *sealed);

/* api_reply_value — the same for a value already opened (a member of a sealed record);
 * field is a name or JSON path of letters, digits, dots and brackets. */
int api_reply_value(struct http_req *req, struct db_conn *c, const struct caller *who,
		    const char *action, const char *object_type, int64_t object_id,
		    int64_t object_region, const char *field, const char *value);

/* An uploaded file as api_media_check() found it, ready for api_media_store(). */
struct media_upload {
	const char *purpose;     /* "material", "consent", "attachment", "image", "photo" */
	const char *name;        /* the ?name= of the request, or "file" */
	struct media_type type;  /* sniffed */
	int sealed;              /* kept encrypted with the data key */
};

/*
 * api_media_check — take the request body as an uploaded file for purpose: the purpose
 * known (else GZF_EINVAL, field "purpose"), the ?name= fitting, the type sniffed and
 * allowed for the purpose, an image's declared size within the purpose's limits
 * (GZF_ETOOLARGE "image_too_large") and the image decoding whole. CPU work without the
 * database: call it before the transaction.
 */
int api_media_check(struct http_req *req, const char *purpose, struct media_upload *up);

/*
 * api_media_store — keep the file api_media_check() took: the uploader's daily allowance
 * checked, the bytes kept on disk (sealed for the purposes that are) and a media row
 * inserted in c's current transaction for city_id and region_path. *out is the row.
 */
int api_media_store(struct http_req *req, struct db_conn *c, const struct caller *who,
		    const struct media_upload *up, int64_t city_id, const char *region_path,
		    struct media *out);

/* api_media_reply — send a stored file (after the caller's own access checks), with its
 * ETag, caching (public or private) and a content type from what was sniffed; whole, or
 * the single byte range asked for (206; 416 past the end). */
int api_media_reply(struct http_req *req, const struct media *m);

/* api_media_json — a file as the API describes it: id, url, name, mime, size, ... */
json_t *api_media_json(const struct media *m);

/* An Idempotency-Key as api_idem_begin() found it (docs/api/idempotency.md). */
struct api_idem {
	const char *key;        /* NULL: none sent, on a route that does not require one */
	int64_t account_id;     /* the key's owner: the caller's account */
	int64_t city_id;
	char hash[65];          /* hex SHA-256 of method, path and body */
	int replayed;           /* the stored first reply is on req: commit nothing, return */
};

/*
 * api_idem_begin — the start of a money-moving handler, inside its transaction (after
 * db_begin, before any change): reads the Idempotency-Key header. Missing: GZF_EINVAL
 * "idempotency_key_required" when required, else idem->key = NULL and nothing more. Not
 * 1-128 printable ASCII characters: GZF_EINVAL "bad_idempotency_key". Known to
 * account_id with the same method, path and body: the first reply is put on req (same
 * status, same bytes, with "Idempotent-Replayed: true") and idem->replayed set — the
 * handler rolls back and returns 0. Known with another request: GZF_ESTATE
 * "idempotency_key_reused" (422). Otherwise 0: the handler does its work.
 */
int api_idem_begin(struct http_req *req, struct db_conn *c, int64_t account_id, int64_t city_id,
		   int required, struct api_idem *idem);

/*
 * api_idem_reply — the end of such a handler, still inside its transaction: reply status
 * with body (taken over, as http_reply_json) and, when a key was sent, keep that reply
 * for the key in the same transaction, so it is stored exactly when the change commits.
 * GZF_ECONFLICT "idempotency_key_in_use" when a concurrent request with the key was
 * stored first (the handler rolls back; the client's next retry gets that reply).
 */
int api_idem_reply(struct http_req *req, struct db_conn *c, const struct api_idem *idem,
		   int status, json_t *body);

/* Resource route tables. */
void api_system_routes(struct router *r);
void api_region_routes(struct router *r);
void api_client_error_routes(struct router *r);
void api_auth_routes(struct router *r);
void api_me_routes(struct router *r);
void api_dashboard_routes(struct router *r);
void api_staff_routes(struct router *r);
void api_resident_routes(struct router *r);
void api_audit_routes(struct router *r);
void api_housing_routes(struct router *r);
void api_listing_routes(struct router *r);
void api_housing_io_routes(struct router *r);
void api_media_routes(struct router *r);
void api_calendar_routes(struct router *r);
void api_eligibility_routes(struct router *r);
void api_application_routes(struct router *r);
void api_review_routes(struct router *r);
void api_content_routes(struct router *r);
void api_queue_routes(struct router *r);
void api_bank_routes(struct router *r);
void api_bill_routes(struct router *r);
void api_payment_routes(struct router *r);
void api_refund_routes(struct router *r);
void api_allocation_routes(struct router *r);
void api_selection_routes(struct router *r);
void api_recon_routes(struct router *r);
void api_subsidy_routes(struct router *r);
void api_lease_routes(struct router *r);

#endif
