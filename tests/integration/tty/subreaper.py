#!/usr/bin/python3
"""subreaper.py CMD [ARG...] - run CMD under a child subreaper, as a shim does.

Exits with CMD's status as soon as CMD ends, like CMD itself would; a
background subreaper (the process that ran CMD) stays behind and reaps
what CMD left (the process of an `exec -d`) until nothing is left, so that
such a process is reaped at once when it dies instead of by the machine's
init.  With SUBREAPER_PIDFILE set, the subreaper appends its pid there.
It keeps no descriptor of the caller's once CMD has ended."""
import ctypes
import os
import sys

PR_SET_CHILD_SUBREAPER = 36

r, w = os.pipe()
pid = os.fork()
if pid:
    os.close(w)
    status = os.read(r, 16)
    os._exit(int(status) if status else 1)
os.close(r)
os.setsid()
if os.environ.get("SUBREAPER_PIDFILE"):
    with open(os.environ.pop("SUBREAPER_PIDFILE"), "a") as f:
        f.write("%d\n" % os.getpid())
ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
child = os.fork()
if child == 0:
    os.close(w)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, st = os.waitpid(child, 0)
code = os.waitstatus_to_exitcode(st)
os.write(w, str(code if code >= 0 else 128 - code).encode())
null = os.open("/dev/null", os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
os.closerange(3, 65536)
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
