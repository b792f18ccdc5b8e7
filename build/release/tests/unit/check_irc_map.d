build/release/tests/unit/check_irc_map.o: tests/unit/check_irc_map.c \
 common/err.h common/irc_map.h tests/unit/suites.h
common/err.h:
common/irc_map.h:
tests/unit/suites.h:
