#!/usr/bin/env python3
"""Self-test of mitm_proxy's framed modes, over loopback.

Usage: check_modes.py PATH/TO/mitm_proxy

This script plays both ends: it listens as the "server", starts the proxy
towards it, connects through the proxy as the "client", sends frames each
way, and compares what arrived with what each mode should deliver. Every
wait is bounded. Exit status 0 if all cases pass, 1 otherwise.
"""
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

PROXY = sys.argv[1] if len(sys.argv) > 1 else "build/release/tests/mitm_proxy"
WAIT = 10          # seconds for any one socket operation or exit
BODY_MAX = 16384 + 256 + 16


def frame(ftype, body):
    return bytes([ftype]) + struct.pack(">H", len(body)) + body


def rec(i, n=42):
    """A recognisable Record frame: body of n bytes, all equal to i."""
    return frame(0x17, bytes([i & 0xFF]) * n)


def client_hello(suites):
    body = bytes([1]) + b"R" * 32 + b"E" * 32 + bytes([len(suites)]) + suites
    return frame(0x01, body)


def flipped(f, at):
    b = bytearray(f)
    b[at] ^= 1
    return bytes(b)


def recv_all(sock):
    """Read until EOF; a reset also ends the stream (noted in the result)."""
    out = bytearray()
    try:
        while True:
            b = sock.recv(65536)
            if not b:
                return bytes(out), "eof"
            out += b
    except ConnectionResetError:
        return bytes(out), "reset"


def send_all(sock, chunks, trickle):
    try:
        for c in chunks:
            if trickle:
                for i in range(len(c)):
                    sock.sendall(c[i:i + 1])
                    time.sleep(0.001)
            else:
                sock.sendall(c)
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass            # truncate: the proxy may have gone


class Proxy:
    """mitm_proxy towards a listening socket of ours; stderr in a file."""

    def __init__(self, args, server_port):
        self.log = tempfile.NamedTemporaryFile("w+", prefix="mitm-",
                                               suffix=".log")
        cmd = [PROXY, "--listen", "0", "--to",
               "127.0.0.1:%d" % server_port] + args
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                  stderr=self.log)
        self.port = None
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and self.p.poll() is None:
            m = re.search(r"^mitm_proxy: listening on 127\.0\.0\.1:(\d+)$",
                          self.text(), re.M)
            if m:
                self.port = int(m.group(1))
                return
            time.sleep(0.02)
        raise RuntimeError("proxy did not start:\n" + self.text())

    def text(self):
        with open(self.log.name) as f:
            return f.read()

    def wait(self):
        try:
            return self.p.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return "timeout"


