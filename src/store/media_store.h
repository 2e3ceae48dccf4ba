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
};

/* store_media_create — insert m (id ignored); *id gets the new id. */
int store_media_create(struct db_conn *c, const struct media *m, int64_t *id, struct gzf_err *err);

/* store_media_get — by id; GZF_ENOTFOUND "media_not_found" if none. */
int store_media_get(struct db_conn *c, int64_t id, struct media *out, struct gzf_err *err);

/* store_media_set_public — make a file readable by anyone (1) or private again (0). */
int store_media_set_public(struct db_conn *c, int64_t id, int public, struct gzf_err *err);

/* store_media_count_since — how many files owner uploaded at or after since (ms). */
int store_media_count_since(struct db_conn *c, int64_t owner_id, int64_t since, int64_t *n,
			    struct gzf_err *err);

/* store_media_sha_known — *yes = 1 when a media row names the content sha256 (hex). */
int store_media_sha_known(struct db_conn *c, const char *sha256, int *yes, struct gzf_err *err);

#endif
