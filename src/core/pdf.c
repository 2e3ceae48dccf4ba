/*
 * pdf.c — a small PDF 1.4 writer (pdf.h): flowing text on A4 pages in the Adobe-GB1 font
 * STSong-Light under the UniGB-UCS2-H encoding (text is written as UCS-2 big-endian), so
 * no font is embedded and every reader shows Chinese. Objects: 1 catalog, 2 page tree,
 * 3 Type0 font, 4 CIDFont, 5 font descriptor, 6 info, then a content stream and a page
 * object per page. Layout uses the font's own widths: Latin from the proportional table
 * below, everything else one em.
 */
#include "core/pdf.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MM 2.834646
#define MARGIN (20 * MM)
#define LINE_FACTOR 1.55
#define FIRST_OBJ_PAGE 7 /* objects 1..6 are fixed; page i has content 7+2i, page 8+2i */

/* Widths (thousandths of an em) of STSong-Light's proportional Latin, CIDs 1..95 =
 * U+0020..U+007E. */
static const short latin_w[95] = {
	207, 270, 342, 467, 462, 797, 710, 239, 374, 374, 423, 605, 238, 375, 238, 334,
	462, 462, 462, 462, 462, 462, 462, 462, 462, 462, 238, 238, 605, 605, 605, 344,
	748, 684, 560, 695, 739, 563, 511, 729, 793, 318, 312, 666, 526, 896, 758, 772,
	544, 772, 628, 465, 607, 753, 711, 972, 647, 620, 607, 374, 333, 374, 606, 500,
	239, 417, 503, 427, 529, 415, 264, 444, 518, 241, 230, 495, 228, 793, 527, 524,
	524, 504, 338, 336, 277, 517, 450, 652, 466, 452, 407, 370, 258, 370, 605,
};

struct pbuf {
	char *p;
	size_t len, cap;
	int failed;
};

struct pdf {
	struct arena *a;
	char *title;
	struct pbuf *pages; /* content streams */
	int npages;
	double y;           /* baseline of the next line, from the bottom */
	size_t bytes;       /* Σ content bytes, against PDF_MAX_BYTES */
	int failed;
};

static void
pbuf_put(struct pbuf *b, const char *s, size_t n)
{
	char *p;
	size_t cap;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	assert(n >= 0 && (size_t)n < sizeof(tmp));
	pbuf_put(b, tmp, (size_t)n);
}

static void
pdf_free(void *data)
{
	struct pdf *p = data;
	int i;

	for (i = 0; i < p->npages; i++)
		free(p->pages[i].p);
	free(p->pages);
	free(p);
}

struct pdf *
pdf_create(struct arena *a, const char *title)
{
	struct pdf *p = calloc(1, sizeof(*p));

	if (p == NULL)
		abort();
	p->a = a;
	p->title = arena_strdup(a, title != NULL ? title : "");
	arena_cleanup_add(a, pdf_free, p);
	return p;
}

/* A new page; 0, or -1 (failed) past PDF_MAX_PAGES or out of memory. */
static int
pdf_new_page(struct pdf *p)
{
	struct pbuf *pages;

	if (p->npages >= PDF_MAX_PAGES) {
		p->failed = 1;
		return -1;
	}
	if ((pages = realloc(p->pages, sizeof(*pages) * (size_t)(p->npages + 1))) == NULL) {
		p->failed = 1;
		return -1;
	}
	p->pages = pages;
	memset(&p->pages[p->npages], 0, sizeof(p->pages[0]));
	p->npages++;
	p->y = PAGE_H - MARGIN;
	return 0;
}

/* Room for a line of height h on the current page, starting a page when needed. */
static int
pdf_room(struct pdf *p, double h)
{
	if (p->npages == 0 || p->y - h < MARGIN)
		return pdf_new_page(p);
	return 0;
}

/* The next code point of s at *i (well-formed UTF-8, assert), advancing *i. */
static uint32_t
utf8_next(const unsigned char *s, size_t *i)
{
	uint32_t c = s[*i];
	int n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;

	c &= n == 0 ? 0x7F : n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07;
	(*i)++;
	while (n-- > 0) {
		assert((s[*i] & 0xC0) == 0x80);
		c = (c << 6) | (s[(*i)++] & 0x3F);
	}
	return c;
}

/* What a code point prints as (outside the BMP, and controls: "?"), and its width in
 * thousandths of an em. */
static uint32_t
glyph_of(uint32_t c, int *w)
{
	if (c < 0x20 || (c >= 0x7F && c < 0xA0) || c > 0xFFFF || (c >= 0xD800 && c < 0xE000))
		c = '?';
	*w = c >= 0x20 && c < 0x7F ? latin_w[c - 0x20] : 1000;
	return c;
}

/* Write one line of glyphs at the current position. */
static void
pdf_emit_line(struct pdf *p, double size, double x, const uint32_t *g, size_t n)
{
	struct pbuf *b = &p->pages[p->npages - 1];
	size_t i;

	pbuf_printf(b, "BT /F1 %.2f Tf %.2f %.2f Td <", size, x, p->y);
	for (i = 0; i < n; i++)
		pbuf_printf(b, "%04X", (unsigned)g[i]);
	pbuf_put(b, "> Tj ET\n", 8);
}

int
pdf_text(struct pdf *p, double size_pt, double indent_mm, const char *s, struct gzf_err *err)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n = 0, space = 0;
	double width = PAGE_W - 2 * MARGIN - indent_mm * MM, used = 0, line_h;
	uint32_t *g;
	int w, i_page;

	assert(size_pt >= 6 && size_pt <= 36 && indent_mm >= 0 && indent_mm <= 100);
	assert(gzf_utf8_valid(s));
	if (p->failed)
		return gzf_err_set(err, GZF_ETOOLARGE, "document_too_large", NULL, "document too large");
	line_h = size_pt * LINE_FACTOR;
	if ((g = malloc(sizeof(*g) * (len + 1))) == NULL)
		abort();
	for (;;) {
		uint32_t c = i < len ? utf8_next(u, &i) : '\n';
		int newline = c == '\n';
		double cw;

		if (!newline) {
			c = glyph_of(c, &w);
			cw = w * size_pt / 1000.0;
			if (used + cw > width && n > 0) {
				/* Break at the last space when there is one, else before c. */
				size_t keep = space > 0 ? space : n;

				if (pdf_room(p, line_h) != 0)
					break;
				p->y -= size_pt;
				pdf_emit_line(p, size_pt, MARGIN + indent_mm * MM, g, keep);
				p->y -= line_h - size_pt;
				keep += space > 0; /* the space itself is not carried over */
				memmove(g, g + keep, sizeof(*g) * (n - keep));
				n -= keep;
				space = 0;
				used = 0;
				for (size_t k = 0; k < n; k++) {
					glyph_of(g[k], &w);
					used += w * size_pt / 1000.0;
				}
			}
			if (c == ' ')
				space = n;
			g[n++] = c;
			used += cw;
			continue;
		}
		if (pdf_room(p, line_h) != 0)
			break;
		p->y -= size_pt;
		pdf_emit_line(p, size_pt, MARGIN + indent_mm * MM, g, n);
		p->y -= line_h - size_pt;
		n = 0;
		space = 0;
		used = 0;
		if (i >= len)
			break;
	}
	free(g);
	p->bytes = 0;
	for (i_page = 0; i_page < p->npages; i_page++) {
		if (p->pages[i_page].failed)
			p->failed = 1;
		p->bytes += p->pages[i_page].len;
	}
	if (p->bytes > PDF_MAX_BYTES)
		p->failed = 1;
	if (p->failed)
		return gzf_err_set(err, GZF_ETOOLARGE, "document_too_large", NULL, "document too large");
	return GZF_OK;
}

void
pdf_gap(struct pdf *p, double mm)
{
	assert(mm >= 0 && mm <= 100);
	if (p->failed || pdf_room(p, mm * MM) != 0)
		return;
	p->y -= mm * MM;
}

void
pdf_rule(struct pdf *p)
{
	if (p->failed || pdf_room(p, 3 * MM) != 0)
		return;
	p->y -= 1.5 * MM;
	pbuf_printf(&p->pages[p->npages - 1], "0.5 w %.2f %.2f m %.2f %.2f l S\n", MARGIN, p->y,
		    PAGE_W - MARGIN, p->y);
	p->y -= 1.5 * MM;
}

