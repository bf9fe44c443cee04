"""`gotriage service UNIT --trace`: start the unit's program under `strace -f`, the way
systemd would (its user, environment and working directory), for a few seconds, and read
what happened.

This is the one thing gotriage does that can change a host: it runs the service's own
binary, which may write files, bind ports or talk to other systems.  So it is explicit
(--trace), confirmed (a question on a terminal, or --yes), live only, and bounded: after
TRACE_SECONDS the whole process group is killed, and every process the trace saw that is
still alive (a daemon that left the group with setsid) is killed too.  gotriage makes
itself a child subreaper for this, so such orphans become its children and can be found
and reaped.
"""

import ctypes
import os
import posixpath
import shutil
import signal
import tempfile
import time

from gotriage.i18n import _
from gotriage.parsers.systemd_unit import expand_env
from gotriage.service.strace import parse_strace

TRACE_SECONDS = 5.0
MAX_TRACE_BYTES = 32 * 1024 * 1024
PR_SET_CHILD_SUBREAPER = 36


class TraceResult(object):
    def __init__(self):
        self.unavailable = None  # why it was not run
        self.unavailable_fix = None
        self.argv = []  # the service's command (program first)
        self.program = None
        self.program_exists = False
        self.command = None  # the CommandResult of strace
        self.analysis = None
        self.killed = False  # still running at the deadline
        self.seconds = 0.0
        self.leftovers = []  # pids that had to be killed after the group


def describe(facts, unit):
    """What --trace will run, for the confirmation question."""
    target = facts.exec_target(unit)
    ident = facts.identity(unit)
    argv = _argv(facts, unit, target)
    return "%s as %s in %s" % (" ".join(argv) if argv else "(no program)",
                               ident.user if ident else "(unknown user)", _cwd(facts, unit)[0] or "/")


def _argv(facts, unit, target):
    if unit.main is None or target.path is None:
        return []
    env = facts.environment(unit)[0]
    argv = list(unit.main.argv)
    if ":" not in unit.main.prefixes:
        argv, _missing = expand_env(argv, env)
    return [target.path] + argv[1:]


def _cwd(facts, unit):
    value = facts.expand(unit, unit.value("WorkingDirectory") or "")
    if not value:
        return "/", None
    optional = value.startswith("-")
    path = value.lstrip("-")
    if path == "~":
        ident = facts.identity(unit)
        path = ident.home if ident else "/"
    if facts.host.is_dir(path):
        return path, None
    if optional:
        return "/", None
    return None, _("WorkingDirectory=%(path)s does not exist (systemd stops at status=200/CHDIR)") % {
        "path": path}


def trace_unit(facts, unit):
    result = TraceResult()
    host = facts.host
    if host.kind != "live" or type(host).__name__ != "LiveHost":
        result.unavailable = _("--trace runs the program, so only on the live host (not on a "
                               "snapshot)")
        return result
    target = facts.exec_target(unit)
    if unit.main is None or target.path is None:
        result.unavailable = _("ExecStart= names no program that exists")
        return result
    result.program = target.path
    result.program_exists = target.stat is not None
    result.argv = _argv(facts, unit, target)
    ident = facts.identity(unit)
    if ident is None:
        result.unavailable = _("User=%(user)s does not exist") % {"user": unit.value("User")}
        return result
    cwd, problem = _cwd(facts, unit)
    if problem:
        result.unavailable = problem
        return result
    search = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    strace = host.which("strace", search)[0]
    if strace is None:
        result.unavailable = _("strace is not installed")
        result.unavailable_fix = _("%(command)s (yum on EL7)") % {"command": "dnf install -y strace"}
        return result
    if os.geteuid() != 0 and ident.uid != os.geteuid():
        result.unavailable = _("running the program as %(user)s needs root") % {"user": ident.user}
        result.unavailable_fix = _("run gotriage as root")
        return result
    env = dict(facts.environment(unit)[0])
    seconds = facts.trace_seconds or TRACE_SECONDS
    workdir = tempfile.mkdtemp(prefix="gotriage-trace-")
    os.chmod(workdir, 0o700)
    out = os.path.join(workdir, "strace.out")
    argv = [strace, "-f", "-q", "-s", "256", "-o", out]
    ambient = _ambient_caps(unit)
    if ident.uid != os.geteuid():
        setpriv = host.which("setpriv", search)[0] if ambient else None
        if setpriv is not None:
            # systemd's AmbientCapabilities=: setpriv can hand them over (strace -u cannot);
            # its own capabilities stay effective until execve, so a directory the user may
            # not search is not caught here (SVC-EXEC-DENIED still is).
            caps = ",".join("+" + c[4:].lower() for c in ambient)
            argv += ["--", setpriv, "--reuid", str(ident.uid), "--regid", str(ident.gid),
                     "--init-groups", "--inh-caps", caps, "--ambient-caps", caps]
        else:
            # strace -u switches user the way systemd does: capabilities are gone before
            # execve, so the kernel checks the path and the file as the unit's user.
            argv += ["-u", ident.user]
    argv += ["--"] + result.argv
    limits = _limits(unit)
    if limits:
        # The unit's Limit*= apply to the program, as systemd sets them before execve;
        # prlimit runs first (as root, so it may raise hard limits) and strace inherits.
        prlimit = host.which("prlimit", search)[0]
        if prlimit is not None:
            argv = [prlimit] + limits + ["--"] + argv
    _become_subreaper()
    started = time.monotonic()
    try:
        command = host.run(argv, env=env, cwd=cwd, timeout=seconds)
        result.seconds = time.monotonic() - started
        result.killed = command.error == "timeout"  # ('deadline': it never started)
        try:
            with open(out, "rb") as f:
                f.seek(0, 2)
                size = f.tell()
                f.seek(max(0, size - MAX_TRACE_BYTES))
                text = f.read().decode("utf-8", "replace")
        except OSError:
            text = ""
        analysis = parse_strace(text, result.program, command.errtext)
        if analysis.exit_status is None and analysis.signal is None and not result.killed:
            # strace exits with its tracee's status (128+N for a signal)
            analysis.exit_status = command.returncode
        result.leftovers = _kill_leftovers(analysis.pids)
        _reap()
        result.command = command
        result.analysis = analysis
        if not analysis.calls and command.error:
            result.unavailable = _("strace did not run: %(error)s") % {"error": command.excerpt(2)}
        elif not analysis.calls and "ptrace" in command.errtext:
            result.unavailable = _("strace cannot trace here: %(error)s") % {
                "error": command.errtext.strip().splitlines()[0]}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def _limits(unit):
    """prlimit options for the unit's LimitNOFILE= and LimitNPROC= ("soft:hard")."""
    options = []
    for key, option in (("LimitNOFILE", "--nofile"), ("LimitNPROC", "--nproc")):
        value = unit.value(key)
        if not value:
            continue
        parts = [p.strip().lower() for p in value.split(":")]
        parts = ["unlimited" if p in ("infinity", "unlimited") else p for p in parts]
        if not all(p == "unlimited" or p.isdigit() for p in parts) or len(parts) > 2:
            continue
        options.append("%s=%s:%s" % (option, parts[0], parts[-1]))
    return options


def _ambient_caps(unit):
    caps = []
    for a in unit.assignments("AmbientCapabilities"):
        value = a.value.strip()
        if value.startswith("~"):
            continue
        caps.extend(w.upper() for w in value.split() if w.upper().startswith("CAP_"))
    return sorted(set(caps))


def _become_subreaper():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _parent(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
        return int(data.rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _descends_from_us(pid):
    me = os.getpid()
    seen = 0
    while pid and pid > 1 and seen < 64:
        parent = _parent(pid)
        if parent == me:
            return True
        pid, seen = parent, seen + 1
    return False


def _kill_leftovers(pids):
    """SIGKILL every traced process still alive that is ours (a descendant of gotriage,
    which it is once its parents died: gotriage is their subreaper)."""
    killed = []
    for _attempt in range(3):
        alive = [p for p in sorted(pids) if posixpath.exists("/proc/%d" % p) and _descends_from_us(p)]
        if not alive:
            break
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except OSError:
                pass
        time.sleep(0.1)
        _reap()
    return killed


def _reap():
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        except OSError:
            return
        if pid == 0:
            return
