/*
 * pii.h — personal data: how it is shown to those who may not see it in full (masks),
 * and the rules for the personal fields people type in (phone, name, password).
 * Lengths are counted in characters (UTF-8), never in bytes.
 */
#ifndef GZF_DOMAIN_PII_H
#define GZF_DOMAIN_PII_H

#include <stddef.h>

#include "core/arena.h"
#include "core/gzf.h"
#include "store/db.h"

/*
 * pii_mask_id — an ID number for display, in a: "230602********1234" (the first 6 and the
 * last 4 characters kept, the 8 between as '*'). Anything that is not 18 characters: all
 * but the last 4 as '*', at least 4 stars ("" stays "", up to 4 characters become "****").
 * NULL gives NULL.
 */
char *pii_mask_id(struct arena *a, const char *id);

/* pii_mask_phone — "138****5678" for an 11-digit number; otherwise as pii_mask_id does
 * for text that is not 18 characters. NULL gives NULL. */
char *pii_mask_phone(struct arena *a, const char *phone);

/*
 * pii_mask_name — a name for display, in a. A name written with Chinese (CJK) characters
 * keeps its first character and shows one '*' for each other ("张三" -> "张*", "欧阳娜娜"
 * -> "欧***"); any other name keeps its first letter followed by "***" ("Smith" -> "S***").
 * A one-character name becomes "*"; "" stays ""; NULL gives NULL.
 */
char *pii_mask_name(struct arena *a, const char *name);

/* pii_check_phone — 0 for a mainland mobile number (11 digits starting 13-19); otherwise
 * GZF_EINVAL with err->name "invalid_phone", field "phone". */
int pii_check_phone(const char *phone, struct gzf_err *err);

/*
 * pii_check_name — 0 for a plausible personal name: 2 to 40 characters of valid UTF-8,
 * letters of the scripts residents write their names in (Chinese, Latin, Cyrillic, Greek,
 * Arabic/Uyghur, Mongolian, Tibetan, Yi, Korean, Japanese kana), '·' (U+00B7, between the
 * parts of minority and foreign names), and single spaces or hyphens between words of a
 * non-Chinese name. No digits, control characters or < > & " '. Otherwise GZF_EINVAL with
 * err->name "invalid_name", the field given, and a message saying which rule was broken.
 */
int pii_check_name(const char *name, const char *field, struct gzf_err *err);

/*
 * pii_seal_staff_names — seal with key (the secrets' data key) the display names of
 * staff stored in clear before names were sealed, and forget the clear text; *sealed
 * gets how many. One transaction; nothing to do is 0 and GZF_OK.
 */
int pii_seal_staff_names(struct db *db, const unsigned char key[32], int *sealed,
			 struct gzf_err *err);

/* pii_check_password — 0 for a password of 8 to 64 characters with at least one letter
 * and one digit, not one character repeated, and not one of the most common passwords
 * (password_list_has()); otherwise GZF_EINVAL with err->name "password_common" (on the
 * list) or "weak_password", field "password", and the rule in the message. */
int pii_check_password(const char *password, struct gzf_err *err);

#endif
