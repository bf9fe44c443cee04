"""SELinux file contexts: what label the policy wants on a path, and whether systemd
(init_t) may execute a file with the label it has.

`matchpathcon -n PATH` answers the first question on a live host; without it (a snapshot
with no recorded answer, or a host without libselinux-utils) the policy's
contexts/files/file_contexts (+ .homedirs, + .local) are matched here the way
libselinux's label_file backend does: every line is `REGEX [TYPE] CONTEXT`, the regex is
anchored at both ends, specs without regex metacharacters are moved after the others
(keeping their order), files are read base, homedirs, local, and the LAST matching spec
wins.  file_contexts.subs(_dist) aliases ("/usr/lib64 /usr/lib") are applied to the path
first.

Sample (RHEL 9 targeted policy)::

    /usr/local/bin(/.*)?      system_u:object_r:bin_t:s0
    /home/[^/]+/.+            unconfined_u:object_r:user_home_t:s0
    /tmp/.*                   <<none>>
"""

import re

FILE_TYPES = {"--": "file", "-d": "dir", "-l": "link", "-c": "char", "-b": "block",
              "-s": "socket", "-p": "pipe"}
_META = re.compile(r"[.^$?*+|\[({]")

# Types systemd (init_t) may not execute under the RHEL targeted policy: what `mv` keeps
# on a binary built in a home directory or /tmp (DESIGN.md: the commonest Go-service
# denial), plus the labels of nothing-in-particular.
DENIED_EXEC_TYPES = {
    "user_home_t": "a file in a user's home directory",
    "user_home_dir_t": "a user's home directory itself",
    "admin_home_t": "a file in /root",
    "user_tmp_t": "a file created in /tmp by a user",
    "tmp_t": "a file in /tmp",
    "unlabeled_t": "a file with no label",
    "default_t": "a path the policy has no rule for",
    "httpd_user_content_t": "web content in a home directory",
}
# Types systemd runs programs of (bin_t/usr_t as unconfined_service_t; *_exec_t as the
# domain they enter).
EXEC_OK_TYPES = {"bin_t", "usr_t", "lib_t", "shell_exec_t", "textrel_shlib_t", "lib64_t"}


def exec_ok(setype):
    return setype in EXEC_OK_TYPES or (setype or "").endswith("_exec_t")


def context_type(context):
    """'system_u:object_r:bin_t:s0' -> 'bin_t'; None for anything else."""
    if not context:
        return None
    parts = context.strip().strip("\0").split(":")
    return parts[2] if len(parts) >= 3 else None


class Spec(object):
    __slots__ = ("regex", "file_type", "context", "source", "line", "meta", "_compiled")

    def __init__(self, regex, file_type, context, source, line):
        self.regex, self.file_type, self.context = regex, file_type, context
        self.source, self.line = source, line
        self.meta = bool(_META.search(regex.replace("\\.", "")))
        self._compiled = None

    def matches(self, path, file_type=None):
        if self.file_type and file_type and self.file_type != file_type:
            return False
        if self._compiled is None:
            try:
                self._compiled = re.compile("^(?:%s)$" % self.regex)
            except re.error:
                self._compiled = False
        return bool(self._compiled and self._compiled.match(path))


def parse_file_contexts(text, source="file_contexts"):
    specs = []
    for number, raw in enumerate((text or "").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) == 2:
            specs.append(Spec(fields[0], None, fields[1], source, number))
        elif len(fields) == 3 and fields[1] in FILE_TYPES:
            specs.append(Spec(fields[0], FILE_TYPES[fields[1]], fields[2], source, number))
    return specs


def parse_subs(text):
    """file_contexts.subs: "ALIAS ORIGINAL" lines."""
    subs = []
    for raw in (text or "").splitlines():
        fields = raw.split("#", 1)[0].split()
        if len(fields) == 2:
            subs.append((fields[0].rstrip("/"), fields[1].rstrip("/")))
    return subs


class FileContexts(object):
    """The policy's file contexts, for lookups."""

    def __init__(self, files, subs=()):
        """`files`: [(source, text)] in load order (base, homedirs, local)."""
        specs = []
        for source, text in files:
            specs.extend(parse_file_contexts(text, source))
        self.specs = [s for s in specs if s.meta] + [s for s in specs if not s.meta]
        self.subs = list(subs)

    def lookup(self, path, file_type="file"):
        """(context or None for <<none>>, Spec) of the spec that wins, or (None, None)."""
        for alias, original in self.subs:
            if path == alias or path.startswith(alias + "/"):
                path = original + path[len(alias):]
                break
        for spec in reversed(self.specs):
            if spec.matches(path, file_type):
                return (None if spec.context == "<<none>>" else spec.context), spec
        return None, None
