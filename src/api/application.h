/*
 * application.h — helpers shared by the application API files (application.c, the
 * applicant's side; review.c, the staff's side).
 */
#ifndef GZF_API_APPLICATION_H
#define GZF_API_APPLICATION_H

#include "api/api.h"
#include "core/jsonw.h"
#include "store/application_store.h"

/* api_app_object — the application as authz_check sees it: its applicant, its community
 * and whether it is a resident's unsubmitted draft (theirs alone). */
struct object api_app_object(const struct application *a);

/* api_app_get — the application named by :id into a; nothing is authorised yet: the
 * handler calls api_app_authorize next. 404 application_not_found when there is none. */
int api_app_get(struct http_req *req, struct db_conn *c, struct application *a);

/*
 * api_app_authorize — may who do action on a (audited when refused)? Edits of a counter
 * application by staff are ACT_APP_COUNTER. A refusal is 404 application_not_found, not
 * 403, where the refusal itself would tell something: to a resident, another person's
 * application does not exist; to staff, neither does a resident's unsubmitted draft.
 * Staff refused a submitted application of another region get 403.
 */
int api_app_authorize(struct http_req *req, struct db_conn *c, const struct caller *who,
		      enum action action, const struct application *a);

/* api_app_household — the declared household (a new reference); masked: ID numbers and
 * bank accounts masked (what staff see). */
json_t *api_app_household(struct http_req *req, const struct application *a, int masked);

/* api_app_members — the members of the application's summary as the API shows it (what
 * api_app_json gives without detail), written into an object open in w; masked: personal
 * data masked (for staff). */
void api_app_members(struct jsonw *w, struct http_req *req, const struct application *a,
		     const json_t *chain, int masked);

/* api_app_json — the application as the API shows it; detail adds the household,
 * materials and timeline; masked: personal data masked (for staff). */
json_t *api_app_json(struct http_req *req, struct db_conn *c, const struct application *a,
		     const json_t *chain, int detail, int masked);

/* api_app_may — the decisions who may take on a now, as bits (1 << event) of the
 * review's events (review_fsm.events): none for residents; review_decisions for the
 * caller's role, when authz lets them decide the application. */
unsigned api_app_may(const struct caller *who, const struct application *a, const json_t *chain);

/* api_app_actions — the decisions who may take on a now (["accept","correct",...]; a new
 * reference, empty for residents): review_decisions for the caller's role, when authz
 * lets them decide the application. The console offers exactly these. */
json_t *api_app_actions(const struct caller *who, const struct application *a,
			const json_t *chain);

#endif
