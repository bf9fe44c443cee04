"""What `gotriage verify` judges, read through its declared inputs (inputs/verify.py):
each Go install's VERSION, programs and package verdict, and the archives' SHA-256.
checks.py judges."""

import collections
import hashlib
import posixpath

from gotriage.host.base import HostError
from gotriage.inputs.verify import INPUTS, RPM_NAME_FORMAT
from gotriage.verify import integrity

MAX_PROGRAM = 256 << 20  # a Go program is tens of MiB: larger is not one
ARCHIVE_CHUNK = 1 << 20

InstallRecord = collections.namedtuple(
    "InstallRecord", "root given_root version_file embedded tools package rpm problems absent")
InstallRecord.__new__.__defaults__ = (False,)
InstallRecord.__doc__ = """One Go install as verify read it: `tools` [integrity.ToolCheck]
(empty for an rpm install), `package` the rpm owning bin/go (or None), `rpm` (lines of
rpm -Vf, CommandResult) for an rpm install, `problems` [(what, message)] it could not read."""


def reader(host, options=None):
    """verify's view of the run's inputs reader."""
    from gotriage.inputs.reader import reader_of

    return reader_of(host, options).layer(INPUTS)


def go_roots(host, options, explicit=()):
    """[(real root, root as given)]: `explicit` (--goroot) or the installs `check` finds."""
    if explicit:
        io = reader(host, options)
        roots = []
        for root in explicit:
            try:
                roots.append((io.realpath("go-root", root=root), root))
            except HostError:
                roots.append((root, root))
        return roots
    from gotriage.runner import make_facts

    facts = make_facts("toolchain", host, options)
    return [(i.root, i.root) for i in facts.installs]


def read_install(host, root, given_root=None, pool=None):
    """The InstallRecord of the Go install at `root`.  With `pool` (a
    concurrent.futures executor), its programs are read and hashed on the pool's threads:
    hashlib lets go of the GIL while it hashes, so two cores hash two programs at once."""
    io = reader(host)
    problems = []
    version_file = None
    try:
        version_file = integrity.version_file_version(
            io.read("version-file", root=root).decode("utf-8", "replace"))
    except HostError as err:
        if not err.missing:
            problems.append((root + "/VERSION", err.message))
    go = posixpath.join(root, "bin", "go")
    try:
        io.lstat("program-meta", path=go)
    except HostError as err:
        if err.missing:  # not a Go install at all: nothing else to read
            return InstallRecord(root, given_root or root, version_file, None, [], None, None,
                                 problems, True)
    go_check = _check(io, go, problems)
    if go_check is None or not go_check.ok:
        # not a release's go as it was built: a package's (stripped), or a changed one
        package, verify_key, params = _package_owner(io, go)
        if package is not None:
            result = io.run(verify_key, **params)
            verify_argv = result.argv
            lines = [line for line in result.text.splitlines() if line.strip()]
            if result.returncode not in (0, 1) and not lines:
                problems.append((" ".join(verify_argv), result.errtext.strip() or "no answer"))
            return InstallRecord(root, given_root or root, version_file, None, [], package,
                                 (lines, result), problems)
    embedded = _embedded_version(io, go)
    # the other programs hash the way bin/go did (its GNU build ID note zeroed or not)
    host_id_first = bool(go_check is not None and go_check.ok and go_check.host_id_zeroed)
    paths = _programs(io, root, problems)
    others = [path for path in paths if path != go]

    def check(path):
        found = []
        return _check(io, path, found, host_id_first), found
    checked = pool.map(check, others) if pool is not None else map(check, others)
    tools = [go_check] if go_check is not None and go in paths else []  # bin/ sorts go first
    for tool, found in checked:  # in the order of the paths, whichever thread hashed them
        problems.extend(found)
        if tool is not None:
            tools.append(tool)
    return InstallRecord(root, given_root or root, version_file, embedded, tools, None, None,
                         problems)


def _check(io, path, problems, host_id_first=False):
    """The integrity.ToolCheck of the program at `path`, read 1 MiB at a time (never held
    whole), or None (the problem noted)."""
    try:
        size = io.stat("program-meta", path=path).size
        if size > MAX_PROGRAM:
            problems.append((path, "larger than %d MiB: not read" % (MAX_PROGRAM >> 20)))
            return None
        return integrity.check_program(
            path, lambda offset, length: io.read_range("program", offset, length, path=path),
            size, host_id_first)
    except HostError as err:
        problems.append((path, err.message))
        return None


def _package_owner(io, go):
    """(package, the input that verifies it, its parameters) when rpm (or, on Debian,
    dpkg) owns `go`, else (None, None, None).  A packaged go is stripped after its build:
    the package's own checksums judge it, not the content IDs."""
    result = io.run("rpm-owner", format=RPM_NAME_FORMAT, path=go)
    if result.returncode == 0 and result.text.strip():
        return result.text.strip().splitlines()[0], "rpm-verify", {"path": go}
    result = io.run("dpkg-owner", path=go)
    if result.returncode == 0 and ":" in result.text:
        package = result.text.strip().splitlines()[0].split(":")[0].split(",")[0].strip()
        return package, "dpkg-verify", {"package": package}
    return None, None, None


def _programs(io, root, problems):
    paths = []
    for sub in ("bin",):
        paths.extend(_files(io, posixpath.join(root, sub), problems))
    tool_dir = posixpath.join(root, "pkg", "tool")
    try:
        platforms = sorted(io.listdir("tree-dir", dir=tool_dir))
    except HostError as err:
        problems.append((tool_dir, err.message))
        platforms = []
    for platform in platforms:
        if platform.startswith("linux_"):
            paths.extend(_files(io, posixpath.join(tool_dir, platform), problems))
    return paths


def _files(io, directory, problems):
    try:
        names = sorted(io.listdir("tree-dir", dir=directory))
    except HostError as err:
        problems.append((directory, err.message))
        return []
    out = []
    for name in names:
        path = posixpath.join(directory, name)
        try:
            st = io.lstat("program-meta", path=path)
        except HostError as err:
            problems.append((path, err.message))
            continue
        if st.is_file or st.is_link:
            out.append(path)
    return out


def _embedded_version(io, go):
    """The Go version bin/go embeds (what `go version bin/go` prints), by the binary
    layer's ELF reader: its headers and build info, a few KiB, not the whole program."""
    from gotriage.parsers.elf import ElfError, parse_elf
    from gotriage.parsers.gobuildinfo import read_buildinfo

    def read(offset, length):
        return io.read_range("program", offset, length, path=go)
    try:
        size = io.stat("program-meta", path=go).size
        info = read_buildinfo(parse_elf(read, size, count_symbols=False), read)
    except (ElfError, ValueError, HostError):
        return None
    return info.go_version if info is not None else None


def archive_sha256(host, path):
    """The archive's SHA-256 (hex), read in 1 MiB ranges."""
    io = reader(host)
    digest = hashlib.sha256()
    offset = 0
    while True:
        chunk = io.read_range("archive", offset, ARCHIVE_CHUNK, path=path)
        if not chunk:
            return digest.hexdigest()
        digest.update(chunk)
        offset += len(chunk)
