/*
 * workflow.h — the rules of the eligibility application and its review chain: each
 * city's chain of steps (configurable) and the household an application declares. How an
 * application moves along the chain is its state machine, domain/review.h.
 *
 * Chain JSON (domain default: workflow_chain_default):
 *   {"total_days":15,
 *    "steps":[{"code":"acceptance","name":"社区受理","name_en":"Community acceptance",
 *              "kind":"acceptance",
 *              "role":"community_clerk","level":"community","days":3}, ...,
 *             {"code":"dept_check","name":"部门联审","kind":"dept","days":2},
 *             {"code":"publicity","name":"公示","kind":"publicity","days":7}],
 *    "materials":[{"code":"id_card","name":"身份证","required":true}, ...]}
 * kind: acceptance (first step only: completeness, corrections, accept/refuse), review
 * (approve/correct/refuse), dept (the department data check, run as a job), publicity
 * (public for `days` calendar days; objections go to the city approver). Review steps'
 * `days` are working days (domain/calendar.h); total_days limits the whole review.
 * name_en (optional, at most WORKFLOW_NAME_MAX characters) is a step's or a material's name
 * in the apps' English mode; without it they show name.
 */
#ifndef GZF_DOMAIN_WORKFLOW_H
#define GZF_DOMAIN_WORKFLOW_H

#include <jansson.h>

#include "core/gzf.h"
#include "store/application_store.h"
#include "store/db.h"

#define WORKFLOW_MAX_STEPS 12
#define WORKFLOW_MAX_MATERIALS 10
#define WORKFLOW_MAX_MEMBERS 12
#define WORKFLOW_NAME_MAX 60

/* workflow_chain_default — the built-in chain (the demo city's), a new reference. */
json_t *workflow_chain_default(void);

/* workflow_chain_check — GZF_EINVAL (field named) unless chain is a valid chain. */
int workflow_chain_check(const json_t *chain, struct gzf_err *err);

/* workflow_chain_get — the city's chain (a new reference): its own, else the default.
 * Shared with other requests of the same chain: read it, never change it. */
int workflow_chain_get(struct db_conn *c, int64_t city_id, json_t **chain, struct gzf_err *err);

/* workflow_step — step i of chain (NULL when out of range); workflow_step_find the
 * index of code (-1 if none). */
const json_t *workflow_step(const json_t *chain, int i);
int workflow_step_find(const json_t *chain, const char *code);

/* workflow_step_str — the string member of a step ("" when absent). */
const char *workflow_step_str(const json_t *step, const char *name);

/* workflow_step_decider — the role that decides a step: its own role; for the publicity
 * step (objections), the city approver; "" for a step that finishes by itself (dept). */
const char *workflow_step_decider(const json_t *step);

/* workflow_office — the code of the region at level on region_path (the office that
 * handles a step there); the last code of the path when level is absent or deeper. */
int64_t workflow_office(const char *region_path, const char *level);

/*
 * workflow_household_check — check a declared household. complete = 0 (a draft): only
 * the shape (an object, known kinds, numbers where numbers go); complete = 1 (to
 * submit): everything the review needs. *persons gets the number of persons.
 * GZF_EINVAL with field = the JSON path ("members[1].id_number").
 */
int workflow_household_check(const json_t *household, int complete, int *persons,
			     struct gzf_err *err);

/* workflow_persons — the household's persons as dept_check_household wants them
 * ([{"id_number","name","relation"}]), a new reference. */
json_t *workflow_persons(const json_t *household);

#endif
