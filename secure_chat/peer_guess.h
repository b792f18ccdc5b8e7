/* What a peer on the wrong port speaks, guessed from its first bytes, so
 * that a lab's likeliest mix-up is named at once (both transports). */
#ifndef KIT_SECURE_PEER_GUESS_H
#define KIT_SECURE_PEER_GUESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A TLS record header (handshake 0x16 or alert 0x15, then version 3.x)
 * where this protocol's frame should start: no frame of ours begins so
 * (our alerts are 2 bytes long, not 0x03xx). */
bool peer_speaks_tls(const uint8_t *p, size_t len);

/* Four bytes of text (printable, or line ends and tabs): an IRC client
 * ("NICK", "CAP ") or server (":kit.chat 421"), or another plain text
 * service ("OK\r\n"). False for fewer than four bytes. */
bool peer_speaks_text(const uint8_t *p, size_t len);

#endif
