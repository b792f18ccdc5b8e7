/* Giving back the memory a burst freed. */
#ifndef KIT_COMMON_HEAP_TRIM_H
#define KIT_COMMON_HEAP_TRIM_H

#include <stdbool.h>
#include <stddef.h>

/* At least this much newly freed heap makes a trim worth its page faults. */
#define HEAP_TRIM_MIN ((size_t)8 << 20)
/* A heap whose bytes in use grew less than this since the last look (or
 * fell: a burst draining) is quiet. */
#define HEAP_TRIM_STEADY ((size_t)1 << 20)

/* What the policy remembers between looks; start with HEAP_TRIM_START. */
struct heap_trim_state {
	size_t low_free;	/* the fewest free bytes since the last trim */
	size_t last_used;	/* bytes in use at the last look */
};
#define HEAP_TRIM_START { (size_t)-1, 0 }

/*
 * The policy, apart from the allocator: whether a heap with free_now bytes
 * free and used_now in use calls for a trim. True once a burst has freed
 * HEAP_TRIM_MIN or more since the low point and the heap is not growing
 * (in use up by less than HEAP_TRIM_STEADY since the last look), so that
 * a server taking on load is left alone.
 */
bool heap_trim_due(struct heap_trim_state *st, size_t free_now,
		   size_t used_now);

/*
 * Called now and then by a long-running server (once a second): when a
 * burst of connections or queues has been freed, return the free pages to
 * the system (malloc_trim) rather than keep them resident until the next
 * burst. Returns whether it trimmed.
 */
bool heap_trim_give_back(void);

#endif
