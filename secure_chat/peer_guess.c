/* \summary: what a peer on the wrong port speaks, from its first bytes. */
#include "peer_guess.h"
#include "record.h"

bool
peer_speaks_tls(const uint8_t *p, size_t len)
{
	return len >= 2 && (p[0] == 0x16 || p[0] == FRAME_ALERT) && p[1] == 0x03;
}

bool
peer_speaks_text(const uint8_t *p, size_t len)
{
	size_t i;

	if (len < 4)
		return false;
	for (i = 0; i < 4; i++)
		if ((p[i] < 0x20 || p[i] > 0x7e) && p[i] != '\t' &&
		    p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}
