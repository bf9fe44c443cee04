"""`gotriage baseline lint`'s rules (docs/baseline.md, "Lint"): a small INI file, and the
pure evaluation of each rule over a baseline repository's recorded files.

    [lint]
    format = 1

    [rule goroot]
    forbidden-under = /home /tmp     ; no Go install, no GOROOT= line, under these

    [rule secure-path]
    go-bin = auto                    ; auto: a recorded Go install's bin directory

    [rule selinux]
    modes = enforcing                ; the SELinux modes allowed

    [rule firewall]
    zone = public
    allowed-ports = 443/tcp 8080/tcp ; every other port opened in the zone is reported

    [rule services]
    root-allowed =                   ; units that may run as root (User= missing or root)

A rule whose section is absent is not evaluated.  Every function below reads a
`recorded` object (baseline.gitrepo.Recorded, or anything with `files`, `go`, `state`
and `text(path)`) and returns plain records; nothing here reads the host or the disk.
"""

import posixpath
import re

RULES_FORMAT = 1
RULES = ("goroot", "secure-path", "selinux", "firewall", "services")

# The default rule set: every rule, with the values; no port is allowed in the
# public zone until the team's rule file lists it.
DEFAULT_RULES = """\
[lint]
format = 1

[rule goroot]
forbidden-under = /home /tmp

[rule secure-path]
go-bin = auto

[rule selinux]
modes = enforcing

[rule firewall]
zone = public
allowed-ports =

[rule services]
root-allowed =
"""

# The EL golang package's GOROOT: its go is /usr/bin/go (a symlink into the GOROOT), so
# the directory sudo must search for it is /usr/bin (knowledge/go.py SYSTEM_INSTALL_DIRS).
PACKAGED_GOROOT_BIN = {"/usr/lib/golang": "/usr/bin", "/usr/lib/go": "/usr/bin"}
_GOROOT_LINE = re.compile(r"""(?:^|[\s;"'])GOROOT=["']?([^"'\s;]*)""")
_SELINUX_LINE = re.compile(r"^\s*SELINUX\s*=\s*(\S+)")


class RulesError(Exception):
    """The rule file cannot be used: a one-line reason."""


class Rules(object):
    """The rules of a rule file: `enabled` (the rule names present), and their values."""

    def __init__(self):
        self.enabled = []
        self.forbidden_under = []
        self.go_bin = None  # None: auto
        self.selinux_modes = []
        self.zone = "public"
        self.allowed_ports = []  # (low, high, protocol)
        self.root_allowed = []


def parse_port(text):
    """'8080/tcp' -> (8080, 8080, 'tcp'); '8000-8100/udp' -> (8000, 8100, 'udp'); None if bad.

    >>> parse_port("8000-8100/tcp"), parse_port("80"), parse_port("x/tcp")
    ((8000, 8100, 'tcp'), None, None)
    """
    port, slash, protocol = text.partition("/")
    if not slash or protocol not in ("tcp", "udp", "sctp", "dccp"):
        return None
    low, dash, high = port.partition("-")
    if not low.isdigit() or (dash and not high.isdigit()):
        return None
    low, high = int(low), int(high) if dash else int(low)
    return (low, high, protocol) if 0 <= low <= high <= 65535 else None


def parse_rules(text):
    """The Rules of an INI text, or RulesError.

    >>> r = parse_rules(DEFAULT_RULES)
    >>> r.enabled, r.forbidden_under, r.go_bin, r.selinux_modes, r.allowed_ports
    (['goroot', 'secure-path', 'selinux', 'firewall', 'services'], ['/home', '/tmp'], None, ['enforcing'], [])
    """
    import configparser

    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",))
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise RulesError("not an INI file: %s" % str(exc).splitlines()[0]) from None
    if not parser.has_section("lint"):
        raise RulesError("no [lint] section")
    try:
        version = int(parser["lint"].get("format", str(RULES_FORMAT)))
    except ValueError:
        raise RulesError("format = %r is not a number" % parser["lint"].get("format")) from None
    if version > RULES_FORMAT:
        raise RulesError("rules format %d is newer than this gotriage reads (%d)" % (
            version, RULES_FORMAT))
    rules = Rules()
    for section in parser.sections():
        if section == "lint":
            continue
        kind, _, name = section.partition(" ")
        if kind != "rule" or name.strip() not in RULES:
            raise RulesError("unknown section [%s] (rules: %s)" % (
                section, ", ".join("[rule %s]" % r for r in RULES)))
        name = name.strip()
        values = parser[section]
        known = {"goroot": ("forbidden-under",), "secure-path": ("go-bin",),
                 "selinux": ("modes",), "firewall": ("zone", "allowed-ports"),
                 "services": ("root-allowed",)}[name]
        unknown = [k for k in values if k not in known]
        if unknown:
            raise RulesError("[%s]: unknown key %s (known: %s)" % (
                section, ", ".join(unknown), ", ".join(known)))
        rules.enabled.append(name)
        if name == "goroot":
            rules.forbidden_under = values.get("forbidden-under", "/home /tmp").split()
            _absolute(section, rules.forbidden_under)
        elif name == "secure-path":
            go_bin = values.get("go-bin", "auto").split()
            rules.go_bin = None if go_bin in ([], ["auto"]) else go_bin
            _absolute(section, rules.go_bin or [])
        elif name == "selinux":
            rules.selinux_modes = values.get("modes", "enforcing").lower().split()
            bad = [m for m in rules.selinux_modes if m not in ("enforcing", "permissive",
                                                               "disabled")]
            if bad or not rules.selinux_modes:
                raise RulesError("[%s]: modes are enforcing, permissive or disabled" % section)
        elif name == "firewall":
            rules.zone = values.get("zone", "public").strip() or "public"
            for word in values.get("allowed-ports", "").split():
                port = parse_port(word)
                if port is None:
                    raise RulesError("[%s]: %r is not PORT/PROTOCOL or LOW-HIGH/PROTOCOL "
                                     "(8080/tcp)" % (section, word))
                rules.allowed_ports.append(port)
        else:
            rules.root_allowed = [_unit_name(u) for u in values.get("root-allowed", "").split()]
    return rules


def _absolute(section, paths):
    for path in paths:
        if not path.startswith("/"):
            raise RulesError("[%s]: %r is not an absolute path" % (section, path))


def _unit_name(name):
    return name if "." in name else name + ".service"


def under(path, prefix):
    """Whether `path` is `prefix` or below it (by whole components)."""
    path, prefix = posixpath.normpath(path), posixpath.normpath(prefix)
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def _text_files(recorded):
    return [p for p, e in sorted(recorded.files.items()) if e.get("type") == "file"]


# -- each rule: its violations, as (subject, what, where) ---------------------------------
def goroot_violations(recorded, rules):
    """Go installs recorded under a forbidden directory, and GOROOT= lines (profile
    scripts, go env files, units) naming one: [(value, source, line number or None)]."""
    found = []
    for root in sorted(recorded.go):
        if any(under(root, p) for p in rules.forbidden_under):
            found.append((root, "a recorded Go install", None))
    for path in _text_files(recorded):
        text = recorded.text(path)
        for number, line in enumerate((text or "").splitlines(), 1):
            if line.lstrip().startswith(("#", ";")):
                continue
            for match in _GOROOT_LINE.finditer(line):
                value = match.group(1)
                if value.startswith("/") and any(under(value, p) for p in rules.forbidden_under):
                    found.append((value, path, number))
    return found


def sudoers_paths(recorded):
    """The recorded sudoers files in the order sudo reads them: /etc/sudoers, then
    /etc/sudoers.d's files in lexical order, skipping names with a '.' or ending in '~'
    (sudoers(5), #includedir)."""
    paths = ["/etc/sudoers"] if "/etc/sudoers" in recorded.files else []
    for path in sorted(recorded.files):
        directory, name = posixpath.split(path)
        if directory == "/etc/sudoers.d" and "." not in name and not name.endswith("~"):
            paths.append(path)
    return paths


