/*
 * reply_cache.h — replies kept in this process's memory under a key that names everything
 * they depend on (for the public listings: the city's listing generation, which the
 * database raises on every change, and the parsed search). A key that is not kept costs
 * one computation; a kept reply is served without touching the database again. Bounded:
 * REPLY_CACHE_SLOTS slots, a reply over REPLY_CACHE_MAX_BYTES is never kept, a new reply
 * takes its slot from whatever was there. Safe from any thread.
 */
#ifndef GZF_API_REPLY_CACHE_H
#define GZF_API_REPLY_CACHE_H

#include <stddef.h>

#include "core/arena.h"

#define REPLY_CACHE_SLOTS 2048
#define REPLY_CACHE_MAX_BYTES (64 * 1024)
#define REPLY_CACHE_KEY_MAX 512

/* A kept reply: the body, and its gzip form (NULL when it has none). */
struct reply_cached {
	const char *body;
	size_t len;
	const char *gz;
	size_t gz_len;
};

/* reply_cache_get — 1 with *out copies (in a) of the reply kept under key; 0 when none. */
int reply_cache_get(const char *key, struct arena *a, struct reply_cached *out);

/* reply_cache_put — keep r (copied) under key, in place of what the key's slot held. A
 * key over REPLY_CACHE_KEY_MAX bytes or a body over REPLY_CACHE_MAX_BYTES is not kept. */
void reply_cache_put(const char *key, const struct reply_cached *r);

/* reply_cache_stats — replies served from memory and computed, since the start. */
void reply_cache_stats(long long *hits, long long *misses);

#endif
