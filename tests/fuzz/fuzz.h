/*
 * fuzz.h — what the libFuzzer targets share: the entry point's declaration and a way to
 * cut one input into NUL-terminated fields.
 */
#ifndef GZF_FUZZ_H
#define GZF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * fuzz_fields — cut the size bytes at data at each byte sep into at most max
 * NUL-terminated strings in arena a (missing fields are ""); the count found.
 */
static inline int
fuzz_fields(struct arena *a, const uint8_t *data, size_t size, char sep, char **out, int max)
{
	int n = 0;

	for (int i = 0; i < max; i++)
		out[i] = "";
	while (n < max) {
		const uint8_t *end = memchr(data, sep, size);
		size_t len = end ? (size_t)(end - data) : size;

		out[n++] = arena_strndup(a, (const char *)data, len);
		if (end == NULL)
			break;
		data += len + 1;
		size -= len + 1;
	}
	return n;
}

#endif
