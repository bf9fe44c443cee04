"""What the case recipes are made of: a snapshot written in the documented format
(docs/snapshot-format.md), real files copied from tests/data, minimal ELF programs, and
the outputs of the commands gotriage runs, in the shapes the real tools print.

Everything here is deterministic: running tests/cases/make_cases.py twice writes the same
bytes (tests/test_cases.py checks that the committed cases are what it writes).
"""

import json
import os
import shutil
import stat
import struct

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(TESTS, "data")
FILE, EXE, DIR, LINK = 0o100644, 0o100755, 0o40755, 0o120777

# What `go env -json` is asked (knowledge.go.PROBE_VARS; the order of the argv).
PROBE_VARS = ["GOROOT", "GOVERSION", "GOPATH", "GOCACHE", "GOMODCACHE", "GOENV", "GOFLAGS",
              "GO111MODULE", "GOTOOLCHAIN", "GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOSUMDB",
              "GONOPROXY", "CGO_ENABLED", "CC", "GOOS", "GOARCH"]
PASSWD = ("root:x:0:0:root:/root:/bin/bash\n"
          "nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\n"
          "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
          "goapp:x:990:990:Go app:/var/lib/goapp:/sbin/nologin\n")
GROUP = "root:x:0:\nwheel:x:10:alice\nnobody:x:65534:\nalice:x:1000:\ngoapp:x:990:\n"
ROOT = {"user": "root", "uid": 0, "gid": 0, "gids": [0], "home": "/root", "shell": "/bin/bash"}
ALICE = {"user": "alice", "uid": 1000, "gid": 1000, "gids": [1000, 10], "home": "/home/alice",
         "shell": "/bin/bash"}


def data(relative, mode="rb"):
    """The content of a file of tests/data (bytes)."""
    with open(os.path.join(DATA, relative), mode) as f:
        return f.read()


def _bytes(content):
    return content if isinstance(content, bytes) else content.encode("utf-8")


class Snapshot(object):
    """A snapshot being built: manifest, files, per-path results and commands."""

    def __init__(self, hostname="case-host", identity=None, environ=None, created=None):
        self.manifest = {"format": 1, "tool": "hand-built case (tests/cases/make_cases.py)",
                         "hostname": hostname, "identity": dict(identity or ROOT),
                         "environ": dict(environ if environ is not None else
                                         {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root",
                                          "LANG": "C.UTF-8"})}
        if created:
            self.manifest["created"] = created
        self.files = {}
        self.paths = {}
        self.commands = []

    @property
    def environ(self):
        return self.manifest["environ"]

    # -- paths ---------------------------------------------------------------------------
    def _entry(self, path):
        return self.paths.setdefault(path, {})

    def file(self, path, content, mode=None, uid=0, gid=0, mtime=None, label=None):
        """A regular file; its stat is recorded when anything but the default (0644, root)
        is asked for."""
        self.files[path] = _bytes(content)
        if mode is not None or uid or gid or mtime is not None:
            st = {"mode": stat.S_IFREG | (0o644 if mode is None else mode), "uid": uid,
                  "gid": gid, "size": len(self.files[path])}
            if mtime is not None:
                st["mtime"] = mtime
            self._entry(path)["stat"] = st
        if label:
            self.label(path, label)
        return path

    def real(self, path, relative, **kw):
        """A real file of tests/data under its path on the host."""
        return self.file(path, data(relative), **kw)

    def exe(self, path, content, label=None, mode=0o755, **kw):
        return self.file(path, content, mode=mode, label=label, **kw)

    def dir(self, path, mode=0o755, uid=0, gid=0, listing=None):
        entry = self._entry(path)
        entry["stat"] = {"mode": stat.S_IFDIR | mode, "uid": uid, "gid": gid, "size": 4096}
        if listing is not None:
            entry["listdir"] = sorted(listing)
        return path

    def link(self, path, target, realpath=None, target_mode=EXE):
        """A symlink: readlink gives `target`, stat and realpath the file it leads to."""
        entry = self._entry(path)
        entry["readlink"] = target
        entry["realpath"] = realpath or target
        entry["lstat"] = {"mode": LINK, "uid": 0, "gid": 0, "size": len(target)}
        entry["stat"] = {"mode": target_mode, "uid": 0, "gid": 0}
        return path

    def fail(self, path, op, errno):
        """An operation on `path` that failed with `errno` (EACCES, ENOENT...)."""
        self._entry(path)[op] = {"error": errno}

    def label(self, path, context):
        import base64

        self._entry(path)["xattr"] = {"security.selinux": {
            "b64": base64.b64encode(context.encode() + b"\0").decode()}}

    # -- commands ------------------------------------------------------------------------
    def command(self, argv, stdout="", stderr="", rc=0, env=None, cwd=None, error=None,
                duration=0.01):
        """A command as the recorder writes it; without env/cwd it answers any."""
        entry = {"argv": list(argv), "returncode": None if error else rc,
                 "duration": duration}
        for name, value in (("stdout", stdout), ("stderr", stderr)):
            raw = _bytes(value)
            try:
                entry[name] = raw.decode("utf-8")
            except UnicodeDecodeError:
                import base64

                entry[name + "_b64"] = base64.b64encode(raw).decode("ascii")
        if env is not None:
            entry["env"] = env
        if cwd is not None:
            entry["cwd"] = cwd
        if error:
            entry["error"] = error
        self.commands.append(entry)
        return entry

    def hung(self, argv, seconds, **kw):
        """A command gotriage killed after its timeout (how collect records a hang)."""
        return self.command(argv, error="timeout", duration=float(seconds), **kw)

    # -- writing -------------------------------------------------------------------------
    def write(self, directory, manifest=True):
        """Write the snapshot; without `manifest`, an overlay: what a case changes in a
        snapshot laid out at test time (a recorded firewall scenario)."""
        if os.path.exists(directory):
            shutil.rmtree(directory)
        os.makedirs(directory)
        if manifest:
            _dump(os.path.join(directory, "gotriage-snapshot.json"), self.manifest)
        if self.paths:
            _dump(os.path.join(directory, "paths.json"), self.paths)
        for path, content in sorted(self.files.items()):
            dest = os.path.join(directory, "files", path.lstrip("/"))
            if not os.path.isdir(os.path.dirname(dest)):
                os.makedirs(os.path.dirname(dest))
            with open(dest, "wb") as f:
                f.write(content)
        if self.commands:
            os.makedirs(os.path.join(directory, "commands"))
            for number, entry in enumerate(self.commands, 1):
                _dump(os.path.join(directory, "commands", "%04d.json" % number), entry)
        return directory


