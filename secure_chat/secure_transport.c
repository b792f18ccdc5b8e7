/* \summary: a connection under the secure_chat protocol: frames in, the
 * handshake, then records both ways; an authenticated close. Reads and
 * writes never block: what the socket will not take waits in out[].
 * The buffers exist only while bytes wait in them, and grow from a few
 * KiB only as far as the traffic needs (up to about 310 KiB, for a
 * writer that streams), as common/sendq.c does for plain connections: an
 * idle connection holds its keys and little more. */
#include <errno.h>
#include <stdarg.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "aead.h"
#include "err.h"
#include "evloop.h"
#include "net.h"
#include "peer_guess.h"
#include "secure_transport.h"
#include "transport.h"

/* What in[] may hold: eight whole frames, so that a reader of a stream
 * takes about what a plain TCP reader takes in one receive. With two,
 * loadgen's secure clients made 40% more receives than its plain ones and
 * spent half as much again of the kernel's time (500x100 fan-out); bulk
 * through one connection gained a fifth. */
#define IN_CAP (8 * FRAME_MAX)
/* The most a record of n content bytes takes sealed (with full padding). */
#define SEALED_MAX(n) (FRAME_HEADER_LEN + (n) + 1 + 255 + AEAD_TAG_LEN)
/* What one write may seal into out[]. While the socket takes everything,
 * sixteen full records and a key update: a streaming writer's 256 KiB
 * reach the kernel in one system call, which costs the kernel a third
 * less time per byte than four calls of 64 KiB (hs_bench bulk). After a
 * write the socket could not take whole, four (three when --pad fills
 * them): the bytes of a reader that falls behind wait in the caller's
 * bounded queue, not here. out[] is freed whenever it empties. */
#define OUT_CAP (16 * FRAME_MAX + SEALED_MAX(0))
#define OUT_CAP_BEHIND (4 * FRAME_MAX)
#define BUF_MIN 4096		/* in[] and out[] start here, then double */
/* Room for one handshake flight or alert: every one is far smaller
 * (docs/PROTOCOL.md), and hs_input refuses rather than overflows. */
#define HS_ROOM 4096
#define REKEY_DEFAULT (1ULL << 20)

struct secure {
	struct transport base;	/* first: the transport is the secure */
	struct secure_opts opts;
	char peer_host[NET_ADDRSTRLEN];	/* server: the client's address */
	struct hs *hs;		/* NULL once established */
	struct rec_dir send, recv;
	bool established, peer_closed, failed;
	bool peer_spoke;	/* a record of the peer's opened: from then on
				 * a plaintext alert can only be forged (a
				 * done client takes one until then) */
	uint8_t *in;		/* in_cap bytes received; NULL when empty */
	size_t in_cap, in_off, in_len;	/* unhandled: in[in_off..+in_len) */
	bool in_full;		/* the last receive filled in[]: grow it */
	uint8_t *plain;		/* FRAME_MAX: an opened record a short read
				 * did not take; NULL when none waits */
	size_t plain_cap, plain_off, plain_len;
	uint8_t *out;		/* out_cap bytes for the socket; NULL when
				 * every byte has gone */
	size_t out_cap, out_off, out_len;
	bool behind;		/* the last write's records did not all fit
				 * in the socket */
	char peer[HS_NICK_MAX + 1];
	int peer_method;
	struct timespec started;	/* for opts.on_handshake */
	double hs_ms;		/* a client's handshake time, reported once
				 * the server's first record shows it was let
				 * in (0: reported, or a server) */
	char error[256];
};

static const struct transport_ops secure_ops;

