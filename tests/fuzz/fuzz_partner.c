/*
 * fuzz_partner.c — the partner protocol's verifier on any request: never accepts a
 * signature it did not make, and always accepts the one partner_sign makes for the same
 * request when the headers are well-formed and the clock agrees.
 * Input: METHOD \n PATH \n KEY-ID \n TIMESTAMP \n NONCE \n SIGNATURE \n BODY.
 */
#include "fuzz.h"

#include <assert.h>

#include "partners/partner.h"

static const unsigned char key[32] = "a key of thirty-two bytes, fixed";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	struct gzf_err err = { 0 };
	char *f[7], sig[PARTNER_SIGNATURE_HEX];
	struct partner_signed r;
	int64_t ts = 0, now = 1700000000;
	int rc;

	fuzz_fields(a, data, size, '\n', f, 7);
	r = (struct partner_signed){ .method = f[0], .path = f[1], .key_id = f[2], .timestamp = f[3],
				     .nonce = f[4], .signature = f[5], .body = f[6], .body_len = strlen(f[6]) };
	rc = partner_verify(key, sizeof(key), &r, now, &ts, &err);
	assert(rc == GZF_OK || (rc == GZF_EUNAUTH && err.field[0] != '\0'));
	/* Signed for real, the same request passes unless a header is malformed. */
	partner_sign(key, sizeof(key), r.method, r.path, r.timestamp, r.nonce, r.body, r.body_len, sig);
	r.signature = sig;
	gzf_err_clear(&err);
	rc = partner_verify(key, sizeof(key), &r, ts, &ts, &err);
	assert(rc == GZF_OK || strcmp(err.name, "bad_signature") == 0);
	assert(rc == GZF_OK || strcmp(err.field, "X-Gzf-Signature") != 0);
	arena_destroy(a);
	return 0;
}
