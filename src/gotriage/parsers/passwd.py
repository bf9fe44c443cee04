"""/etc/passwd: name:password:uid:gid:gecos:home:shell.

Sample (EL9):

>>> for e in parse_passwd('''root:x:0:0:root:/root:/bin/bash
... alice:x:1000:1000:Alice:/home/alice:/bin/bash
... '''):
...     print(e.line, e.name, e.uid, e.gid, e.home, e.shell)
1 root 0 0 /root /bin/bash
2 alice 1000 1000 /home/alice /bin/bash

/etc/group (name:password:gid:members):

>>> parse_group("wheel:x:10:alice,bob\\n")["wheel"]
(10, ['alice', 'bob'])
"""


class PasswdEntry(object):
    __slots__ = ("name", "uid", "gid", "home", "shell", "line")

    def __init__(self, name, uid, gid, home, shell, line):
        self.name, self.uid, self.gid, self.home, self.shell, self.line = name, uid, gid, home, shell, line


def parse_passwd(text):
    entries = []
    for number, raw in enumerate((text or "").splitlines(), 1):
        fields = raw.split(":")
        if len(fields) < 7 or raw.startswith(("#", "+", "-")):
            continue
        try:
            uid, gid = int(fields[2]), int(fields[3])
        except ValueError:
            continue
        entries.append(PasswdEntry(fields[0], uid, gid, fields[5], fields[6], number))
    return entries


def parse_group(text):
    """/etc/group as {name: (gid, [members])}."""
    groups = {}
    for raw in (text or "").splitlines():
        fields = raw.split(":")
        if len(fields) < 4:
            continue
        try:
            gid = int(fields[2])
        except ValueError:
            continue
        groups[fields[0]] = (gid, [m for m in fields[3].split(",") if m])
    return groups
