build/release/tests/unit/check_chat_core.o: tests/unit/check_chat_core.c \
 common/chat_core.h common/net.h common/sendq.h common/irc_msg.h \
 tests/unit/suites.h
common/chat_core.h:
common/net.h:
common/sendq.h:
common/irc_msg.h:
tests/unit/suites.h:
