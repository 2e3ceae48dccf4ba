/*
 * password_list.h — the most common passwords, refused whatever their composition.
 * The list is Openwall's password.lst (Debian package john-data, read from
 * /usr/share/john/password.lst unless GZF_PASSWORD_LIST names another file), loaded once
 * at start; a short built-in list is always checked too, so a missing file weakens the
 * check but does not stop the server.
 */
#ifndef GZF_DOMAIN_PASSWORD_LIST_H
#define GZF_DOMAIN_PASSWORD_LIST_H

#include <stddef.h>

#include "core/gzf.h"

/*
 * password_list_load — read path (one password a line; blank lines and lines starting
 * "#!comment:" skipped; at most PASSWORD_LIST_MAX_BYTES and PASSWORD_LIST_MAX_WORDS) and
 * keep its words, folded to lower case, for password_list_has(); *count gets how many.
 * Replaces any list loaded before. Call before threads start: the list is read without
 * locks afterwards. Returns 0, or GZF_EUNAVAIL (file missing or unreadable) /
 * GZF_ETOOLARGE with a message; the built-in list stays in force either way.
 */
int password_list_load(const char *path, size_t *count, struct gzf_err *err);

/* password_list_free — forget the loaded list (the built-in one stays). */
void password_list_free(void);

/*
 * password_list_has — 1 when password, compared without regard to ASCII case, is on the
 * loaded or the built-in list, or is a listed word of 4 or more characters with digits or
 * punctuation only added before or after it ("qwerty123", "!monkey1"); else 0. NULL is 0.
 */
int password_list_has(const char *password);

#endif
