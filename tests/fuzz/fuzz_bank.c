/*
 * fuzz_bank.c — what the bank sends gzf: the daily statement's CSV (bank_statement_parse)
 * and notifications (bank_verify_notification). A parsed statement is within its row
 * limit and its total is what its rows add up to; a notification is never accepted with a
 * signature gzf did not make, and one signed for real is refused only for its headers,
 * its size or its body, and accepted with the members its event needs.
 * Input: a first byte 's' (statement: the rest is the CSV), else
 * TIMESTAMP \n NONCE \n BODY (a notification).
 */
#include "fuzz.h"

#include <assert.h>

#include "partners/bank.h"

static const unsigned char key[32] = "the bank's key, thirty-two bytes";

static void
statement(struct arena *a, const uint8_t *data, size_t size)
{
	struct bank_statement st;
	struct gzf_err err = { 0 };
	int64_t sum = 0;
	int i;

	if (bank_statement_parse(a, (const char *)data, size, 1000, &st, &err) != GZF_OK) {
		assert(strcmp(err.name, "bad_statement") == 0);
		return;
	}
	assert(st.nrows <= 1000);
	for (i = 0; i < st.nrows; i++) {
		assert(st.rows[i].amount_fen >= 1 && st.rows[i].amount_fen <= BANK_MAX_AMOUNT_FEN);
		assert(bank_no_valid(st.rows[i].order_no));
		assert((st.rows[i].refund_no != NULL) == st.rows[i].refund);
		sum += st.rows[i].refund ? -st.rows[i].amount_fen : st.rows[i].amount_fen;
	}
	assert(sum == st.total_fen);
}

static void
notification(struct arena *a, const uint8_t *data, size_t size)
{
	struct bank_notification n;
	struct gzf_err err = { 0 };
	char *f[3], sig[PARTNER_SIGNATURE_HEX];
	int64_t now = 1700000000;
	size_t len;
	int rc;

	fuzz_fields(a, data, size, '\n', f, 3);
	len = strlen(f[2]);
	/* a signature made with another key is never accepted */
	bank_notify_sign((const unsigned char *)"another key of thirty-two bytes!", 32, f[0], f[1],
			 f[2], len, sig);
	rc = bank_verify_notification(key, sizeof(key), f[0], f[1], sig, f[2], len, now, a, &n, &err);
	assert(rc != GZF_OK);
	/* signed for real at its own time: refused only for a header, the size or the body */
	bank_notify_sign(key, sizeof(key), f[0], f[1], f[2], len, sig);
	gzf_err_clear(&err);
	if (gzf_parse_int(f[0], 0, INT64_C(1) << 40, &now) != GZF_OK)
		now = 1700000000;
	rc = bank_verify_notification(key, sizeof(key), f[0], f[1], sig, f[2], len, now, a, &n, &err);
	assert(rc == GZF_OK || rc == GZF_ETOOLARGE || rc == GZF_EINVAL ||
	       (rc == GZF_EUNAUTH && strcmp(err.field, "X-Bank-Signature") != 0));
	assert(strlen(n.body_sha256) == 64);
	if (rc != GZF_OK)
		return;
	assert(n.notify_id != NULL && n.event != NULL);
	if (strncmp(n.event, "agreement.", 10) == 0) {
		assert(bank_no_valid(n.agreement_no));
	} else {
		assert(bank_no_valid(n.order_no));
		assert(n.amount_fen >= 1 && n.amount_fen <= BANK_MAX_AMOUNT_FEN);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();

	if (size > 0 && data[0] == 's')
		statement(a, data + 1, size - 1);
	else
		notification(a, data, size);
	arena_destroy(a);
	return 0;
}
