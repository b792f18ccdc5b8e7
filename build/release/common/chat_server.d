build/release/common/chat_server.o: common/chat_server.c \
 common/chat_server.h common/chat_core.h common/net.h common/sendq.h \
 common/transport.h common/err.h common/evloop.h common/irc_msg.h \
 common/linebuf.h common/safeprint.h
common/chat_server.h:
common/chat_core.h:
common/net.h:
common/sendq.h:
common/transport.h:
common/err.h:
common/evloop.h:
common/irc_msg.h:
common/linebuf.h:
common/safeprint.h:
