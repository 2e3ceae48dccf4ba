/*
 * demo.c — demonstration data. Codes are the official administrative division codes
 * (GB/T 2260).
 */
#include "domain/demo.h"
#include "store/store.h"

static const struct region demo_regions[] = {
	{ 100000, 0, "nation", "中华人民共和国", "People's Republic of China", 0 },
	{ 110000, 100000, "province", "北京市", "Beijing", 0 },
	{ 110100, 110000, "city", "北京市", "Beijing", 110100 },
	{ 230000, 100000, "province", "黑龙江省", "Heilongjiang", 0 },
	{ 230100, 230000, "city", "哈尔滨市", "Harbin", 230100 },
	{ 230200, 230000, "city", "齐齐哈尔市", "Qiqihar", 230200 },
	{ 230600, 230000, "city", "大庆市", "Daqing", 230600 },
	{ 230602, 230600, "district", "萨尔图区", "Saertu District", 230600 },
	{ 230603, 230600, "district", "龙凤区", "Longfeng District", 230600 },
	{ 230604, 230600, "district", "让胡路区", "Ranghulu District", 230600 },
	{ 230605, 230600, "district", "红岗区", "Honggang District", 230600 },
	{ 230606, 230600, "district", "大同区", "Datong District", 230600 },
	{ 230621, 230600, "district", "肇州县", "Zhaozhou County", 230600 },
	{ 230622, 230600, "district", "肇源县", "Zhaoyuan County", 230600 },
	{ 230623, 230600, "district", "林甸县", "Lindian County", 230600 },
	{ 230624, 230600, "district", "杜尔伯特蒙古族自治县", "Durbet Mongol Autonomous County", 230600 },
	{ 330000, 100000, "province", "浙江省", "Zhejiang", 0 },
	{ 330100, 330000, "city", "杭州市", "Hangzhou", 330100 },
	{ 440000, 100000, "province", "广东省", "Guangdong", 0 },
	{ 440100, 440000, "city", "广州市", "Guangzhou", 440100 },
	{ 440300, 440000, "city", "深圳市", "Shenzhen", 440300 },
	{ 510000, 100000, "province", "四川省", "Sichuan", 0 },
	{ 510100, 510000, "city", "成都市", "Chengdu", 510100 },
};

int
demo_load(struct db *db, int *regions, struct gzf_err *err)
{
	struct arena *a = arena_create();
	struct db_conn *c = NULL;
	size_t i;
	int rc;

	if ((rc = db_acquire(db, a, &c, err)) != GZF_OK)
		goto out;
	if ((rc = db_begin(c, err)) != GZF_OK)
		goto out;
	for (i = 0; i < sizeof(demo_regions) / sizeof(demo_regions[0]); i++)
		if ((rc = store_region_put(c, &demo_regions[i], err)) != GZF_OK)
			goto out;
	rc = db_commit(c, err);
	if (rc == GZF_OK && regions != NULL)
		*regions = (int)i;
out:
	db_release(c);
	arena_destroy(a);
	return rc;
}
