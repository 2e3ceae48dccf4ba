/*
 * media.c — sniffing uploaded files and keeping their bytes.
 *
 * A file's type comes from its first bytes and its structure: JPEG (SOI marker and a
 * frame header giving its size), PNG (signature, IHDR, and the IEND chunk at the end) and
 * PDF (the %PDF- header, and an %%EOF trailer whose startxref leads to a cross-reference
 * table whose entries are objects, or to a cross-reference stream). Anything else, or a
 * file cut short, is refused before it reaches the disk. Images are decoded only after
 * their declared size passed the purpose's limits, one at a time.
 */
#include "domain/media.h"
#include "core/fault.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const struct media_kind {
	unsigned kind;
	const char *mime;
	const char *label;
	const char *extensions; /* " jpg jpeg " */
} kinds[] = {
	{ MEDIA_JPEG, "image/jpeg", "JPEG image", " jpg jpeg jpe jfif " },
	{ MEDIA_PNG, "image/png", "PNG image", " png " },
	{ MEDIA_PDF, "application/pdf", "PDF document", " pdf " },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static int sniff_jpeg(const unsigned char *p, size_t n, struct media_type *out);
static int sniff_png(const unsigned char *p, size_t n, struct media_type *out);
static int sniff_pdf(const unsigned char *p, size_t n);
static int pdf_xref_table(const unsigned char *p, size_t n, size_t at);
static int pdf_object_at(const unsigned char *p, size_t n, size_t at, size_t *body);
static int name_fits(const char *name, const char *extensions);
static int mkdir_p(const char *path);
static int write_durably(const char *dir, const char *path, const void *p, size_t n);
static void *read_file(struct arena *a, const char *path, size_t *n);
static int stored_name(const char *name, char sha256[65]);

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned long
be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* Walk the JPEG segments to the frame header (SOFn), which holds the image size. */
static int
sniff_jpeg(const unsigned char *p, size_t n, struct media_type *out)
{
	size_t i = 2;

	while (i + 4 <= n) {
		unsigned marker, len;

		if (p[i] != 0xFF)
			return -1;
		while (i < n && p[i] == 0xFF)
			i++;
		if (i >= n)
			return -1;
		marker = p[i++];
		if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
			continue;
		if (marker == 0xD9 || marker == 0xDA || i + 2 > n)
			return -1; /* image data or the end before any frame header */
		len = be16(p + i);
		if (len < 2 || i + len > n)
			return -1;
		if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
		    marker != 0xCC) {
			if (len < 7)
				return -1;
			out->height = (int)be16(p + i + 3);
			out->width = (int)be16(p + i + 5);
			return out->width > 0 && out->height > 0 ? 0 : -1;
		}
		i += len;
	}
	return -1;
}

static int
sniff_png(const unsigned char *p, size_t n, struct media_type *out)
{
	unsigned long w, h;

	if (n < 8 + 25 + 12 || be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0 ||
	    memcmp(p + n - 8, "IEND", 4) != 0)
		return -1;
	w = be32(p + 16);
	h = be32(p + 20);
	if (w == 0 || h == 0 || w > 100000 || h > 100000)
		return -1;
	out->width = (int)w;
	out->height = (int)h;
	return 0;
}

/* The digits at p[*i] (at most 10), as a number; -1 when there are none. */
static long long
pdf_number(const unsigned char *p, size_t n, size_t *i)
{
	long long v = 0;
	size_t start = *i;

	while (*i < n && *i - start < 10 && p[*i] >= '0' && p[*i] <= '9')
		v = v * 10 + (p[(*i)++] - '0');
	return *i > start ? v : -1;
}

static void
pdf_space(const unsigned char *p, size_t n, size_t *i)
{
	while (*i < n && (p[*i] == ' ' || p[*i] == '\r' || p[*i] == '\n' || p[*i] == '\t' ||
			  p[*i] == '\f' || p[*i] == '\0'))
		(*i)++;
}

/* An indirect object "N G obj" starts at p[at] (after white space: some writers count
 * the line break before it); *body is where its contents begin. */
static int
pdf_object_at(const unsigned char *p, size_t n, size_t at, size_t *body)
{
	size_t i = at;

	pdf_space(p, n, &i);
	if (pdf_number(p, n, &i) < 0 || i >= n || p[i] != ' ')
		return -1;
	pdf_space(p, n, &i);
	if (pdf_number(p, n, &i) < 0)
		return -1;
	pdf_space(p, n, &i);
	if (i + 3 > n || memcmp(p + i, "obj", 3) != 0)
		return -1;
	*body = i + 3;
	return 0;
}

/* The cross-reference table at p[at] ("xref", subsections of "start count" and 20-byte
 * entries) is whole, each object in use it lists is where it says, and a trailer naming
 * the document's root follows it. */
static int
pdf_xref_table(const unsigned char *p, size_t n, size_t at)
{
	size_t i = at + 4, body;
	long long count, k, offset;
	int entries = 0;

	pdf_space(p, n, &i);
	while (i < n && p[i] >= '0' && p[i] <= '9') {
		if (pdf_number(p, n, &i) < 0)
			return -1;
		pdf_space(p, n, &i);
		if ((count = pdf_number(p, n, &i)) < 0)
			return -1;
		pdf_space(p, n, &i);
		for (k = 0; k < count; k++) {
			if (i + 18 > n || (offset = pdf_number(p, n, &i)) < 0 || p[i] != ' ')
				return -1;
			i++;
			if (pdf_number(p, n, &i) < 0 || i + 2 > n || p[i] != ' ' ||
			    (p[i + 1] != 'n' && p[i + 1] != 'f'))
				return -1;
			if (p[i + 1] == 'n' && ((size_t)offset >= n || pdf_object_at(p, n, (size_t)offset, &body) != 0))
				return -1;
			i += 2;
			pdf_space(p, n, &i);
			entries++;
		}
	}
	if (entries == 0 || i + 7 > n || memcmp(p + i, "trailer", 7) != 0)
		return -1;
	i += 7;
	pdf_space(p, n, &i);
	if (i + 2 > n || memcmp(p + i, "<<", 2) != 0)
		return -1;
	return memmem(p + i, n - i, "/Root", 5) != NULL ? 0 : -1;
}

/* The last startxref near the end leads to a cross-reference table or stream. */
static int
sniff_pdf(const unsigned char *p, size_t n)
{
	size_t tail = n < 1024 ? n : 1024, i, body, end;
	const unsigned char *eof = memmem(p + n - tail, tail, "%%EOF", 5), *sx = NULL, *q;
	long long at;

	if (eof == NULL)
		return -1;
	for (q = p + n - tail; (q = memmem(q, (size_t)(eof - q), "startxref", 9)) != NULL; q += 9)
		sx = q;
	if (sx == NULL)
		return -1;
	i = (size_t)(sx - p) + 9;
	pdf_space(p, n, &i);
	if ((at = pdf_number(p, n, &i)) < 0 || (size_t)at >= (size_t)(sx - p))
		return -1;
	if ((size_t)at + 4 <= n && memcmp(p + at, "xref", 4) == 0)
		return pdf_xref_table(p, n, (size_t)at);
	/* A cross-reference stream: an object whose dictionary says /Type /XRef. */
	if (pdf_object_at(p, n, (size_t)at, &body) != 0)
		return -1;
	q = memmem(p + body, n - body, "stream", 6);
	end = q != NULL ? (size_t)(q - p) : n;
	return memmem(p + body, end - body, "/XRef", 5) != NULL &&
	       memmem(p + body, end - body, "/Root", 5) != NULL ? 0 : -1;
}

/* No extension fits anything; otherwise the extension must be one of the type's. */
static int
name_fits(const char *name, const char *extensions)
{
	const char *dot = name ? strrchr(name, '.') : NULL;
	char ext[12];
	size_t len, i;

	if (dot == NULL || dot[1] == '\0' || strchr(dot, '/') != NULL)
		return 1;
	len = strlen(dot + 1);
	if (len + 2 >= sizeof(ext))
		return 0;
	ext[0] = ' ';
	for (i = 0; i < len; i++)
		ext[i + 1] = (char)((dot[1 + i] >= 'A' && dot[1 + i] <= 'Z') ? dot[1 + i] + 32 : dot[1 + i]);
	ext[len + 1] = ' ';
	ext[len + 2] = '\0';
	return strstr(extensions, ext) != NULL;
}

