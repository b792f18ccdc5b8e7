build/release/tests/unit/run.o: tests/unit/run.c tests/unit/suites.h
tests/unit/suites.h:
