/*
 * media.c — uploading files and reading them back.
 *
 * POST /api/v1/media?purpose=&name= takes the file as the raw request body (its
 * Content-Type is not trusted: the type is sniffed). A private file is read back by its
 * uploader, or by staff whose region holds the file's region; files that other objects
 * use (an application's materials) are served through those objects' own endpoints with
 * api_media_reply(), after those objects' checks. A file made public (an image of a
 * published article) is read by anyone and cached.
 */
#include "api/api.h"
#include "core/fault.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RESIDENT_DAILY_FILES 100
#define STAFF_DAILY_FILES 2000
#define NAME_MAX_CHARS 200

static int media_upload(struct http_req *req);
static int media_get(struct http_req *req);
static void file_headers(struct http_req *req, const struct media *m, const char *etag);

/* What each purpose is for and which types it takes. */
static const struct purpose {
	const char *name;
	unsigned allowed;
} purposes[] = {
	{ "material", MEDIA_DOCUMENTS },   /* application materials */
	{ "consent", MEDIA_DOCUMENTS },    /* signed consent forms of counter applications */
	{ "attachment", MEDIA_DOCUMENTS }, /* attachments of policy documents */
	{ "image", MEDIA_IMAGES },         /* pictures in articles and guides */
	{ "photo", MEDIA_IMAGES },         /* photos of estates and flats */
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
api_media_store(struct http_req *req, struct db_conn *c, const struct caller *who,
		const char *purpose, unsigned allowed, int64_t city_id, const char *region_path,
		struct media *out)
{
	const struct app *app = req->app;
	const char *name = http_query(req, "name");
	struct media_type type;
	int64_t now = gzf_now_ms(), count;
	char sha[65];
	int rc;

	if (name == NULL || *name == '\0')
		name = "file";
	if (!gzf_utf8_valid(name) || gzf_utf8_chars(name) > NAME_MAX_CHARS ||
	    strpbrk(name, "\r\n\t/\\") != NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "name",
				   "the file name must be text of at most %d characters without slashes",
				   NAME_MAX_CHARS);
	if ((rc = media_sniff((const unsigned char *)req->body, req->body_len, name, allowed, &type,
			      &req->err)) != GZF_OK ||
	    (type.width > 0 && (rc = media_image_check(req->body, req->body_len, type.mime, &req->err)) != GZF_OK))
		return rc;
	if ((rc = store_media_count_since(c, who->actor.user_id, now - 86400000, &count, &req->err)) != GZF_OK)
		return rc;
	if (count >= (who->actor.kind == ACTOR_STAFF ? STAFF_DAILY_FILES : RESIDENT_DAILY_FILES))
		return gzf_err_set(&req->err, GZF_ELIMIT, "upload_limit", NULL,
				   "too many files uploaded in the last 24 hours; try again tomorrow");
	if ((rc = media_save(app->cfg->data_dir, req->body, req->body_len, sha, &req->err)) != GZF_OK)
		return rc;
	*out = (struct media){
		.city_id = city_id, .owner_id = who->actor.user_id, .region_path = region_path,
		.purpose = purpose, .name = name, .mime = type.mime, .size = (int64_t)req->body_len,
		.sha256 = arena_strdup(req->arena, sha), .width = type.width, .height = type.height,
		.created_at = now,
	};
	return store_media_create(c, out, &out->id, &req->err);
}

/* The headers of a reply that is the file m (or 304 for it): never of an error, which
 * must not be cached as the file would be. */
static void
file_headers(struct http_req *req, const struct media *m, const char *etag)
{
	http_reply_header(req, "ETag", etag);
	/* An id's bytes never change: public files are cached for good. */
	http_reply_header(req, "Cache-Control", m->public ? "public, max-age=31536000, immutable" : "private, no-cache");
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
	const struct app *app = req->app;
	const char *size = http_query(req, "size"), *path;
	const char *inm = http_header(req, "If-None-Match"), *etag;
	struct stat st;
	int fd;

	if (size != NULL && strcmp(size, "thumb") != 0 && strcmp(size, "display") != 0 &&
	    strcmp(size, "original") != 0)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "size",
				   "size must be thumb, display or original");
	if (size == NULL || m->width == 0)
		size = "original";
	etag = strcmp(size, "original") == 0 ? arena_printf(req->arena, "\"%s\"", m->sha256)
		: arena_printf(req->arena, "\"%s-%s\"", m->sha256, size);
	if (inm != NULL && strcmp(inm, etag) == 0) {
		file_headers(req, m, etag);
		req->status = 304;
		return GZF_OK;
	}
	path = strcmp(size, "original") == 0 ? media_path(req->arena, app->cfg->data_dir, m->sha256)
		: media_variant(req->arena, app->cfg->data_dir, m->sha256, m->mime, m->width, size, &req->err);
	fd = path && !FAULT(FAULT_IO) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return gzf_err_set(&req->err, GZF_EINTERNAL, "storage_failed", NULL,
				   "the stored file %lld is missing", (long long)m->id);
	}
	file_headers(req, m, etag);
	req->status = 200;
	req->content_type = m->mime;
	req->reply_fd = fd;
	req->reply_fd_size = (uint64_t)st.st_size;
	return GZF_OK;
}

