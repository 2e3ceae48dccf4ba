/* test_media.c — what media_sniff takes as a PDF (a real cross-reference table or stream,
 * not a header and a trailer around anything), images refused from their declared size
 * before decoding, the draft rule of authz_check, and the media folder after a crash:
 * media_sweep removes temporary files and files no row names, and spares what is
 * recorded or too young. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "domain/authz.h"
#include "domain/media.h"
#include "unit.h"

static int
sniff(const char *bytes, size_t n)
{
	struct media_type t;
	struct gzf_err err = { 0 };

	return media_sniff((const unsigned char *)bytes, n, "x.pdf", MEDIA_DOCUMENTS, &t, &err);
}

/* A one-object PDF with a cross-reference table; offset_fix replaces the entry's offset. */
static size_t
table_pdf(char *out, size_t cap, long offset_fix)
{
	const char *head = "%PDF-1.4\n";
	const char *obj = "1 0 obj\n<< /Type /Catalog >>\nendobj\n";
	size_t at = strlen(head), xref = at + strlen(obj);

	return (size_t)snprintf(out, cap,
				"%s%sxref\n0 2\n0000000000 65535 f \n%010ld 00000 n \ntrailer\n"
				"<< /Size 2 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
				head, obj, offset_fix >= 0 ? offset_fix : (long)at, xref);
}

START_TEST(pdf_needs_its_cross_reference)
{
	static const char zip[] = "%PDF-1.7\nPK\003\004 anything at all\n%%EOF\n";
	static const char stream[] = "%PDF-1.5\n1 0 obj\n<< /Type /XRef /Root 2 0 R /Size 3 >>\n"
				     "stream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n";
	static const char nowhere[] = "%PDF-1.7\nPK\003\004\nstartxref\n5000\n%%EOF\n";
	char buf[512];
	size_t n;

	n = table_pdf(buf, sizeof(buf), -1);
	ck_assert_int_eq(sniff(buf, n), GZF_OK);
	n = table_pdf(buf, sizeof(buf), 3);
	ck_assert_int_eq(sniff(buf, n), GZF_EMEDIA);
	ck_assert_int_eq(sniff(stream, sizeof(stream) - 1), GZF_OK);
	ck_assert_int_eq(sniff(zip, sizeof(zip) - 1), GZF_EMEDIA);
	ck_assert_int_eq(sniff(nowhere, sizeof(nowhere) - 1), GZF_EMEDIA);
}
END_TEST

START_TEST(images_measured_before_decoding)
{
	/* Bytes no decoder could read: a refusal for size never looks at them. */
	struct media_type t = { .kind = MEDIA_PNG, .mime = "image/png", .width = 20000, .height = 20000 };
	struct gzf_err err = { 0 };

	ck_assert_int_eq(media_image_check("junk", 4, &t, 10000, 25000000, &err), GZF_ETOOLARGE);
	ck_assert_str_eq(err.name, "image_too_large");
	t.width = 9000;
	t.height = 4000;
	ck_assert_int_eq(media_image_check("junk", 4, &t, 10000, 25000000, &err), GZF_ETOOLARGE);
	t.height = 2000;
	ck_assert_int_eq(media_image_check("junk", 4, &t, 10000, 25000000, &err), GZF_EMEDIA);
	ck_assert_str_eq(err.name, "media_damaged");
}
END_TEST

START_TEST(a_draft_is_its_owners_alone)
{
	struct actor clerk = { .kind = ACTOR_STAFF, .user_id = 7, .role = ROLE_COMMUNITY_CLERK,
			       .region_path = "/100000/230000/230600/230602/230602001/230602001001/" };
	struct actor owner = { .kind = ACTOR_RESIDENT, .user_id = 9, .region_path = "/100000/230000/230600/" };
	struct object app = { .owner_id = 9, .region_path = clerk.region_path };

	ck_assert_int_eq(authz_check(&clerk, ACT_APP_READ, &app), GZF_OK);
	app.draft = 1;
	ck_assert_int_eq(authz_check(&clerk, ACT_APP_READ, &app), GZF_EFORBIDDEN);
	ck_assert_int_eq(authz_check(&owner, ACT_APP_READ, &app), GZF_OK);
	ck_assert_int_eq(authz_check(&owner, ACT_APP_EDIT, &app), GZF_OK);
	/* A file attached to nothing: its uploader's, no staff role's. */
	ck_assert_int_eq(authz_check(&clerk, ACT_MEDIA_READ, &(struct object){ .owner_id = 9,
			 .region_path = clerk.region_path }), GZF_EFORBIDDEN);
	ck_assert_int_eq(authz_check(&owner, ACT_MEDIA_READ, &(struct object){ .owner_id = 9,
			 .region_path = "/" }), GZF_OK);
}
END_TEST

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
	TCase *tc = tcase_create("media");

	tcase_add_test(tc, pdf_needs_its_cross_reference);
	tcase_add_test(tc, images_measured_before_decoding);
	tcase_add_test(tc, a_draft_is_its_owners_alone);
	tcase_add_test(tc, sweep_removes_what_a_crash_left);
	suite_add_tcase(s, tc);
	return s;
}
