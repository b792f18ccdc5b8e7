build/release/common/client_opts.o: common/client_opts.c \
 common/chat_client.h common/transport.h common/client_opts.h \
 common/err.h
common/chat_client.h:
common/transport.h:
common/client_opts.h:
common/err.h:
