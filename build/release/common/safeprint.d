build/release/common/safeprint.o: common/safeprint.c common/safeprint.h
common/safeprint.h:
