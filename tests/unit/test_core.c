/* test_core.c — error objects, integer parsing, status mapping, random ids, the log
 * buffer, the JSON text writer. */
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/gzf.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "http/http.h"
#include "unit.h"

START_TEST(err_set_fills_and_returns_code)
{
	struct gzf_err e;

	gzf_err_clear(&e);
	ck_assert_int_eq(gzf_err_set(&e, GZF_EINVAL, "bad_phone", "phone", "phone %s is wrong", "123"),
			 GZF_EINVAL);
	ck_assert_str_eq(e.name, "bad_phone");
	ck_assert_str_eq(e.field, "phone");
	ck_assert_str_eq(e.message, "phone 123 is wrong");
	gzf_err_set(&e, GZF_ENOTFOUND, NULL, NULL, "gone");
	ck_assert_str_eq(e.name, "not_found");
	ck_assert_str_eq(e.field, "");
	ck_assert_int_eq(gzf_err_set(NULL, GZF_ECONFLICT, NULL, NULL, "x"), GZF_ECONFLICT);
}
END_TEST

START_TEST(err_prefix_keeps_the_error)
{
	struct gzf_err e;
	char longer[300];

	gzf_err_set(&e, GZF_EINVAL, "too_long", "steps", "steps is longer than 4000 characters");
	gzf_err_prefix(&e, NULL, "fields.steps", "fields.");
	ck_assert_int_eq(e.code, GZF_EINVAL);
	ck_assert_str_eq(e.name, "too_long");
	ck_assert_str_eq(e.field, "fields.steps");
	ck_assert_str_eq(e.message, "fields.steps is longer than 4000 characters");
	gzf_err_prefix(&e, "migration_failed", NULL, "migration %s failed: ", "032_x");
	ck_assert_str_eq(e.name, "migration_failed");
	ck_assert_str_eq(e.field, "fields.steps");
	ck_assert_str_eq(e.message, "migration 032_x failed: fields.steps is longer than 4000 characters");
	/* Too long for the message: cut, still terminated. */
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	gzf_err_prefix(&e, NULL, NULL, "%s", longer);
	ck_assert_uint_eq(strlen(e.message), sizeof(e.message) - 1);
	gzf_err_prefix(NULL, NULL, NULL, "ignored");
}
END_TEST

START_TEST(parse_int_is_strict)
{
	int64_t v = 0;

	ck_assert_int_eq(gzf_parse_int("42", 0, 100, &v), GZF_OK);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(gzf_parse_int("-5", -10, 10, &v), GZF_OK);
	ck_assert_int_eq(v, -5);
	ck_assert_int_eq(gzf_parse_int("101", 0, 100, &v), GZF_EINVAL);
	ck_assert_int_eq(gzf_parse_int("4x", 0, 100, &v), GZF_EINVAL);
	ck_assert_int_eq(gzf_parse_int("", 0, 100, &v), GZF_EINVAL);
	ck_assert_int_eq(gzf_parse_int(NULL, 0, 100, &v), GZF_EINVAL);
	ck_assert_int_eq(gzf_parse_int("99999999999999999999", 0, INT64_MAX, &v), GZF_EINVAL);
}
END_TEST

START_TEST(every_code_has_a_status)
{
	ck_assert_int_eq(http_status_for(GZF_EINVAL), 400);
	ck_assert_int_eq(http_status_for(GZF_EUNAUTH), 401);
	ck_assert_int_eq(http_status_for(GZF_EFORBIDDEN), 403);
	ck_assert_int_eq(http_status_for(GZF_ENOTFOUND), 404);
	ck_assert_int_eq(http_status_for(GZF_EMETHOD), 405);
	ck_assert_int_eq(http_status_for(GZF_ECONFLICT), 409);
	ck_assert_int_eq(http_status_for(GZF_ETOOLARGE), 413);
	ck_assert_int_eq(http_status_for(GZF_EMEDIA), 415);
	ck_assert_int_eq(http_status_for(GZF_ESTATE), 422);
	ck_assert_int_eq(http_status_for(GZF_ELIMIT), 429);
	ck_assert_int_eq(http_status_for(GZF_EURI), 414);
	ck_assert_int_eq(http_status_for(GZF_EHEADERS), 431);
	ck_assert_int_eq(http_status_for(GZF_EUNAVAIL), 503);
	ck_assert_int_eq(http_status_for(GZF_EINTERNAL), 500);
	ck_assert_int_eq(http_status_for(-999), 500);
}
END_TEST

START_TEST(random_hex_is_hex_and_differs)
{
	char a[33], b[33];
	size_t i;

	gzf_random_hex(a, 16);
	gzf_random_hex(b, 16);
	ck_assert_uint_eq(strlen(a), 32);
	for (i = 0; i < 32; i++)
		ck_assert(strchr("0123456789abcdef", a[i]) != NULL);
	ck_assert_str_ne(a, b);
}
END_TEST

#define IDS 2000

static void *
draw_ids(void *out)
{
	char (*ids)[17] = out;
	char big[129];
	int i;

	for (i = 0; i < IDS; i++) {
		gzf_random_hex(ids[i], 8);
		if (i % 97 == 0)
			gzf_random_hex(big, 64); /* the largest draw, across the pool's refills */
	}
	return NULL;
}

