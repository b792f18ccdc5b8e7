/* \summary: give the pages a burst freed back to the system. glibc keeps
 * freed heap for reuse, and after 10,000 clients join one channel the
 * queues of that JOIN storm, long drained, were two thirds of a quiet
 * server's resident memory (60 MiB of which 40 came back on a trim). */
#include <malloc.h>
#include <stdint.h>

#include "heap_trim.h"

bool
heap_trim_due(size_t free_now, size_t *low)
{
	if (free_now < *low)
		*low = free_now;
	return free_now - *low >= HEAP_TRIM_MIN;
}

static size_t
free_heap_bytes(void)
{
	return mallinfo2().fordblks;
}

bool
heap_give_back(void)
{
	static size_t low = SIZE_MAX;

	if (!heap_trim_due(free_heap_bytes(), &low))
		return false;
	malloc_trim(0);
	/* Trimmed pages stay counted as free chunks: the next burst is
	 * measured from here. */
	low = free_heap_bytes();
	return true;
}