def session(args, c2s=(), s2c=(), trickle=False):
    """Run one proxied connection. Returns (seen by server, seen by client,
    how each ended, proxy exit status, proxy log)."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    lsock.settimeout(WAIT)
    proxy = Proxy(args, lsock.getsockname()[1])
    cli = socket.create_connection(("127.0.0.1", proxy.port), timeout=WAIT)
    srv, _ = lsock.accept()
    srv.settimeout(WAIT)
    lsock.close()
    got = {}
    threads = [
        threading.Thread(target=send_all, args=(cli, c2s, trickle)),
        threading.Thread(target=send_all, args=(srv, s2c, trickle)),
        threading.Thread(target=lambda: got.__setitem__("c2s", recv_all(srv))),
        threading.Thread(target=lambda: got.__setitem__("s2c", recv_all(cli))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 2)
    status = proxy.wait()
    cli.close()
    srv.close()
    return got.get("c2s"), got.get("s2c"), status, proxy.text()


FAILED = []


def check(name, cond, detail=""):
    print("%s %s" % ("ok  " if cond else "FAIL", name))
    if not cond:
        FAILED.append(name)
        if detail:
            print("     " + detail.replace("\n", "\n     "))


def case(name, args, c2s=(), s2c=(), want_c2s=None, want_s2c=None,
         want_status=0, want_log=(), trickle=False):
    got_c2s, got_s2c, status, log = session(args, c2s, s2c, trickle)
    want_c2s = b"".join(c2s) if want_c2s is None else b"".join(want_c2s)
    want_s2c = b"".join(s2c) if want_s2c is None else b"".join(want_s2c)
    ok = (got_c2s is not None and got_c2s[0] == want_c2s and
          got_s2c is not None and got_s2c[0] == want_s2c and
          status == want_status and
          all(re.search(w, log, re.M) for w in want_log))
    detail = ("status %r (want %r)\nc2s %r\ns2c %r\nlog:\n%s" %
              (status, want_status,
               got_c2s and (len(got_c2s[0]), got_c2s[1]),
               got_s2c and (len(got_s2c[0]), got_s2c[1]), log))
    check(name, ok, detail)
    return log


def main():
    f = [rec(i) for i in range(5)]
    g = [rec(0x80 + i, 10 + i) for i in range(4)]
    big = [rec(i, BODY_MAX) for i in range(300)]     # about 5 MB each way

    case("honest: both ways unchanged", [], f, g,
         want_log=[r"^mitm_proxy: c2s: 5 frames, 225 bytes in, 225 bytes"
                   r" out$"])
    case("honest: byte-by-byte frames are reassembled", ["-v"], f[:3], g[:2],
         trickle=True, want_log=[r"c2s frame 2 \(type 0x17, 45 bytes\): "
                                 r"relayed"])
    case("honest: 300 maximum-size frames each way", [], big, big)
    case("flip: last byte of c2s frame 3", ["--mode", "flip", "--index", "3"],
         f, g, want_c2s=f[:3] + [flipped(f[3], 44)] + f[4:],
         want_log=[r"^mitm_proxy: c2s frame 3 \(type 0x17, 45 bytes\): "
                   r"flipped byte 44$"])
    case("flip: --offset 0 (the type byte) of s2c frame 1",
         ["--mode", "flip", "--dir", "s2c", "--index", "1", "--offset", "0"],
         f, g, want_s2c=[g[0], flipped(g[1], 0)] + g[2:])
    case("flip: offset past the frame leaves it alone",
         ["--mode", "flip", "--offset", "100"], f, g,
         want_log=[r"offset 100 is past its end"])
    case("replay: c2s frame 1 twice", ["--mode", "replay", "--index", "1"],
         f, g, want_c2s=[f[0], f[1], f[1]] + f[2:])
    case("drop: s2c frame 0", ["--mode", "drop", "--dir", "s2c"], f, g,
         want_s2c=g[1:], want_log=[r"s2c frame 0 .*: dropped$"])
    case("reorder: c2s frame 1 after frame 2",
         ["--mode", "reorder", "--index", "1"], f, g,
         want_c2s=[f[0], f[2], f[1], f[3], f[4]])
    case("reorder: the last frame is released at the end",
         ["--mode", "reorder", "--index", "4"], f, g,
         want_log=[r"held frame 4 relayed last"])
    got, _, status, log = session(["--mode", "inject", "--index", "2"], f, g)
    check("inject: a forged 0x17 frame, 40 bytes, before c2s frame 2",
          status == 0 and got[0][:90] == b"".join(f[:2]) and
          got[0][90:93] == b"\x17\x00\x28" and
          got[0][133:] == b"".join(f[2:]) and
          re.search(r"c2s frame 2 .*: forged frame \(type 0x17, 43 bytes\) "
                    r"injected before it$", log, re.M),
          "%r\n%s" % (got[0][85:140], log))
    case("alert: a forged plaintext access_denied before s2c frame 1",
         ["--mode", "alert", "--dir", "s2c", "--index", "1"], f, g,
         want_s2c=[g[0], b"\x15\x00\x02\x02\x31"] + g[1:],
         want_log=[r"s2c frame 1 .*: forged frame \(type 0x15, 5 bytes\) "
                   r"injected before it$"])
    case("truncate: c2s cut at frame 2",
         ["--mode", "truncate", "--index", "2"], f, (),
         want_c2s=f[:2], want_s2c=[],
         want_log=[r"c2s frame 2 .*: not sent; cutting the stream$",
                   r"c2s: stream cut"])
    ch = client_hello(b"\x02\x01")
    case("downgrade: ClientHello suites become 01 01",
         ["--mode", "downgrade"], [ch] + f, g,
         want_c2s=[client_hello(b"\x01\x01")] + f,
         want_log=[r"c2s frame 0 \(type 0x01, 71 bytes\): suites 02 01 "
                   r"rewritten to 2 x 0x01$"])
    case("downgrade: a non-ClientHello is left alone",
         ["--mode", "downgrade"], f, g, want_log=[r"not a ClientHello"])
    case("mode on a frame that never comes",
         ["--mode", "drop", "--index", "9"], f, g,
         want_log=[r"drop: c2s frame 9 never came"])
    huge = b"\x17\xff\xff" + b"x" * 1000
    case("oversized length: the rest goes raw", ["--mode", "drop",
         "--index", "2"], f[:2] + [huge] + f[2:], g,
         want_log=[r"claims 65535 body bytes .* goes raw"])
    case("incomplete last frame is relayed", [], f + [f[0][:10]], g,
         want_log=[r"c2s: stream ended inside a frame: its 10 bytes"])
    case("raw: any bytes pass", ["--raw"], [b"NICK x\r\n" * 3000],
         [b"\xff" * 70000])
    half_close_check(f, g)
    timeout_check()
    usage_checks()
    refused_check()
    print("%d failed" % len(FAILED) if FAILED else "all passed")
    return 1 if FAILED else 0


def half_close_check(f, g):
    """The client stops sending first; the server answers only after it
    has seen that end, and the client still gets the answer."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    lsock.settimeout(WAIT)
    proxy = Proxy(["--mode", "replay", "--dir", "s2c", "--index", "3"],
                  lsock.getsockname()[1])
    cli = socket.create_connection(("127.0.0.1", proxy.port), timeout=WAIT)
    srv, _ = lsock.accept()
    srv.settimeout(WAIT)
    cli.sendall(b"".join(f))
    cli.shutdown(socket.SHUT_WR)
    seen, how = recv_all(srv)
    srv.sendall(b"".join(g))
    srv.close()
    back, how2 = recv_all(cli)
    status = proxy.wait()
    check("half close: the answer after the client's end still arrives",
          seen == b"".join(f) and how == "eof" and status == 0 and
          back == b"".join(g + [g[3]]) and how2 == "eof",
          "status %r, %d/%s, %d/%s\n%s" % (status, len(seen), how,
                                            len(back), how2, proxy.text()))
    cli.close()
    lsock.close()


def timeout_check():
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    proxy = Proxy(["--timeout", "1"], lsock.getsockname()[1])
    cli = socket.create_connection(("127.0.0.1", proxy.port), timeout=WAIT)
    start = time.monotonic()
    status = proxy.wait()
    took = time.monotonic() - start
    check("idle timeout: exit 1 after about 1 s",
          status == 1 and 0.8 < took < 4 and "no traffic" in proxy.text(),
          "status %r after %.1f s\n%s" % (status, took, proxy.text()))
    cli.close()
    proxy = Proxy(["--timeout", "1"], lsock.getsockname()[1])
    status = proxy.wait()
    check("no client within --timeout: exit 1",
          status == 1 and "no client came" in proxy.text(), proxy.text())
    lsock.close()


def usage_checks():
    for args in (["--to", "127.0.0.1:1"], ["--listen", "0"],
                 ["--listen", "0", "--to", "x:1", "--mode", "nope"],
                 ["--listen", "0", "--to", "x:0"],
                 ["--listen", "0", "--to", "x:1", "--raw", "--mode", "drop"],
                 ["--listen", "0", "--to", "x:1", "--mode", "downgrade",
                  "--index", "1"],
                 ["--listen", "0", "--to", "x:1", "--offset", "3"],
                 ["--listen", "0", "--to", "x:1", "--index", "-1"]):
        r = subprocess.run([PROXY] + args, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=WAIT)
        check("usage error (exit 2): %s" % " ".join(args), r.returncode == 2,
              r.stderr.decode())


def refused_check():
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    port = lsock.getsockname()[1]      # bound, not listening: refused
    proxy = Proxy([], port)
    cli = socket.create_connection(("127.0.0.1", proxy.port), timeout=WAIT)
    data, how = recv_all(cli)
    status = proxy.wait()
    check("server refuses: exit 1, client sees the end",
          status == 1 and data == b"" and "cannot connect" in proxy.text(),
          "status %r, %r\n%s" % (status, how, proxy.text()))
    cli.close()
    lsock.close()


if __name__ == "__main__":
    sys.exit(main())
