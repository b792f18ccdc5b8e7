build/release/tests/unit/check_sendq.o: tests/unit/check_sendq.c \
 common/err.h common/sendq.h tests/unit/suites.h
common/err.h:
common/sendq.h:
tests/unit/suites.h:
