"""SELinux labels for the service layer: what the policy wants on a program's path, and
whether systemd (init_t) may execute a file with the label it has.

`matchpathcon -n PATH` answers the first question on a live host; without it (a snapshot
with no recorded answer, or a host without libselinux-utils) the policy's
contexts/files/file_contexts (+ .homedirs, + .local) are matched by the SELinux layer's
gotriage.selinux.fcontext (libselinux's rule: the last matching entry wins, entries
without regular-expression characters last).  Here: the file_contexts.subs(_dist)
aliases ("/usr/lib64 /usr/lib") applied first, and the types from knowledge/selinux.py.

Sample (RHEL 9 targeted policy)::

    /usr/local/bin(/.*)?      system_u:object_r:bin_t:s0
    /home/[^/]+/.+            unconfined_u:object_r:user_home_t:s0
    /tmp/.*                   <<none>>
"""

from gotriage.i18n import N_
from gotriage.knowledge.selinux import MISPLACED_TYPES, SERVICE_EXEC_TYPES
from gotriage.selinux.fcontext import FileContexts as _FileContexts
from gotriage.selinux.fcontext import parse_file_contexts

# Why a misplaced type is there: what `mv` keeps on a binary built in a home directory or
# /tmp (DESIGN.md: the commonest Go-service denial); translated where it is shown.
_WHERE = {
    "user_home_t": N_("a file in a user's home directory"),
    "user_home_dir_t": N_("a user's home directory itself"),
    "admin_home_t": N_("a file in /root"),
    "user_tmp_t": N_("a file created in /tmp by a user"),
    "tmp_t": N_("a file in /tmp"),
    "unlabeled_t": N_("a file with no label"),
    "default_t": N_("a path the policy has no rule for"),
    "file_t": N_("a file with no label"),
    "var_t": N_("a file under /var or /srv"),
    "httpd_user_content_t": N_("web content in a home directory"),
}
DENIED_EXEC_TYPES = {t: _WHERE.get(t, N_("a label meant for data, not programs"))
                     for t in set(MISPLACED_TYPES) | {"httpd_user_content_t"}}


def exec_ok(setype):
    """Types systemd runs programs of: bin_t/usr_t (as unconfined_service_t), shells and
    libraries, and *_exec_t (entering their domain)."""
    return (setype in SERVICE_EXEC_TYPES or setype in ("lib_t", "textrel_shlib_t")
            or (setype or "").endswith("_exec_t"))


def context_type(context):
    """'system_u:object_r:bin_t:s0' -> 'bin_t'; None for anything else."""
    if not context:
        return None
    parts = context.strip().strip("\0").split(":")
    return parts[2] if len(parts) >= 3 else None


def parse_subs(text):
    """file_contexts.subs: "ALIAS ORIGINAL" lines."""
    subs = []
    for raw in (text or "").splitlines():
        fields = raw.split("#", 1)[0].split()
        if len(fields) == 2:
            subs.append((fields[0].rstrip("/"), fields[1].rstrip("/")))
    return subs


class FileContexts(object):
    """The policy's file contexts with its path aliases."""

    def __init__(self, files, subs=()):
        """`files`: [(source, text)] in load order (base, homedirs, local)."""
        specs = []
        for source, text in files:
            specs.extend(parse_file_contexts(text, source))
        self.contexts = _FileContexts(specs)
        self.subs = list(subs)

    def lookup(self, path, file_type="file"):
        """(context or None for <<none>>, spec) of the entry that wins, or (None, None)."""
        for alias, original in self.subs:
            if path == alias or path.startswith(alias + "/"):
                path = original + path[len(alias):]
                break
        spec = self.contexts.lookup(path, file_type)
        if spec is None:
            return None, None
        return (None if spec.context == "<<none>>" else spec.context), spec
