#!/usr/bin/python3
"""console.py - a console socket receiver (--console-socket).

    console.py SOCKET OUTFILE [INPUT]

Listens on SOCKET, forks (the parent prints the receiver's pid once the
socket is ready, and exits), accepts one connection, receives the pty master
(SCM_RIGHTS), writes INPUT to it if given, and copies everything read from
the master to OUTFILE until the other side closes (EIO) or 15 s pass.  The
first line of OUTFILE.meta is the name sent with the descriptor, the second
the descriptor's st_rdev as MAJOR:MINOR."""
import array
import os
import select
import socket
import sys
import time

path, out = sys.argv[1], sys.argv[2]
data = sys.argv[3] if len(sys.argv) > 3 else None
try:
    os.unlink(path)
except FileNotFoundError:
    pass
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
pid = os.fork()
if pid:
    print(pid, flush=True)
    os._exit(0)
os.setsid()
null = os.open("/dev/null", os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
deadline = time.monotonic() + 15
srv.settimeout(15)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(1024, socket.CMSG_LEN(fds.itemsize))
for level, kind, payload in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(payload[: fds.itemsize])
master = fds[0]
st = os.fstat(master)
with open(out + ".meta", "w") as m:
    m.write("%s\n%d:%d\n" % (msg.decode(errors="replace"), os.major(st.st_rdev), os.minor(st.st_rdev)))
if data is not None:
    os.write(master, data.encode())
with open(out, "wb") as f:
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            break
        try:
            b = os.read(master, 65536)
        except OSError:
            break
        if not b:
            break
        f.write(b)
        f.flush()
