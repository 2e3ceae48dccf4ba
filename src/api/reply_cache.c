/*
 * reply_cache.c — replies kept in memory (reply_cache.h): a table of slots chosen by the
 * key's hash, one mutex per 64 slots, each slot one malloc'd block holding the key, the
 * body and its gzip form.
 */
#include "api/reply_cache.h"
#include "core/gzf.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define STRIPES (REPLY_CACHE_SLOTS / 64)

struct slot {
	char *block;     /* key '\0' body gz, or NULL */
	size_t len, gz_len;
	int64_t until;
};

static struct slot slots[REPLY_CACHE_SLOTS];
static pthread_mutex_t locks[STRIPES] = { [0 ... STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER };
static atomic_llong hits, misses;

static size_t
slot_of(const char *key)
{
	return (size_t)(gzf_hash_text(key) % REPLY_CACHE_SLOTS);
}

int
reply_cache_get(const char *key, struct arena *a, struct reply_cached *out)
{
	size_t i = slot_of(key), klen = strlen(key) + 1;
	pthread_mutex_t *m = &locks[i % STRIPES];
	struct slot *s = &slots[i];
	int found = 0;

	pthread_mutex_lock(m);
	if (s->block != NULL && strcmp(s->block, key) == 0 &&
	    (s->until == 0 || gzf_now_ms() < s->until)) {
		char *copy = arena_alloc(a, s->len + s->gz_len + 1);

		memcpy(copy, s->block + klen, s->len + s->gz_len);
		out->body = copy;
		out->len = s->len;
		out->gz = s->gz_len > 0 ? copy + s->len : NULL;
		out->gz_len = s->gz_len;
		out->until = s->until;
		found = 1;
	}
	pthread_mutex_unlock(m);
	atomic_fetch_add(found ? &hits : &misses, 1);
	return found;
}

void
reply_cache_put(const char *key, const struct reply_cached *r)
{
	size_t klen = strlen(key) + 1, i = slot_of(key), gz_len = r->gz != NULL ? r->gz_len : 0;
	pthread_mutex_t *m = &locks[i % STRIPES];
	char *block, *old;

	if (klen > REPLY_CACHE_KEY_MAX || r->len > REPLY_CACHE_MAX_BYTES ||
	    gz_len > REPLY_CACHE_MAX_BYTES || (block = malloc(klen + r->len + gz_len)) == NULL)
		return;
	memcpy(block, key, klen);
	memcpy(block + klen, r->body, r->len);
	if (gz_len > 0)
		memcpy(block + klen + r->len, r->gz, gz_len);
	pthread_mutex_lock(m);
	old = slots[i].block;
	slots[i] = (struct slot){ block, r->len, gz_len, r->until };
	pthread_mutex_unlock(m);
	free(old);
}

int
reply_cache_send(struct http_req *req, const char *key, struct reply_cached *r)
{
	static const char json_type[] = "application/json; charset=utf-8";
	char *gz;
	size_t gz_len;

	if (r->len < HTTP_COMPRESS_MIN)
		return http_reply_bytes(req, 200, json_type, r->body, r->len);
	http_reply_header(req, "Vary", "Accept-Encoding");
	if (http_coding_choose(http_header(req, "Accept-Encoding"), HTTP_CODING_GZIP) != HTTP_CODING_GZIP)
		return http_reply_bytes(req, 200, json_type, r->body, r->len);
	if (r->gz == NULL) {
		if (http_gzip(req->arena, r->body, r->len, 6, &gz, &gz_len) != GZF_OK)
			return http_reply_bytes(req, 200, json_type, r->body, r->len);
		r->gz = gz;
		r->gz_len = gz_len;
		if (key != NULL)
			reply_cache_put(key, r);
	}
	http_reply_header(req, "Content-Encoding", "gzip");
	return http_reply_bytes(req, 200, json_type, r->gz, r->gz_len);
}

void
reply_cache_stats(long long *h, long long *m)
{
	*h = atomic_load(&hits);
	*m = atomic_load(&misses);
}
