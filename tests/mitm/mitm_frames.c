/* mitm_proxy: reassemble frames per direction and tamper with one of them.
 * Framing and the ClientHello layout: docs/PROTOCOL.md "Framing". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "err.h"
#include "mitm.h"

#define CH_TYPE 0x01		/* ClientHello */
#define RECORD_TYPE 0x17	/* Record: the type an injected frame has */
#define ALERT_TYPE 0x15		/* plaintext alert: level u8 | code u8 */
#define ACCESS_DENIED 49	/* the code a forged alert carries */

static const char *const mode_names[] = {
	[MITM_HONEST] = "honest",	[MITM_FLIP] = "flip",
	[MITM_REPLAY] = "replay",	[MITM_DROP] = "drop",
	[MITM_REORDER] = "reorder",	[MITM_INJECT] = "inject",
	[MITM_TRUNCATE] = "truncate",	[MITM_DOWNGRADE] = "downgrade",
	[MITM_ALERT] = "alert",
};

bool
mitm_mode_parse(const char *s, enum mitm_mode *mode)
{
	size_t i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*mode = (enum mitm_mode)i;
			return true;
		}
	}
	return false;
}

const char *
mitm_mode_name(enum mitm_mode mode)
{
	return mode_names[mode];
}

void
mitm_dir_init(struct mitm_dir *d, enum mitm_dirno no, int in_fd, int out_fd,
	      bool raw)
{
	memset(d, 0, sizeof(*d));
	d->no = no;
	d->name = no == MITM_C2S ? "c2s" : "s2c";
	d->in_fd = in_fd;
	d->out_fd = out_fd;
	d->raw = raw;
}

bool
mitm_input_over(const struct mitm_dir *d)
{
	if (d->cut)
		return true;
	return d->in_eof && d->in_off == d->in_len && !d->holding;
}

/* "c2s frame 3 (type 0x17, 45 bytes): flipped byte 44" on stderr. Sizes
 * count the whole frame, header included, as offsets do. (A log line
 * longer than the buffer is cut short; none of ours is.) */
static void frame_log(const struct mitm_dir *d, unsigned long n,
		      const uint8_t *f, size_t flen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void
frame_log(const struct mitm_dir *d, unsigned long n, const uint8_t *f,
	  size_t flen, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	kit_warn("%s frame %lu (type 0x%02x, %zu bytes): %s", d->name, n,
		 f[0], flen, what);
}

/* Make room for need more output bytes (moving pending bytes to the front
 * if that helps). False if there is not enough room yet. */
static bool
out_reserve(struct mitm_dir *d, size_t need)
{
	if (MITM_OUT_CAP - d->out_len >= need)
		return true;
	if (d->out_off > 0) {
		memmove(d->out, d->out + d->out_off, d->out_len - d->out_off);
		d->out_len -= d->out_off;
		d->out_off = 0;
	}
	return MITM_OUT_CAP - d->out_len >= need;
}

/* Append n bytes; the caller has reserved the room. */
static void
out_put(struct mitm_dir *d, const uint8_t *p, size_t n)
{
	memcpy(d->out + d->out_len, p, n);
	d->out_len += n;
}

/* Flip: XOR 0x01 into one byte of the frame (the last one by default). */
static void
flip(const struct mitm_cfg *cfg, const struct mitm_dir *d, unsigned long n,
     uint8_t *f, size_t flen)
{
	size_t at = cfg->has_offset ? cfg->offset : flen - 1;

	if (at >= flen) {
		frame_log(d, n, f, flen, "offset %zu is past its end; "
			  "relayed unchanged", at);
		return;
	}
	f[at] ^= 0x01;
	frame_log(d, n, f, flen, "flipped byte %zu", at);
}

/*
 * Downgrade: rewrite the ClientHello's suites to the client's last choice
 * only, whichever order the client's default puts first.
 *
 *   hdr 3 | version 1 | random 32 | ephemeral 32 | n 1 | suites n
 */
static void
downgrade(const struct mitm_dir *d, unsigned long n, uint8_t *f, size_t flen)
{
	const size_t at = MITM_HDR_LEN + 1 + 32 + 32;	/* n_suites */
	char was[3 * 8 + 4] = "";
	size_t ns, i, len = 0;
	uint8_t last;

	if (f[0] != CH_TYPE || flen <= at) {
		frame_log(d, n, f, flen, "not a ClientHello; "
			  "relayed unchanged");
		return;
	}
	ns = f[at];
	if (ns > flen - at - 1) {
		frame_log(d, n, f, flen, "%zu suites run past its end; "
			  "relayed unchanged", ns);
		return;
	}
	for (i = 0; i < ns && i < 8; i++)
		len += (size_t)snprintf(was + len, sizeof(was) - len, " %02x",
					f[at + 1 + i]);
	if (ns > 8)
		snprintf(was + len, sizeof(was) - len, " ..");
	last = ns ? f[at + ns] : 0;
	memset(f + at + 1, last, ns);
	frame_log(d, n, f, flen, "suites%s rewritten to %zu x 0x%02x",
		  ns ? was : " (none)", ns, last);
}

/* A forged frame of len bytes, sent before frame n. */
static void
put_forged(struct mitm_dir *d, unsigned long n, const uint8_t *f, size_t flen,
	   const uint8_t *forged, size_t len)
{
	out_put(d, forged, len);
	frame_log(d, n, f, flen, "forged frame (type 0x%02x, %zu bytes) "
		  "injected before it", forged[0], len);
}

/* Inject: a forged Record frame with a random body, before frame n. */
static int
inject(struct mitm_dir *d, unsigned long n, const uint8_t *f, size_t flen)
{
	uint8_t forged[MITM_HDR_LEN + MITM_INJECT_LEN] = {
		RECORD_TYPE, 0, MITM_INJECT_LEN
	};

	if (getrandom(forged + MITM_HDR_LEN, MITM_INJECT_LEN, 0) !=
	    MITM_INJECT_LEN) {
		kit_warn("getrandom: %s", strerror(errno));
		return -1;
	}
	put_forged(d, n, f, flen, forged, sizeof(forged));
	return 0;
}

/* Apply the mode to frame n, the one it targets. */
static int
tamper(const struct mitm_cfg *cfg, struct mitm_dir *d, unsigned long n,
       uint8_t *f, size_t flen)
{
	d->acted = true;
	switch (cfg->mode) {
	case MITM_HONEST:
		break;
	case MITM_FLIP:
		flip(cfg, d, n, f, flen);
		break;
	case MITM_DOWNGRADE:
		downgrade(d, n, f, flen);
		break;
	case MITM_REPLAY:
		out_put(d, f, flen);
		frame_log(d, n, f, flen, "sent twice");
		break;
	case MITM_DROP:
		frame_log(d, n, f, flen, "dropped");
		return 0;
	case MITM_REORDER:
		memcpy(d->held, f, flen);
		d->held_len = flen;
		d->holding = true;
		frame_log(d, n, f, flen, "held back, to follow the next frame");
		return 0;
	case MITM_INJECT:
		if (inject(d, n, f, flen) < 0)
			return -1;
		break;
	case MITM_ALERT: {
		static const uint8_t alert[] = { ALERT_TYPE, 0, 2, 2,
						 ACCESS_DENIED };

		put_forged(d, n, f, flen, alert, sizeof(alert));
		break;
	}
	case MITM_TRUNCATE:
		d->cut = true;
		d->in_off = d->in_len;	/* nothing more goes this way */
		frame_log(d, n, f, flen, "not sent; cutting the stream");
		return 0;
	}
	out_put(d, f, flen);
	return 0;
}

/* One whole frame f (already consumed from d->in) into output. */
static int
pump_frame(const struct mitm_cfg *cfg, struct mitm_dir *d, uint8_t *f,
	   size_t flen)
{
	unsigned long n = d->frames++;

	if (d->holding) {	/* reorder: this is the frame after it */
		out_put(d, f, flen);
		out_put(d, d->held, d->held_len);
		d->holding = false;
		frame_log(d, n, f, flen, "sent before held frame %lu", n - 1);
		return 0;
	}
	if (!d->acted && cfg->mode != MITM_HONEST && d->no == cfg->dir &&
	    n == cfg->index)
		return tamper(cfg, d, n, f, flen);
	if (cfg->verbose)
		frame_log(d, n, f, flen, "relayed");
	out_put(d, f, flen);
	return 0;
}

/* Send the held frame now (the stream ended or went raw). False if out
 * has no room for it yet. */
static bool
release_held(struct mitm_dir *d, const char *why)
{
	if (!d->holding)
		return true;
	if (!out_reserve(d, d->held_len))
		return false;
	out_put(d, d->held, d->held_len);
	d->holding = false;
	kit_warn("%s: held frame %lu relayed %s", d->name, d->frames - 1, why);
	return true;
}

/* Raw: copy input to output unchanged, as far as there is room. */
static void
pump_raw(struct mitm_dir *d)
{
	size_t n = d->in_len - d->in_off;

	if (n == 0 || !release_held(d, "before the raw bytes") ||
	    !out_reserve(d, 1))
		return;
	if (n > MITM_OUT_CAP - d->out_len)
		n = MITM_OUT_CAP - d->out_len;
	out_put(d, d->in + d->in_off, n);
	d->in_off += n;
}

int
mitm_pump(const struct mitm_cfg *cfg, struct mitm_dir *d)
{
	uint8_t *f;
	size_t body, flen;

	while (!d->cut && !d->raw && d->in_len - d->in_off >= MITM_HDR_LEN) {
		f = d->in + d->in_off;
		body = (size_t)f[1] << 8 | f[2];
		if (body > MITM_BODY_MAX) {
			kit_warn("%s frame %lu (type 0x%02x) claims %zu body "
				 "bytes (max %d): the rest of %s goes raw",
				 d->name, d->frames, f[0], body, MITM_BODY_MAX,
				 d->name);
			d->raw = true;
			break;
		}
		flen = MITM_HDR_LEN + body;
		if (d->in_len - d->in_off < flen ||
		    !out_reserve(d, MITM_OUT_ROOM))
			break;
		d->in_off += flen;	/* f is valid until the next read */
		if (pump_frame(cfg, d, f, flen) < 0)
			return -1;
	}
	if (d->in_eof && !d->cut && !d->raw && d->in_off < d->in_len) {
		kit_warn("%s: stream ended inside a frame: its %zu bytes "
			 "relayed unchanged", d->name, d->in_len - d->in_off);
		d->raw = true;
	}
	if (d->raw && !d->cut)
		pump_raw(d);
	if (d->in_eof && d->in_off == d->in_len)
		release_held(d, "last: the stream ended before a next frame");
	return 0;
}
