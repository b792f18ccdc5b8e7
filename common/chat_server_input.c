/* A connection's turn at reading: lines into the core until nothing
 * waits or its budget is spent, and the input it holds until its next
 * turn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_server_internal.h"
#include "err.h"

/* A connection's turn ends at whichever comes first: this many bytes
 * read, or this much output made by its lines (replies, and relays to
 * everyone), so that no client holds the loop for long. Output counts too
 * because a few bytes can cost much: "WHO #big" is 10 bytes in and a line
 * per member out. The line that crosses the budget is finished; what was
 * read after it waits for the connection's next turn. */
#define READ_BUDGET (64 * 1024)
#define OUTPUT_BUDGET (256 * 1024)

enum line_verdict { LINE_GO_ON, LINE_STOP, LINE_PAUSE };

static int
on_line(void *ctx, char *line, size_t len, bool too_long)
{
	struct conn *k = ctx;
	const char *who;

	/* The first line comes after any handshake: learn who proved what. */
	if (!k->c->proven[0] && k->t->ops->identity &&
	    (who = k->t->ops->identity(k->t)) != NULL)
		snprintf(k->c->proven, sizeof(k->c->proven), "%s", who);

	chat_core_handle_line(k->c, line, len, too_long, evloop_now_ms());
	if (k->c->flags & (CLIENT_DOOMED | CLIENT_CLOSING))
		return LINE_STOP;
	return k->srv->core->bytes_queued - k->turn_start > OUTPUT_BUDGET ?
	       LINE_PAUSE : LINE_GO_ON;
}

/* k stops reading so that others get a turn. Bytes in the socket wake
 * epoll again; bytes held or in its transport would not: k goes on the
 * list read again at the end of this turn. */
static void
read_later(struct conn *k)
{
	struct server *s = k->srv;

	if ((k->held || (k->t->ops->buffered && k->t->ops->buffered(k->t))) &&
	    !k->again) {
		k->again = true;
		k->next_again = s->again;
		s->again = k;
	}
}

/* Hand data[0..n) to the core: LINE_GO_ON, LINE_STOP (the client is
 * going), or LINE_PAUSE with the last *rest bytes of data left for the
 * connection's next turn. */
static int
feed(struct conn *k, char *data, size_t n, size_t *rest)
{
	size_t used = n;
	int r = linebuf_feed(&k->lb, data, n, on_line, k, &used);

	*rest = r == LINE_PAUSE ? n - used : 0;
	return r;
}

void
conn_drop_held(struct conn *k)
{
	if (k->held)
		explicit_bzero(k->held, k->held_len);
	free(k->held);
	k->held = NULL;
	k->held_off = k->held_len = 0;
}

/* Input held from an earlier turn goes first. False when the turn is
 * over: the client is going, or it spent its budget again. */
static bool
feed_held(struct conn *k)
{
	size_t rest;
	int r = feed(k, k->held + k->held_off, k->held_len - k->held_off,
		     &rest);

	k->held_off = k->held_len - rest;
	if (rest == 0)
		conn_drop_held(k);
	if (r == LINE_PAUSE)
		read_later(k);
	return r == LINE_GO_ON;
}

/* Bytes just read. False when the turn is over; the rest of data is
 * then held (and wiped where it was read). */
static bool
feed_read(struct conn *k, char *data, size_t n)
{
	size_t rest;
	int r;

	while ((r = feed(k, data, n, &rest)) == LINE_PAUSE) {
		data += n - rest;
		n = rest;
		if (n == 0 || (k->held = malloc(n)) != NULL) {
			if (n > 0) {
				memcpy(k->held, data, n);
				explicit_bzero(data, n);
				k->held_len = n;
			}
			read_later(k);
			return false;
		}
		/* Nowhere to keep the rest: handle it now, budget or not. */
		k->turn_start = k->srv->core->bytes_queued;
	}
	return r == LINE_GO_ON;
}

/* A TLS record (0x16 0x03) or a secure_chat hello frame (0x01, then a
 * length below 256) as the first bytes, which no IRC line begins with: a
 * secure client on a plain port. It is told in words, which it shows as
 * a plain-text answer, rather than left waiting for a line's end. */
static bool
hello_on_plain_port(struct conn *k, const char *data, size_t n)
{
	if (k->heard)
		return false;
	k->heard = true;
	if (n < 2 || !((data[0] == 0x16 && data[1] == 0x03) ||
		       (data[0] == 0x01 && data[1] == 0x00)))
		return false;
	chat_client_kill(k->c, "a TLS or secure_chat hello: this server "
			 "speaks plain IRC");
	return true;
}

void
conn_read(struct conn *k)
{
	struct server *s = k->srv;
	size_t total = 0;
	ssize_t n;

	k->turn_start = s->core->bytes_queued;
	if (k->held && !feed_held(k))
		return;
	while (!(k->c->flags & (CLIENT_DOOMED | CLIENT_CLOSING))) {
		if (total >= READ_BUDGET) {
			read_later(k);
			return;
		}
		n = transport_read(k->t, s->readbuf, sizeof(s->readbuf));
		if (n == KIT_EAGAIN) {
			read_later(k);	/* the transport may have stopped early */
			return;
		}
		if (n == 0) {
			/* Whatever came before the close still counts. */
			linebuf_finish(&k->lb, on_line, k);
			chat_client_lost(k->c, "Connection closed");
			return;
		}
		if (n < 0) {
			chat_client_lost(k->c, transport_strerror(k->t, (int)n));
			return;
		}
		total += (size_t)n;
		if (hello_on_plain_port(k, s->readbuf, (size_t)n) ||
		    !feed_read(k, s->readbuf, (size_t)n))
			return;
	}
}
