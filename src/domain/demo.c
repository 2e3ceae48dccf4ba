/*
 * demo.c — demonstration data. Codes are the official administrative division codes
 * (GB/T 2260) down to county level; below it (streets, communities) they follow the
 * statistical division code scheme (county code + 3 + 3 digits) and are to be checked
 * against the city's own list when it onboards.
 *
 * The demo staff all use DEMO_PASSWORD; `gzf demo` prints their usernames. They exist
 * so a demonstration can log in to the staff console: never load the demo data into a
 * production database.
 */
#include "domain/demo.h"
#include "core/crypto.h"
#include "domain/audit.h"
#include "domain/eligibility.h"
#include "store/eligibility_store.h"
#include "store/region_store.h"
#include "store/user_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int load_rules(struct db_conn *c, struct gzf_err *err);

static const struct region demo_regions[] = {
	{ 100000, 0, "nation", "中华人民共和国", "People's Republic of China", 0, NULL, NULL, NULL },
	{ 110000, 100000, "province", "北京市", "Beijing", 0, NULL, NULL, NULL },
	{ 110100, 110000, "city", "北京市", "Beijing", 110100, NULL, NULL, NULL },
	{ 230000, 100000, "province", "黑龙江省", "Heilongjiang", 0, NULL, NULL, NULL },
	{ 230100, 230000, "city", "哈尔滨市", "Harbin", 230100, NULL, NULL, NULL },
	{ 230200, 230000, "city", "齐齐哈尔市", "Qiqihar", 230200, NULL, NULL, NULL },
	{ 230600, 230000, "city", "大庆市", "Daqing", 230600, NULL, "大庆市萨尔图区东风路 8 号 住房保障服务中心", "0459-4661234" },
	{ 230602, 230600, "district", "萨尔图区", "Saertu District", 230600, NULL, "萨尔图区纬二路 20 号 区住房保障科", "0459-4662001" },
	{ 230602001, 230602, "street", "萨尔图街道", "Saertu Subdistrict", 230600, NULL, "萨尔图街道中央大街 45 号 街道便民服务大厅", "0459-4663001" },
	{ 230602001001, 230602001, "community", "萨尔图社区", "Saertu Community", 230600, NULL, "萨尔图区中央大街 51 号 萨尔图社区服务站", "0459-4663101" },
	{ 230602001002, 230602001, "community", "新华社区", "Xinhua Community", 230600, NULL, "萨尔图区新华路 12 号 新华社区服务站", "0459-4663102" },
	{ 230602002, 230602, "street", "会战街道", "Huizhan Subdistrict", 230600, NULL, "会战大街 88 号 会战街道便民服务大厅", "0459-4664001" },
	{ 230602002001, 230602002, "community", "会战社区", "Huizhan Community", 230600, NULL, "会战大街 90 号 会战社区服务站", "0459-4664101" },
	{ 230602002002, 230602002, "community", "石油社区", "Shiyou Community", 230600, NULL, "石油路 6 号 石油社区服务站", "0459-4664102" },
	{ 230602003, 230602, "street", "铁人街道", "Tieren Subdistrict", 230600, NULL, "铁人大道 30 号 铁人街道便民服务大厅", "0459-4665001" },
	{ 230602003001, 230602003, "community", "铁人社区", "Tieren Community", 230600, NULL, "铁人大道 32 号 铁人社区服务站", "0459-4665101" },
	{ 230602004, 230602, "street", "友谊街道", "Youyi Subdistrict", 230600, NULL, "友谊大街 15 号 友谊街道便民服务大厅", "0459-4666001" },
	{ 230602004001, 230602004, "community", "友谊社区", "Youyi Community", 230600, NULL, "友谊大街 17 号 友谊社区服务站", "0459-4666101" },
	{ 230603, 230600, "district", "龙凤区", "Longfeng District", 230600, NULL, "龙凤区龙凤大街 2 号 区住房保障科", "0459-4667001" },
	{ 230603001, 230603, "street", "龙凤街道", "Longfeng Subdistrict", 230600, NULL, "龙凤大街 10 号 龙凤街道便民服务大厅", "0459-4667101" },
	{ 230603001001, 230603001, "community", "龙凤社区", "Longfeng Community", 230600, NULL, "龙凤大街 12 号 龙凤社区服务站", "0459-4667201" },
	{ 230604, 230600, "district", "让胡路区", "Ranghulu District", 230600, NULL, NULL, NULL },
	{ 230605, 230600, "district", "红岗区", "Honggang District", 230600, NULL, NULL, NULL },
	{ 230606, 230600, "district", "大同区", "Datong District", 230600, NULL, NULL, NULL },
	{ 230621, 230600, "district", "肇州县", "Zhaozhou County", 230600, NULL, NULL, NULL },
	{ 230622, 230600, "district", "肇源县", "Zhaoyuan County", 230600, NULL, NULL, NULL },
	{ 230623, 230600, "district", "林甸县", "Lindian County", 230600, NULL, NULL, NULL },
	{ 230624, 230600, "district", "杜尔伯特蒙古族自治县", "Durbet Mongol Autonomous County", 230600, NULL, NULL, NULL },
	{ 330000, 100000, "province", "浙江省", "Zhejiang", 0, NULL, NULL, NULL },
	{ 330100, 330000, "city", "杭州市", "Hangzhou", 330100, NULL, NULL, NULL },
	{ 440000, 100000, "province", "广东省", "Guangdong", 0, NULL, NULL, NULL },
	{ 440100, 440000, "city", "广州市", "Guangzhou", 440100, NULL, NULL, NULL },
	{ 440300, 440000, "city", "深圳市", "Shenzhen", 440300, NULL, NULL, NULL },
	{ 510000, 100000, "province", "四川省", "Sichuan", 0, NULL, NULL, NULL },
	{ 510100, 510000, "city", "成都市", "Chengdu", 510100, NULL, NULL, NULL },
};

/* Staff to log in with, one for each kind of work the demonstration shows. */
struct demo_staff {
	const char *username;
	const char *display_name;
	const char *role;
	int64_t region;
	const char *phone;
};

static const struct demo_staff demo_staff[] = {
	{ "admin", "系统管理员", "system_admin", 100000, "13900000001" },
	{ "moh_supervisor", "住建部监管", "ministry_supervisor", 100000, "13900000002" },
	{ "hlj_supervisor", "黑龙江省监管", "province_supervisor", 230000, "13900000003" },
	{ "dq_admin", "大庆市管理员", "city_admin", 230600, "13900000004" },
	{ "dq_approver", "大庆市审批", "city_approver", 230600, "13900000005" },
	{ "dq_housing", "大庆市房源管理", "housing_manager", 230600, "13900000006" },
	{ "dq_finance", "大庆市财务", "finance_officer", 230600, "13900000007" },
	{ "dq_editor", "大庆市内容编辑", "content_editor", 230600, "13900000008" },
	{ "dq_tickets", "大庆市工单", "ticket_handler", 230600, "13900000009" },
	{ "sartu_reviewer", "萨尔图区审核", "district_reviewer", 230602, "13900000010" },
	{ "sartu_street", "萨尔图街道审核", "street_reviewer", 230602001, "13900000011" },
	{ "sz_clerk", "萨尔图社区受理", "community_clerk", 230602001001, "13900000012" },
	{ "dq_notary", "大庆市公证处公证员", "notary", 230600, "13900000013" },
};

/* Create the demo staff that do not exist yet. */
/* Daqing's eligibility rules (the engine's built-in ones, stored as the city's own so
 * the staff console shows them as set), unless the city already has some. */
static int
load_rules(struct db_conn *c, struct gzf_err *err)
{
	const char *text;
	char *rules;
	json_t *r;
	int rc;

	rc = eligibility_store_get(c, 230600, &text, NULL, NULL, err);
	if (rc != GZF_ENOTFOUND)
		return rc;
	r = eligibility_rules_default();
	rules = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(r);
	rc = eligibility_store_put(c, 230600, rules, 0, gzf_now_ms(), err);
	free(rules);
	return rc;
}

