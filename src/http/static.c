/*
 * static.c — files from the web root, sent with sendfile by the server library. A text
 * file may have its brotli (FILE.br) and gzip (FILE.gz) forms beside it, made by the web
 * build; the one the client's Accept-Encoding prefers is sent instead of the file.
 */
#include "http/static.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct mime {
	const char *ext;
	const char *type;
};

static const struct mime mimes[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".webp", "image/webp" },
	{ ".gif", "image/gif" },
	{ ".ico", "image/x-icon" },
	{ ".woff", "font/woff" },
	{ ".woff2", "font/woff2" },
	{ ".ttf", "font/ttf" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".webmanifest", "application/manifest+json" },
	{ ".map", "application/json" },
};

/* The scripts and styles are all our own files; Vant and Element Plus set inline
 * style attributes, hence 'unsafe-inline' for styles only. */
static const char csp[] =
	"default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
	"script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'";

static const char *mime_for(const char *path);
static int safe_path(const char *path);
static int open_variant(struct http_req *req, const char *full, const struct stat *orig,
			int *fd, struct stat *st);
static int send_file(struct http_req *req, const char *root, const char *rel);

/* The precompressed forms, best first. */
static const struct variant {
	int coding;
	const char *name;    /* the Content-Encoding */
	const char *suffix;  /* of the file, and of the ETag */
} variants[] = {
	{ HTTP_CODING_BR, "br", ".br" },
	{ HTTP_CODING_GZIP, "gzip", ".gz" },
};

static const char *
mime_for(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	if (dot != NULL)
		for (i = 0; i < sizeof(mimes) / sizeof(mimes[0]); i++)
			if (strcmp(dot, mimes[i].ext) == 0)
				return mimes[i].type;
	return "application/octet-stream";
}

/* Only plain relative paths: no "..", no "//", no backslashes, no control bytes,
 * no hidden files. */
static int
safe_path(const char *path)
{
	const char *p;

	if (path[0] != '/')
		return 0;
	for (p = path; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == '\\')
			return 0;
		if (*p == '/' && (p[1] == '/' || p[1] == '.'))
			return 0;
	}
	return 1;
}

/*
 * Of the forms of full (opened as *fd, orig its status) that exist and are not older
 * than it, open the one the request's Accept-Encoding prefers; it replaces *fd and
 * *st. Returns its index in variants, or -1 to send full itself.
 */
static int
open_variant(struct http_req *req, const char *full, const struct stat *orig, int *fd,
	     struct stat *st)
{
	const char *accept = http_header(req, "Accept-Encoding");
	int offered = HTTP_CODING_BR | HTTP_CODING_GZIP;

	for (;;) {
		int coding = http_coding_choose(accept, offered), vfd, i;
		struct stat vst;

		if (coding == HTTP_CODING_IDENTITY)
			return -1;
		for (i = 0; variants[i].coding != coding; i++)
			;
		vfd = open(arena_printf(req->arena, "%s%s", full, variants[i].suffix),
			   O_RDONLY | O_CLOEXEC);
		if (vfd >= 0 && fstat(vfd, &vst) == 0 && S_ISREG(vst.st_mode) &&
		    vst.st_mtime >= orig->st_mtime) {
			close(*fd);
			*fd = vfd;
			*st = vst;
			return i;
		}
		if (vfd >= 0)
			close(vfd);
		offered &= ~coding;
	}
}

static int
send_file(struct http_req *req, const char *root, const char *rel)
{
	const char *full = arena_printf(req->arena, "%s%s", root, rel);
	const char *inm, *etag;
	struct stat orig, st;
	int fd, v = -1;

	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return GZF_ENOTFOUND;
	if (fstat(fd, &orig) != 0 || !S_ISREG(orig.st_mode)) {
		close(fd);
		return GZF_ENOTFOUND;
	}
	st = orig;
	req->content_type = mime_for(rel);
	/* Caches must keep each form apart, the identity one included. */
	if (http_compressible(req->content_type)) {
		http_reply_header(req, "Vary", "Accept-Encoding");
		v = open_variant(req, full, &orig, &fd, &st);
	}
	etag = arena_printf(req->arena, "\"%llx-%llx%s\"", (unsigned long long)st.st_mtime,
			    (unsigned long long)st.st_size, v >= 0 ? variants[v].suffix : "");
	http_reply_header(req, "ETag", etag);
	if (strncmp(rel, "/assets/", 8) == 0)
		http_reply_header(req, "Cache-Control", "public, max-age=31536000, immutable");
	else
		http_reply_header(req, "Cache-Control", "no-cache");
	if (strncmp(req->content_type, "text/html", 9) == 0)
		http_reply_header(req, "Content-Security-Policy", csp);
	inm = http_header(req, "If-None-Match");
	if (inm != NULL && strcmp(inm, etag) == 0) {
		close(fd);
		req->status = 304;
		req->content_type = NULL;
		return GZF_OK;
	}
	if (v >= 0)
		http_reply_header(req, "Content-Encoding", variants[v].name);
	req->status = 200;
	req->reply_fd = fd;
	req->reply_fd_size = (uint64_t)st.st_size;
	return GZF_OK;
}

int
static_serve(struct http_req *req, const char *root)
{
	const char *path = req->path, *base, *rel;
	size_t n = strlen(path);

	if (!safe_path(path))
		return GZF_ENOTFOUND;
	if (path[n - 1] == '/')
		rel = arena_printf(req->arena, "%sindex.html", path);
	else
		rel = path;
	if (send_file(req, root, rel) == GZF_OK)
		return GZF_OK;
	/* An app route (no extension in the last segment) falls back to its app. */
	base = strrchr(path, '/');
	if (strchr(base, '.') != NULL || strncmp(path, "/api/", 5) == 0)
		return GZF_ENOTFOUND;
	if (strncmp(path, "/staff", 6) == 0 && (path[6] == '/' || path[6] == '\0'))
		return send_file(req, root, "/staff/index.html");
	return send_file(req, root, "/index.html");
}
