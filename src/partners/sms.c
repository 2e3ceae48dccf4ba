/*
 * sms.c — the client of the SMS gateway: POST /v1/messages.
 */
#include "partners/sms.h"

int
sms_send(const struct partner *p, struct arena *a, const char *phone, const char *text,
	 struct gzf_err *err)
{
	return sms_send_id(p, a, phone, text, NULL, NULL, err);
}

int
sms_send_id(const struct partner *p, struct arena *a, const char *phone, const char *text,
	    const char *template_name, const char **message_id, struct gzf_err *err)
{
	json_t *body, *reply = NULL;
	const char *id;
	int rc;

	if (phone == NULL || *phone == '\0' || text == NULL || *text == '\0')
		return gzf_err_set(err, GZF_EINVAL, "required", phone == NULL || *phone == '\0' ?
				   "phone" : "text", "the phone number and the text are both needed");
	body = json_pack("{s:s, s:s}", "phone", phone, "text", text);
	if (body == NULL)
		return gzf_err_set(err, GZF_EINVAL, "invalid", "text",
				   "the phone number or the text is not valid text");
	if (template_name != NULL)
		json_object_set_new(body, "template", json_string(template_name));
	rc = partner_call(p, a, "POST", "/v1/messages", body, &reply, err);
	json_decref(body);
	if (rc != GZF_OK)
		return rc;
	id = json_string_value(json_object_get(reply, "message_id"));
	if (id == NULL || *id == '\0')
		return gzf_err_set(err, GZF_EUNAVAIL, "partner_bad_reply", p->name,
				   "%s gave a reply gzf cannot read; please try again later", p->title);
	if (message_id != NULL)
		*message_id = arena_strdup(a, id);
	return GZF_OK;
}
