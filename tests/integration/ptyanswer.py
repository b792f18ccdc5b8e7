"""Answer a terminal prompt slowly, as a person reading it would.

usage: ptyanswer.py PAUSE PROMPT ANSWER THEN COMMAND [ARGS...]

Runs COMMAND on a new pseudo-terminal (its stdin, stdout, stderr and
/dev/tty), waits for PROMPT in its output, waits PAUSE seconds more, types
ANSWER and a newline, waits for THEN in the output, types "/quit" and a
newline, and passes on the command's exit status. The whole output is
copied to stdout. Every wait has a deadline; a missed one ends the
command and the driver with status 99.
"""
import os
import pty
import select
import signal
import sys
import time

DEADLINE = 15.0


def main():
    pause, prompt, answer, then = sys.argv[1:5]
    argv = sys.argv[5:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    seen = bytearray()

    def wait_for(text):
        end = time.monotonic() + DEADLINE
        while text.encode() not in seen:
            left = end - time.monotonic()
            ready = select.select([fd], [], [], max(left, 0))[0]
            if not ready:
                return False
            try:
                chunk = os.read(fd, 4096)
            except OSError:     # the command exited: EIO on Linux
                return False
            seen.extend(chunk)
        return True

    ok = wait_for(prompt)
    if ok:
        time.sleep(float(pause))
        os.write(fd, answer.encode() + b"\n")
        ok = wait_for(then)
    if ok:
        os.write(fd, b"/quit\n")
        wait_for("\0")          # drain until the command closes the pty
    else:
        os.kill(pid, signal.SIGTERM)
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    if not ok:
        print("ptyanswer: %r or %r did not appear" % (prompt, then))
        sys.exit(99)
    sys.exit(os.waitstatus_to_exitcode(status))


main()
