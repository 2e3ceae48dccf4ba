/*
 * gzf.c — the shared core: errors, allocation that aborts on failure, clocks, random ids.
 */
#include "core/gzf.h"

#include <assert.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int utf8_seq(const unsigned char *p);

/* Is p inside err's own buffers? */
static int
err_aliases(const struct gzf_err *err, const char *p)
{
	return p != NULL && p >= (const char *)err && p < (const char *)(err + 1);
}

int
gzf_err_set(struct gzf_err *err, int code, const char *name, const char *field,
	    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	/* Writing err from its own fields overlaps the copies: use gzf_err_prefix(). */
	assert(!err_aliases(err, name) && !err_aliases(err, field) && !err_aliases(err, fmt));
	err->code = code;
	snprintf(err->name, sizeof(err->name), "%s", name ? name : gzf_code_name(code));
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	/* A text cut to its buffer may end inside a character: keep it encodable. */
	gzf_utf8_scrub(err->field);
	gzf_utf8_scrub(err->message);
	return code;
}

void
gzf_err_prefix(struct gzf_err *err, const char *name, const char *field, const char *fmt, ...)
{
	char message[sizeof(err->message)];
	size_t n, m;
	va_list ap;
	int len;

	if (err == NULL)
		return;
	assert(!err_aliases(err, name) && !err_aliases(err, field) && !err_aliases(err, fmt));
	memcpy(message, err->message, sizeof(message));
	va_start(ap, fmt);
	len = vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	n = len < 0 ? 0 : (size_t)len < sizeof(err->message) ? (size_t)len : sizeof(err->message) - 1;
	m = strnlen(message, sizeof(message) - 1);
	if (m > sizeof(err->message) - 1 - n)
		m = sizeof(err->message) - 1 - n;
	memcpy(err->message + n, message, m);
	err->message[n + m] = '\0';
	if (name != NULL)
		snprintf(err->name, sizeof(err->name), "%s", name);
	if (field != NULL)
		snprintf(err->field, sizeof(err->field), "%s", field);
	gzf_utf8_scrub(err->field);
	gzf_utf8_scrub(err->message);
}

void
gzf_err_clear(struct gzf_err *err)
{
	memset(err, 0, sizeof(*err));
}

const char *
gzf_code_name(int code)
{
	switch (code) {
	case GZF_OK: return "ok";
	case GZF_EINVAL: return "invalid";
	case GZF_ENOTFOUND: return "not_found";
	case GZF_ECONFLICT: return "conflict";
	case GZF_EFORBIDDEN: return "forbidden";
	case GZF_ESTATE: return "invalid_state";
	case GZF_EUNAVAIL: return "unavailable";
	case GZF_EUNAUTH: return "unauthenticated";
	case GZF_ETOOLARGE: return "too_large";
	case GZF_EMEDIA: return "unsupported_media_type";
	case GZF_EMETHOD: return "method_not_allowed";
	case GZF_ELIMIT: return "rate_limited";
	case GZF_EURI: return "uri_too_long";
	case GZF_EHEADERS: return "headers_too_large";
	default: return "internal";
	}
}

static void
oom(size_t n)
{
	fprintf(stderr, "gzf: out of memory allocating %zu bytes\n", n);
	abort();
}

void *
gzf_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
gzf_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom(n * size);
	return p;
}

void *
gzf_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

char *
gzf_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = gzf_malloc(n);

	memcpy(p, s, n);
	return p;
}

/* The test clock: a file holding an offset in milliseconds, re-read at most every 100 ms.
 * Threads may race to re-read it; each stores a whole value, so any of them is right. */
static char clock_path[512];
static _Atomic int64_t clock_offset_ms;
static _Atomic int64_t clock_read_ns; /* 0: not read yet */

int
gzf_clock_use_file(const char *path, struct gzf_err *err)
{
	assert(path != NULL);
	if (*path == '\0' || strlen(path) >= sizeof(clock_path))
		return gzf_err_set(err, GZF_EINVAL, "bad_option", "--test-clock",
				   "--test-clock needs a file name shorter than %zu characters",
				   sizeof(clock_path));
	memcpy(clock_path, path, strlen(path) + 1);
	atomic_store(&clock_read_ns, 0);
	return GZF_OK;
}

int
gzf_clock_is_test(void)
{
	return clock_path[0] != '\0';
}

/* The offset from the file: a decimal number of milliseconds; a missing or unreadable
 * file keeps the last offset read. */
static int64_t
clock_offset(void)
{
	int64_t now = gzf_mono_ns(), last = atomic_load(&clock_read_ns), value;
	char buf[32];
	size_t n;
	FILE *f;

	if (last != 0 && now - last < 100 * INT64_C(1000000))
		return atomic_load(&clock_offset_ms);
	atomic_store(&clock_read_ns, now);
	if ((f = fopen(clock_path, "r")) == NULL)
		return atomic_load(&clock_offset_ms);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (gzf_parse_int(buf, -(INT64_C(1) << 50), INT64_C(1) << 50, &value) == GZF_OK)
		atomic_store(&clock_offset_ms, value);
	return atomic_load(&clock_offset_ms);
}

int64_t
gzf_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
gzf_wall_of(int64_t ms)
{
	return clock_path[0] != '\0' ? ms - clock_offset() : ms;
}

int64_t
gzf_now_ms(void)
{
	int64_t ms = gzf_wall_ms();

	return clock_path[0] != '\0' ? ms + clock_offset() : ms;
}

int64_t
gzf_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Each thread draws from the system 256 bytes at a time: a draw is a system call, and
 * every request takes an id. Bytes are wiped as they are handed out. */
#define RANDOM_POOL 256

void
gzf_random_hex(char *out, size_t nbytes)
{
	static _Thread_local unsigned char pool[RANDOM_POOL];
	static _Thread_local size_t used = RANDOM_POOL;

	if (nbytes > 64)
		nbytes = 64;
	if (RANDOM_POOL - used < nbytes) {
		randombytes_buf(pool, sizeof(pool));
		used = 0;
	}
	sodium_bin2hex(out, nbytes * 2 + 1, pool + used, nbytes);
	sodium_memzero(pool + used, nbytes);
	used += nbytes;
}

int
gzf_crypto_init(void)
{
	return sodium_init() < 0 ? GZF_EINTERNAL : GZF_OK;
}

int
gzf_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return GZF_EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return GZF_EINVAL;
	*out = v;
	return GZF_OK;
}

uint64_t
gzf_hash_text(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

size_t
gzf_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* The length of the well-formed UTF-8 sequence at p, or 0 when p does not start one
 * (no overlong forms, surrogates or code points past U+10FFFF). */
static int
utf8_seq(const unsigned char *p)
{
	int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
		: (*p & 0xF8) == 0xF0 ? 4 : 0;
	unsigned cp;

	if (len == 0)
		return 0;
	cp = len == 1 ? *p : (unsigned)(*p & (0x7F >> len));
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

int
gzf_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int len;

	for (; *p; p += len)
		if ((len = utf8_seq(p)) == 0)
			return 0;
	return 1;
}

void
gzf_utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;
	int len;

	while (*p) {
		len = utf8_seq(p);
		if (len == 0) {
			*p = '?';
			len = 1;
		}
		p += len;
	}
}
