/*
 * media.h — uploaded files: what a file really is (sniffed from its bytes, never from
 * its name), whether an image is small enough to decode, and where its bytes live
 * (DATA_DIR/media/xx/<name>, outside the web root, written durably and shared by identical
 * uploads). A plain file is named by its SHA-256; a sealed one (encrypted with the data
 * key) by a keyed hash of it, so the names on disk do not tell which known file is there.
 */
#ifndef GZF_DOMAIN_MEDIA_H
#define GZF_DOMAIN_MEDIA_H

#include <stddef.h>

#include "core/arena.h"
#include "core/gzf.h"

/* The file types gzf accepts, as flags for media_sniff's allowed set. */
#define MEDIA_JPEG 1u
#define MEDIA_PNG 2u
#define MEDIA_PDF 4u
#define MEDIA_IMAGES (MEDIA_JPEG | MEDIA_PNG)
#define MEDIA_DOCUMENTS (MEDIA_JPEG | MEDIA_PNG | MEDIA_PDF)

struct media_type {
	unsigned kind;      /* one MEDIA_* flag */
	const char *mime;   /* "image/jpeg", "image/png", "application/pdf" */
	const char *label;  /* "JPEG image": for messages */
	int width, height;  /* images; 0 for documents */
};

/*
 * media_sniff — what the n bytes at p are, checked against allowed (MEDIA_* flags) and
 * against the uploader's file name (its extension, when it has one, must name the same
 * type: a PNG called x.pdf is refused). Truncated or damaged files are refused too.
 * Errors (GZF_EMEDIA in err): "media_empty", "media_unsupported" (not a type gzf knows,
 * or not one allowed here), "media_name_mismatch", "media_damaged".
 */
int media_sniff(const unsigned char *p, size_t n, const char *name, unsigned allowed,
		struct media_type *out, struct gzf_err *err);

/*
 * media_save — write the n bytes at p durably under data_dir (temporary file, fsync,
 * rename, fsync of the folder) unless a file with the same content is there already;
 * sha256 receives the content's hex SHA-256 (65 bytes with the NUL). With a key (the
 * data key) the file is sealed: a random nonce, then the secretbox of the bytes; NULL
 * keeps it plain. GZF_EINTERNAL when the disk refuses.
 */
int media_save(const char *data_dir, const unsigned char *key, const void *p, size_t n,
	       char sha256[65], struct gzf_err *err);

/* media_sealed_name — the name on disk (64 hex digits and a NUL in out) of the sealed
 * file with this hex SHA-256: a keyed hash of it, under a key derived from the data key
 * for this use alone, so the name does not tell which known file is there. 0, or -1 when
 * the key cannot be derived. */
int media_sealed_name(const unsigned char *key, const char *sha256, char out[65]);

/* media_path — the file holding the content with this hex SHA-256 (sealed under key, or
 * plain when key is NULL), in the arena. NULL when sha256 is not 64 hex digits. */
const char *media_path(struct arena *a, const char *data_dir, const unsigned char *key,
		       const char *sha256);

/*
 * media_load — the content with this SHA-256, sealed under key, opened into the arena:
 * *out and *n. Files are at most max_upload bytes, so they are opened whole.
 * GZF_EINTERNAL "storage_failed" when the file is missing, cut short or does not open
 * under key.
 */
int media_load(struct arena *a, const char *data_dir, const unsigned char *key, const char *sha256,
	       const void **out, size_t *n, struct gzf_err *err);

/*
 * media_image_check — whether an image (t, as media_sniff found it, over the n bytes at p)
 * may be kept: its declared size, read from its header, must be at most max_side pixels
 * on either side and max_pixels in all, else GZF_ETOOLARGE "image_too_large" before any
 * decoding; then it must decode whole, else GZF_EMEDIA "media_damaged". One image decodes
 * at a time in the process (uploads and the scaled copies of media_variant), so what the
 * decoder holds is bounded by the largest image allowed.
 */
int media_image_check(const void *p, size_t n, const struct media_type *t, int max_side,
		      long max_pixels, struct gzf_err *err);

/*
 * media_variant — the file holding the image with this SHA-256 at size "thumb" (at most
 * MEDIA_THUMB_WIDTH wide) or "display" (MEDIA_DISPLAY_WIDTH): scaled from the original
 * once, in its own format, and kept beside it (…/<sha256>-thumb); the original itself
 * when it is no wider (width: the original's). NULL with err set when it cannot be made.
 */
#define MEDIA_THUMB_WIDTH 400
#define MEDIA_DISPLAY_WIDTH 1280
const char *media_variant(struct arena *a, const char *data_dir, const char *sha256, const char *mime,
			  int width, const char *size, struct gzf_err *err);

/*
 * media_sweep — remove from data_dir/media what no upload will claim any more: temporary
 * files left by an interrupted write and files no media row claims (known(ctx, name,
 * &yes) sets yes = 0 for the 64-hex-digit name: a plain file's SHA-256 or a sealed
 * file's media_sealed_name), with their scaled copies; only those last
 * changed min_age_s seconds ago or earlier, so a file another server is writing or about
 * to record now is spared. *removed counts the files removed. Returns 0, GZF_EINTERNAL
 * when the folder cannot be read, or known's error.
 */
int media_sweep(const char *data_dir, int64_t min_age_s,
		int (*known)(void *ctx, const char *sha256, int *yes), void *ctx, int *removed,
		struct gzf_err *err);

#endif
