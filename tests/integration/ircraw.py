"""Raw IRC connections for the integration scenarios.

Scenarios run small Python programs (raw_py in tests/lib.sh) that do
`from ircraw import *`. lib.sh exports SERVER_HOST and SERVER_PORT (set by
start_server) and IRC_TIMEOUT. Every read has a deadline; an unmet
expectation raises Fail, whose message shows the lines that did arrive.
"""
import collections
import os
import re
import socket
import struct
import sys
import time

HOST = os.environ.get("SERVER_HOST", "127.0.0.1")
PORT = int(os.environ.get("SERVER_PORT", "6667"))
TIMEOUT = float(os.environ.get("IRC_TIMEOUT", "15"))

__all__ = ["Conn", "Fail", "check", "log", "HOST", "PORT", "TIMEOUT",
           "connect_all", "re"]


class Fail(Exception):
    """An expectation was not met."""


def check(cond, msg):
    """Raise Fail(msg) unless cond."""
    if not cond:
        raise Fail(msg)


def log(*args):
    """Progress notes, shown when a scenario fails."""
    print(*args, flush=True)


class Conn:
    """One TCP connection to the server, read as CR LF lines."""

    def __init__(self, label, host=None, port=None, rcvbuf=None,
                 source=None):
        host = host or HOST
        self.label = label
        self.nick = label
        self.eof = False
        self.reset = False
        self.partial = b""
        self.pending = collections.deque()
        self.recent = collections.deque(maxlen=30)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if source:              # another loopback address, as another host
            self.sock.bind((source, 0))
        self.sock.settimeout(TIMEOUT)
        self.sock.connect((host, port or PORT))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # --- sending ---------------------------------------------------------

    def send(self, data, timeout=None):
        """Send str or bytes as they are (no CR LF added)."""
        if isinstance(data, str):
            data = data.encode()
        self.sock.settimeout(timeout or TIMEOUT)
        self.sock.sendall(data)

    def line(self, text):
        """Send one line, CR LF added."""
        self.send((text.encode() if isinstance(text, str) else text) +
                  b"\r\n")

    def privmsg(self, target, text):
        self.line("PRIVMSG %s :%s" % (target, text))

    # --- receiving -------------------------------------------------------

    def _recv(self, deadline):
        """Read once; False if the deadline passed or the peer closed."""
        left = deadline - time.monotonic()
        if left <= 0 or self.eof:
            return False
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(262144)
        except socket.timeout:
            return False
        except ConnectionResetError:
            self.reset = True
            data = b""
        if not data:
            self.eof = True
            if self.partial:
                self.pending.append(self.partial)
                self.partial = b""
            return True
        *lines, self.partial = (self.partial + data).split(b"\n")
        self.pending.extend(lines)
        return True

    def readline(self, timeout=None):
        """The next line (str, latin-1, CR LF removed), or None at end of
        stream or timeout. Answers PING on the way."""
        deadline = time.monotonic() + (TIMEOUT if timeout is None
                                       else timeout)
        while not self.pending:
            if not self._recv(deadline) and not self.pending:
                return None
        text = self.pending.popleft().rstrip(b"\r").decode("latin-1")
        self.recent.append(text)
        if text.startswith("PING "):
            self.line("PONG " + text[5:])
        return text

    def _what(self, pattern):
        state = "connection reset" if self.reset else \
            "end of stream" if self.eof else "timeout"
        return "%s: %s waiting for /%s/; last lines:\n    %s" % (
            self.label, state, pattern, "\n    ".join(self.recent))

    def expect(self, pattern, timeout=None, forbid=None):
        """Read lines until one matches regex pattern; return the match.
        A line matching regex forbid before it is a failure."""
        deadline = time.monotonic() + (TIMEOUT if timeout is None
                                       else timeout)
        rx = re.compile(pattern)
        bad = re.compile(forbid) if forbid else None
        while True:
            text = self.readline(deadline - time.monotonic())
            if text is None:
                raise Fail(self._what(pattern))
            m = rx.search(text)
            if m:
                return m
            if bad and bad.search(text):
                raise Fail("%s: unexpected line before /%s/: %r" %
                           (self.label, pattern, text))

    def expect_eof(self, timeout=None):
        """Read until the server closes; return the lines read."""
        deadline = time.monotonic() + (TIMEOUT if timeout is None
                                       else timeout)
        lines = []
        while True:
            text = self.readline(deadline - time.monotonic())
            if text is None:
                check(self.eof, self._what("<end of stream>"))
                return lines
            lines.append(text)

    def drain(self, quiet=0.3):
        """Read until nothing comes for `quiet` seconds; return lines."""
        lines = []
        while True:
            text = self.readline(quiet)
            if text is None:
                return lines
            lines.append(text)

    # --- IRC -------------------------------------------------------------

    def register(self, nick=None, channel=None, password=None):
        """PASS/NICK/USER, wait for 001; then join channel if given."""
        self.nick = nick or self.label
        if password is not None:
            self.line("PASS " + password)
        self.line("NICK " + self.nick)
        self.line("USER %s 0 * :raw test client" % self.nick)
        self.expect(r"^:\S+ 001 %s " % re.escape(self.nick))
        if channel:
            self.join(channel)
        return self

    def join(self, channel):
        """JOIN and wait for the end of NAMES."""
        self.line("JOIN " + channel)
        self.expect(r"^:\S+ 366 %s %s " % (re.escape(self.nick),
                                           re.escape(channel)))

    def expect_privmsg(self, sender, target, text, timeout=None,
                       forbid=None):
        """Wait for sender's PRIVMSG text to target (exact text)."""
        return self.expect(r"^:%s!\S+ PRIVMSG %s :%s$" % (
            re.escape(sender), re.escape(target), re.escape(text)),
            timeout, forbid)

    def ping(self, token="alive", timeout=None):
        """Round trip: PING and wait for its PONG."""
        self.line("PING :" + token)
        self.expect(r"^:\S+ PONG \S+ :?%s$" % re.escape(token), timeout)

    # --- closing ---------------------------------------------------------

    def shutdown_write(self):
        """Half-close: no more data from us, reading goes on."""
        self.sock.shutdown(socket.SHUT_WR)

    def abort(self):
        """Close with SO_LINGER 0: the peer gets a RST, not a FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self):
        self.sock.close()


def connect_all(prefix, n, **kw):
    """n connections labelled prefix0..prefix{n-1}."""
    return [Conn("%s%d" % (prefix, i), **kw) for i in range(n)]


if __name__ == "__main__":
    sys.exit("ircraw.py is a module for the integration scenarios")
