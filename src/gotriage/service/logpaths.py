"""Where a unit's service writes its log files: what the SELinux layer needs to link a
denial of a write to a log file with the unit (issue 14: the denial is the cause of the
service's failure, and its fix is a file context for the log directory).

Two places name a log file:

- StandardOutput= and StandardError= with `file:PATH`, `append:PATH` or `truncate:PATH`
  (systemd.exec(5)): systemd opens PATH itself in the child it forks, before it executes
  the program, so the denial's domain is systemd's (init_t) and the journal says
  "Failed to set up standard output: Permission denied", status=209/STDOUT;
- the program's own arguments: a flag whose name says log (`--log-file PATH`,
  `-log=PATH`, `--logfile=PATH`, `--log-dir DIR`, `--error-log PATH`), or an absolute
  argument ending in `.log`.  The program opens it in its own domain and says so itself
  ("open /var/log/api/api.log: permission denied", Go's *PathError).

Pure: a unit's settings and ExecStart= words in, LogPath records out.

>>> class Unit(object):
...     values = {"StandardOutput": "append:/srv/api/logs/stdout.log"}
...     def value(self, key):
...         return self.values.get(key)
...     class main(object):
...         argv = ["/usr/local/bin/api", "--log-file", "/var/log/api/api.log", "-v"]
>>> [(p.path, p.directory, p.setting) for p in log_paths(Unit())]
[('/srv/api/logs/stdout.log', '/srv/api/logs', 'StandardOutput=append:/srv/api/logs/stdout.log'), ('/var/log/api/api.log', '/var/log/api', 'ExecStart= --log-file /var/log/api/api.log')]
"""

import posixpath
import re

# StandardOutput=/StandardError= values that name a file (systemd.exec(5); truncate: since
# systemd 248, append: since 240, file: since 236)
_STDIO_FILE = re.compile(r"^(file|append|truncate):(/.*)$")
# a flag whose name says it is a log file or directory: --log-file, -log, --logfile,
# --log_path, --log.file, --error-log, --access-log, --log-dir
_LOG_FLAG = re.compile(r"^--?(?:[a-z0-9]+[-_.])*(?:log|logs|logfile|log[-_.]?(?:file|path|dir|"
                       r"directory|output|filename))$", re.I)
_DIR_FLAG = re.compile(r"(?:dir|directory)$", re.I)


class LogPath(object):
    """A log file (or a log directory, `is_dir`) a unit names, and where it names it."""

    __slots__ = ("path", "directory", "setting", "is_dir", "by_systemd")

    def __init__(self, path, setting, is_dir=False, by_systemd=False):
        self.path = posixpath.normpath(path)
        self.is_dir = is_dir
        self.directory = self.path if is_dir else posixpath.dirname(self.path)
        self.setting = setting  # how the unit names it, for the evidence
        self.by_systemd = by_systemd  # StandardOutput=/StandardError=: systemd opens it

    def __repr__(self):
        return "LogPath(%r, %r)" % (self.path, self.setting)


def stdio_paths(unit):
    """The files StandardOutput= and StandardError= send to."""
    out = []
    for key in ("StandardOutput", "StandardError"):
        value = unit.value(key) or ""
        match = _STDIO_FILE.match(value.strip())
        if match:
            out.append(LogPath(match.group(2), "%s=%s" % (key, value.strip()), by_systemd=True))
    return out


def argument_paths(argv):
    """The log files and directories a program's arguments name."""
    out = []
    words = list(argv or [])[1:]
    for i, word in enumerate(words):
        flag, value = word, None
        if "=" in word and word.startswith("-"):
            flag, value = word.split("=", 1)
            shown = word
        elif word.startswith("-") and i + 1 < len(words):
            value = words[i + 1]
            shown = "%s %s" % (word, value)
        if value is not None and value.startswith("/") and _LOG_FLAG.match(flag):
            out.append(LogPath(value, "ExecStart= " + shown,
                               is_dir=bool(_DIR_FLAG.search(flag)) or value.endswith("/")))
        elif not word.startswith("-") and word.startswith("/") and word.endswith(".log") and \
                not any(p.path == posixpath.normpath(word) for p in out):
            out.append(LogPath(word, "ExecStart= " + word))
    return out


def log_paths(unit):
    """Every log file or directory the unit names: its standard output and error first,
    then its main program's arguments; each path once."""
    found = stdio_paths(unit)
    main = getattr(unit, "main", None)
    if main is not None:
        found.extend(argument_paths(main.argv))
    out, seen = [], set()
    for p in found:
        if p.path not in seen:
            seen.add(p.path)
            out.append(p)
    return out
