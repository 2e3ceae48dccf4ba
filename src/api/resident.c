/*
 * resident.c — residents' accounts as staff see them: masked by default; the full ID
 * or phone number only for roles that check identities, and every look is audited.
 */
#include "api/api.h"
#include "store/user_store.h"

#include <string.h>

static int resident_get(struct http_req *req);
static int resident_reveal(struct http_req *req);
static int load_resident(struct http_req *req, struct db_conn *c, struct user *u, struct object *obj);

void
api_resident_routes(struct router *r)
{
	router_add(r, "GET", "/api/v1/residents/:id", resident_get);
	router_add(r, "POST", "/api/v1/residents/:id/reveal", resident_reveal);
}

/* A resident belongs to their city's region until an application places them. */
static int
load_resident(struct http_req *req, struct db_conn *c, struct user *u, struct object *obj)
{
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK)
		return rc;
	rc = user_store_get(c, id, u, &req->err);
	if (rc == GZF_ENOTFOUND || (rc == GZF_OK && strcmp(u->kind, "resident") != 0))
		return gzf_err_set(&req->err, GZF_ENOTFOUND, "not_found", NULL, "no such resident");
	if (rc != GZF_OK)
		return rc;
	*obj = (struct object){ .owner_id = u->id, .region_path = u->region_path };
	return GZF_OK;
}

/* GET /api/v1/residents/:id — the masked record; the look is audited. */
static int
resident_get(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	struct user u;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = load_resident(req, c, &u, &obj)) != GZF_OK ||
	    (rc = api_authorize(req, c, who, ACT_RESIDENT_READ, &obj, "resident.read", "resident", u.id)) != GZF_OK)
		return rc;
	if ((rc = api_audit_alone(req, c, who, "resident.read", "resident", u.id, u.city_id, "ok", NULL)) != GZF_OK)
		return rc;
	return http_reply_json(req, 200, json_pack("{s:o}", "resident", api_account_json(req, &u)));
}

/* POST /api/v1/residents/:id/reveal {"field":"id_number"|"phone"|"name"} */
static int
resident_reveal(struct http_req *req)
{
	static const char *const fields[] = { "id_number", "phone", "name", NULL };
	const char *field;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	struct user u;
	int rc;

	if ((rc = api_read_choice(req, "field", fields, &field)) != GZF_OK ||
	    (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = api_login_required(req, c, &who)) != GZF_OK ||
	    (rc = load_resident(req, c, &u, &obj)) != GZF_OK ||
	    (rc = api_authorize(req, c, who, ACT_RESIDENT_REVEAL, &obj, "resident.reveal", "resident", u.id)) != GZF_OK)
		return rc;
	return api_reply_revealed(req, c, who, "resident.reveal", "resident", u.id, u.city_id, field,
				  strcmp(field, "id_number") == 0 ? u.id_enc
				  : strcmp(field, "phone") == 0 ? u.phone_enc : u.real_name_enc);
}
