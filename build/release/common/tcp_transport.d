build/release/common/tcp_transport.o: common/tcp_transport.c common/err.h \
 common/transport.h
common/err.h:
common/transport.h:
