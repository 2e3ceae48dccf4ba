/* test_sanitize.c — the allow-list HTML sanitiser: what it keeps, what it removes, the
 * entity and whitespace tricks in URLs, and well-formed output. */
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "domain/sanitize.h"
#include "unit.h"

static struct arena *ar;
static struct sanitized out;

static const char *
clean(const char *html)
{
	sanitize_html(ar, html, &out);
	return out.html;
}

static void
setup(void)
{
	ar = arena_create();
}

static void
teardown(void)
{
	arena_destroy(ar);
}

START_TEST(keeps_what_is_allowed)
{
	ck_assert_str_eq(clean("<p>公租房<strong>申请</strong></p>"), "<p>公租房<strong>申请</strong></p>");
	ck_assert_str_eq(clean("<H2 class=\"x\" style=\"color:red\">标题</H2>"), "<h2>标题</h2>");
	ck_assert_str_eq(clean("<a href=\"https://www.gov.cn/a?b=1&amp;c=2\" title=\"国务院\">链接</a>"),
			 "<a href=\"https://www.gov.cn/a?b=1&amp;c=2\" title=\"国务院\" rel=\"noopener noreferrer\">链接</a>");
	ck_assert_str_eq(clean("<a href=\"/guide#apply\">指南</a>"),
			 "<a href=\"/guide#apply\" rel=\"noopener noreferrer\">指南</a>");
	ck_assert_str_eq(clean("<img src=\"/api/v1/media/12?size=display\" alt=\"小区\" width=\"640\">"),
			 "<img src=\"/api/v1/media/12?size=display\" alt=\"小区\" width=\"640\">");
	ck_assert_int_eq(out.nmedia, 1);
	ck_assert_int_eq(out.media[0], 12);
	ck_assert_str_eq(clean("<table><tr><td colspan=2>a</td></tr></table>"),
			 "<table><tr><td colspan=\"2\">a</td></tr></table>");
	ck_assert_str_eq(clean("a &amp; b &nbsp; &#20844; c & d < e > f"),
			 "a &amp; b &nbsp; &#20844; c &amp; d &lt; e &gt; f");
}
END_TEST

START_TEST(removes_what_runs)
{
	ck_assert_str_eq(clean("<p>x<script>alert(1)</script>y</p>"), "<p>xy</p>");
	ck_assert_str_eq(clean("<SCRIPT SRC=//evil.example/x.js></SCRIPT>z"), "z");
	ck_assert_str_eq(clean("<img src=x onerror=alert(1)>"), "");
	ck_assert_str_eq(clean("<img src=\"/api/v1/media/3\" onerror=\"alert(1)\">"), "<img src=\"/api/v1/media/3\">");
	ck_assert_str_eq(clean("<svg onload=alert(1)><circle/></svg>ok"), "ok");
	ck_assert_str_eq(clean("<p onclick=\"alert(1)\" onmouseover=alert(2)>t</p>"), "<p>t</p>");
	ck_assert_str_eq(clean("<iframe src=\"https://evil.example\"></iframe>k"), "k");
	ck_assert_str_eq(clean("<style>body{background:url(javascript:alert(1))}</style>s"), "s");
	ck_assert_str_eq(clean("<object data=x></object><embed src=x>e"), "e");
	ck_assert_str_eq(clean("<!-- <script>alert(1)</script> -->c"), "c");
	ck_assert_str_eq(clean("<img src=\"https://evil.example/a.png\">"), "");
	ck_assert_str_eq(clean("<img src=\"/api/v1/media/3/../../x\">"), "");
	ck_assert_str_eq(clean("<scr<script>ipt>alert(1)</script>"), "");
	ck_assert_str_eq(clean("<div><form action=x><input name=a></form>f</div>"), "<div>f</div>");
}
END_TEST

START_TEST(javascript_links_in_every_disguise)
{
	static const char *const hrefs[] = {
		"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
		"&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "&#0000106avascript:alert(1)",
		"java&#x09;script:alert(1)", "java\tscript:alert(1)", "java&Tab;script:alert(1)",
		"javascript&colon;alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=",
		"jav&#x0A;ascript:alert(1)", "\x01javascript:alert(1)",
	};
	char html[256];
	size_t i;

	for (i = 0; i < sizeof(hrefs) / sizeof(hrefs[0]); i++) {
		snprintf(html, sizeof(html), "<a href=\"%s\">x</a>", hrefs[i]);
		ck_assert_msg(strcmp(clean(html), "<a rel=\"noopener noreferrer\">x</a>") == 0,
			      "%s -> %s", hrefs[i], out.html);
	}
}
END_TEST

START_TEST(always_well_formed)
{
	ck_assert_str_eq(clean("<p><strong>a<em>b</p>c"), "<p><strong>a<em>b</em></strong></p>c");
	ck_assert_str_eq(clean("</div>x</p>"), "x");
	ck_assert_str_eq(clean("<ul><li>1<li>2</ul>"), "<ul><li>1<li>2</li></li></ul>");
	ck_assert_str_eq(clean("<a href=\"/x\" <b>t"), "<a href=\"/x\" rel=\"noopener noreferrer\"><b>t</b></a>");
	ck_assert_str_eq(clean("<p title='a\"b'>q</p>"), "<p title=\"a&quot;b\">q</p>");
	ck_assert_str_eq(clean("<"), "&lt;");
	ck_assert_str_eq(clean("<p"), "");
}
END_TEST

START_TEST(plain_text)
{
	ck_assert_int_eq(sanitize_text_ok("公租房申请 2026", 0), 1);
	ck_assert_int_eq(sanitize_text_ok("a\nb", 0), 0);
	ck_assert_int_eq(sanitize_text_ok("a\nb\tc", 1), 1);
	ck_assert_int_eq(sanitize_text_ok("a\x01", 1), 0);
	ck_assert_int_eq(sanitize_text_ok("a\x7f", 1), 0);
}
END_TEST

Suite *
sanitize_suite(void)
{
	Suite *s = suite_create("sanitize");
	TCase *tc = tcase_create("html");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, keeps_what_is_allowed);
	tcase_add_test(tc, removes_what_runs);
	tcase_add_test(tc, javascript_links_in_every_disguise);
	tcase_add_test(tc, always_well_formed);
	tcase_add_test(tc, plain_text);
	suite_add_tcase(s, tc);
	return s;
}
