/*
 * unit.h — the unit-test suites (Check). Each tests/unit/test_*.c file defines one
 * suite constructor; main.c runs them all.
 */
#ifndef GZF_TESTS_UNIT_H
#define GZF_TESTS_UNIT_H

#include <check.h>

#include "store/db.h"

Suite *arena_suite(void);
Suite *router_suite(void);
Suite *config_suite(void);
Suite *db_suite(void);
Suite *partner_suite(void);
Suite *core_suite(void);
Suite *audit_suite(void);
Suite *crypto_suite(void);
Suite *idcard_suite(void);
Suite *pii_suite(void);
Suite *calendar_suite(void);
/* unit_db.c: a fresh migrated database — SQLite, or with pgsql a new database on the
 * server at GZF_TEST_PG_URL — and its removal. */
struct unit_db { int pgsql; char name[64]; };
struct db *unit_db_fresh(struct unit_db *u, int pgsql, int pool);
void unit_db_done(struct unit_db *u, struct db *db);
/* unit_db_city_estate — in c: the regions down to Daqing's 萨尔图区 (230602), a resident
 * account (*owner), and an estate of that district (*estate_id) with one building
 * (*building_id), all made at now. */
void unit_db_city_estate(struct db_conn *c, int64_t now, int64_t *owner, int64_t *estate_id,
			 int64_t *building_id);
/* unit_pg_wanted — 1 when GZF_TEST_PG_URL names a server for the PostgreSQL cases of s.
 * Without one they are skipped, except in CI (CI set and not "false"): then a case that
 * fails, saying why, is added to s instead. */
int unit_pg_wanted(Suite *s);
Suite *eligibility_suite(void);
Suite *housing_suite(void);
Suite *rent_suite(void);
Suite *ledger_suite(void);
Suite *workflow_suite(void);
Suite *review_suite(void);
Suite *fsm_suite(void);
Suite *sanitize_suite(void);
Suite *media_suite(void);
Suite *lottery_suite(void);
Suite *queue_suite(void);
Suite *idempotency_suite(void);
Suite *payment_suite(void);
Suite *refund_suite(void);
Suite *allocation_suite(void);
Suite *selection_suite(void);
Suite *lease_suite(void);
Suite *pdf_suite(void);
Suite *subsidy_suite(void);
Suite *recon_suite(void);
Suite *billing_suite(void);
Suite *subsidy_batch_suite(void);

#endif
