/*
 * pii.c — masks for showing personal data in part, and the checks for the personal
 * fields people type in. Knows UTF-8 but uses no locale: the letters accepted in names
 * are listed here by Unicode block. And the one-time sealing of staff names kept in
 * clear by earlier versions.
 */
#include "domain/pii.h"
#include "domain/password_list.h"
#include "core/crypto.h"
#include "store/user_store.h"

#include <stdint.h>
#include <string.h>

#define NAME_MIN 2
#define NAME_MAX 40
#define PASSWORD_MIN 8
#define PASSWORD_MAX 64

/* What a character is, for names: not allowed, a Chinese-style character (written
 * without spaces), a letter of an alphabet, or a combining mark (an accent on a letter). */
enum letter_kind { K_NONE, K_CJK, K_ALPHA, K_MARK };

struct cp_range {
	uint32_t lo, hi;
};

static int utf8_decode(const char *s, uint32_t *cp);
static size_t utf8_step(const char *s);
static size_t utf8_count(const char *s);
static size_t utf8_offset(const char *s, size_t k);
static int in_ranges(uint32_t cp, const struct cp_range *r, size_t n);
static enum letter_kind letter_kind(uint32_t cp);
static int is_digit(uint32_t cp);
static char *mask_build(struct arena *a, const char *s, size_t head, size_t tail, size_t stars);
static char *mask_tail(struct arena *a, const char *s);
static int name_fail(struct gzf_err *err, const char *field, const char *msg);

/* Ideographs (CJK Unified, extensions A-G, compatibility), 〇, kana, Hangul syllables
 * and Yi syllables: scripts that write names without spaces. */
static const struct cp_range cjk_ranges[] = {
	{ 0x3007, 0x3007 },   { 0x3041, 0x3096 },   { 0x30A1, 0x30FA },   { 0x30FC, 0x30FC },
	{ 0x3400, 0x4DBF },   { 0x4E00, 0x9FFF },   { 0xA000, 0xA48C },   { 0xAC00, 0xD7A3 },
	{ 0xF900, 0xFAFF },   { 0x20000, 0x2A6DF }, { 0x2A700, 0x2EBEF }, { 0x2F800, 0x2FA1F },
	{ 0x30000, 0x3134F },
};

/* Letters of alphabets: Latin (with Latin-1, Extended-A/B and Vietnamese), Greek,
 * Cyrillic, Arabic (as Uyghur and Kazakh are written), Tibetan, Mongolian. */
static const struct cp_range alpha_ranges[] = {
	{ 'A', 'Z' },       { 'a', 'z' },       { 0x00C0, 0x00D6 }, { 0x00D8, 0x00F6 },
	{ 0x00F8, 0x024F }, { 0x0386, 0x0386 }, { 0x0388, 0x03CE }, { 0x0400, 0x0481 },
	{ 0x048A, 0x052F }, { 0x0620, 0x064A }, { 0x066E, 0x06D3 }, { 0x06D5, 0x06D5 },
	{ 0x0F40, 0x0F6C }, { 0x0F71, 0x0F84 }, { 0x0F90, 0x0FBC }, { 0x1820, 0x1878 },
	{ 0x1E00, 0x1EFF },
};

/* Combining diacritical marks: accents typed as a separate character after a letter. */
static const struct cp_range mark_ranges[] = {
	{ 0x0300, 0x036F },
};

#define N_RANGES(r) (sizeof(r) / sizeof((r)[0]))

char *
pii_mask_id(struct arena *a, const char *id)
{
	if (id == NULL)
		return NULL;
	if (utf8_count(id) == 18)
		return mask_build(a, id, 6, 4, 8);
	return mask_tail(a, id);
}

char *
pii_mask_phone(struct arena *a, const char *phone)
{
	size_t i;

	if (phone == NULL)
		return NULL;
	for (i = 0; phone[i] >= '0' && phone[i] <= '9'; i++)
		;
	if (i == 11 && phone[i] == '\0')
		return mask_build(a, phone, 3, 4, 4);
	return mask_tail(a, phone);
}

char *
pii_mask_name(struct arena *a, const char *name)
{
	const char *p;
	uint32_t cp;
	size_t n;
	int len, cjk = 0;

	if (name == NULL)
		return NULL;
	n = utf8_count(name);
	if (n == 0)
		return arena_strdup(a, "");
	if (n == 1)
		return arena_strdup(a, "*");
	for (p = name; *p; p += len > 0 ? len : 1)
		if ((len = utf8_decode(p, &cp)) > 0 && letter_kind(cp) == K_CJK)
			cjk = 1;
	/* Chinese names are short and their length says little; other names may be long,
	 * so a fixed "***" hides how long they are. */
	return mask_build(a, name, 1, 0, cjk ? n - 1 : 3);
}

int
pii_check_phone(const char *phone, struct gzf_err *err)
{
	size_t i;

	if (phone != NULL) {
		for (i = 0; phone[i] >= '0' && phone[i] <= '9'; i++)
			;
		if (i == 11 && phone[i] == '\0' && phone[0] == '1' && phone[1] >= '3')
			return GZF_OK;
	}
	return gzf_err_set(err, GZF_EINVAL, "invalid_phone", "phone",
			   "a mobile phone number has 11 digits and starts with 13 to 19; "
			   "please enter the number without spaces or a country code");
}

int
pii_check_name(const char *name, const char *field, struct gzf_err *err)
{
	uint32_t cps[NAME_MAX];
	enum letter_kind prev, next;
	size_t i, n = 0;
	int len;

	if (name == NULL)
		return name_fail(err, field, "a name has 2 to 40 characters; please enter your name");
	while (*name) {
		if ((len = utf8_decode(name, &cps[n])) < 0)
			return name_fail(err, field, "the name is not valid text; please type it again");
		name += len;
		if (++n == NAME_MAX && *name)
			return name_fail(err, field, "a name has 2 to 40 characters; this one is longer");
	}
	if (n < NAME_MIN)
		return name_fail(err, field, "a name has 2 to 40 characters; please enter the full name");
	/* First the characters that are never allowed, so the message names them rather
	 * than a misplaced space next to them. */
	for (i = 0; i < n; i++) {
		uint32_t c = cps[i];

		if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
			return name_fail(err, field, "a name cannot contain control characters; "
					      "please type it again");
		if (is_digit(c))
			return name_fail(err, field, "a name cannot contain digits; please enter the name "
					      "as it is written on the ID card");
		if (c == '<' || c == '>' || c == '&' || c == '"' || c == '\'')
			return name_fail(err, field, "a name cannot contain < > & \" or '; please enter the "
					      "name as it is written on the ID card");
	}
	for (i = 0; i < n; i++) {
		uint32_t c = cps[i];

		prev = i > 0 ? letter_kind(cps[i - 1]) : K_NONE;
		next = i + 1 < n ? letter_kind(cps[i + 1]) : K_NONE;
		if (c == ' ' || c == '-') {
			if ((prev != K_ALPHA && prev != K_MARK) || next != K_ALPHA)
				return name_fail(err, field, "spaces and hyphens are allowed only one at a time "
						      "between the words of a name in Latin or another "
						      "alphabet, not in Chinese names");
			continue;
		}
		if (c == 0x00B7) {
			if (prev == K_NONE || next == K_NONE || next == K_MARK)
				return name_fail(err, field, "'·' is allowed only between two parts of a name, "
						      "as in 阿依古丽·买买提");
			continue;
		}
		switch (letter_kind(c)) {
		case K_CJK:
		case K_ALPHA:
			break;
		case K_MARK:
			if (prev == K_ALPHA || prev == K_MARK)
				break;
			/* fall through */
		default:
			return name_fail(err, field, "a name may contain only letters, '·' between its parts "
					      "and spaces between words; please enter the name as it "
					      "is written on the ID card");
		}
	}
	return GZF_OK;
}

int
pii_check_password(const char *password, struct gzf_err *err)
{
	uint32_t cp, first = 0;
	size_t n = 0;
	int len, letter = 0, digit = 0, same = 1;

	if (password == NULL)
		goto weak;
	if (password_list_has(password))
		return gzf_err_set(err, GZF_EINVAL, "password_common", "password",
				   "this password is one of the most common ones and is guessed "
				   "first; please choose another");
	for (; *password; password += len) {
		if ((len = utf8_decode(password, &cp)) < 0)
			goto weak;
		if (n++ == 0)
			first = cp;
		else if (cp != first)
			same = 0;
		if (cp >= '0' && cp <= '9')
			digit = 1;
		else if (letter_kind(cp) == K_CJK || letter_kind(cp) == K_ALPHA)
			letter = 1;
	}
	if (n >= PASSWORD_MIN && n <= PASSWORD_MAX && letter && digit && !same)
		return GZF_OK;
weak:
	return gzf_err_set(err, GZF_EINVAL, "weak_password", "password",
			   "a password has 8 to 64 characters and contains at least one letter "
			   "and one digit; please choose another");
}

