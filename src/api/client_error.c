/*
 * client_error.c — the web apps report their uncaught errors here, so operators see
 * in the server log what residents and staff ran into on their own devices.
 */
#include "api/api.h"
#include "core/log.h"

#include <stdio.h>
#include <string.h>

static int client_error_post(struct http_req *req);

void
api_client_error_routes(struct router *r)
{
	router_add(r, "POST", "/api/v1/client-errors", client_error_post);
}

/* POST /api/v1/client-errors {"app":"resident"|"staff","message":"...","url":"...",
 * "source":"...","line":N} → 202. */
static int
client_error_post(struct http_req *req)
{
	const char *app, *message, *url, *source;
	json_t *body, *line;
	char line_text[24] = "";
	int rc;

	if ((rc = http_read_json(req, &body)) != GZF_OK)
		return rc;
	if ((rc = api_field_string(req, body, "app", 1, 16, &app)) != GZF_OK ||
	    (rc = api_field_string(req, body, "message", 1, 2000, &message)) != GZF_OK ||
	    (rc = api_field_string(req, body, "url", 0, 2000, &url)) != GZF_OK ||
	    (rc = api_field_string(req, body, "source", 0, 2000, &source)) != GZF_OK)
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
	log_msg(LOG_WARN, "client error", "request_id", req->id, "app", app, "message", message,
		"url", url, "source", source, "line", line_text, NULL);
	return http_reply_json(req, 202, json_pack("{s:s}", "status", "recorded"));
}