static int failed(struct secure *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Remember why the connection failed (transport_strerror shows it). */
static int
failed(struct secure *s, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	s->failed = true;
	return code;
}

/* Make *buf (*cap bytes; NULL and 0 before first use) hold at least need
 * bytes, need <= max: BUF_MIN first, doubled as needed, at most max.
 * Returns 0 or KIT_ENOMEM (the buffer is then as it was). */
static int
reserve(uint8_t **buf, size_t *cap, size_t need, size_t max)
{
	size_t c = *cap ? *cap : BUF_MIN;
	uint8_t *p;

	while (c < need)
		c *= 2;
	c = c < max ? c : max;
	if (c == *cap)
		return 0;
	if (!(p = realloc(*buf, c)))
		return KIT_ENOMEM;
	*buf = p;
	*cap = c;
	return 0;
}

static void
release(uint8_t **buf, size_t *cap)
{
	free(*buf);
	*buf = NULL;
	*cap = 0;
}

/* Give back plain[]: it held plaintext, so it is wiped first. */
static void
drop_plain(struct secure *s)
{
	if (s->plain)
		OPENSSL_cleanse(s->plain, s->plain_cap);
	release(&s->plain, &s->plain_cap);
	s->plain_off = s->plain_len = 0;
}

/* Why the peer's end of the stream came without close_notify. A client
 * the server has not answered yet lost nothing: most often its login took
 * longer than the server waits (say, at the fingerprint prompt). */
static const char *
closed_why(const struct secure *s)
{
	if (!s->established)
		return s->opts.hs.server ? "connection closed during the "
		       "handshake" : "connection closed during the handshake "
		       "(a --tls server closes so on this protocol's hello: "
		       "connect with --tls if it is one)";
	if (!s->peer_spoke && !s->opts.hs.server)
		return HS_UNANSWERED_LOGIN;
	return "connection cut without close_notify (truncated)";
}

/* The peer closed, or reset the connection under our writes or reads (a
 * reset is a close that crossed bytes in flight): said as closed_why. */
static int
peer_gone(struct secure *s)
{
	return failed(s, KIT_ECLOSED, "%s", closed_why(s));
}

/* Send what waits in out[]; 0 when all is gone (out[] is then released),
 * KIT_EAGAIN, or error. out[] and in[] only ever hold frames as they are
 * on the wire, so they are freed without wiping. */
static int
secure_flush(struct transport *t)
{
	struct secure *s = (struct secure *)t;
	ssize_t n;

	while (s->out_len > 0) {
		n = send(t->fd, s->out + s->out_off, s->out_len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && net_is_reset(errno))
			return peer_gone(s);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ?
			       KIT_EAGAIN : KIT_ESYS;
		s->out_off += (size_t)n;
		s->out_len -= (size_t)n;
	}
	release(&s->out, &s->out_cap);
	s->out_off = 0;
	/* Our flight is out: time for the next handshake's key while the
	 * peer answers (hs_idle). */
	if (s->hs)
		hs_idle(s->hs);
	return 0;
}

/* Room for n more bytes at s->out + s->out_len (compacting, then growing
 * out[]): 0, KIT_EAGAIN when out[] is full, or KIT_ENOMEM. */
static int
out_room(struct secure *s, size_t n)
{
	if (s->out_off > 0) {
		memmove(s->out, s->out + s->out_off, s->out_len);
		s->out_off = 0;
	}
	if (n > OUT_CAP - s->out_len)
		return KIT_EAGAIN;
	return reserve(&s->out, &s->out_cap, s->out_len + n, OUT_CAP);
}

/* An alert to the peer: sealed under keys, or plaintext (keys NULL). */
static void
send_alert_with(struct secure *s, int code, struct rec_dir *keys)
{
	uint8_t body[2] = { code == ALERT_CLOSE_NOTIFY ? 1 : 2, (uint8_t)code };
	uint8_t *p;
	size_t cap;
	int n;

	if (out_room(s, HS_ROOM) < 0)
		return;
	p = s->out + s->out_len;
	cap = s->out_cap - s->out_len;
	n = keys ? rec_seal(keys, INNER_ALERT, body, 2, s->opts.pad, p, cap)
		 : frame_write(FRAME_ALERT, body, 2, p, cap);
	if (n > 0)
		s->out_len += (size_t)n;
	secure_flush(&s->base);
}

/* Plaintext before keys exist, sealed after. */
static void
send_alert(struct secure *s, int code)
{
	send_alert_with(s, code, s->established ? &s->send : NULL);
}

struct transport *
secure_transport_new(int fd, const struct secure_opts *o)
{
	struct secure *s = calloc(1, sizeof(*s));
	int n;

	if (!s) {
		close(fd);
		return NULL;
	}
	s->base = (struct transport){ &secure_ops, fd };
	s->opts = *o;
	if (o->hs.server) {	/* for authorize: the brake, the log */
		if (net_peer_host(fd, s->peer_host) < 0)
			snprintf(s->peer_host, sizeof(s->peer_host), "?");
		s->opts.hs.peer = s->peer_host;
	}
	if (!s->opts.rekey_after)
		s->opts.rekey_after = REKEY_DEFAULT;
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	if (!(s->hs = hs_new(&s->opts.hs)))
		goto fail;
	if (!o->hs.server) {
		if (out_room(s, HS_ROOM) < 0 ||
		    (n = hs_client_hello(s->hs, s->out, s->out_cap)) < 0)
			goto fail;
		s->out_len = (size_t)n;
	}
	return &s->base;
fail:
	hs_free(s->hs);
	close(fd);
	free(s->out);
	free(s);
	return NULL;
}

struct transport *
secure_transport_wrap(int fd, void *ctx)
{
	return secure_transport_new(fd, ctx);
}

size_t
secure_transport_refusal(const char *why, uint8_t *out, size_t cap)
{
	static const uint8_t body[2] = { 2, ALERT_UNAVAILABLE };
	int n = frame_write(FRAME_ALERT, body, 2, out, cap);

	(void)why;
	return n > 0 ? (size_t)n : 0;
}

const char *
secure_transport_peer(const struct transport *t)
{
	return ((const struct secure *)t)->peer;
}

size_t
secure_transport_buffer_bytes(const struct transport *t)
{
	const struct secure *s = (const struct secure *)t;

	return s->in_cap + s->plain_cap + s->out_cap;
}

static void
report_handshake(const struct secure *s, double ms)
{
	char what[64];

	if (!s->opts.on_handshake)
		return;
	snprintf(what, sizeof(what), "kit-chat v1 %s",
		 aead_suite_name(s->recv.suite));
	s->opts.on_handshake(s->opts.hs.ud, ms, what);
}

/*
 * The peer refused the handshake with alert (-1: a malformed one). A
 * client that is done hears of a refused login as the server's first
 * record, sealed; a plaintext alert then means a ClientAuth the server
 * could not open, or a forgery.
 */
static int
refused(struct secure *s, int alert, bool sealed)
{
	const char *name = alert < 0 ? "malformed alert" : hs_alert_name(alert);
	const char *clear = s->established && !sealed
			    ? " (in the clear: not authenticated)" : "";

	if (s->opts.on_refused)
		s->opts.on_refused(s->opts.hs.ud, alert);
	if (alert == ALERT_ACCESS_DENIED && !s->opts.hs.server)
		return failed(s, KIT_EAUTH, "the server refused this login "
			      "(access_denied: a nick, key or password it does "
			      "not take, or too many failed logins lately)%s",
			      clear);
	/* A server sends it alone, instead of its hello: later, a forgery. */
	if (alert == ALERT_UNAVAILABLE && !s->opts.hs.server &&
	    !s->established)
		return failed(s, KIT_EAUTH, "the server turned the connection "
			      "away (unavailable: it is full, has all the "
			      "connections it takes from this host, or is out "
			      "of memory or descriptors): try again later");
	/* A server sends it alone, instead of its hello, when none of the
	 * suites offered is one it takes (or, rarely, its X25519 failed). */
	if (alert == ALERT_HANDSHAKE_FAILURE && !s->opts.hs.server &&
	    !s->established)
		return failed(s, KIT_EAUTH, "the server refused the handshake "
			      "(handshake_failure: most often no cipher suite "
			      "in common, see --cipher)");
	return failed(s, KIT_EAUTH, "the peer refused the handshake: %s%s",
		      name, clear);
}

/* The alert code of a plaintext alert frame, -1 when malformed. */
static int
alert_code(const uint8_t *frame, size_t len)
{
	return len == FRAME_HEADER_LEN + 2 ? frame[FRAME_HEADER_LEN + 1] : -1;
}

/* The handshake's next output into out[]: for frame, or (frame NULL)
 * what waits for none. HS_CONTINUE, HS_DONE, or an error once the alert
 * is on its way. */
static int
hs_step(struct secure *s, const uint8_t *frame, size_t len)
{
	size_t produced;
	int r;

	if (out_room(s, HS_ROOM) < 0)
		return failed(s, KIT_ENOMEM, "%s", "no room for the handshake");
	r = frame ? hs_input(s->hs, frame, len, s->out + s->out_len,
			     s->out_cap - s->out_len, &produced)
		  : hs_output(s->hs, s->out + s->out_len,
			      s->out_cap - s->out_len, &produced);
	s->out_len += produced;
	if (r < 0) {
		struct rec_dir keys = { 0 };

		/* A refused login: sealed, as the done client expects. */
		send_alert_with(s, -r, hs_take_refusal_keys(s->hs, &keys)
				       ? &keys : NULL);
		rec_dir_wipe(&keys);
		return failed(s, KIT_EAUTH, "handshake failed: %s",
			      hs_error(s->hs));
	}
	return r;
}

/* One frame while the handshake is under way. */
static int
handshake_frame(struct secure *s, const uint8_t *frame, size_t len)
{
	int r;

	if (frame[0] == FRAME_ALERT)
		return refused(s, alert_code(frame, len), false);
	if ((r = hs_step(s, frame, len)) < 0)
		return r;
	if (r == HS_CONTINUE && s->opts.hs.server) {
		/* ServerHello out now: the client's X25519 runs while the
		 * server computes its own and ServerAuth. */
		secure_flush(&s->base);
		if ((r = hs_step(s, NULL, 0)) < 0)
			return r;
	}
	if (r == HS_DONE) {
		if (!s->opts.hs.server)
			secure_flush(&s->base);	/* ClientAuth first */
		if ((r = hs_take_keys(s->hs, &s->send, &s->recv)) < 0)
			return failed(s, KIT_EINVAL, "handshake failed: %s",
				      hs_error(s->hs));
		snprintf(s->peer, sizeof(s->peer), "%s", hs_peer_nick(s->hs));
		s->peer_method = hs_peer_method(s->hs);
		if (s->opts.hs.server)
			report_handshake(s, evloop_ms_since(&s->started));
		else
			s->hs_ms = evloop_ms_since(&s->started);
		hs_free(s->hs);
		s->hs = NULL;
		s->established = true;
	}
	secure_flush(&s->base);	/* the socket may take it later */
	return 0;
}

/*
 * Where one record opens: straight into the reader's buffer (buf, cap)
 * when its body fits there, the usual case; otherwise into plain[], for
 * the reader to take in several calls.
 */
static uint8_t *
open_into(struct secure *s, size_t frame_len, uint8_t *buf, size_t *cap)
{
	/* (A frame too short to be a record: rec_open refuses it.) */
	if (frame_len < FRAME_HEADER_LEN + AEAD_TAG_LEN ||
	    frame_len - FRAME_HEADER_LEN - AEAD_TAG_LEN <= *cap)
		return buf;
	*cap = FRAME_MAX;
	return reserve(&s->plain, &s->plain_cap, FRAME_MAX, FRAME_MAX) < 0
	       ? NULL : s->plain;
}

/* One record once established. Data lands in buf (*n bytes) or waits in
 * plain[]; alerts and key updates are handled here. */
static int
record_frame(struct secure *s, const uint8_t *frame, size_t len,
	     uint8_t *buf, size_t cap, size_t *n)
{
	char err[KIT_ERRLEN];
	uint8_t inner, *p;
	bool first = !s->peer_spoke;
	int r;

	if (!(p = open_into(s, len, buf, &cap)))
		return failed(s, KIT_ENOMEM, "%s", "out of memory");
	if ((r = rec_open(&s->recv, frame, len, p, cap, &inner, n)) ==
	    KIT_EINVAL) {	/* it authenticated: the peer sealed it so */
		send_alert(s, ALERT_DECODE_ERROR);
		return failed(s, KIT_EAUTH, "%s", "a record holds no content "
			      "type (decode_error): connection closed");
	}
	if (r < 0) {
		send_alert(s, ALERT_BAD_RECORD_MAC);
		return failed(s, KIT_EAUTH, "%s", "a record does not "
			      "authenticate (bad_record_mac: tampered, "
			      "replayed, reordered or dropped): connection "
			      "closed");
	}
	s->peer_spoke = true;
	if (first && inner != INNER_ALERT && s->hs_ms > 0) {
		report_handshake(s, s->hs_ms);	/* let in */
		s->hs_ms = 0;
	}
	if (inner == INNER_DATA) {
		if (p == s->plain) {
			s->plain_off = 0;
			s->plain_len = *n;
			*n = 0;
		}
		return 0;
	}
	if (inner == INNER_ALERT && *n == 2) {
		if (p[1] != ALERT_CLOSE_NOTIFY && first && !s->opts.hs.server)
			return refused(s, p[1], true);	/* a refused login */
		if (p[1] != ALERT_CLOSE_NOTIFY)
			return failed(s, KIT_EAUTH, "the peer sent an alert: %s",
				      hs_alert_name(p[1]));
		s->peer_closed = true;
	} else if (inner == INNER_KEY_UPDATE && *n == 0) {
		if (rec_dir_update(&s->recv, err) < 0)
			return failed(s, KIT_EINVAL, "key update: %s", err);
	} else {
		send_alert(s, ALERT_UNEXPECTED_MESSAGE);
		return failed(s, KIT_EAUTH, "%s", "unexpected record type");
	}
	*n = 0;
	return 0;
}

/* Tell an IRC client in words it shows, then give up on it. */
static int
refuse_text(struct secure *s)
{
	static const char line[] = "ERROR :Closing Link: this is a secure_chat "
				   "server: connect with secure-client\r\n";

	if (s->opts.hs.server && out_room(s, sizeof(line) - 1) == 0) {
		memcpy(s->out + s->out_len, line, sizeof(line) - 1);
		s->out_len += sizeof(line) - 1;
		secure_flush(&s->base);
	}
	return failed(s, KIT_EAUTH, "%s", s->opts.hs.server ?
		      "the client speaks plain text, not this protocol (an IRC "
		      "client such as plain-client on the secure port?)" :
		      "the server answered in plain text, not this protocol "
		      "(plain-server? secure-server listens on 6698 by "
		      "default, 6697 with --tls)");
}

/*
 * Handle the next complete frame in in[]: 1 if one was handled (*n bytes
 * of data then wait in buf), 0 when more bytes are needed, or an error.
 */
static int
next_frame(struct secure *s, uint8_t *buf, size_t cap, size_t *n)
{
	const uint8_t *f;
	uint8_t type;
	size_t flen;
	int r;

	*n = 0;
	if (s->in_len == 0)	/* (in[] may be NULL then) */
		return 0;
	f = s->in + s->in_off;
	if (!s->established && peer_speaks_tls(f, s->in_len))
		return failed(s, KIT_EAUTH, "%s", s->opts.hs.server ?
			      "the client speaks TLS, not this protocol (a "
			      "--tls client needs a --tls server)" :
			      "the server speaks TLS, not this protocol: "
			      "connect with --tls");
	if (!s->established && peer_speaks_text(f, s->in_len))
		return refuse_text(s);
	r = frame_peek(f, s->in_len, &type, &flen);
	if (r == KIT_ETOOBIG) {
		send_alert(s, ALERT_RECORD_OVERFLOW);
		return failed(s, KIT_ETOOBIG, "%s", "the peer sent a frame "
			      "longer than the protocol allows");
	}
	if (r < 0 || flen > s->in_len)
		return 0;
	if (s->established && type != FRAME_RECORD &&
	    !(type == FRAME_ALERT && !s->peer_spoke && !s->opts.hs.server)) {
		send_alert(s, ALERT_UNEXPECTED_MESSAGE);
		return failed(s, KIT_EAUTH, "%s", "plaintext frame after the "
			      "handshake");
	}
	r = !s->established ? handshake_frame(s, f, flen)
	    : type == FRAME_ALERT ? refused(s, alert_code(f, flen), false)
	    : record_frame(s, f, flen, buf, cap, n);
	s->in_off += flen;
	s->in_len -= flen;
	/* All handled and the last receive did not fill in[], so the socket
	 * is likely empty: give in[] back now rather than at KIT_EAGAIN,
	 * which a reader that stops at a short read never sees. */
	if (s->in_len == 0 && !s->in_full) {
		release(&s->in, &s->in_cap);
		s->in_off = 0;
	}
	return r < 0 ? r : 1;
}

/* How big in[] should be for the next receive: room for a whole frame
 * when it is empty (32 KiB, as in[] grows by doubling; it is given back
 * whenever a receive finds nothing, so an idle connection holds none),
 * the whole frame it holds the start of, and twice as big as before while
 * receives fill it. A connection whose peer stops within a frame keeps
 * what it has, at most IN_CAP. */
static size_t
in_want(const struct secure *s)
{
	size_t want = s->in_len ? s->in_len + 1 : FRAME_MAX, flen;
	uint8_t type;

	if (frame_peek(s->in, s->in_len, &type, &flen) == 0 && flen > want)
		want = flen;
	if (s->in_full && 2 * s->in_cap > want)
		want = 2 * s->in_cap;
	return want < IN_CAP ? want : IN_CAP;
}

/* More bytes from the socket into in[]: > 0, or KIT_EAGAIN (in[] is then
 * released if it holds nothing), or an error. */
static ssize_t
fill_in(struct secure *s)
{
	ssize_t n;

	if (s->in_off > 0) {	/* a frame's start: move it to the front */
		memmove(s->in, s->in + s->in_off, s->in_len);
		s->in_off = 0;
	}
	if (reserve(&s->in, &s->in_cap, in_want(s), IN_CAP) < 0)
		return failed(s, KIT_ENOMEM, "%s", "out of memory");
	do
		n = recv(s->base.fd, s->in + s->in_len, s->in_cap - s->in_len, 0);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		s->in_full = (size_t)n == s->in_cap - s->in_len;
		s->in_len += (size_t)n;
		return n;
	}
	if (n < 0 && net_is_reset(errno))
		return peer_gone(s);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		return KIT_ESYS;
	if (n < 0) {
		if (s->in_len == 0) {
			release(&s->in, &s->in_cap);
			s->in_full = false;
		}
		return KIT_EAGAIN;
	}
	return peer_gone(s);
}