int
media_sniff(const unsigned char *p, size_t n, const char *name, unsigned allowed,
	    struct media_type *out, struct gzf_err *err)
{
	const struct media_kind *k = NULL;
	int bad;

	memset(out, 0, sizeof(*out));
	if (p == NULL || n == 0)
		return gzf_err_set(err, GZF_EMEDIA, "media_empty", NULL, "the file is empty");
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
		k = &kinds[0];
		bad = sniff_jpeg(p, n, out);
	} else if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
		k = &kinds[1];
		bad = sniff_png(p, n, out);
	} else if (n >= 5 && memcmp(p, "%PDF-", 5) == 0) {
		k = &kinds[2];
		bad = sniff_pdf(p, n);
	} else {
		bad = 1;
	}
	if (k == NULL || !(allowed & k->kind))
		return gzf_err_set(err, GZF_EMEDIA, "media_unsupported", NULL,
				   "this file is not of an accepted type (%s%s%s)",
				   allowed & MEDIA_JPEG ? "JPEG" : "", allowed & MEDIA_PNG ? ", PNG" : "",
				   allowed & MEDIA_PDF ? ", PDF" : "");
	if (!name_fits(name, k->extensions))
		return gzf_err_set(err, GZF_EMEDIA, "media_name_mismatch", NULL,
				   "the file is a %s but its name \"%s\" says otherwise", k->label, name);
	if (bad)
		return gzf_err_set(err, GZF_EMEDIA, "media_damaged", NULL,
				   "the %s is damaged or incomplete", k->label);
	out->kind = k->kind;
	out->mime = k->mime;
	out->label = k->label;
	return GZF_OK;
}

int
media_sealed_name(const unsigned char *key, const char *sha256, char out[65])
{
	unsigned char sub[crypto_generichash_KEYBYTES], h[32];

	if (crypto_kdf_derive_from_key(sub, sizeof(sub), 1, "gzfmedia", key) != 0)
		return -1;
	crypto_generichash(h, sizeof(h), (const unsigned char *)sha256, 64, sub, sizeof(sub));
	sodium_memzero(sub, sizeof(sub));
	sodium_bin2hex(out, 65, h, sizeof(h));
	return 0;
}

const char *
media_path(struct arena *a, const char *data_dir, const unsigned char *key, const char *sha256)
{
	char sealed[65];
	size_t i;

	if (sha256 == NULL || strlen(sha256) != 64)
		return NULL;
	for (i = 0; i < 64; i++)
		if (!((sha256[i] >= '0' && sha256[i] <= '9') || (sha256[i] >= 'a' && sha256[i] <= 'f')))
			return NULL;
	if (key == NULL)
		return arena_printf(a, "%s/media/%.2s/%s", data_dir, sha256, sha256);
	if (media_sealed_name(key, sha256, sealed) != 0)
		return NULL;
	return arena_printf(a, "%s/media/%.2s/%s", data_dir, sealed, sealed);
}

/* mkdir -p for the two levels below data_dir that media uses. */
static int
mkdir_p(const char *path)
{
	char buf[1024];
	size_t i, n = strlen(path);

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return -1;
		buf[i] = i < n ? '/' : '\0';
	}
	return 0;
}

static int
write_durably(const char *dir, const char *path, const void *p, size_t n)
{
	char tmp[1100];
	const char *at = p;
	int fd, dfd, rc = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.upload-XXXXXX", dir) >= sizeof(tmp))
		return -1;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	while (n > 0) {
		ssize_t w = write(fd, at, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		at += w;
		n -= (size_t)w;
	}
	if (FAULT(FAULT_IO) || fsync(fd) != 0 || rename(tmp, path) != 0)
		goto out;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	close(fd);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

int
media_save(const char *data_dir, const unsigned char *key, const void *p, size_t n, char sha256[65],
	   struct gzf_err *err)
{
	unsigned char digest[crypto_hash_sha256_BYTES], *box = NULL;
	size_t len = key ? crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n : n;
	char dir[1024], path[1100], name[65];
	struct stat st;
	int rc = GZF_OK;

	crypto_hash_sha256(digest, p, n);
	sodium_bin2hex(sha256, 65, digest, sizeof(digest));
	if (key == NULL)
		memcpy(name, sha256, 65);
	else if (media_sealed_name(key, sha256, name) != 0)
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "the file name could not be made");
	if ((size_t)snprintf(dir, sizeof(dir), "%s/media/%.2s", data_dir, name) >= sizeof(dir))
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "the data folder path is too long");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st) == 0 && (size_t)st.st_size == len)
		return GZF_OK; /* the same content is kept already */
	if (key != NULL) {
		box = malloc(len);
		assert(box != NULL);
		randombytes_buf(box, crypto_secretbox_NONCEBYTES);
		crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, p, n, box, key);
		p = box;
	}
	if (mkdir_p(dir) != 0 || write_durably(dir, path, p, len) != 0)
		rc = gzf_err_set(err, GZF_EINTERNAL, "storage_failed", NULL,
				 "the file could not be stored: %s", strerror(errno));
	free(box);
	return rc;
}

