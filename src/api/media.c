/*
 * media.c — uploading files and reading them back.
 *
 * POST /api/v1/media?purpose=&name= takes the file as the raw request body (its
 * Content-Type is not trusted: the type is sniffed). Images are checked against their
 * purpose's size limits from their headers, then decoded once, before any transaction.
 * Private documents are sealed on disk with the data key. A private file is read by its
 * uploader, and by those who may read the record it is attached to (an application's
 * materials and consent form: the application's readers; an article's pictures: its
 * editors); attached to nothing, by nobody else. A file shown by a published article is
 * read by anyone, cached for a few minutes and revalidated, since the article can be
 * withdrawn. Every file is served whole or by a single byte range.
 */
#include "api/api.h"
#include "core/fault.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/application.h"
#include "store/article_store.h"
#include "store/lease_store.h"
#include "store/region_store.h"

#define RESIDENT_DAILY_FILES 100
#define STAFF_DAILY_FILES 2000
#define NAME_MAX_CHARS 200
/* How long anyone may keep a public file without asking again: a withdrawn article's
 * pictures leave shared caches within this time. */
#define PUBLIC_MAX_AGE "300"

static int media_upload(struct http_req *req);
static int media_get(struct http_req *req);
static int may_read(struct http_req *req, struct db_conn *c, const struct caller *who,
		    const struct media *m);
static int byte_range(struct http_req *req, uint64_t len, const char *etag, uint64_t *from,
		      uint64_t *to);
static void file_headers(struct http_req *req, const struct media *m, const char *etag);

/* What each purpose is for, which types it takes, how large its images may be (a side,
 * and in all: a decoded pixel takes four bytes) and whether its files are sealed on disk
 * (everything but the pictures meant to be published). */
static const struct purpose {
	const char *name;
	unsigned allowed;
	int max_side;
	long max_pixels;
	int sealed;
} purposes[] = {
	{ "material", MEDIA_DOCUMENTS, 10000, 25000000, 1 },   /* application materials */
	{ "consent", MEDIA_DOCUMENTS, 10000, 25000000, 1 },    /* signed consent forms of counter applications */
	{ "attachment", MEDIA_DOCUMENTS, 10000, 25000000, 1 }, /* attachments of policy documents */
	{ "image", MEDIA_IMAGES, 8000, 25000000, 0 },          /* pictures in articles and guides */
	{ "photo", MEDIA_IMAGES, 8000, 25000000, 0 },          /* photos of estates and flats */
};

void
api_media_routes(struct router *r)
{
	router_add(r, "POST", "/api/v1/media", media_upload);
	router_add(r, "GET", "/api/v1/media/:id", media_get);
}

json_t *
api_media_json(const struct media *m)
{
	char url[64];

	snprintf(url, sizeof(url), "/api/v1/media/%lld", (long long)m->id);
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:i, s:i, s:s, s:b, s:I}",
			 "id", (json_int_t)m->id, "url", url, "name", m->name, "mime", m->mime,
			 "size", (json_int_t)m->size, "width", m->width, "height", m->height,
			 "purpose", m->purpose, "public", m->public, "created_at", (json_int_t)m->created_at);
}

int
api_media_check(struct http_req *req, const char *purpose, struct media_upload *up)
{
	const char *name = http_query(req, "name");
	const struct purpose *p = NULL;
	size_t i;
	int rc;

	for (i = 0; purpose != NULL && i < sizeof(purposes) / sizeof(purposes[0]); i++)
		if (strcmp(purpose, purposes[i].name) == 0)
			p = &purposes[i];
	if (p == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "purpose",
				   "purpose must be material, consent, attachment, image or photo");
	if (name == NULL || *name == '\0')
		name = "file";
	if (!gzf_utf8_valid(name) || gzf_utf8_chars(name) > NAME_MAX_CHARS ||
	    strpbrk(name, "\r\n\t/\\") != NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "name",
				   "the file name must be text of at most %d characters without slashes",
				   NAME_MAX_CHARS);
	*up = (struct media_upload){ .purpose = p->name, .name = name, .sealed = p->sealed };
	if ((rc = media_sniff((const unsigned char *)req->body, req->body_len, name, p->allowed, &up->type,
			      &req->err)) != GZF_OK)
		return rc;
	if (up->type.width > 0)
		return media_image_check(req->body, req->body_len, &up->type, p->max_side, p->max_pixels,
					 &req->err);
	return GZF_OK;
}

int
api_media_store(struct http_req *req, struct db_conn *c, const struct caller *who,
		const struct media_upload *up, int64_t city_id, const char *region_path,
		struct media *out)
{
	const struct service *svc = req->service;
	int64_t now = gzf_now_ms(), count;
	char sha[65];
	int rc;

