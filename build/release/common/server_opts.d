build/release/common/server_opts.o: common/server_opts.c \
 common/chat_server.h common/chat_core.h common/net.h common/sendq.h \
 common/transport.h common/err.h common/server_opts.h
common/chat_server.h:
common/chat_core.h:
common/net.h:
common/sendq.h:
common/transport.h:
common/err.h:
common/server_opts.h:
