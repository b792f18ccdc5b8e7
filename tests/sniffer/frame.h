/* The bytes of a TCP segment, its IP datagram (or fragments) and its
 * link-layer frame, written to the case's capture. Used by flowgen. */
#ifndef KIT_TESTS_FRAME_H
#define KIT_TESTS_FRAME_H

#include <stddef.h>
#include <stdint.h>

struct flow;
struct frag;

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

/* Largest TCP segment (header + payload) the generator builds. */
#define FRAME_MAX_SEG 65000

/*
 * Write into p (FRAME_MAX_SEG bytes) the TCP segment of direction dir:
 * header with flags, seq and ack, options (SYN: MSS, SACK permitted,
 * timestamps, window scale; others: timestamps when f->tsopt), then the n
 * payload bytes, with a valid checksum. Returns the segment length; the
 * header is that minus n.
 */
size_t frame_tcp(uint8_t *p, const struct flow *f, int dir, uint8_t flags,
		 uint32_t seq, uint32_t ack, const uint8_t *pay, size_t n);

/*
 * Send segment seg (len bytes, TCP header included) from dir: as one IP
 * datagram when nplan is 0, else as the fragments of plan in that order
 * (bytes a fragment shares with one sent before are replaced by 'X' when
 * f->alt_resend). Each frame gets the next timestamp. Returns how many
 * bytes of seg were captured (the snaplen may cut the frame).
 */
size_t frame_send(struct flow *f, int dir, const uint8_t *seg, size_t len,
		  const struct frag *plan, size_t nplan);

#endif
