/*
 * media.h — uploaded files: what a file really is (sniffed from its bytes, never from
 * its name) and where its bytes live (DATA_DIR/media/xx/<sha256>, outside the web root,
 * written durably and shared by identical uploads).
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
 * sha256 receives the content's hex SHA-256 (65 bytes with the NUL).
 * GZF_EINTERNAL when the disk refuses.
 */
int media_save(const char *data_dir, const void *p, size_t n, char sha256[65],
	       struct gzf_err *err);

/* media_path — the file holding the content with this hex SHA-256, in the arena. NULL
 * when sha256 is not 64 hex digits. */
const char *media_path(struct arena *a, const char *data_dir, const char *sha256);

/*
 * media_image_check — GZF_EMEDIA "media_damaged" unless the JPEG or PNG image (mime) of n
 * bytes at p decodes whole.
 */
int media_image_check(const void *p, size_t n, const char *mime, struct gzf_err *err);

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
 * files left by an interrupted write and files whose content no media row names
 * (known(ctx, sha256, &yes) sets yes = 0), with their scaled copies; only those last
 * changed min_age_s seconds ago or earlier, so a file another server is writing or about
 * to record now is spared. *removed counts the files removed. Returns 0, GZF_EINTERNAL
 * when the folder cannot be read, or known's error.
 */
int media_sweep(const char *data_dir, int64_t min_age_s,
		int (*known)(void *ctx, const char *sha256, int *yes), void *ctx, int *removed,
		struct gzf_err *err);

#endif