/*
 * utf8_decode — decode the character at s into *cp: returns its length in bytes (1-4),
 * 0 at the end of the string, or -1 for anything that is not well-formed UTF-8 (stray
 * continuation bytes, truncated sequences, overlong forms, surrogates, beyond U+10FFFF).
 */
static int
utf8_decode(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c, min;
	int len, i;

	if (u[0] == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0) {
		len = 2, c = u[0] & 0x1F, min = 0x80;
	} else if ((u[0] & 0xF0) == 0xE0) {
		len = 3, c = u[0] & 0x0F, min = 0x800;
	} else if ((u[0] & 0xF8) == 0xF0) {
		len = 4, c = u[0] & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return -1;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*cp = c;
	return len;
}

/* utf8_step — bytes in the character at s (a malformed byte counts as one character);
 * 0 at the end. */
static size_t
utf8_step(const char *s)
{
	uint32_t cp;
	int len = utf8_decode(s, &cp);

	return len < 0 ? 1 : (size_t)len;
}

/* utf8_count — characters in s, counted as utf8_step() steps. */
static size_t
utf8_count(const char *s)
{
	size_t n = 0;

	for (; *s; s += utf8_step(s))
		n++;
	return n;
}

/* utf8_offset — the byte offset of character k of s (the length when s is shorter). */
static size_t
utf8_offset(const char *s, size_t k)
{
	const char *p = s;

	for (; *p && k > 0; k--)
		p += utf8_step(p);
	return (size_t)(p - s);
}

static int
in_ranges(uint32_t cp, const struct cp_range *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return 1;
	return 0;
}

static enum letter_kind
letter_kind(uint32_t cp)
{
	if (in_ranges(cp, cjk_ranges, N_RANGES(cjk_ranges)))
		return K_CJK;
	if (in_ranges(cp, alpha_ranges, N_RANGES(alpha_ranges)))
		return K_ALPHA;
	if (in_ranges(cp, mark_ranges, N_RANGES(mark_ranges)))
		return K_MARK;
	return K_NONE;
}

/* is_digit — ASCII or full-width decimal digit. */
static int
is_digit(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

/*
 * mask_build — in a: the first head characters of s, stars '*', then the last tail
 * characters of s. The caller makes sure s has at least head + tail characters.
 */
static char *
mask_build(struct arena *a, const char *s, size_t head, size_t tail, size_t stars)
{
	size_t n = utf8_count(s);
	size_t head_end = utf8_offset(s, head);
	size_t tail_start = utf8_offset(s, n - tail);
	size_t tail_len = strlen(s) - tail_start;
	char *out = arena_alloc(a, head_end + stars + tail_len + 1);

	memcpy(out, s, head_end);
	memset(out + head_end, '*', stars);
	memcpy(out + head_end + stars, s + tail_start, tail_len);
	out[head_end + stars + tail_len] = '\0';
	return out;
}

/* mask_tail — all but the last 4 characters of s as '*', and at least 4 stars; text of
 * 4 characters or fewer is all hidden ("****"), "" stays "". */
static char *
mask_tail(struct arena *a, const char *s)
{
	size_t n = utf8_count(s);

	if (n == 0)
		return arena_strdup(a, "");
	if (n <= 4)
		return arena_strdup(a, "****");
	return mask_build(a, s, 0, 4, n - 4 < 4 ? 4 : n - 4);
}

static int
name_fail(struct gzf_err *err, const char *field, const char *msg)
{
	return gzf_err_set(err, GZF_EINVAL, "invalid_name", field, "%s", msg);
}

int
pii_seal_staff_names(struct db *db, const unsigned char key[32], int *sealed, struct gzf_err *err)
{
	struct arena *a = arena_create();
	struct db_conn *c = NULL;
	struct staff_name *list;
	char *enc;
	int rc, n = 0, i;

	*sealed = 0;
	if ((rc = db_acquire(db, a, &c, err)) != GZF_OK || (rc = db_begin(c, err)) != GZF_OK ||
	    (rc = user_store_staff_clear_names(c, &list, &n, err)) != GZF_OK)
		goto out;
	for (i = 0; i < n; i++) {
		crypto_seal(a, key, list[i].name, &enc);
		if ((rc = user_store_staff_seal_name(c, list[i].id, enc, err)) != GZF_OK)
			goto out;
	}
	if ((rc = db_commit(c, err)) == GZF_OK)
		*sealed = n;
out:
	db_release(c);
	arena_destroy(a);
	return rc;
}
