/* The cases of gen_captures, in two tables: decoding (cases_link.c) and
 * TCP reassembly (cases_tcp.c). */
#ifndef KIT_TESTS_CASES_H
#define KIT_TESTS_CASES_H

/* Addresses and segment size the cases use. */
#define MSS 1460
#define CLI "10.0.0.1"
#define SRV "10.0.0.2"
#define CLI6 "2001:db8::1"
#define SRV6 "2001:db8::2"

/* One case: fn writes dir/name.pcap (or .pcapng), name.expected/ and
 * name.json. */
struct gencase {
	const char *name;
	void (*fn)(const char *dir, const char *name);
};

/* Both tables end with { NULL, NULL }. */
extern const struct gencase link_cases[];
extern const struct gencase tcp_cases[];

#endif
