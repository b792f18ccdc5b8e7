build/release/common/irc_msg.o: common/irc_msg.c common/err.h \
 common/irc_msg.h
common/err.h:
common/irc_msg.h:
