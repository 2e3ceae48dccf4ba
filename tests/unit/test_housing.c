/* test_housing.c — the housing rules (what one unit may hold, status transitions, figures
 * as people type them) and the spreadsheet readers (CSV, and XLSX built here as a stored
 * zip). */
#include "unit.h"

#include <string.h>
#include <zlib.h>

#include "domain/housing.h"
#include "domain/sheet.h"

START_TEST(transitions)
{
	ck_assert(housing_transition_ok("vacant", "reserved"));
	ck_assert(housing_transition_ok("reserved", "allocated"));
	ck_assert(housing_transition_ok("allocated", "occupied"));
	ck_assert(housing_transition_ok("occupied", "vacant"));
	ck_assert(housing_transition_ok("under_repair", "vacant"));
	ck_assert(!housing_transition_ok("vacant", "occupied"));
	ck_assert(!housing_transition_ok("vacant", "allocated"));
	ck_assert(!housing_transition_ok("vacant", "vacant"));
	ck_assert(!housing_transition_ok("withdrawn", "occupied"));
	ck_assert(!housing_transition_ok("vacant", "sold"));
	ck_assert(!housing_transition_ok("vacan", "reserved"));
	ck_assert(!housing_transition_ok("vacant", "reserve"));
	ck_assert(!housing_status_valid(NULL));
}
END_TEST

START_TEST(figures)
{
	int64_t v;
	int f;

	ck_assert_int_eq(housing_parse_hundredths("45", 100000, &v), 0);
	ck_assert_int_eq(v, 4500);
	ck_assert_int_eq(housing_parse_hundredths("45.5", 100000, &v), 0);
	ck_assert_int_eq(v, 4550);
	ck_assert_int_eq(housing_parse_hundredths("45.05", 100000, &v), 0);
	ck_assert_int_eq(v, 4505);
	ck_assert_int_eq(housing_parse_hundredths("45.500", 100000, &v), 0);
	ck_assert_int_eq(v, 4550);
	ck_assert_int_eq(housing_parse_hundredths("45.555", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths("1000.01", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths("-1", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths(".5", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths("5.", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths("", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_hundredths("99999999999999999999", 100000, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_micro("125.103784", 180, &v), 0);
	ck_assert_int_eq(v, 125103784);
	ck_assert_int_eq(housing_parse_micro("-3.5", 180, &v), 0);
	ck_assert_int_eq(v, -3500000);
	ck_assert_int_eq(housing_parse_micro("90.000001", 90, &v), GZF_EINVAL);
	ck_assert_int_eq(housing_parse_flag("是", &f), 0);
	ck_assert_int_eq(f, 1);
	ck_assert_int_eq(housing_parse_flag("毛坯", &f), 0);
	ck_assert_int_eq(f, 0);
	ck_assert_int_eq(housing_parse_flag("也许", &f), GZF_EINVAL);
	ck_assert_int_eq(housing_district_of("/100000/230000/230600/230602/230602001/"), 230602);
	ck_assert_int_eq(housing_district_of("/100000/230000/230600/230602/"), 230602);
	ck_assert_int_eq(housing_district_of("/100000/230000/230600/"), 0);
	ck_assert_int_eq(housing_district_of("/100000/"), 0);
	ck_assert(housing_layout_valid("一室一厅"));
	ck_assert(!housing_layout_valid(""));
	ck_assert(!housing_layout_valid("a\tb"));
	ck_assert(!housing_layout_valid("一二三四五六七八九十一二三四五六七"));
}
END_TEST

/* A good unit: one room, 45.5 m² (38 usable), third floor, 650 yuan. */
static struct unit
good_unit(void)
{
	return (struct unit){ .unit_no = "301", .layout = "一室一厅", .orientation = "南",
			      .floor_area_dm2 = 4550, .usable_area_dm2 = 3800, .floor = 3,
			      .rent_fen = 65000 };
}

START_TEST(unit_rules)
{
	struct unit u = good_unit();
	struct gzf_err err = { 0 };
	unsigned bad = 99;

	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_OK);
	ck_assert_uint_eq(bad, 0);
	ck_assert_int_eq(housing_unit_check(&u, NULL, NULL), GZF_OK);
	/* The limits themselves are good; no orientation, a basement floor, free rent too. */
	u.floor_area_dm2 = u.usable_area_dm2 = HOUSING_AREA_MIN_DM2;
	u.orientation = NULL;
	u.floor = HOUSING_FLOOR_MIN;
	u.rent_fen = 0;
	ck_assert_int_eq(housing_unit_check(&u, NULL, NULL), GZF_OK);
	u.floor_area_dm2 = u.usable_area_dm2 = HOUSING_AREA_MAX_DM2;
	u.unit_no = "一二三四五六七八九十一二三四五六七八九十";
	u.floor = HOUSING_FLOOR_MAX;
	u.rent_fen = HOUSING_RENT_MAX_FEN;
	ck_assert_int_eq(housing_unit_check(&u, NULL, NULL), GZF_OK);

	/* Each rule on its own: the attribute, and the API's code and field. */
	u = good_unit();
	u.unit_no = "";
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_NO);
	ck_assert_str_eq(err.name, "required");
	ck_assert_str_eq(err.field, "unit_no");
	u.unit_no = NULL;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "required");
	u.unit_no = "一二三四五六七八九十一二三四五六七八九十一";
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "too_long");
	ck_assert_str_eq(err.message, "unit_no must be at most 20 characters");

	u = good_unit();
	u.layout = "a\tb";
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_LAYOUT);
	ck_assert_str_eq(err.name, "invalid_value");
	ck_assert_str_eq(err.field, "layout");
	u.layout = "一二三四五六七八九十一二三四五六七";
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "too_long");

	u = good_unit();
	u.orientation = "东南西北东南西北东南西";
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_ORIENTATION);
	ck_assert_str_eq(err.field, "orientation");

	u = good_unit();
	u.usable_area_dm2 = u.floor_area_dm2 + 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_USABLE_AREA);
	ck_assert_str_eq(err.field, "usable_area_dm2");
	ck_assert_str_eq(err.message, "the usable area cannot exceed the floor area");
	u.usable_area_dm2 = HOUSING_AREA_MIN_DM2 - 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_USABLE_AREA);

	/* A bad floor area is not also a usable area above it. */
	u = good_unit();
	u.floor_area_dm2 = HOUSING_AREA_MIN_DM2 - 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_FLOOR_AREA);
	ck_assert_str_eq(err.field, "floor_area_dm2");
	ck_assert_str_eq(err.message, "floor_area_dm2 must be a whole number from 100 to 100000");
	u.floor_area_dm2 = HOUSING_AREA_MAX_DM2 + 1;
	u.usable_area_dm2 = HOUSING_AREA_MAX_DM2;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_FLOOR_AREA);

	u = good_unit();
	u.floor = HOUSING_FLOOR_MIN - 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_FLOOR);
	ck_assert_str_eq(err.field, "floor");
	u.floor = HOUSING_FLOOR_MAX + 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);

	u = good_unit();
	u.rent_fen = -1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, 1u << UNIT_RENT);
	ck_assert_str_eq(err.field, "rent_fen");
	u.rent_fen = HOUSING_RENT_MAX_FEN + 1;
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);

	/* Several at once: every one in the set, the first in the error. */
	u = (struct unit){ 0 };
	ck_assert_int_eq(housing_unit_check(&u, &bad, &err), GZF_EINVAL);
	ck_assert_uint_eq(bad, (1u << UNIT_NO) | (1u << UNIT_LAYOUT) | (1u << UNIT_FLOOR_AREA) |
			       (1u << UNIT_USABLE_AREA));
	ck_assert_str_eq(err.field, "unit_no");
	u = good_unit();
	u.floor = 999;
	u.layout = "";
	ck_assert_int_eq(housing_unit_check(&u, &bad, NULL), GZF_EINVAL);
	ck_assert_uint_eq(bad, (1u << UNIT_LAYOUT) | (1u << UNIT_FLOOR));
}
END_TEST

START_TEST(csv)
{
	struct arena *a = arena_create();
	struct gzf_err err;
	struct sheet s;
	const char *text = "\xEF\xBB\xBF" "a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\r\n\r\n\"two\nlines\",,z";

	ck_assert_int_eq(sheet_parse_csv(a, text, strlen(text), &s, &err), 0);
	ck_assert_int_eq(s.nrows, 3);
	ck_assert_str_eq(s.rows[0].cells[0], "a");
	ck_assert_int_eq(s.rows[1].ncells, 3);
	ck_assert_str_eq(s.rows[1].cells[0], "x,1");
	ck_assert_str_eq(s.rows[1].cells[1], "say \"hi\"");
	ck_assert_str_eq(s.rows[1].cells[2], "");
	ck_assert_int_eq(s.rows[2].line, 4);
	ck_assert_str_eq(s.rows[2].cells[0], "two\nlines");
	ck_assert_str_eq(s.rows[2].cells[2], "z");
	ck_assert_int_eq(sheet_parse_csv(a, "\"open", 5, &s, &err), GZF_EINVAL);
	ck_assert_str_eq(err.name, "sheet_invalid");
	ck_assert_int_eq(sheet_parse_csv(a, "\xff\xfe", 2, &s, &err), GZF_EINVAL);
	arena_destroy(a);
}
END_TEST

