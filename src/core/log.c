/*
 * log.c — JSON lines on stderr, built with jansson so every value is escaped.
 */
#include "core/log.h"
#include "core/gzf.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static const char *level_names[] = { "debug", "info", "warn", "error" };

void
log_set_level(enum log_level level)
{
	min_level = level;
}

json_t *
log_text(const char *s)
{
	json_t *v = json_string(s);
	char *copy;

	if (v != NULL)
		return v;
	copy = gzf_strdup(s);
	gzf_utf8_scrub(copy);
	v = json_string(copy);
	free(copy);
	return v;
}

void
log_line(const char *json)
{
	size_t n;
	char *line;

	/* A line that could not be encoded is reported, never dereferenced. */
	if (json == NULL)
		json = "{\"level\":\"error\",\"msg\":\"a log line could not be encoded\"}";
	n = strlen(json);
	line = gzf_malloc(n + 2);

	memcpy(line, json, n);
	line[n] = '\n';
	/* One write() per line keeps lines from different threads whole. */
	if (write(STDERR_FILENO, line, n + 1) < 0) {
		/* Nowhere left to report a failed log write. */
	}
	free(line);
}

void
log_msg(enum log_level level, const char *msg, ...)
{
	va_list ap;
	json_t *o;
	const char *k, *v;
	char ts[32];
	time_t now;
	struct tm tm;
	char *s;

	if (level < min_level)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_object();
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "level", json_string(level_names[level]));
	json_object_set_new(o, "msg", json_string(msg));
	va_start(ap, msg);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		json_object_set_new(o, k, v ? log_text(v) : json_null());
	}
	va_end(ap);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	log_line(s);
	free(s);
	json_decref(o);
}
