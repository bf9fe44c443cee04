"""`gotriage fleet run`: gotriage on every host of an Ansible inventory, through the
gotriage.triage collection (ansible/, docs/fleet-ansible.md) driven by ansible-runner.

Workstation-side only: it needs the `fleet` extra (ansible-runner, ansible-core), which
the hosts never do.  The hosts get the zipapp (--pyz, else one built here from this
gotriage's own source) or collect.sh, run by raw/script actions with their own Python.

One result directory (-o DIR):

    DIR/HOST/report.json       gotriage check --json of the host
    DIR/HOST/snapshot.tar.gz   with --collect, or from collect.sh on a host without Python 3
    DIR/HOST/error.json        a host that was down, hung or failed: what, where, why
    DIR/run.json               one entry per host: status, worst finding, counts

Exit 0 when every host gave a report, 1 when a host did not, 2 for a usage error or
when Ansible itself could not run.
"""

import json
import os
import shutil
import sys
import tempfile
import time
import zipfile

from gotriage.i18n import _

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_DIR = os.path.dirname(HERE)
# Where the collection is: the source tree's ansible/, else what setup.cfg installs
COLLECTION_PLACES = (
    os.path.join(os.path.dirname(os.path.dirname(PACKAGE_DIR)), "ansible"),
    os.path.join(sys.prefix, "share", "gotriage", "ansible"),
    "/usr/share/gotriage/ansible",
)
DEFAULT_FORKS = 10
# exit statuses of timeout(1) when it cut the run (124; 137 after -k's KILL), and what
# Ansible says when a task's own `timeout:` ended it
TIMEOUT_STATUSES = (124, 137)
TASK_TIMEOUT_WORDS = "in the expected time frame"


class UsageError(Exception):
    """A one-line usage error (exit 2)."""


def add_parser(actions, kit):
    """`fleet run`, under the `fleet` parser's actions (gotriage.fleet.command.ACTIONS)."""
    from gotriage.checks import OFFERED

    p = actions.add_parser(
        "run", help=_("run gotriage on the hosts of an Ansible inventory (the gotriage.triage "
                      "collection through ansible-runner; needs the fleet extra) and gather "
                      "their reports in one directory"))
    p.add_argument("-i", "--inventory", required=True, metavar="INVENTORY",
                   help=_("an Ansible inventory (file or directory)"))
    p.add_argument("--limit", metavar="PATTERN", help=_("only these hosts (Ansible's --limit)"))
    p.add_argument("--forks", type=_positive_int, default=DEFAULT_FORKS, metavar="N",
                   help=_("hosts at a time (default %d)") % DEFAULT_FORKS)
    p.add_argument("--layer", action="append", choices=OFFERED, metavar="LAYER",
                   help=_("run only this layer on each host (repeatable): %s") % ", ".join(OFFERED))
    p.add_argument("--collect", action="store_true",
                   help=_("also bring back a snapshot of each host (gotriage collect)"))
    p.add_argument("--timeout", type=_positive_int, default=None, metavar="SECONDS",
                   help=_("per host: cut gotriage's run after this long and report the host "
                          "as hung (default: the role's gotriage_timeout, 300)"))
    p.add_argument("--pyz", metavar="FILE",
                   help=_("the zipapp to copy to the hosts (default: one built from this "
                          "gotriage, source only)"))
    p.add_argument("-o", "--output", metavar="DIR",
                   help=_("the result directory, new or empty (default: "
                          "gotriage-fleet-YYYYMMDDTHHMMSS)"))
    p.add_argument("--json", action="store_true", help=_("print run.json instead of the table"))
    p.set_defaults(func=kit.runner("gotriage.fleet.command"), fleet_action="run")
    return p


def _positive_int(text):
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(_("%r is not a whole number of at least 1") % text)
    return value


