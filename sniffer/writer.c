/* \summary: the writer threads of -o, which create, open, write and close
 * the output files while the main thread goes on decoding.
 *
 * Threads, in a minute. The main thread reads the capture, reassembles
 * and gathers each direction's bytes into batches (output_files.c); it
 * never makes a system call on an output file. WRITERS writer threads do,
 * so that the kernel copies one batch into a file while the main thread
 * prepares the next (on tmpfs the copy costs as much as all the rest).
 *
 * Each writer has a ring of RING_LEN slots and one mutex guarding head,
 * tail and the slots from tail to head. The main thread fills the slot at
 * head and moves head on; the writer takes the slot at tail, writes it
 * without holding the mutex (no one else touches that slot until tail
 * moves past it), then moves tail on. The main thread waits on `room`
 * while the ring is full, so memory stays bounded; a writer waits on
 * `more` while it is empty, or WAIT_MS at most. Each side wakes the other
 * only when half a ring is ready for it (WAKE_AT), not once per batch:
 * with many small files that would cost more than the writes; but a large
 * batch (WAKE_BYTES) wakes its writer at once, and so does the main
 * thread's own wait for room, so that no writer idles with work. The batch's
 * arrays are swapped between the main thread's direction and the slot,
 * never copied. A file always goes to the same writer (by a
 * hash of its name), so its batches are written in the order they were
 * made, and a second connection on the same 4-tuple finds the name of the
 * first taken. A writer_file is the writer's from its first batch until it
 * frees it after the last. writers_stop sets `stopping`; a writer ends
 * once its ring is empty, so everything queued is written. Signals are
 * blocked in the writers: Ctrl-C reaches the main thread, which ends the
 * capture, queues the last batches and stops the writers.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "writer.h"

/* On tmpfs one writer alone is slower than decoding; on two cores three
 * keep both busy more of the time than two do (the bulk benchmark file:
 * up to 8% faster; a writer waits while its own file's batches queue). */
#define WRITERS 3
/* Batches waiting per writer; each refers to at most a megabyte. */
#define RING_LEN 16
#define WAKE_AT (RING_LEN / 2)
#define WAKE_BYTES (64 * 1024)
#define WAIT_MS 50
#define NAME_CAP 160

struct writer_file {
	char name[NAME_CAP];
	size_t base_len;	/* of the name without its "cN" */
	bool created;		/* the file exists under name */
	int ring;		/* its writer */
};

struct slot {
	struct wbatch b;
	struct writer_file *file;
	const uint8_t *oldest;
	bool last;
};

struct ring {
	pthread_mutex_t lock;
	pthread_cond_t more, room;	/* a batch was queued; one was written */
	uint64_t head, tail;	/* batches queued, batches written */
	bool stopping;
	struct slot slot[RING_LEN];
	pthread_t thread;
	struct writers *w;
};

struct writers {
	struct ring ring[WRITERS];
	int started;		/* threads running */
	int dirfd;		/* files are opened relative to it */
	char dir[4096];
	atomic_uint_fast64_t errors;
};

void
writers_report(struct writers *w, const char *what, const char *name)
{
	if (atomic_fetch_add(&w->errors, 1) == 0)
		fprintf(stderr, "sniffer: cannot %s %s/%s: %s (further errors "
			"are only counted)\n", what, w->dir, name,
			strerror(errno));
}

/* Create the file under the first free name, as tcpflow does. */
static int
create(struct writers *w, struct writer_file *f)
{
	size_t room = sizeof(f->name) - f->base_len;
	unsigned count;
	int fd;

	for (count = 0; count < 100000; count++) {
		if (count)
			snprintf(f->name + f->base_len, room, "c%u", count);
		fd = openat(w->dirfd, f->name,
			    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

static int
open_file(struct writers *w, struct writer_file *f)
{
	int fd;

	if (f->created) {
		fd = openat(w->dirfd, f->name, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0)
			writers_report(w, "open", f->name);
		return fd;
	}
	if ((fd = create(w, f)) < 0)
		writers_report(w, "create a file in", f->name);
	else
		f->created = true;
	return fd;
}

/* Write every piece, in order, going on after short writes. */
static void
write_batch(struct writers *w, struct writer_file *f, struct wbatch *b)
{
	struct iovec *iov = b->iov;
	int fd, n = b->niov;
	ssize_t got;

	if (n == 0 || (fd = open_file(w, f)) < 0)
		return;
	while (n > 0) {
		got = writev(fd, iov, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			writers_report(w, "write", f->name);
			break;
		}
		for (; n > 0 && (size_t)got >= iov->iov_len; iov++, n--)
			got -= (ssize_t)iov->iov_len;
		if (n > 0) {	/* a short write: go on mid-piece */
			iov->iov_base = (char *)iov->iov_base + got;
			iov->iov_len -= (size_t)got;
		}
	}
	close(fd);
}

/* Wait for `more`, or WAIT_MS at most; called with the lock held. */
static void
wait_a_while(struct ring *r)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += WAIT_MS * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&r->more, &r->lock, &t);
}

static void *
writer_main(void *arg)
{
	struct ring *r = arg;
	struct slot *s;

	pthread_setname_np(pthread_self(), "sniffer-writer");	/* top -H */
	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (r->tail == r->head && !r->stopping)
			wait_a_while(r);
		if (r->tail == r->head)
			break;
		s = &r->slot[r->tail % RING_LEN];
		pthread_mutex_unlock(&r->lock);
		write_batch(r->w, s->file, &s->b);
		if (s->last)
			free(s->file);
		pthread_mutex_lock(&r->lock);
		r->tail++;
		if (r->head - r->tail <= WAKE_AT)
			pthread_cond_signal(&r->room);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

struct writers *
writers_new(const char *dir)
{
	struct writers *w = calloc(1, sizeof(*w));
	pthread_condattr_t mono;
	sigset_t all, old;
	int i, e = 0;

	if (!w)
		return NULL;	/* errno is ENOMEM */
	w->dirfd = -1;
	if (strlen(dir) >= sizeof(w->dir))
		errno = ENAMETOOLONG;
	else
		w->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->dirfd < 0) {
		e = errno;
		free(w);
		errno = e;
		return NULL;
	}
	snprintf(w->dir, sizeof(w->dir), "%s", dir);
	atomic_init(&w->errors, 0);
	pthread_condattr_init(&mono);
	pthread_condattr_setclock(&mono, CLOCK_MONOTONIC);
	for (i = 0; i < WRITERS; i++) {
		w->ring[i].w = w;
		pthread_mutex_init(&w->ring[i].lock, NULL);
		pthread_cond_init(&w->ring[i].more, &mono);
		pthread_cond_init(&w->ring[i].room, NULL);
	}
	pthread_condattr_destroy(&mono);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < WRITERS && e == 0; i++)
		if ((e = pthread_create(&w->ring[i].thread, NULL, writer_main,
					&w->ring[i])) == 0)
			w->started++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		writers_free(w);
		errno = e;
		return NULL;
	}
	return w;
}

struct writer_file *
writer_file_new(const char *name)
{
	struct writer_file *f = calloc(1, sizeof(*f));
	uint32_t h = 2166136261u;	/* FNV-1a */
	const char *c;

	if (!f)
		return NULL;
	for (c = name; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	f->ring = (int)(h % WRITERS);
	/* leaves room for "c99999" and the NUL (calloc'd) */
	f->base_len = strnlen(name, sizeof(f->name) - 8);
	memcpy(f->name, name, f->base_len);
	return f;
}

/* Wake every writer that has work. */
static void
wake_all(struct writers *w)
{
	int k;

	for (k = 0; k < w->started; k++) {
		pthread_mutex_lock(&w->ring[k].lock);
		if (w->ring[k].head != w->ring[k].tail)
			pthread_cond_signal(&w->ring[k].more);
		pthread_mutex_unlock(&w->ring[k].lock);
	}
}

void
writers_queue(struct writers *w, struct writer_file *f, struct wbatch *b,
	      const uint8_t *oldest, bool last)
{
	struct ring *r = &w->ring[f->ring];
	struct slot *s;
	struct wbatch done;

	pthread_mutex_lock(&r->lock);
	if (r->head - r->tail == RING_LEN) {
		pthread_mutex_unlock(&r->lock);
		wake_all(w);	/* none idles with work while we wait */
		pthread_mutex_lock(&r->lock);
	}
	while (r->head - r->tail == RING_LEN)
		pthread_cond_wait(&r->room, &r->lock);
	s = &r->slot[r->head % RING_LEN];
	done = s->b;	/* written long ago: its arrays are free */
	s->b = *b;
	s->file = f;
	s->oldest = oldest;
	s->last = last;
	if (++r->head - r->tail >= WAKE_AT || s->b.bytes >= WAKE_BYTES)
		pthread_cond_signal(&r->more);
	pthread_mutex_unlock(&r->lock);
	*b = done;
	b->niov = 0;
	b->bytes = b->len = 0;
}

const uint8_t *
writers_oldest(struct writers *w)
{
	const uint8_t *oldest = NULL, *p;
	uint64_t i;
	int k;

	for (k = 0; k < w->started; k++) {
		struct ring *r = &w->ring[k];

		pthread_mutex_lock(&r->lock);
		for (i = r->tail; i != r->head; i++) {
			p = r->slot[i % RING_LEN].oldest;
			if (p && (!oldest || (uintptr_t)p < (uintptr_t)oldest))
				oldest = p;
		}
		pthread_mutex_unlock(&r->lock);
	}
	return oldest;
}

void
writers_stop(struct writers *w)
{
	int k;

	for (k = 0; k < w->started; k++) {
		struct ring *r = &w->ring[k];

		pthread_mutex_lock(&r->lock);
		r->stopping = true;
		pthread_cond_signal(&r->more);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
	}
	w->started = 0;
}

uint64_t
writers_errors(struct writers *w)
{
	return atomic_load(&w->errors);
}

void
writers_free(struct writers *w)
{
	int k, i;

	if (!w)
		return;
	writers_stop(w);
	for (k = 0; k < WRITERS; k++) {
		struct ring *r = &w->ring[k];

		for (i = 0; i < RING_LEN; i++) {
			free(r->slot[i].b.iov);
			free(r->slot[i].b.buf);
		}
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->more);
		pthread_cond_destroy(&r->room);
	}
	close(w->dirfd);
	free(w);
}
