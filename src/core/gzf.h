/*
 * gzf.h — what every gzf source file shares: the return codes, the error object that
 * carries a human message next to a code, allocation that succeeds or aborts, UTC time
 * and random identifiers.
 */
#ifndef GZF_CORE_GZF_H
#define GZF_CORE_GZF_H

#include <stddef.h>
#include <stdint.h>

#define GZF_VERSION "0.1.0"

/* The one set of return codes. 0 is success; every failure is negative. The HTTP
 * status for each is chosen in exactly one place (http_status_for()). */
enum gzf_code {
	GZF_OK = 0,
	GZF_EINVAL = -1,     /* the caller's input is wrong */
	GZF_ENOTFOUND = -2,  /* no such object (or not visible to the caller) */
	GZF_ECONFLICT = -3,  /* duplicate or concurrent change */
	GZF_EFORBIDDEN = -4, /* authenticated but not allowed */
	GZF_ESTATE = -5,     /* the object is not in a state that allows this */
	GZF_EUNAVAIL = -6,   /* a dependency (database, partner) is unreachable */
	GZF_EINTERNAL = -7,  /* a bug or an unexpected failure */
	GZF_EUNAUTH = -8,    /* not logged in */
	GZF_ETOOLARGE = -9,  /* body or file over its limit */
	GZF_EMEDIA = -10,    /* unsupported content type */
	GZF_EMETHOD = -11,   /* the route exists, the method does not */
	GZF_ELIMIT = -12,    /* too many attempts: slowed down or locked */
	GZF_EURI = -13,      /* the request target is longer than the server takes */
	GZF_EHEADERS = -14,  /* the request headers are larger than the server takes */
};

/* An error: a code, a stable machine-readable name ("invalid_json"), a message for
 * people, and the input field at fault (empty when none). */
struct gzf_err {
	int code;
	char name[48];
	char message[256];
	char field[64];
};

/*
 * gzf_err_set — fill err (which may be NULL) and return code, so callers can write
 * `return gzf_err_set(err, GZF_EINVAL, "bad_phone", "phone", "...")`. field may be NULL.
 * name, field and fmt must not point into err (asserted; see gzf_err_prefix()).
 */
int gzf_err_set(struct gzf_err *err, int code, const char *name, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * gzf_err_prefix — put context before the message of the error already in err (NULL is
 * ignored), keeping its code: "environment variable GZF_THREADS: " + "--threads needs
 * ...". name and field, when not NULL, replace err's. gzf_err_set() must not be given
 * err's own fields: this is the way to build on them.
 */
void gzf_err_prefix(struct gzf_err *err, const char *name, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* gzf_err_clear — reset err to "no error". */
void gzf_err_clear(struct gzf_err *err);

/* gzf_code_name — the default machine name of a code ("not_found" for GZF_ENOTFOUND). */
const char *gzf_code_name(int code);

/* Allocation that succeeds or aborts the process: callers never check for NULL. */
void *gzf_malloc(size_t n);
void *gzf_calloc(size_t n, size_t size);
void *gzf_realloc(void *p, size_t n);
char *gzf_strdup(const char *s);

/* gzf_now_ms — milliseconds since the Unix epoch, UTC; plus the test clock's offset when
 * one is in use (gzf_clock_use_file). */
int64_t gzf_now_ms(void);

/*
 * gzf_clock_use_file — from now on gzf_now_ms() adds the offset in milliseconds that the
 * file at path holds (a decimal number, re-read at most every 100 ms; a missing file
 * counts as 0). For tests of flows that wait hours or days; never set in production.
 * Call before any thread starts. Returns 0, or GZF_EINVAL when path is empty or too long.
 */
int gzf_clock_use_file(const char *path, struct gzf_err *err);

/* gzf_wall_ms — milliseconds since the Unix epoch, UTC, without the test clock's offset:
 * the partners' time, which a test clock never moves. What gzf exchanges with a partner
 * (signature timestamps, checks of theirs, times it asks them to keep) is on it. */
int64_t gzf_wall_ms(void);

/* gzf_wall_of — the time ms of gzf's clock (gzf_now_ms) on the partners' clock. */
int64_t gzf_wall_of(int64_t ms);

/* gzf_clock_is_test — is the test clock in use? */
int gzf_clock_is_test(void);

/* gzf_mono_ns — a monotonic clock in nanoseconds, for durations. */
int64_t gzf_mono_ns(void);

/*
 * gzf_random_hex — write 2*nbytes random hex characters and a NUL into out, which must
 * hold 2*nbytes+1 bytes (nbytes at most 64). From libsodium's CSPRNG (gzf_crypto_init
 * must have run), drawn ahead into a pool of the calling thread's: not for a process that
 * forks after calling it.
 */
void gzf_random_hex(char *out, size_t nbytes);

/* gzf_crypto_init — initialise libsodium once; returns 0 or GZF_EINTERNAL. */
int gzf_crypto_init(void);

/* gzf_hash_text — the FNV-1a hash of the text s: for tables in memory, not for security. */
uint64_t gzf_hash_text(const char *s);

/* gzf_utf8_chars — characters (not bytes) in the UTF-8 string s: the bytes that do not
 * continue a sequence. s is assumed valid UTF-8 (jansson checks what comes in as JSON). */
size_t gzf_utf8_chars(const char *s);

/* gzf_utf8_valid — 1 when s is well-formed UTF-8 (no overlong forms or surrogates). */
int gzf_utf8_valid(const char *s);

/* gzf_utf8_scrub — replace, in place, every byte of s that is not part of a well-formed
 * UTF-8 sequence with '?', so s can go into JSON (a log line) whatever a client sent. */
void gzf_utf8_scrub(char *s);

/* gzf_parse_int — parse all of s as a decimal integer in [min,max]; 0 or GZF_EINVAL. */
int gzf_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
