build/release/plaintext_chat/client.o: plaintext_chat/client.c \
 common/chat_client.h common/transport.h common/client_opts.h \
 common/err.h
common/chat_client.h:
common/transport.h:
common/client_opts.h:
common/err.h:
