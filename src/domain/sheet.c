/*
 * sheet.c — CSV and XLSX into rows of text cells. An XLSX file is a zip of XML parts:
 * the central directory locates xl/sharedStrings.xml and the first worksheet, zlib
 * inflates them (raw deflate) and expat reads them.
 */
#include "domain/sheet.h"

#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Rows under construction: growable arrays freed with the arena. */
struct builder {
	struct arena *a;
	struct sheet_row *rows;
	int nrows, rcap;
	char **cells;
	int ncells;
	char *cell;
	size_t clen;
	int too_large;
	void **owned;    /* in the arena: the rows array, freed by its cleanup */
};

/* A zip member, once found in the central directory. */
struct zip_entry {
	const unsigned char *data; /* compressed bytes */
	size_t csize, usize;
	int method;
};

/* What the XML handlers of an XLSX part share. */
struct xlsx_state {
	struct builder *b;
	struct arena *a;
	char **strings;      /* shared strings */
	int nstrings, scap;
	int in_si, in_t, in_v, in_rph;
	char kind[16];       /* the current cell's t attribute */
	int col;             /* the current cell's column (0-based) */
	int row_line;
	char *text;          /* text of the current <si> or <c> */
	size_t tlen;
	int too_large;
};

static void b_init(struct builder *b, struct arena *a);
static void b_char(struct builder *b, char ch);
static void b_text(struct builder *b, const char *s, size_t n);
static void b_end_cell(struct builder *b);
static void b_end_row(struct builder *b, int line);
static void free_ptr(void *p);
static int b_finish(struct builder *b, struct sheet *out, struct gzf_err *err);
static int zip_find(const unsigned char *p, size_t n, const char *name, int prefix,
		    struct zip_entry *out);
static int zip_read(struct arena *a, const struct zip_entry *e, char **out, size_t *len);
static uint32_t le32(const unsigned char *p);
static uint16_t le16(const unsigned char *p);
static int column_of(const char *ref);
static void XMLCALL x_start(void *ud, const XML_Char *name, const XML_Char **attrs);
static void XMLCALL x_end(void *ud, const XML_Char *name);
static void XMLCALL x_text(void *ud, const XML_Char *s, int len);
static void x_append(struct xlsx_state *st, const char *s, size_t n);
static int xml_parse(struct xlsx_state *st, const char *xml, size_t n);
static const char *local_name(const char *name);

static void
free_ptr(void *p)
{
	free(*(void **)p);
}

static void
b_init(struct builder *b, struct arena *a)
{
	memset(b, 0, sizeof(*b));
	b->a = a;
	b->cell = arena_alloc(a, SHEET_MAX_CELL + 1);
	b->cells = arena_alloc(a, sizeof(char *) * SHEET_MAX_COLS);
	b->owned = arena_alloc(a, sizeof(*b->owned));
	arena_cleanup_add(a, free_ptr, b->owned);
}

static void
b_char(struct builder *b, char ch)
{
	if (b->clen >= SHEET_MAX_CELL) {
		b->too_large = 1;
		return;
	}
	b->cell[b->clen++] = ch;
}

static void
b_text(struct builder *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		b_char(b, s[i]);
}

static void
b_end_cell(struct builder *b)
{
	if (b->ncells >= SHEET_MAX_COLS) {
		b->too_large = 1;
		b->clen = 0;
		return;
	}
	b->cells[b->ncells++] = arena_strndup(b->a, b->cell, b->clen);
	b->clen = 0;
}

static void
b_end_row(struct builder *b, int line)
{
	struct sheet_row *r;

	if (b->nrows >= SHEET_MAX_ROWS) {
		b->too_large = 1;
		b->ncells = 0;
		return;
	}
	if (b->nrows == b->rcap) {
		b->rcap = b->rcap ? 2 * b->rcap : 256;
		b->rows = gzf_realloc(b->rows, sizeof(*b->rows) * (size_t)b->rcap);
		*b->owned = b->rows;
	}
	r = &b->rows[b->nrows++];
	r->line = line;
	r->ncells = b->ncells;
	r->cells = arena_alloc(b->a, sizeof(char *) * (size_t)(b->ncells + 1));
	memcpy(r->cells, b->cells, sizeof(char *) * (size_t)b->ncells);
	b->ncells = 0;
}

static int
b_finish(struct builder *b, struct sheet *out, struct gzf_err *err)
{
	int i;

	if (b->too_large)
		return gzf_err_set(err, GZF_EINVAL, "sheet_too_large", "file",
				   "the sheet is over %d rows, %d columns or %d bytes in a cell",
				   SHEET_MAX_ROWS, SHEET_MAX_COLS, SHEET_MAX_CELL);
	for (i = 0; i < b->nrows; i++)
		for (int j = 0; j < b->rows[i].ncells; j++)
			if (!gzf_utf8_valid(b->rows[i].cells[j]))
				return gzf_err_set(err, GZF_EINVAL, "sheet_invalid", "file",
						   "row %d is not valid UTF-8 text (save the file as UTF-8)",
						   b->rows[i].line);
	out->nrows = b->nrows;
	out->rows = arena_alloc(b->a, sizeof(*out->rows) * (size_t)(b->nrows + 1));
	if (b->nrows)
		memcpy(out->rows, b->rows, sizeof(*out->rows) * (size_t)b->nrows);
	return GZF_OK;
}

int
sheet_parse_csv(struct arena *a, const char *p, size_t n, struct sheet *out, struct gzf_err *err)
{
	struct builder b;
	size_t i = 0;
	int quoted = 0, line = 1, row_line = 1, any = 0;

	b_init(&b, a);
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (; i < n; i++) {
		char ch = p[i];

		if (quoted) {
			if (ch == '"' && i + 1 < n && p[i + 1] == '"') {
				b_char(&b, '"');
				i++;
			} else if (ch == '"') {
				quoted = 0;
			} else {
				if (ch == '\n')
					line++;
				b_char(&b, ch);
			}
			continue;
		}
		if (ch == '"' && b.clen == 0) {
			quoted = any = 1;
		} else if (ch == ',') {
			b_end_cell(&b);
			any = 1;
		} else if (ch == '\n' || ch == '\r') {
			if (ch == '\r' && i + 1 < n && p[i + 1] == '\n')
				i++;
			if (any || b.clen) {
				b_end_cell(&b);
				b_end_row(&b, row_line);
			}
			any = 0;
			row_line = ++line;
		} else {
			b_char(&b, ch);
			any = 1;
		}
	}
	if (quoted)
		return gzf_err_set(err, GZF_EINVAL, "sheet_invalid", "file",
				   "a quoted cell starting on row %d never ends", row_line);
	if (any || b.clen) {
		b_end_cell(&b);
		b_end_row(&b, row_line);
	}
	return b_finish(&b, out, err);
}

int
sheet_is_xlsx(const unsigned char *p, size_t n)
{
	return n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Find the member called name (or, with prefix, the first whose name starts with it in
 * directory order) through the central directory. 1 when found. */
static int
zip_find(const unsigned char *p, size_t n, const char *name, int prefix, struct zip_entry *out)
{
	size_t eocd, off, end, nlen = strlen(name);
	uint32_t count, i;

	if (n < 22)
		return 0;
	for (eocd = n - 22;; eocd--) {
		if (le32(p + eocd) == 0x06054b50)
			break;
		if (eocd == 0 || n - eocd > 22 + 65535)
			return 0;
	}
	count = le16(p + eocd + 10);
	off = le32(p + eocd + 16);
	end = eocd;
	for (i = 0; i < count; i++) {
		size_t fnlen, extra, comment, local;

		if (off + 46 > end || le32(p + off) != 0x02014b50)
			return 0;
		fnlen = le16(p + off + 28);
		extra = le16(p + off + 30);
		comment = le16(p + off + 32);
		if (off + 46 + fnlen > end)
			return 0;
		if ((prefix ? fnlen >= nlen : fnlen == nlen) && memcmp(p + off + 46, name, nlen) == 0) {
			local = le32(p + off + 42);
			if (local + 30 > n || le32(p + local) != 0x04034b50)
				return 0;
			out->method = le16(p + off + 10);
			out->csize = le32(p + off + 20);
			out->usize = le32(p + off + 24);
			local += 30 + le16(p + local + 26) + le16(p + local + 28);
			if (local > n || out->csize > n - local)
				return 0;
			out->data = p + local;
			return 1;
		}
		off += 46 + fnlen + extra + comment;
	}
	return 0;
}

/* Inflate (or copy) a member into the arena, NUL-terminated. 0 or GZF_EINVAL. */
static int
zip_read(struct arena *a, const struct zip_entry *e, char **out, size_t *len)
{
	z_stream z;
	char *buf;
	int zr;

	if (e->usize > SHEET_MAX_XML)
		return GZF_ETOOLARGE;
	buf = arena_alloc(a, e->usize + 1);
	if (e->method == 0) {
		if (e->csize != e->usize)
			return GZF_EINVAL;
		memcpy(buf, e->data, e->usize);
	} else if (e->method == 8) {
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
			return GZF_EINVAL;
		z.next_in = (unsigned char *)(uintptr_t)e->data;
		z.avail_in = (uInt)e->csize;
		z.next_out = (unsigned char *)buf;
		z.avail_out = (uInt)e->usize;
		zr = inflate(&z, Z_FINISH);
		inflateEnd(&z);
		if (zr != Z_STREAM_END || z.total_out != e->usize)
			return GZF_EINVAL;
	} else {
		return GZF_EINVAL;
	}
	buf[e->usize] = '\0';
	*out = buf;
	*len = e->usize;
	return GZF_OK;
}

/* "B12" → 1. -1 when ref has no column letters. */
static int
column_of(const char *ref)
{
	int col = 0, any = 0;

	for (; ref && *ref >= 'A' && *ref <= 'Z'; ref++, any = 1) {
		col = col * 26 + (*ref - 'A' + 1);
		if (col > 16384)
			return -1;
	}
	return any ? col - 1 : -1;
}

static const char *
local_name(const char *name)
{
	const char *c = strrchr(name, ':');

	return c ? c + 1 : name;
}

static void
x_append(struct xlsx_state *st, const char *s, size_t n)
{
	if (st->tlen + n > SHEET_MAX_CELL) {
		st->too_large = 1;
		return;
	}
	memcpy(st->text + st->tlen, s, n);
	st->tlen += n;
}

static void XMLCALL
x_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct xlsx_state *st = ud;
	const char *n = local_name(name);
	int i;

	if (strcmp(n, "si") == 0) {
		st->in_si = 1;
		st->tlen = 0;
	} else if (strcmp(n, "rPh") == 0) {
		st->in_rph = 1;
	} else if (strcmp(n, "t") == 0) {
		st->in_t = 1;
	} else if (strcmp(n, "v") == 0) {
		st->in_v = 1;
	} else if (strcmp(n, "row") == 0) {
		st->row_line = st->b->nrows + 1;
		for (i = 0; attrs[i]; i += 2)
			if (strcmp(attrs[i], "r") == 0)
				st->row_line = (int)strtol(attrs[i + 1], NULL, 10);
		st->b->ncells = 0;
	} else if (strcmp(n, "c") == 0) {
		st->kind[0] = '\0';
		st->col = st->b->ncells;
		st->tlen = 0;
		for (i = 0; attrs[i]; i += 2) {
			if (strcmp(attrs[i], "t") == 0)
				snprintf(st->kind, sizeof(st->kind), "%s", attrs[i + 1]);
			else if (strcmp(attrs[i], "r") == 0 && column_of(attrs[i + 1]) >= 0)
				st->col = column_of(attrs[i + 1]);
		}
	}
}

static void XMLCALL
x_end(void *ud, const XML_Char *name)
{
	struct xlsx_state *st = ud;
	struct builder *b = st->b;
	const char *n = local_name(name);

	if (strcmp(n, "si") == 0) {
		if (st->nstrings == st->scap) {
			st->scap = st->scap ? 2 * st->scap : 256;
			char **grown = arena_alloc(st->a, sizeof(char *) * (size_t)st->scap);
			if (st->nstrings)
				memcpy(grown, st->strings, sizeof(char *) * (size_t)st->nstrings);
			st->strings = grown;
		}
		st->strings[st->nstrings++] = arena_strndup(st->a, st->text, st->tlen);
		st->in_si = 0;
	} else if (strcmp(n, "rPh") == 0) {
		st->in_rph = 0;
	} else if (strcmp(n, "t") == 0) {
		st->in_t = 0;
	} else if (strcmp(n, "v") == 0) {
		st->in_v = 0;
	} else if (strcmp(n, "c") == 0) {
		const char *value;
		char *num = arena_strndup(st->a, st->text, st->tlen);

		if (st->col >= SHEET_MAX_COLS) {
			b->too_large = 1;
			return;
		}
		if (strcmp(st->kind, "s") == 0) {
			long k = strtol(num, NULL, 10);
			value = k >= 0 && k < st->nstrings ? st->strings[k] : "";
		} else {
			value = num;
		}
		while (b->ncells < st->col) {
			b->clen = 0;
			b_end_cell(b);
		}
		b->clen = 0;
		b_text(b, value, strlen(value));
		b_end_cell(b);
	} else if (strcmp(n, "row") == 0) {
		b_end_row(b, st->row_line);
	}
}

static void XMLCALL
x_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx_state *st = ud;

	if (st->in_rph)
		return;
	if ((st->in_t && (st->in_si || st->kind[0])) || st->in_v)
		x_append(st, s, (size_t)len);
}

static int
xml_parse(struct xlsx_state *st, const char *xml, size_t n)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	int ok;

	XML_SetUserData(p, st);
	XML_SetElementHandler(p, x_start, x_end);
	XML_SetCharacterDataHandler(p, x_text);
	ok = XML_Parse(p, xml, (int)n, 1) == XML_STATUS_OK;
	XML_ParserFree(p);
	return ok ? GZF_OK : GZF_EINVAL;
}

int
sheet_parse_xlsx(struct arena *a, const unsigned char *p, size_t n, struct sheet *out,
		 struct gzf_err *err)
{
	struct xlsx_state st = { 0 };
	struct builder b;
	struct zip_entry e;
	char *xml;
	size_t len;
	int rc;

	b_init(&b, a);
	st.b = &b;
	st.a = a;
	st.text = arena_alloc(a, SHEET_MAX_CELL + 1);
	if (n > INT32_MAX || !sheet_is_xlsx(p, n))
		return gzf_err_set(err, GZF_EINVAL, "sheet_invalid", "file", "the file is not an XLSX workbook");
	if (zip_find(p, n, "xl/sharedStrings.xml", 0, &e)) {
		if ((rc = zip_read(a, &e, &xml, &len)) != GZF_OK || xml_parse(&st, xml, len) != GZF_OK)
			goto damaged;
	}
	if (!zip_find(p, n, "xl/worksheets/sheet1.xml", 0, &e) &&
	    !zip_find(p, n, "xl/worksheets/sheet", 1, &e))
		return gzf_err_set(err, GZF_EINVAL, "sheet_invalid", "file", "the workbook has no worksheet");
	if ((rc = zip_read(a, &e, &xml, &len)) != GZF_OK)
		goto damaged;
	st.kind[0] = '\0';
	if (xml_parse(&st, xml, len) != GZF_OK)
		goto damaged;
	if (st.too_large)
		b.too_large = 1;
	return b_finish(&b, out, err);
damaged:
	if (rc == GZF_ETOOLARGE)
		return gzf_err_set(err, GZF_EINVAL, "sheet_too_large", "file", "the workbook is too large");
	return gzf_err_set(err, GZF_EINVAL, "sheet_invalid", "file", "the workbook is damaged");
}

/* The writer: a growable byte buffer, freed with the arena. */
struct wbuf {
	unsigned char *p;
	size_t len, cap;
};

static void
w_bytes(struct wbuf *w, const void *p, size_t n)
{
	if (w->len + n > w->cap) {
		w->cap = (w->len + n) * 2 + 256;
		w->p = gzf_realloc(w->p, w->cap);
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void
w_str(struct wbuf *w, const char *s)
{
	w_bytes(w, s, strlen(s));
}

static void
w_le(struct wbuf *w, uint32_t v, int bytes)
{
	unsigned char b[4];
	int i;

	for (i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	w_bytes(w, b, (size_t)bytes);
}

/* Text as XML character data; 0 for bytes XML 1.0 cannot hold (controls, bad UTF-8). */
static int
w_xml(struct wbuf *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p == '&')
			w_str(w, "&amp;");
		else if (*p == '<')
			w_str(w, "&lt;");
		else if (*p == '>')
			w_str(w, "&gt;");
		else if (*p == '"')
			w_str(w, "&quot;");
		else if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
		else
			w_bytes(w, p, 1);
	}
	return 1;
}

/* One stored member of the zip: its name, where its local header is, sizes and CRC. */
struct zmember {
	const char *name;
	uint32_t offset, crc, csize, usize;
};

/* Append member name with data (deflated) to the zip being built in z. */
static int
zip_add(struct wbuf *z, struct zmember *m, const char *name, const unsigned char *data, size_t n)
{
	z_stream zs = { 0 };
	unsigned char *def;
	uLong bound;
	int rc;

	if (deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return GZF_EINTERNAL;
	bound = deflateBound(&zs, (uLong)n);
	def = gzf_malloc(bound);
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)n;
	zs.next_out = def;
	zs.avail_out = (uInt)bound;
	rc = deflate(&zs, Z_FINISH);
	*m = (struct zmember){ .name = name, .offset = (uint32_t)z->len,
			       .crc = (uint32_t)crc32(0, data, (uInt)n),
			       .csize = (uint32_t)zs.total_out, .usize = (uint32_t)n };
	deflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(def);
		return GZF_EINTERNAL;
	}
	w_le(z, 0x04034b50, 4);
	w_le(z, 20, 2);            /* version needed */
	w_le(z, 0x0800, 2);        /* flags: names in UTF-8 */
	w_le(z, 8, 2);             /* deflate */
	w_le(z, 0, 4);             /* time, date: fixed, so the same sheet gives the same bytes */
	w_le(z, m->crc, 4);
	w_le(z, m->csize, 4);
	w_le(z, m->usize, 4);
	w_le(z, (uint32_t)strlen(name), 2);
	w_le(z, 0, 2);
	w_str(z, name);
	w_bytes(z, def, m->csize);
	free(def);
	return GZF_OK;
}

static void
zip_finish(struct wbuf *z, const struct zmember *m, int n)
{
	uint32_t start = (uint32_t)z->len;
	int i;

	for (i = 0; i < n; i++) {
		w_le(z, 0x02014b50, 4);
		w_le(z, 20, 2);
		w_le(z, 20, 2);
		w_le(z, 0x0800, 2);
		w_le(z, 8, 2);
		w_le(z, 0, 4);
		w_le(z, m[i].crc, 4);
		w_le(z, m[i].csize, 4);
		w_le(z, m[i].usize, 4);
		w_le(z, (uint32_t)strlen(m[i].name), 2);
		w_le(z, 0, 2);  /* extra */
		w_le(z, 0, 2);  /* comment */
		w_le(z, 0, 2);  /* disk */
		w_le(z, 0, 2);  /* internal attributes */
		w_le(z, 0, 4);  /* external attributes */
		w_le(z, m[i].offset, 4);
		w_str(z, m[i].name);
	}
	w_le(z, 0x06054b50, 4);
	w_le(z, 0, 2);
	w_le(z, 0, 2);
	w_le(z, (uint32_t)n, 2);
	w_le(z, (uint32_t)n, 2);
	w_le(z, (uint32_t)z->len - start, 4);
	w_le(z, start, 4);
	w_le(z, 0, 2);
}

/* 1 when s is an integer as a spreadsheet number keeps it exactly. */
static int
is_integer(const char *s)
{
	size_t i = *s == '-';

	if (s[i] == '\0' || strlen(s + i) > 15 || (s[i] == '0' && s[i + 1] != '\0'))
		return 0;
	for (; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The column letters of 0-based column col (A, B, ..., Z, AA, ...). */
static void
column_name(int col, char out[4])
{
	if (col < 26) {
		out[0] = (char)('A' + col);
		out[1] = '\0';
	} else {
		out[0] = (char)('A' + col / 26 - 1);
		out[1] = (char)('A' + col % 26);
		out[2] = '\0';
	}
}

int
sheet_write_xlsx(struct arena *a, const struct sheet *s, const char *name, const int *numeric,
		 int ncols, unsigned char **out, size_t *len, struct gzf_err *err)
{
	static const char *const fixed[][2] = {
		{ "[Content_Types].xml",
		  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		  "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
		  "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		  "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
		  "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
		  "</Types>" },
		{ "_rels/.rels",
		  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
		  "</Relationships>" },
		{ "xl/_rels/workbook.xml.rels",
		  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		  "</Relationships>" },
	};
	struct wbuf x = { 0 }, z = { 0 };
	struct zmember m[5];
	char col[4];
	int i, j, rc = GZF_OK, nm = 0;
	size_t k;

	if (s->nrows > SHEET_MAX_ROWS || strlen(name) == 0 || strlen(name) > 31 ||
	    strpbrk(name, "[]:*?/\\") != NULL)
		return gzf_err_set(err, GZF_EINVAL, "sheet_too_large", NULL,
				   "the sheet is too large or its name is not allowed");
	for (k = 0; k < sizeof(fixed) / sizeof(fixed[0]) && rc == GZF_OK; k++)
		rc = zip_add(&z, &m[nm++], fixed[k][0], (const unsigned char *)fixed[k][1],
			     strlen(fixed[k][1]));
	w_str(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		  "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
		  " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
		  "<sheets><sheet name=\"");
	(void)w_xml(&x, name);
	w_str(&x, "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
	if (rc == GZF_OK)
		rc = zip_add(&z, &m[nm++], "xl/workbook.xml", x.p, x.len);
	x.len = 0;
	w_str(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		  "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		  "<sheetData>");
	for (i = 0; i < s->nrows && rc == GZF_OK; i++) {
		const struct sheet_row *r = &s->rows[i];
		char head[32];

		if (r->ncells > SHEET_MAX_COLS) {
			rc = gzf_err_set(err, GZF_EINVAL, "sheet_too_large", NULL, "too many columns");
			break;
		}
		snprintf(head, sizeof(head), "<row r=\"%d\">", i + 1);
		w_str(&x, head);
		for (j = 0; j < r->ncells; j++) {
			const char *v = r->cells[j];

			column_name(j, col);
			snprintf(head, sizeof(head), "%s%d", col, i + 1);
			if (numeric != NULL && j < ncols && numeric[j] && is_integer(v)) {
				w_str(&x, "<c r=\"");
				w_str(&x, head);
				w_str(&x, "\"><v>");
				w_str(&x, v);
				w_str(&x, "</v></c>");
				continue;
			}
			w_str(&x, "<c r=\"");
			w_str(&x, head);
			w_str(&x, "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">");
			if (strlen(v) > SHEET_MAX_CELL || !w_xml(&x, v)) {
				rc = gzf_err_set(err, GZF_EINVAL, "sheet_too_large", NULL,
						 "row %d column %d cannot be written", i + 1, j + 1);
				break;
			}
			w_str(&x, "</t></is></c>");
		}
		w_str(&x, "</row>");
	}
	w_str(&x, "</sheetData></worksheet>");
	if (rc == GZF_OK && x.len > SHEET_MAX_XML)
		rc = gzf_err_set(err, GZF_EINVAL, "sheet_too_large", NULL, "the sheet is too large");
	if (rc == GZF_OK)
		rc = zip_add(&z, &m[nm++], "xl/worksheets/sheet1.xml", x.p, x.len);
	if (rc == GZF_OK) {
		zip_finish(&z, m, nm);
		*out = arena_alloc(a, z.len);
		memcpy(*out, z.p, z.len);
		*len = z.len;
	} else if (rc == GZF_EINTERNAL) {
		gzf_err_set(err, rc, "internal", NULL, "deflate failed");
	}
	free(x.p);
	free(z.p);
	return rc;
}
