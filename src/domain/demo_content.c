/*
 * demo_content.c — the demo city's published content: policies (with a national one),
 * news with pictures, the service guide for applying, questions and answers, and the
 * operation manual. The pictures are drawn here (libgd) and stored like uploads.
 */
#include <gd.h>
#include <string.h>

#include "domain/content.h"
#include "domain/demo.h"
#include "domain/media.h"
#include "store/article_store.h"
#include "store/media_store.h"
#include "store/user_store.h"

#define DEMO_CITY 230600

struct demo_article {
	int64_t city;
	const char *kind, *title, *summary, *body, *fields;
	int picture; /* 0: none; n: the body shows picture n (and it is the cover) */
};

/* {img} stands for the picture's URL in a body. */
static const struct demo_article demo_articles[] = {
	{ 0, "policy", "关于加快发展保障性租赁住房的意见", "国务院办公厅关于住房保障体系建设的指导意见。",
	  "<p>加快完善以公租房、保障性租赁住房和共有产权住房为主体的住房保障体系。</p>"
	  "<p>公租房主要面向城镇住房、收入困难家庭，实物保障与货币补贴并举。</p>",
	  "{\"doc_number\":\"国办发〔2021〕22号\",\"issuer\":\"国务院办公厅\",\"issued_on\":\"2021-06-24\"}", 0 },
	{ DEMO_CITY, "policy", "大庆市公共租赁住房管理办法", "申请条件、审核程序、配租与退出管理。",
	  "<h2>第一章 总则</h2><p>本办法适用于本市行政区域内公共租赁住房的申请、审核、配租、使用和退出管理。</p>"
	  "<h2>第二章 申请条件</h2><ul><li>家庭人均月收入低于本市规定标准；</li><li>在本市无自有住房或人均住房面积低于15平方米；</li>"
	  "<li>在本市居住或就业满一年。</li></ul>",
	  "{\"doc_number\":\"庆政规〔2025〕3号\",\"issuer\":\"大庆市人民政府\",\"issued_on\":\"2025-03-01\",\"effective_on\":\"2025-04-01\"}", 0 },
	{ DEMO_CITY, "policy", "关于公租房申请全程网办的通知", "申请、审核、签约全程网上办理，材料由10件减至6件。",
	  "<p>自即日起，公租房资格申请实行全程网办，受理和审批时限由32个工作日压缩至15个工作日。</p>",
	  "{\"doc_number\":\"庆住保发〔2025〕12号\",\"issuer\":\"大庆市住房保障中心\",\"issued_on\":\"2025-09-15\"}", 0 },
	{ DEMO_CITY, "news", "萨尔图幸福家园公租房交付使用", "新增公租房300套，拎包入住。",
	  "<p>近日，萨尔图幸福家园公租房项目正式交付，首批300套房源全部为全装修，可拎包入住。</p>"
	  "<figure><img src=\"{img}\" alt=\"幸福家园外景\"><figcaption>幸福家园外景</figcaption></figure>"
	  "<p>项目配套社区卫生服务站、超市和幼儿园。</p>", "{}", 1 },
	{ DEMO_CITY, "news", "公租房申请实现“掌上办”", "手机上就能申请、查进度、缴租金。",
	  "<p>市民在手机上即可完成公租房资格申请，10余个部门数据在线核验，无需再跑窗口。</p>"
	  "<img src=\"{img}\" alt=\"手机办理示意\">", "{}", 2 },
	{ DEMO_CITY, "news", "龙凤湖畔小区完成年度维修", "外墙保温与电梯更新已完成。", "<p>小区外墙保温、电梯更新工程已全部完工。</p>", "{}", 0 },
	{ DEMO_CITY, "guide", "公租房资格申请办事指南", "申请条件、所需材料、办理流程与时限。",
	  "<p>符合条件的家庭可通过“公租房服务”在线申请，也可到所在社区窗口办理。</p>",
	  "{\"conditions\":\"本市城镇住房、收入困难家庭；外来务工人员在本市稳定就业满一年\","
	  "\"materials\":\"身份证、户口簿（部门数据可查询的无需提交）\","
	  "\"steps\":\"在线申请→社区受理→街道审核→区级审核→部门联审→市级审批→公示\","
	  "\"time_limit\":\"15个工作日（不含公示期）\","
	  "\"offices\":\"大庆市住房保障服务中心 萨尔图区中七路28号 工作日 8:30-17:00\",\"phone\":\"0459-12345\"}", 0 },
	{ DEMO_CITY, "faq", "申请公租房需要多长时间？", "", "<p>受理和审批共15个工作日，另有7天公示期。</p>",
	  "{\"question\":\"申请公租房需要多长时间？\"}", 0 },
	{ DEMO_CITY, "faq", "需要准备哪些材料？", "", "<p>身份证和户口簿；收入、住房等信息由部门数据核验，无需提交证明。</p>",
	  "{\"question\":\"需要准备哪些材料？\"}", 0 },
	{ DEMO_CITY, "faq", "老人不会用手机怎么办？", "", "<p>可到所在社区窗口，由工作人员代为申请（需本人签字同意并提供短信验证码）。</p>",
	  "{\"question\":\"老人不会用手机怎么办？\"}", 0 },
	{ DEMO_CITY, "faq", "审核不通过可以再申请吗？", "", "<p>可以。情况变化后符合条件的，可重新提交申请。</p>",
	  "{\"question\":\"审核不通过可以再申请吗？\"}", 0 },
	{ DEMO_CITY, "faq", "租金怎么缴纳？", "", "<p>签约后可在线缴纳，也可由银行按月代扣。</p>", "{\"question\":\"租金怎么缴纳？\"}", 0 },
	{ DEMO_CITY, "manual", "公租房服务操作手册", "注册、实名认证、在线申请的操作步骤（图解）。",
	  "<h2>一、注册与实名认证</h2><p>打开“公租房服务”，点击“我的”→“登录 / 注册”，用手机号注册后完成实名认证。</p>"
	  "<img src=\"{img}\" alt=\"注册页面示意\"><h2>二、在线申请</h2><p>在“办事”中选择“资格申请”，按步骤填写并上传材料。</p>", "{}", 3 },
};