def secure_path_verdict(recorded, rules):
    """(secure_path's value or None, the SudoDefault that set it, the Go bin directories
    wanted, those missing from it); None when no sudoers file is recorded or no Go bin
    directory is known."""
    from gotriage.parsers.sudoers import Sudoers, effective_policy, parse_sudoers

    paths = sudoers_paths(recorded)
    if not paths:
        return None
    wanted = rules.go_bin or [PACKAGED_GOROOT_BIN.get(r, posixpath.join(r, "bin"))
                              for r in sorted(recorded.go)]
    if not wanted:
        return None
    sudoers = Sudoers()
    for path in paths:
        parse_sudoers(recorded.text(path) or "", source=path, into=sudoers)
    policy = effective_policy(sudoers)
    if policy.secure_path is None:
        return None, None, wanted, []
    entries = [posixpath.normpath(e) for e in policy.secure_path.split(":") if e]
    missing = [w for w in wanted if posixpath.normpath(w) not in entries]
    if rules.go_bin is None and len(missing) < len(wanted):
        missing = []  # auto: one of the recorded installs reachable is enough
    return policy.secure_path, policy.secure_path_line, wanted, missing


def selinux_modes(recorded):
    """[(source, line number or None, mode)]: SELINUX= of the recorded /etc/selinux/config
    and the recorded `getenforce` output."""
    found = []
    text = recorded.text("/etc/selinux/config") if "/etc/selinux/config" in recorded.files \
        else None
    if text is not None:
        for number, line in enumerate(text.splitlines(), 1):
            match = _SELINUX_LINE.match(line)
            if match:
                found.append(("/etc/selinux/config", number, match.group(1).strip("\"'").lower()))
    if "getenforce" in recorded.state and recorded.state["getenforce"].strip():
        found.append(("getenforce (recorded state)", None,
                      recorded.state["getenforce"].split()[0].lower()))
    return found


def zone_ports(recorded, zone):
    """(source, [(PortSpec-like text, low, high, protocol)]) of the zone's ports: its
    recorded /etc/firewalld/zones/ZONE.xml, else the recorded `firewall-cmd
    --list-all-zones` output; None when neither is recorded (the zone has firewalld's
    own defaults, which open services, not ports, or firewalld is not recorded)."""
    from gotriage.parsers.firewalld_xml import ConfigError, parse_zone

    path = "/etc/firewalld/zones/%s.xml" % zone
    parsed = None
    if path in recorded.files and recorded.text(path) is not None:
        try:
            parsed, source = parse_zone(recorded.text(path), zone, path), path
        except (ConfigError, ValueError):
            return path, None
    elif recorded.state.get("firewall-zones"):
        from gotriage.parsers.firewalld_cmd import parse_list_all

        for z in parse_list_all(recorded.state["firewall-zones"]):
            if z.name == zone:
                parsed, source = z, "firewall-cmd --list-all-zones (recorded state)"
    if parsed is None:
        return None
    ports = [(str(p), p.low, p.high, p.protocol) for p in parsed.ports if p.low is not None]
    ports += [(str(f), int(f.port), int(f.port), f.protocol) for f in parsed.forward_ports
              if str(f.port).isdigit()]
    return source, ports


def unlisted_ports(ports, allowed):
    """The ports not within an allowed (low, high, protocol)."""
    return [p for p in ports if not any(p[3] == proto and low <= p[1] and p[2] <= high
                                        for low, high, proto in allowed)]


def service_users(recorded):
    """{unit name: (User= value or None, DynamicUser, [paths read])} of the recorded
    .service units, fragment then drop-ins in name order (systemd.unit(5))."""
    from gotriage.parsers.systemd_unit import effective, parse_unit

    fragments, dropins = {}, {}
    for path in _text_files(recorded):
        directory, name = posixpath.split(path)
        if name.endswith(".service") and "/systemd/" in path:
            # /etc overrides the same name under /usr/lib or /run
            if name not in fragments or path.startswith("/etc/"):
                fragments[name] = path
        elif directory.endswith(".service.d") and name.endswith(".conf"):
            dropins.setdefault(posixpath.basename(directory)[:-2], []).append(path)
    users = {}
    for unit, path in sorted(fragments.items()):
        read = [path] + sorted(dropins.get(unit, []), key=posixpath.basename)
        settings = effective([parse_unit(recorded.text(p) or "", p) for p in read])
        dynamic = (settings.value("Service", "DynamicUser") or "").lower() in (
            "yes", "true", "on", "1")
        users[unit] = (settings.value("Service", "User"), dynamic, read)
    return users
