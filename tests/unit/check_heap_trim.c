/* heap_trim: when a freed burst is worth giving back, and that giving it
 * back shrinks the resident set. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap_trim.h"
#include "suites.h"

START_TEST(test_heap_trim_waits_for_a_burst_to_be_freed)
{
	size_t low = SIZE_MAX;

	ck_assert(!heap_trim_due(30u << 20, &low));	/* the first look */
	ck_assert_uint_eq(low, 30u << 20);
	ck_assert(!heap_trim_due(10u << 20, &low));	/* a burst in use */
	ck_assert_uint_eq(low, 10u << 20);
	ck_assert(!heap_trim_due((10u << 20) + HEAP_TRIM_MIN - 1, &low));
	ck_assert(heap_trim_due((10u << 20) + HEAP_TRIM_MIN, &low));
	ck_assert_uint_eq(low, 10u << 20);	/* the caller resets it */
}
END_TEST

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KIT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define KIT_ASAN 1
#endif

#ifndef KIT_ASAN
#define CHUNKS 4096	/* of 8 KiB: 32 MiB, each below malloc's mmap size */

static long
resident_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f && fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	if (f)
		fclose(f);
	return rss * 4;
}

START_TEST(test_heap_trim_gives_a_freed_burst_back)
{
	static char *chunk[CHUNKS];
	long before;
	int i;

	heap_give_back();	/* start from what this process freed so far */
	for (i = 0; i < CHUNKS; i++) {
		ck_assert_ptr_nonnull(chunk[i] = malloc(8192));
		memset(chunk[i], i, 8192);
	}
	/* Free all but every 64th, so the heap's top stays in use and only
	 * a trim of the interior gives the pages back. */
	for (i = 0; i < CHUNKS; i++)
		if (i % 64 != 63) {
			free(chunk[i]);
			chunk[i] = NULL;
		}
	before = resident_kib();
	ck_assert(heap_give_back());
	ck_assert_int_lt(resident_kib(), before - 16 * 1024);
	ck_assert(!heap_give_back());	/* nothing new freed since */
	for (i = 0; i < CHUNKS; i++)
		free(chunk[i]);
}
END_TEST
#endif

Suite *
heap_trim_suite(void)
{
	Suite *s = suite_create("heap_trim");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_heap_trim_waits_for_a_burst_to_be_freed);
#ifndef KIT_ASAN
	/* Under AddressSanitizer malloc is not glibc's, and there is no
	 * glibc heap to trim: only the policy is tested there. */
	tcase_add_test(tc, test_heap_trim_gives_a_freed_burst_back);
#endif
	suite_add_tcase(s, tc);
	return s;
}
