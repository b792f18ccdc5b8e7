/* mitm_proxy: per-direction frame reassembly and the tampering modes. */
#ifndef KIT_TESTS_MITM_H
#define KIT_TESTS_MITM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* docs/PROTOCOL.md "Framing": type u8 | length u16 BE | body, and a body
 * of at most 16384 + 256 plaintext room plus a 16-byte AEAD tag. */
#define MITM_HDR_LEN 3
#define MITM_BODY_MAX (16384 + 256 + 16)
#define MITM_FRAME_MAX (MITM_HDR_LEN + MITM_BODY_MAX)
#define MITM_IN_CAP MITM_FRAME_MAX
#define MITM_OUT_CAP (4 * MITM_FRAME_MAX)
#define MITM_INJECT_LEN 40

enum mitm_mode {
	MITM_HONEST, MITM_FLIP, MITM_REPLAY, MITM_DROP, MITM_REORDER,
	MITM_INJECT, MITM_TRUNCATE, MITM_DOWNGRADE, MITM_ALERT,
};

enum mitm_dirno { MITM_C2S = 0, MITM_S2C = 1 };

/* What to do, and to which frame: read-only once the relay starts. */
struct mitm_cfg {
	enum mitm_mode mode;
	enum mitm_dirno dir;	/* the direction whose frame is acted on */
	unsigned long index;	/* 0-based frame number in that direction */
	bool has_offset;	/* flip: byte offset given (else the last) */
	size_t offset;		/* flip: the byte (0: the type byte) */
	bool raw;		/* relay bytes without framing (modes off) */
	bool verbose;		/* log every frame, not just the one */
};

/*
 * One direction of the relay. Bytes read from in_fd wait in in[in_off,
 * in_len) until a whole frame is there; what is to be sent waits in
 * out[out_off, out_len). Both are bounded: the proxy reads only when in
 * has room and turns a frame into output only when out has room for the
 * worst case (MITM_OUT_ROOM).
 */
struct mitm_dir {
	enum mitm_dirno no;
	const char *name;	/* "c2s" or "s2c" */
	int in_fd, out_fd;	/* borrowed: the proxy owns the sockets */
	uint8_t in[MITM_IN_CAP];
	size_t in_off, in_len;
	uint8_t out[MITM_OUT_CAP];
	size_t out_off, out_len;
	uint8_t held[MITM_FRAME_MAX];	/* reorder: the frame held back */
	size_t held_len;
	bool holding;
	unsigned long frames;	/* whole frames seen so far */
	unsigned long long bytes_in, bytes_out;
	bool raw;	/* no (more) framing: bytes pass through unchanged */
	bool in_eof;	/* nothing more will be read */
	bool cut;	/* truncate: the receiver is to be cut off */
	bool done;	/* our write half towards the receiver is shut */
	bool acted;	/* the mode has been applied in this direction */
};

/* Room pump needs in out before it turns one frame into output: reorder
 * may release two whole frames at once, inject and alert add a forged
 * frame (the alert's is the shorter). */
#define MITM_OUT_ROOM (2 * MITM_FRAME_MAX + MITM_HDR_LEN + MITM_INJECT_LEN)

/* Set up d (caller storage) for direction no, relaying in_fd to out_fd. */
void mitm_dir_init(struct mitm_dir *d, enum mitm_dirno no, int in_fd,
		   int out_fd, bool raw);

/*
 * Turn the complete frames of d->in into output under cfg's mode, as far
 * as d->out has room; once d->in_eof is set, also flush an incomplete
 * last frame and a held frame. Logs each action on stderr. Returns 0, or
 * -1 when no random bytes could be had for inject (message printed).
 */
int mitm_pump(const struct mitm_cfg *cfg, struct mitm_dir *d);

/* True when d will produce no more output: input over and all pumped. */
bool mitm_input_over(const struct mitm_dir *d);

/* Parse a mode name; false if unknown. */
bool mitm_mode_parse(const char *s, enum mitm_mode *mode);
const char *mitm_mode_name(enum mitm_mode mode);

#endif
