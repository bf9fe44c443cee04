"""The service layer's facts about a unit's running server: its process (the MainPID
`systemctl show` names; where systemd does not answer, the processes that run the unit's
program, from /proc, and whether systemd started them for the unit: their cgroup), the
limits that process really has (/proc/PID/limits), what systemd loaded for the unit
(LimitNOFILE=, and whether the unit file changed since: NeedDaemonReload) and systemd's
default for a unit without LimitNOFILE= (DefaultLimitNOFILE=).  A part of ServiceFacts
(facts/service.py), which mixes it in: it reads through the same declared inputs
(`self.io`, inputs/service.py) and memo."""

from gotriage.findings import Evidence
from gotriage.i18n import _
from gotriage.knowledge import systemd as K
from gotriage.parsers.limits import cgroup_unit, limit_pair, parse_proc_limits, parse_show


class Running(object):
    """The process that serves a unit, as far as it can be found."""

    __slots__ = ("pid", "how", "unit_of", "exe", "limits", "evidence")

    def __init__(self, pid, how, exe=None):
        self.pid = pid
        self.how = how  # "MainPID" (systemd names it) or "program" (found by its program)
        self.unit_of = None  # the unit whose cgroup it is in ("program" only), or None
        self.exe = exe
        self.limits = None  # {"Max open files": (soft, hard)...} from /proc/PID/limits
        self.evidence = []  # how it was found, and its limits

    def nofile(self):
        return (self.limits or {}).get("Max open files")


class RunningServer(object):
    """Mixed into ServiceFacts: needs its `io`, `_memo`, `booted`, `version`, `note`,
    `exec_target` and `system`."""

    def unit_state(self, unit):
        """({property: value}, evidence) of `systemctl show` for the unit (MainPID,
        LimitNOFILE, LimitNOFILESoft, NeedDaemonReload), or (None, None) when systemd
        does not run here or does not answer."""
        def compute():
            if not self.booted:
                return None, None
            result = self.io.run("unit-state", unit=unit.name)
            if not result.ok:
                return None, None  # SVC-INPUT says a hang; not recorded: /proc below
            props = parse_show(result.text)
            return props, Evidence.command(result, " ".join(
                "%s=%s" % (k, props[k]) for k in ("MainPID", "LimitNOFILE", "LimitNOFILESoft",
                                                   "NeedDaemonReload") if k in props))
        return self._memo(("unit_state", unit.name), compute)

    @property
    def default_nofile(self):
        """(soft, hard, evidence) systemd gives a unit without LimitNOFILE=: its own
        DefaultLimitNOFILE= (`systemctl show`), else the default of its version."""
        def compute():
            if self.booted:
                result = self.io.run("manager-limits")
                pair = limit_pair(parse_show(result.text), "DefaultLimitNOFILE") if result.ok else None
                if pair is not None:
                    return pair[0], pair[1], Evidence.command(result, "DefaultLimitNOFILE=%s "
                                                              "DefaultLimitNOFILESoft=%s" % (
                                                                  _n(pair[1]), _n(pair[0])))
            soft, hard = K.default_nofile(self.version)
            return soft, hard, Evidence.fact("systemd %s's default: soft %d, hard %d (DefaultLimitNOFILE= "
                                             "of /etc/systemd/system.conf changes it)" % (
                                                 self.version or "240+", soft, hard))
        return self._memo("default_nofile", compute)

    def running(self, unit):
        """The Running process of the unit, with its limits, or None: not running, or
        not found."""
        return self._memo(("running", unit.name), lambda: self._running(unit))

    def _running(self, unit):
        props, evidence = self.unit_state(unit)
        if props is not None and props.get("MainPID", "").isdecimal():
            if props["MainPID"] == "0":
                return None  # systemd runs no process for it
            run = Running(int(props["MainPID"]), "MainPID")
            run.evidence.append(evidence)
        else:
            run = self._by_program(unit)
            if run is None:
                return None
        text = self.io.read_text("process-limits", pid=run.pid)
        if text is not None:
            run.limits = parse_proc_limits(text)
            nofile = run.nofile()
            if nofile is not None:
                run.evidence.append(Evidence.file("/proc/%d/limits" % run.pid, "Max open files  %s  %s" % (
                    _n(nofile[0]), _n(nofile[1]))))
        return run

    def _by_program(self, unit):
        """Where systemd does not say (not running as PID 1, no answer, a snapshot without
        it): the processes whose /proc/PID/exe is the unit's program, the one systemd
        started for the unit first (its cgroup)."""
        target = self.exec_target(unit)
        program = target.real or target.path
        if program is None:
            return None
        found = []
        for pid in sorted((p for p in self.io.try_listdir("processes") if p.isdecimal()), key=int):
            try:
                exe = self.io.readlink("process-exe", pid=pid)
            except Exception:  # noqa: BLE001 - exited, or another user's (not root)
                continue
            if exe in (program, program + " (deleted)"):
                found.append(pid)
        if not found:
            return None
        units = {pid: cgroup_unit(self.io.read_text("process-cgroup", pid=pid)) for pid in found}
        pid = next((p for p in found if units[p] == unit.name), found[0])
        run = Running(int(pid), "program", exe=program)
        run.unit_of = units[pid]
        values = {"pid": pid, "program": program, "unit": unit.name, "n": len(found) - 1,
                  "owner": run.unit_of or _("no unit's")}
        runs = (_("pid %(pid)s runs %(program)s (/proc/%(pid)s/exe) and %(n)d more") if len(found) > 1
                else _("pid %(pid)s runs %(program)s (/proc/%(pid)s/exe)")) % values
        where = (_("in %(unit)s's cgroup") if run.unit_of == unit.name else
                 _("not in %(unit)s's cgroup (%(owner)s)")) % values
        run.evidence.append(Evidence.fact(_("%(runs)s; %(where)s") % {"runs": runs, "where": where}))
        return run


    def login_nofile(self, unit):
        """What sets open files elsewhere and does not reach the unit: (the limits.conf or
        limits.d rule giving the unit's user its hard, else soft, nofile, or None; the
        (soft, hard) of the session gotriage runs in, or None)."""
        def compute():
            from gotriage.parsers.limits import applicable

            identity = self.identity(unit)
            rules, _ = self.system.limit_rules
            mine = applicable(rules, identity.user) if identity is not None else {}
            rule = mine.get(("nofile", "hard")) or mine.get(("nofile", "soft"))
            return rule, self.system.own_limits.get("Max open files")
        return self._memo(("login_nofile", unit.name), compute)


def _n(value):
    return "unlimited" if value == float("inf") else "%d" % value
