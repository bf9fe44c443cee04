"""yum/dnf .repo files (and the [main] of yum.conf/dnf.conf): INI sections of key=value.

Sample (CentOS 7, /etc/yum.repos.d/CentOS-Base.repo)::

    [base]
    name=CentOS-$releasever - Base
    mirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=os&infra=$infra
    #baseurl=http://mirror.centos.org/centos/$releasever/os/$basearch/
    gpgcheck=1
    gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7

Values may continue on indented lines (baseurl and gpgkey lists); `#` and `;` start
comments.  dnf's own parser (libdnf) is stricter; this one keeps line numbers for evidence
and never raises.
"""


class RepoSection(object):
    __slots__ = ("name", "path", "line", "options", "lines", "commented")

    def __init__(self, name, path, line):
        self.name = name
        self.path = path
        self.line = line
        self.options = {}  # key -> value (continuation lines joined with "\n")
        self.lines = {}  # key -> line number of its first line
        self.commented = {}  # key -> (line, value) of "#key=value" lines (e.g. #baseurl=)

    def get(self, key, default=None):
        return self.options.get(key, default)

    def flag(self, key, default=False):
        value = self.options.get(key)
        if value is None:
            return default
        return value.strip().lower() in ("1", "yes", "true", "on")

    @property
    def enabled(self):
        return self.flag("enabled", True)

    def urls(self, key):
        """The URLs of a baseurl/mirrorlist/metalink/gpgkey option (space, comma or line
        separated)."""
        value = self.options.get(key) or ""
        return [u for u in value.replace(",", " ").split() if u]


def parse_repo_file(text, path="repo"):
    """The sections of a .repo (or yum.conf) file, in order."""
    sections = []
    current = None
    last_key = None
    for number, raw in enumerate((text or "").splitlines(), 1):
        stripped = raw.strip()
        if not stripped:
            last_key = None
            continue
        if stripped[0] in "#;":
            body = stripped.lstrip("#; ")
            if current is not None and "=" in body:
                key, _, value = body.partition("=")
                key = key.strip().lower()
                if key and " " not in key:
                    current.commented.setdefault(key, (number, value.strip()))
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = RepoSection(stripped[1:-1].strip(), path, number)
            sections.append(current)
            last_key = None
            continue
        if current is None:
            continue
        if raw[:1] in (" ", "\t") and last_key is not None:
            current.options[last_key] += "\n" + stripped
            continue
        if "=" in stripped:
            key, _, value = stripped.partition("=")
            key = key.strip().lower()
            current.options[key] = value.strip()
            current.lines.setdefault(key, number)
            last_key = key
    return sections


def expand(value, variables):
    """$releasever, $basearch, ${infra}... replaced from `variables` (unknown ones kept)."""
    out = value
    for name, replacement in sorted(variables.items(), key=lambda kv: -len(kv[0])):
        out = out.replace("${%s}" % name, replacement).replace("$" + name, replacement)
    return out
