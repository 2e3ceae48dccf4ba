/* test_media.c — the media folder after a crash: media_sweep removes temporary files and
 * files no row names, and spares what is recorded or too young. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "domain/media.h"
#include "unit.h"

#define KNOWN "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define UNKNOWN "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static int
known(void *ctx, const char *sha256, int *yes)
{
	(*(int *)ctx)++;
	*yes = strcmp(sha256, KNOWN) == 0;
	return GZF_OK;
}

/* touch — an empty file dir/media/aa/name, aged seconds old. */
static void
touch(const char *dir, const char *name, int aged)
{
	char path[512];
	struct timespec t[2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/media/aa/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fclose(f);
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= aged;
	t[1] = t[0];
	ck_assert_int_eq(utimensat(AT_FDCWD, path, t, 0), 0);
}

static int
exists(const char *dir, const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/media/aa/%s", dir, name);
	return stat(path, &st) == 0;
}

START_TEST(sweep_removes_what_a_crash_left)
{
	char dir[] = "/tmp/gzf-unit-media-XXXXXX", sub[256];
	struct gzf_err err;
	int removed, asked = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/media", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/media/aa", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	touch(dir, KNOWN, 3600);
	touch(dir, KNOWN "-thumb", 3600);
	touch(dir, UNKNOWN, 3600);
	touch(dir, UNKNOWN "-display", 3600);
	touch(dir, ".upload-Ab12Cd", 3600);
	touch(dir, ".upload-young", 0);
	touch(dir, "notes.txt", 3600);
	ck_assert_int_eq(media_sweep(dir, 60, known, &asked, &removed, &err), GZF_OK);
	ck_assert_int_eq(removed, 3);
	ck_assert(exists(dir, KNOWN) && exists(dir, KNOWN "-thumb"));
	ck_assert(!exists(dir, UNKNOWN) && !exists(dir, UNKNOWN "-display") && !exists(dir, ".upload-Ab12Cd"));
	ck_assert_msg(exists(dir, ".upload-young"), "a file being written now is spared");
	ck_assert_msg(exists(dir, "notes.txt"), "what gzf did not write is left alone");
	ck_assert_int_eq(asked, 4);
	/* With no age limit (one server, at start), the young one goes too. */
	ck_assert_int_eq(media_sweep(dir, 0, known, &asked, &removed, &err), GZF_OK);
	ck_assert_int_eq(removed, 1);
	ck_assert(!exists(dir, ".upload-young"));
	/* A data folder without media yet is not an error. */
	ck_assert_int_eq(media_sweep("/tmp/gzf-unit-no-such-folder", 0, known, &asked, &removed, &err), GZF_OK);
	ck_assert_int_eq(removed, 0);
	snprintf(sub, sizeof(sub), "rm -rf %s", dir);
	ck_assert_int_eq(system(sub), 0);
}
END_TEST

Suite *
media_suite(void)
{
	Suite *s = suite_create("media");
	TCase *tc = tcase_create("sweep");

	tcase_add_test(tc, sweep_removes_what_a_crash_left);
	suite_add_tcase(s, tc);
	return s;
}
