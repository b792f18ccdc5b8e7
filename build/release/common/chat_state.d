build/release/common/chat_state.o: common/chat_state.c \
 common/chat_internal.h common/chat_core.h common/net.h common/sendq.h \
 common/err.h common/irc_map.h
common/chat_internal.h:
common/chat_core.h:
common/net.h:
common/sendq.h:
common/err.h:
common/irc_map.h:
