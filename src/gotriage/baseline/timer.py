"""`gotriage baseline timer`: the systemd service and timer that run `gotriage baseline
diff --notify` on a schedule (docs/baseline.md, "A timer"), as text to review and
install.  Pure: the values in, the two unit files out, every value written in systemd's
language by gotriage.quoting (or refused when systemd cannot read it back).

`--apply` installs them through the apply engine (plan(), docs/apply.md): written
atomically, `systemd-analyze verify`, `systemctl daemon-reload`, `systemctl enable --now`
the timer, all undone when a step fails.
"""

import re

UNIT_DIR = "/etc/systemd/system"
NAME = "gotriage-baseline"
DEFAULT_EVERY = "1h"
DEFAULT_TO_FILE = "/etc/gotriage/notify.to"
# After boot, the first run waits this long (the network and firewalld are up by then).
FIRST_RUN_AFTER_BOOT = "5min"
# A run is bounded by diff's own --deadline (60 s) and notify's attempts (4 x 10 s and
# 7 s of waits a destination); systemd stops one that somehow runs longer.
RUN_TIMEOUT = "15min"

# systemd.time(7) time spans gotriage accepts for --every: one number and one unit.
_SPAN = re.compile(r"^([1-9][0-9]{0,5})(min|m|h|hr|hour|hours|d|day|days|w|week|weeks)$")
_MINUTES = {"min": 1, "m": 1, "h": 60, "hr": 60, "hour": 60, "hours": 60, "d": 1440,
            "day": 1440, "days": 1440, "w": 10080, "week": 10080, "weeks": 10080}


class TimerError(ValueError):
    """A value the units cannot carry: a one-line reason."""


def every_span(text):
    """`text` as the systemd time span of OnUnitActiveSec=, at least a minute, at most
    a year; TimerError otherwise.

    >>> every_span("1h"), every_span("30min"), every_span("2d")
    ('1h', '30min', '2d')
    """
    match = _SPAN.match(text.strip())
    if not match:
        raise TimerError("--every %r: a number and a unit, e.g. 30min, 1h, 1d, 1w" % text)
    minutes = int(match.group(1)) * _MINUTES[match.group(2)]
    if minutes > 366 * 1440:
        raise TimerError("--every %s: at most a year" % text)
    return "%s%s" % (match.group(1), match.group(2))


def diff_argv(program, repo, to_file, secret_file=None, kind=None):
    """The command the service runs: `PROGRAM baseline diff --notify ...`."""
    argv = list(program) + ["baseline", "diff", "--notify", "--repo", repo, "--to-file", to_file]
    if secret_file:
        argv += ["--secret-file", secret_file]
    if kind:
        argv += ["--kind", kind]
    return argv


def units(program, repo, every=DEFAULT_EVERY, to_file=DEFAULT_TO_FILE, secret_file=None,
          kind=None, name=NAME):
    """[(path, text)] of the service and the timer.  `program` is the argv that runs
    gotriage (its first word an absolute path)."""
    from gotriage.quoting import Unrepresentable, systemd_exec_line, systemd_path

    span = every_span(every)
    argv = diff_argv(program, repo, to_file, secret_file, kind)
    try:
        exec_line = systemd_exec_line(argv)
        shown_repo = systemd_path(repo)
    except Unrepresentable as exc:
        raise TimerError("systemd cannot run this command as written: %s" % exc) from None
    service = "\n".join([
        "[Unit]",
        "Description=gotriage: drift of this host from its baseline %s, notified" % shown_repo,
        "Documentation=man:gotriage(1)",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        # exit 1 (drift) leaves the unit failed, which `systemctl --failed` and monitoring
        # see; the notification has told a person already
        "ExecStart=" + exec_line,
        "TimeoutStartSec=" + RUN_TIMEOUT,
        "",
    ])
    timer = "\n".join([
        "[Unit]",
        "Description=gotriage: baseline drift check every %s" % span,
        "Documentation=man:gotriage(1)",
        "",
        "[Timer]",
        "OnBootSec=" + FIRST_RUN_AFTER_BOOT,
        "OnUnitActiveSec=" + span,
        "Unit=%s.service" % name,
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
    ])
    return [("%s/%s.service" % (UNIT_DIR, name), service),
            ("%s/%s.timer" % (UNIT_DIR, name), timer)]


def render(pairs, name=NAME):
    """What `baseline timer` prints: how to install, then each file after a marker line
    `# ---- PATH` (the tests cut the output there)."""
    head = [
        "# gotriage baseline timer: review these two unit files, write each as root at",
        "# the path after its '# ----' line, then run",
        "#   systemctl daemon-reload && systemctl enable --now %s.timer" % name,
        "# (or `gotriage baseline timer ... --apply` does it, with validation and rollback:",
        "#  docs/apply.md; nothing was installed)",
    ]
    out = "\n".join(head) + "\n"
    for path, text in pairs:
        out += "\n# ---- %s\n%s" % (path, text)
    return out


def plan(pairs, current_sha, name=NAME):
    """The apply Plan that installs the units: each file (root's, 0644) where the host
    has `current_sha(path)` (plan.ABSENT when absent), then `systemctl enable --now` the
    timer after the daemon-reload the unit files call for."""
    from gotriage.apply.commands import bind
    from gotriage.apply.plan import CommandStep, FileStep, Plan

    steps = [FileStep(path, content=text.encode("utf-8"), mode="0644", uid=0, gid=0,
                      expect=current_sha(path), why="the %s unit" % path.rsplit(".", 1)[1])
             for path, text in pairs]
    steps.append(CommandStep(bind(["systemctl", "enable", "--now", name + ".timer"]),
                             why="start the timer, and at every boot"))
    return Plan("baseline timer", steps)