/* A stored (uncompressed) zip of two members, the way tests/lib/xlsx.mjs writes them. */
static size_t
put_member(unsigned char *out, size_t off, unsigned char *dir, size_t *dlen, const char *name,
	   const char *data)
{
	size_t n = strlen(name), len = strlen(data);
	unsigned long crc = crc32(0, (const unsigned char *)data, (unsigned)len);
	unsigned char *l = out + off, *d = dir + *dlen;

	memset(l, 0, 30);
	memcpy(l, "PK\x03\x04", 4);
	l[14] = crc & 0xff; l[15] = (crc >> 8) & 0xff; l[16] = (crc >> 16) & 0xff; l[17] = (crc >> 24) & 0xff;
	l[18] = l[22] = len & 0xff; l[19] = l[23] = (len >> 8) & 0xff;
	l[26] = (unsigned char)n;
	memcpy(l + 30, name, n);
	memcpy(l + 30 + n, data, len);
	memset(d, 0, 46);
	memcpy(d, "PK\x01\x02", 4);
	d[20] = d[24] = len & 0xff; d[21] = d[25] = (len >> 8) & 0xff;
	d[28] = (unsigned char)n;
	d[42] = off & 0xff; d[43] = (off >> 8) & 0xff;
	memcpy(d + 46, name, n);
	*dlen += 46 + n;
	return off + 30 + n + len;
}

START_TEST(xlsx)
{
	static unsigned char file[8192], dir[1024];
	struct arena *a = arena_create();
	struct gzf_err err;
	struct sheet s;
	size_t off = 0, dlen = 0;
	unsigned char *end;

	off = put_member(file, off, dir, &dlen, "xl/sharedStrings.xml",
		"<sst xmlns=\"x\"><si><t>小区名称</t></si><si><r><t>幸福</t></r><r><t>家园</t></r>"
		"<rPh><t>xingfu</t></rPh></si></sst>");
	off = put_member(file, off, dir, &dlen, "xl/worksheets/sheet1.xml",
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"inlineStr\">"
		"<is><t>面积</t></is></c></row><row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c>"
		"<c r=\"C3\"><v>45.5</v></c></row></sheetData></worksheet>");
	memcpy(file + off, dir, dlen);
	end = file + off + dlen;
	memset(end, 0, 22);
	memcpy(end, "PK\x05\x06", 4);
	end[8] = end[10] = 2;
	end[12] = dlen & 0xff; end[13] = (dlen >> 8) & 0xff;
	end[16] = off & 0xff; end[17] = (off >> 8) & 0xff;
	ck_assert(sheet_is_xlsx(file, off + dlen + 22));
	ck_assert_int_eq(sheet_parse_xlsx(a, file, off + dlen + 22, &s, &err), 0);
	ck_assert_int_eq(s.nrows, 2);
	ck_assert_int_eq(s.rows[0].ncells, 3);
	ck_assert_str_eq(s.rows[0].cells[0], "小区名称");
	ck_assert_str_eq(s.rows[0].cells[1], "");
	ck_assert_str_eq(s.rows[0].cells[2], "面积");
	ck_assert_int_eq(s.rows[1].line, 3);
	ck_assert_str_eq(s.rows[1].cells[0], "幸福家园");
	ck_assert_str_eq(s.rows[1].cells[2], "45.5");
	/* Cut short, it is refused, not misread. */
	ck_assert_int_eq(sheet_parse_xlsx(a, file, off + dlen + 10, &s, &err), GZF_EINVAL);
	ck_assert_int_eq(sheet_parse_xlsx(a, file, 200, &s, &err), GZF_EINVAL);
	arena_destroy(a);
}
END_TEST

Suite *
housing_suite(void)
{
	Suite *s = suite_create("housing");
	TCase *tc = tcase_create("housing");

	tcase_add_test(tc, transitions);
	tcase_add_test(tc, figures);
	tcase_add_test(tc, unit_rules);
	tcase_add_test(tc, csv);
	tcase_add_test(tc, xlsx);
	suite_add_tcase(s, tc);
	return s;
}