	if ((rc = media_store_count_since(c, who->actor.user_id, now - 86400000, &count, &req->err)) != GZF_OK)
		return rc;
	if (count >= (who->actor.kind == ACTOR_STAFF ? STAFF_DAILY_FILES : RESIDENT_DAILY_FILES))
		return gzf_err_set(&req->err, GZF_ELIMIT, "upload_limit", NULL,
				   "too many files uploaded in the last 24 hours; try again tomorrow");
	if ((rc = media_save(svc->cfg->data_dir, up->sealed ? svc->secrets->data_key : NULL, req->body,
			     req->body_len, sha, &req->err)) != GZF_OK)
		return rc;
	*out = (struct media){
		.city_id = city_id, .owner_id = who->actor.user_id, .region_path = region_path,
		.purpose = up->purpose, .name = up->name, .mime = up->type.mime,
		.size = (int64_t)req->body_len, .sha256 = arena_strdup(req->arena, sha),
		.width = up->type.width, .height = up->type.height, .created_at = now,
		.sealed = up->sealed,
	};
	return media_store_create(c, out, &out->id, &req->err);
}

/*
 * The single byte range the request asks for (Range: bytes=a-b, a-, -n), unless If-Range
 * names another version: 1 with [*from, *to] inside len; 0 for the whole file (no range,
 * several, or one that does not parse); -1 when it lies past the end.
 */
static int
byte_range(struct http_req *req, uint64_t len, const char *etag, uint64_t *from, uint64_t *to)
{
	const char *h = http_header(req, "Range"), *ifr = http_header(req, "If-Range"), *p;
	uint64_t v[2] = { 0, 0 };
	int have[2] = { 0, 0 }, k = 0;

	if (h == NULL || strncmp(h, "bytes=", 6) != 0 || (ifr != NULL && strcmp(ifr, etag) != 0))
		return 0;
	for (p = h + 6; *p; p++) {
		if (*p == '-' && k == 0) {
			k = 1;
		} else if (*p >= '0' && *p <= '9' && v[k] < UINT64_MAX / 10 - 10) {
			v[k] = v[k] * 10 + (uint64_t)(*p - '0');
			have[k] = 1;
		} else {
			return 0;
		}
	}
	if (k == 0 || (!have[0] && !have[1]) || (have[0] && have[1] && v[1] < v[0]))
		return 0;
	if (!have[0]) { /* the last v[1] bytes */
		if (v[1] == 0 || len == 0)
			return -1;
		*from = v[1] >= len ? 0 : len - v[1];
		*to = len - 1;
		return 1;
	}
	if (v[0] >= len)
		return -1;
	*from = v[0];
	*to = have[1] && v[1] < len ? v[1] : len - 1;
	return 1;
}

/* The headers of a reply that is the file m (or 304 for it): never of an error, which
 * must not be cached as the file would be. */
static void
file_headers(struct http_req *req, const struct media *m, const char *etag)
{
	http_reply_header(req, "ETag", etag);
	http_reply_header(req, "Cache-Control", m->public ? "public, max-age=" PUBLIC_MAX_AGE : "private, no-cache");
	http_reply_header(req, "Accept-Ranges", "bytes");
	if (strncmp(m->mime, "image/", 6) == 0)
		http_reply_header(req, "Content-Security-Policy", "default-src 'none'");
	http_reply_header(req, "Content-Disposition",
			  arena_printf(req->arena, "inline; filename=\"file-%lld.%s\"", (long long)m->id,
				       strcmp(m->mime, "application/pdf") == 0 ? "pdf"
				       : strcmp(m->mime, "image/png") == 0 ? "png" : "jpg"));
}

