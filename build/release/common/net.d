build/release/common/net.o: common/net.c common/err.h common/net.h
common/err.h:
common/net.h:
