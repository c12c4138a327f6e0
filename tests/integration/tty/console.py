#!/usr/bin/python3
"""console.py - a --console-socket receiver that drives the pty it gets.

    console.py SOCKET DIR [STEP...]

Binds and listens on SOCKET, then forks: the parent prints the receiver's
pid and exits, so the socket is ready when the command returns.  The
receiver accepts one connection and receives one message with room for many
descriptors, so that it can tell how many the runtime sent.  It then waits
(bounded) for the runtime to close the connection, checking that no second
message follows, and runs the steps on the descriptor it got:

    send:TEXT          write TEXT (backslash escapes: \\n \\r \\x04) to the master
    expect:REGEX       read until REGEX matches the output read since the last
                       match (10 s at most)
    resize:ROWS:COLS   TIOCSWINSZ on the master
    eof                read until the other side of the pty is gone (EIO)
    wait:FIFO          wait until the test writes a line to FIFO (10 s at most)

It writes DIR/meta.json (what was received), DIR/transcript (every byte read
from the master) and, last, DIR/status: "ok", or "fail: why".  Nothing else
of the caller's is kept open: stdio is /dev/null and every other inherited
descriptor is closed, so a test that waits for bats' pipes is not held up."""
import array
import fcntl
import json
import os
import re
import select
import socket
import stat
import struct
import sys
import termios
import time

STEP_TIMEOUT = 10.0
MAX_FDS = 64
TIOCGPTN = getattr(termios, "TIOCGPTN", 0x80045430)

sock_path, out_dir = sys.argv[1], sys.argv[2]
steps = sys.argv[3:]
try:
    os.unlink(sock_path)
except FileNotFoundError:
    pass
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sock_path)
srv.listen(4)
pid = os.fork()
if pid:
    print(pid, flush=True)
    os._exit(0)
os.setsid()
null = os.open("/dev/null", os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
os.closerange(3, srv.fileno())
os.closerange(srv.fileno() + 1, 65536)


def crashed(kind, value, tb):
    import traceback
    with open(os.path.join(out_dir, "status"), "w") as f:
        f.write("fail: " + "".join(traceback.format_exception(kind, value, tb)).replace("\n", " | ") + "\n")
    os._exit(1)


sys.excepthook = crashed

transcript = open(os.path.join(out_dir, "transcript"), "wb")
meta = {}


def finish(status):
    transcript.close()
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
    with open(os.path.join(out_dir, "status.tmp"), "w") as f:
        f.write(status + "\n")
    os.rename(os.path.join(out_dir, "status.tmp"), os.path.join(out_dir, "status"))
    os._exit(0 if status == "ok" else 1)


srv.settimeout(20)
try:
    conn, _ = srv.accept()
except socket.timeout:
    finish("fail: nobody connected")
fds = array.array("i")
msg, anc, flags, _ = conn.recvmsg(4096, socket.CMSG_SPACE(MAX_FDS * fds.itemsize))
meta["payload"] = msg.decode(errors="replace")
meta["ctrunc"] = bool(flags & socket.MSG_CTRUNC)
meta["cmsgs"] = 0
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        meta["cmsgs"] += 1
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
meta["fds"] = len(fds)
# The runtime sends one message and closes: anything more is a second message.
conn.settimeout(STEP_TIMEOUT)
try:
    more, anc2, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(MAX_FDS * fds.itemsize))
    meta["after"] = "eof" if not more and not anc2 else "more"
    for level, kind, data in anc2:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            meta["fds"] += len(data) // fds.itemsize
except socket.timeout:
    meta["after"] = "open"
conn.close()
if len(fds) == 0:
    finish("fail: no descriptor received")
master = fds[0]
st = os.fstat(master)
meta["chr"] = stat.S_ISCHR(st.st_mode)
meta["rdev"] = "%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
try:
    meta["ptn"] = struct.unpack("I", fcntl.ioctl(master, TIOCGPTN, b"\0" * 4))[0]
    meta["master"] = True
except OSError:
    meta["master"] = False
ws = struct.unpack("HHHH", fcntl.ioctl(master, termios.TIOCGWINSZ, b"\0" * 8))
meta["winsize"] = [ws[0], ws[1]]

pending = b""  # output read since the last match


def read_some(deadline):
    """Read what the master has; returns False on EOF (EIO) or at the deadline."""
    global pending
    left = deadline - time.monotonic()
    if left <= 0:
        return False
    r, _, _ = select.select([master], [], [], left)
    if not r:
        return False
    try:
        b = os.read(master, 65536)
    except OSError:
        return False
    if not b:
        return False
    transcript.write(b)
    transcript.flush()
    pending += b
    return True


for i, step in enumerate(steps):
    kind, _, arg = step.partition(":")
    if kind == "send":
        os.write(master, arg.encode().decode("unicode_escape").encode("latin-1"))
    elif kind == "expect":
        rx = re.compile(arg.encode())
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            m = rx.search(pending)
            if m:
                pending = pending[m.end():]
                break
            if not read_some(deadline):
                finish("fail: step %d %s: not seen in %r" % (i, step, pending[-300:]))
    elif kind == "resize":
        rows, cols = (int(x) for x in arg.split(":"))
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    elif kind == "wait":
        # O_RDWR: a fifo open for writing by ourselves never reads EOF, so
        # select() waits for the test's line (Linux semantics).
        fd = os.open(arg, os.O_RDWR | os.O_NONBLOCK)
        deadline = time.monotonic() + STEP_TIMEOUT
        got = b""
        while not got.endswith(b"\n"):
            r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not r:
                finish("fail: step %d %s: nothing written" % (i, step))
            got += os.read(fd, 4096)
        os.close(fd)
    elif kind == "eof":
        deadline = time.monotonic() + STEP_TIMEOUT
        while read_some(deadline):
            pass
        if time.monotonic() >= deadline:
            finish("fail: step %d: the pty stayed open" % i)
    else:
        finish("fail: unknown step %r" % step)
finish("ok")
