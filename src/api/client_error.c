/*
 * client_error.c — the web apps report their uncaught errors here, so operators see
 * in the server log what residents and staff ran into on their own devices. Anyone can
 * post, so what one client address can put in the log is bounded: fields are cut to a
 * fixed length, a report has a few fields and only the known ones are logged, and
 * throttle_client_error_ip limits how many reports a minute are logged one by one,
 * counted, or refused.
 */
#include "api/api.h"
#include "core/log.h"
#include "domain/throttle.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Characters of each field that reach the log; the rest is cut. */
#define MESSAGE_LOGGED_CHARS 1000
#define FIELD_LOGGED_CHARS 300
/* Past the reports logged one by one, a summary line for every this many. */
#define SUMMARY_EVERY 10
/* Members a report may have: the five known ones and a few a newer app may add. */
#define MAX_FIELDS 8

static int client_error_post(struct http_req *req);
static const char *clip(struct http_req *req, const char *s, size_t max_chars);

void
api_client_error_routes(struct router *r)
{
	router_add(r, "POST", "/api/v1/client-errors", client_error_post);
}

/* s cut to at most max_chars characters (on a character boundary), with "…" when cut;
 * NULL stays NULL. */
static const char *
clip(struct http_req *req, const char *s, size_t max_chars)
{
	size_t i, chars = 0;

	if (s == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == max_chars)
			return arena_printf(req->arena, "%.*s…", (int)i, s);
	return s;
}

/*
 * POST /api/v1/client-errors {"app":"resident"|"staff","message":"...","url":"...",
 * "source":"...","line":N} → 202 {"status":"recorded"} when the report was logged,
 * {"status":"counted"} when this address has sent more than the policy's free reports
 * this minute (a summary line stands for them); 429 while the address is locked out.
 */
static int
client_error_post(struct http_req *req)
{
	const struct throttle_policy *p = &throttle_client_error_ip;
	const char *app, *message, *url, *source, *scope;
	char line_text[24] = "", count[16];
	struct db_conn *c;
	json_t *body, *line;
	int rc, attempts = 0;

	scope = arena_printf(req->arena, "%s:%s", p->name, req->client_ip);
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_throttle_check(req, c, scope)) != GZF_OK ||
	    (rc = api_throttle_hit(req, c, p, scope, 0, &attempts)) != GZF_OK)
		return rc;
	if ((rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	if (json_object_size(body) > MAX_FIELDS)
		return gzf_err_set(&req->err, GZF_EINVAL, "too_many_fields", NULL,
				   "a report has at most %d fields", MAX_FIELDS);
	if ((rc = api_field_string(req, body, "app", 1, 16, &app)) != GZF_OK ||
	    (rc = api_field_string(req, body, "message", 1, SIZE_MAX, &message)) != GZF_OK ||
	    (rc = api_field_string(req, body, "url", 0, SIZE_MAX, &url)) != GZF_OK ||
	    (rc = api_field_string(req, body, "source", 0, SIZE_MAX, &source)) != GZF_OK)
		return rc;
	if (strcmp(app, "resident") != 0 && strcmp(app, "staff") != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "app",
				   "app must be \"resident\" or \"staff\"");
	line = json_object_get(body, "line");
	if (line != NULL && !json_is_null(line)) {
		if (!json_is_integer(line) || json_integer_value(line) < 0)
			return gzf_err_set(&req->err, GZF_EINVAL, "invalid_type", "line",
					   "line must be a whole number");
		snprintf(line_text, sizeof(line_text), "%lld", (long long)json_integer_value(line));
	}
	if (attempts > p->free_attempts) {
		if ((attempts - p->free_attempts) % SUMMARY_EVERY == 0) {
			snprintf(count, sizeof(count), "%d", attempts);
			log_msg(LOG_WARN, "client errors: more reports from one address than are logged",
				"client", req->client_ip, "reports_this_minute", count, NULL);
		}
		return http_reply_json(req, 202, json_pack("{s:s}", "status", "counted"));
	}
	log_msg(LOG_WARN, "client error", "request_id", req->id, "app", app,
		"message", clip(req, message, MESSAGE_LOGGED_CHARS),
		"url", clip(req, url, FIELD_LOGGED_CHARS), "source", clip(req, source, FIELD_LOGGED_CHARS),
		"line", line_text, NULL);
	return http_reply_json(req, 202, json_pack("{s:s}", "status", "recorded"));
}
