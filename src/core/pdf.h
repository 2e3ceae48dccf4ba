/*
 * pdf.h — PDF documents gzf issues (a signed lease, a payment receipt): A4 pages of
 * flowing text, Chinese and Latin, in the font STSong-Light that every PDF reader has
 * (Adobe-GB1, not embedded, so a document is a few kilobytes). The output depends only on
 * what was written — no clock, no random identifiers — so the SHA-256 of a document
 * recorded once can be checked again by rendering it anew.
 *
 * Use: pdf_create(), then any number of pdf_text()/pdf_gap()/pdf_rule() (text wraps at the
 * right margin and new pages start by themselves), then pdf_finish() for the bytes.
 */
#ifndef GZF_CORE_PDF_H
#define GZF_CORE_PDF_H

#include <stddef.h>

#include "core/arena.h"
#include "core/gzf.h"

#define PDF_MAX_BYTES (4u << 20) /* a document is refused past this size */
#define PDF_MAX_PAGES 200

struct pdf;

/* pdf_create — an empty document titled title (UTF-8, in the document's properties)
 * whose memory a owns (released with the arena). Never NULL. */
struct pdf *pdf_create(struct arena *a, const char *title);

/*
 * pdf_text — write the UTF-8 text s at size_pt (6..36) from the left margin plus
 * indent_mm (0..100), wrapped at the right margin; "\n" starts a new line. Characters
 * outside the Basic Multilingual Plane and control characters print as "?". Invalid
 * UTF-8 is the caller's error (assert). GZF_ETOOLARGE "document_too_large" past
 * PDF_MAX_PAGES or PDF_MAX_BYTES; the document then takes nothing more.
 */
int pdf_text(struct pdf *p, double size_pt, double indent_mm, const char *s, struct gzf_err *err);

/* pdf_gap — leave mm (0..100) of vertical space (a new page when it does not fit). */
void pdf_gap(struct pdf *p, double mm);

/* pdf_rule — a thin horizontal line across the text width. */
void pdf_rule(struct pdf *p);

/*
 * pdf_finish — the whole document: *bytes (in the arena) and *len. GZF_ETOOLARGE
 * "document_too_large" when a pdf_text() failed before or the result would pass
 * PDF_MAX_BYTES.
 */
int pdf_finish(struct pdf *p, const unsigned char **bytes, size_t *len, struct gzf_err *err);

#endif
