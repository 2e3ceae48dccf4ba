/*
 * sanitize.h — rich text as gzf keeps it: HTML reduced to an allow-list of elements and
 * attributes, so that what an editor wrote shows as written and nothing in it runs.
 *
 * Kept: p br hr h2 h3 h4 strong b em i u s ul ol li blockquote table thead tbody tr th
 * td a img figure figcaption span div; a href (http, https, mailto or relative; given
 * rel="noopener noreferrer"), img src (only gzf's own /api/v1/media/<id> URLs) with alt,
 * width and height, th/td colspan and rowspan, title anywhere. Removed with everything in
 * them: script, style, iframe, object, embed, svg, math, template, textarea, form and the
 * like. Every other element is dropped but its text kept; every other attribute (event
 * handlers, style, class, ...) is dropped. Comments and declarations go. Text is escaped;
 * entity tricks in URLs (&#106;avascript:, tabs inside the scheme) are decoded before the
 * scheme is checked. The output is always well-formed: open elements are closed.
 */
#ifndef GZF_DOMAIN_SANITIZE_H
#define GZF_DOMAIN_SANITIZE_H

#include <stdint.h>

#include "core/arena.h"

/* The most media ids sanitize_html reports. */
#define SANITIZE_MAX_MEDIA 64

struct sanitized {
	const char *html;                      /* in the arena */
	int64_t media[SANITIZE_MAX_MEDIA];     /* the images it shows, in order, no repeats */
	int nmedia;
};

/*
 * sanitize_html — the allow-listed form of the NUL-terminated html (UTF-8 assumed
 * checked by the caller), in arena a, with the ids of the media it shows. Never fails.
 */
void sanitize_html(struct arena *a, const char *html, struct sanitized *out);

/* sanitize_escape — s as HTML text or a quoted attribute value (& < > " ' escaped), in
 * arena a. For pages written by hand around values from outside. */
const char *sanitize_escape(struct arena *a, const char *s);

/*
 * sanitize_text_ok — 1 when s is plain text fit to keep: no control characters other
 * than tab, newline and carriage return (when multiline) or none at all (single line).
 */
int sanitize_text_ok(const char *s, int multiline);

#endif