/* A PDF text string of the UTF-8 s: UTF-16BE with its byte-order mark, in hex. */
static void
put_text_string(struct pbuf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len = strlen(s);
	int w;

	pbuf_put(b, "<FEFF", 5);
	while (i < len)
		pbuf_printf(b, "%04X", (unsigned)glyph_of(utf8_next(u, &i), &w));
	pbuf_put(b, ">", 1);
}

int
pdf_finish(struct pdf *p, const unsigned char **bytes, size_t *len, struct gzf_err *err)
{
	struct pbuf out = { 0 };
	size_t *offs;
	int nobj, i, k;
	unsigned char *copy;

	if (p->failed)
		return gzf_err_set(err, GZF_ETOOLARGE, "document_too_large", NULL, "document too large");
	if (p->npages == 0 && pdf_new_page(p) != 0)
		return gzf_err_set(err, GZF_ETOOLARGE, "document_too_large", NULL, "document too large");
	nobj = FIRST_OBJ_PAGE - 1 + 2 * p->npages;
	if ((offs = calloc((size_t)nobj + 1, sizeof(*offs))) == NULL)
		abort();
	pbuf_put(&out, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", 15);
	offs[1] = out.len;
	pbuf_printf(&out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	offs[2] = out.len;
	pbuf_printf(&out, "2 0 obj\n<< /Type /Pages /Count %d /Kids [", p->npages);
	for (i = 0; i < p->npages; i++)
		pbuf_printf(&out, " %d 0 R", FIRST_OBJ_PAGE + 1 + 2 * i);
	pbuf_printf(&out, " ] >>\nendobj\n");
	offs[3] = out.len;
	pbuf_printf(&out, "3 0 obj\n<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light "
		    "/Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>\nendobj\n");
	offs[4] = out.len;
	pbuf_printf(&out, "4 0 obj\n<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
		    "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
		    "/FontDescriptor 5 0 R /DW 1000 /W [1 [");
	for (k = 0; k < 95; k++)
		pbuf_printf(&out, k ? " %d" : "%d", latin_w[k]);
	pbuf_printf(&out, "] 814 907 500] >>\nendobj\n");
	offs[5] = out.len;
	pbuf_printf(&out, "5 0 obj\n<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
		    "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
		    "/CapHeight 880 /StemV 93 >>\nendobj\n");
	offs[6] = out.len;
	pbuf_printf(&out, "6 0 obj\n<< /Title ");
	put_text_string(&out, p->title);
	pbuf_printf(&out, " /Producer (gzf) >>\nendobj\n");
	for (i = 0; i < p->npages; i++) {
		int content = FIRST_OBJ_PAGE + 2 * i;

		offs[content] = out.len;
		pbuf_printf(&out, "%d 0 obj\n<< /Length %zu >>\nstream\n", content, p->pages[i].len);
		pbuf_put(&out, p->pages[i].p != NULL ? p->pages[i].p : "", p->pages[i].len);
		pbuf_printf(&out, "\nendstream\nendobj\n");
		offs[content + 1] = out.len;
		pbuf_printf(&out, "%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
			    "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>\nendobj\n",
			    content + 1, PAGE_W, PAGE_H, content);
	}
	{
		size_t xref = out.len;

		pbuf_printf(&out, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
		for (i = 1; i <= nobj; i++)
			pbuf_printf(&out, "%010zu 00000 n \n", offs[i]);
		pbuf_printf(&out, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
			    nobj + 1, xref);
	}
	free(offs);
	if (out.failed || out.len > PDF_MAX_BYTES) {
		free(out.p);
		return gzf_err_set(err, GZF_ETOOLARGE, "document_too_large", NULL, "document too large");
	}
	/* The arena owns the bytes; the working buffer goes at once. */
	copy = arena_alloc(p->a, out.len);
	memcpy(copy, out.p, out.len);
	free(out.p);
	*len = out.len;
	*bytes = copy;
	return GZF_OK;
}
