/* \summary: give the pages a burst freed back to the system. glibc keeps
 * freed heap for reuse; after 10,000 clients join one channel the queues
 * of that JOIN storm, long drained, would otherwise stay two thirds of a
 * quiet server's resident memory. */
#include <malloc.h>

#include "heap_trim.h"

bool
heap_trim_due(struct heap_trim_state *st, size_t free_now, size_t used_now)
{
	bool quiet = used_now < st->last_used ||
		     used_now - st->last_used < HEAP_TRIM_STEADY;

	st->last_used = used_now;
	if (free_now < st->low_free)
		st->low_free = free_now;
	return quiet && free_now - st->low_free >= HEAP_TRIM_MIN;
}

bool
heap_trim_give_back(void)
{
	static struct heap_trim_state st = HEAP_TRIM_START;
	struct mallinfo2 m = mallinfo2();

	if (!heap_trim_due(&st, m.fordblks, m.uordblks))
		return false;
	malloc_trim(0);
	/* Trimmed pages stay counted as free chunks: the next burst is
	 * measured from here. */
	st.low_free = mallinfo2().fordblks;
	return true;
}
