/* test_arena.c — the per-request memory pool. */
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "unit.h"

static int order[4];
static int norder;

static void
record(void *p)
{
	order[norder++] = *(int *)p;
}

START_TEST(alloc_is_aligned_zeroed_and_counted)
{
	struct arena *a = arena_create();
	size_t i;

	for (i = 1; i < 300; i += 7) {
		unsigned char *p = arena_alloc(a, i);

		ck_assert_uint_eq((uintptr_t)p % alignof(max_align_t), 0);
		for (size_t j = 0; j < i; j++)
			ck_assert_uint_eq(p[j], 0);
		memset(p, 0xAB, i);
	}
	ck_assert_uint_ge(arena_used(a), 300);
	arena_destroy(a);
}
END_TEST

START_TEST(big_blocks_and_many_small_ones)
{
	struct arena *a = arena_create();
	char *big = arena_alloc(a, 1 << 20);
	int i;

	memset(big, 1, 1 << 20);
	for (i = 0; i < 10000; i++)
		*(int *)arena_alloc(a, sizeof(int)) = i;
	ck_assert_uint_ge(arena_used(a), (1 << 20) + 10000 * sizeof(int));
	arena_destroy(a);
}
END_TEST

START_TEST(strings)
{
	struct arena *a = arena_create();

	ck_assert_str_eq(arena_strdup(a, "公租房"), "公租房");
	ck_assert_ptr_null(arena_strdup(a, NULL));
	ck_assert_str_eq(arena_strndup(a, "abcdef", 3), "abc");
	ck_assert_str_eq(arena_printf(a, "%s-%d", "unit", 42), "unit-42");
	ck_assert_uint_eq(strlen(arena_printf(a, "%5000d", 1)), 5000);
	arena_destroy(a);
}
END_TEST

START_TEST(cleanups_run_last_first)
{
	struct arena *a = arena_create();
	static int one = 1, two = 2, three = 3;

	norder = 0;
	arena_cleanup_add(a, record, &one);
	arena_cleanup_add(a, record, &two);
	arena_cleanup_add(a, record, &three);
	arena_destroy(a);
	ck_assert_int_eq(norder, 3);
	ck_assert_int_eq(order[0], 3);
	ck_assert_int_eq(order[2], 1);
	arena_destroy(NULL);
}
END_TEST

Suite *
arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("arena");

	tcase_add_test(tc, alloc_is_aligned_zeroed_and_counted);
	tcase_add_test(tc, big_blocks_and_many_small_ones);
	tcase_add_test(tc, strings);
	tcase_add_test(tc, cleanups_run_last_first);
	suite_add_tcase(s, tc);
	return s;
}