static int
compare_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(random_hex_ids_never_repeat_across_threads)
{
	static char ids[2 * IDS][17];
	pthread_t t;
	int i;

	ck_assert_int_eq(pthread_create(&t, NULL, draw_ids, ids[IDS]), 0);
	draw_ids(ids[0]);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	qsort(ids, 2 * IDS, sizeof(ids[0]), compare_ids);
	for (i = 1; i < 2 * IDS; i++)
		ck_assert_str_ne(ids[i - 1], ids[i]);
}
END_TEST

START_TEST(utf8_valid_refuses_malformed_text)
{
	ck_assert_int_eq(gzf_utf8_valid(""), 1);
	ck_assert_int_eq(gzf_utf8_valid("公租房 abc"), 1);
	ck_assert_int_eq(gzf_utf8_valid("\xF0\x9F\x98\x80"), 1);       /* U+1F600 */
	ck_assert_int_eq(gzf_utf8_valid("\xFF\xFE"), 0);                /* not UTF-8 at all */
	ck_assert_int_eq(gzf_utf8_valid("\xC0\xAF"), 0);                /* overlong "/" */
	ck_assert_int_eq(gzf_utf8_valid("\xE0\x80\xAF"), 0);           /* overlong "/" */
	ck_assert_int_eq(gzf_utf8_valid("\xED\xA0\x80"), 0);           /* a surrogate */
	ck_assert_int_eq(gzf_utf8_valid("\xF4\x90\x80\x80"), 0);      /* past U+10FFFF */
	ck_assert_int_eq(gzf_utf8_valid("\xE5\x85"), 0);                /* cut short */
}
END_TEST

START_TEST(utf8_scrub_leaves_only_text)
{
	char bad[] = "a\xFF\xC0\xAF\xE5\x85\xAC\xE5\x85z\xED\xA0\x80";
	char good[] = "公租房 abc";
	json_t *v;

	gzf_utf8_scrub(bad);
	ck_assert_str_eq(bad, "a???\xE5\x85\xAC??z???");
	ck_assert_int_eq(gzf_utf8_valid(bad), 1);
	gzf_utf8_scrub(good);
	ck_assert_str_eq(good, "公租房 abc");
	/* A log value from a client is always encodable. */
	v = log_text("/x\xFF");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(json_string_value(v), "/x?");
	json_decref(v);
}
END_TEST

/* Send stderr to a new temporary file (its path in path); returns the old stderr. */
static int
stderr_to_file(char *path)
{
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);

	ck_assert_int_ge(fd, 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
	return saved;
}

/* The whole file, NUL-terminated (the caller frees it). */
static char *
file_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
}

START_TEST(log_buffer_keeps_lines_whole_and_in_order)
{
	char path[] = "/tmp/gzf-log-XXXXXX", line[64], *text, *p;
	static char big[LOG_BUFFER_SIZE + 100];
	int saved = stderr_to_file(path);
	struct timespec pause = { 0, 200 * 1000000L };

	ck_assert_int_eq(log_buffer_start(), GZF_OK);
	/* One line goes out within LOG_FLUSH_MS, with no more lines and no stop. */
	log_line("{\"n\":\"first\"}");
	nanosleep(&pause, NULL);
	text = file_text(path);
	ck_assert_str_eq(text, "{\"n\":\"first\"}\n");
	free(text);
	/* Many lines fill the buffer several times; one line is longer than it. */
	for (int i = 0; i < 20000; i++) {
		snprintf(line, sizeof(line), "{\"n\":%d}", i);
		log_line(line);
	}
	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "{\"big\":\"", 8);
	memcpy(big + sizeof(big) - 3, "\"}", 2);
	log_line(big);
	/* Any other line goes out at once, after the buffered ones. */
	log_msg(LOG_WARN, "after", NULL);
	log_line("{\"n\":\"last\"}");
	log_buffer_stop();
	dup2(saved, STDERR_FILENO);
	close(saved);
	text = file_text(path);
	unlink(path);
	p = text + strlen("{\"n\":\"first\"}\n");
	for (int i = 0; i < 20000; i++) {
		snprintf(line, sizeof(line), "{\"n\":%d}\n", i);
		ck_assert_int_eq(strncmp(p, line, strlen(line)), 0);
		p += strlen(line);
	}
	ck_assert_int_eq(strncmp(p, big, sizeof(big) - 1), 0);
	p += sizeof(big) - 1;
	ck_assert_int_eq(*p++, '\n');
	ck_assert_ptr_nonnull(strstr(p, "\"msg\":\"after\"}\n{\"n\":\"last\"}\n"));
	free(text);
}
END_TEST

START_TEST(log_buffer_is_written_at_a_crash)
{
	char path[] = "/tmp/gzf-log-XXXXXX", *text;
	int saved = stderr_to_file(path), status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		log_buffer_start();
		log_line("{\"n\":\"before the crash\"}");
		abort();
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	dup2(saved, STDERR_FILENO);
	close(saved);
	/* The process still dies of the signal, after writing what it buffered. */
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	text = file_text(path);
	unlink(path);
	ck_assert_ptr_nonnull(strstr(text, "{\"n\":\"before the crash\"}\n"));
	free(text);
}
END_TEST

/* A crash while a flush is writing (here: blocked on a full pipe) writes what is left,
 * not the whole buffer again: each line comes out once. */
START_TEST(log_crash_during_a_flush_writes_each_line_once)
{
	static const char line[] = "{\"n\":\"in flight at the crash\"}\n";
	size_t cap = 1 << 20, got = 0;
	char *text = malloc(cap), *p;
	int fds[2], status, seen = 0;
	ssize_t k;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const struct timespec pause = { 0, 100 * 1000000L };
		int size;

		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		/* The pipe full but for a few bytes: the flusher's write of the line blocks. */
		size = fcntl(STDERR_FILENO, F_GETPIPE_SZ);
		memset(text, 'x', (size_t)size);
		if (size < 64 || write(STDERR_FILENO, text, (size_t)size - 8) != size - 8)
			_exit(2);
		log_buffer_start();
		log_line("{\"n\":\"in flight at the crash\"}");
		nanosleep(&pause, NULL);
		raise(SIGABRT);
		_exit(0);
	}
	close(fds[1]);
	usleep(300 * 1000); /* the flush and the handler both under way */
	while ((k = read(fds[0], text + got, cap - 1 - got)) > 0)
		got += (size_t)k;
	close(fds[0]);
	text[got] = '\0';
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	for (p = text; (p = strstr(p, line)) != NULL; p += sizeof(line) - 1)
		seen++;
	ck_assert_int_eq(seen, 1);
	free(text);
}
END_TEST

/* The writer's text: commas and colons in place at every depth, strings escaped as
 * jansson escapes them, JSON text given as a value kept as it is, and what jansson reads
 * back is what was written. */
START_TEST(jsonw_writes_what_jansson_reads)
{
	struct arena *a = arena_create();
	struct jsonw w;
	const char *text;
	json_t *back, *want;
	size_t len, i;

	jsonw_init(&w, a);
	jsonw_open(&w, '{');
	jsonw_member_string(&w, "s", "引号\"反斜杠\\换行\n制表\t\x01/end");
	jsonw_member_int(&w, "min", INT64_MIN);
	jsonw_member_bool(&w, "t", 1);
	jsonw_key(&w, "raw");
	jsonw_raw(&w, "{\"a\":[1,2]}");
	jsonw_key(&w, "empty");
	jsonw_open(&w, '[');
	jsonw_close(&w);
	jsonw_key(&w, "list");
	jsonw_open(&w, '[');
	for (i = 0; i < 300; i++) { /* past the first buffer */
		jsonw_open(&w, '{');
		jsonw_member_int(&w, "i", (int64_t)i);
		jsonw_key(&w, "n");
		jsonw_null(&w);
		jsonw_close(&w);
	}
	jsonw_string(&w, NULL);
	jsonw_close(&w);
	jsonw_close(&w);
	text = jsonw_text(&w, &len);
	ck_assert_uint_eq(strlen(text), len);
	back = json_loadb(text, len, 0, NULL);
	ck_assert_ptr_nonnull(back);
	want = json_pack("{s:s, s:I, s:b, s:{s:[i,i]}, s:[], s:o}", "s", "引号\"反斜杠\\换行\n制表\t\x01/end",
			 "min", (json_int_t)INT64_MIN, "t", 1, "raw", "a", 1, 2, "empty", "list", json_array());
	for (i = 0; i < 300; i++)
		json_array_append_new(json_object_get(want, "list"),
				      json_pack("{s:I, s:n}", "i", (json_int_t)i, "n"));
	json_array_append_new(json_object_get(want, "list"), json_null());
	ck_assert(json_equal(back, want));
	/* Byte for byte what jansson writes of the same. */
	{
		char *jt = json_dumps(want, JSON_COMPACT | JSON_PRESERVE_ORDER);

		ck_assert_str_eq(text, jt);
		free(jt);
	}
	json_decref(back);
	json_decref(want);
	arena_destroy(a);
}
END_TEST

Suite *
core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, err_set_fills_and_returns_code);
	tcase_add_test(tc, err_prefix_keeps_the_error);
	tcase_add_test(tc, parse_int_is_strict);
	tcase_add_test(tc, every_code_has_a_status);
	tcase_add_test(tc, random_hex_is_hex_and_differs);
	tcase_add_test(tc, random_hex_ids_never_repeat_across_threads);
	tcase_add_test(tc, utf8_valid_refuses_malformed_text);
	tcase_add_test(tc, utf8_scrub_leaves_only_text);
	tcase_add_test(tc, log_buffer_keeps_lines_whole_and_in_order);
	tcase_add_test(tc, log_buffer_is_written_at_a_crash);
	tcase_add_test(tc, log_crash_during_a_flush_writes_each_line_once);
	tcase_add_test(tc, jsonw_writes_what_jansson_reads);
	suite_add_tcase(s, tc);
	return s;
}
