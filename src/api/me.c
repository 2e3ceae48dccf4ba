/*
 * me.c — the caller's own account: what it shows (masked), and real-name
 * authentication, which ties a resident account to one person's ID number after the
 * identity data service confirms the name.
 */
#include "api/api.h"
#include "core/crypto.h"
#include "domain/idcard.h"
#include "domain/pii.h"
#include "domain/workflow.h"
#include "partners/identity.h"
#include "store/user_store.h"
#include "store/throttle_store.h"

#include <string.h>

static int me_get(struct http_req *req);
static int real_name_post(struct http_req *req);
static int staff_abilities(struct http_req *req, struct db_conn *c, const struct caller *who,
			   json_t *o);

void
api_me_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/me", me_get);
	router_add(r, "POST", "/api/v1/me/real-name", real_name_post);
}

json_t *
api_account_json(struct http_req *req, const struct user *u)
{
	json_t *o = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)u->id, "kind", u->kind,
			      "city_id", (json_int_t)u->city_id);
	const char *phone = api_unseal(req, u->phone_enc);

	json_object_set_new(o, "phone", phone ? json_string(pii_mask_phone(req->arena, phone)) : json_null());
	if (strcmp(u->kind, "staff") == 0) {
		json_object_set_new(o, "username", json_string(u->username));
		const char *name = api_unseal(req, u->display_name_enc);

		json_object_set_new(o, "display_name", json_string(name ? name : ""));
		json_object_set_new(o, "role", json_string(u->role));
		json_object_set_new(o, "region_code", json_integer(u->region_code));
		json_object_set_new(o, "region_level", json_string(u->region_level));
	} else {
		const char *name = api_unseal(req, u->real_name_enc);
		const char *id = api_unseal(req, u->id_enc);

		json_object_set_new(o, "real_name_verified", json_boolean(u->real_name_at != 0));
		json_object_set_new(o, "name", name ? json_string(pii_mask_name(req->arena, name)) : json_null());
		json_object_set_new(o, "id_number", id ? json_string(pii_mask_id(req->arena, id)) : json_null());
	}
	json_object_set_new(o, "status", json_string(u->status));
	return o;
}

/* GET /api/v1/me — the caller's account. */
static int
me_get(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct object own;
	struct user u;
	json_t *o;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	own = (struct object){ .owner_id = who->actor.user_id, .region_path = who->actor.region_path };
	if ((rc = api_authorize(req, c, who, ACT_ACCOUNT_READ, &own, "account.read", "account",
				who->actor.user_id)) != GZF_OK ||
	    (rc = user_store_get(c, who->actor.user_id, &u, &req->err)) != GZF_OK)
		return rc;
	o = api_account_json(req, &u);
	if (who->actor.kind == ACTOR_STAFF && (rc = staff_abilities(req, c, who, o)) != GZF_OK) {
		json_decref(o);
		return rc;
	}
	return http_reply_json(req, 200, json_pack("{s:o}", "account", o));
}

/* What a member may use, for the console to offer nothing else: "capabilities", the
 * actions authz_check allows them in their own region (authz_action_name), and
 * "decides", the kinds of the city's review steps their role decides. */
static int
staff_abilities(struct http_req *req, struct db_conn *c, const struct caller *who, json_t *o)
{
	struct object own = { .region_path = who->actor.region_path };
	json_t *caps = json_array(), *kinds = json_array(), *chain;
	const json_t *s;
	size_t i;
	int act, rc;

	json_object_set_new(o, "capabilities", caps);
	json_object_set_new(o, "decides", kinds);
	for (act = 0; act < ACT_COUNT; act++)
		if (authz_check(&who->actor, (enum action)act, &own) == GZF_OK)
			json_array_append_new(caps, json_string(authz_action_name((enum action)act)));
	if (who->actor.city_id == 0 || authz_check(&who->actor, ACT_APP_DECIDE, &own) != GZF_OK)
		return GZF_OK;
	if ((rc = workflow_chain_get(c, who->actor.city_id, &chain, &req->err)) != GZF_OK)
		return rc;
	http_json_owned(req, chain);
	json_array_foreach(json_object_get(chain, "steps"), i, s) {
		const char *kind = workflow_step_str(s, "kind");
		size_t k;
		const json_t *have;
		int seen = 0;

		if (strcmp(workflow_step_decider(s), authz_role_name(who->actor.role)) != 0)
			continue;
		json_array_foreach(kinds, k, have)
			seen |= strcmp(json_string_value(have), kind) == 0;
		if (!seen)
			json_array_append_new(kinds, json_string(kind));
	}
	return GZF_OK;
}

