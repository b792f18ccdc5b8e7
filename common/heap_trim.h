/* Giving back the memory a burst freed. */
#ifndef KIT_COMMON_HEAP_TRIM_H
#define KIT_COMMON_HEAP_TRIM_H

#include <stdbool.h>
#include <stddef.h>

/* At least this much newly freed heap makes a trim worth its page faults. */
#define HEAP_TRIM_MIN ((size_t)8 << 20)

/*
 * The policy, apart from the allocator: whether `free_now` bytes of free
 * heap call for a trim, given *low, the fewest seen since the last trim
 * (updated here; start it at SIZE_MAX). True once a burst has freed
 * HEAP_TRIM_MIN or more since that low point.
 */
bool heap_trim_due(size_t free_now, size_t *low);

/*
 * Called now and then by a long-running server (once a second): when a
 * burst of connections or queues has been freed, return the free pages to
 * the system (malloc_trim) rather than keep them resident until the next
 * burst. Returns whether it trimmed.
 */
bool heap_give_back(void);

#endif
