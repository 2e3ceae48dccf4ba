/*
 * fuzz_sanitize.c — the HTML sanitiser on any valid UTF-8 (the callers check UTF-8
 * first): it never fails, and what it gives back is stable — sanitising its own output
 * again changes nothing — and names no more images than it may.
 */
#include "fuzz.h"

#include <assert.h>

#include "core/gzf.h"
#include "domain/sanitize.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	char *html = arena_strndup(a, (const char *)data, size);
	struct sanitized once, twice;

	if (strlen(html) == size && gzf_utf8_valid(html)) {
		sanitize_html(a, html, &once);
		assert(once.html != NULL && once.nmedia >= 0 && once.nmedia <= SANITIZE_MAX_MEDIA);
		assert(gzf_utf8_valid(once.html));
		sanitize_html(a, once.html, &twice);
		assert(strcmp(once.html, twice.html) == 0 && once.nmedia == twice.nmedia);
		(void)sanitize_text_ok(html, 0);
		(void)sanitize_text_ok(html, 1);
	}
	arena_destroy(a);
	return 0;
}
