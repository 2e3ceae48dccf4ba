/*
 * log.h — structured logging: one JSON object per line on standard error, so an
 * operator can grep it and a collector can parse it.
 */
#ifndef GZF_CORE_LOG_H
#define GZF_CORE_LOG_H

#include <jansson.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* log_set_level — lines below level are dropped. Default LOG_INFO. */
void log_set_level(enum log_level level);

/*
 * log_msg — write {"ts":...,"level":...,"msg":...} plus the extra key/value pairs given
 * as a NULL-terminated list of (const char *key, const char *value) strings.
 * Thread-safe: each line is written with one call.
 */
void log_msg(enum log_level level, const char *msg, ...) __attribute__((sentinel));

/* log_line — write an already formatted JSON line (the access log uses this); NULL (a
 * line jansson could not encode) writes an error line instead. */
void log_line(const char *json);

/* log_text — a new JSON string of s (which may come from a client); bytes that are not
 * well-formed UTF-8 are replaced with '?', so the result is never NULL. Values given to
 * log_msg() go through it. */
json_t *log_text(const char *s);

#endif
