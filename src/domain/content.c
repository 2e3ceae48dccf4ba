/*
 * content.c — checking what an editor sends, the text an article is found by, the
 * pictures it may show and its state machine (content.h).
 */
#include "domain/content.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "domain/authz.h"
#include "domain/calendar.h"
#include "domain/sanitize.h"
#include "store/user_store.h"

struct kind_fields {
	const char *kind;
	const char *const *fields;
};

static const char *const policy_fields[] = { "doc_number", "issuer", "issued_on", "effective_on", NULL };
static const char *const guide_fields[] = { "conditions", "materials", "steps", "time_limit", "offices",
					    "phone", NULL };
static const char *const faq_fields[] = { "question", NULL };
static const char *const no_fields[] = { NULL };
static const struct kind_fields kinds[] = {
	{ "policy", policy_fields }, { "news", no_fields }, { "guide", guide_fields },
	{ "faq", faq_fields }, { "manual", no_fields },
};

static int text_field(const json_t *body, const char *name, int required, size_t max, int multiline,
		      const char **out, struct gzf_err *err);
static int check_fields(struct arena *ar, const json_t *fields, const char *const *allowed,
			const char **out, struct gzf_err *err);
static const char *search_text(struct arena *ar, const struct article *a);

/* A plain-text member: a string of at most max characters, no control characters (but
 * line breaks when multiline). Absent: *out untouched unless required. */
static int
text_field(const json_t *body, const char *name, int required, size_t max, int multiline,
	   const char **out, struct gzf_err *err)
{
	const json_t *v = json_object_get(body, name);
	const char *s;

	if (v == NULL || json_is_null(v)) {
		if (required)
			return gzf_err_set(err, GZF_EINVAL, "required", name, "%s is required", name);
		return GZF_OK;
	}
	if (!json_is_string(v))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", name, "%s must be text", name);
	s = json_string_value(v);
	if (!gzf_utf8_valid(s) || !sanitize_text_ok(s, multiline))
		return gzf_err_set(err, GZF_EINVAL, "invalid_text", name,
				   "%s contains characters that are not text", name);
	if (gzf_utf8_chars(s) > max)
		return gzf_err_set(err, GZF_EINVAL, "too_long", name, "%s is longer than %zu characters", name, max);
	if (required && *s == '\0')
		return gzf_err_set(err, GZF_EINVAL, "required", name, "%s is required", name);
	*out = s;
	return GZF_OK;
}

/* The kind's fields: an object of known names with text values (dates where dates go). */
static int
check_fields(struct arena *ar, const json_t *fields, const char *const *allowed, const char **out,
	     struct gzf_err *err)
{
	const char *key, *s;
	const json_t *v;
	char *text;
	size_t i;
	int rc, day;

	if (!json_is_object(fields))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "fields", "fields must be an object");
	json_object_foreach((json_t *)fields, key, v) {
		for (i = 0; allowed[i] != NULL && strcmp(allowed[i], key) != 0; i++)
			;
		if (allowed[i] == NULL)
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", "fields",
					   "fields.%.40s is not a field of this kind", key);
		s = NULL;
		if ((rc = text_field(fields, key, 0, CONTENT_FIELD_MAX, 1, &s, err)) != GZF_OK) {
			gzf_err_prefix(err, NULL, arena_printf(ar, "fields.%s", key), "fields.");
			return rc;
		}
		if ((strcmp(key, "issued_on") == 0 || strcmp(key, "effective_on") == 0) && s != NULL && *s &&
		    (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789-") != 10 ||
		     !calendar_date_valid(day = (int)(strtol(s, NULL, 10) * 10000 + strtol(s + 5, NULL, 10) * 100 +
						    strtol(s + 8, NULL, 10)))))
			return gzf_err_set(err, GZF_EINVAL, "invalid_value", arena_printf(ar, "fields.%s", key),
					   "fields.%s must be a date written YYYY-MM-DD", key);
	}
	text = json_dumps(fields, JSON_COMPACT | JSON_SORT_KEYS);
	*out = arena_strdup(ar, text);
	free(text);
	return GZF_OK;
}

/* Title, summary, the body's text without its tags, and the fields' values. */
static const char *
search_text(struct arena *ar, const struct article *a)
{
	size_t n = strlen(a->title) + strlen(a->summary) + strlen(a->body_html) + strlen(a->fields) + 4;
	char *out = arena_alloc(ar, n), *o = out;
	const char *p;
	int in_tag = 0;

	memcpy(o, a->title, strlen(a->title));
	o += strlen(a->title);
	*o++ = '\n';
	memcpy(o, a->summary, strlen(a->summary));
	o += strlen(a->summary);
	*o++ = '\n';
	for (p = a->body_html; *p; p++) {
		if (*p == '<')
			in_tag = 1;
		else if (*p == '>')
			in_tag = 0, *o++ = ' ';
		else if (!in_tag)
			*o++ = *p;
	}
	*o++ = '\n';
	for (p = a->fields; *p; p++)
		if (*p != '{' && *p != '}' && *p != '"')
			*o++ = *p;
	*o = '\0';
	return out;
}

int
content_apply(struct arena *ar, const json_t *body, int creating, struct article *a, struct gzf_err *err)
{
	const json_t *fields = json_object_get(body, "fields"), *cover = json_object_get(body, "cover_media_id");
	const struct kind_fields *k = NULL;
	const char *html = NULL, *kind = a->kind;
	struct sanitized clean;
	json_t *media;
	char *text;
	size_t i;
	int rc;

	if (creating && (rc = text_field(body, "kind", 1, 10, 0, &kind, err)) != GZF_OK)
		return rc;
	for (i = 0; kind != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			k = &kinds[i];
	if (k == NULL)
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "kind",
				   "kind must be policy, news, guide, faq or manual");
	if ((rc = text_field(body, "title", creating, CONTENT_TITLE_MAX, 0, &a->title, err)) != GZF_OK ||
	    (rc = text_field(body, "summary", 0, CONTENT_SUMMARY_MAX, 1, &a->summary, err)) != GZF_OK ||
	    (rc = text_field(body, "body_html", 0, CONTENT_BODY_MAX, 1, &html, err)) != GZF_OK)
		return rc;
	if (a->title == NULL || *a->title == '\0')
		return gzf_err_set(err, GZF_EINVAL, "required", "title", "title is required");
	if (fields != NULL && (rc = check_fields(ar, fields, k->fields, &a->fields, err)) != GZF_OK)
		return rc;
	if (cover != NULL && !json_is_null(cover) && (!json_is_integer(cover) || json_integer_value(cover) < 0))
		return gzf_err_set(err, GZF_EINVAL, "invalid_value", "cover_media_id",
				   "cover_media_id must be the id of an uploaded image");
	if (cover != NULL)
		a->cover_media_id = json_is_integer(cover) ? json_integer_value(cover) : 0;
	a->kind = kind;
	if (a->summary == NULL)
		a->summary = "";
	if (a->fields == NULL)
		a->fields = "{}";
	if (html != NULL) {
		sanitize_html(ar, html, &clean);
		a->body_html = clean.html;
		media = json_array();
		for (i = 0; i < (size_t)clean.nmedia; i++)
			json_array_append_new(media, json_integer(clean.media[i]));
		text = json_dumps(media, JSON_COMPACT);
		a->media = arena_strdup(ar, text);
		free(text);
		json_decref(media);
	}
	if (a->body_html == NULL)
		a->body_html = "";
	if (a->media == NULL)
		a->media = "[]";
	a->search_text = search_text(ar, a);
	return GZF_OK;
}

int
content_media(const struct article *a, int64_t *ids, int max)
{
	json_t *list = json_loads(a->media ? a->media : "[]", 0, NULL), *v;
	size_t i;
	int n = 0;

	if (a->cover_media_id > 0 && n < max)
		ids[n++] = a->cover_media_id;
	json_array_foreach(list, i, v)
		if (n < max && json_is_integer(v))
			ids[n++] = json_integer_value(v);
	json_decref(list);
	return n;
}

int
content_show_media(struct db_conn *c, const struct article *a, struct gzf_err *err)
{
	int64_t ids[SANITIZE_MAX_MEDIA + 1];

	return media_store_article_set(c, a->id, ids, content_media(a, ids, SANITIZE_MAX_MEDIA + 1), err);
}

int
content_media_check(struct db_conn *c, const struct article *a, const char *scope_path,
		    struct gzf_err *err)
{
	int64_t ids[SANITIZE_MAX_MEDIA + 1];
	struct object obj = { .region_path = scope_path };
	struct actor uploader;
	struct media m;
	struct user u;
	int rc, n, i;

	assert(scope_path != NULL);
	n = content_media(a, ids, SANITIZE_MAX_MEDIA + 1);
	for (i = 0; i < n; i++) {
		if ((rc = media_store_get(c, ids[i], &m, err)) == GZF_OK &&
		    (rc = user_store_get(c, m.owner_id, &u, err)) == GZF_OK)
			authz_actor_of(&u, &uploader);
		if (rc != GZF_OK && rc != GZF_ENOTFOUND)
			return rc;
		if (rc == GZF_ENOTFOUND || strcmp(m.purpose, "image") != 0 || m.city_id != a->city_id ||
		    authz_check(&uploader, ACT_CONTENT_EDIT, &obj) != GZF_OK)
			return gzf_err_set(err, GZF_EINVAL, "media_not_allowed",
					   i == 0 && a->cover_media_id > 0 ? "cover_media_id" : "body_html",
					   "file %lld is not a picture uploaded for the content of %s",
					   (long long)ids[i], a->city_id ? "this city" : "the nation");
	}
	return GZF_OK;
}

