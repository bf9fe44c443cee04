"""Run a program with its stdout and stderr on journald's stdout stream, as systemd does
for a service with StandardOutput=journal: the stream's header (identifier, unit, priority
6, no level prefix, no forwarding), then the socket as fds 1 and 2.  Prints the program's
pid and exit status (negative: the signal that killed it).

usage: python3 stream.py IDENTIFIER PROGRAM [ARGS...]   (EXTRA_ENV="NAME=value ..." adds
to the program's environment, which is otherwise only PATH)"""

import os
import socket
import subprocess
import sys

ident, argv = sys.argv[1], sys.argv[2:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("/run/systemd/journal/stdout")
s.sendall(("%s\n\n6\n0\n0\n0\n0\n" % ident).encode())
s.shutdown(socket.SHUT_RD)
env = {"PATH": "/usr/bin:/bin"}
env.update(kv.split("=", 1) for kv in os.environ.get("EXTRA_ENV", "").split() if kv)
p = subprocess.Popen(argv, stdout=s.fileno(), stderr=s.fileno(), env=env)
s.close()
p.wait()
print(p.pid, p.returncode)