/* A picture: a sky-to-ground gradient with a building, as PNG bytes (gdFree them). */
static void *
draw_picture(int n, int *size)
{
	gdImagePtr img = gdImageCreateTrueColor(960, 540);
	void *png;
	int y, x0 = 200 + 120 * n, c;

	for (y = 0; y < 540; y++) {
		c = gdImageColorAllocate(img, 80 + y / 6, 140 + y / 8, 220 - y / 5);
		gdImageLine(img, 0, y, 959, y, c);
	}
	gdImageFilledRectangle(img, x0, 140, x0 + 260, 540, gdImageColorAllocate(img, 230, 226, 214));
	for (y = 170; y < 520; y += 50)
		for (c = 0; c < 4; c++)
			gdImageFilledRectangle(img, x0 + 25 + c * 60, y, x0 + 60 + c * 60, y + 28,
					       gdImageColorAllocate(img, 90, 130, 170));
	png = gdImagePngPtr(img, size);
	gdImageDestroy(img);
	return png;
}

/* Store picture n as an upload of the editor, public; *id gets its media id. */
static int
store_picture(struct db_conn *c, const char *data_dir, const struct user *editor, int n, int64_t *id,
	      struct gzf_err *err)
{
	struct arena *ar = db_arena(c);
	struct media m = { 0 };
	char sha[65];
	int size = 0, rc;
	void *png = draw_picture(n, &size);

	if (png == NULL)
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "the demo picture could not be drawn");
	rc = media_save(data_dir, NULL, png, (size_t)size, sha, err);
	gdFree(png);
	if (rc != GZF_OK)
		return rc;
	m = (struct media){ .city_id = DEMO_CITY, .owner_id = editor->id, .region_path = editor->region_path,
			    .purpose = "image", .name = arena_printf(ar, "demo-%d.png", n), .mime = "image/png",
			    .size = size, .sha256 = arena_strdup(ar, sha), .width = 960, .height = 540,
			    .created_at = gzf_now_ms() };
	if ((rc = media_store_create(c, &m, id, err)) != GZF_OK)
		return rc;
	return media_store_set_public(c, *id, 1, err);
}

/* The body with its {img} replaced by the picture's URL. */
static const char *
with_picture(struct arena *ar, const char *body, int64_t picture)
{
	const char *at = strstr(body, "{img}");

	if (at == NULL)
		return body;
	return arena_printf(ar, "%.*s/api/v1/media/%lld?size=display%s", (int)(at - body), body,
			    (long long)picture, at + 5);
}

int
demo_content_load(struct db_conn *c, const char *data_dir, struct gzf_err *err)
{
	struct arena *ar = db_arena(c);
	struct article_query q = { .public_city = DEMO_CITY, .limit = 1 };
	const struct demo_article *d;
	struct article a, *some;
	struct user editor;
	int64_t total, picture, now = gzf_now_ms();
	json_t *body;
	size_t i;
	int rc, n;

	/* Loaded once: the demo city has published content already. */
	if ((rc = article_store_list(c, &q, &some, &n, &total, err)) != GZF_OK)
		return rc;
	if (total > 0)
		return GZF_OK;
	if ((rc = user_store_by_username(c, "dq_editor", &editor, err)) != GZF_OK)
		return rc;
	for (i = 0; i < sizeof(demo_articles) / sizeof(demo_articles[0]); i++) {
		d = &demo_articles[i];
		picture = 0;
		if (d->picture && (rc = store_picture(c, data_dir, &editor, d->picture, &picture, err)) != GZF_OK)
			return rc;
		body = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I}", "kind", d->kind, "title", d->title,
				 "summary", d->summary, "body_html",
				 with_picture(ar, d->body, picture),
				 "fields", json_loads(d->fields, 0, NULL), "cover_media_id", (json_int_t)picture);
		memset(&a, 0, sizeof(a));
		/* a's texts point into body until it is stored. */
		if ((rc = content_apply(ar, body, 1, &a, err)) == GZF_OK) {
			a.city_id = d->city;
			a.status = "published";
			a.author_id = editor.id;
			/* A day apart, the last of the list the newest. */
			a.created_at = a.updated_at = a.published_at =
				now - (int64_t)(sizeof(demo_articles) / sizeof(demo_articles[0]) - i) * 86400000LL;
			if ((rc = article_store_create(c, &a, &a.id, err)) == GZF_OK)
				rc = content_show_media(c, &a, err);
		}
		json_decref(body);
		if (rc != GZF_OK)
			return rc;
	}
	return GZF_OK;
}