int
media_load(struct arena *a, const char *data_dir, const unsigned char *key, const char *sha256,
	   const void **out, size_t *n, struct gzf_err *err)
{
	const char *path = media_path(a, data_dir, key, sha256);
	unsigned char *box, *plain;
	size_t len = 0;

	box = path ? read_file(a, path, &len) : NULL;
	if (box == NULL || len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		return gzf_err_set(err, GZF_EINTERNAL, "storage_failed", NULL, "the stored file is missing");
	*n = len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	plain = arena_alloc(a, *n + 1);
	if (crypto_secretbox_open_easy(plain, box + crypto_secretbox_NONCEBYTES,
				       len - crypto_secretbox_NONCEBYTES, box, key) != 0)
		return gzf_err_set(err, GZF_EINTERNAL, "storage_failed", NULL,
				   "the stored file does not open with the data key");
	*out = plain;
	return GZF_OK;
}

/* gd reports decoding trouble on stderr; gzf reports it as an error code instead. */
static void
gd_quiet(int priority, const char *format, va_list args)
{
	(void)priority;
	(void)format;
	(void)args;
}

static void
gd_setup(void)
{
	gdSetErrorMethod(gd_quiet);
}

/* One image decodes at a time: a decoded image takes four bytes a pixel, and a few
 * large ones at once would take the memory of the whole machine. */
static pthread_mutex_t decoding = PTHREAD_MUTEX_INITIALIZER;

static gdImagePtr
image_decode(const void *p, size_t n, const char *mime)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, gd_setup);
	if (n > (size_t)INT32_MAX)
		return NULL;
	if (strcmp(mime, "image/jpeg") == 0)
		return gdImageCreateFromJpegPtrEx((int)n, (void *)p, 0);
	if (strcmp(mime, "image/png") == 0)
		return gdImageCreateFromPngPtr((int)n, (void *)p);
	return NULL;
}

int
media_image_check(const void *p, size_t n, const struct media_type *t, int max_side, long max_pixels,
		  struct gzf_err *err)
{
	gdImagePtr img;

	if (t->width > max_side || t->height > max_side || (long)t->width * t->height > max_pixels)
		return gzf_err_set(err, GZF_ETOOLARGE, "image_too_large", NULL,
				   "the image is %d × %d pixels; at most %d pixels a side and %ld million"
				   " pixels in all are taken here", t->width, t->height, max_side,
				   max_pixels / 1000000);
	pthread_mutex_lock(&decoding);
	img = image_decode(p, n, t->mime);
	if (img != NULL)
		gdImageDestroy(img);
	pthread_mutex_unlock(&decoding);
	if (img == NULL)
		return gzf_err_set(err, GZF_EMEDIA, "media_damaged", NULL,
				   "the image cannot be read: it is damaged or cut short");
	return GZF_OK;
}

/* The whole file at path, in the arena; NULL when it cannot be read. */
static void *
read_file(struct arena *a, const char *path, size_t *n)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	ssize_t r;
	int fd = FAULT(FAULT_IO) ? -1 : open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = arena_alloc(a, (size_t)st.st_size);
	while (got < (size_t)st.st_size && ((r = read(fd, buf + got, (size_t)st.st_size - got)) > 0 ||
					     (r < 0 && errno == EINTR)))
		if (r > 0)
			got += (size_t)r;
	close(fd);
	*n = got;
	return got == (size_t)st.st_size ? buf : NULL;
}

