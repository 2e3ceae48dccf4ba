/*
 * fuzz_json.c — the JSON bodies of the main resources through the code the handlers use
 * to check them, with no database: an application draft's household (as saved, and as
 * submitted), a content article (created, and applied to an existing one), a housing
 * unit. The first byte picks the resource; the rest is the body.
 */
#include "fuzz.h"

#include <assert.h>
#include <jansson.h>

#include "api/housing.h"
#include "domain/content.h"
#include "domain/sanitize.h"
#include "domain/workflow.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct http_req *req;
	struct article art;
	struct unit u;
	json_t *body;
	int persons, rc;
	int64_t building;

	if (size < 1)
		return 0;
	body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
	if (body == NULL)
		return 0;
	a = arena_create();
	req = arena_alloc(a, sizeof(*req));
	req->arena = a;
	switch (data[0] % 3) {
	case 0:
		rc = workflow_household_check(body, data[0] & 4 ? 1 : 0, &persons, &req->err);
		assert(rc == GZF_OK || (rc == GZF_EINVAL && req->err.code == GZF_EINVAL));
		break;
	case 1:
		art = (struct article){ .kind = "policy", .title = "t", .body_html = "<p>x</p>",
					.fields = "{}", .media = "[]", .status = "draft" };
		rc = content_apply(a, body, data[0] & 4 ? 1 : 0, &art, &req->err);
		assert(rc == GZF_OK || req->err.code == rc);
		if (rc == GZF_OK) {
			int64_t ids[SANITIZE_MAX_MEDIA + 1];

			assert(art.kind != NULL && art.title != NULL && art.body_html != NULL);
			assert(content_media(&art, ids, SANITIZE_MAX_MEDIA + 1) <= SANITIZE_MAX_MEDIA + 1);
		}
		break;
	default:
		u = (struct unit){ 0 };
		rc = api_unit_fields(req, body, &u, &building);
		assert(rc == GZF_OK || req->err.code == rc);
		if (rc == GZF_OK)
			assert(u.usable_area_dm2 <= u.floor_area_dm2 && building > 0);
		break;
	}
	json_decref(body);
	arena_destroy(a);
	return 0;
}
