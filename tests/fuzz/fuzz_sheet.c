/*
 * fuzz_sheet.c — the housing import's reader: the bytes as XLSX when they start like a
 * zip archive, as CSV otherwise (what the import does), and as CSV in any case. Every
 * row it gives back is within the caps and every cell is a string.
 */
#include "fuzz.h"

#include <assert.h>

#include "domain/sheet.h"

static void
check(int rc, const struct sheet *s, const struct gzf_err *err)
{
	if (rc != GZF_OK) {
		assert(rc == GZF_EINVAL && err->name[0] != '\0');
		return;
	}
	assert(s->nrows >= 0 && s->nrows <= SHEET_MAX_ROWS);
	for (int i = 0; i < s->nrows; i++) {
		assert(s->rows[i].ncells >= 0 && s->rows[i].ncells <= SHEET_MAX_COLS);
		for (int j = 0; j < s->rows[i].ncells; j++)
			assert(s->rows[i].cells[j] != NULL && strlen(s->rows[i].cells[j]) <= SHEET_MAX_CELL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	struct gzf_err err = { 0 };
	struct sheet s = { 0 };
	int rc;

	if (sheet_is_xlsx(data, size)) {
		rc = sheet_parse_xlsx(a, data, size, &s, &err);
		check(rc, &s, &err);
	}
	gzf_err_clear(&err);
	rc = sheet_parse_csv(a, (const char *)data, size, &s, &err);
	check(rc, &s, &err);
	arena_destroy(a);
	return 0;
}
