/*
 * sheet.h — spreadsheets as housing offices keep them, read into rows of text cells:
 * CSV (RFC 4180, UTF-8 with or without a byte-order mark) and XLSX (the first
 * worksheet: shared strings, inline strings, numbers); and written back out as a one-sheet
 * XLSX workbook (exports). Everything lives in an arena; sizes are capped (SHEET_MAX_*).
 */
#ifndef GZF_DOMAIN_SHEET_H
#define GZF_DOMAIN_SHEET_H

#include <stddef.h>

#include "core/arena.h"
#include "core/gzf.h"

#define SHEET_MAX_ROWS 200000
#define SHEET_MAX_COLS 64
#define SHEET_MAX_CELL 4096
#define SHEET_MAX_XML (64u << 20) /* one inflated part of an XLSX file */

struct sheet_row {
	int line;       /* the row's number in the file (1 = the first row) */
	int ncells;
	char **cells;   /* ncells strings, never NULL ("" for an empty cell) */
};

struct sheet {
	int nrows;
	struct sheet_row *rows;
};

/*
 * sheet_parse_csv — the n bytes at p as CSV. Errors (GZF_EINVAL in err): "sheet_invalid"
 * (an unterminated quote, invalid UTF-8), "sheet_too_large" (over the caps).
 */
int sheet_parse_csv(struct arena *a, const char *p, size_t n, struct sheet *out,
		    struct gzf_err *err);

/*
 * sheet_parse_xlsx — the n bytes at p as an XLSX workbook: its first worksheet.
 * Errors as sheet_parse_csv, and "sheet_invalid" for a damaged zip or XML.
 */
int sheet_parse_xlsx(struct arena *a, const unsigned char *p, size_t n, struct sheet *out,
		     struct gzf_err *err);

/*
 * sheet_write_xlsx — s as an XLSX workbook of one worksheet named name (1..31 characters,
 * none of []:*?/\): every cell an inline string, except a cell whose column is marked in
 * numeric (ncols flags, may be NULL) and which is an integer, written as a number. The
 * bytes (deflated zip) in the arena: *out, *len. GZF_EINVAL "sheet_too_large" over the
 * caps or for a cell holding control characters XML cannot hold.
 */
int sheet_write_xlsx(struct arena *a, const struct sheet *s, const char *name,
		     const int *numeric, int ncols, unsigned char **out, size_t *len,
		     struct gzf_err *err);

/* sheet_is_xlsx — 1 when the bytes start like a zip archive (what XLSX files are). */
int sheet_is_xlsx(const unsigned char *p, size_t n);

#endif