/* Data from plain[] into buf; plain[] goes once it is empty. */
static ssize_t
take_plain(struct secure *s, void *buf, size_t len)
{
	size_t n = len < s->plain_len ? len : s->plain_len;

	memcpy(buf, s->plain + s->plain_off, n);
	s->plain_off += n;
	s->plain_len -= n;
	if (s->plain_len == 0)
		drop_plain(s);
	return (ssize_t)n;
}

/*
 * After one record opened into buf: the complete records behind it that
 * open into the rest (cap bytes), so that one read returns what one recv
 * would have. Stops at a record that is incomplete or would not fit, and
 * at a failure, which the next read reports. Returns the bytes added.
 */
static size_t
more_records(struct secure *s, uint8_t *buf, size_t cap)
{
	size_t got = 0, n, flen;
	uint8_t type;

	while (!s->failed && !s->peer_closed && s->plain_len == 0 &&
	       s->in_len > 0 &&
	       frame_peek(s->in + s->in_off, s->in_len, &type, &flen) == 0 &&
	       flen <= s->in_len && flen >= FRAME_HEADER_LEN + AEAD_TAG_LEN &&
	       flen - FRAME_HEADER_LEN - AEAD_TAG_LEN <= cap - got) {
		if (next_frame(s, buf + got, cap - got, &n) < 0)
			break;
		got += n;
	}
	return got;
}

/* A read handles at most this many frames that give the caller nothing
 * (key updates, empty records, handshake messages) before it returns
 * KIT_EAGAIN with the rest buffered: a peer that sends only those must
 * not keep a server's one thread to itself. */
#define QUIET_MAX 64

static ssize_t
secure_read(struct transport *t, void *buf, size_t len)
{
	struct secure *s = (struct secure *)t;
	unsigned quiet = 0;
	ssize_t r;
	size_t n;

	for (;;) {
		if (s->plain_len > 0)
			return take_plain(s, buf, len);
		if (s->failed)
			return KIT_EAUTH;
		if (s->peer_closed)
			return 0;
		if (quiet == QUIET_MAX)
			return KIT_EAGAIN;	/* secure_buffered says so */
		if ((r = next_frame(s, buf, len, &n)) < 0)
			return r;
		if (n > 0)
			return (ssize_t)(n + more_records(s, (uint8_t *)buf + n,
							  len - n));
		if (r == 1)
			quiet++;	/* a frame that gave nothing */
		else if ((r = fill_in(s)) < 0)
			return r;
	}
}

/* Seal one record of the given type into out[]; KIT_EAGAIN when out[] is
 * full even after a flush. */
static int
seal_record(struct secure *s, uint8_t inner, const uint8_t *p, size_t n)
{
	size_t need = SEALED_MAX(n);
	int r = out_room(s, need);

	if (r == KIT_EAGAIN) {
		if ((r = secure_flush(&s->base)) < 0 && r != KIT_EAGAIN)
			return r;
		r = out_room(s, need);
	}
	if (r == KIT_ENOMEM)
		return failed(s, r, "%s", "out of memory");
	if (r < 0)
		return KIT_EAGAIN;
	r = rec_seal(&s->send, inner, p, n, s->opts.pad, s->out + s->out_len,
		     s->out_cap - s->out_len);
	if (r < 0)
		return failed(s, r, "%s", "cannot seal a record");
	s->out_len += (size_t)r;
	return 0;
}

