/*
 * content.h — what an article may hold: its kind, a single-line title, a summary, the body
 * (sanitised HTML, domain/sanitize.h) and the fields of its kind, each plain text:
 *   policy  doc_number, issuer, issued_on, effective_on (dates YYYY-MM-DD)
 *   guide   conditions, materials, steps, time_limit, offices (address and hours), phone
 *   faq     question
 *   news, manual: none
 * and the text it is found by.
 */
#ifndef GZF_DOMAIN_CONTENT_H
#define GZF_DOMAIN_CONTENT_H

#include <jansson.h>

#include "core/arena.h"
#include "core/gzf.h"
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

/* content_show_media — record that the stored article a shows the images content_media()
 * lists (and no others): each is public while a published article shows it. In the
 * transaction that stored a. */
int content_show_media(struct db_conn *c, const struct article *a, struct gzf_err *err);

#endif
