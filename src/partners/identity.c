/*
 * identity.c — the client of the identity check service: POST /v1/verify.
 */
#include "partners/identity.h"

#include <string.h>

int
identity_verify(const struct partner *p, struct arena *a, const char *name,
		const char *id_number, enum identity_result *out, struct gzf_err *err)
{
	json_t *body, *reply = NULL;
	const char *result;
	int rc;

	if (name == NULL || *name == '\0' || id_number == NULL || *id_number == '\0')
		return gzf_err_set(err, GZF_EINVAL, "required", name == NULL || *name == '\0' ?
				   "name" : "id_number", "the name and the ID number are both needed");
	body = json_pack("{s:s, s:s}", "name", name, "id_number", id_number);
	if (body == NULL)
		return gzf_err_set(err, GZF_EINVAL, "invalid", "name",
				   "the name or the ID number is not valid text");
	rc = partner_call(p, a, "POST", "/v1/verify", body, &reply, err);
	json_decref(body);
	if (rc != GZF_OK)
		return rc;
	result = json_string_value(json_object_get(reply, "result"));
	if (result != NULL && strcmp(result, "match") == 0)
		*out = IDENTITY_MATCH;
	else if (result != NULL && strcmp(result, "no_match") == 0)
		*out = IDENTITY_NO_MATCH;
	else if (result != NULL && strcmp(result, "deceased") == 0)
		*out = IDENTITY_DECEASED;
	else
		return gzf_err_set(err, GZF_EUNAVAIL, "partner_bad_reply", p->name,
				   "%s gave a reply gzf cannot read; please try again later", p->title);
	return GZF_OK;
}

const char *
identity_result_name(enum identity_result r)
{
	switch (r) {
	case IDENTITY_MATCH: return "match";
	case IDENTITY_NO_MATCH: return "no_match";
	case IDENTITY_DECEASED: return "deceased";
	}
	return "unknown";
}
