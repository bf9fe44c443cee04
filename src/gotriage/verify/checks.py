"""Records -> findings for `gotriage verify`: pure (no I/O; gather.py and runtime.py read
and run, this judges)."""

from gotriage.findings import Action, Evidence, Finding
from gotriage.verify.findings import LAYER


def _finding(fid, severity, title, subject, evidence=(), why=None, fix=(), check=None):
    return Finding(fid, severity, title, check=check or fid, layer=LAYER, evidence=evidence,
                   why=why, fix=fix, subject=subject)


def tree_findings(install):
    """Findings for one gathered install (gather.InstallRecord)."""
    out = []
    if install.absent:
        return [_finding("VERIFY-GO-MISSING", "error", "no Go install at %s (it has no bin/go)"
                         % install.given_root, install.root, check="VERIFY-INTEGRITY")]
    if install.rpm is not None:
        lines, result = install.rpm
        if lines:
            out.append(_finding(
                "VERIFY-RPM-CHANGED", "error",
                "files of %s changed since the package manager installed them" % install.package, install.root,
                evidence=[Evidence.command(result)] if result is not None else
                [Evidence.fact(line) for line in lines],
                fix=[Action.command(
                    ["dnf", "reinstall", install.package] if result is None or
                    result.argv[0] == "rpm" else
                    ["apt-get", "install", "--reinstall", install.package],
                    description="reinstall the package", safe=False)],
                check="VERIFY-INTEGRITY"))
        else:
            out.append(_finding("VERIFY-INTEGRITY", "ok", "%s: the package manager finds "
                                "its files as the package %s installed them" % (install.root, install.package),
                                install.root))
        return out
    if install.version_file and install.embedded and install.version_file != install.embedded:
        out.append(_finding(
            "VERIFY-VERSION-MISMATCH", "error",
            "%s: VERSION says %s, bin/go is %s" % (install.root, install.version_file,
                                                   install.embedded), install.root,
            evidence=[Evidence.file(install.root + "/VERSION", install.version_file, 1),
                      Evidence.fact("bin/go embeds %s (what `go version bin/go` prints)"
                                    % install.embedded)],
            check="VERIFY-INTEGRITY"))
    for tool in install.tools:
        if tool.ok is False:
            out.append(_finding("VERIFY-TREE-CHANGED", "error", "%s changed after it was "
                                "built" % tool.path, tool.path,
                                evidence=[Evidence.fact(tool.problem)], check="VERIFY-INTEGRITY"))
        elif tool.ok is None:
            out.append(_finding("VERIFY-TREE-FOREIGN", "error", "%s is not part of a Go "
                                "release" % tool.path, tool.path,
                                evidence=[Evidence.fact(tool.problem)], check="VERIFY-INTEGRITY"))
    if not out and install.tools:
        out.append(_finding(
            "VERIFY-INTEGRITY", "ok", "%s: %s, its %d programs as they were built" % (
                install.root, install.version_file or "no VERSION file", len(install.tools)),
            install.root))
    return out


def required_findings(required, installs):
    """VERIFY-GO-MISSING for each spec.GoRequirement no install meets."""
    out = []
    for req in required:
        met = [i for i in installs
               if (not req.root or i.root == req.root or i.given_root == req.root)
               and (not req.version or (i.version_file or i.embedded) == req.version)]
        if not met and not any(i.absent and i.given_root == req.root for i in installs):
            found = ", ".join("%s (%s)" % (i.root, i.version_file or i.embedded or "?")
                              for i in installs) or "none"
            out.append(_finding(
                "VERIFY-GO-MISSING", "error", "the spec's [go %s] (%s) is not installed" % (
                    req.name, " ".join(x for x in (req.root, req.version) if x)),
                "go " + req.name, evidence=[Evidence.fact("Go installs found: " + found)],
                check="VERIFY-INTEGRITY"))
    return out


def archive_findings(path, name, sha256, state, expected, source):
    if state == "match":
        return [_finding("VERIFY-ARCHIVE", "ok", "%s is Go's published %s (SHA-256 %s)" % (
            path, name, sha256), path)]
    if state == "mismatch":
        return [_finding("VERIFY-ARCHIVE-MISMATCH", "error",
                         "%s is not Go's published %s" % (path, name), path,
                         evidence=[Evidence.fact("SHA-256 of the file: %s" % sha256),
                                   Evidence.fact("published for %s: %s (%s)" % (
                                       name, expected, source))],
                         check="VERIFY-ARCHIVE")]
    return [_finding("VERIFY-ARCHIVE-UNKNOWN", "warn", "%s: no published SHA-256 known for %s"
                     % (path, name), path,
                     evidence=[Evidence.fact("SHA-256 of the file: %s" % sha256)],
                     check="VERIFY-ARCHIVE")]


def build_findings(attempt):
    """Findings for one runtime.Attempt (a program built and run in one context)."""
    subject = "%s %s in %s" % (attempt.go, attempt.program, attempt.context)
    if attempt.ok:
        return [_finding("VERIFY-BUILD", "ok", "%s: the %s hello program builds and runs in "
                         "%s" % (attempt.go, attempt.program, attempt.context), subject)]
    why = None
    if attempt.explained:
        why = "explain names the cause: %s (gotriage checks %s)" % (
            attempt.explained[0], attempt.explained[0])
    evidence = [Evidence("command", source=attempt.context, argv=attempt.argv,
                         returncode=attempt.returncode, text=attempt.output)]
    evidence.extend(Evidence.fact("explained: " + cid) for cid in attempt.explained)
    return [_finding("VERIFY-BUILD-FAILED", attempt.severity, "%s: the %s hello program fails to %s in "
                     "%s" % (attempt.go, attempt.program, attempt.step, attempt.context),
                     subject, evidence=evidence, why=why, check="VERIFY-BUILD")]


def probe_findings(name, url, decisions, errors=()):
    """Findings for one probe of the spec: gate.Decisions and the Summary's ErrorGroups
    (each error worded as a Go client prints it)."""
    failed = [d for d in decisions if not d.passed]
    seen = [Evidence.fact("%d x %s" % (g.count, g.message)) for g in errors]
    if not failed:
        return [_finding("VERIFY-PROBE", "ok", "probe %s (%s): %s" % (
            name, url, "; ".join(d.text for d in decisions)), "probe " + name)]
    return [_finding("VERIFY-PROBE-FAILED", "error", "probe %s: %s" % (name, d.text),
                     "probe %s %s" % (name, d.rule), evidence=[Evidence.fact(d.text)] + seen,
                     check="VERIFY-PROBE") for d in failed]


def input_finding(what, message):
    return _finding("VERIFY-INPUT", "warn", "%s: %s" % (what, message), what,
                    check="VERIFY-INPUTS")


def service_findings(unit, running):
    """VERIFY-SERVICE (ok) or VERIFY-SERVICE-DOWN for a Go service and its Running
    process (facts/service_running.py), or None when it runs none."""
    if running is None:
        return [_finding("VERIFY-SERVICE-DOWN", "error", "%s is not running" % unit,
                         "service " + unit, fix=[Action.command(
                             ["systemctl", "status", unit], description="see why")],
                         check="VERIFY-SERVICE")]
    return [_finding("VERIFY-SERVICE", "ok", "%s is running (PID %d)" % (unit, running.pid),
                     "service " + unit, evidence=list(running.evidence))]
