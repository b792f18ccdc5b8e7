build/release/common/sendq.o: common/sendq.c common/err.h common/sendq.h
common/err.h:
common/sendq.h:
