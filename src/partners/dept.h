/*
 * dept.h — the department data services (部门联审): household registration, real estate,
 * civil affairs, vehicles, business registration, provident fund, social insurance, income
 * tax, marriage and disability records, over the signed-JSON protocol
 * (docs/partners/departments.md). Each source is asked about every person of a household;
 * what they answer is kept as evidence with its source, reference and time.
 */
#ifndef GZF_PARTNERS_DEPT_H
#define GZF_PARTNERS_DEPT_H

#include <jansson.h>

#include "core/gzf.h"
#include "partners/partner.h"

enum dept_source {
	DEPT_HUKOU,      /* 户籍 {registered_city, since_year} */
	DEPT_ESTATE,     /* 不动产 {properties:[{city, area_m2}]} */
	DEPT_CIVIL,      /* 民政 {dibao, tekun} */
	DEPT_VEHICLE,    /* 车辆 {vehicles, value_fen} */
	DEPT_BUSINESS,   /* 工商 {shares:[{company, value_fen}]} */
	DEPT_FUND,       /* 公积金 {employer, monthly_fen, years} */
	DEPT_SOCIAL,     /* 社保 {employer, months_in_city} */
	DEPT_TAX,        /* 个税 {annual_income_fen} */
	DEPT_MARRIAGE,   /* 婚姻 {status, spouse_id_number} */
	DEPT_DISABILITY, /* 残联 {level: 0..4} */
	DEPT_COUNT
};

/* dept_source_name — "hukou", "estate", "civil", "vehicle", "business", "fund", "social",
 * "tax", "marriage", "disability". */
const char *dept_source_name(enum dept_source s);

/* dept_source_from_name — the source called name; GZF_ENOTFOUND if none. */
int dept_source_from_name(const char *name, enum dept_source *out);

/*
 * dept_check_household — ask every source about every person of a household (persons: a
 * JSON array of {"id_number","name","relation"}). *evidence (a new reference for the
 * caller) receives a JSON array, one entry per source in enum order:
 *   {"source":"estate","status":"ok"|"unavailable","reason":"...","fetched_ms":...,
 *    "reference":"<partner's reply id>","persons":[{"id_number":"...","facts":{...}}]}
 * A source that is down or answers badly gives status "unavailable" with the reason in
 * plain words (never an error for the whole call). GZF_EINVAL when persons is not an
 * array of objects with an id_number.
 */
int dept_check_household(struct partners *p, const json_t *persons, json_t **evidence,
			 struct gzf_err *err);

/* dept_evidence_unavailable — the number of "unavailable" entries in evidence, and (when
 * reasons is not NULL) a short text naming them and why, written into reasons (cap n). */
int dept_evidence_unavailable(const json_t *evidence, char *reasons, size_t n);

#endif
