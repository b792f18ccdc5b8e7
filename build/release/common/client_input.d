build/release/common/client_input.o: common/client_input.c \
 common/client_internal.h common/chat_client.h common/transport.h \
 common/chat_core.h common/net.h common/sendq.h common/evloop.h \
 common/irc_msg.h common/linebuf.h common/err.h
common/client_internal.h:
common/chat_client.h:
common/transport.h:
common/chat_core.h:
common/net.h:
common/sendq.h:
common/evloop.h:
common/irc_msg.h:
common/linebuf.h:
common/err.h:
