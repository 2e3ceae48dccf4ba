/*
 * application.h — helpers shared by the application API files (application.c, the
 * applicant's side; review.c, the staff's side).
 */
#ifndef GZF_API_APPLICATION_H
#define GZF_API_APPLICATION_H

#include "api/api.h"
#include "store/application_store.h"

/* api_app_object — the application as authz_check sees it: its applicant, its community
 * and whether it is a resident's unsubmitted draft (theirs alone). */
struct object api_app_object(const struct application *a);

/* api_app_load — the application named by :id, after authorising action on it for who
 * (a resident gets 404 for another's). Edits of a counter application need
 * ACT_APP_COUNTER. */
int api_app_load(struct http_req *req, struct db_conn *c, const struct caller *who,
		 enum action action, struct application *a);

/* api_app_household — the declared household (a new reference); masked: ID numbers and
 * bank accounts masked (what staff see). */
json_t *api_app_household(struct http_req *req, const struct application *a, int masked);

/* api_app_json — the application as the API shows it; detail adds the household,
 * materials and timeline; masked: personal data masked (for staff). */
json_t *api_app_json(struct http_req *req, struct db_conn *c, const struct application *a,
		     const json_t *chain, int detail, int masked);

#endif
