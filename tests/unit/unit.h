/*
 * unit.h — the unit-test suites (Check). Each tests/unit/test_*.c file defines one
 * suite constructor; main.c runs them all.
 */
#ifndef GZF_TESTS_UNIT_H
#define GZF_TESTS_UNIT_H

#include <check.h>

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

#endif
