build/release/tests/unit/check_irc_msg.o: tests/unit/check_irc_msg.c \
 common/err.h common/irc_msg.h tests/unit/suites.h
common/err.h:
common/irc_msg.h:
tests/unit/suites.h:
