/* A read cursor over untrusted bytes: every fetch is bounds-checked. */
#ifndef KIT_COMMON_CUR_H
#define KIT_COMMON_CUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Reads past the end return 0 and set err, so a header is read field by
 * field and checked once (the shape of tcpdump's GET_* macros and
 * OpenSSH's sshbuf_get_*). Once err is set, every read fails.
 */
struct cur {
	const uint8_t *p;
	size_t left;
	bool err;
};

static inline struct cur
cur_make(const uint8_t *p, size_t len)
{
	return (struct cur){ p, len, false };
}

static inline bool
cur_need(struct cur *c, size_t n)
{
	if (c->err || n > c->left) {
		c->err = true;
		return false;
	}
	return true;
}

static inline uint8_t
cur_u8(struct cur *c)
{
	uint8_t v;

	if (!cur_need(c, 1))
		return 0;
	v = c->p[0];
	c->p++;
	c->left--;
	return v;
}

static inline uint16_t
cur_u16be(struct cur *c)
{
	uint16_t v;

	if (!cur_need(c, 2))
		return 0;
	v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->left -= 2;
	return v;
}

static inline uint32_t
cur_u32be(struct cur *c)
{
	uint32_t v;

	if (!cur_need(c, 4))
		return 0;
	v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	    (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->left -= 4;
	return v;
}

/* Skip n bytes, or copy them to out (which may be NULL). */
static inline bool
cur_bytes(struct cur *c, void *out, size_t n)
{
	if (!cur_need(c, n))
		return false;
	if (out && n)
		__builtin_memcpy(out, c->p, n);
	c->p += n;
	c->left -= n;
	return true;
}

/* Keep only the first n remaining bytes (n may exceed what is left). */
static inline void
cur_limit(struct cur *c, size_t n)
{
	if (n < c->left)
		c->left = n;
}

#endif