def _dump(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1, sort_keys=True)
        f.write("\n")


# -- hosts -------------------------------------------------------------------------------
def el_host(release="rocky-9.3", hostname="case-host", identity=None, environ=None,
            created=None):
    """A host of an EL release: its real os-release (tests/data/el), passwd and group."""
    s = Snapshot(hostname, identity, environ, created)
    if os.path.exists(os.path.join(DATA, "el", release, "etc", "os-release")):
        s.real("/etc/os-release", "el/%s/etc/os-release" % release)
    s.file("/etc/passwd", PASSWD)
    s.file("/etc/group", GROUP)
    return s


def release_files(s, release):
    """Every file of tests/data/el/RELEASE (os-release, *-release, .repo files...) under
    its path on the host."""
    top = os.path.join(DATA, "el", release)
    for directory, _dirs, names in sorted(os.walk(top)):
        for name in sorted(names):
            full = os.path.join(directory, name)
            s.real("/" + os.path.relpath(full, top), os.path.relpath(full, DATA))
    return s


# -- Go ----------------------------------------------------------------------------------
def go_env_json(**values):
    """`go env -json NAME...` as go prints it: the names asked, sorted, tab-indented."""
    out = {name: "" for name in PROBE_VARS}
    out.update(values)
    return json.dumps(out, indent="\t", sort_keys=True) + "\n"


def go_root(s, root, version, valid=True, go_env=None):
    """A Go install at `root`: bin/go (a minimal Go ELF), VERSION, pkg/tool, go.env."""
    s.exe(root + "/bin/go", elf(go_version=version, path="cmd/go"))
    if version:
        s.file(root + "/VERSION", "%s\ntime 2025-02-04T20:42:03Z\n" % version)
    if valid:
        s.dir(root + "/pkg/tool")
    if go_env is not None:
        s.file(root + "/go.env", go_env)
    return root + "/bin/go"


GO_ENV_121 = ("# This file contains the initial defaults for go command configuration.\n"
              "# Values set by 'go env -w' and written to the user's go/env file override these.\n"
              "# The environment overrides everything else.\n\n"
              "# Use the Go module mirror and checksum database by default.\n"
              "# See https://proxy.golang.org for details.\n"
              "GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\n\n"
              "# Automatically download newer toolchains as directed by go.mod files.\n"
              "# See https://go.dev/doc/toolchain for details.\nGOTOOLCHAIN=auto\n")


