/*
 * idcard.h — the resident identity card number (居民身份证号码, GB 11643-1999): 18
 * characters: a 6-digit address (region) code, the 8-digit birth date YYYYMMDD, a 3-digit
 * sequence code (odd for men, even for women) and a check character (ISO 7064 MOD 11-2;
 * 'X' stands for 10, a lowercase 'x' is accepted and normalised to 'X').
 */
#ifndef GZF_DOMAIN_IDCARD_H
#define GZF_DOMAIN_IDCARD_H

#include <stddef.h>

#include "core/gzf.h"

/*
 * idcard_check — 0 when id is a well-formed ID number. Otherwise GZF_EINVAL with
 * err->field "id_number" and err->name the first rule broken, checked in this order:
 *   "id_length"      not 18 characters (NULL too);
 *   "id_format"      not 17 digits followed by a digit or X;
 *   "id_region"      the first two digits are not a province-level code (11-15, 21-23,
 *                    31-37, 41-46, 50-54, 61-65, 71, 81, 82), or the next four are "0000";
 *   "id_birth_date"  not a real calendar date, before 1900-01-01, or after today (UTC);
 *   "id_check_digit" the check character does not match the first 17 digits.
 * The message says what is wrong and what to do, and does not repeat the number.
 */
int idcard_check(const char *id, struct gzf_err *err);

/* idcard_normalise — copy id (at most 18 characters; NULL gives "") into out, upper-casing
 * a final 'x'. */
void idcard_normalise(const char *id, char out[19]);

/* idcard_birth — the birth date of a valid id as an int YYYYMMDD (0 when id is too short). */
int idcard_birth(const char *id);

/* idcard_is_male — 1 if the sequence code (the 17th digit) of a valid id is odd, else 0. */
int idcard_is_male(const char *id);

/*
 * idcard_make — write into out (19 bytes) the ID number for region (6 digits), birth
 * (YYYYMMDD) and sequence (0-999), with its check character computed. Values out of range
 * are reduced to their last 6, 8 or 3 digits (negative ones taken as 0). For demo data,
 * simulators and tests.
 */
void idcard_make(int region, int birth, int sequence, char out[19]);

#endif
