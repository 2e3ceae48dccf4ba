/*
 * fuzz_rent.c — a city's rent rules (what PUT /api/v1/cities/:city/rent-rules takes)
 * through rent_config_parse; for rules it accepts, the month's rent of the smallest and
 * largest unit for every household a reduction names, a partial month and the late fee
 * of the first and last dates must keep their contracts. The input is the JSON.
 */
#include "fuzz.h"

#include <assert.h>
#include <jansson.h>

#include "domain/housing.h"
#include "domain/rent.h"

static const int64_t areas[] = { HOUSING_AREA_MIN_DM2, 4567, HOUSING_AREA_MAX_DM2 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rent_config cfg;
	struct rent_household h;
	struct rent_lines full, part;
	struct gzf_err err;
	int64_t fee;
	json_t *j;
	int v, r, a, rc;

	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (j == NULL)
		return 0;
	gzf_err_clear(&err);
	rc = rent_config_parse(j, &cfg, &err);
	json_decref(j);
	assert(rc == GZF_OK || (rc == GZF_EINVAL && err.code == GZF_EINVAL && err.name[0] != '\0'));
	if (rc != GZF_OK)
		return 0;
	assert(cfg.nversions >= 1 && cfg.nversions <= RENT_VERSIONS_MAX);
	for (v = 0; v < cfg.nversions; v++) {
		int month = cfg.versions[v].effective / 100;

		assert(v == 0 || cfg.versions[v].effective > cfg.versions[v - 1].effective);
		for (r = 0; r <= cfg.versions[v].nreductions; r++) {
			h.category = r < cfg.versions[v].nreductions ? cfg.versions[v].reductions[r].category : "";
			h.income_band = r < cfg.versions[v].nreductions ? cfg.versions[v].reductions[r].income_band : 0;
			for (a = 0; a < 3; a++) {
				rc = rent_month(&cfg, month, areas[a], &h, &full, NULL);
				/* Refused only when no version is in force on the month's first day. */
				assert(rc == GZF_OK || cfg.versions[0].effective > month * 100 + 1);
				if (rc != GZF_OK)
					continue;
				assert(full.reduction_fen >= 0 && full.reduction_fen <= full.rent_fen &&
				       full.due_fen == full.rent_fen - full.reduction_fen);
				assert(rent_prorate(&full, month * 100 + 1, month * 100 + 1, &part, NULL) == GZF_OK);
				assert(part.due_fen >= 0 && part.rent_fen <= full.rent_fen);
				assert(rent_late_fee(&cfg.late, full.due_fen, 19700101, 20991231, &fee, NULL) == GZF_OK);
				assert(fee >= 0 && fee <= full.due_fen * cfg.late.cap_bp / 10000 &&
				       (cfg.late.cap_fen == 0 || fee <= cfg.late.cap_fen));
				assert(rent_deposit(&cfg, full.due_fen) == cfg.deposit_months * full.due_fen);
			}
		}
	}
	return 0;
}
