"""The spec of `gotriage verify --spec FILE` (docs/verify.md): an INI file (configparser,
as the baseline spec), read by a pure function.

    [verify]
    format = 1
    archives = /srv/dl/go1.26.1.linux-amd64.tar.gz   ; checked against Go's SHA-256
    services = api.service     ; Go services to require: loaded, running, their program runs

    [go main]
    root = /usr/local/go       ; this install must be there (and pass its checks)
    version = go1.26.1         ; ... and be this release (either may be left out)

    [probe api]
    target = http://127.0.0.1:8080/healthz
    count = 20                 ; requests (default 20)
    max-error-rate = 1         ; percent (optional)
    max-p95 = 250              ; milliseconds (optional)

A spec names probes by target, never a command: a spec file cannot make gotriage run a
program.
"""

import collections

SPEC_FORMAT = 1
DEFAULT_COUNT = "20"
PROBE_KEYS = ("target", "count", "max-error-rate", "max-p95")

Spec = collections.namedtuple("Spec", "installs probes archives services")
GoRequirement = collections.namedtuple("GoRequirement", "name root version")
ProbeSpec = collections.namedtuple("ProbeSpec", "name target count max_error_rate max_p95")
ProbeSpec.__doc__ = """One [probe NAME]: its values as written (strings; parsed with
gotriage.probe.targets when it runs)."""


class SpecError(Exception):
    """The spec cannot be used: a one-line reason."""


def parse_spec(text, source="spec"):
    """A Spec from the INI text.

    >>> s = parse_spec('''
    ... [verify]
    ... format = 1
    ... archives = /tmp/go1.26.1.linux-amd64.tar.gz
    ... [go main]
    ... root = /usr/local/go
    ... version = go1.26.1
    ... [probe api]
    ... target = http://127.0.0.1:8080/healthz
    ... max-p95 = 250
    ... ''')
    >>> s.installs, s.archives
    ([GoRequirement(name='main', root='/usr/local/go', version='go1.26.1')], ['/tmp/go1.26.1.linux-amd64.tar.gz'])
    >>> s.probes[0].count, s.probes[0].max_p95
    ('20', '250')
    >>> try:
    ...     parse_spec("[probe x]\\ncount = 3\\n")
    ... except SpecError as exc:
    ...     print(exc)
    spec: [probe x] needs target = URL
    """
    import configparser

    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",),
                                       default_section="\x00none")
    try:
        parser.read_string(text, source=source)
    except configparser.Error as exc:
        raise SpecError("%s: %s" % (source, str(exc).splitlines()[0])) from None
    installs, probes, archives, services = [], [], [], []
    for section in parser.sections():
        values = parser[section]
        kind, _, name = section.partition(" ")
        name = name.strip()
        if section == "verify":
            _only(source, section, values, ("format", "archives", "services"))
            fmt = values.get("format", str(SPEC_FORMAT)).strip()
            if fmt != str(SPEC_FORMAT):
                raise SpecError("%s: [verify] format = %s: this gotriage reads format %d"
                                % (source, fmt, SPEC_FORMAT))
            for path in values.get("archives", "").split():
                if not path.startswith("/"):
                    raise SpecError("%s: [verify] archives: %s is not an absolute path"
                                    % (source, path))
                archives.append(path)
            for unit in values.get("services", "").split():
                if "/" in unit or unit.startswith("-"):
                    raise SpecError("%s: [verify] services: %r is not a unit name"
                                    % (source, unit))
                services.append(unit if "." in unit else unit + ".service")
        elif kind == "go" and name:
            _only(source, section, values, ("root", "version"))
            root = values.get("root", "").strip() or None
            version = values.get("version", "").strip() or None
            if root is None and version is None:
                raise SpecError("%s: [%s] needs root = DIR or version = go1.N" % (source, section))
            if root is not None and not root.startswith("/"):
                raise SpecError("%s: [%s] root = %s is not an absolute path"
                                % (source, section, root))
            if version is not None and not version.startswith("go"):
                version = "go" + version
            installs.append(GoRequirement(name, root, version))
        elif kind == "probe" and name:
            _only(source, section, values, PROBE_KEYS)
            target = values.get("target", "").strip()
            if not target:
                raise SpecError("%s: [%s] needs target = URL" % (source, section))
            probes.append(ProbeSpec(name, target, values.get("count", DEFAULT_COUNT).strip(),
                                    _opt(values, "max-error-rate"), _opt(values, "max-p95")))
        else:
            raise SpecError("%s: unknown section [%s]: a spec has [verify], [go NAME] and "
                            "[probe NAME]" % (source, section))
    return Spec(installs, probes, archives, services)


def _opt(values, key):
    value = values.get(key, "").strip()
    return value or None


def _only(source, section, values, allowed):
    for key in values:
        if key not in allowed:
            raise SpecError("%s: [%s] has no key %r (it has %s)" % (
                source, section, key, ", ".join(allowed)))
