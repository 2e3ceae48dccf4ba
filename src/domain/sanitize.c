/*
 * sanitize.c — the allow-list HTML sanitiser (sanitize.h): a small tokenizer that copies
 * text, allowed elements and allowed attributes, and nothing else.
 */
#include "domain/sanitize.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/gzf.h"

#define MAX_DEPTH 64
#define MAX_NAME 16
#define MAX_ATTR_VALUE 2048

struct buf {
	char *p;
	size_t n, cap;
};

struct state {
	struct buf out;
	const char *open[MAX_DEPTH]; /* the allowed elements open, outermost first */
	int depth;
	struct sanitized *result;
};

static void put(struct buf *b, const char *s, size_t n);
static void puts_(struct buf *b, const char *s);
static void put_escaped(struct buf *b, const char *s, size_t n);
static const char *in_list(const char *name, const char *const *list);
static size_t entity_len(const char *s);
static void decode_value(const char *s, size_t n, char *out, size_t cap);
static int url_allowed(const char *url);
static int64_t media_id(const char *url);
static int digits_only(const char *s);
static const char *read_name(const char *p, char *name);
static const char *skip_element(const char *p, const char *name);
static const char *start_tag(struct state *st, const char *p);
static const char *end_tag(struct state *st, const char *p);

/* Elements kept. */
static const char *const allowed[] = {
	"p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li",
	"blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "img", "figure",
	"figcaption", "span", "div", NULL
};
/* Elements without content. */
static const char *const voids[] = { "br", "hr", "img", NULL };
/* Elements removed together with everything inside them. */
static const char *const dropped[] = {
	"script", "style", "iframe", "object", "svg", "math", "template", "textarea",
	"noscript", "noembed", "noframes", "frameset", "applet", "form", "select",
	"title", "xmp", "plaintext", "head", "audio", "video", "canvas", NULL
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = gzf_realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Text for an attribute value or plain text: every markup character escaped. */
static void
put_escaped(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (s[i]) {
		case '&': puts_(b, "&amp;"); break;
		case '<': puts_(b, "&lt;"); break;
		case '>': puts_(b, "&gt;"); break;
		case '"': puts_(b, "&quot;"); break;
		case '\'': puts_(b, "&#39;"); break;
		default: put(b, s + i, 1);
		}
}

const char *
sanitize_escape(struct arena *a, const char *s)
{
	struct buf b = { 0 };
	const char *out;

	put(&b, "", 0);
	put_escaped(&b, s, strlen(s));
	out = arena_strdup(a, b.p);
	free(b.p);
	return out;
}

static const char *
in_list(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return *list;
	return NULL;
}

/* The length of a well-formed character reference at s ("&amp;", "&#39;", "&#x27;"),
 * or 0. */
static size_t
entity_len(const char *s)
{
	size_t i = 1;

	if (s[i] == '#') {
		i++;
		if (s[i] == 'x' || s[i] == 'X') {
			i++;
			while (isxdigit((unsigned char)s[i]) && i < 10)
				i++;
			return i > 3 && s[i] == ';' ? i + 1 : 0;
		}
		while (isdigit((unsigned char)s[i]) && i < 10)
			i++;
		return i > 2 && s[i] == ';' ? i + 1 : 0;
	}
	while (isalnum((unsigned char)s[i]) && i < 32)
		i++;
	return i > 1 && s[i] == ';' ? i + 1 : 0;
}

/* Append the UTF-8 form of code point cp (replacement character when invalid). */
static size_t
utf8_put(unsigned long cp, char *o)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * An attribute value as the browser would read it: numeric references and the named
 * ones that matter for URLs decoded. Other named references stay as written (they are
 * escaped on output, so the browser reads them literally too).
 */
static void
decode_value(const char *s, size_t n, char *out, size_t cap)
{
	static const struct { const char *name; const char *text; } named[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&apos;", "'" }, { "&colon;", ":" }, { "&Tab;", "\t" }, { "&NewLine;", "\n" },
		{ "&nbsp;", " " }, { "&sol;", "/" },
	};
	size_t i = 0, o = 0, len, k;

	while (i < n && o + 5 < cap) {
		/* Numeric references count even without their ';', as browsers read them. */
		if (s[i] == '&' && i + 2 < n && s[i + 1] == '#') {
			int hex = s[i + 2] == 'x' || s[i + 2] == 'X';
			size_t d = i + 2 + (size_t)hex, e = d;
			unsigned long cp = 0;

			while (e < n && e - d < 8 && (hex ? isxdigit((unsigned char)s[e]) : isdigit((unsigned char)s[e]))) {
				cp = cp * (hex ? 16 : 10) + (unsigned long)(isdigit((unsigned char)s[e]) ? s[e] - '0'
					: tolower((unsigned char)s[e]) - 'a' + 10);
				e++;
			}
			if (e > d) {
				o += utf8_put(cp, out + o);
				i = e < n && s[e] == ';' ? e + 1 : e;
				continue;
			}
		}
		len = s[i] == '&' ? entity_len(s + i) : 0;
		for (k = 0; len > 0 && k < sizeof(named) / sizeof(named[0]); k++)
			if (strlen(named[k].name) == len && strncmp(s + i, named[k].name, len) == 0)
				break;
		if (len > 0 && k < sizeof(named) / sizeof(named[0])) {
			memcpy(out + o, named[k].text, strlen(named[k].text));
			o += strlen(named[k].text);
			i += len;
			continue;
		}
		out[o++] = s[i++];
	}
	out[o] = '\0';
}

/*
 * A link target is allowed when it has no scheme (relative) or the scheme http, https or
 * mailto. The scheme is read as browsers do after dropping spaces, tabs and line breaks:
 * anything before a ':' that comes before any '/', '?' or '#'.
 */
static int
url_allowed(const char *url)
{
	char canon[MAX_ATTR_VALUE];
	size_t i, o = 0;

	for (i = 0; url[i] != '\0' && o + 1 < sizeof(canon); i++)
		if ((unsigned char)url[i] > 0x20 && url[i] != 0x7F)
			canon[o++] = (char)tolower((unsigned char)url[i]);
	canon[o] = '\0';
	o = strcspn(canon, ":/?#");
	if (canon[o] != ':')
		return 1;
	return (o == 4 && strncmp(canon, "http", 4) == 0) || (o == 5 && strncmp(canon, "https", 5) == 0) ||
	       (o == 6 && strncmp(canon, "mailto", 6) == 0);
}

/* The id in one of gzf's own media URLs ("/api/v1/media/12", "?size=display" allowed),
 * or 0. */
static int64_t
media_id(const char *url)
{
	static const char prefix[] = "/api/v1/media/";
	const char *p;
	char *end;
	long long id;

	if (strncmp(url, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	p = url + sizeof(prefix) - 1;
	if (!isdigit((unsigned char)*p))
		return 0;
	id = strtoll(p, &end, 10);
	if (id <= 0 || (*end != '\0' && strcmp(end, "?size=display") != 0 &&
			strcmp(end, "?size=thumb") != 0 && strcmp(end, "?size=original") != 0))
		return 0;
	return id;
}

static int
digits_only(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 5 && strspn(s, "0123456789") == n;
}

/* Read a tag or attribute name at p, lowercased into name (cut at MAX_NAME - 1). */
static const char *
read_name(const char *p, char *name)
{
	size_t n = 0;

	while (*p != '\0' && !isspace((unsigned char)*p) && *p != '>' && *p != '/' && *p != '=' &&
	       *p != '<') {
		if (n + 1 < MAX_NAME)
			name[n++] = (char)tolower((unsigned char)*p);
		p++;
	}
	name[n] = '\0';
	return p;
}

/* Past the end tag of name (case-insensitive), or the end of the input. */
static const char *
skip_element(const char *p, const char *name)
{
	size_t n = strlen(name);

	for (; *p != '\0'; p++)
		if (p[0] == '<' && p[1] == '/' && strncasecmp(p + 2, name, n) == 0 &&
		    (p[2 + n] == '>' || isspace((unsigned char)p[2 + n]) || p[2 + n] == '\0')) {
			const char *gt = strchr(p, '>');

			return gt ? gt + 1 : p + strlen(p);
		}
	return p;
}

/* A start tag at p ('<' then a letter): copied when allowed. Returns the position after. */
static const char *
start_tag(struct state *st, const char *p)
{
	char name[MAX_NAME], attr[MAX_NAME], value[MAX_ATTR_VALUE];
	const char *kept, *v;
	struct buf attrs = { 0 };
	size_t vn;
	int64_t mid = 0;
	int self_closing = 0, has_src = 0, i;

	p = read_name(p + 1, name);
	kept = in_list(name, allowed);
	for (;;) {
		while (isspace((unsigned char)*p) || *p == '/') {
			self_closing = *p == '/';
			p++;
		}
		if (*p == '\0' || *p == '>' || *p == '<')
			break;
		p = read_name(p, attr);
		if (*attr == '\0') { /* a stray character: skip it */
			p++;
			continue;
		}
		while (isspace((unsigned char)*p))
			p++;
		v = "";
		vn = 0;
		if (*p == '=') {
			p++;
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '"' || *p == '\'') {
				const char *end = strchr(p + 1, *p);

				v = p + 1;
				vn = end ? (size_t)(end - v) : strlen(v);
				p = end ? end + 1 : v + vn;
			} else {
				v = p;
				while (*p != '\0' && !isspace((unsigned char)*p) && *p != '>')
					p++;
				vn = (size_t)(p - v);
			}
		}
		if (kept == NULL)
			continue;
		decode_value(v, vn, value, sizeof(value));
		if (strcmp(attr, "title") == 0 || (strcmp(name, "img") == 0 && strcmp(attr, "alt") == 0) ||
		    (strcmp(name, "a") == 0 && strcmp(attr, "href") == 0 && url_allowed(value)) ||
		    (strcmp(name, "img") == 0 && (strcmp(attr, "width") == 0 || strcmp(attr, "height") == 0) &&
		     digits_only(value)) ||
		    ((strcmp(name, "td") == 0 || strcmp(name, "th") == 0) &&
		     (strcmp(attr, "colspan") == 0 || strcmp(attr, "rowspan") == 0) && digits_only(value))) {
			puts_(&attrs, " ");
			puts_(&attrs, attr);
			puts_(&attrs, "=\"");
			put_escaped(&attrs, value, strlen(value));
			puts_(&attrs, "\"");
		} else if (strcmp(name, "img") == 0 && strcmp(attr, "src") == 0 && !has_src &&
			   (mid = media_id(value)) > 0) {
			has_src = 1;
			puts_(&attrs, " src=\"");
			put_escaped(&attrs, value, strlen(value));
			puts_(&attrs, "\"");
		}
	}
	/* A tag cut off by the end of the text is no tag. */
	if (*p == '\0') {
		free(attrs.p);
		return p;
	}
	if (*p == '>')
		p++;
	if (kept == NULL) {
		free(attrs.p);
		return in_list(name, dropped) && !self_closing ? skip_element(p, name) : p;
	}
	/* An image that is not one of ours is not shown at all. */
	if (strcmp(kept, "img") == 0 && !has_src) {
		free(attrs.p);
		return p;
	}
	/* Too deep: the text stays, the element goes. */
	if (!in_list(kept, voids) && st->depth == MAX_DEPTH) {
		free(attrs.p);
		return p;
	}
	if (strcmp(kept, "img") == 0) {
		for (i = 0; i < st->result->nmedia && st->result->media[i] != mid; i++)
			;
		if (i == st->result->nmedia && i < SANITIZE_MAX_MEDIA)
			st->result->media[st->result->nmedia++] = mid;
	}
	puts_(&st->out, "<");
	puts_(&st->out, kept);
	if (attrs.p != NULL)
		puts_(&st->out, attrs.p);
	if (strcmp(kept, "a") == 0)
		puts_(&st->out, " rel=\"noopener noreferrer\"");
	puts_(&st->out, ">");
	free(attrs.p);
	if (!in_list(kept, voids))
		st->open[st->depth++] = kept;
	return p;
}

/* An end tag at p ("</"): closes the open elements down to its own, if it is open. */
static const char *
end_tag(struct state *st, const char *p)
{
	char name[MAX_NAME];
	const char *gt;
	int i;

	p = read_name(p + 2, name);
	gt = strchr(p, '>');
	if (gt == NULL)
		return p + strlen(p);
	p = gt + 1;
	for (i = st->depth - 1; i >= 0 && strcmp(st->open[i], name) != 0; i--)
		;
	if (i < 0)
		return p;
	while (st->depth > i) {
		puts_(&st->out, "</");
		puts_(&st->out, st->open[--st->depth]);
		puts_(&st->out, ">");
	}
	return p;
}

void
sanitize_html(struct arena *a, const char *html, struct sanitized *out)
{
	struct state st = { .result = out };
	const char *p = html, *end;
	size_t len;

	memset(out, 0, sizeof(*out));
	put(&st.out, "", 0);
	while (*p != '\0') {
		if (p[0] == '<' && isalpha((unsigned char)p[1])) {
			p = start_tag(&st, p);
		} else if (p[0] == '<' && p[1] == '/' && isalpha((unsigned char)p[2])) {
			p = end_tag(&st, p);
		} else if (strncmp(p, "<!--", 4) == 0) {
			end = strstr(p + 4, "-->");
			p = end ? end + 3 : p + strlen(p);
		} else if (p[0] == '<' && (p[1] == '!' || p[1] == '?' || p[1] == '/')) {
			end = strchr(p, '>');
			p = end ? end + 1 : p + strlen(p);
		} else if (*p == '<') {
			puts_(&st.out, "&lt;");
			p++;
		} else if (*p == '>') {
			puts_(&st.out, "&gt;");
			p++;
		} else if (*p == '&') {
			len = entity_len(p);
			if (len > 0)
				put(&st.out, p, len);
			else
				puts_(&st.out, "&amp;");
			p += len > 0 ? len : 1;
		} else {
			len = strcspn(p, "<>&");
			put(&st.out, p, len);
			p += len;
		}
	}
	while (st.depth > 0) {
		puts_(&st.out, "</");
		puts_(&st.out, st.open[--st.depth]);
		puts_(&st.out, ">");
	}
	out->html = arena_strdup(a, st.out.p);
	free(st.out.p);
}

int
sanitize_text_ok(const char *s, int multiline)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == 0x7F || (c < 0x20 && !(multiline && (c == '\t' || c == '\n' || c == '\r'))))
			return 0;
	}
	return 1;
}
