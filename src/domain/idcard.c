/*
 * idcard.c — validation and construction of resident identity card numbers
 * (GB 11643-1999). Pure: no storage, no network; "today" is read from the UTC clock.
 */
#include "domain/idcard.h"

#include <string.h>
#include <time.h>

#define ID_FIELD "id_number"

static int digits_value(const char *s, size_t n);
static char check_char(const char *id17);
static int valid_province(int code);
static int valid_date(int ymd);
static int today_utc(void);
static void put_digits(char *out, unsigned value, size_t width);

/* The weights of the first 17 digits (2^(18-i) mod 11) and the check character for each
 * remainder of their weighted sum modulo 11. */
static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
static const char check_chars[11] = { '1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2' };

int
idcard_check(const char *id, struct gzf_err *err)
{
	size_t i, n;
	int birth;
	char want;

	n = id ? gzf_utf8_chars(id) : 0;
	if (n != 18)
		return gzf_err_set(err, GZF_EINVAL, "id_length", ID_FIELD,
				   "an ID number has 18 characters but this one has %zu; "
				   "please enter all 18 characters printed on the card", n);
	for (i = 0; i < 17; i++)
		if (id[i] < '0' || id[i] > '9')
			break;
	if (i < 17 || strlen(id) != 18 ||
	    !((id[17] >= '0' && id[17] <= '9') || id[17] == 'X' || id[17] == 'x'))
		return gzf_err_set(err, GZF_EINVAL, "id_format", ID_FIELD,
				   "an ID number is 17 digits followed by a digit or the letter X; "
				   "please check the number on the card");
	if (!valid_province(digits_value(id, 2)) || memcmp(id + 2, "0000", 4) == 0)
		return gzf_err_set(err, GZF_EINVAL, "id_region", ID_FIELD,
				   "the first six digits of this ID number are not a region code; "
				   "please check the beginning of the number on the card");
	birth = digits_value(id + 6, 8);
	if (!valid_date(birth))
		return gzf_err_set(err, GZF_EINVAL, "id_birth_date", ID_FIELD,
				   "digits 7 to 14 of an ID number are the birth date (YYYYMMDD) and "
				   "these are not a real date; please check the number on the card");
	if (birth < 19000101)
		return gzf_err_set(err, GZF_EINVAL, "id_birth_date", ID_FIELD,
				   "the birth date in this ID number (digits 7 to 14) is before 1900; "
				   "please check the number on the card");
	if (birth > today_utc())
		return gzf_err_set(err, GZF_EINVAL, "id_birth_date", ID_FIELD,
				   "the birth date in this ID number (digits 7 to 14) is in the future; "
				   "please check the number on the card");
	want = check_char(id);
	if (want != (id[17] == 'x' ? 'X' : id[17]))
		return gzf_err_set(err, GZF_EINVAL, "id_check_digit", ID_FIELD,
				   "the last character should be %c; please check the number on the "
				   "card, a digit may have been mistyped", want);
	return GZF_OK;
}

void
idcard_normalise(const char *id, char out[19])
{
	size_t n = id ? strnlen(id, 18) : 0;

	if (n > 0)
		memcpy(out, id, n);
	out[n] = '\0';
	if (n > 0 && out[n - 1] == 'x')
		out[n - 1] = 'X';
}

int
idcard_birth(const char *id)
{
	if (id == NULL || strnlen(id, 18) < 14)
		return 0;
	return digits_value(id + 6, 8);
}

int
idcard_is_male(const char *id)
{
	if (id == NULL || strnlen(id, 18) < 17 || id[16] < '0' || id[16] > '9')
		return 0;
	return (id[16] - '0') % 2;
}

void
idcard_make(int region, int birth, int sequence, char out[19])
{
	put_digits(out, region < 0 ? 0 : (unsigned)region % 1000000u, 6);
	put_digits(out + 6, birth < 0 ? 0 : (unsigned)birth % 100000000u, 8);
	put_digits(out + 14, sequence < 0 ? 0 : (unsigned)sequence % 1000u, 3);
	out[17] = check_char(out);
	out[18] = '\0';
}

/* digits_value — the decimal value of the n digits at s (the caller checked them). */
static int
digits_value(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* check_char — the ISO 7064 MOD 11-2 check character of the 17 digits at id17. */
static char
check_char(const char *id17)
{
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (id17[i] - '0') * weights[i];
	return check_chars[sum % 11];
}

/* valid_province — code is a province-level division: a province, autonomous region or
 * municipality, Taiwan (71), Hong Kong (81) or Macao (82). */
static int
valid_province(int code)
{
	return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) ||
	       (code >= 31 && code <= 37) || (code >= 41 && code <= 46) ||
	       (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
	       code == 71 || code == 81 || code == 82;
}

/* valid_date — ymd (YYYYMMDD) names a day of the Gregorian calendar. */
static int
valid_date(int ymd)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

/* today_utc — today's date in UTC as YYYYMMDD. */
static int
today_utc(void)
{
	time_t t = (time_t)(gzf_now_ms() / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* put_digits — value as exactly width decimal digits (leading zeros) at out, no NUL. */
static void
put_digits(char *out, unsigned value, size_t width)
{
	while (width > 0) {
		out[--width] = (char)('0' + value % 10);
		value /= 10;
	}
}
