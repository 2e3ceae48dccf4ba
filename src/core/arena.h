/*
 * arena.h — a per-request memory pool, after nginx's ngx_pool_t. Everything a request
 * needs is allocated here and released at once by arena_destroy(); resources that are
 * not plain memory (JSON values, statements) register a cleanup that runs then.
 * An arena is used by one thread at a time.
 */
#ifndef GZF_CORE_ARENA_H
#define GZF_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* arena_create — a new, empty arena. Never NULL (allocation failure aborts). */
struct arena *arena_create(void);

/* arena_destroy — run the cleanups (last registered first) and free all memory.
 * Every pointer obtained from the arena is invalid afterwards. NULL is ignored. */
void arena_destroy(struct arena *a);

/* arena_alloc — n bytes aligned for any type, zero-filled, owned by the arena. */
void *arena_alloc(struct arena *a, size_t n);

/* arena_strdup — a copy of s (NULL gives NULL). arena_strndup copies at most n bytes. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* arena_printf — a formatted string owned by the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* arena_cleanup_add — call fn(data) when the arena is destroyed. */
void arena_cleanup_add(struct arena *a, void (*fn)(void *), void *data);

/* arena_used — bytes handed out so far (for limits and tests). */
size_t arena_used(const struct arena *a);

#endif
