/* \summary: -o DIR: each direction of each connection in its own file,
 * byte-exact, named as tcpflow names them (its default template
 * "%A.%a-%B.%b%C%c": zero-padded IPv4 address and port, IPv6 as
 * inet_ntop writes it, and "c1", "c2"... when the name is taken, e.g. by an
 * earlier connection on the same 4-tuple). Bytes are buffered per direction
 * and written in large pieces: one write per segment would cost more than
 * the rest of the sniffer together. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "flow.h"
#include "output.h"

#define BUF_FIRST (4 * 1024)
#define BUF_MAX (256 * 1024)
/* All buffers together; past this a buffer is written out at once. */
#define BUFFERED_MAX (128u << 20)
#define NAME_MAX_ 160

struct dirfile {
	char *buf;
	size_t len, cap;
	bool created;		/* name is set and the file exists */
	char name[NAME_MAX_];
};

struct files {
	char dir[4096];
	int dirfd;		/* files are opened relative to it */
	int slot;
	size_t buffered;	/* bytes allocated for buffers */
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

static void
write_out(struct files *fs, struct flow *f, int dir, struct dirfile *df,
	  const uint8_t *p, size_t n)
{
	int fd;

	if (!df->created) {
		if ((fd = create(fs, df, &f->ep[dir], &f->ep[!dir])) < 0) {
			report(fs, "create a file in", df->name);
			return;
		}
		df->created = true;
	} else {
		fd = openat(fs->dirfd, df->name, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0) {
			report(fs, "open", df->name);
			return;
		}
	}
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			report(fs, "write", df->name);
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	close(fd);
}

static void
flush(struct files *fs, struct flow *f, int dir, struct dirfile *df)
{
	if (df->len > 0)
		write_out(fs, f, dir, df, (const uint8_t *)df->buf, df->len);
	df->len = 0;
}

static struct dirfile *
state(struct files *fs, struct flow *f)
{
	struct dirfile *df = f->sink_state[fs->slot];

	if (!df && (df = calloc(2, sizeof(*df))) != NULL)
		f->sink_state[fs->slot] = df;
	return df;
}

/* Make room for n more bytes, growing the buffer or writing it out. */
static bool
room(struct files *fs, struct dirfile *df, size_t n)
{
	size_t cap = df->cap ? df->cap * 2 : BUF_FIRST;
	char *p;

	if (n <= df->cap - df->len)
		return true;
	if (df->cap >= BUF_MAX || fs->buffered > BUFFERED_MAX)
		return false;
	if (!(p = realloc(df->buf, cap)))
		return false;
	fs->buffered += cap - df->cap;
	df->buf = p;
	df->cap = cap;
	return n <= df->cap - df->len;
}

static void
files_data(void *self, struct flow *f, int dir, const uint8_t *p, size_t n)
{
	struct files *fs = self;
	struct dirfile *dfs = state(fs, f), *df;

	if (!dfs) {
		errno = ENOMEM;
		report(fs, "buffer data for", "(a flow)");
		return;
	}
	df = &dfs[dir];
	if (!room(fs, df, n)) {
		flush(fs, f, dir, df);
		if (!room(fs, df, n)) {	/* larger than any buffer */
			write_out(fs, f, dir, df, p, n);
			return;
		}
	}
	memcpy(df->buf + df->len, p, n);
	df->len += n;
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

uint64_t
files_sink_errors(const struct sink *k)
{
	return ((const struct files *)k->self)->errors;
}
