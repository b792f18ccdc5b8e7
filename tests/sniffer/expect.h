/* The expected results of a case: tcpflow-named stream files and the
 * per-flow JSON summary. Used by flowgen and gen_captures. */
#ifndef KIT_TESTS_EXPECT_H
#define KIT_TESTS_EXPECT_H

#include <stddef.h>
#include <stdint.h>

/* Parse a numeric IPv4 or IPv6 address into out[16]; returns 4 or 6.
 * Exits on a bad address. */
int expect_parse_addr(const char *s, uint8_t out[16]);

#endif