def find_collection():
    """The directory of the gotriage.triage collection (with galaxy.yml)."""
    for place in COLLECTION_PLACES:
        if os.path.isfile(os.path.join(place, "galaxy.yml")):
            return place
    raise UsageError(_("the gotriage.triage Ansible collection is not installed (looked in %s)")
                     % ", ".join(COLLECTION_PLACES))


def build_source_pyz(path):
    """A zipapp of this gotriage's source (any Python 3.6+ runs it; scripts/build-pyz
    makes the release one, with bytecode)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("__main__.py", "import sys\nfrom gotriage.cli import main\nsys.exit(main())\n")
        for top, dirs, files in os.walk(PACKAGE_DIR):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(".pyc"):
                    continue
                full = os.path.join(top, name)
                z.write(full, os.path.join("gotriage", os.path.relpath(full, PACKAGE_DIR)))
    return path


def _output_dir(name):
    if not name:
        name = "gotriage-fleet-" + time.strftime("%Y%m%dT%H%M%S")
    if os.path.isdir(name):
        if os.listdir(name):
            raise UsageError(_("%s is not empty") % name)
    else:
        try:
            os.makedirs(name, 0o700)
        except OSError as exc:
            raise UsageError(_("cannot make %(path)s: %(error)s") % {
                "path": name, "error": exc.strerror or exc}) from None
    return os.path.abspath(name)


def run(args, open_host, write, unicode_ok=True, colour=False):
    try:
        import ansible_runner
    except ImportError:
        raise UsageError(_("gotriage fleet run needs ansible-runner and ansible-core: "
                           "pip install 'gotriage[fleet]'")) from None
    if not os.path.exists(args.inventory):
        raise UsageError(_("no inventory %s") % args.inventory)
    if args.pyz and not os.path.isfile(args.pyz):
        raise UsageError(_("no zipapp %s") % args.pyz)
    collection = find_collection()
    dest = _output_dir(args.output)
    work = tempfile.mkdtemp(prefix="gotriage-fleet-")
    try:
        result = drive(ansible_runner, collection, dest, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with open(os.path.join(dest, "run.json"), "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    write(json.dumps(result, indent=1, sort_keys=True) + "\n" if args.json else render(result))
    if result["ansible_status"] not in ("successful", "failed") or not result["hosts"]:
        raise UsageError(_("ansible-runner ended %(status)s (rc %(rc)s) with no host results: "
                           "%(log)s") % {"status": result["ansible_status"],
                                         "rc": result["ansible_rc"],
                                         "log": os.path.join(dest, "ansible.log")})
    return 0 if all(h["status"] == "ok" for h in result["hosts"].values()) else 1


def drive(ansible_runner, collection, dest, work, args):
    """Run the collection's playbook; return run.json's content."""
    from gotriage.collect_sh import generate

    collections = os.path.join(work, "collections")
    os.makedirs(os.path.join(collections, "ansible_collections", "gotriage"))
    os.symlink(collection, os.path.join(collections, "ansible_collections", "gotriage", "triage"))
    pyz = os.path.abspath(args.pyz) if args.pyz else build_source_pyz(
        os.path.join(work, "gotriage.pyz"))
    collect_sh = os.path.join(work, "collect.sh")
    with open(collect_sh, "w") as f:
        f.write(generate())
    # extra vars win over the inventory's: only what the command line says
    extravars = {"gotriage_pyz": pyz, "gotriage_collect_sh": collect_sh,
                 "gotriage_dest": dest, "gotriage_collect": bool(args.collect)}
    if args.layer:
        extravars["gotriage_extra_args"] = [w for layer in args.layer for w in ("--layer", layer)]
    if args.timeout:
        extravars["gotriage_timeout"] = args.timeout
    # ansible-playbook from the same environment as ansible-runner (a venv not on PATH)
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    started = time.time()
    runner = ansible_runner.run(
        private_data_dir=work,
        playbook=os.path.join(collection, "playbooks", "run.yml"),
        inventory=os.path.abspath(args.inventory),
        limit=args.limit, forks=args.forks, extravars=extravars, quiet=True,
        envvars={"ANSIBLE_COLLECTIONS_PATH": collections, "ANSIBLE_RETRY_FILES_ENABLED": "0",
                 "ANSIBLE_NOCOLOR": "1", "PATH": path})
    hosts = host_results(runner.events, dest)
    if not hosts:
        # what Ansible said, for the error (a bad inventory, a missing ansible-playbook)
        with open(os.path.join(dest, "ansible.log"), "w") as f:
            f.write(runner.stdout.read() if runner.stdout else "")
    return {"ansible_status": runner.status, "ansible_rc": runner.rc,
            "seconds": round(time.time() - started, 1), "hosts": hosts}


def host_results(events, dest):
    """Each host's outcome from ansible-runner's events; error.json written for the
    hosts that gave no report."""
    hosts = {}
    for event in events:
        kind = event.get("event")
        data = event.get("event_data") or {}
        host = data.get("host")
        if not host or kind not in ("runner_on_ok", "runner_on_failed", "runner_on_unreachable"):
            continue
        entry = hosts.setdefault(host, {"status": "ok"})
        res = data.get("res") or {}
        facts = res.get("ansible_facts") or {} if kind == "runner_on_ok" else {}
        # which way the host ran: its Python, collect.sh (sh) or the RPM
        for fact, key in (("gotriage_python", "python"), ("gotriage_path", "path")):
            if isinstance(facts.get(fact), str) and facts[fact].strip():
                entry[key] = facts[fact].strip()
        if kind == "runner_on_ok" or data.get("ignore_errors"):
            continue
        if entry["status"] != "ok":
            continue  # the first failure is the one that stopped the host
        entry.update(_failure(kind, data.get("task") or "", res))
    for host, entry in sorted(hosts.items()):
        report = os.path.join(dest, host, "report.json")
        if entry["status"] == "ok":
            summary = _summary(report)
            if summary is None:
                entry.update(status="failed", message="no report.json came back")
            else:
                entry.update(summary)
        if entry["status"] != "ok":
            os.makedirs(os.path.join(dest, host), 0o700, exist_ok=True)
            with open(os.path.join(dest, host, "error.json"), "w") as f:
                json.dump(dict(entry, host=host), f, indent=1, sort_keys=True)
                f.write("\n")
    return hosts


def _failure(kind, task, res):
    rc = res.get("rc")
    message = (res.get("msg") or "").strip()
    stderr = (res.get("stderr") or "").strip()
    if kind == "runner_on_unreachable":
        status = "down"
    elif rc in TIMEOUT_STATUSES or TASK_TIMEOUT_WORDS in message:
        status = "hung"
    else:
        status = "failed"
    entry = {"status": status, "task": task.replace("gotriage | ", ""), "message": message}
    if rc is not None:
        entry["rc"] = rc
    if stderr:
        entry["stderr"] = stderr[-2000:]
    return entry


def _summary(path):
    try:
        with open(path) as f:
            report = json.load(f)
        summary = report["summary"]
        return {"hostname": report["host"]["hostname"], "worst": summary["worst"],
                "counts": summary["counts"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def render(result):
    rows = [("HOST", "STATUS", "WORST", "ERROR", "WARN", "WHY")]
    for host, h in sorted(result["hosts"].items()):
        counts = h.get("counts") or {}
        why = "" if h["status"] == "ok" else (h.get("message") or h.get("stderr") or "")
        rows.append((host, h["status"], h.get("worst", "-"), str(counts.get("error", "-")),
                     str(counts.get("warn", "-")), why.splitlines()[0][:60] if why else ""))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:5], widths)) + ("  " + r[5] if r[5] else "")
             for r in rows]
    down = sum(1 for h in result["hosts"].values() if h["status"] != "ok")
    lines.append("%d hosts, %d without a report, %.1f s" % (
        len(result["hosts"]), down, result["seconds"]))
    return "\n".join(line.rstrip() for line in lines) + "\n"