def golang_package(s, version="go1.22.12"):
    """EL's golang package: /usr/lib/golang, with /usr/bin/go a symlink into it."""
    go_root(s, "/usr/lib/golang", version, go_env=GO_ENV_121)
    s.link("/usr/bin/go", "../lib/golang/bin/go", "/usr/lib/golang/bin/go")
    return "/usr/bin/go"


def probe_values(s, goroot="/usr/lib/golang", version="go1.22.12", home="/root", **values):
    """What go says for a root user with default settings (override by keyword)."""
    out = dict(GOROOT=goroot, GOVERSION=version, GOPATH=home + "/go",
               GOCACHE=home + "/.cache/go-build", GOMODCACHE=home + "/go/pkg/mod",
               GOENV=home + "/.config/go/env", GOTOOLCHAIN="local",
               GOPROXY="https://proxy.golang.org,direct", GOSUMDB="sum.golang.org",
               CGO_ENABLED="1", CC="gcc", GOOS="linux", GOARCH="amd64")
    out.update(values)
    return out


def go_probe(s, go, values=None, env=None, rc=0, stderr="", error=None, duration=0.006,
             stdout=None):
    """The probe in the shell context: the snapshot's environment plus GOTOOLCHAIN=local,
    run from /.  (Other contexts are left unrecorded: the report says so in a note.)"""
    env = dict(s.environ if env is None else env, GOTOOLCHAIN="local")
    if stdout is None:
        stdout = go_env_json(**values) if values is not None else ""
    return s.command([go, "env", "-json"] + PROBE_VARS, stdout=stdout, stderr=stderr, rc=rc,
                     env=env, cwd="/", error=error, duration=duration)


# -- ELF ---------------------------------------------------------------------------------
def uvarint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def go_buildinfo(go_version, path="example.com/app", settings=()):
    """The Go >= 1.18 build information blob: header, then the version and the module
    information as uvarint-prefixed strings (framed by Go's 16-byte sentinels)."""
    mod = "path\t%s\n" % path
    if not path.startswith("cmd/"):
        mod += "mod\t%s\t(devel)\t\n" % path
    mod += "".join("build\t%s=%s\n" % kv for kv in settings)
    sentinel_start = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
    sentinel_end = bytes.fromhex("f932433186182072008242104116d8f2")
    modinfo = sentinel_start + mod.encode() + sentinel_end
    return (b"\xff Go buildinf:" + bytes([8, 0x2]) + b"\0" * 16 + uvarint(len(go_version))
            + go_version.encode() + uvarint(len(modinfo)) + modinfo)


