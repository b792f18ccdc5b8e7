/* Giving back the memory a burst of queued output freed. */
#ifndef KIT_COMMON_HEAP_TRIM_H
#define KIT_COMMON_HEAP_TRIM_H

#include <stdbool.h>
#include <stddef.h>

/* Queues this much below their peak make a trim worth its page faults. */
#define HEAP_TRIM_MIN ((size_t)8 << 20)
/* Queues that moved less than this since the last look have settled: the
 * burst is over, neither draining nor coming back. */
#define HEAP_TRIM_STEADY ((size_t)1 << 20)

/* What the policy remembers between looks; it starts all zero. */
struct heap_trim_state {
	size_t peak;	/* the most the queues held since the last trim */
	size_t last;	/* what they held at the last look */
};

/*
 * The policy, apart from the allocator: whether queues now holding
 * held_now bytes call for a trim. True once they are HEAP_TRIM_MIN or
 * more below their peak and have settled (moved less than
 * HEAP_TRIM_STEADY since the last look): one trim once a burst is over,
 * not one for each step of its draining, and none under changing load.
 */
bool heap_trim_due(struct heap_trim_state *st, size_t held_now);

/*
 * Called now and then by a long-running server (once a second) with what
 * its queues hold (sendq_bytes_held): once a burst has drained (within
 * two looks of its end), return the pages its queues freed to the system
 * (malloc_trim) rather than keep them resident until the next burst.
 * Returns whether it trimmed.
 */
bool heap_trim_give_back(size_t held_now);

#endif
