/*
 * content.h — what an article may hold: its kind, a single-line title, a summary, the body
 * (sanitised HTML, domain/sanitize.h) and the fields of its kind, each plain text:
 *   policy  doc_number, issuer, issued_on, effective_on (dates YYYY-MM-DD)
 *   guide   conditions, materials, steps, time_limit, offices (address and hours), phone
 *   faq     question
 *   news, manual: none
 * and the text it is found by; which pictures it may show; and its life as a state machine
 * (fsm.h): a draft is published, withdrawn, published again, edited in any state.
 */
#ifndef GZF_DOMAIN_CONTENT_H
#define GZF_DOMAIN_CONTENT_H

#include <jansson.h>

#include "core/arena.h"
#include "core/gzf.h"
#include "domain/fsm.h"
#include "store/article_store.h"
#include "store/media_store.h"

#define CONTENT_TITLE_MAX 120      /* characters */
#define CONTENT_SUMMARY_MAX 500    /* characters */
#define CONTENT_FIELD_MAX 4000     /* characters */
#define CONTENT_BODY_MAX 200000    /* bytes */

/*
 * content_apply — check body (the JSON an editor sent) and put what it sets into a:
 * kind (only when creating: creating = 1), title, summary, body_html (sanitised; the
 * images it shows into a->media), fields, cover_media_id; then the search text.
 * GZF_EINVAL with the field named, and a unchanged in what matters to the caller.
 */
int content_apply(struct arena *ar, const json_t *body, int creating, struct article *a,
		  struct gzf_err *err);

/* content_media — the ids of the images a shows (its body's and its cover), at most max;
 * the count. */
int content_media(const struct article *a, int64_t *ids, int max);

/*
 * content_media_check — may a show the images it shows? Each must be a picture uploaded
 * for content (purpose image) of a's own city (the nation's, for a national article) by
 * staff who may edit content at scope_path (the city's region path): anything else —
 * another city's picture, a resident's file, a document — would become public with the
 * article. GZF_EINVAL "media_not_allowed" naming the field that holds the file.
 */
int content_media_check(struct db_conn *c, const struct article *a, const char *scope_path,
			struct gzf_err *err);

enum content_state { CONTENT_DRAFT, CONTENT_PUBLISHED, CONTENT_WITHDRAWN, CONTENT_NSTATES };
enum content_event { CONTENT_EDIT, CONTENT_PUBLISH, CONTENT_WITHDRAW, CONTENT_NEVENTS };

/* The article's machine: its names and its table (content.c), for the docs and tests. */
extern const struct fsm content_fsm;

/* content_state_of — the state of a (its status). */
enum content_state content_state_of(const struct article *a);

/*
 * content_fire — take event on a (read at a->version; for an edit, a already holds the
 * editor's changes) by the staff member allowed to (party FSM_DECIDER), at now, in the
 * caller's transaction: GZF_ESTATE "illegal_transition" (publishing what is published),
 * the media check for an edit or a publication (scope_path as content_media_check), then
 * a saved against its version (GZF_ECONFLICT "version_conflict") with the pictures it
 * shows: public while it is published, private again when no published article shows
 * them.
 */
int content_fire(struct db_conn *c, struct article *a, enum content_event event, int64_t now,
		 const char *scope_path, struct gzf_err *err);

/* content_show_media — record that the stored article a shows the images content_media()
 * lists (and no others): each is public while a published article shows it. In the
 * transaction that stored a. */
int content_show_media(struct db_conn *c, const struct article *a, struct gzf_err *err);

#endif
