/* heap_trim: when a freed burst is worth giving back, and that giving it
 * back shrinks the resident set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heap_trim.h"
#include "suites.h"

#define MIB ((size_t)1 << 20)

START_TEST(test_heap_trim_waits_for_a_freed_burst)
{
	struct heap_trim_state st = HEAP_TRIM_START;

	ck_assert(!heap_trim_due(&st, 30 * MIB, 5 * MIB));	/* first look */
	ck_assert_uint_eq(st.low_free, 30 * MIB);
	ck_assert(!heap_trim_due(&st, 10 * MIB, 25 * MIB));	/* a burst */
	ck_assert_uint_eq(st.low_free, 10 * MIB);
	/* Not quite HEAP_TRIM_MIN more free than at the low point. */
	ck_assert(!heap_trim_due(&st, 10 * MIB + HEAP_TRIM_MIN - 1,
				 17 * MIB));
	/* Enough, but in use growing again: load is coming back. */
	ck_assert(!heap_trim_due(&st, 10 * MIB + HEAP_TRIM_MIN,
				 17 * MIB + HEAP_TRIM_STEADY));
	/* Enough and steady, or draining: time to give it back. */
	ck_assert(heap_trim_due(&st, 10 * MIB + HEAP_TRIM_MIN,
				17 * MIB + 2 * HEAP_TRIM_STEADY - 1));
	ck_assert(heap_trim_due(&st, 10 * MIB + HEAP_TRIM_MIN, 12 * MIB));
	ck_assert_uint_eq(st.low_free, 10 * MIB);	/* the caller resets it */
}
END_TEST

/* The resident-set test needs glibc's malloc, which the sanitizers that
 * bring their own allocator replace. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OWN_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define OWN_MALLOC 1
#endif
#endif

#ifndef OWN_MALLOC
#define CHUNK 8192	/* below malloc's mmap threshold: heap, not mmap */
#define CHUNKS 4096	/* 32 MiB */

static long
resident_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f && fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	if (f)
		fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

START_TEST(test_heap_trim_gives_a_freed_burst_back)
{
	static char *chunk[CHUNKS];
	long before;
	int i;

	for (i = 0; i < CHUNKS; i++) {
		ck_assert_ptr_nonnull(chunk[i] = malloc(CHUNK));
		memset(chunk[i], i, CHUNK);
	}
	heap_trim_give_back();	/* the low point: the burst in use */
	/* Free all but every 64th, so the heap's top stays in use and only
	 * a trim of the interior gives the pages back. */
	for (i = 0; i < CHUNKS; i++)
		if (i % 64 != 63) {
			free(chunk[i]);
			chunk[i] = NULL;
		}
	before = resident_kib();
	ck_assert(heap_trim_give_back());
	ck_assert_int_lt(resident_kib(), before - 16 * 1024);
	ck_assert(!heap_trim_give_back());	/* nothing new freed since */
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

	tcase_add_test(tc, test_heap_trim_waits_for_a_freed_burst);
#ifndef OWN_MALLOC
	tcase_add_test(tc, test_heap_trim_gives_a_freed_burst_back);
#endif
	suite_add_tcase(s, tc);
	return s;
}
