build/release/common/chat_commands.o: common/chat_commands.c \
 common/chat_internal.h common/chat_core.h common/net.h common/sendq.h \
 common/err.h common/irc_map.h common/irc_msg.h
common/chat_internal.h:
common/chat_core.h:
common/net.h:
common/sendq.h:
common/err.h:
common/irc_map.h:
common/irc_msg.h:
