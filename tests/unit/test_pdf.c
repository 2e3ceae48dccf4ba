/* test_pdf.c — the PDF writer: a well-formed file (every xref offset points at its
 * object), the same bytes for the same text, text a reader extracts again (pdftotext,
 * with Debian's poppler-data for the Chinese font), wrapping, pages, and the size cap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/pdf.h"
#include "unit.h"

/* The document's bytes as a string (PDFs written here are ASCII but for the header). */
static const char *
render(struct arena *a, const char *title, const char *const *lines, int n)
{
	struct gzf_err err = { 0 };
	struct pdf *p = pdf_create(a, title);
	const unsigned char *bytes;
	size_t len;
	char *s;
	int i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(pdf_text(p, i == 0 ? 16 : 11, 0, lines[i], &err), GZF_OK);
	pdf_rule(p);
	pdf_gap(p, 5);
	ck_assert_int_eq(pdf_finish(p, &bytes, &len, &err), GZF_OK);
	s = arena_alloc(a, len + 1);
	memcpy(s, bytes, len);
	ck_assert_uint_eq(strlen(s), len);
	return s;
}

/* Every entry of the cross-reference table names the offset of "N 0 obj". */
static int
xref_objects(const char *s)
{
	const char *x = strstr(s, "\nxref\n"), *start = strstr(s, "startxref\n");
	int n, i;

	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(start);
	ck_assert_int_eq(atol(start + 10), (long)(x - s) + 1);
	ck_assert_int_eq(sscanf(x + 6, "0 %d", &n), 1);
	x = strchr(x + 6, '\n') + 1 + 20; /* past the free entry */
	for (i = 1; i < n; i++, x += 20) {
		char want[32];
		long off = atol(x);

		snprintf(want, sizeof(want), "%d 0 obj\n", i);
		ck_assert_msg(strncmp(s + off, want, strlen(want)) == 0, "object %d not at %ld", i, off);
	}
	ck_assert(strstr(s, "%%EOF\n") != NULL);
	return n - 1;
}

static const char *const lease[] = {
	"公共租赁住房租赁合同",
	"出租人：大庆市住房保障中心 Lessor: Daqing Housing Security Centre",
	"承租人不得将所承租的公共租赁住房转借、转租或者擅自调换。",
	"月租金 479.54 元，押金 959.08 元。",
};

START_TEST(well_formed_and_the_same_bytes_each_time)
{
	struct arena *a = arena_create();
	const char *one = render(a, "合同 HT-1", lease, 4), *two = render(a, "合同 HT-1", lease, 4);

	ck_assert_str_eq(one, two);
	ck_assert_int_eq(xref_objects(one), 8); /* six fixed objects, one page */
	ck_assert(strncmp(one, "%PDF-1.4\n", 9) == 0);
	/* 公 is U+516C; the title is UTF-16 with its byte-order mark. */
	ck_assert(strstr(one, "516C") != NULL);
	ck_assert(strstr(one, "/Title <FEFF5408540C002000480054002D0031>") != NULL);
	ck_assert_str_ne(one, render(a, "合同 HT-2", lease, 4));
	arena_destroy(a);
}
END_TEST

START_TEST(a_reader_extracts_the_text_again)
{
	struct arena *a = arena_create();
	const char *doc = render(a, "lease", lease, 4);
	char path[] = "/tmp/gzf-pdf-XXXXXX", cmd[128], out[4096] = "";
	int fd = mkstemp(path);
	FILE *f;
	size_t n;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, doc, strlen(doc)), (ssize_t)strlen(doc));
	close(fd);
	snprintf(cmd, sizeof(cmd), "pdftotext -q %s - 2>&1", path);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	ck_assert_int_eq(pclose(f), 0);
	unlink(path);
	ck_assert_msg(strstr(out, "公共租赁住房租赁合同") != NULL, "extracted: %s", out);
	ck_assert_msg(strstr(out, "月租金 479.54 元") != NULL, "extracted: %s", out);
	ck_assert_msg(strstr(out, "Daqing Housing Security Centre") != NULL, "extracted: %s", out);
	arena_destroy(a);
}
END_TEST

START_TEST(long_text_wraps_and_flows_onto_new_pages)
{
	struct arena *a = arena_create();
	struct gzf_err err = { 0 };
	struct pdf *p = pdf_create(a, "t");
	const unsigned char *bytes;
	size_t len;
	char *para = arena_alloc(a, 3 * 400 + 1), *s;
	int i, lines = 0;

	for (i = 0; i < 400; i++)
		memcpy(para + 3 * i, "租", 3);
	ck_assert_int_eq(pdf_text(p, 12, 10, para, &err), GZF_OK);
	ck_assert_int_eq(pdf_text(p, 12, 0, "word word word word word word word word word word "
				  "word word word word word word word word word word word word", &err), GZF_OK);
	for (i = 0; i < 60; i++)
		ck_assert_int_eq(pdf_text(p, 12, 0, "line", &err), GZF_OK);
	ck_assert_int_eq(pdf_finish(p, &bytes, &len, &err), GZF_OK);
	s = arena_strndup(a, (const char *)bytes, len);
	for (const char *q = s; (q = strstr(q, " Tj ET")) != NULL; q++)
		lines++;
	/* 400 characters of 12 pt in (481.9 − 28.3) pt: 37 a line, 11 lines; the words wrap
	 * at a space onto 2 lines, and 60 more lines: 73 lines, more than one page holds. */
	ck_assert_int_eq(lines, 11 + 2 + 60);
	ck_assert(strstr(s, "/Count 2 ") != NULL);
	ck_assert_int_eq(xref_objects(s), 6 + 2 * 2);
	/* No wrapped line starts with the space it broke at. */
	ck_assert(strstr(s, "<0020") == NULL);
	arena_destroy(a);
}
END_TEST

START_TEST(outside_the_plane_prints_a_question_mark_and_size_is_capped)
{
	struct arena *a = arena_create();
	struct gzf_err err = { 0 };
	struct pdf *p = pdf_create(a, "t");
	const unsigned char *bytes;
	size_t len;
	int i, rc = GZF_OK;

	ck_assert_int_eq(pdf_text(p, 12, 0, "a\xF0\x9F\x98\x80" "b\x01", &err), GZF_OK);
	for (i = 0; i < 100000 && rc == GZF_OK; i++)
		rc = pdf_text(p, 6, 0, "满", &err);
	ck_assert_int_eq(rc, GZF_ETOOLARGE);
	ck_assert_str_eq(err.name, "document_too_large");
	ck_assert_int_eq(pdf_text(p, 6, 0, "more", &err), GZF_ETOOLARGE);
	ck_assert_int_eq(pdf_finish(p, &bytes, &len, &err), GZF_ETOOLARGE);

	p = pdf_create(a, "t");
	ck_assert_int_eq(pdf_text(p, 12, 0, "a\xF0\x9F\x98\x80" "b\x01", &err), GZF_OK);
	ck_assert_int_eq(pdf_finish(p, &bytes, &len, &err), GZF_OK);
	ck_assert(strstr(arena_strndup(a, (const char *)bytes, len), "<0061003F0062003F>") != NULL);
	arena_destroy(a);
}
END_TEST

Suite *
pdf_suite(void)
{
	Suite *s = suite_create("pdf");
	TCase *tc = tcase_create("pdf");

	tcase_add_test(tc, well_formed_and_the_same_bytes_each_time);
	tcase_add_test(tc, a_reader_extracts_the_text_again);
	tcase_add_test(tc, long_text_wraps_and_flows_onto_new_pages);
	tcase_add_test(tc, outside_the_plane_prints_a_question_mark_and_size_is_capped);
	suite_add_tcase(s, tc);
	return s;
}
