/*
 * text.c — the two forms a searched text takes in SQL (text.h).
 */
#include "store/db_text.h"

#include <string.h>

const char *
db_text_like(struct arena *a, const char *text)
{
	size_t n = strlen(text), i, o = 0;
	char *p = arena_alloc(a, 2 * n + 3);

	p[o++] = '%';
	for (i = 0; i < n; i++) {
		if (text[i] == '%' || text[i] == '_' || text[i] == '\\')
			p[o++] = '\\';
		p[o++] = text[i];
	}
	p[o++] = '%';
	p[o] = '\0';
	return p;
}

/* An FTS5 phrase: the text in double quotes, its own quotes doubled. */
const char *
db_text_phrase(struct arena *a, const char *text)
{
	size_t n = strlen(text), i, o = 0;
	char *p = arena_alloc(a, 2 * n + 3);

	p[o++] = '"';
	for (i = 0; i < n; i++) {
		if (text[i] == '"')
			p[o++] = '"';
		p[o++] = text[i];
	}
	p[o++] = '"';
	p[o] = '\0';
	return p;
}
