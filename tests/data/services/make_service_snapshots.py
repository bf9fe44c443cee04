#!/usr/bin/env python3
"""Write the snapshot fixtures of tests/test_service_snapshots.py: EL7, EL8 and EL9 hosts
with broken Go services, each with the journal excerpt systemd writes for the failure.

Each fixture is a snapshot as docs/snapshot-format.md describes, built by hand:

- os-release files are the real ones of tests/data/el (see tests/data/SOURCES.md);
- the journal lines use systemd's own message formats: for 252 (EL9) the strings
  compiled into libsystemd-core-252.so ("%s: Failed at step %s spawning %s: %m",
  "%s: %s exited, code=%s, status=%i/%s%s", "Changing to the requested working
  directory failed: %m", "Failed to determine user credentials: %m", "Failed to set up
  mount namespacing%s%s: %m", "%s: Failed with result '%s'."), for 239 (EL8) the same
  ones, and for 219 (EL7) those of RHEL 7's systemd-219 (execute.c "Failed at step %s
  spawning %s: %s" without the unit prefix, service.c "%s: main process exited,
  code=%s, status=%i/%s", conf-parser.c "[%s:%u] Unknown lvalue '%s' in section '%s'",
  load-fragment.c "Executable path is not absolute, ignoring: %s");
- the Go lines are what the Go runtime prints (panic:, goroutine N [running]:, listen
  tcp :80: bind: permission denied);
- the programs are minimal ELF files written here (header, program headers, PT_INTERP,
  and the "\\xff Go buildinf:" blob of Go >= 1.18), which `readelf -l` and the real
  `go version` accept (tests/test_service_snapshots.py checks both);
- the SELinux label of a file is its `xattr` entry in paths.json.

Run it again after changing it:

    python3 tests/data/services/make_service_snapshots.py [OUTPUT_DIR]
"""

import base64
import json
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else HERE  # where to write (the tests compare a fresh copy)
EL = os.path.join(os.path.dirname(HERE), "el")
FILE, EXE, DIR = 0o100644, 0o100755, 0o40755
PASSWD = ("root:x:0:0:root:/root:/bin/bash\n"
          "nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\n"
          "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
          "goapp:x:990:990:Go app:/var/lib/goapp:/sbin/nologin\n")
GROUP = "root:x:0:\nnobody:x:65534:\nalice:x:1000:\ngoapp:x:990:\n"
MOUNTINFO = ("22 1 253:0 / / rw,relatime shared:1 - xfs /dev/mapper/rl-root rw,attr2,inode64\n"
             "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
             "40 22 0:33 / /tmp rw,nosuid,nodev,noexec shared:17 - tmpfs tmpfs rw,seclabel\n"
             "41 22 253:2 / /home rw,relatime shared:18 - xfs /dev/mapper/rl-home rw,attr2\n")
PROBE = ["env", "-json", "GOROOT", "GOVERSION", "GOPATH", "GOCACHE", "GOMODCACHE", "GOENV",
         "GOFLAGS", "GO111MODULE", "GOTOOLCHAIN", "GOPROXY", "GOSUMDB", "GOPRIVATE",
         "GONOSUMDB", "GONOPROXY", "CGO_ENABLED", "CC", "GOOS", "GOARCH"]


def real(release, path):
    with open(os.path.join(EL, release, path.lstrip("/"))) as f:
        return f.read()


