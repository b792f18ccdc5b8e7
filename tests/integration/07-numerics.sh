#!/usr/bin/env bash
# Error and information numerics (RFC 2812 §5): 421 451 431 432 433 461
# 462 411 412 401 403 404 442 331 332 353 366 375 372 376 251 464.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

printf 'Welcome to the lab.\nBe nice.\n' >"$TMP_DIR/motd.txt"
start_server --motd "$TMP_DIR/motd.txt"

raw_py <<'EOF'
from ircraw import *

def reply(num, rest):
    """Regex for ':kit.chat NUM <nick> REST' (rest is a regex)."""
    return r"^:kit\.chat %s \S+ %s$" % (num, rest)

log("before registration")
u = Conn("unreg")
u.line("JOIN #lab");        u.expect(reply(451, ":You have not registered"))
u.line("PRIVMSG #lab :x");  u.expect(reply(451, ":You have not registered"))
u.line("FOO bar");          u.expect(reply(421, "FOO :Unknown command"))
u.line("NICK");             u.expect(reply(431, ":No nickname given"))
u.line("NICK :");           u.expect(reply(431, ":No nickname given"))
u.line("NICK 1abc");        u.expect(reply(432, "1abc :Erroneous nickname"))
u.line("NICK bad!nick");    u.expect(reply(432, r"bad!nick :Erroneous nickname"))
u.line("NICK " + "n" * 31); u.expect(reply(432, "n{31} :Erroneous nickname"))
u.line("USER a b c");       u.expect(reply(461, "USER :Not enough parameters"))

log("registration: 001, 251 and the MOTD")
a = Conn("alice")
a.line("NICK alice")
a.line("USER alice 0 * :Alice")
a.expect(reply("001", r":Welcome to the \S+ IRC Network alice!alice@127\.0\.0\.1"))
a.expect(reply(251, ":There are 1 users and 0 services on 1 server"))
a.expect(reply(253, "1 :unknown connection\(s\)"))
a.expect(reply(375, r":- kit\.chat Message of the day - "))
a.expect(reply(372, ":- Welcome to the lab."))
a.expect(reply(372, ":- Be nice."))
a.expect(reply(376, ":End of MOTD command"))

u.line("NICK alice");  u.expect(reply(433, "alice :Nickname is already in use"))
u.line("NICK Alice");  u.expect(reply(433, "Alice :Nickname is already in use"))

log("after registration")
a.line("USER again 0 * :x");  a.expect(reply(462, ":You may not reregister"))
a.line("PASS secret");        a.expect(reply(462, ":You may not reregister"))
a.line("JOIN");               a.expect(reply(461, "JOIN :Not enough parameters"))
a.line("PRIVMSG");            a.expect(reply(411, r":No recipient given \(PRIVMSG\)"))
a.line("PRIVMSG #lab");       a.expect(reply(412, ":No text to send"))
a.line("PRIVMSG #lab :");     a.expect(reply(412, ":No text to send"))
a.line("PRIVMSG nobody :hi"); a.expect(reply(401, "nobody :No such nick/channel"))
a.line("PRIVMSG #nowhere :hi"); a.expect(reply(403, "#nowhere :No such channel"))
a.line("JOIN lab");           a.expect(reply(403, "lab :No such channel"))
a.line("WHOIS nobody");       a.expect(reply(401, "nobody :No such nick/channel"))
a.line("BLAH");               a.expect(reply(421, "BLAH :Unknown command"))

log("channel replies")
b = Conn("bob").register("bob", "#lab")
b.line("TOPIC #lab");         b.expect(reply(331, "#lab :No topic is set"))
a.line("PRIVMSG #lab :hi");   a.expect(reply(404, "#lab :Cannot send to channel"))
a.line("PART #lab");          a.expect(reply(442, "#lab :You're not on that channel"))
b.line("TOPIC #lab :the lab topic")
b.expect(r"^:bob!\S+ TOPIC #lab :the lab topic$")
b.line("TOPIC #lab");         b.expect(reply(332, "#lab :the lab topic"))
a.line("JOIN #lab")
a.expect(r"^:alice!\S+ JOIN :?#lab$")
a.expect(reply(332, "#lab :the lab topic"))
a.expect(reply(353, "= #lab :(bob alice|alice bob)"))
a.expect(reply(366, "#lab :End of NAMES list"))
b.expect(r"^:alice!\S+ JOIN :?#lab$")
a.line("NAMES #lab")
a.expect(reply(353, "= #lab :(bob alice|alice bob)"))
a.expect(reply(366, "#lab :End of NAMES list"))
a.line("NICK bob");           a.expect(reply(433, "bob :Nickname is already in use"))
a.line("LUSERS")
a.expect(reply(251, ":There are 2 users and 0 services on 1 server"))
a.line("MOTD")
a.expect(reply(375, ".*"))
a.expect(reply(372, ":- Welcome to the lab."))
a.expect(reply(376, ":End of MOTD command"))

log("the channel still works")
a.privmsg("#lab", "numerics done")
b.expect_privmsg("alice", "#lab", "numerics done", forbid=r"PRIVMSG")
EOF
stop_server

# 464: a server with a password refuses a wrong or missing PASS, and says
# which.
start_server --password sesame
raw_py <<'EOF'
from ircraw import *

for label, password, why in (("wrong", "open", "incorrect"),
                             ("nopass", None, "required")):
    log("PASS " + str(password))
    c = Conn(label)
    if password:
        c.line("PASS " + password)
    c.line("NICK " + label)
    c.line("USER %s 0 * :x" % label)
    c.expect(r"^:kit\.chat 464 %s :Password %s$" % (label, why),
             forbid=r" 001 ")
    c.expect(r"^ERROR :Closing Link: 127\.0\.0\.1 \(Bad password\)$")
    c.expect_eof()
ok = Conn("right").register("right", "#lab", password="sesame")
ok.ping()
EOF
stop_server
