"""The finding ids of `gotriage verify`, with what each means, its evidence and its fix
(docs/verify.md lists them; `gotriage verify` reports only these, and the ok results
VERIFY-INTEGRITY, VERIFY-ARCHIVE, VERIFY-BUILD, VERIFY-PROBE, VERIFY-SERVICE).  The Go
services' units and programs are judged by the service layer's own SVC-UNIT and SVC-EXEC
checks, and the recorded files by the baseline layer's BASE-* checks."""

LAYER = "verify"

# id -> (meaning, evidence, fix)
FINDINGS = {
    "VERIFY-TREE-CHANGED": (
        "A program in a Go install's bin/ or pkg/tool no longer hashes to the content ID "
        "of its own Go build ID: its bytes changed after the go command linked it.",
        "the program, the content ID its bytes give and the one its build ID names",
        "Reinstall that Go release from its published archive (checked with --archive)."),
    "VERIFY-TREE-FOREIGN": (
        "A file in a Go install's bin/ or pkg/tool/GOOS_GOARCH is not a Go program: a "
        "release puts only Go programs there.",
        "the file and why it is not one",
        "Remove it, or reinstall the release."),
    "VERIFY-VERSION-MISMATCH": (
        "The VERSION file of a Go install names one release and its bin/go embeds another "
        "(what `go version bin/go` prints): the tree mixes two releases.",
        "the VERSION line and the version bin/go embeds",
        "Remove the tree and unpack one release into an empty directory."),
    "VERIFY-RPM-CHANGED": (
        "rpm -V (dpkg --verify on Debian) finds files of the package that installed this go "
        "changed (size, digest, mode...) against the package's own checksums.",
        "rpm -Vf's (dpkg --verify's) lines",
        "Reinstall the package (dnf reinstall PACKAGE)."),
    "VERIFY-GO-MISSING": (
        "The spec requires a Go install (a root, or a version) that is not there.",
        "the spec's section and the installs found",
        "Install that release, or correct the spec."),
    "VERIFY-ARCHIVE-MISMATCH": (
        "The archive's SHA-256 is not the one Go published for that file name: it is not "
        "the release it is named after (corrupted, or altered).",
        "the archive's SHA-256 and the published one (knowledge/go_checksums.py)",
        "Download it again from https://go.dev/dl/ and check it before unpacking."),
    "VERIFY-ARCHIVE-UNKNOWN": (
        "gotriage does not know the published SHA-256 of this archive's release (or the "
        "file name is not go1.N.linux-ARCH.tar.gz): it cannot be checked here.",
        "the archive's SHA-256",
        "Compare it with the sha256 on https://go.dev/dl/ by hand."),
    "VERIFY-BUILD-FAILED": (
        "With --build, the real go could not build (or run) a hello program in the "
        "environment of this context; go's own message is shown, and the cause explain "
        "finds in it.",
        "the go command, its exit status and its output; explain's finding id",
        "The fix of the explained cause (gotriage checks ID), else go's message."),
    "VERIFY-PROBE-FAILED": (
        "A probe of the spec failed its gate (gotriage probe's rules: answered, error rate, "
        "p95).",
        "the rule that failed, with its numbers",
        "See docs/probe.md; gotriage probe TARGET shows each error as a Go client prints it."),
    "VERIFY-SERVICE-DOWN": (
        "A Go service (the spec's `services`, or one the service layer finds) runs no "
        "process: systemd's MainPID is 0 (or, without systemd's answer, no process runs "
        "its program).",
        "the unit, and what systemd or /proc said",
        "systemctl status UNIT and journalctl -u UNIT say why; the service layer's "
        "findings in the same report name the cause when it is one it knows."),
    "VERIFY-INPUT": (
        "Something verify needed could not be read or run (a file, rpm, go): that part is "
        "not verified.",
        "what was asked and what the host answered",
        "Run gotriage as root, or fix what the message names."),
}

# check id (its ok result) -> (title, the problem ids it reports)
CHECKS = (
    ("VERIFY-INTEGRITY", "each Go install is what it claims to be",
     ("VERIFY-TREE-CHANGED", "VERIFY-TREE-FOREIGN", "VERIFY-VERSION-MISMATCH",
      "VERIFY-RPM-CHANGED", "VERIFY-GO-MISSING")),
    ("VERIFY-ARCHIVE", "a release archive is Go's published file",
     ("VERIFY-ARCHIVE-MISMATCH", "VERIFY-ARCHIVE-UNKNOWN")),
    ("VERIFY-BUILD", "go builds and runs hello programs in each context (--build)",
     ("VERIFY-BUILD-FAILED",)),
    ("VERIFY-PROBE", "the spec's probes pass their gate", ("VERIFY-PROBE-FAILED",)),
    ("VERIFY-SERVICE", "the Go services run a process", ("VERIFY-SERVICE-DOWN",)),
    ("VERIFY-INPUTS", "what verify needed could be read", ("VERIFY-INPUT",)),
)


def _run_by_verify(facts):
    # verify/checks.py judges, called by verify/command.py: never the runner (no docstring:
    # docs/findings.md prints a check function's docstring as the check's own text)
    return []


def registry():
    """verify's checks as checks.Check records: checks.COMMAND_CHECKS names this, for
    `gotriage checks`, docs/findings.md and po/gotriage.pot (verify runs them itself, not
    the runner: they are not in the layer table)."""
    from gotriage.checks import Check

    out = []
    for check_id, title, ids in CHECKS:
        out.append(Check(check_id, LAYER, title, {i: FINDINGS[i] for i in ids}, _run_by_verify))
    return out
