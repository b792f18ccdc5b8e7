/* heap_trim: when a drained burst is worth giving back, and that giving it
 * back shrinks the resident set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heap_trim.h"
#include "suites.h"

#define MIB ((size_t)1 << 20)

START_TEST(test_heap_trim_waits_for_a_drained_burst)
{
	struct heap_trim_state st = { 0 };

	ck_assert(!heap_trim_due(&st, 2 * MIB));	/* steady load */
	ck_assert(!heap_trim_due(&st, 30 * MIB));	/* a burst */
	ck_assert(!heap_trim_due(&st, 60 * MIB));
	ck_assert_uint_eq(st.peak, 60 * MIB);
	/* Not quite HEAP_TRIM_MIN below the peak, and settled. */
	ck_assert(!heap_trim_due(&st, 60 * MIB - HEAP_TRIM_MIN + 1));
	ck_assert(!heap_trim_due(&st, 60 * MIB - HEAP_TRIM_MIN + 1));
	/* Far enough below, but still draining, then coming back. */
	ck_assert(!heap_trim_due(&st, 20 * MIB));
	ck_assert(!heap_trim_due(&st, 20 * MIB + HEAP_TRIM_STEADY));
	/* Far enough below and settled: time to give it back. */
	ck_assert(heap_trim_due(&st, 21 * MIB + HEAP_TRIM_STEADY - 1));
	ck_assert_uint_eq(st.peak, 60 * MIB);	/* the caller resets it */
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
	/* Told of the burst as a server's queues would tell it. */
	ck_assert(!heap_trim_give_back((size_t)CHUNKS * CHUNK));
	/* Free all but every 64th, so the heap's top stays in use and only
	 * a trim of the interior gives the pages back. */
	for (i = 0; i < CHUNKS; i++)
		if (i % 64 != 63) {
			free(chunk[i]);
			chunk[i] = NULL;
		}
	/* Drained at one look, settled at the next. */
	ck_assert(!heap_trim_give_back((size_t)CHUNKS / 64 * CHUNK));
	before = resident_kib();
	ck_assert(heap_trim_give_back((size_t)CHUNKS / 64 * CHUNK));
	ck_assert_int_lt(resident_kib(), before - 16 * 1024);
	/* Nothing new drained since. */
	ck_assert(!heap_trim_give_back((size_t)CHUNKS / 64 * CHUNK));
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

	tcase_add_test(tc, test_heap_trim_waits_for_a_drained_burst);
#ifndef OWN_MALLOC
	tcase_add_test(tc, test_heap_trim_gives_a_freed_burst_back);
#endif
	suite_add_tcase(s, tc);
	return s;
}