/* POST /api/v1/media?purpose=image&name=photo.jpg, the file as the body. */
static int
media_upload(struct http_req *req)
{
	const char *purpose = http_query(req, "purpose");
	const struct purpose *p = NULL;
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	struct media m;
	size_t i;
	int rc;

	for (i = 0; purpose != NULL && i < sizeof(purposes) / sizeof(purposes[0]); i++)
		if (strcmp(purpose, purposes[i].name) == 0)
			p = &purposes[i];
	if (p == NULL)
		return gzf_err_set(&req->err, GZF_EINVAL, "invalid_value", "purpose",
				   "purpose must be material, consent, attachment, image or photo");
	if ((rc = api_db(req, &c)) != GZF_OK || (rc = api_login_required(req, c, &who)) != GZF_OK)
		return rc;
	obj = (struct object){ .owner_id = who->actor.user_id, .region_path = who->actor.region_path };
	if ((rc = api_authorize(req, c, who, ACT_MEDIA_UPLOAD, &obj, "media.upload", "media", 0)) != GZF_OK ||
	    (rc = db_begin(c, &req->err)) != GZF_OK)
		return rc;
	if ((rc = api_media_store(req, c, who, p->name, p->allowed, who->actor.city_id,
				  who->actor.region_path, &m)) != GZF_OK ||
	    (rc = api_audit(req, c, who, "media.upload", "media", m.id, who->actor.region_code, "ok",
			    arena_printf(req->arena, "{\"purpose\":\"%s\",\"mime\":\"%s\",\"size\":%lld}",
					 m.purpose, m.mime, (long long)m.size))) != GZF_OK ||
	    (rc = db_commit(c, &req->err)) != GZF_OK) {
		db_rollback(c);
		return rc;
	}
	return http_reply_json(req, 201, json_pack("{s:o}", "media", api_media_json(&m)));
}

/* GET /api/v1/media/:id — the file: public ones to anyone, private ones to those allowed. */
static int
media_get(struct http_req *req)
{
	struct caller *who;
	struct db_conn *c;
	struct object obj;
	struct media m;
	int64_t id;
	int rc;

	if ((rc = api_param_int(req, "id", &id)) != GZF_OK || (rc = api_db(req, &c)) != GZF_OK ||
	    (rc = store_media_get(c, id, &m, &req->err)) != GZF_OK)
		return rc;
	if (!m.public) {
		obj = (struct object){ .owner_id = m.owner_id, .region_path = m.region_path };
		if ((rc = api_login_required(req, c, &who)) != GZF_OK ||
		    (rc = api_authorize(req, c, who, ACT_MEDIA_READ, &obj, "media.read", "media", m.id)) != GZF_OK)
			return rc;
	}
	return api_media_reply(req, &m);
}
