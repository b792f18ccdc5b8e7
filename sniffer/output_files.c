/* \summary: -o DIR: each direction of each connection in its own file,
 * byte-exact, named as tcpflow names them (its default template
 * "%A.%a-%B.%b%C%c": zero-padded IPv4 address and port, IPv6 as
 * inet_ntop writes it, and "c1", "c2"... when the name is taken, e.g. by an
 * earlier connection on the same 4-tuple). Bytes are gathered per direction
 * and written a megabyte at a time: one write per segment would cost more
 * than the rest of the sniffer together. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "flow.h"
#include "output.h"

#define BUF_FIRST (4 * 1024)
#define BUF_MAX (256 * 1024)
/* All copy buffers together; past this a buffer is written out at once. */
#define BUFFERED_MAX (128u << 20)
/* Pending bytes that make a write worthwhile. */
#define FLUSH_BYTES (1u << 20)
/* How far behind the newest packet a pending piece of a mapped capture
 * may lie before it is written: it keeps those pages in memory. */
#define PIN_MAX ((uintptr_t)64 << 20)
#define NAME_MAX_ 160

/*
 * One direction's bytes waiting to be written, as a list of pieces: bytes
 * of a mapped capture are referred to where they lie (they stay valid, see
 * sink.h), other bytes are copied into buf first. One writev sends them
 * all: one system call for up to a megabyte, and no copy of our own.
 */
struct dirfile {
	/* directions holding pieces of the mapped file, oldest first */
	struct dirfile *older, *newer;
	const uint8_t *first_stable;	/* NULL when none is pending */
	struct flow *flow;
	int dir;
	struct iovec *iov;
	int niov, iov_cap;
	size_t pending;		/* bytes in iov */
	char *buf;		/* copies; iov entries may point into it */
	size_t len, cap;
	bool created;		/* name is set and the file exists */
	char name[NAME_MAX_];
};

struct files {
	struct dirfile *oldest, *newest;	/* pinning mapped pages */
	char dir[4096];
	int dirfd;		/* files are opened relative to it */
	int slot;
	size_t buffered;	/* bytes allocated for copy buffers */
	uint64_t errors;
};

static void
addr_text(const struct endpoint *e, char *out, size_t cap)
{
	const uint8_t *a = e->addr;

	if (e->family == AF_INET6)
		inet_ntop(AF_INET6, a, out, (socklen_t)cap);
	else
		snprintf(out, cap, "%03u.%03u.%03u.%03u", a[0], a[1], a[2], a[3]);
}

static void
report(struct files *fs, const char *what, const char *name)
{
	if (fs->errors++ == 0)
		fprintf(stderr, "sniffer: cannot %s %s/%s: %s (further errors "
			"are only counted)\n", what, fs->dir, name,
			strerror(errno));
}

/* Create the file under the first free name, as tcpflow does. */
static int
create(struct files *fs, struct dirfile *df, const struct endpoint *from,
       const struct endpoint *to)
{
	char a[64], b[64];
	unsigned count;
	int fd;

	addr_text(from, a, sizeof(a));
	addr_text(to, b, sizeof(b));
	for (count = 0; count < 100000; count++) {
		snprintf(df->name, sizeof(df->name), count ? "%s.%05u-%s.%05uc%u"
			 : "%s.%05u-%s.%05u", a, from->port, b, to->port, count);
		fd = openat(fs->dirfd, df->name,
			    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

static int
open_for_writing(struct files *fs, struct flow *f, int dir, struct dirfile *df)
{
	int fd;

	if (df->created) {
		fd = openat(fs->dirfd, df->name, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0)
			report(fs, "open", df->name);
		return fd;
	}
	if ((fd = create(fs, df, &f->ep[dir], &f->ep[!dir])) < 0)
		report(fs, "create a file in", df->name);
	else
		df->created = true;
	return fd;
}

static void
unpin(struct files *fs, struct dirfile *df)
{
	if (!df->first_stable)
		return;
	*(df->older ? &df->older->newer : &fs->oldest) = df->newer;
	*(df->newer ? &df->newer->older : &fs->newest) = df->older;
	df->older = df->newer = NULL;
	df->first_stable = NULL;
}

/* The direction now refers to mapped bytes at p: it joins the list. */
static void
pin(struct files *fs, struct dirfile *df, const uint8_t *p)
{
	if (df->first_stable)
		return;
	df->first_stable = p;
	df->older = fs->newest;
	*(fs->newest ? &fs->newest->newer : &fs->oldest) = df;
	fs->newest = df;
}

/* Write every pending piece, in order, and forget them. */
static void
flush(struct files *fs, struct flow *f, int dir, struct dirfile *df)
{
	struct iovec *iov = df->iov;
	int fd, n = df->niov;
	ssize_t w;

	unpin(fs, df);
	if (n > 0 && (fd = open_for_writing(fs, f, dir, df)) >= 0) {
		while (n > 0) {
			w = writev(fd, iov, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				report(fs, "write", df->name);
				break;
			}
			for (; n > 0 && (size_t)w >= iov->iov_len; iov++, n--)
				w -= (ssize_t)iov->iov_len;
			if (n > 0) {	/* a short write: go on mid-piece */
				iov->iov_base = (char *)iov->iov_base + w;
				iov->iov_len -= (size_t)w;
			}
		}
		close(fd);
	}
	df->niov = 0;
	df->pending = 0;
	df->len = 0;
}

static struct dirfile *
state(struct files *fs, struct flow *f)
{
	struct dirfile *df = f->sink_state[fs->slot];

	if (!df && (df = calloc(2, sizeof(*df))) != NULL) {
		f->sink_state[fs->slot] = df;
		df[0] = (struct dirfile){ .flow = f, .dir = 0 };
		df[1] = (struct dirfile){ .flow = f, .dir = 1 };
	}
	return df;
}

/* Write out directions whose pieces lie too far behind p. */
static void
unpin_old(struct files *fs, const uint8_t *p)
{
	struct dirfile *df;

	while ((df = fs->oldest) != NULL &&
	       (uintptr_t)p - (uintptr_t)df->first_stable > PIN_MAX)
		flush(fs, df->flow, df->dir, df);
}

/* Append a piece, joined to the previous one when they are contiguous. */
static bool
add_piece(struct dirfile *df, const void *p, size_t n)
{
	struct iovec *last = df->niov ? &df->iov[df->niov - 1] : NULL;

	if (last && (const char *)last->iov_base + last->iov_len == p) {
		last->iov_len += n;
	} else {
		if (df->niov == df->iov_cap) {
			int cap = df->iov_cap ? df->iov_cap * 4 : 8;
			void *q;

			if (cap > IOV_MAX)
				cap = IOV_MAX;
			if (df->niov == cap ||
			    !(q = realloc(df->iov, (size_t)cap * sizeof(*df->iov))))
				return false;
			df->iov = q;
			df->iov_cap = cap;
		}
		df->iov[df->niov++] = (struct iovec){ (void *)p, n };
	}
	df->pending += n;
	return true;
}

/* Room for n more copied bytes; only called with nothing pending in buf. */
static bool
grow_buffer(struct files *fs, struct dirfile *df, size_t n)
{
	size_t cap = df->cap ? df->cap : BUF_FIRST;
	char *p;

	while (cap < n && cap < BUF_MAX)
		cap *= 2;
	if (cap < n || cap == df->cap || fs->buffered > BUFFERED_MAX)
		return n <= df->cap;
	if (!(p = realloc(df->buf, cap)))
		return false;
	fs->buffered += cap - df->cap;
	df->buf = p;
	df->cap = cap;
	return true;
}

/* Queue a copy of bytes that will not stay valid. */
static void
add_copy(struct files *fs, struct flow *f, int dir, struct dirfile *df,
	 const uint8_t *p, size_t n)
{
	if (n > df->cap - df->len || df->niov == IOV_MAX) {
		flush(fs, f, dir, df);
		if (!grow_buffer(fs, df, n)) {	/* too big for any buffer */
			add_piece(df, p, n);
			flush(fs, f, dir, df);
			return;
		}
	}
	memcpy(df->buf + df->len, p, n);
	add_piece(df, df->buf + df->len, n);
	df->len += n;
}

static void
files_data(void *self, struct flow *f, int dir, const uint8_t *p, size_t n,
	   bool stable)
{
	struct files *fs = self;
	struct dirfile *dfs = state(fs, f), *df;

	if (!dfs) {
		errno = ENOMEM;
		report(fs, "buffer data for", "(a flow)");
		return;
	}
	df = &dfs[dir];
	if (!stable) {
		add_copy(fs, f, dir, df, p, n);
	} else {
		unpin_old(fs, p);
		if (!add_piece(df, p, n)) {	/* the list is full */
			flush(fs, f, dir, df);
			add_piece(df, p, n);
		}
		pin(fs, df, p);
	}
	if (df->pending >= FLUSH_BYTES || df->niov == IOV_MAX)
		flush(fs, f, dir, df);
}

static void
files_end(void *self, struct flow *f)
{
	struct files *fs = self;
	struct dirfile *dfs = f->sink_state[fs->slot];
	int d;

	if (!dfs)
		return;
	for (d = 0; d < 2; d++) {
		flush(fs, f, d, &dfs[d]);
		fs->buffered -= dfs[d].cap;
		free(dfs[d].buf);
		free(dfs[d].iov);
	}
	free(dfs);
	f->sink_state[fs->slot] = NULL;
}

static void
files_destroy(void *self)
{
	struct files *fs = self;

	close(fs->dirfd);
	free(fs);
}

static const struct sink_ops files_ops = {
	.name = "files",
	.data = files_data,
	.flow_end = files_end,
	.destroy = files_destroy,
};

struct sink *
files_sink_new(const char *dir, int slot)
{
	struct sink *k = calloc(1, sizeof(*k));
	struct files *fs = calloc(1, sizeof(*fs));

	if (!k || !fs || strlen(dir) >= sizeof(fs->dir) ||
	    (fs->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		free(k);
		free(fs);
		return NULL;
	}
	snprintf(fs->dir, sizeof(fs->dir), "%s", dir);
	fs->slot = slot;
	*k = (struct sink){ &files_ops, fs };
	return k;
}

const uint8_t *
files_sink_oldest(const struct sink *k)
{
	const struct files *fs = k->self;

	return fs->oldest ? fs->oldest->first_stable : NULL;
}

uint64_t
files_sink_errors(const struct sink *k)
{
	return ((const struct files *)k->self)->errors;
}
