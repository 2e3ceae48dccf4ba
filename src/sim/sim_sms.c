/*
 * sim_sms.c — the SMS gateway simulator (docs/partners/sms.md). Accepted messages are
 * kept in memory, newest last, in a ring of SMS_SIM_KEEP; nothing is delivered. Tests
 * and demo users read them back through the loopback-only inspection endpoint.
 */
#include "sim/sim.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMS_SIM_KEEP 1000
#define SMS_SIM_MAX_TEXT 500 /* characters */

struct message {
	char id[32];
	char phone[16];
	char template_name[72];
	char key_id[72];
	char idem_key[72];      /* X-Gzf-Idempotency-Key, "" when none */
	char *text;             /* NULL: empty slot */
	int64_t received_at;
};

static struct {
	pthread_mutex_t lock;
	struct message ring[SMS_SIM_KEEP];
	size_t next;            /* slot the next message goes to */
} box = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void sms_routes(struct router *r);
static void sms_cleanup(void);
static int message_post(struct http_req *req);
static int messages_get(struct http_req *req);
static int valid_phone(const char *s);
static json_t *message_json(const struct message *m);

const struct sim_partner sim_partner_sms = { "sms", sms_routes, NULL, sms_cleanup };

static void
sms_routes(struct router *r)
{
	router_add(r, "POST", "/sms/v1/messages", message_post);
	router_add(r, "GET", "/sms/sim/messages", messages_get);
}

static void
sms_cleanup(void)
{
	size_t i;

	pthread_mutex_lock(&box.lock);
	for (i = 0; i < SMS_SIM_KEEP; i++) {
		free(box.ring[i].text);
		box.ring[i].text = NULL;
	}
	pthread_mutex_unlock(&box.lock);
}

/* An 11-digit mainland mobile number: 1, then 3-9, then nine digits. */
static int
valid_phone(const char *s)
{
	return s != NULL && strlen(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' &&
	       strspn(s, "0123456789") == 11;
}

static json_t *
message_json(const struct message *m)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "message_id", m->id, "phone", m->phone,
			      "text", m->text, "received_at", (json_int_t)m->received_at);

	json_object_set_new(o, "template", m->template_name[0] ? json_string(m->template_name) :
			    json_null());
	return o;
}

/* POST /sms/v1/messages {"phone","text","template"?} -> 202 {"message_id","accepted_at"} */
static int
message_post(struct http_req *req)
{
	const char *phone, *text, *tmpl = NULL, *key_id, *idem;
	struct message *m;
	char id[32] = "";
	int64_t at = 0;
	json_t *body, *v;
	size_t i;
	int rc;

	if ((rc = sim_accept(req, "sms")) != GZF_OK || (rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	phone = json_string_value(json_object_get(body, "phone"));
	if (phone == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "phone",
				   "phone is required (a string)");
	if (!valid_phone(phone))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_phone", "phone",
				   "phone must be an 11-digit mainland mobile number, e.g. 13800138000");
	text = json_string_value(json_object_get(body, "text"));
	if (text == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "required", "text",
				   "text is required (a string)");
	if (*text == '\0' || gzf_utf8_chars(text) > SMS_SIM_MAX_TEXT)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_text", "text",
				   "text must have 1 to %d characters", SMS_SIM_MAX_TEXT);
	v = json_object_get(body, "template");
	if (v != NULL && !json_is_null(v)) {
		tmpl = json_string_value(v);
		if (tmpl == NULL || *tmpl == '\0' || strlen(tmpl) > 64)
			return gzf_err_set(&req->err, GZF_EINVAL, "bad_template", "template",
					   "template must be a name of 1 to 64 characters");
	}
	key_id = sim_key_id(req);
	idem = http_header(req, "X-Gzf-Idempotency-Key");
	if (idem != NULL && (*idem == '\0' || strlen(idem) > 64))
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_idempotency_key",
				   "X-Gzf-Idempotency-Key",
				   "X-Gzf-Idempotency-Key must have 1 to 64 characters");

	pthread_mutex_lock(&box.lock);
	/* A repeat of an accepted message (a retry) gets the first answer again. */
	for (i = 0; idem != NULL && i < SMS_SIM_KEEP; i++) {
		m = &box.ring[i];
		if (m->text != NULL && strcmp(m->idem_key, idem) == 0 && strcmp(m->key_id, key_id) == 0) {
			snprintf(id, sizeof(id), "%s", m->id);
			at = m->received_at;
			break;
		}
	}
	if (id[0] == '\0') {
		m = &box.ring[box.next];
		box.next = (box.next + 1) % SMS_SIM_KEEP;
		free(m->text);
		memset(m, 0, sizeof(*m));
		gzf_random_hex(m->id + 4, 12);
		memcpy(m->id, "sms_", 4);
		snprintf(m->phone, sizeof(m->phone), "%s", phone);
		snprintf(m->template_name, sizeof(m->template_name), "%s", tmpl ? tmpl : "");
		snprintf(m->key_id, sizeof(m->key_id), "%s", key_id);
		snprintf(m->idem_key, sizeof(m->idem_key), "%s", idem ? idem : "");
		m->text = gzf_strdup(text);
		m->received_at = at = gzf_now_ms();
		snprintf(id, sizeof(id), "%s", m->id);
	}
	pthread_mutex_unlock(&box.lock);
	return http_reply_json(req, 202, json_pack("{s:s, s:I}", "message_id", id,
						   "accepted_at", (json_int_t)at));
}

/* GET /sms/sim/messages?phone=&limit= -> {"items":[...]} newest first (loopback only) */
static int
messages_get(struct http_req *req)
{
	const char *phone = http_query(req, "phone"), *lim = http_query(req, "limit");
	int64_t limit = 100;
	json_t *items;
	size_t k;
	int rc;

	if ((rc = sim_local_only(req)) != GZF_OK)
		return rc;
	if (lim != NULL && gzf_parse_int(lim, 1, SMS_SIM_KEEP, &limit) != GZF_OK)
		return gzf_err_set(&req->err, GZF_EINVAL, "bad_limit", "limit",
				   "limit must be a number from 1 to %d", SMS_SIM_KEEP);
	if (phone != NULL && *phone == '\0')
		phone = NULL;
	items = json_array();
	pthread_mutex_lock(&box.lock);
	for (k = 1; k <= SMS_SIM_KEEP && (int64_t)json_array_size(items) < limit; k++) {
		const struct message *m = &box.ring[(box.next + SMS_SIM_KEEP - k) % SMS_SIM_KEEP];

		if (m->text == NULL)
			break;
		if (phone == NULL || strcmp(m->phone, phone) == 0)
			json_array_append_new(items, message_json(m));
	}
	pthread_mutex_unlock(&box.lock);
	return http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
