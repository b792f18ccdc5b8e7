/* \summary: a connection under the secure_chat protocol: frames in, the
 * handshake, then records both ways; an authenticated close. Reads and
 * writes never block: what the socket will not take waits in out[]. */
#include <errno.h>
#include <stdarg.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "secure_transport.h"
#include "transport.h"

#define OUT_CAP (4 * FRAME_MAX)
#define REKEY_DEFAULT (1ULL << 20)

struct secure {
	struct transport base;	/* first: the transport is the secure */
	struct secure_opts opts;
	struct hs *hs;		/* NULL once established */
	struct rec_dir send, recv;
	bool established, peer_closed, failed;
	uint8_t in[2 * FRAME_MAX];
	size_t in_len;
	uint8_t plain[FRAME_MAX];	/* opened, not yet read */
	size_t plain_off, plain_len;
	uint8_t out[OUT_CAP];
	size_t out_off, out_len;
	char peer[HS_NICK_MAX + 1];
	int peer_method;
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

/* Send what waits in out[]; 0 when all is gone, KIT_EAGAIN, or error. */
static int
secure_flush(struct transport *t)
{
	struct secure *s = (struct secure *)t;
	ssize_t n;

	while (s->out_len > 0) {
		n = send(t->fd, s->out + s->out_off, s->out_len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ?
			       KIT_EAGAIN : KIT_ESYS;
		s->out_off += (size_t)n;
		s->out_len -= (size_t)n;
	}
	s->out_off = 0;
	return 0;
}

/* Room at the end of out[] for n more bytes (compacting first). */
static uint8_t *
out_room(struct secure *s, size_t n)
{
	if (s->out_off > 0) {
		memmove(s->out, s->out + s->out_off, s->out_len);
		s->out_off = 0;
	}
	return n <= OUT_CAP - s->out_len ? s->out + s->out_len : NULL;
}

/* An alert to the peer: plaintext before keys exist, sealed after. */
static void
send_alert(struct secure *s, int code)
{
	uint8_t body[2] = { code == ALERT_CLOSE_NOTIFY ? 1 : 2, (uint8_t)code };
	uint8_t *p = out_room(s, FRAME_HEADER_LEN + 2 + 256 + AEAD_TAG_LEN);
	int n;

	if (!p)
		return;
	n = s->established
	    ? rec_seal(&s->send, INNER_ALERT, body, 2, s->opts.pad, p,
		       OUT_CAP - s->out_len)
	    : frame_write(FRAME_ALERT, body, 2, p, OUT_CAP - s->out_len);
	if (n > 0)
		s->out_len += (size_t)n;
	secure_flush(&s->base);
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
	if (!s->opts.rekey_after)
		s->opts.rekey_after = REKEY_DEFAULT;
	if (!(s->hs = hs_new(&s->opts.hs)))
		goto fail;
	if (!o->hs.server) {
		if ((n = hs_client_hello(s->hs, s->out, OUT_CAP)) < 0)
			goto fail;
		s->out_len = (size_t)n;
	}
	return &s->base;
fail:
	hs_free(s->hs);
	close(fd);
	free(s);
	return NULL;
}

struct transport *
secure_transport_wrap(int fd, void *ctx)
{
	return secure_transport_new(fd, ctx);
}

const char *
secure_transport_peer(const struct transport *t)
{
	return ((const struct secure *)t)->peer;
}

/* One frame while the handshake is under way. */
static int
handshake_frame(struct secure *s, const uint8_t *frame, size_t len)
{
	size_t produced;
	uint8_t *p = out_room(s, 0);
	int r;

	if (frame[0] == FRAME_ALERT)
		return failed(s, KIT_EAUTH, "the peer refused the handshake: %s",
			      len == 5 ? hs_alert_name(frame[4]) : "malformed alert");
	r = hs_input(s->hs, frame, len, p, OUT_CAP - s->out_len, &produced);
	s->out_len += produced;
	if (r < 0) {
		send_alert(s, -r);
		return failed(s, KIT_EAUTH, "handshake failed: %s",
			      hs_error(s->hs));
	}
	if (r == HS_DONE) {
		hs_take_keys(s->hs, &s->send, &s->recv);
		snprintf(s->peer, sizeof(s->peer), "%s", hs_peer_nick(s->hs));
		s->peer_method = hs_peer_method(s->hs);
		hs_free(s->hs);
		s->hs = NULL;
		s->established = true;
	}
	secure_flush(&s->base);	/* the socket may take it later */
	return 0;
}

/* One record once established: data waits in plain[] to be read. */
static int
record_frame(struct secure *s, const uint8_t *frame, size_t len)
{
	char err[KIT_ERRLEN];
	uint8_t inner;
	size_t n;

	if (rec_open(&s->recv, frame, len, s->plain, sizeof(s->plain), &inner,
		     &n) < 0) {
		send_alert(s, ALERT_BAD_RECORD_MAC);
		return failed(s, KIT_EAUTH, "%s", "a record does not "
			      "authenticate (tampered, replayed, reordered or "
			      "dropped): connection closed");
	}
	if (inner == INNER_DATA) {
		s->plain_off = 0;
		s->plain_len = n;
	} else if (inner == INNER_ALERT && n == 2) {
		if (s->plain[1] != ALERT_CLOSE_NOTIFY)
			return failed(s, KIT_EAUTH, "the peer sent an alert: %s",
				      hs_alert_name(s->plain[1]));
		s->peer_closed = true;
	} else if (inner == INNER_KEY_UPDATE && n == 0) {
		if (rec_dir_update(&s->recv, err) < 0)
			return failed(s, KIT_EINVAL, "key update: %s", err);
	} else {
		send_alert(s, ALERT_UNEXPECTED_MESSAGE);
		return failed(s, KIT_EAUTH, "%s", "unexpected record type");
	}
	return 0;
}

/* Handle the next complete frame in in[]: 1 if one was handled, 0 when
 * more bytes are needed, or an error. */
static int
next_frame(struct secure *s)
{
	uint8_t type;
	size_t flen;
	int r = frame_peek(s->in, s->in_len, &type, &flen);

	if (r == KIT_ETOOBIG) {
		send_alert(s, ALERT_RECORD_OVERFLOW);
		return failed(s, KIT_ETOOBIG, "%s", "the peer sent a frame "
			      "longer than the protocol allows");
	}
	if (r < 0 || flen > s->in_len)
		return 0;
	if (s->established && type != FRAME_RECORD) {
		send_alert(s, ALERT_UNEXPECTED_MESSAGE);
		return failed(s, KIT_EAUTH, "%s", "plaintext frame after the "
			      "handshake");
	}
	r = s->established ? record_frame(s, s->in, flen)
			   : handshake_frame(s, s->in, flen);
	memmove(s->in, s->in + flen, s->in_len - flen);
	s->in_len -= flen;
	return r < 0 ? r : 1;
}

static ssize_t
secure_read(struct transport *t, void *buf, size_t len)
{
	struct secure *s = (struct secure *)t;
	ssize_t n;
	int r;

	for (;;) {
		if (s->plain_len > 0) {
			n = (ssize_t)(len < s->plain_len ? len : s->plain_len);
			memcpy(buf, s->plain + s->plain_off, (size_t)n);
			s->plain_off += (size_t)n;
			s->plain_len -= (size_t)n;
			return n;
		}
		if (s->failed)
			return KIT_EAUTH;
		if (s->peer_closed)
			return 0;
		if ((r = next_frame(s)) != 0) {
			if (r < 0)
				return r;
			continue;
		}
		n = recv(t->fd, s->in + s->in_len, sizeof(s->in) - s->in_len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ?
			       KIT_EAGAIN : KIT_ESYS;
		if (n == 0)
			return failed(s, KIT_ECLOSED, "%s", s->established ?
				      "connection cut without close_notify "
				      "(truncated)" :
				      "connection closed during the handshake");
		s->in_len += (size_t)n;
	}
}

/* Seal one record of the given type into out[]; KIT_EAGAIN when out[] is
 * full even after a flush. */
static int
seal_record(struct secure *s, uint8_t inner, const uint8_t *p, size_t n)
{
	size_t need = FRAME_HEADER_LEN + n + 1 + 255 + AEAD_TAG_LEN;
	uint8_t *room = out_room(s, need);
	int r;

	if (!room) {
		if ((r = secure_flush(&s->base)) < 0 && r != KIT_EAGAIN)
			return r;
		if (!(room = out_room(s, need)))
			return KIT_EAGAIN;
	}
	r = rec_seal(&s->send, inner, p, n, s->opts.pad, room,
		     OUT_CAP - s->out_len);
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

static ssize_t
secure_write(struct transport *t, const void *buf, size_t len)
{
	struct secure *s = (struct secure *)t;
	size_t n = len < REC_PLAINTEXT_MAX ? len : REC_PLAINTEXT_MAX;
	int r;

	if (s->failed)
		return KIT_EAUTH;
	if (!s->established)
		return KIT_EINCOMPLETE;
	if ((r = maybe_rekey(s)) < 0 ||
	    (r = seal_record(s, INNER_DATA, buf, n)) < 0)
		return r;
	r = secure_flush(t);
	return r == 0 || r == KIT_EAGAIN ? (ssize_t)n : r;
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

	if (s->established && !s->failed)
		send_alert(s, ALERT_CLOSE_NOTIFY);
	close(t->fd);
	hs_free(s->hs);
	rec_dir_wipe(&s->send);
	rec_dir_wipe(&s->recv);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

static bool
secure_buffered(const struct transport *t)
{
	const struct secure *s = (const struct secure *)t;

	return s->plain_len > 0 || s->in_len > 0;
}

/* A client that proved a key or a password keeps that nick in the chat. */
static const char *
secure_identity(const struct transport *t)
{
	const struct secure *s = (const struct secure *)t;

	return s->established && s->peer_method != HS_ANONYMOUS && s->peer[0]
	       ? s->peer : NULL;
}

static const struct transport_ops secure_ops = {
	.name = "secure",
	.read = secure_read,
	.write = secure_write,
	.close = secure_close,
	.flush = secure_flush,
	.error = secure_error,
	.identity = secure_identity,
	.buffered = secure_buffered,
};
