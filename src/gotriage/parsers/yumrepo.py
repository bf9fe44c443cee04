"""yum/dnf .repo files (and the [main] of yum.conf/dnf.conf): INI sections of key=value.

Sample (CentOS 7, /etc/yum.repos.d/CentOS-Base.repo):

>>> [base] = parse_repo_file('''[base]
... name=CentOS-$releasever - Base
... mirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=os&infra=$infra
... #baseurl=http://mirror.centos.org/centos/$releasever/os/$basearch/
... gpgcheck=1
... gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7
... ''', "/etc/yum.repos.d/CentOS-Base.repo")
>>> base.name, base.line, base.enabled, base.flag("gpgcheck"), base.urls("gpgkey")
('base', 1, True, True, ['file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7'])
>>> base.lines["mirrorlist"], base.commented["baseurl"]
(3, (4, 'http://mirror.centos.org/centos/$releasever/os/$basearch/'))
>>> expand(base.get("name"), {"releasever": "7"})
'CentOS-7 - Base'

Values may continue on indented lines (baseurl and gpgkey lists); `#` and `;` start
comments.  dnf's own parser (libdnf) is stricter; this one keeps line numbers for evidence
and never raises.  What dnf 4.14 does with a line it does not take (dnf_load_problems):

>>> for p in dnf_load_problems(b"[corp tools]\\nbaseurl=http://repo.corp.example/tools/\\n"
...                            b"[internal]\\nbaseurl: http://repo.corp.example/internal/\\n"):
...     print(p.line, p.effect, p.message)
1 repo-skipped Bad id for repo: corp tools, byte =   4
4 file-skipped neither key=value, [section] nor comment
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


# -- how dnf itself takes a file -------------------------------------------------------------
# libdnf's INI parser is stricter than parse_repo_file above, and what it does with a line it
# does not accept was measured with real dnf 4.14 (tests/test_packages_realdnf.py):
#   - `Warning: failed loading '/etc/yum.repos.d/x.repo', skipping.`  -- the WHOLE file is
#     skipped (every repository in it) when a line is neither a comment, a [section], a
#     key=value nor a continuation: a bare word, `key: value`, `=value`, `[broken`,
#     `[a] trailing`, `[]`, a key=value before the first section, or an indented line that
#     does not follow a key=value line directly;
#   - a traceback (`TypeError: in method 'OptionBinds_Item_newString' ...`) that stops
#     EVERY dnf command when a section name, key or value is not valid UTF-8;
#   - `Bad id for repo: a b, byte =   1` when a section name holds a character outside
#     letters, digits and `-_.:` (that repository alone is skipped).
REPOID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")


class LoadProblem(object):
    """Why dnf will not (fully) load a repo file.  `effect` is "file-skipped", "crash" or
    "repo-skipped"; `line` is 1-based; `text` is the offending line."""

    __slots__ = ("line", "effect", "message", "text")

    def __init__(self, line, effect, message, text):
        self.line, self.effect, self.message, self.text = line, effect, message, text


def dnf_load_problems(data):
    """The problems dnf has with the bytes of a .repo file (an empty list when it loads)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    problems = []
    in_section = False
    after_value = False  # the previous line was key=value or its continuation
    for number, raw in enumerate(data.split(b"\n"), 1):
        raw = raw.rstrip(b"\r")
        shown = raw.decode("utf-8", "replace")[:200]
        stripped = raw.strip()
        if not stripped:
            after_value = False
            continue
        indented = raw[:1] in (b" ", b"\t")
        if indented and after_value:
            _check_utf8(raw, number, shown, problems, "value")
            continue
        if stripped[:1] in (b"#", b";"):
            continue
        if stripped[:1] == b"[":
            name = stripped[1:-1]
            if not stripped.endswith(b"]") or not name:
                problems.append(LoadProblem(number, "file-skipped", "not a section header", shown))
                return problems
            in_section, after_value = True, False
            try:
                text = name.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(LoadProblem(number, "crash", "the section name is not UTF-8", shown))
                continue
            bad = [c for c in text if c not in REPOID_CHARS]
            if bad and text != "main":
                problems.append(LoadProblem(number, "repo-skipped", "Bad id for repo: %s, byte = %s %d" % (
                    text, bad[0], text.index(bad[0])), shown))
            continue
        if indented:
            problems.append(LoadProblem(number, "file-skipped",
                                        "indented line that continues no key=value line", shown))
            return problems
        key, sep, _value = stripped.partition(b"=")
        if not sep or not key.strip():
            problems.append(LoadProblem(number, "file-skipped", "neither key=value, [section] nor comment",
                                        shown))
            return problems
        if not in_section:
            problems.append(LoadProblem(number, "file-skipped", "key=value before the first [section]",
                                        shown))
            return problems
        _check_utf8(key, number, shown, problems, "key")
        _check_utf8(_value, number, shown, problems, "value")
        after_value = True
    return problems


def _check_utf8(raw, number, shown, problems, what):
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        if not any(p.line == number for p in problems):
            problems.append(LoadProblem(number, "crash", "the %s is not UTF-8" % what, shown))
