/* Every Check suite of the kit, added to one runner by run.c. */
#ifndef KIT_TESTS_UNIT_SUITES_H
#define KIT_TESTS_UNIT_SUITES_H

#include <check.h>

Suite *irc_msg_suite(void);
Suite *linebuf_suite(void);
Suite *irc_map_suite(void);
Suite *sendq_suite(void);
Suite *heap_trim_suite(void);
Suite *host_limit_suite(void);
Suite *safeprint_suite(void);
Suite *chat_core_suite(void);
Suite *reassembly_suite(void);
Suite *record_suite(void);
Suite *handshake_suite(void);
Suite *secure_transport_suite(void);
Suite *keys_suite(void);
Suite *login_brake_suite(void);
Suite *tls_suite(void);
Suite *unseal_suite(void);

#endif