/* POST /api/v1/me/real-name {"name","id_number"} — residents only. */
static int
real_name_post(struct http_req *req)
{
	struct service *svc = req->service;
	const char *name, *id_raw, *id_hash, *scope;
	char id[19], *name_enc, *id_enc;
	enum identity_result result;
	struct caller *who;
	struct db_conn *c;
	struct object own;
	struct user u;
	json_t *body;
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK ||
	    (rc = api_field_string(req, body, "name", 1, 40, &name)) != GZF_OK ||
	    (rc = api_field_string(req, body, "id_number", 1, 18, &id_raw)) != GZF_OK)
		return rc;
	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	own = (struct object){ .owner_id = who->actor.user_id, .region_path = who->actor.region_path };
	if ((rc = api_authorize(req, c, who, ACT_ACCOUNT_UPDATE, &own, "account.real_name", "account",
				who->actor.user_id)) != GZF_OK)
		return rc;
	if (who->actor.kind != ACTOR_RESIDENT)
		return gzf_err_set(&req->err, GZF_EFORBIDDEN, "forbidden", NULL,
				   "real-name authentication is for resident accounts");
	if ((rc = pii_check_name(name, "name", &req->err)) != GZF_OK ||
	    (rc = idcard_check(id_raw, &req->err)) != GZF_OK)
		return rc;
	idcard_normalise(id_raw, id);
	if ((rc = user_store_get(c, who->actor.user_id, &u, &req->err)) != GZF_OK)
		return rc;
	if (u.real_name_at != 0)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "already_verified", NULL,
				   "this account has already passed real-name authentication");
	scope = arena_printf(req->arena, "realname:account:%lld", (long long)u.id);
	if ((rc = api_throttle_check(req, c, scope)) != GZF_OK)
		return rc;
	id_hash = api_hash(req, svc->secrets->index_key, "id", id);
	if ((rc = identity_verify(&svc->partners.identity, req->arena, name, id, &result, &req->err)) != GZF_OK)
		return rc;
	if (result != IDENTITY_MATCH) {
		if ((rc = api_throttle_hit(req, c, &throttle_code_phone, scope, u.city_id, NULL)) != GZF_OK)
			return rc;
		if ((rc = api_audit_alone(req, c, who, "account.real_name", "account", u.id, u.city_id, "failed",
					  result == IDENTITY_DECEASED ? "{\"reason\":\"not_valid\"}"
								      : "{\"reason\":\"no_match\"}")) != GZF_OK)
			return rc;
		if (result == IDENTITY_DECEASED)
			return gzf_err_set(&req->err, GZF_ESTATE, "identity_invalid", "id_number",
					   "the identity service reports this ID number as no longer valid; please bring your ID card to a housing office");
		return gzf_err_set(&req->err, GZF_ESTATE, "identity_mismatch", "name",
				   "the name and the ID number do not match the identity records; check both against your ID card");
	}
	crypto_seal(req->arena, svc->secrets->data_key, name, &name_enc);
	crypto_seal(req->arena, svc->secrets->data_key, id, &id_enc);
	if ((rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	rc = user_store_set_real_name(c, u.id, name_enc, id_hash, id_enc, gzf_now_ms(), &req->err);
	if (rc == GZF_ECONFLICT)
		return gzf_err_set(&req->err, GZF_ECONFLICT, "id_number_registered", "id_number",
				   "this ID number is already linked to another account. If that account is yours, "
				   "log in with its phone number (or reset its password); if it is not, please bring "
				   "your ID card to a housing office");
	if (rc != GZF_OK ||
	    (rc = api_audit(req, c, who, "account.real_name", "account", u.id, u.city_id, "ok", NULL)) != GZF_OK ||
	    (rc = throttle_store_clear(c, scope, &req->err)) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK ||
	    (rc = user_store_get(c, u.id, &u, &req->err)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "account", api_account_json(req, &u)));
}
