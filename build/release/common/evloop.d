build/release/common/evloop.o: common/evloop.c common/evloop.h
common/evloop.h:
