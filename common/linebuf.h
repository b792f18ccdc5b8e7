/* Line framing with a hard maximum line length (CR, LF or CR-LF ends a line). */
#ifndef KIT_COMMON_LINEBUF_H
#define KIT_COMMON_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Holds at most one partial line between feeds, so its memory is fixed at
 * init. A line longer than max is reported once, with its first max bytes,
 * and the rest of it up to the next terminator is discarded.
 */
struct linebuf {
	char *buf;	/* storage of max + 1 bytes, borrowed */
	size_t len;	/* bytes of the pending partial line */
	size_t max;	/* longest line accepted, terminator excluded */
	bool discarding;	/* inside an over-long line */
};

/*
 * Called for each complete, non-empty line: line[len] is a writable NUL and
 * the bytes may be modified. too_long is set when the line was cut at max.
 * Return 0 to go on, nonzero to stop feeding: linebuf_feed then says how
 * much of its data it used, and the caller keeps or drops the rest.
 */
typedef int (*linebuf_line_fn)(void *ctx, char *line, size_t len,
			       bool too_long);

/* storage must have max + 1 bytes and outlive lb. */
void linebuf_init(struct linebuf *lb, char *storage, size_t max);

/*
 * Split data[0..len) into lines; data is modified (terminators become NUL).
 * Returns 0, or the first nonzero value returned by on_line; then, if used
 * is not NULL, *used is how many bytes of data were taken (up to the end
 * of the line that stopped it). Feeding the rest later goes on as if
 * nothing had stopped.
 */
int linebuf_feed(struct linebuf *lb, char *data, size_t len,
		 linebuf_line_fn on_line, void *ctx, size_t *used);

/*
 * Deliver a pending unterminated line, as at end of stream, so that nothing
 * a peer sent before closing is lost. Returns as linebuf_feed.
 */
int linebuf_finish(struct linebuf *lb, linebuf_line_fn on_line, void *ctx);

#endif
