/* The stream callback interface: outputs and dissectors plug in here. */
#ifndef KIT_SNIFFER_SINK_H
#define KIT_SNIFFER_SINK_H

#include <stddef.h>
#include <stdint.h>

struct flow;

/* Directions of a flow: the client is the side that sent the SYN. */
enum { DIR_C2S = 0, DIR_S2C = 1 };

/*
 * A consumer of reassembled streams. Every callback is optional. Data comes
 * in stream order, each byte once; a gap says that len bytes of the stream
 * were never captured (they are not delivered, and later bytes still are).
 * Pointers are borrowed for the call, except that data marked stable stays
 * valid until the capture closes, so a sink may keep the pointer instead
 * of a copy. A sink that keeps per-flow state
 * is given its slot number when made: flow->sink_state[slot] is its own.
 */
struct sink_ops {
	const char *name;
	void (*flow_start)(void *self, struct flow *f);
	void (*data)(void *self, struct flow *f, int dir, const uint8_t *p,
		     size_t n, bool stable);
	void (*gap)(void *self, struct flow *f, int dir, uint64_t len);
	void (*flow_end)(void *self, struct flow *f);
	void (*finish)(void *self);	/* end of the capture */
	void (*destroy)(void *self);	/* NULL: free(self) */
};

struct sink {
	const struct sink_ops *ops;
	void *self;
};

#define SINK_MAX 8

#endif
