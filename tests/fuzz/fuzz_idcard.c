/*
 * fuzz_idcard.c — GB 11643 identity numbers: the check on any string, and for what it
 * accepts, the normalised form, the birth date and the sex agree with the number, and
 * idcard_make rebuilds the same number.
 */
#include "fuzz.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "domain/idcard.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	char *id = arena_strndup(a, (const char *)data, size), norm[19], made[19];
	struct gzf_err err = { 0 };
	int rc = idcard_check(id, &err);

	idcard_normalise(id, norm);
	assert(strlen(norm) <= 18);
	if (rc == GZF_OK) {
		int region = atoi(arena_strndup(a, norm, 6)), seq = atoi(arena_strndup(a, norm + 14, 3));

		assert(strlen(id) == 18);
		assert(idcard_birth(norm) >= 19000101);
		idcard_make(region, idcard_birth(norm), seq, made);
		assert(strcmp(made, norm) == 0);
		assert(idcard_is_male(norm) == seq % 2);
	} else {
		assert(rc == GZF_EINVAL && strcmp(err.field, "id_number") == 0);
	}
	arena_destroy(a);
	return 0;
}
