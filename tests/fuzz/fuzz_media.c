/*
 * fuzz_media.c — an upload's bytes through the sniffer (every accepted type, with and
 * without a file name) and, when it says JPEG or PNG, through the image decoder the
 * upload then runs. The first byte picks the file name.
 */
#include "fuzz.h"

#include <assert.h>

#include "domain/media.h"

static const char *const names[] = { NULL, "scan.jpg", "photo.png", "form.pdf", "noext", "a.JPEG" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gzf_err err = { 0 };
	struct media_type t;
	int rc;

	if (size < 1)
		return 0;
	rc = media_sniff(data + 1, size - 1, names[data[0] % 6], MEDIA_DOCUMENTS, &t, &err);
	if (rc != GZF_OK) {
		assert(rc == GZF_EMEDIA && t.mime == NULL);
		return 0;
	}
	assert(t.mime != NULL && t.width >= 0 && t.height >= 0);
	/* The limits of application materials, the largest any purpose allows. */
	if (t.kind & MEDIA_IMAGES)
		(void)media_image_check(data + 1, size - 1, &t, 10000, 25000000, &err);
	return 0;
}
