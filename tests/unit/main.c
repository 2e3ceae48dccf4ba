/* main.c — run every unit suite; exit 1 if any check fails. */
#include <stdlib.h>

#include "core/gzf.h"
#include "unit.h"

int
main(void)
{
	SRunner *sr = srunner_create(core_suite());
	int failed;

	gzf_crypto_init();
	srunner_add_suite(sr, arena_suite());
	srunner_add_suite(sr, pdf_suite());
	srunner_add_suite(sr, router_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, db_suite());
	srunner_add_suite(sr, audit_suite());
	srunner_add_suite(sr, partner_suite());
	srunner_add_suite(sr, crypto_suite());
	srunner_add_suite(sr, idcard_suite());
	srunner_add_suite(sr, pii_suite());
	srunner_add_suite(sr, calendar_suite());
	srunner_add_suite(sr, eligibility_suite());
	srunner_add_suite(sr, housing_suite());
	srunner_add_suite(sr, rent_suite());
	srunner_add_suite(sr, ledger_suite());
	srunner_add_suite(sr, subsidy_suite());
	srunner_add_suite(sr, subsidy_batch_suite());
	srunner_add_suite(sr, workflow_suite());
	srunner_add_suite(sr, review_suite());
	srunner_add_suite(sr, fsm_suite());
	srunner_add_suite(sr, sanitize_suite());
	srunner_add_suite(sr, media_suite());
	srunner_add_suite(sr, lottery_suite());
	srunner_add_suite(sr, queue_suite());
	srunner_add_suite(sr, idempotency_suite());
	srunner_add_suite(sr, payment_suite());
	srunner_add_suite(sr, refund_suite());
	srunner_add_suite(sr, recon_suite());
	srunner_add_suite(sr, allocation_suite());
	srunner_add_suite(sr, selection_suite());
	srunner_add_suite(sr, billing_suite());
	srunner_add_suite(sr, lease_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
