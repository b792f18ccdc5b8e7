/* What the two halves of --keylog share: unseal.c (the stage in front of
 * the outputs: which connections are secure_chat's, what passes, the
 * report) and unseal_records.c (one direction's frames and records). */
#ifndef KIT_SNIFFER_UNSEAL_INTERNAL_H
#define KIT_SNIFFER_UNSEAL_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "flow.h"
#include "hs_msgs.h"
#include "keyfile.h"
#include "record.h"

/* Per direction, the most that is kept of a connection the key log has
 * not named yet (to open it once it is, or show it as it came if it never
 * is: a handshake, unless one piece is longer), and then what a live
 * capture holds behind a record whose secret the endpoints have not
 * logged yet: one or the other, both only for the moment the copy is
 * opened. */
#define HOLD_MAX (1u << 20)
#define LOGIN_TEXT (48 + 4 * HS_NICK_MAX + 4 * HS_PASSWORD_MAX)

enum step { STEP_DONE, STEP_WAIT };

struct side {
	struct rec_dir keys;
	bool keyed;		/* keys hold the secret of this phase */
	bool app;		/* past the handshake record */
	bool stopped;		/* nothing more is opened in this direction */
	bool waiting;		/* frame is whole and waits for its secret */
	bool cut;		/* bytes are missing after what waits */
	uint8_t *frame;		/* a frame not yet whole, or waiting */
	size_t len;
	uint8_t *held;		/* the bytes behind a waiting frame */
	size_t held_len;
	uint8_t *raw;		/* live, until the key log names it: every
				 * byte of this direction, as it came */
	size_t raw_len;
	uint64_t records;
	char why[120];		/* why it stopped, or how it closed */
};

struct conn {
	bool kit;		/* a whole ClientHello: secure_chat */
	bool found;		/* its random is in the key log */
	bool give_up;		/* its copy grew too long before the key
				 * log named it */
	uint8_t hello[FRAME_HEADER_LEN + HS_HELLO_BODY_MAX];
	size_t hello_len;
	uint8_t random[32];
	struct keyfile_secrets sec;	/* a copy: the table may be read again */
	int suite;
	struct side side[2];
	char login[LOGIN_TEXT];
};

struct unseal {
	struct keyfile *keys;
	bool live;		/* the endpoints may still be logging */
	const struct sink *down;
	int ndown, slot;
	FILE *report;
	uint8_t plain[FRAME_MAX];	/* one opened record */
	uint64_t opened, not_in_full, without_keys, midstream;
};

/* To the outputs. */
void unseal_forward(struct unseal *u, struct flow *f, int dir,
		    const uint8_t *p, size_t n, bool stable);

/* One direction's bytes, cut into frames and opened as far as the
 * secrets go (a live capture holds the rest until they come). */
void records_data(struct unseal *u, struct flow *f, struct conn *c, int dir,
		  const uint8_t *p, size_t n);
/* A live capture: try again what waits, now that a secret may be in. */
void records_retry(struct unseal *u, struct flow *f, struct conn *c);
/* A copy of bytes of a connection the key log has not named yet, dropped
 * once it is; false when there was no memory for these. */
bool records_keep_raw(struct conn *c, int dir, const uint8_t *p, size_t n);
void records_drop_raw(struct conn *c);
/* The suite of a ServerHello frame, or 0 when it is not one. */
int records_suite(const uint8_t *frame, size_t len);
void records_stop(struct side *s, const char *why);
/* Bytes of dir are missing: what waits for its secret still opens. */
void records_gap(struct unseal *u, struct flow *f, struct conn *c, int dir);
/* What dir holds unopened (a frame, and what waits behind it) to the
 * outputs as it came: the direction has stopped. */
void records_spill(struct unseal *u, struct flow *f, struct conn *c, int dir);
void records_free(struct conn *c);

#endif
