/*
 * arena.c — bump allocation in chunks; large requests get a chunk of their own.
 */
#include "core/arena.h"
#include "core/gzf.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE 8192

struct chunk {
	struct chunk *next;
	size_t size;
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct cleanup {
	struct cleanup *next;
	void (*fn)(void *);
	void *data;
};

struct arena {
	struct chunk *chunks;
	struct cleanup *cleanups;
	size_t used;
};

static struct chunk *chunk_new(size_t size);

static struct chunk *
chunk_new(size_t size)
{
	struct chunk *c = gzf_malloc(sizeof(*c) + size);

	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *
arena_create(void)
{
	struct arena *a = gzf_calloc(1, sizeof(*a));

	a->chunks = chunk_new(CHUNK_SIZE);
	return a;
}

void
arena_destroy(struct arena *a)
{
	struct cleanup *cl;
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (cl = a->cleanups; cl != NULL; cl = cl->next)
		cl->fn(cl->data);
	for (c = a->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *
arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	size_t need = (n + align - 1) & ~(align - 1);
	struct chunk *c = a->chunks;
	void *p;

	if (need == 0)
		need = align;
	if (c->size - c->used < need) {
		if (need > CHUNK_SIZE / 4) {
			/* A big block gets its own chunk behind the current one, so the
			 * current chunk's free space is not wasted. */
			struct chunk *big = chunk_new(need);

			big->used = need;
			big->next = c->next;
			c->next = big;
			a->used += need;
			memset(big->data, 0, need);
			return big->data;
		}
		c = chunk_new(CHUNK_SIZE);
		c->next = a->chunks;
		a->chunks = c;
	}
	p = c->data + c->used;
	c->used += need;
	a->used += need;
	memset(p, 0, need);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_cleanup_add(struct arena *a, void (*fn)(void *), void *data)
{
	struct cleanup *cl = arena_alloc(a, sizeof(*cl));

	cl->fn = fn;
	cl->data = data;
	cl->next = a->cleanups;
	a->cleanups = cl;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}