def uvarint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def elf(machine=62, interp=None, go_version="go1.22.12"):
    """A minimal ELF64 little-endian executable: a read/execute PT_LOAD holding the
    headers (and PT_INTERP), and a writable PT_LOAD that starts with the Go build info."""
    phnum = 2 + (1 if interp else 0)
    text_off = 64 + 56 * phnum
    interp_bytes = (interp.encode() + b"\0") if interp else b""
    text = b"\xf4" * 16  # hlt
    data_off = 0x1000
    base = 0x400000
    blob = b""
    if go_version:
        mod = b"path\texample.com/app\nmod\texample.com/app\t(devel)\t\n"
        blob = (b"\xff Go buildinf:" + bytes([8, 0x2]) + b"\0" * 16 + uvarint(len(go_version))
                + go_version.encode() + uvarint(len(mod)) + mod)
    data = blob + b"\0" * (64 - len(blob) % 64)
    data_addr = base + 0x100000 + data_off
    # Section headers: Go 1.22+ (debug/buildinfo) looks for the blob in .go.buildinfo.
    names = b"\0.go.buildinfo\0.shstrtab\0"
    strtab_off = data_off + len(data)
    shoff = strtab_off + len(names) + (-(strtab_off + len(names)) % 8)
    sections = (b"\0" * 64
                + struct.pack("<IIQQQQIIQQ", 1, 1, 3, data_addr, data_off, len(data), 0, 0, 16, 0)
                + struct.pack("<IIQQQQIIQQ", 15, 3, 0, 0, strtab_off, len(names), 0, 0, 1, 0))
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    header += struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, base + text_off + len(interp_bytes),
                          64, shoff, 0, 64, 56, phnum, 64, 3, 2)
    phdrs = b""
    if interp:
        phdrs += struct.pack("<IIQQQQQQ", 3, 4, text_off, base + text_off, base + text_off,
                             len(interp_bytes), len(interp_bytes), 1)
    end_text = text_off + len(interp_bytes) + len(text)
    phdrs += struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, end_text, end_text, 0x1000)
    phdrs += struct.pack("<IIQQQQQQ", 1, 6, data_off, data_addr, data_addr, len(data), len(data), 0x1000)
    body = header + phdrs + interp_bytes + text
    tail = data + names
    return body + b"\0" * (data_off - len(body)) + tail + b"\0" * (shoff - data_off - len(tail)) + sections


def xattr(context):
    return {"security.selinux": {"b64": base64.b64encode(context.encode() + b"\0").decode()}}


def journal(unit, lines, host="web1", ident_pid=2211):
    """`journalctl -u UNIT --no-pager -n 200 -o short-iso` as recorded by collect."""
    text = "".join(line.replace("HOST", host) + "\n" for line in lines)
    return {"argv": ["journalctl", "-u", unit, "--no-pager", "-n", "200", "-o", "short-iso"],
            "returncode": 0, "duration": 0.02, "stdout": text, "stderr": ""}


def write(name, manifest, files, paths, commands):
    target = os.path.join(OUT, name)
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    manifest = dict({"format": 1, "tool": "hand-built fixture"}, **manifest)
    with open(os.path.join(target, "gotriage-snapshot.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    with open(os.path.join(target, "paths.json"), "w") as f:
        json.dump(paths, f, indent=1, sort_keys=True)
    for path, content in files.items():
        dest = os.path.join(target, "files", path.lstrip("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb" if isinstance(content, bytes) else "w") as f:
            f.write(content)
    os.makedirs(os.path.join(target, "commands"))
    for number, entry in enumerate(commands, 1):
        with open(os.path.join(target, "commands", "%04d.json" % number), "w") as f:
            json.dump(entry, f, indent=1, sort_keys=True)


def base(release, machine="x86_64", enforce="1"):
    files = {"/etc/os-release": real(release, "/etc/os-release"), "/etc/passwd": PASSWD,
             "/etc/group": GROUP, "/proc/self/mountinfo": MOUNTINFO,
             "/etc/selinux/config": "SELINUX=enforcing\nSELINUXTYPE=targeted\n",
             "/sys/fs/selinux/enforce": enforce}
    paths = {"/sys/fs/selinux": {"stat": {"mode": DIR}}}
    commands = [{"argv": ["uname", "-m"], "returncode": 0, "stdout": machine + "\n", "stderr": ""}]
    return files, paths, commands


def binary(files, paths, path, label="system_u:object_r:bin_t:s0", mode=EXE, **kw):
    files[path] = elf(**kw)
    paths[path] = {"stat": {"mode": mode, "size": len(files[path])}, "xattr": xattr(label)}


def unit(files, name, text, enabled=True, directory="/etc/systemd/system"):
    files["%s/%s" % (directory, name)] = text
    if enabled:
        files["/etc/systemd/system/multi-user.target.wants/%s" % name] = "(symlink to %s/%s)\n" % (directory, name)


def matchpathcon(path, context):
    return {"argv": ["matchpathcon", "-n", path], "returncode": 0, "stdout": context + "\n", "stderr": ""}


# ---------------------------------------------------------------------------------------
def el9():
    """Rocky 9.3 (systemd 252), SELinux enforcing, one unit per failure."""
    files, paths, commands = base("rocky-9.3")
    commands.append({"argv": ["systemctl", "--version"], "returncode": 0,
                     "stdout": "systemd 252 (252-18.el9)\n+PAM +AUDIT +SELINUX -APPARMOR\n", "stderr": ""})

    # 203/EXEC: a binary built in alice's home, moved with mv: user_home_t.
    binary(files, paths, "/usr/local/bin/api", label="unconfined_u:object_r:user_home_t:s0")
    unit(files, "api.service", "[Unit]\nDescription=Example Go API\nAfter=network-online.target\n\n"
         "[Service]\nUser=goapp\nExecStart=/usr/local/bin/api -addr :8080\nRestart=on-failure\n\n"
         "[Install]\nWantedBy=multi-user.target\n")
    commands.append(matchpathcon("/usr/local/bin/api", "system_u:object_r:bin_t:s0"))
    commands.append(journal("api.service", [
        "2025-03-02T10:14:07+0100 HOST systemd[1]: Started api.service - Example Go API.",
        "2025-03-02T10:14:07+0100 HOST (api)[2211]: api.service: Failed to locate executable /usr/local/bin/api: Permission denied",
        "2025-03-02T10:14:07+0100 HOST (api)[2211]: api.service: Failed at step EXEC spawning /usr/local/bin/api: Permission denied",
        "2025-03-02T10:14:07+0100 HOST systemd[1]: api.service: Main process exited, code=exited, status=203/EXEC",
        "2025-03-02T10:14:07+0100 HOST systemd[1]: api.service: Failed with result 'exit-code'.",
    ]))

    # 200/CHDIR: WorkingDirectory= that does not exist.
    binary(files, paths, "/usr/local/bin/worker")
    unit(files, "worker.service", "[Service]\nUser=goapp\nWorkingDirectory=/srv/worker\n"
         "ExecStart=/usr/local/bin/worker\n")
    commands.append(matchpathcon("/usr/local/bin/worker", "system_u:object_r:bin_t:s0"))
    commands.append(journal("worker.service", [
        "2025-03-02T10:20:01+0100 HOST (worker)[2301]: worker.service: Changing to the requested working directory failed: No such file or directory",
        "2025-03-02T10:20:01+0100 HOST (worker)[2301]: worker.service: Failed at step CHDIR spawning /usr/local/bin/worker: No such file or directory",
        "2025-03-02T10:20:01+0100 HOST systemd[1]: worker.service: Main process exited, code=exited, status=200/CHDIR",
        "2025-03-02T10:20:01+0100 HOST systemd[1]: worker.service: Failed with result 'exit-code'.",
    ]))

    # 226/NAMESPACE: ReadWritePaths= of a directory that does not exist.
    binary(files, paths, "/usr/local/bin/store")
    unit(files, "store.service", "[Service]\nUser=goapp\nProtectSystem=strict\n"
         "ReadWritePaths=/var/lib/store/data\nExecStart=/usr/local/bin/store\n")
    commands.append(matchpathcon("/usr/local/bin/store", "system_u:object_r:bin_t:s0"))
    commands.append(journal("store.service", [
        "2025-03-02T10:22:11+0100 HOST (store)[2330]: store.service: Failed to set up mount namespacing: /run/systemd/unit-root/var/lib/store/data: No such file or directory",
        "2025-03-02T10:22:11+0100 HOST (store)[2330]: store.service: Failed at step NAMESPACE spawning /usr/local/bin/store: No such file or directory",
        "2025-03-02T10:22:11+0100 HOST systemd[1]: store.service: Main process exited, code=exited, status=226/NAMESPACE",
        "2025-03-02T10:22:11+0100 HOST systemd[1]: store.service: Failed with result 'exit-code'.",
    ]))

    # A Go panic, then systemd gives up restarting it.
    binary(files, paths, "/usr/local/bin/crashy")
    unit(files, "crashy.service", "[Service]\nExecStart=/usr/local/bin/crashy\nRestart=always\n")
    commands.append(matchpathcon("/usr/local/bin/crashy", "system_u:object_r:bin_t:s0"))
    commands.append(journal("crashy.service", [
        "2025-03-02T11:00:00+0100 HOST crashy[2401]: panic: runtime error: invalid memory address or nil pointer dereference",
        "2025-03-02T11:00:00+0100 HOST crashy[2401]: [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]",
        "2025-03-02T11:00:00+0100 HOST crashy[2401]: goroutine 1 [running]:",
        "2025-03-02T11:00:00+0100 HOST crashy[2401]: main.main()",
        "2025-03-02T11:00:00+0100 HOST crashy[2401]:         /build/main.go:12 +0x1c",
        "2025-03-02T11:00:00+0100 HOST systemd[1]: crashy.service: Main process exited, code=exited, status=2/INVALIDARGUMENT",
        "2025-03-02T11:00:00+0100 HOST systemd[1]: crashy.service: Failed with result 'exit-code'.",
        "2025-03-02T11:00:05+0100 HOST systemd[1]: crashy.service: Scheduled restart job, restart counter is at 5.",
        "2025-03-02T11:00:05+0100 HOST systemd[1]: crashy.service: Start request repeated too quickly.",
        "2025-03-02T11:00:05+0100 HOST systemd[1]: crashy.service: Failed with result 'start-limit-hit'.",
    ]))

    # code=killed, status=11/SEGV (cgo code crashing).
    binary(files, paths, "/usr/local/bin/cgo-app", interp="/lib64/ld-linux-x86-64.so.2")
    files["/lib64/ld-linux-x86-64.so.2"] = "(the loader)\n"
    unit(files, "cgo-app.service", "[Service]\nExecStart=/usr/local/bin/cgo-app\n")
    commands.append(matchpathcon("/usr/local/bin/cgo-app", "system_u:object_r:bin_t:s0"))
    commands.append(journal("cgo-app.service", [
        "2025-03-02T11:10:00+0100 HOST systemd[1]: cgo-app.service: Main process exited, code=dumped, status=11/SEGV",
        "2025-03-02T11:10:00+0100 HOST systemd[1]: cgo-app.service: Failed with result 'core-dump'.",
    ]))

    # A port below 1024 as a non-root user.
    binary(files, paths, "/usr/local/bin/web")
    unit(files, "web.service", "[Service]\nUser=goapp\nExecStart=/usr/local/bin/web -addr :80\n")
    commands.append(matchpathcon("/usr/local/bin/web", "system_u:object_r:bin_t:s0"))
    commands.append(journal("web.service", [
        "2025-03-02T11:20:00+0100 HOST web[2501]: 2025/03/02 11:20:00 listen tcp :80: bind: permission denied",
        "2025-03-02T11:20:00+0100 HOST systemd[1]: web.service: Main process exited, code=exited, status=1/FAILURE",
    ]))

    # A journal that is not text.
    binary(files, paths, "/usr/local/bin/noisy")
    unit(files, "noisy.service", "[Service]\nExecStart=/usr/local/bin/noisy\n", enabled=False)
    commands.append(matchpathcon("/usr/local/bin/noisy", "system_u:object_r:bin_t:s0"))
    garbage = journal("noisy.service", [])
    del garbage["stdout"]
    garbage["stdout_b64"] = base64.b64encode(
        b"2025-03-02T11:30:00+0100 web1 noisy[2601]: starting\n"
        + bytes(range(256)) * 4 + b"\n\x00\x01\x02\xff\xfe\n"
        + b"2025-03-02T11:30:01+0100 web1 systemd[1]: noisy.service: Main process exited, "
          b"code=exited, status=1/FAILURE\n").decode()
    commands.append(garbage)

    # A service that runs `go run` with no User=: no HOME, no build cache.
    files["/usr/local/go/VERSION"] = "go1.22.12\ntime 2025-02-04T20:42:03Z\n"
    files["/usr/local/go/bin/go"] = elf()
    paths["/usr/local/go/bin/go"] = {"stat": {"mode": EXE, "size": len(files["/usr/local/go/bin/go"])},
                                     "xattr": xattr("system_u:object_r:bin_t:s0")}
    paths["/usr/local/go/pkg/tool"] = {"stat": {"mode": DIR}}
    files["/srv/devapp/go.mod"] = "module example.com/devapp\n\ngo 1.22\n"
    unit(files, "devapp.service", "[Service]\nWorkingDirectory=/srv/devapp\n"
         "ExecStart=/usr/local/go/bin/go run .\n")
    commands.append(matchpathcon("/usr/local/go/bin/go", "system_u:object_r:bin_t:s0"))
    out = {name: "" for name in PROBE[2:]}
    out.update(GOROOT="/usr/local/go", GOVERSION="go1.22.12", GOCACHE="off", GOPROXY="https://proxy.golang.org,direct",
               GOSUMDB="sum.golang.org", GOTOOLCHAIN="local", CGO_ENABLED="0", GOOS="linux", GOARCH="amd64")
    commands.append({"argv": ["/usr/local/go/bin/go"] + PROBE, "returncode": 0,
                     "stdout": json.dumps(out, indent="\t", sort_keys=True) + "\n", "stderr": ""})
    commands.append(journal("devapp.service", [
        "2025-03-02T11:40:00+0100 HOST go[2701]: build cache is required, but could not be located: GOCACHE is not defined and neither $XDG_CACHE_HOME nor $HOME are defined",
        "2025-03-02T11:40:00+0100 HOST systemd[1]: devapp.service: Main process exited, code=exited, status=1/FAILURE",
    ]))

    # A drop-in that adds a second ExecStart= without resetting the list, and a vendor
    # unit overridden in /etc.
    binary(files, paths, "/usr/local/bin/dual")
    unit(files, "dual.service", "[Service]\nExecStart=/usr/local/bin/dual -v1\n", directory="/usr/lib/systemd/system")
    files["/etc/systemd/system/dual.service.d/10-args.conf"] = "[Service]\nExecStart=/usr/local/bin/dual -v2\n"
    files["/usr/lib/systemd/system/dual.service.d/10-args.conf"] = "[Service]\nExecStart=\nExecStart=/usr/local/bin/dual -vendor\n"
    commands.append(matchpathcon("/usr/local/bin/dual", "system_u:object_r:bin_t:s0"))
    commands.append(journal("dual.service", [
        "2025-03-02T11:50:00+0100 HOST systemd[1]: dual.service: Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.",
        "2025-03-02T11:50:00+0100 HOST systemd[1]: Unit dual.service has a bad unit file setting.",
    ]))

    write("el9-services", {"hostname": "web1", "environ": {"PATH": "/usr/bin:/bin", "HOME": "/root"},
                           "identity": {"user": "root", "uid": 0, "gid": 0, "home": "/root",
                                        "shell": "/bin/bash"}}, files, paths, commands)


def el8():
    """Rocky 8.4 (systemd 239): a User= that does not exist, a missing EnvironmentFile=."""
    files, paths, commands = base("rocky-8.4")
    commands.append({"argv": ["systemctl", "--version"], "returncode": 0,
                     "stdout": "systemd 239 (239-45.el8_4.3)\n+PAM +AUDIT +SELINUX\n", "stderr": ""})
    binary(files, paths, "/opt/billing/bin/billing")
    unit(files, "billing.service", "[Service]\nUser=billing\nEnvironmentFile=/etc/sysconfig/billing\n"
         "ExecStart=/opt/billing/bin/billing\n")
    commands.append(matchpathcon("/opt/billing/bin/billing", "system_u:object_r:bin_t:s0"))
    commands.append(journal("billing.service", [
        "2025-03-02T09:00:00+0100 HOST systemd[3101]: billing.service: Failed to determine user credentials: No such process",
        "2025-03-02T09:00:00+0100 HOST systemd[3101]: billing.service: Failed at step USER spawning /opt/billing/bin/billing: No such process",
        "2025-03-02T09:00:00+0100 HOST systemd[1]: billing.service: Main process exited, code=exited, status=217/USER",
        "2025-03-02T09:00:00+0100 HOST systemd[1]: billing.service: Failed with result 'exit-code'.",
    ], host="app8"))
    # A binary built on an aarch64 laptop and copied over.
    binary(files, paths, "/usr/local/bin/report", machine=183)
    unit(files, "report.service", "[Service]\nExecStart=/usr/local/bin/report\n")
    commands.append(matchpathcon("/usr/local/bin/report", "system_u:object_r:bin_t:s0"))
    commands.append(journal("report.service", [
        "2025-03-02T09:05:00+0100 HOST systemd[3150]: report.service: Failed to execute command: Exec format error",
        "2025-03-02T09:05:00+0100 HOST systemd[3150]: report.service: Failed at step EXEC spawning /usr/local/bin/report: Exec format error",
        "2025-03-02T09:05:00+0100 HOST systemd[1]: report.service: Main process exited, code=exited, status=203/EXEC",
    ], host="app8"))
    # A binary linked on Alpine: its loader does not exist here.
    binary(files, paths, "/usr/local/bin/alpine-built", interp="/lib/ld-musl-x86_64.so.1")
    unit(files, "alpine-built.service", "[Service]\nExecStart=/usr/local/bin/alpine-built\n")
    commands.append(matchpathcon("/usr/local/bin/alpine-built", "system_u:object_r:bin_t:s0"))
    commands.append(journal("alpine-built.service", [
        "2025-03-02T09:06:00+0100 HOST systemd[3160]: alpine-built.service: Failed to execute command: No such file or directory",
        "2025-03-02T09:06:00+0100 HOST systemd[3160]: alpine-built.service: Failed at step EXEC spawning /usr/local/bin/alpine-built: No such file or directory",
        "2025-03-02T09:06:00+0100 HOST systemd[1]: alpine-built.service: Main process exited, code=exited, status=203/EXEC",
    ], host="app8"))
    write("el8-services", {"hostname": "app8", "environ": {"PATH": "/usr/bin:/bin", "HOME": "/root"},
                           "identity": {"user": "root", "uid": 0, "gid": 0, "home": "/root",
                                        "shell": "/bin/bash"}}, files, paths, commands)


def el7():
    """CentOS 7 (systemd 219): directives and syntax 219 does not know."""
    files, paths, commands = base("centos-7.1.1503", enforce="0")
    # No `systemctl --version` recorded: the release gives 219.
    binary(files, paths, "/usr/local/bin/ledger")
    unit(files, "ledger.service", "[Unit]\nDescription=Ledger\n\n[Service]\nUser=goapp\n"
         "StateDirectory=ledger\nExecStartPre=+/usr/bin/install -d -o goapp /var/lib/ledger\n"
         "ExecStart=/usr/local/bin/ledger -data %S/ledger\n\n[Install]\nWantedBy=multi-user.target\n")
    commands.append(matchpathcon("/usr/local/bin/ledger", "system_u:object_r:bin_t:s0"))
    commands.append(journal("ledger.service", [
        "Mar 02 08:00:00 HOST systemd[1]: [/etc/systemd/system/ledger.service:6] Unknown lvalue 'StateDirectory' in section 'Service'",
        "Mar 02 08:00:00 HOST systemd[1]: [/etc/systemd/system/ledger.service:7] Executable path is not absolute, ignoring: +/usr/bin/install -d -o goapp /var/lib/ledger",
        "Mar 02 08:00:01 HOST ledger[4101]: open %S/ledger/ledger.db: no such file or directory",
        "Mar 02 08:00:01 HOST systemd[1]: ledger.service: main process exited, code=exited, status=1/FAILURE",
        "Mar 02 08:00:01 HOST systemd[1]: Unit ledger.service entered failed state.",
    ], host="centos7"))
    binary(files, paths, "/usr/local/bin/tagger")
    unit(files, "tagger.service", "[Service]\nExecStart=GOMAXPROCS=2 /usr/local/bin/tagger\n"
         "WorkingDirectory=\"/srv/tagger data\"\n")
    commands.append(journal("tagger.service", [
        "Mar 02 08:10:00 HOST systemd[1]: [/etc/systemd/system/tagger.service:2] Executable path is not absolute, ignoring: GOMAXPROCS=2 /usr/local/bin/tagger",
        "Mar 02 08:10:00 HOST systemd[1]: [/etc/systemd/system/tagger.service:3] Not an absolute path, ignoring: \"/srv/tagger data\"",
        "Mar 02 08:10:00 HOST systemd[1]: tagger.service lacks both ExecStart= and ExecStop= setting. Refusing.",
    ], host="centos7"))
    # Syntax errors: a broken section header and a line without '='.
    binary(files, paths, "/usr/local/bin/broken")
    unit(files, "broken.service", "[Unit\nDescription=broken\n[Service]\nExecStart=/usr/local/bin/broken\n"
         "Restart always\n", enabled=False)
    commands.append(matchpathcon("/usr/local/bin/broken", "system_u:object_r:bin_t:s0"))
    write("el7-services", {"hostname": "centos7", "environ": {"PATH": "/usr/bin:/bin", "HOME": "/root"},
                           "identity": {"user": "root", "uid": 0, "gid": 0, "home": "/root",
                                        "shell": "/bin/bash"}}, files, paths, commands)


if __name__ == "__main__":
    el7()
    el8()
    el9()