/* One firing: what the guard and the effects see. */
struct run {
	struct db_conn *c;
	struct article *a;
	int64_t now;
	const char *scope_path;
};

static int
media_allowed(void *ctx, struct gzf_err *err)
{
	const struct run *r = ctx;

	return content_media_check(r->c, r->a, r->scope_path, err);
}

/* Save the article against the version it was read at, with the pictures it shows. */
static int
fx_save(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;
	int rc, version = r->a->version;

	r->a->updated_at = r->now;
	if ((rc = article_store_save(r->c, r->a, version, err)) != GZF_OK)
		return rc;
	return content_show_media(r->c, r->a, err);
}

static int
fx_publish(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;

	r->a->status = "published";
	r->a->published_at = r->now;
	return fx_save(ctx, err);
}

static int
fx_withdraw(void *ctx, struct gzf_err *err)
{
	struct run *r = ctx;

	r->a->status = "withdrawn";
	return fx_save(ctx, err);
}

static const char *const content_states[CONTENT_NSTATES] = {
	[CONTENT_DRAFT] = "draft", [CONTENT_PUBLISHED] = "published", [CONTENT_WITHDRAWN] = "withdrawn",
};

static const char *const content_events[CONTENT_NEVENTS] = {
	[CONTENT_EDIT] = "edit", [CONTENT_PUBLISH] = "publish", [CONTENT_WITHDRAW] = "withdraw",
};

/* An article's life (docs/design/state-machines.md). A draft may be set aside
 * (withdrawn) without ever being published; any article may be edited. */
static const struct fsm_transition content_flow[] = {
	/* from               event             who          guard          to                 effects    effect */
	{ CONTENT_DRAFT,      CONTENT_EDIT,     FSM_DECIDER, media_allowed, CONTENT_DRAFT,     FX_RECORD, fx_save },
	{ CONTENT_PUBLISHED,  CONTENT_EDIT,     FSM_DECIDER, media_allowed, CONTENT_PUBLISHED, FX_RECORD, fx_save },
	{ CONTENT_WITHDRAWN,  CONTENT_EDIT,     FSM_DECIDER, media_allowed, CONTENT_WITHDRAWN, FX_RECORD, fx_save },
	{ CONTENT_DRAFT,      CONTENT_PUBLISH,  FSM_DECIDER, media_allowed, CONTENT_PUBLISHED, FX_RECORD, fx_publish },
	{ CONTENT_WITHDRAWN,  CONTENT_PUBLISH,  FSM_DECIDER, media_allowed, CONTENT_PUBLISHED, FX_RECORD, fx_publish },
	{ CONTENT_DRAFT,      CONTENT_WITHDRAW, FSM_DECIDER, NULL,          CONTENT_WITHDRAWN, FX_RECORD, fx_withdraw },
	{ CONTENT_PUBLISHED,  CONTENT_WITHDRAW, FSM_DECIDER, NULL,          CONTENT_WITHDRAWN, FX_RECORD, fx_withdraw },
};

const struct fsm content_fsm = {
	.name = "article", .states = content_states, .n_states = CONTENT_NSTATES,
	.events = content_events, .n_events = CONTENT_NEVENTS, .table = content_flow,
	.n = (int)(sizeof(content_flow) / sizeof(content_flow[0])),
};

enum content_state
content_state_of(const struct article *a)
{
	if (strcmp(a->status, "published") == 0)
		return CONTENT_PUBLISHED;
	if (strcmp(a->status, "withdrawn") == 0)
		return CONTENT_WITHDRAWN;
	assert(strcmp(a->status, "draft") == 0); /* the database allows no other status */
	return CONTENT_DRAFT;
}

int
content_fire(struct db_conn *c, struct article *a, enum content_event event, int64_t now,
	     const char *scope_path, struct gzf_err *err)
{
	struct run run = { .c = c, .a = a, .now = now, .scope_path = scope_path };
	const struct fsm_transition *t;
	int rc;

	assert(a->id > 0 && now > 0);
	if ((rc = fsm_find(&content_fsm, content_state_of(a), event, FSM_DECIDER, &run, &t, err)) != GZF_OK)
		return rc;
	return t->effect(&run, err);
}
