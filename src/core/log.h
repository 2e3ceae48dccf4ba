/*
 * log.h — structured logging: one JSON object per line on standard error, so an
 * operator can grep it and a collector can parse it. The access log (log_line) is
 * buffered while log_buffer_start() is in force; every other line is written at once.
 */
#ifndef GZF_CORE_LOG_H
#define GZF_CORE_LOG_H

#include <jansson.h>

#include "core/arena.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* The access-log buffer: written out when full, and LOG_FLUSH_MS after a line lands in
 * it while it was empty, so a line waits at most that long (plus the write itself). */
#define LOG_BUFFER_SIZE (64 * 1024)
#define LOG_FLUSH_MS 10

/* log_set_level — lines below level are dropped. Default LOG_INFO. */
void log_set_level(enum log_level level);

/*
 * log_msg — write {"ts":...,"level":...,"msg":...} plus the extra key/value pairs given
 * as a NULL-terminated list of (const char *key, const char *value) strings, at once:
 * the buffered lines before it go out first, so the log stays in order. Thread-safe:
 * lines from different threads never interleave.
 */
void log_msg(enum log_level level, const char *msg, ...) __attribute__((sentinel));

/* log_line — write an already formatted JSON line (the access log uses this); NULL (a
 * line jansson could not encode) writes an error line instead. While buffering, the
 * line goes out within LOG_FLUSH_MS; otherwise at once. Thread-safe. */
void log_line(const char *json);

/*
 * log_buffer_start — buffer log_line()'s lines from now on: start the flusher thread
 * (it inherits the caller's signal mask) and install a handler for SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL and SIGABRT that writes the buffer out before the action that was
 * there before runs (the process still dies, or the sanitizer still reports). Call once,
 * before the threads that log start. GZF_OK, or GZF_EINTERNAL when the thread could not
 * start (lines are then written at once, as before).
 */
int log_buffer_start(void);

/* log_buffer_stop — write out what is buffered, stop the flusher, put the crash
 * signals' actions back; log_line() writes at once again. Harmless when not started. */
void log_buffer_stop(void);

/* log_text — a new JSON string of s (which may come from a client); bytes that are not
 * well-formed UTF-8 are replaced with '?', so the result is never NULL. Values given to
 * log_msg() go through it. */
json_t *log_text(const char *s);

/* log_plain — s for a log line written by hand (jsonw): s itself when it is well-formed
 * UTF-8, else a copy in a with the bad bytes replaced as log_text() does. */
const char *log_plain(struct arena *a, const char *s);

#endif
