/*
 * log.c — JSON lines on stderr, built with jansson so every value is escaped (the access
 * log's line, one per request, comes ready-made from jsonw). While `gzf serve` runs,
 * access-log lines go through a bounded in-memory buffer that a flusher thread writes
 * out a few milliseconds after the first line lands in it, when it fills, before any
 * other log line, at a clean stop, and from a crash signal's handler.
 */
#include "core/log.h"
#include "core/gzf.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static const char *level_names[] = { "debug", "info", "warn", "error" };

/* The signals of a crash: the handler writes the buffer, then the old action runs. */
static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define NCRASH (sizeof(crash_signals) / sizeof(crash_signals[0]))

/*
 * The buffer. len is atomic so that the crash handler, which may not take the lock,
 * reads a length that was stored whole (size_t atomics are lock-free here, so reading
 * one is async-signal-safe). Everything else is under lock, except the claim: whoever
 * writes the buffer out (a flush, under lock, or the crash handler, without it) holds
 * `writing`, and `out` says how much of the buffer is already written, so a crash
 * during a flush writes the rest once instead of all of it again.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;      /* the flusher: lines are waiting, or stop */
	char buf[LOG_BUFFER_SIZE];
	atomic_size_t len;
	atomic_size_t out;        /* bytes of buf already written by the flush under way */
	atomic_int writing;       /* the claim on writing buf out */
	atomic_long writer_tid;   /* the thread holding the claim, when a flush holds it */
	int buffering;            /* between log_buffer_start() and log_buffer_stop() */
	int stopping;
	pthread_t flusher;
	struct sigaction old[NCRASH];
} lb = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

/* How long the crash handler waits for a flush under way on another thread. */
#define CRASH_CLAIM_WAIT_MS 2000

static void write_all(const char *p, size_t n);
static void flush_locked(void);
static void append_locked(const char *s, size_t n);
static void emit(const char *json, int now);
static void *flusher_run(void *arg);
static void on_crash(int sig, siginfo_t *info, void *uctx);

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

const char *
log_plain(struct arena *a, const char *s)
{
	char *copy;

	if (gzf_utf8_valid(s))
		return s;
	copy = arena_strdup(a, s);
	gzf_utf8_scrub(copy);
	return copy;
}

/* write() until all of it is out or stderr fails; async-signal-safe. */
static void
write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(STDERR_FILENO, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return; /* nowhere left to report a failed log write */
		p += k;
		n -= (size_t)k;
	}
}

/* Write the buffer out; lines stay whole and in order because every write of the log
 * happens under the lock. Each write holds the claim, so a crash handler that comes
 * meanwhile writes only what is left; once it has the claim the process is dying and
 * nothing more is written here. */
static void
flush_locked(void)
{
	size_t n = atomic_load(&lb.len);

	while (atomic_load(&lb.out) < n) {
		size_t o = atomic_load(&lb.out);
		ssize_t k;

		if (atomic_exchange(&lb.writing, 1) != 0)
			return;
		atomic_store(&lb.writer_tid, (long)gettid());
		k = write(STDERR_FILENO, lb.buf + o, n - o);
		if (k > 0)
			atomic_store(&lb.out, o + (size_t)k);
		atomic_store(&lb.writer_tid, 0);
		atomic_store(&lb.writing, 0);
		if (k <= 0 && errno != EINTR)
			break; /* nowhere left to report a failed log write */
	}
	if (atomic_exchange(&lb.writing, 1) != 0)
		return;
	atomic_store(&lb.len, 0);
	atomic_store(&lb.out, 0);
	atomic_store(&lb.writing, 0);
}

/* Copy s into the buffer, writing it out each time it is full, so a line longer than
 * the buffer still goes out whole (in several writes, none of another line between). */
static void
append_locked(const char *s, size_t n)
{
	while (n > 0) {
		size_t len = atomic_load(&lb.len);
		size_t k = n < LOG_BUFFER_SIZE - len ? n : LOG_BUFFER_SIZE - len;

		memcpy(lb.buf + len, s, k);
		atomic_store(&lb.len, len + k);
		s += k;
		n -= k;
		if (len + k == LOG_BUFFER_SIZE)
			flush_locked();
	}
}

