/* \summary: give the pages a burst freed back to the system. glibc keeps
 * freed heap for reuse; after 10,000 clients join one channel the queues
 * of that JOIN storm, long drained, would otherwise stay two thirds of a
 * quiet server's resident memory. The trigger is the queues' own count,
 * not the allocator's statistics: mallinfo2 walks every free chunk, tens
 * of milliseconds on a fragmented heap. */
#include <malloc.h>

#include "heap_trim.h"

bool
heap_trim_due(struct heap_trim_state *st, size_t held_now)
{
	size_t moved = held_now > st->last ? held_now - st->last
					   : st->last - held_now;
	bool settled = moved < HEAP_TRIM_STEADY;

	st->last = held_now;
	if (held_now > st->peak)
		st->peak = held_now;
	return settled && st->peak - held_now >= HEAP_TRIM_MIN;
}

bool
heap_trim_give_back(size_t held_now)
{
	static struct heap_trim_state st;

	if (!heap_trim_due(&st, held_now))
		return false;
	malloc_trim(0);
	st.peak = held_now;	/* the next burst is measured from here */
	return true;
}
