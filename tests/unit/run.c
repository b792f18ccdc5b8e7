/* Runs every unit suite. CK_RUN_SUITE=name focuses one; CK_FORK=no debugs. */
#include <stdlib.h>

#include "suites.h"

int
main(void)
{
	SRunner *sr = srunner_create(irc_msg_suite());
	int failed;

	srunner_add_suite(sr, linebuf_suite());
	srunner_add_suite(sr, irc_map_suite());
	srunner_add_suite(sr, sendq_suite());
	srunner_add_suite(sr, heap_trim_suite());
	srunner_add_suite(sr, host_limit_suite());
	srunner_add_suite(sr, safeprint_suite());
	srunner_add_suite(sr, chat_core_suite());
	srunner_add_suite(sr, reassembly_suite());
	srunner_add_suite(sr, record_suite());
	srunner_add_suite(sr, handshake_suite());
	srunner_add_suite(sr, secure_transport_suite());
	srunner_add_suite(sr, keys_suite());
	srunner_add_suite(sr, login_brake_suite());
	srunner_add_suite(sr, tls_suite());
	srunner_add_suite(sr, unseal_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
