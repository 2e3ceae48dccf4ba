/*
 * eligibility.h — the per-city eligibility rule engine. A city's rules (JSON) are checked
 * against an application's declared household and the departments' evidence; each
 * criterion says pass / fail / unknown with the figures and the evidence used. The
 * reviewers decide; the engine explains. No HTTP here; the rules are read from the store.
 *
 * Rules JSON (every member required; a null limit, where allowed, is not checked):
 *   {"income_fen_month_per_capita_max":200000, "area_m2_per_capita_max":15,
 *    "property_in_city_max":0, "vehicles_max":null, "vehicle_value_fen_max":10000000,
 *    "business_value_fen_max":0, "residence_or_employment_years_min":1,
 *    "priority_groups":["dibao","tekun","disabled","elderly"], "elderly_age_min":60}
 */
#ifndef GZF_DOMAIN_ELIGIBILITY_H
#define GZF_DOMAIN_ELIGIBILITY_H

#include <jansson.h>
#include <stdint.h>

#include "core/gzf.h"
#include "store/db.h"

/* The largest whole figure (fen, a count) a rule or a figure may hold: a billion yuan.
 * The engine reads any figure beyond it (or below 0) as that bound, so no sum overflows. */
#define ELIGIBILITY_WHOLE_MAX 100000000000LL

/*
 * eligibility_evaluate — evaluate rules against household (the application's declared
 * data) and evidence (dept_check_household's array; may be NULL or empty: criteria that
 * need it are then "unknown" unless the declaration alone already fails them).
 * *criteria (a new reference) gets:
 *   [{"code":"income_per_capita","result":"pass"|"fail"|"unknown","limit":...,"value":...,
 *     "unit":"fen_month"|"m2"|"count"|"fen"|"years","declared":...,
 *     "evidence":[{"source","reference","fetched_ms"}],"note":"..."}]
 * plus a "priority" entry (result "pass" with the groups found, never a failure).
 * Codes: income_per_capita, area_per_capita, property_in_city, vehicles, business_shares,
 * residence_years, data_consistency, priority.
 * *overall (static string): "fail" if any criterion fails, else "unknown" if any is
 * unknown, else "pass". GZF_EINVAL when household is not an object.
 */
int eligibility_evaluate(const json_t *rules, const json_t *household, const json_t *evidence,
			 json_t **criteria, const char **overall, struct gzf_err *err);

/*
 * eligibility_rules_get — the rules of city_id (a new reference in *rules; 0 = none, never
 * negative); the default rules (eligibility_rules_default) when the city has none stored.
 */
int eligibility_rules_get(struct db_conn *c, int64_t city_id, json_t **rules,
			  struct gzf_err *err);

/* eligibility_rules_default — the built-in rules (the demo city's), a new reference. */
json_t *eligibility_rules_default(void);

/* eligibility_rules_check — GZF_EINVAL (field = the member; name "bad_rule", "unknown_rule"
 * or "required") unless rules is a complete set: every rule present, no unknown member,
 * each value of the right type and range; only the asset limits (property, vehicles,
 * vehicle value, business value) may be null. */
int eligibility_rules_check(const json_t *rules, struct gzf_err *err);

#endif
