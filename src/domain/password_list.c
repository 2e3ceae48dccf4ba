/*
 * password_list.c — the common-password list: a sorted array of lower-case words searched
 * by bisection, plus a short built-in list of passwords common here (pinyin and number
 * phrases) that no file can take away.
 */
#include "domain/password_list.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PASSWORD_LIST_MAX_BYTES (4 * 1024 * 1024)
#define PASSWORD_LIST_MAX_WORDS 200000
#define WORD_MAX 64 /* longer lines cannot be passwords people pick (PASSWORD_MAX) */
#define BASE_MIN 4  /* shorter stems ("abc" in "abc12345") say too little */

/* Lower case, checked in order by password_list_has() when no file is loaded too. */
static const char *const builtin[] = {
	"000000", "00000000", "111111", "11111111", "112233", "121212", "123123", "1234",
	"12345", "123456", "1234567", "12345678", "123456789", "1234567890", "123qwe",
	"147258369", "1q2w3e4r", "1qaz2wsx", "5201314", "520520", "654321", "666666",
	"66666666", "888888", "88888888", "987654321", "a123456", "aa123456", "abc123",
	"abcd1234", "admin", "admin123", "asdfgh", "iloveyou", "letmein", "monkey",
	"passw0rd", "password", "password1", "qq123456", "qwerty", "qwertyuiop", "welcome",
	"woaini", "woaini1314", "zxcvbnm",
};

static char **words;   /* sorted, lower case; NULL when no file is loaded */
static size_t nwords;
static char *text;     /* the file's bytes, which words point into */

static int word_cmp(const void *a, const void *b);
static int listed(const char *word);
static void fold(char *s);
static int is_word_char(char c);

int
password_list_load(const char *path, size_t *count, struct gzf_err *err)
{
	char **list = NULL, *buf = NULL, *line, *next;
	size_t n = 0, len, cap = 0, i, out;
	struct stat st;
	FILE *f;
	int rc = GZF_OK;

	*count = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return gzf_err_set(err, GZF_EUNAVAIL, NULL, NULL, "%s cannot be read", path);
	if (fstat(fileno(f), &st) != 0) {
		rc = gzf_err_set(err, GZF_EUNAVAIL, NULL, NULL, "%s cannot be read", path);
		goto out;
	}
	if (st.st_size > PASSWORD_LIST_MAX_BYTES) {
		rc = gzf_err_set(err, GZF_ETOOLARGE, NULL, NULL, "%s is larger than %d bytes",
				 path, PASSWORD_LIST_MAX_BYTES);
		goto out;
	}
	buf = gzf_malloc((size_t)st.st_size + 1);
	len = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		rc = gzf_err_set(err, GZF_EUNAVAIL, NULL, NULL, "%s cannot be read", path);
		goto out;
	}
	buf[len] = '\0';
	for (line = buf; *line != '\0'; line = next) {
		size_t l = strcspn(line, "\r\n");

		next = line + l + strspn(line + l, "\r\n");
		line[l] = '\0';
		if (l == 0 || l > WORD_MAX || strncmp(line, "#!comment:", 10) == 0)
			continue;
		if (n == PASSWORD_LIST_MAX_WORDS) {
			rc = gzf_err_set(err, GZF_ETOOLARGE, NULL, NULL,
					 "%s has more than %d passwords", path, PASSWORD_LIST_MAX_WORDS);
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			list = gzf_realloc(list, cap * sizeof(*list));
		}
		fold(line);
		list[n++] = line;
	}
	qsort(list, n, sizeof(*list), word_cmp);
	for (i = 0, out = 0; i < n; i++) /* the same word in two cases is one entry */
		if (out == 0 || strcmp(list[out - 1], list[i]) != 0)
			list[out++] = list[i];
	password_list_free();
	words = list;
	nwords = out;
	text = buf;
	*count = out;
	list = NULL;
	buf = NULL;
out:
	fclose(f);
	free(list);
	free(buf);
	return rc;
}

void
password_list_free(void)
{
	free(words);
	free(text);
	words = NULL;
	text = NULL;
	nwords = 0;
}

int
password_list_has(const char *password)
{
	char w[WORD_MAX + 1];
	size_t len, head = 0, tail;

	if (password == NULL || (len = strlen(password)) > WORD_MAX)
		return 0;
	memcpy(w, password, len + 1);
	fold(w);
	if (listed(w))
		return 1;
	/* The usual disguise: digits or signs before or after a common word. */
	while (head < len && !is_word_char(w[head]))
		head++;
	for (tail = len; tail > head && !is_word_char(w[tail - 1]); tail--)
		;
	if (tail - head < BASE_MIN || tail - head == len)
		return 0;
	w[tail] = '\0';
	return listed(w + head);
}

static int
listed(const char *word)
{
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (strcmp(builtin[i], word) == 0)
			return 1;
	return words != NULL && bsearch(&word, words, nwords, sizeof(*words), word_cmp) != NULL;
}

static int
word_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ASCII letters to lower case; other bytes (UTF-8 included) unchanged. */
static void
fold(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* A letter of a word: ASCII letters and any byte of a non-ASCII character. */
static int
is_word_char(char c)
{
	assert(!(c >= 'A' && c <= 'Z')); /* called on folded text */
	return (c >= 'a' && c <= 'z') || (unsigned char)c >= 0x80;
}
