"""The service layer's facts about where a program sits: the mounts (a program on a
noexec mount) and SELinux (the mode, a file's label, the label the policy wants, file
capabilities).  A part of ServiceFacts (facts/service.py), which mixes it in: it reads
through the same declared inputs (`self.io`, inputs/service.py) and memo."""

import re

from gotriage.findings import Evidence
from gotriage.host.base import HostError
from gotriage.service.labels import FileContexts, parse_subs
from gotriage.service.logpaths import log_paths


class MountsAndLabels(object):
    """Mixed into ServiceFacts: needs its `io` and `_memo`."""

    # -- mounts ----------------------------------------------------------------------------
    @property
    def mounts(self):
        """[(mount point, mount options, fs type, source)] from /proc/self/mountinfo."""
        def compute():
            text = self.io.read_text("mountinfo")
            out = []
            for line in (text or "").splitlines():
                fields = line.split()
                if "-" not in fields or len(fields) < 7:
                    continue
                sep = fields.index("-")
                point = _unescape_mount(fields[4])
                options = set(fields[5].split(","))
                fstype = fields[sep + 1] if len(fields) > sep + 1 else ""
                source = fields[sep + 2] if len(fields) > sep + 2 else ""
                out.append((point, options, fstype, source))
            return out
        return self._memo("mounts", compute)

    def mount_of(self, path):
        """The mount holding `path` (the last, longest matching mount point)."""
        best = None
        for entry in self.mounts:
            point = entry[0]
            if path == point or path.startswith(point.rstrip("/") + "/") or point == "/":
                if best is None or len(point) >= len(best[0]):
                    best = entry
        return best

    # -- SELinux ---------------------------------------------------------------------------
    @property
    def selinux(self):
        """(mode, evidence): 'enforcing', 'permissive', 'disabled' or None (unknown)."""
        def compute():
            enforce = self.io.read_text("selinux-enforce")
            if enforce is not None and enforce.strip() in ("0", "1"):
                mode = "enforcing" if enforce.strip() == "1" else "permissive"
                return mode, Evidence.file("/sys/fs/selinux/enforce", enforce.strip())
            config = self.io.read_text("selinux-config")
            if config is not None:
                for number, line in enumerate(config.splitlines(), 1):
                    m = re.match(r"^\s*SELINUX\s*=\s*(\w+)", line)
                    if m:
                        mode = m.group(1).lower()
                        if not self.io.exists("selinuxfs"):
                            mode = "disabled"
                        return mode, Evidence.file("/etc/selinux/config", line.strip(), number)
            return "disabled" if config is None and enforce is None else None, None
        return self._memo("selinux", compute)

    @property
    def selinux_type(self):
        config = self.io.read_text("selinux-config") or ""
        m = re.search(r"^\s*SELINUXTYPE\s*=\s*(\S+)", config, re.M)
        return m.group(1) if m else "targeted"

    def label(self, path):
        """The security.selinux context of `path` (str), None when it has none, or a
        HostError code when it cannot be read."""
        def compute():
            try:
                value = self.io.getxattr("label", "security.selinux", path=path)
            except HostError as err:
                if err.code in ("ENODATA", "ENOTSUP", "EOPNOTSUPP", "ENOATTR"):
                    return None
                return err.code
            return value.rstrip(b"\0").decode("utf-8", "replace")
        return self._memo(("label", path), compute)

    def expected_label(self, path):
        """(context or None, how, evidence): what the policy wants on `path`."""
        def compute():
            result = self.io.run("matchpathcon", path=path)
            if result.ok and result.text.strip():
                value = result.text.strip()
                return (None if value == "<<none>>" else value), "matchpathcon", Evidence.command(result)
            fc = self.file_contexts
            if fc is None:
                return None, None, None
            context, spec = fc.lookup(path)
            if spec is None:
                return None, None, None
            return context, "file_contexts", Evidence.file(spec.source, "%s %s" % (
                spec.regex, spec.context), spec.line)
        return self._memo(("expected", path), compute)

    @property
    def file_contexts(self):
        def compute():
            base = "/etc/selinux/%s/contexts/files/" % self.selinux_type
            files = []
            for name in ("file_contexts", "file_contexts.homedirs", "file_contexts.local"):
                text = self.io.read_text("file-contexts", policy=self.selinux_type, name=name)
                if text is not None:
                    files.append((base + name, text))
            if not files:
                return None
            subs = []
            for name in ("file_contexts.subs", "file_contexts.subs_dist"):
                subs.extend(parse_subs(self.io.read_text("file-contexts", policy=self.selinux_type,
                                                         name=name) or ""))
            return FileContexts(files, subs)
        return self._memo("file_contexts", compute)

    def selinux_log_causes(self, unit):
        """The SELinux layer's explanations of denials of the unit's own log files
        (selinux/logfile.py), narrowest first, one per fix: what its journal's
        status=209/STDOUT or "open LOG: permission denied" comes from.  [] when the unit
        names no log file, or without the runner's other layers; the audit log is read
        only then (once per run, shared with the SELinux layer)."""
        if self._facts_of is None or not log_paths(unit):
            return []

        def compute():
            explained, _view = self._facts_of("selinux").explained()
            out = []
            for _d, explanations in explained:
                best = explanations[0] if explanations else None
                if best is not None and best.unit == unit.name and \
                        best.subject not in [e.subject for e in out]:
                    out.append(best)
            return out
        return self._memo(("selinux-log", unit.name), compute)

    def file_capabilities(self, path):
        """Whether the file carries capabilities (security.capability, from setcap)."""
        def compute():
            try:
                return bool(self.io.getxattr("label", "security.capability", path=path))
            except HostError:
                return False
        return self._memo(("fcaps", path), compute)


def _unescape_mount(text):
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)
