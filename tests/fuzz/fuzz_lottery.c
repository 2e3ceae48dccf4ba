/*
 * fuzz_lottery.c — lottery proofs as `gzf lottery verify` reads them: any JSON gives
 * GZF_OK, GZF_EINVAL (malformed) or GZF_ECONFLICT (a difference, named), never a crash;
 * and whenever the input holds a valid list and randomness, the proof drawn from them
 * verifies.
 */
#include "fuzz.h"

#include <assert.h>
#include <stdio.h>

#include "core/gzf.h"
#include "domain/lottery.h"

static const char *const proof_keys[] = { "list_hash", "randomness", "seed", "order",
					  "drawn_at", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct arena *a = arena_create();
	struct lottery_randomness r = { 0 };
	struct lottery_draw d;
	struct lottery_list l;
	struct gzf_err err = { 0 };
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL), *rnd, *built;
	const char *digits, *beacon;
	int rc;

	if (!ready)
		ready = gzf_crypto_init() == GZF_OK;
	rc = lottery_proof_verify(j, &err);
	assert(rc == GZF_OK || rc == GZF_EINVAL || rc == GZF_ECONFLICT);
	assert(rc == GZF_OK || (err.name[0] != '\0' && err.message[0] != '\0'));
	if (lottery_list_from_json(a, j, proof_keys, &l, &err) == GZF_OK) {
		rnd = json_object_get(j, "randomness");
		digits = json_string_value(json_object_get(rnd, "digits"));
		beacon = json_string_value(json_object_get(rnd, "beacon"));
		snprintf(r.digits, sizeof(r.digits), "%s", digits ? digits : "");
		snprintf(r.beacon, sizeof(r.beacon), "%s", beacon ? beacon : "");
		if (lottery_draw(a, &l, &r, l.draw_at, &d, &err) == GZF_OK) {
			built = lottery_proof_build(&l, &r, &d);
			assert(lottery_proof_verify(built, &err) == GZF_OK);
			json_decref(built);
		}
	}
	json_decref(j);
	arena_destroy(a);
	return 0;
}
