/*
 * jsonw.c — JSON text written into an arena (jsonw.h): one buffer, doubled in the arena
 * when full.
 */
#include "core/jsonw.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

void
jsonw_init(struct jsonw *w, struct arena *a)
{
	memset(w, 0, sizeof(*w));
	w->arena = a;
	w->cap = 2048;
	w->buf = arena_alloc(a, w->cap);
}

/* Room for n more bytes and the NUL. */
static void
reserve(struct jsonw *w, size_t n)
{
	char *buf;

	if (w->len + n + 1 <= w->cap)
		return;
	while (w->len + n + 1 > w->cap)
		w->cap *= 2;
	buf = arena_alloc(w->arena, w->cap);
	memcpy(buf, w->buf, w->len);
	w->buf = buf;
}

static void
put(struct jsonw *w, const char *s, size_t n)
{
	reserve(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* Before a member or an array's value: the comma after the one before. */
static void
next(struct jsonw *w)
{
	if (w->depth > 0 && w->some[w->depth - 1])
		put(w, ",", 1);
	if (w->depth > 0)
		w->some[w->depth - 1] = 1;
}

/* Before a value: a member's comes after its key, an array's after a comma. */
static void
value(struct jsonw *w)
{
	assert(w->depth == 0 || w->after_key == (w->kind[w->depth - 1] == '{'));
	if (w->after_key)
		w->after_key = 0;
	else
		next(w);
}

void
jsonw_open(struct jsonw *w, char kind)
{
	assert((kind == '{' || kind == '[') && w->depth < JSONW_DEPTH);
	value(w);
	put(w, &kind, 1);
	w->kind[w->depth] = kind;
	w->some[w->depth++] = 0;
}

void
jsonw_close(struct jsonw *w)
{
	assert(w->depth > 0 && !w->after_key);
	w->depth--;
	put(w, w->kind[w->depth] == '{' ? "}" : "]", 1);
}

/* s quoted, escaped as jansson does: '"', '\\', and the control characters (\b \f \n
 * \r \t by name, the others as \u00XX). */
static void
quoted(struct jsonw *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;
	char esc[8];

	put(w, "\"", 1);
	for (; *p; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		put(w, (const char *)run, (size_t)(p - run));
		switch (*p) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\b': put(w, "\\b", 2); break;
		case '\f': put(w, "\\f", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04X", *p);
			put(w, esc, 6);
		}
		run = p + 1;
	}
	put(w, (const char *)run, (size_t)(p - run));
	put(w, "\"", 1);
}

void
jsonw_key(struct jsonw *w, const char *name)
{
	assert(w->depth > 0 && w->kind[w->depth - 1] == '{' && !w->after_key);
	next(w);
	quoted(w, name);
	put(w, ":", 1);
	w->after_key = 1;
}

void
jsonw_string(struct jsonw *w, const char *s)
{
	if (s == NULL) {
		jsonw_null(w);
		return;
	}
	value(w);
	quoted(w, s);
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char num[24], *p = num + sizeof(num);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	/* Digits from the right: snprintf's format parsing was most of a page's numbers. */
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	value(w);
	put(w, p, (size_t)(num + sizeof(num) - p));
}

void
jsonw_bool(struct jsonw *w, int v)
{
	value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void
jsonw_raw(struct jsonw *w, const char *json)
{
	value(w);
	put(w, json, strlen(json));
}

void
jsonw_null(struct jsonw *w)
{
	value(w);
	put(w, "null", 4);
}

void
jsonw_member_string(struct jsonw *w, const char *name, const char *s)
{
	jsonw_key(w, name);
	jsonw_string(w, s);
}

void
jsonw_member_int(struct jsonw *w, const char *name, int64_t v)
{
	jsonw_key(w, name);
	jsonw_int(w, v);
}

void
jsonw_member_bool(struct jsonw *w, const char *name, int v)
{
	jsonw_key(w, name);
	jsonw_bool(w, v);
}

const char *
jsonw_text(struct jsonw *w, size_t *len)
{
	reserve(w, 0);
	w->buf[w->len] = '\0';
	*len = w->len;
	return w->buf;
}