const char *
media_variant(struct arena *a, const char *data_dir, const char *sha256, const char *mime, int width,
	      const char *size, struct gzf_err *err)
{
	const char *original = media_path(a, data_dir, NULL, sha256), *path, *dir;
	int max = strcmp(size, "thumb") == 0 ? MEDIA_THUMB_WIDTH : MEDIA_DISPLAY_WIDTH;
	gdImagePtr img = NULL, scaled = NULL;
	void *bytes, *out = NULL;
	size_t n = 0;
	int outn = 0;
	struct stat st;

	if (original == NULL || width <= max)
		return original;
	path = arena_printf(a, "%s-%s", original, size);
	if (stat(path, &st) == 0)
		return path;
	dir = arena_printf(a, "%s/media/%.2s", data_dir, sha256);
	pthread_mutex_lock(&decoding);
	if ((bytes = read_file(a, original, &n)) == NULL || (img = image_decode(bytes, n, mime)) == NULL ||
	    (scaled = gdImageScale(img, (unsigned)max,
				   (unsigned)(((long)gdImageSY(img) * max + gdImageSX(img) / 2) / gdImageSX(img)))) == NULL) {
		path = NULL;
		goto out;
	}
	out = strcmp(mime, "image/png") == 0 ? gdImagePngPtr(scaled, &outn) : gdImageJpegPtr(scaled, &outn, 82);
	if (out == NULL || write_durably(dir, path, out, (size_t)outn) != 0)
		path = NULL;
out:
	if (out != NULL)
		gdFree(out);
	if (scaled != NULL)
		gdImageDestroy(scaled);
	if (img != NULL)
		gdImageDestroy(img);
	pthread_mutex_unlock(&decoding);
	if (path == NULL)
		gzf_err_set(err, GZF_EINTERNAL, "storage_failed", NULL, "the image could not be scaled");
	return path;
}

/* Is name a file media_save or media_variant writes: 64 hex digits, maybe "-thumb" or
 * "-display" after them? The hex digits are copied to sha256. */
static int
stored_name(const char *name, char sha256[65])
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	if (name[64] != '\0' && strcmp(name + 64, "-thumb") != 0 && strcmp(name + 64, "-display") != 0)
		return 0;
	memcpy(sha256, name, 64);
	sha256[64] = '\0';
	return 1;
}

int
media_sweep(const char *data_dir, int64_t min_age_s,
	    int (*known)(void *ctx, const char *sha256, int *yes), void *ctx, int *removed,
	    struct gzf_err *err)
{
	char root[1024], dir[1300], path[1600], sha[65];
	time_t before = time(NULL) - (time_t)min_age_s;
	DIR *top = NULL, *sub = NULL;
	struct dirent *d, *f;
	struct stat st;
	int rc = GZF_OK, yes;

	*removed = 0;
	if ((size_t)snprintf(root, sizeof(root), "%s/media", data_dir) >= sizeof(root))
		return gzf_err_set(err, GZF_EINTERNAL, "internal", NULL, "the data folder path is too long");
	if ((top = opendir(root)) == NULL)
		return errno == ENOENT ? GZF_OK : gzf_err_set(err, GZF_EINTERNAL, "storage_failed", NULL,
							      "cannot read %s: %s", root, strerror(errno));
	while (rc == GZF_OK && (d = readdir(top)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", root, d->d_name);
		if ((sub = opendir(dir)) == NULL)
			continue;
		while (rc == GZF_OK && (f = readdir(sub)) != NULL) {
			int temp = strncmp(f->d_name, ".upload-", 8) == 0;

			snprintf(path, sizeof(path), "%s/%s", dir, f->d_name);
			if ((!temp && !stored_name(f->d_name, sha)) || lstat(path, &st) != 0 ||
			    !S_ISREG(st.st_mode) || st.st_mtime > before)
				continue;
			yes = 0;
			if (!temp && (rc = known(ctx, sha, &yes)) != GZF_OK)
				break;
			if (!yes && unlink(path) == 0)
				(*removed)++;
		}
		closedir(sub);
	}
	closedir(top);
	return rc;
}
