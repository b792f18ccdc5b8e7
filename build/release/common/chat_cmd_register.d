build/release/common/chat_cmd_register.o: common/chat_cmd_register.c \
 common/chat_internal.h common/chat_core.h common/net.h common/sendq.h \
 common/err.h common/irc_map.h common/irc_msg.h
common/chat_internal.h:
common/chat_core.h:
common/net.h:
common/sendq.h:
common/err.h:
common/irc_map.h:
common/irc_msg.h:
