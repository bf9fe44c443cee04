"""Real files, mutated, through the real command line: bad input never escapes.

For `avc` (audit logs), `binary` (real ELF programs), `check --root`, `service --root` and
`port --root` (copies of the snapshots under tests/data with one file inside mutated):
bits flipped, the file cut short, NUL runs, invalid UTF-8, a huge line, a word replaced
by a hostile token.  Every run must end with an exit code in the documented set (0, 1,
and 2 only with a one-line `gotriage: error:`), no traceback, no "internal error" and no
GOTRIAGE-CHECK-FAILED (a check that crashed).

The mutants come from a fixed seed (fuzz_support.rng), MUTANTS per command (CI); a long
local run sets GOTRIAGE_FUZZ_MUTANTS, and GOTRIAGE_FUZZ_SEED picks other mutants.  Runs go
two at a time (each is a process that mostly waits for its own I/O).
"""

import json
import os
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from cli_support import clean_env, run_cli
from conftest import DATA, need
from firewall_scenarios import scenario_snapshot, scenarios
from fuzz_support import BYTE_TOKENS, rng

MUTANTS = int(os.environ.get("GOTRIAGE_FUZZ_MUTANTS") or 16)
SELINUX = os.path.join(DATA, "selinux")
SERVICES = os.path.join(DATA, "services")
SNAPSHOTS = os.path.join(DATA, "snapshots")


# -- mutations -------------------------------------------------------------------------------
def mutate(data, r, max_ops=4):
    """A few byte-level mutations of `data` drawn from the random.Random `r`; returns
    (mutated bytes, what was done)."""
    done = []
    data = bytearray(data)
    for _ in range(r.randint(1, max_ops)):
        op = r.choice(("flip", "flip", "truncate", "nul", "invalid-utf8", "huge-line", "token",
                       "token", "number", "number", "drop-line", "double-line"))
        pos = r.randint(0, len(data)) if data else 0
        if op == "flip" and data:
            for _ in range(r.randint(1, 8)):
                at = r.randrange(len(data))
                data[at] ^= 1 << r.randrange(8)
        elif op == "truncate":
            data = data[:pos]
        elif op == "nul":
            data[pos:pos] = b"\0" * r.choice((1, 1, 7, 4096))
        elif op == "invalid-utf8":
            data[pos:pos] = r.choice((b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\x80\x80\x80", b"\xfe\xfe"))
        elif op == "huge-line":
            data[pos:pos] = b"A" * r.choice((70000, 300000))
        elif op == "token":
            # a word (letters, digits, dots) replaced by a hostile token
            start = pos
            while start > 0 and chr(data[start - 1]).isalnum():
                start -= 1
            end = pos
            while end < len(data) and chr(data[end]).isalnum():
                end += 1
            data[start:end] = r.choice(BYTE_TOKENS)
        elif op == "number":
            # the next run of digits replaced by one int() refuses or no field can hold
            digits = re.compile(br"[0-9]+").search(bytes(data), pos) or re.compile(br"[0-9]+").search(bytes(data))
            if digits:
                data[digits.start():digits.end()] = r.choice(
                    ("\u00b2".encode("utf-8"), "\u0663".encode("utf-8"), b"99999999999999999999", b"-1", b"0x1F"))
        elif op in ("drop-line", "double-line"):
            start = data.rfind(b"\n", 0, pos) + 1
            end = data.find(b"\n", pos)
            end = len(data) if end == -1 else end + 1
            line = bytes(data[start:end])
            data[start:end] = b"" if op == "drop-line" else line + line
        done.append("%s@%d" % (op, pos))
    return bytes(data), done


def mutate_snapshot(source, target, r, prefer=()):
    """A copy of the snapshot directory `source` at `target` with one recorded file or
    command output mutated (one whose path contains a word of `prefer`, more often than
    not).  Returns what was mutated."""
    shutil.copytree(source, target)
    files = []
    for root, _dirs, names in os.walk(os.path.join(target, "files")):
        files.extend(os.path.join(root, n) for n in names)
    commands = []
    command_dir = os.path.join(target, "commands")
    if os.path.isdir(command_dir):
        commands = [os.path.join(command_dir, n) for n in sorted(os.listdir(command_dir))]
    candidates = sorted(files) + commands
    preferred = [c for c in candidates if any(p in c for p in prefer)]
    if preferred and r.random() < 0.75:
        chosen = r.choice(preferred)
    else:
        chosen = r.choice(candidates)
    if chosen in commands:
        with open(chosen) as f:
            entry = json.load(f)
        if "stdout_b64" in entry:
            import base64

            raw = base64.b64decode(entry["stdout_b64"])
        else:
            raw = (entry.get("stdout") or "").encode("utf-8")
        data, done = mutate(raw, r)
        entry.pop("stdout", None)
        import base64

        entry["stdout_b64"] = base64.b64encode(data).decode("ascii")
        with open(chosen, "w") as f:
            json.dump(entry, f)
        what = "%s (%s) %s" % (os.path.relpath(chosen, target), " ".join(entry["argv"][:4]), done)
    else:
        with open(chosen, "rb") as f:
            data, done = mutate(f.read(), r)
        with open(chosen, "wb") as f:
            f.write(data)
        what = "%s %s" % (os.path.relpath(chosen, target), done)
    return what


# -- the contract ----------------------------------------------------------------------------
def contract_breaches(proc, args, what):
    """What is wrong with one run (an empty list when nothing is)."""
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    wrong = []
    if proc.returncode not in (0, 1, 2):
        wrong.append("exit code %s" % proc.returncode)
    if proc.returncode == 2 and not err.startswith("gotriage: error:"):
        wrong.append("exit 2 without a one-line `gotriage: error:`")
    if "Traceback" in err or "Traceback" in out:
        wrong.append("a traceback")
    if "internal error" in err:
        wrong.append("an internal error")
    if "GOTRIAGE-CHECK-FAILED" in out:
        wrong.append("GOTRIAGE-CHECK-FAILED")
    if wrong:
        return ["%s: %s\n  gotriage %s\n  mutated: %s\n  stderr: %s\n  stdout: %s" % (
            ", ".join(wrong), proc.returncode, " ".join(args), what, err.strip()[-800:],
            out.strip()[-1500:])]
    return []


def run_all(jobs):
    """Run [(args, what)] two at a time; returns every breach of the contract."""
    env = clean_env()

    def one(job):
        args, what = job
        return contract_breaches(run_cli(args, env=env, timeout=300), args, what)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one, jobs))
    return [b for found in results for b in found]


# -- avc: audit logs ----------------------------------------------------------------------------
def test_avc_survives_mutated_audit_logs(tmp_path):
    r = rng("avc")
    logs = sorted(n for n in os.listdir(SELINUX) if n.endswith(".log") and n != "sample-1mb.log")
    jobs = []
    for number in range(MUTANTS):
        name = r.choice(logs)
        with open(os.path.join(SELINUX, name), "rb") as f:
            data, done = mutate(f.read(), r)
        path = tmp_path / ("%03d-%s" % (number, name))
        path.write_bytes(data)
        # every fourth run also asks this machine's SELinux tools (matchpathcon, audit2why,
        # sesearch) about what it read: the NUL of a path once reached their argv
        args = ["avc", str(path)] + ([] if number % 4 == 0 else ["--no-tools"])
        jobs.append((args, "%s %s" % (name, done)))
    breaches = run_all(jobs)
    assert not breaches, "\n\n".join(breaches)


def test_avc_reads_a_nul_in_a_path_without_failing(tmp_path):
    """The audit's case: a NUL byte inside AVC_PATH's path= stopped `gotriage avc` with
    "internal error: embedded null byte" (the path went to matchpathcon's argv)."""
    with open(os.path.join(SELINUX, "allow_execmod.log"), "rb") as f:
        data = f.read()
    assert b'path="/usr/lib/libGL.so.1.2"' in data
    log = tmp_path / "audit.log"
    log.write_bytes(data.replace(b'path="/usr/lib/libGL.so.1.2"', b'path="/usr/lib/lib\0GL.so.1.2"', 1))
    for extra in ([], ["--json"]):
        proc = run_cli(["avc", str(log)] + extra)
        assert contract_breaches(proc, ["avc", str(log)] + extra, "NUL in path=") == []
        assert proc.returncode in (0, 1)
    report = json.loads(proc.stdout.decode())
    paths = [d.get("path") for d in report["avc"]["denials"]]
    assert paths and all("\0" not in (p or "") for p in paths)


# -- binary: real ELF programs ------------------------------------------------------------------
def _programs():
    base = os.path.join(SERVICES, "el9-services", "files", "usr", "local", "bin")
    found = [os.path.join(base, n) for n in sorted(os.listdir(base))]
    found += [p for p in ("/bin/true", "/usr/bin/env") if os.path.isfile(p)]
    return [p for p in found if open(p, "rb").read(4) == b"\x7fELF"]


def test_binary_survives_mutated_programs(tmp_path):
    programs = _programs()
    need(len(programs) >= 4, "the Go programs of tests/data/services/el9-services and /bin/true")
    r = rng("binary")
    jobs = []
    for number in range(MUTANTS):
        source = r.choice(programs)
        with open(source, "rb") as f:
            original = f.read()
        head, done = mutate(original[:4096], r, max_ops=3)
        # the headers (ELF header, program headers) are where a parser can go wrong; a
        # third of the mutants also damage the rest (build info, dynamic section)
        rest = original[4096:]
        if number % 3 == 0:
            rest, more = mutate(rest, r, max_ops=2)
            done += more
        path = tmp_path / ("%03d-%s" % (number, os.path.basename(source)))
        path.write_bytes(head + rest)
        target = r.choice((["--target", "el8"], ["--target", "el9:aarch64"], []))
        jobs.append((["binary", str(path)] + target, "%s %s" % (source, done)))
    breaches = run_all(jobs)
    assert not breaches, "\n\n".join(breaches)


# -- snapshots: check, service, port ------------------------------------------------------------
def _snapshot_dirs():
    found = [os.path.join(SNAPSHOTS, n) for n in sorted(os.listdir(SNAPSHOTS))
             if os.path.isfile(os.path.join(SNAPSHOTS, n, "gotriage-snapshot.json"))]
    found += [os.path.join(SERVICES, n) for n in sorted(os.listdir(SERVICES))
              if os.path.isfile(os.path.join(SERVICES, n, "gotriage-snapshot.json"))]
    return found


@pytest.fixture(scope="module")
def firewall_snapshots(tmp_path_factory):
    """Three recorded firewall scenarios (nftables and iptables backends, a rich rule, a
    direct rule) as snapshots."""
    base = tmp_path_factory.mktemp("fw-fuzz")
    chosen = [s for s in scenarios() if s[1] in ("B_rich_reject", "K_direct_rule", "H_source_zone")]
    return [str(scenario_snapshot(d, base / ("%s-%s" % (b, n)))) for b, n, d in chosen]


def test_check_root_survives_mutated_snapshots(tmp_path, firewall_snapshots):
    r = rng("check")
    sources = _snapshot_dirs() + firewall_snapshots
    jobs = []
    for number in range(MUTANTS):
        source = r.choice(sources)
        target = str(tmp_path / ("%03d" % number))
        what = mutate_snapshot(source, target, r, prefer=("/etc/", "firewalld", "commands"))
        jobs.append((["check", "--root", target], "%s: %s" % (os.path.basename(source), what)))
    breaches = run_all(jobs)
    assert not breaches, "\n\n".join(breaches)


SERVICE_UNITS = {"el9-services": ["web", "api", "worker", "store", "crashy", "cgo-app", "noisy", "dual", "devapp"],
                 "el8-services": ["billing", "report", "alpine-built"],
                 "el7-services": ["ledger", "tagger", "broken"]}


def test_service_root_survives_mutated_snapshots(tmp_path):
    r = rng("service")
    jobs = []
    for number in range(MUTANTS):
        name = r.choice(sorted(SERVICE_UNITS))
        unit = r.choice(SERVICE_UNITS[name])
        target = str(tmp_path / ("%03d" % number))
        what = mutate_snapshot(os.path.join(SERVICES, name), target, r,
                               prefer=(unit, "passwd", "group", "mountinfo", "journalctl", "/bin/"))
        jobs.append((["service", "--root", target, unit], "%s: %s" % (name, what)))
    breaches = run_all(jobs)
    assert not breaches, "\n\n".join(breaches)


def test_port_root_survives_mutated_snapshots(tmp_path, firewall_snapshots):
    r = rng("port")
    jobs = []
    for number in range(MUTANTS):
        source = r.choice(firewall_snapshots)
        target = str(tmp_path / ("%03d" % number))
        what = mutate_snapshot(source, target, r, prefer=("zones", "nft", "iptables", "ss", "firewall-cmd",
                                                          "direct", "proc/net", "ip"))
        client = r.choice((["--from", "10.199.1.2"], ["--from", "10.199.2.2", "--iface", "rfw-s2"], []))
        jobs.append((["port", "8080", "--root", target] + client, "%s: %s" % (os.path.basename(source), what)))
    breaches = run_all(jobs)
    assert not breaches, "\n\n".join(breaches)


# -- the audit's firewall cases, kept as they were reported --------------------------------------
@pytest.mark.parametrize("zone,message", [
    ('<?xml version="1.0" encoding="utf-8"?>\n<zone><service name="ssh"/><port port="\u00b2" protocol="tcp"/></zone>\n',
     "INVALID_PORT"),
    ('<?xml version="1.0" encoding="q"?>\n<zone><service name="ssh"/></zone>\n', "encoding"),
], ids=["superscript-two-port", "unknown-encoding"])
def test_one_bad_zone_file_costs_that_zone_only(tmp_path, zone, message):
    """A zone firewalld refuses is reported as FW-CONFIG-XML naming the file; the other
    zones and the verdicts still come (it used to turn FW-CONFIG into
    GOTRIAGE-CHECK-FAILED, exit 2)."""
    directory = [d for b, n, d in scenarios() if n == "B_rich_reject" and b == "nftables-backend"][0]
    snap = str(scenario_snapshot(directory, tmp_path / "snap",
                                 extra_files={"/etc/firewalld/zones/work.xml": zone.encode("utf-8")}))
    args = ["check", "--root", snap, "--layer", "firewall", "--json"]
    proc = run_cli(args)
    assert contract_breaches(proc, args, message) == []
    report = json.loads(proc.stdout.decode())
    bad = [r for r in report["results"] if r["id"] == "FW-CONFIG-XML"]
    assert len(bad) == 1 and "/etc/firewalld/zones/work.xml" in bad[0]["title"] and message in bad[0]["title"]
    assert not any(r["id"] == "GOTRIAGE-CHECK-FAILED" for r in report["results"])
    proc = run_cli(["port", "8080", "--from", "10.199.1.2", "--iface", "rfw-s1", "--root", snap])
    out = proc.stdout.decode()
    assert "FW-CONFIG-XML" in out and "FW-PORT-REFUSED" in out  # the verdict still comes


def test_a_nul_in_the_manager_environment(tmp_path):
    """Found by the long mutation run: a NUL in `systemctl show-environment`'s PATH went
    to stat() and turned ten checks into GOTRIAGE-CHECK-FAILED ("embedded null byte")."""
    target = str(tmp_path / "snap")
    shutil.copytree(os.path.join(SNAPSHOTS, "el7-sudo-path"), target)
    path = os.path.join(target, "commands", "0002.json")
    with open(path) as f:
        entry = json.load(f)
    assert entry["argv"] == ["systemctl", "show-environment"] and "PATH=/usr/local/sbin" in entry["stdout"]
    entry["stdout"] = entry["stdout"].replace("PATH=/usr/local/sbin", "PATH=/usr/local/\0sbin")
    with open(path, "w") as f:
        json.dump(entry, f)
    args = ["check", "--root", target]
    proc = run_cli(args)
    assert contract_breaches(proc, args, "NUL in show-environment") == []


def test_mutation_is_reproducible():
    """The same seed gives the same mutants (a CI failure reproduces locally)."""
    data = b"type=AVC msg=audit(1.2:3): avc:  denied  { read } for pid=1\n" * 4
    assert mutate(data, rng("x")) == mutate(data, rng("x"))
    assert sys.version_info >= (3, 6)