def elf(machine=62, e_type=2, interp=None, needed=(), verneed=(), verdef=(),
        go_version="go1.22.12", path="example.com/app", settings=()):
    """A minimal ELF64 little-endian file as the loader and Go's debug/buildinfo read it:

    - a read/execute PT_LOAD at 0x400000 holding the headers, PT_INTERP and, for a dynamic
      program, the dynamic string table, the version needs/definitions and PT_DYNAMIC;
    - a writable PT_LOAD at 0x501000 starting with the Go build information (when
      `go_version`), with a .go.buildinfo section header over it (Go 1.22+ reads that).

    `verneed` is [(library, [version, ...])], `verdef` [version, ...] (a library's own)."""
    base = 0x400000
    strtab = bytearray(b"\0")

    def string(text):
        offset = len(strtab)
        strtab.extend(text.encode() + b"\0")
        return offset

    dynamic_tags = []
    for name in needed:
        dynamic_tags.append((1, string(name)))  # DT_NEEDED
    need_entries = [(lib, string(lib), [(v, string(v)) for v in versions]) for lib, versions in verneed]
    # a library's definitions: the base entry (the file's own name) first, as ld writes it
    def_entries = ([("(base)", string("libcase.so.1"), 1)] + [(v, string(v), 0) for v in verdef]
                   if verdef else [])
    dynamic = bool(needed or verneed or verdef)
    phnum = 2 + (1 if interp else 0) + (1 if dynamic else 0)
    cursor = 64 + 56 * phnum
    interp_off = cursor
    interp_bytes = (interp.encode() + b"\0") if interp else b""
    cursor += len(interp_bytes)
    cursor += -cursor % 8
    strtab_off = cursor
    cursor += len(strtab)
    cursor += -cursor % 8
    # version needs: Elf64_Verneed (16 bytes) then its Elf64_Vernaux (16 bytes each)
    verneed_off = cursor
    vn = bytearray()
    index = 2
    for i, (_lib, lib_name, versions) in enumerate(need_entries):
        size = 16 + 16 * len(versions)
        nxt = size if i + 1 < len(need_entries) else 0
        vn += struct.pack("<HHIII", 1, len(versions), lib_name, 16, nxt)
        for j, (version, version_name) in enumerate(versions):
            vn += struct.pack("<IHHII", _elf_hash(version), 0, index, version_name,
                              16 if j + 1 < len(versions) else 0)
            index += 1
    cursor += len(vn)
    # version definitions: Elf64_Verdef (20 bytes) and one Elf64_Verdaux (8 bytes) each
    verdef_off = cursor
    vd = bytearray()
    for i, (version, name_off, flags) in enumerate(def_entries):
        nxt = 28 if i + 1 < len(def_entries) else 0
        vd += struct.pack("<HHHHIII", 1, flags, i + 1, 1, _elf_hash(version), 20, nxt)
        vd += struct.pack("<II", name_off, 0)
    cursor += len(vd)
    cursor += -cursor % 8
    dyn_off = cursor
    tags = list(dynamic_tags)
    tags += [(5, base + strtab_off), (10, len(strtab))]  # DT_STRTAB, DT_STRSZ
    if need_entries:
        tags += [(0x6FFFFFFE, base + verneed_off), (0x6FFFFFFF, len(need_entries))]
    if def_entries:
        tags += [(0x6FFFFFFC, base + verdef_off), (0x6FFFFFFD, len(def_entries))]
    tags.append((0, 0))
    dyn = b"".join(struct.pack("<qQ", t, v) for t, v in tags) if dynamic else b""
    cursor += len(dyn)
    text_end = cursor + 16  # a few hlt bytes as "code"
    data_off = 0x1000
    data_addr = base + 0x100000 + data_off
    blob = go_buildinfo(go_version, path, settings) if go_version else b""
    data = blob + b"\0" * (64 - len(blob) % 64)
    # section headers: the data section (named .go.buildinfo in a Go binary: Go 1.22+'s
    # debug/buildinfo reads it by name) and the section name table
    names = (b"\0.go.buildinfo\0.shstrtab\0" if go_version else b"\0.data\0.shstrtab\0")
    shstr_off = data_off + len(data)
    shoff = shstr_off + len(names) + (-(shstr_off + len(names)) % 8)
    sections = b"\0" * 64
    sections += struct.pack("<IIQQQQIIQQ", 1, 1, 3, data_addr, data_off, len(data), 0, 0, 16, 0)
    sections += struct.pack("<IIQQQQIIQQ", names.index(b".shstrtab"), 3, 0, 0, shstr_off,
                            len(names), 0, 0, 1, 0)
    entry = base + text_end - 16 if e_type in (2, 3) else 0
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    header += struct.pack("<HHIQQQIHHHHHH", e_type, machine, 1, entry, 64, shoff, 0, 64, 56,
                          phnum, 64, 3, 2)
    phdrs = b""
    if interp:
        phdrs += struct.pack("<IIQQQQQQ", 3, 4, interp_off, base + interp_off, base + interp_off,
                             len(interp_bytes), len(interp_bytes), 1)
    phdrs += struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, text_end, text_end, 0x1000)
    phdrs += struct.pack("<IIQQQQQQ", 1, 6, data_off, data_addr, data_addr, len(data), len(data),
                         0x1000)
    if dynamic:
        phdrs += struct.pack("<IIQQQQQQ", 2, 6, dyn_off, base + dyn_off, base + dyn_off,
                             len(dyn), len(dyn), 8)
    body = bytearray(header + phdrs)
    body += b"\0" * (interp_off - len(body)) + interp_bytes
    body += b"\0" * (strtab_off - len(body)) + bytes(strtab)
    body += b"\0" * (verneed_off - len(body)) + bytes(vn) + bytes(vd)
    body += b"\0" * (dyn_off - len(body)) + dyn
    body += b"\xf4" * (text_end - len(body))
    tail = data + names
    return (bytes(body) + b"\0" * (data_off - len(body)) + tail
            + b"\0" * (shoff - data_off - len(tail)) + sections)


def _elf_hash(name):
    h = 0
    for c in name.encode():
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


# -- systemd -----------------------------------------------------------------------------
def journal(unit, lines, host="case-host"):
    """`journalctl -u UNIT --no-pager -n 200 -o short-iso` as collect records it."""
    return {"argv": ["journalctl", "-u", unit, "--no-pager", "-n", "200", "-o", "short-iso"],
            "stdout": "".join(line.replace("HOST", host) + "\n" for line in lines)}
