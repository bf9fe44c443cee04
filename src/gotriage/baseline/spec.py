"""The baseline spec: what `gotriage baseline init` records (docs/baseline.md).

An INI file (configparser, in Python 3.6's standard library):

    [baseline]
    format = 1
    go-installs = auto        ; the Go installs `check` finds (no: none)
    go-units = auto           ; the unit files and drop-ins of the Go services it finds
    commands = getenforce semanage-port

    [group sudoers]
    paths = /etc/sudoers
            /etc/sudoers.d/*
    optional = no             ; yes: a path that does not exist is not an error

A path is absolute; its last component may be a glob (fnmatch: * ? [...]), matched in
that one directory.  A spec names its commands by key (inputs/baseline.py
STATE_COMMANDS), never by argv: a spec file cannot make gotriage run a program.
"""

SPEC_FORMAT = 1
GLOB_CHARS = "*?["

# What `baseline init` records when no --spec is given: the files of the list that
# decide whether Go builds, runs and serves, all optional (a host has some of them), and
# what `check` finds (the Go installs, the units of Go services).
DEFAULT_SPEC = """\
[baseline]
format = 1
go-installs = auto
go-units = auto
commands = getenforce semanage-port semanage-fcontext semanage-boolean firewall-zones
           firewall-policies

[group go-env]
paths = /etc/profile.d/*.sh
        /etc/profile
        /etc/bashrc
        /root/.bash_profile
        /root/.bashrc
        /root/.config/go/env
optional = yes

[group sudoers]
paths = /etc/sudoers
        /etc/sudoers.d/*
optional = yes

[group selinux]
paths = /etc/selinux/config
optional = yes

[group limits]
paths = /etc/security/limits.conf
        /etc/security/limits.d/*.conf
optional = yes

[group firewalld]
paths = /etc/firewalld/firewalld.conf
        /etc/firewalld/zones/*.xml
        /etc/firewalld/policies/*.xml
        /etc/firewalld/ipsets/*.xml
optional = yes

[group systemd]
paths = /etc/systemd/system.conf
        /etc/systemd/system/*.service
optional = yes
"""


class SpecError(Exception):
    """The spec cannot be used: a one-line reason."""


class Group(object):
    __slots__ = ("name", "paths", "optional")

    def __init__(self, name, paths, optional):
        self.name, self.paths, self.optional = name, list(paths), optional


class Spec(object):
    __slots__ = ("groups", "commands", "go_installs", "go_units", "text")

    def __init__(self, groups, commands, go_installs, go_units, text):
        self.groups = groups
        self.commands = commands
        self.go_installs = go_installs
        self.go_units = go_units
        self.text = text


def is_glob(path):
    return any(c in path for c in GLOB_CHARS)


def parse_spec(text, known_commands):
    """The Spec of an INI text, or SpecError.

    >>> s = parse_spec("[baseline]\\ncommands = getenforce\\n[group x]\\npaths = /etc/a\\n"
    ...                "  /etc/d/*.conf\\n", {"getenforce"})
    >>> [(g.name, g.paths, g.optional) for g in s.groups], s.commands, s.go_installs
    ([('x', ['/etc/a', '/etc/d/*.conf'], False)], ['getenforce'], True)
    """
    import configparser

    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",))
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise SpecError("not an INI file: %s" % str(exc).splitlines()[0]) from None
    if not parser.has_section("baseline"):
        raise SpecError("no [baseline] section")
    head = parser["baseline"]
    try:
        version = int(head.get("format", str(SPEC_FORMAT)))
    except ValueError:
        raise SpecError("format = %r is not a number" % head.get("format")) from None
    if version > SPEC_FORMAT:
        raise SpecError("spec format %d is newer than this gotriage reads (%d)" % (
            version, SPEC_FORMAT))
    commands = head.get("commands", "").split()
    unknown = [c for c in commands if c not in known_commands]
    if unknown:
        raise SpecError("unknown command %s (known: %s)" % (
            ", ".join(unknown), " ".join(sorted(known_commands))))
    switches = {}
    for key in ("go-installs", "go-units"):
        value = head.get(key, "auto").strip().lower()
        if value not in ("auto", "no"):
            raise SpecError("%s = %r: auto or no" % (key, value))
        switches[key] = value == "auto"
    groups = []
    for section in parser.sections():
        if section == "baseline":
            continue
        kind, _, name = section.partition(" ")
        if kind != "group" or not name.strip():
            raise SpecError("unknown section [%s] (a group is [group NAME])" % section)
        paths = parser[section].get("paths", "").split()
        for path in paths:
            if not path.startswith("/") or "/../" in path + "/":
                raise SpecError("[%s]: %r is not an absolute path" % (section, path))
            if is_glob(path.rpartition("/")[0]):
                raise SpecError("[%s]: %r: only the last component may be a glob" % (
                    section, path))
        try:
            optional = parser[section].getboolean("optional", False)
        except ValueError:
            raise SpecError("[%s]: optional is yes or no" % section) from None
        groups.append(Group(name.strip(), paths, optional))
    return Spec(groups, commands, switches["go-installs"], switches["go-units"], text)
