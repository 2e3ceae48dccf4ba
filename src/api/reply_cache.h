/*
 * reply_cache.h — replies kept in this process's memory under a key that names everything
 * they depend on (for the public listings: the city's listing generation, which the
 * database raises on every change, and the parsed search; for a staff worklist page, the
 * city's worklist generation, the caller and the query), and, for a reply that changes
 * with time alone, until when it may be served. A key that is not kept costs
 * one computation; a kept reply is served without touching the database again. Bounded:
 * REPLY_CACHE_SLOTS slots, a reply over REPLY_CACHE_MAX_BYTES is never kept, a new reply
 * takes its slot from whatever was there. Safe from any thread.
 */
#ifndef GZF_API_REPLY_CACHE_H
#define GZF_API_REPLY_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "http/http.h"

#define REPLY_CACHE_SLOTS 2048
#define REPLY_CACHE_MAX_BYTES (64 * 1024)
#define REPLY_CACHE_KEY_MAX 512

/* A kept reply: the body, its gzip form (NULL when it has none), and the time (gzf_now_ms)
 * from which it is no longer served (0: none; the key names everything else). */
struct reply_cached {
	const char *body;
	size_t len;
	const char *gz;
	size_t gz_len;
	int64_t until;
};

/* reply_cache_get — 1 with *out copies (in a) of the reply kept under key; 0 when none. */
int reply_cache_get(const char *key, struct arena *a, struct reply_cached *out);

/* reply_cache_put — keep r (copied) under key, in place of what the key's slot held. A
 * key over REPLY_CACHE_KEY_MAX bytes or a body over REPLY_CACHE_MAX_BYTES is not kept. */
void reply_cache_put(const char *key, const struct reply_cached *r);

/* reply_cache_send — reply 200 with r, JSON kept under key (NULL: not kept): its gzip form
 * to a client that takes gzip (made now, and kept, when r has none yet), else the body. The
 * handler chose the coding itself (Vary set), so the server leaves the reply alone. */
int reply_cache_send(struct http_req *req, const char *key, struct reply_cached *r);

/* reply_cache_stats — replies served from memory and computed, since the start. */
void reply_cache_stats(long long *hits, long long *misses);

#endif