static int
load_staff(struct db_conn *c, const struct secrets *s, int *created, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	char pwhash[CRYPTO_PWHASH_MAX], hash[CRYPTO_HASH_HEX];
	struct region region;
	struct user u, existing;
	size_t i;
	int rc;

	*created = 0;
	for (i = 0; i < sizeof(demo_staff) / sizeof(demo_staff[0]); i++) {
		const struct demo_staff *d = &demo_staff[i];

		rc = user_store_by_username(c, d->username, &existing, err);
		if (rc == GZF_OK)
			continue;
		if (rc != GZF_ENOTFOUND)
			return rc;
		if ((rc = region_store_get(c, d->region, &region, err)) != GZF_OK)
			return rc;
		if (crypto_password_hash(DEMO_PASSWORD, pwhash) != GZF_OK)
			return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "password hashing failed");
		memset(&u, 0, sizeof(u));
		u.kind = "staff";
		u.city_id = region.city_id;
		u.region_code = region.code;
		u.role = d->role;
		u.username = d->username;
		crypto_seal(a, s->data_key, d->display_name, (char **)&u.display_name_enc);
		/* The same keyed hash the API looks phone numbers up by. */
		crypto_keyed_hash(s->index_key, arena_printf(a, "phone:%s", d->phone), hash);
		u.phone_hash = hash;
		crypto_seal(a, s->data_key, d->phone, (char **)&u.phone_enc);
		u.password_hash = pwhash;
		u.created_at = gzf_now_ms();
		if ((rc = user_store_create(c, &u, &u.id, err)) != GZF_OK)
			return rc;
		++*created;
	}
	return GZF_OK;
}

int
demo_load(struct db *db, const struct secrets *s, const char *data_dir, int *regions, int *staff,
	  struct gzf_err *err)
{
	struct arena *a = arena_create();
	struct db_conn *c = NULL;
	unsigned char key[AUDIT_KEY_BYTES];
	const struct audit_entry loaded = {
		.actor_kind = "system", .action = "demo.load", .result = "ok",
	};
	size_t i;
	int rc, queued = 0;

	if ((rc = db_acquire(db, a, &c, err)) != GZF_OK)
		goto out;
	if ((rc = db_begin(c, err)) != GZF_OK)
		goto out;
	for (i = 0; i < sizeof(demo_regions) / sizeof(demo_regions[0]); i++)
		if ((rc = region_store_put(c, &demo_regions[i], err)) != GZF_OK)
			goto out;
	if ((rc = load_staff(c, s, staff, err)) != GZF_OK ||
	    (rc = load_rules(c, err)) != GZF_OK)
		goto out;
	if ((rc = demo_housing_load(c, err)) != GZF_OK ||
	    (rc = demo_queue_load(c, s, &queued, err)) != GZF_OK ||
	    (rc = demo_apps_load(c, s, data_dir, err)) != GZF_OK ||
	    (queued && (rc = demo_queue_events(c, s, err)) != GZF_OK) ||
	    (rc = demo_allocation_load(c, err)) != GZF_OK ||
	    (rc = demo_selection_load(c, err)) != GZF_OK ||
	    (rc = demo_rent_rules_load(c, err)) != GZF_OK ||
	    (rc = demo_lease_load(c, s, data_dir, err)) != GZF_OK ||
	    (rc = demo_subsidy_load(c, s, err)) != GZF_OK ||
	    (rc = demo_content_load(c, data_dir, err)) != GZF_OK ||
	    (rc = demo_bills_load(c, err)) != GZF_OK ||
	    (rc = demo_payments_load(c, gzf_now_ms(), err)) != GZF_OK ||
	    (rc = demo_recon_load(c, err)) != GZF_OK)
		goto out;
	audit_key(s, key);
	if ((rc = audit_record(c, key, &loaded, err)) != GZF_OK)
		goto out;
	rc = db_commit(c, err);
	if (rc == GZF_OK && regions != NULL)
		*regions = (int)i;
out:
	db_release(c);
	arena_destroy(a);
	return rc;
}