int
api_media_reply(struct http_req *req, const struct media *m)
{
	const struct service *svc = req->service;
	const char *size = http_query(req, "size"), *path;
	const char *inm = http_header(req, "If-None-Match"), *etag;
	const void *bytes = NULL;
	uint64_t len, from = 0, to = 0;
	struct stat st;
	size_t n;
	int fd = -1, rc, ranged;

	if (size != NULL && strcmp(size, "thumb") != 0 && strcmp(size, "display") != 0 &&
	    strcmp(size, "original") != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "size",
				   "size must be thumb, display or original");
	/* Sealed files are never scaled: they are served as uploaded. */
	if (size == NULL || m->width == 0 || m->sealed)
		size = "original";
	etag = strcmp(size, "original") == 0 ? arena_printf(req->arena, "\"%s\"", m->sha256)
		: arena_printf(req->arena, "\"%s-%s\"", m->sha256, size);
	if (inm != NULL && strcmp(inm, etag) == 0) {
		file_headers(req, m, etag);
		req->status = 304;
		return GZF_OK;
	}
	if (m->sealed) {
		if ((rc = media_load(req->arena, svc->cfg->data_dir, svc->secrets->data_key, m->sha256, &bytes,
				     &n, &req->err)) != GZF_OK)
			return rc;
		len = n;
	} else {
		path = strcmp(size, "original") == 0 ? media_path(req->arena, svc->cfg->data_dir, NULL, m->sha256)
			: media_variant(req->arena, svc->cfg->data_dir, m->sha256, m->mime, m->width, size, &req->err);
		fd = path && !FAULT(FAULT_IO) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
		if (fd < 0 || fstat(fd, &st) != 0) {
			if (fd >= 0)
				close(fd);
			return gzf_err_set(&req->err, GZF_EINTERNAL, "storage_failed", NULL,
					   "the stored file %lld is missing", (long long)m->id);
		}
		len = (uint64_t)st.st_size;
	}
	ranged = byte_range(req, len, etag, &from, &to);
	if (ranged < 0) {
		if (fd >= 0)
			close(fd);
		http_reply_header(req, "Content-Range", arena_printf(req->arena, "bytes */%llu",
								     (unsigned long long)len));
		return http_reply_bytes(req, 416, "text/plain", "", 0);
	}
	if (ranged == 0)
		to = len > 0 ? len - 1 : 0;
	else
		http_reply_header(req, "Content-Range", arena_printf(req->arena, "bytes %llu-%llu/%llu",
			(unsigned long long)from, (unsigned long long)to, (unsigned long long)len));
	file_headers(req, m, etag);
	req->status = ranged ? 206 : 200;
	req->content_type = m->mime;
	if (fd >= 0) {
		req->reply_fd = fd;
		req->reply_fd_offset = from;
		req->reply_fd_size = len > 0 ? to - from + 1 : 0;
	} else {
		/* The opened file belongs to the arena already: the reply is a slice of it. */
		req->reply = (char *)bytes + from;
		req->reply_len = len > 0 ? (size_t)(to - from + 1) : 0;
	}
	return GZF_OK;
}

/* POST /api/v1/media?purpose=image&name=photo.jpg, the file as the body. */
static int
media_upload(struct http_req *req)
{
	struct media_upload up;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	struct media m;
	int rc;

	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	obj = (struct object){ .owner_id = who->actor.user_id, .region_path = who->actor.region_path };
	if ((rc = api_authorize(req, c, who, ACT_MEDIA_UPLOAD, &obj, "media.upload", "media", 0)) != GZF_OK ||
	    (rc = api_media_check(req, http_query(req, "purpose"), &up)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = api_media_store(req, c, who, &up, who->actor.city_id, who->actor.region_path, &m)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "media.upload", "media", m.id, who->actor.region_code, "ok",
			    arena_printf(req->arena, "{\"purpose\":\"%s\",\"mime\":\"%s\",\"size\":%lld}",
					 m.purpose, m.mime, (long long)m.size))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK) {
		db_rollback(c);
		return rc;
	}
	return http_reply_json(req, 201, json_pack("{s:o}", "media", api_media_json(&m)));
}

/* Who may read the private file m: its uploader; those who may read the application it
 * belongs to (never a resident's unsubmitted draft but its owner), edit the article
 * that shows it, or read the lease it belongs to; for a file attached to nothing, no one else. Refusals are audited. */
static int
may_read(struct http_req *req, struct db_conn *c, const struct caller *who, const struct media *m)
{
	struct object obj = { .owner_id = m->owner_id, .region_path = m->region_path };
	enum action act = ACT_MEDIA_READ;
	struct application app;
	struct media_use use;
	struct article art;
	struct lease lease;
	struct region scope;
	int rc;

	if (authz_check(&who->actor, ACT_MEDIA_READ, &obj) == GZF_OK)
		return GZF_OK;
	if ((rc = media_store_use(c, m->id, &use, &req->err)) != GZF_OK)
		return rc;
	if (use.application_id != 0) {
		if ((rc = application_store_get(c, use.application_id, &app, &req->err)) != GZF_OK)
			return rc;
		obj = api_app_object(&app);
		act = ACT_APP_READ;
	} else if (use.article_id != 0) {
		if ((rc = article_store_get(c, use.article_id, &art, &req->err)) != GZF_OK ||
		    (rc = api_city_scope(req, c, art.city_id, &scope)) != GZF_OK)
			return rc;
		obj = (struct object){ .region_path = scope.path };
		act = ACT_CONTENT_EDIT;
	} else if (use.lease_id != 0) {
		if ((rc = lease_store_get(c, use.lease_id, &lease, &req->err)) != GZF_OK)
			return rc;
		obj = (struct object){ .owner_id = lease.owner_id, .region_path = lease.region_path };
		act = ACT_LEASE_READ;
	}
	return api_authorize(req, c, who, act, &obj, "media.read", "media", m->id);
}

/* GET /api/v1/media/:id — the file: public ones to anyone, private ones to those allowed. */
static int
media_get(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct media m;
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = media_store_get(c, id, &m, &req->err)) != GZF_OK)
		return rc;
	if (!m.public && ((rc = api_login_required(req, c, &who)) != GZF_OK ||
			  (rc = may_read(req, c, who, &m)) != GZF_OK))
		return rc;
	return api_media_reply(req, &m);
}
