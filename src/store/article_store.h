/*
 * article_store.h — articles (policy documents, news, service guides, FAQ, the operation
 * manual) as stored: the sanitised body, the kind's own fields and the images shown, as
 * JSON text; their search by trigrams (store/text.h).
 */
#ifndef GZF_STORE_ARTICLE_STORE_H
#define GZF_STORE_ARTICLE_STORE_H

#include <stdint.h>

#include "core/gzf.h"
#include "store/db.h"

struct article {
	int64_t id;
	int64_t city_id;           /* 0: national */
	const char *kind;          /* policy, news, guide, faq, manual */
	const char *title;
	const char *summary;
	const char *body_html;     /* sanitised */
	const char *fields;        /* JSON object */
	const char *media;         /* JSON array of media ids */
	int64_t cover_media_id;
	const char *status;        /* draft, published, withdrawn */
	int64_t published_at;
	const char *search_text;
	int64_t author_id;
	int version;
	int64_t created_at;
	int64_t updated_at;
};

/* What a list asks for. public_city >= 0: the published articles of that city and the
 * national ones; otherwise every article of city (any status, status filter optional). */
struct article_query {
	int64_t public_city;
	int64_t city;
	const char *kind;          /* NULL: all */
	const char *status;        /* staff lists only; NULL: all */
	const char *text;          /* NULL or "": no text search */
	int limit, offset;
};

/* article_store_create — insert a (id, version ignored); *id gets the new id. */
int article_store_create(struct db_conn *c, const struct article *a, int64_t *id,
			 struct gzf_err *err);

/* article_store_get — by id; GZF_ENOTFOUND "article_not_found". */
int article_store_get(struct db_conn *c, int64_t id, struct article *out, struct gzf_err *err);

/* article_store_save — write a back if its version is still expect_version (the version
 * goes up by one); GZF_ECONFLICT "version_conflict" otherwise. */
int article_store_save(struct db_conn *c, const struct article *a, int expect_version,
		       struct gzf_err *err);

/* article_store_list — the articles q asks for, newest first (published, then changed),
 * and *total of them. Bodies are left out of lists (body_html is ""). */
int article_store_list(struct db_conn *c, const struct article_query *q, struct article **out,
		       int *n, int64_t *total, struct gzf_err *err);

#endif