/* One line: into the buffer, written out at once when now (or when nothing buffers),
 * otherwise left for the flusher, woken when the buffer was empty. */
static void
emit(const char *json, int now)
{
	int was_empty;

	/* A line that could not be encoded is reported, never dereferenced. */
	if (json == NULL)
		json = "{\"level\":\"error\",\"msg\":\"a log line could not be encoded\"}";
	pthread_mutex_lock(&lb.lock);
	was_empty = atomic_load(&lb.len) == 0;
	append_locked(json, strlen(json));
	append_locked("\n", 1);
	if (now || !lb.buffering)
		flush_locked();
	else if (was_empty)
		pthread_cond_signal(&lb.wake);
	pthread_mutex_unlock(&lb.lock);
}

void
log_line(const char *json)
{
	emit(json, 0);
}

/* Wait for a first line, give the others LOG_FLUSH_MS to join it, write them all. */
static void *
flusher_run(void *arg)
{
	const struct timespec delay = { LOG_FLUSH_MS / 1000, LOG_FLUSH_MS % 1000 * 1000000L };

	(void)arg;
	pthread_mutex_lock(&lb.lock);
	while (!lb.stopping) {
		if (atomic_load(&lb.len) == 0) {
			pthread_cond_wait(&lb.wake, &lb.lock);
			continue;
		}
		pthread_mutex_unlock(&lb.lock);
		nanosleep(&delay, NULL);
		pthread_mutex_lock(&lb.lock);
		flush_locked();
	}
	pthread_mutex_unlock(&lb.lock);
	return NULL;
}

/*
 * A crash: write what the buffer holds and no flush has written yet (no lock: the
 * crashing thread may hold it, so the line being added at that instant may come out
 * cut), then put back the action that was there before. A flush under way on another
 * thread is waited for, at most CRASH_CLAIM_WAIT_MS; one this thread interrupted is not.
 * A fault (SIGSEGV from a bad access, ...) happens again when the handler returns and
 * meets that action; a signal sent by a process (kill, raise, abort) is raised again,
 * to be delivered to it on return.
 */
static void
on_crash(int sig, siginfo_t *info, void *uctx)
{
	const struct timespec ms = { 0, 1000000L };
	long self = (long)gettid();
	size_t n, o;

	(void)uctx;
	for (int i = 0; atomic_exchange(&lb.writing, 1) != 0 && i < CRASH_CLAIM_WAIT_MS; i++) {
		if (atomic_load(&lb.writer_tid) == self)
			break;
		nanosleep(&ms, NULL);
	}
	n = atomic_load(&lb.len);
	o = atomic_load(&lb.out);
	if (o < n)
		write_all(lb.buf + o, n - o);
	atomic_store(&lb.out, n);
	for (size_t i = 0; i < NCRASH; i++)
		if (crash_signals[i] == sig)
			sigaction(sig, &lb.old[i], NULL);
	if (info == NULL || info->si_code <= 0)
		raise(sig);
}

int
log_buffer_start(void)
{
	struct sigaction sa;

	assert(!lb.buffering);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_crash;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	pthread_mutex_lock(&lb.lock);
	lb.stopping = 0;
	if (pthread_create(&lb.flusher, NULL, flusher_run, NULL) != 0) {
		pthread_mutex_unlock(&lb.lock);
		return GZF_EINTERNAL;
	}
	lb.buffering = 1;
	for (size_t i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &sa, &lb.old[i]);
	pthread_mutex_unlock(&lb.lock);
	return GZF_OK;
}

void
log_buffer_stop(void)
{
	pthread_mutex_lock(&lb.lock);
	if (!lb.buffering) {
		pthread_mutex_unlock(&lb.lock);
		return;
	}
	lb.stopping = 1;
	pthread_cond_signal(&lb.wake);
	pthread_mutex_unlock(&lb.lock);
	pthread_join(lb.flusher, NULL);
	pthread_mutex_lock(&lb.lock);
	for (size_t i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &lb.old[i], NULL);
	lb.buffering = 0;
	flush_locked();
	pthread_mutex_unlock(&lb.lock);
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
	emit(s, 1);
	free(s);
	json_decref(o);
}
