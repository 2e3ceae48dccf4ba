/*
 * demo_housing.c — the demo city's housing stock: a few estates in Daqing with their
 * buildings and units, most of them published, so the listings have something real.
 */
#include "domain/demo.h"
#include "domain/housing.h"
#include "store/housing_store.h"
#include "store/region_store.h"

struct demo_estate {
	const char *name;
	int64_t region;
	const char *address;
	int64_t lng_e6, lat_e6;
	const char *facilities;
	const char *transport;
	int units;          /* per building; two buildings */
	int64_t rent_base;  /* fen */
};

static const struct demo_estate demo_estates[] = {
	{ "萨尔图幸福家园", 230602001, "萨尔图区中七路28号", 125103784, 46589309,
	  "社区卫生服务站 超市 幼儿园 健身广场", "公交11路、36路 萨尔图站", 6, 52000 },
	{ "龙凤湖畔公租房小区", 230603001, "龙凤区龙凤大街66号", 125145612, 46532270,
	  "菜市场 小学 社区医院", "", 5, 45000 },
	{ "让胡路铁人家园", 230604, "让胡路区西宾路9号", 124868329, 46652545,
	  "超市 中学 公园 停车场", "公交2路 让胡路站", 4, 48000 },
};

static const char *const layouts[] = { "一室一厅", "两室一厅", "一室", "两室一厅", "三室一厅", "一室一厅" };
static const int64_t areas[] = { 4550, 6280, 3800, 6520, 8900, 4810 };

int
demo_housing_load(struct db_conn *c, struct gzf_err *err)
{
	struct arena *a = db_arena(c);
	int64_t now = gzf_now_ms(), estate_id, building_id, unit_id, published;
	struct region region;
	size_t i;
	int b, k, rc;

	for (i = 0; i < sizeof(demo_estates) / sizeof(demo_estates[0]); i++) {
		const struct demo_estate *d = &demo_estates[i];
		struct estate e = { 0 };

		if ((rc = region_store_get(c, d->region, &region, err)) != GZF_OK)
			return rc;
		e.city_id = region.city_id;
		e.region_code = region.code;
		e.region_path = region.path;
		e.district_code = housing_district_of(region.path);
		e.name = d->name;
		e.address = d->address;
		e.has_position = 1;
		e.lng_e6 = d->lng_e6;
		e.lat_e6 = d->lat_e6;
		e.facilities = d->facilities;
		e.transport = d->transport;
		e.near_transport = *d->transport != '\0';
		e.created_at = now;
		if ((rc = housing_store_estate_save(c, &e, 1, &estate_id, err)) != GZF_OK)
			return rc;
		for (b = 1; b <= 2; b++) {
			struct building bd = { .city_id = e.city_id, .estate_id = estate_id,
					       .name = arena_printf(a, "%d号楼", b), .floors = 6 };

			if ((rc = housing_store_building_save(c, &bd, 1, &building_id, err)) != GZF_OK)
				return rc;
			for (k = 0; k < d->units; k++) {
				struct unit u = {
					.city_id = e.city_id, .estate_id = estate_id, .building_id = building_id,
					.district_code = e.district_code, .region_path = e.region_path,
					.unit_no = arena_printf(a, "%d0%d", k / 2 + 1, k % 2 + 1),
					.layout = layouts[k % 6], .floor_area_dm2 = areas[k % 6],
					.usable_area_dm2 = areas[k % 6] * 85 / 100, .floor = k / 2 + 1,
					.orientation = k % 2 ? "南北" : "南", .fitted = (k + b) % 2,
					.rent_fen = d->rent_base + areas[k % 6] * 4 + b * 1000,
					.near_transport = e.near_transport, .created_at = now,
				};
				if ((rc = housing_store_unit_save(c, &u, 1, &unit_id, err)) != GZF_OK)
					return rc;
			}
		}
		/* The last estate stays unpublished: staff see it, the public does not. */
		if (i + 1 < sizeof(demo_estates) / sizeof(demo_estates[0]) &&
		    (rc = housing_store_estate_publish(c, estate_id, now, &published, err)) != GZF_OK)
			return rc;
	}
	return GZF_OK;
}
