build/release/tests/unit/check_linebuf.o: tests/unit/check_linebuf.c \
 common/linebuf.h tests/unit/suites.h
common/linebuf.h:
tests/unit/suites.h:
