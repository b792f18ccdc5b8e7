build/release/common/linebuf.o: common/linebuf.c common/linebuf.h
common/linebuf.h:
