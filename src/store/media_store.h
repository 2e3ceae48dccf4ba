/*
 * media_store.h — rows of the media table (media.c): who uploaded a file, what it is,
 * and whether it is public. The bytes themselves are on disk (src/domain/media.c).
 */
#ifndef GZF_STORE_MEDIA_STORE_H
#define GZF_STORE_MEDIA_STORE_H

#include "store/db.h"

struct media {
	int64_t id;
	int64_t city_id;
	int64_t owner_id;
	const char *region_path;
	const char *purpose;     /* "material", "consent", "image", "photo", ... */
	const char *name;        /* the uploader's file name, for display only */
	const char *mime;        /* sniffed from the content */
	int64_t size;
	const char *sha256;      /* hex; names the file on disk */
	int width, height;       /* images; 0 otherwise */
	int public;
	int64_t created_at;
	int sealed;              /* the bytes on disk are encrypted with the data key */
};

/* The record a file is attached to: the application it is a material or the consent form
 * of, the article that shows it, the lease it is the signed document, the paper signed at
 * the counter or a move-in photo of; 0 when none. */
struct media_use {
	int64_t application_id;
	int64_t article_id;
	int64_t lease_id;
};

/* media_store_create — insert m (id ignored); *id gets the new id. */
int media_store_create(struct db_conn *c, const struct media *m, int64_t *id, struct gzf_err *err);

/* media_store_get — by id; GZF_ENOTFOUND "media_not_found" if none. */
int media_store_get(struct db_conn *c, int64_t id, struct media *out, struct gzf_err *err);

/* media_store_set_public — make a file readable by anyone (1) or private again (0). */
int media_store_set_public(struct db_conn *c, int64_t id, int public, struct gzf_err *err);

/* media_store_use — the records file id is attached to (zeros when none). */
int media_store_use(struct db_conn *c, int64_t id, struct media_use *out, struct gzf_err *err);

/*
 * media_store_article_set — article_id shows the n files ids (its cover and body images)
 * from now on, instead of those it showed before; each file of either set is public
 * exactly while some published article shows it. Call it in the transaction that saves
 * the article, after the article's status is stored.
 */
int media_store_article_set(struct db_conn *c, int64_t article_id, const int64_t *ids, int n,
			    struct gzf_err *err);

/* media_store_count_since — how many files owner uploaded at or after since (ms). */
int media_store_count_since(struct db_conn *c, int64_t owner_id, int64_t since, int64_t *n,
			    struct gzf_err *err);

/* media_store_sealed — the hex SHA-256 (column 0) of every file stored sealed. */
int media_store_sealed(struct db_conn *c, struct db_res **out, struct gzf_err *err);

/* media_store_sha_known — *yes = 1 when a media row names the content sha256 (hex). */
int media_store_sha_known(struct db_conn *c, const char *sha256, int *yes, struct gzf_err *err);

#endif
