/*
 * jsonw.h — JSON text written straight into an arena, for replies too hot to build as
 * jansson values first (a value per member, a malloc each). The writer puts the commas
 * and colons; the caller says what comes in order. Strings must be valid UTF-8 (what the
 * store holds); they are written as they are, with '"', '\\' and control characters
 * escaped, as jansson writes them.
 */
#ifndef GZF_CORE_JSONW_H
#define GZF_CORE_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define JSONW_DEPTH 16

struct jsonw {
	struct arena *arena;
	char *buf;
	size_t len, cap;
	int depth;
	char kind[JSONW_DEPTH];             /* per open object or array: '{' or '[' */
	unsigned char some[JSONW_DEPTH];    /* ... 1 once it has a member */
	int after_key;
};

/* jsonw_init — an empty text in a. */
void jsonw_init(struct jsonw *w, struct arena *a);

/* jsonw_open — begin an object ('{') or array ('['); jsonw_close ends the innermost. */
void jsonw_open(struct jsonw *w, char kind);
void jsonw_close(struct jsonw *w);

/* jsonw_key — the name of the object member whose value comes next. */
void jsonw_key(struct jsonw *w, const char *name);

/* jsonw_string (NULL writes null), jsonw_int, jsonw_bool, jsonw_null — a value. */
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_bool(struct jsonw *w, int v);
void jsonw_null(struct jsonw *w);

/* jsonw_raw — a value given as JSON text, written as it is: text gzf itself wrote (a
 * column holding JSON), never outside input. */
void jsonw_raw(struct jsonw *w, const char *json);

/* jsonw_member_string, jsonw_member_int, jsonw_member_bool — a key and its value. */
void jsonw_member_string(struct jsonw *w, const char *name, const char *s);
void jsonw_member_int(struct jsonw *w, const char *name, int64_t v);
void jsonw_member_bool(struct jsonw *w, const char *name, int v);

/* jsonw_text — the text so far, NUL-terminated, in the arena; *len its length. */
const char *jsonw_text(struct jsonw *w, size_t *len);

#endif