/* After rekey_after records: a key update record, then the next key. */
static int
maybe_rekey(struct secure *s)
{
	char err[KIT_ERRLEN];
	int r;

	if (s->send.seq < s->opts.rekey_after)
		return 0;
	if ((r = seal_record(s, INNER_KEY_UPDATE, NULL, 0)) < 0)
		return r;
	if (rec_dir_update(&s->send, err) < 0)
		return failed(s, KIT_EINVAL, "key update: %s", err);
	return 0;
}

/*
 * Seal buf into records, as many as out[] holds, then send them with one
 * system call, as plain TCP would send the same bytes. Nothing is sealed
 * while the socket has not taken the last records: the rest stays with
 * the caller (a bounded sendq), not here.
 */
static ssize_t
secure_write(struct transport *t, const void *buf, size_t len)
{
	struct secure *s = (struct secure *)t;
	const uint8_t *p = buf;
	size_t done = 0, n, cap;
	int r;

	if (s->failed)
		return KIT_EAUTH;
	if (!s->established)
		return KIT_EINCOMPLETE;
	if (s->out_len > 0 && (r = secure_flush(t)) < 0)
		return r;
	cap = s->behind ? OUT_CAP_BEHIND : OUT_CAP;
	while (done < len) {
		n = len - done < REC_PLAINTEXT_MAX ? len - done
						   : REC_PLAINTEXT_MAX;
		/* Stop before out[] could not take this record and a key
		 * update: seal_record would have to wait for the socket. */
		if (done > 0 &&
		    SEALED_MAX(n) + SEALED_MAX(0) > cap - s->out_len)
			break;
		if ((r = maybe_rekey(s)) < 0 ||
		    (r = seal_record(s, INNER_DATA, p + done, n)) < 0) {
			s->behind = r == KIT_EAGAIN;
			return done > 0 && r == KIT_EAGAIN ? (ssize_t)done : r;
		}
		done += n;
	}
	r = secure_flush(t);
	s->behind = r == KIT_EAGAIN;
	return r == 0 || r == KIT_EAGAIN ? (ssize_t)done : r;
}

static const char *
secure_error(const struct transport *t)
{
	const struct secure *s = (const struct secure *)t;

	return s->error[0] ? s->error : NULL;
}

/* An authenticated close, so the peer can tell it from a cut. */
static void
secure_close(struct transport *t)
{
	struct secure *s = (struct secure *)t;

	/* Not after the peer's: it has closed, and bytes that come to a
	 * closed socket draw a reset, which a capture shows as an attack. */
	if (s->established && !s->failed && !s->peer_closed)
		send_alert(s, ALERT_CLOSE_NOTIFY);
	if (s->failed)
		net_drain(t->fd);	/* a FIN, so the alert arrives */
	close(t->fd);
	hs_free(s->hs);
	rec_dir_wipe(&s->send);
	rec_dir_wipe(&s->recv);
	drop_plain(s);
	release(&s->in, &s->in_cap);
	release(&s->out, &s->out_cap);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

static bool
secure_buffered(const struct transport *t)
{
	const struct secure *s = (const struct secure *)t;
	uint8_t type;
	size_t flen;

	/* A frame not yet whole waits for the socket, which epoll watches. */
	return s->plain_len > 0 ||
	       (s->in_len > 0 && frame_peek(s->in + s->in_off, s->in_len,
					    &type, &flen) == 0 &&
		flen <= s->in_len);
}

/* A client that proved a key or a password keeps that nick in the chat. */
static const char *
secure_identity(const struct transport *t)
{
	const struct secure *s = (const struct secure *)t;

	return s->established && s->peer_method != HS_ANONYMOUS && s->peer[0]
	       ? s->peer : NULL;
}

static bool
secure_ready(const struct transport *t)
{
	return ((const struct secure *)t)->established;
}

static const struct transport_ops secure_ops = {
	.name = "secure",
	.read = secure_read,
	.write = secure_write,
	.close = secure_close,
	.flush = secure_flush,
	.ready = secure_ready,
	.error = secure_error,
	.identity = secure_identity,
	.buffered = secure_buffered,
};
