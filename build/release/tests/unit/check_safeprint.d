build/release/tests/unit/check_safeprint.o: tests/unit/check_safeprint.c \
 common/safeprint.h tests/unit/suites.h
common/safeprint.h:
tests/unit/suites.h:
