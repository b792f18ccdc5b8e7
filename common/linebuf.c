/* Line framing with a hard cap, consuming only complete lines. */
#include <string.h>

#include "linebuf.h"

void
linebuf_init(struct linebuf *lb, char *storage, size_t max)
{
	lb->buf = storage;
	lb->len = 0;
	lb->max = max;
	lb->discarding = false;
}

static char *
find_terminator(char *p, char *end)
{
	for (; p < end; p++)
		if (*p == '\n' || *p == '\r')
			return p;
	return NULL;
}

/* Keep a partial line; report it once if it grows past max. */
static int
hold_partial(struct linebuf *lb, const char *p, size_t n,
	     linebuf_line_fn on_line, void *ctx)
{
	size_t room = lb->max - lb->len;

	if (lb->discarding)
		return 0;
	if (n <= room) {
		memcpy(lb->buf + lb->len, p, n);
		lb->len += n;
		return 0;
	}
	memcpy(lb->buf + lb->len, p, room);
	lb->buf[lb->max] = '\0';
	lb->len = 0;
	lb->discarding = true;
	return on_line(ctx, lb->buf, lb->max, true);
}

/* A terminator at p ends the line made of the held bytes plus [start, p). */
static int
end_line(struct linebuf *lb, char *start, char *p, linebuf_line_fn on_line,
	 void *ctx)
{
	size_t n = (size_t)(p - start);
	int r;

	if (lb->discarding) {
		lb->discarding = false;
		return 0;
	}
	if (lb->len == 0) {
		if (n == 0)
			return 0;	/* empty lines are ignored */
		if (n > lb->max) {
			start[lb->max] = '\0';
			return on_line(ctx, start, lb->max, true);
		}
		*p = '\0';
		return on_line(ctx, start, n, false);
	}
	if ((r = hold_partial(lb, start, n, on_line, ctx)) != 0 ||
	    lb->discarding) {
		lb->discarding = false;
		return r;
	}
	lb->buf[lb->len] = '\0';
	n = lb->len;
	lb->len = 0;
	return on_line(ctx, lb->buf, n, false);
}

int
linebuf_feed(struct linebuf *lb, char *data, size_t len,
	     linebuf_line_fn on_line, void *ctx, size_t *used)
{
	char *p = data, *end = data + len, *t;
	int r;

	while ((t = find_terminator(p, end)) != NULL) {
		r = end_line(lb, p, t, on_line, ctx);
		p = t + 1;
		if (r != 0)
			goto stopped;
	}
	r = hold_partial(lb, p, (size_t)(end - p), on_line, ctx);
	p = end;
stopped:
	if (r != 0 && used)
		*used = (size_t)(p - data);
	return r;
}

int
linebuf_finish(struct linebuf *lb, linebuf_line_fn on_line, void *ctx)
{
	size_t n = lb->len;

	lb->len = 0;
	if (lb->discarding || n == 0) {
		lb->discarding = false;
		return 0;
	}
	lb->buf[n] = '\0';
	return on_line(ctx, lb->buf, n, false);
}
