build/release/common/irc_map.o: common/irc_map.c common/err.h \
 common/irc_map.h
common/err.h:
common/irc_map.h:
