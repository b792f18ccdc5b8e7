build/release/common/chat_send.o: common/chat_send.c \
 common/chat_internal.h common/chat_core.h common/net.h common/sendq.h \
 common/err.h common/irc_msg.h
common/chat_internal.h:
common/chat_core.h:
common/net.h:
common/sendq.h:
common/err.h:
common/irc_msg.h:
