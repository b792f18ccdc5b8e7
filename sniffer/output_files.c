/* \summary: -o DIR: each direction of each connection in its own file,
 * byte-exact, named as tcpflow names them (its default template
 * "%A.%a-%B.%b%C%c": zero-padded IPv4 address and port, IPv6 as
 * inet_ntop writes it, and "c1", "c2"... when the name is taken, e.g. by an
 * earlier connection on the same 4-tuple). Bytes are gathered per direction
 * and handed to the writer threads (writer.c) a megabyte at a time: one
 * write per segment would cost more than the rest of the sniffer together.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <arpa/inet.h>

#include "flow.h"
#include "output.h"
#include "writer.h"

#define BUF_FIRST (4 * 1024)
#define BUF_MAX (256 * 1024)
/* All copy buffers together; past this no buffer grows. */
#define BUFFERED_MAX (128u << 20)
/* Pending bytes that make a write worthwhile. */
#define FLUSH_BYTES (1u << 20)
/* How far behind the newest packet a pending piece of a mapped capture
 * may lie before it is written: it keeps those pages in memory. */
#define PIN_MAX ((uintptr_t)64 << 20)

/*
 * One direction's bytes waiting for the writers, as a list of pieces:
 * bytes of a mapped capture are referred to where they lie (they stay
 * valid, see sink.h), other bytes are copied into the batch's buffer
 * first. One writev sends them all: one system call for up to a megabyte,
 * and no copy of our own.
 */
struct dirfile {
	/* directions holding pieces of the mapped file, oldest first */
	struct dirfile *older, *newer;
	const uint8_t *first_stable;	/* NULL when none is pending */
	struct flow *flow;
	int dir;
	struct wbatch b;
	struct writer_file *file;	/* NULL until the first batch */
};

struct files {
	struct dirfile *oldest, *newest;	/* pinning mapped pages */
	struct writers *w;
	int slot;
	size_t buffered;	/* bytes allocated for copy buffers */
};

/* "ADDR.PORT" at p, as tcpflow writes it; by hand rather than snprintf,
 * which cost the main thread more than a short connection's decoding. */
static char *
put_endpoint(char *p, const struct endpoint *e)
{
	int i;

	if (e->family == AF_INET6) {
		inet_ntop(AF_INET6, e->addr, p, INET6_ADDRSTRLEN);
		p += strlen(p);
	} else {
		for (i = 0; i < 4; i++) {
			p = put_digits(p, e->addr[i], 3);
			*p++ = '.';
		}
		p--;
	}
	*p++ = '.';
	return put_digits(p, e->port, 5);
}

static struct writer_file *
new_file(const struct flow *f, int dir)
{
	char name[2 * (INET6_ADDRSTRLEN + 6) + 2], *p;

	p = put_endpoint(name, &f->ep[dir]);
	*p++ = '-';
	p = put_endpoint(p, &f->ep[!dir]);
	*p = '\0';
	return writer_file_new(name);
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

/* Hand every pending piece to the writers; last: the direction ends. */
static void
flush(struct files *fs, struct dirfile *df, bool last)
{
	const uint8_t *oldest = df->first_stable;

	unpin(fs, df);
	if (df->b.niov > 0 && !df->file &&
	    !(df->file = new_file(df->flow, df->dir))) {
		errno = ENOMEM;
		writers_report(fs->w, "keep a name for", "(a flow)");
		df->b.niov = 0;
		df->b.bytes = df->b.len = 0;
	}
	if (df->file && (df->b.niov > 0 || last))
		writers_queue(fs->w, df->file, &df->b, oldest, last);
	if (last)
		df->file = NULL;
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
		flush(fs, df, false);
}

/* Append a piece, joined to the previous one when they are contiguous. */
static bool
add_piece(struct wbatch *b, const void *p, size_t n)
{
	struct iovec *last = b->niov ? &b->iov[b->niov - 1] : NULL;

	if (last && (const char *)last->iov_base + last->iov_len == p) {
		last->iov_len += n;
	} else {
		if (b->niov == b->iov_cap) {
			int cap = b->iov_cap ? b->iov_cap * 4 : 8;
			void *q;

			if (cap > IOV_MAX)
				cap = IOV_MAX;
			if (b->niov == cap ||
			    !(q = realloc(b->iov, (size_t)cap * sizeof(*b->iov))))
				return false;
			b->iov = q;
			b->iov_cap = cap;
		}
		b->iov[b->niov++] = (struct iovec){ (void *)p, n };
	}
	b->bytes += n;
	return true;
}

/* Room for up to n copied bytes, as far as the limits allow; only called
 * with nothing pending in b's buffer. */
static void
grow_buffer(struct files *fs, struct wbatch *b, size_t n)
{
	size_t cap = b->cap ? b->cap : BUF_FIRST;
	char *p;

	while (cap < n && cap < BUF_MAX)
		cap *= 2;
	if (cap <= b->cap || fs->buffered > BUFFERED_MAX ||
	    !(p = realloc(b->buf, cap)))
		return;
	fs->buffered += cap - b->cap;
	b->buf = p;
	b->cap = cap;
}

/* Queue a copy of bytes that will not stay valid, in as many batches as
 * the buffer takes. */
static void
add_copy(struct files *fs, struct dirfile *df, const uint8_t *p, size_t n)
{
	struct wbatch *b = &df->b;
	size_t take;

	while (n > 0) {
		if (n > b->cap - b->len || b->niov == b->iov_cap) {
			if (b->niov > 0)
				flush(fs, df, false);
			grow_buffer(fs, b, n > 2 * b->cap ? n : 2 * b->cap);
		}
		take = n < b->cap - b->len ? n : b->cap - b->len;
		if (take == 0 || !add_piece(b, b->buf + b->len, take)) {
			errno = ENOMEM;
			writers_report(fs->w, "buffer data for", "(a flow)");
			return;
		}
		memcpy(b->buf + b->len, p, take);
		b->len += take;
		p += take;
		n -= take;
	}
}

static void
files_data(void *self, struct flow *f, int dir, const uint8_t *p, size_t n,
	   bool stable)
{
	struct files *fs = self;
	struct dirfile *dfs = state(fs, f), *df;

	if (!dfs) {
		errno = ENOMEM;
		writers_report(fs->w, "buffer data for", "(a flow)");
		return;
	}
	df = &dfs[dir];
	if (!stable) {
		add_copy(fs, df, p, n);
	} else {
		unpin_old(fs, p);
		if (!add_piece(&df->b, p, n)) {	/* the list is full */
			flush(fs, df, false);
			add_piece(&df->b, p, n);
		}
		pin(fs, df, p);
	}
	if (df->b.bytes >= FLUSH_BYTES || df->b.niov == IOV_MAX)
		flush(fs, df, false);
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
		flush(fs, &dfs[d], true);
		fs->buffered -= dfs[d].b.cap;
		free(dfs[d].b.buf);
		free(dfs[d].b.iov);
	}
	free(dfs);
	f->sink_state[fs->slot] = NULL;
}

static void
files_finish(void *self)
{
	writers_stop(((struct files *)self)->w);
}

static void
files_destroy(void *self)
{
	struct files *fs = self;

	writers_free(fs->w);
	free(fs);
}

static const struct sink_ops files_ops = {
	.name = "files",
	.data = files_data,
	.flow_end = files_end,
	.finish = files_finish,
	.destroy = files_destroy,
};

struct sink *
files_sink_new(const char *dir, int slot)
{
	struct sink *k = calloc(1, sizeof(*k));
	struct files *fs = calloc(1, sizeof(*fs));
	int e;

	if (!k || !fs || !(fs->w = writers_new(dir))) {
		e = k && fs ? errno : ENOMEM;
		free(k);
		free(fs);
		errno = e;
		return NULL;
	}
	fs->slot = slot;
	*k = (struct sink){ &files_ops, fs };
	return k;
}

const uint8_t *
files_sink_oldest(const struct sink *k)
{
	const struct files *fs = k->self;
	const uint8_t *mine = fs->oldest ? fs->oldest->first_stable : NULL;
	const uint8_t *queued = writers_oldest(fs->w);

	if (!mine || (queued && (uintptr_t)queued < (uintptr_t)mine))
		return queued;
	return mine;
}

uint64_t
files_sink_errors(const struct sink *k)
{
	return writers_errors(((const struct files *)k->self)->w);
}
