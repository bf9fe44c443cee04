"""What `gotriage verify` judges, read through the Host (its primitives, as an action the
user asks for: this module and runtime.py are verify's only readers): each Go install's
VERSION, programs and rpm verdict, and the archives' SHA-256.  checks.py judges."""

import collections
import hashlib
import posixpath

from gotriage.host.base import HostError
from gotriage.verify import integrity

MAX_PROGRAM = 256 << 20  # a Go program is tens of MiB: read whole, to hash it
ARCHIVE_CHUNK = 1 << 20
RPM_TIMEOUT = 30.0

InstallRecord = collections.namedtuple(
    "InstallRecord", "root given_root version_file embedded tools package rpm problems absent")
InstallRecord.__new__.__defaults__ = (False,)
InstallRecord.__doc__ = """One Go install as verify read it: `tools` [integrity.ToolCheck]
(empty for an rpm install), `package` the rpm owning bin/go (or None), `rpm` (lines of
rpm -Vf, CommandResult) for an rpm install, `problems` [(what, message)] it could not read."""


def go_roots(host, options, explicit=()):
    """[(real root, root as given)]: `explicit` (--goroot) or the installs `check` finds."""
    if explicit:
        roots = []
        for root in explicit:
            try:
                roots.append((host.realpath(root), root))
            except HostError:
                roots.append((root, root))
        return roots
    from gotriage.runner import make_facts

    facts = make_facts("toolchain", host, options)
    return [(i.root, i.root) for i in facts.installs]


def read_install(host, root, given_root=None):
    problems = []
    version_file = None
    try:
        version_file = integrity.version_file_version(
            host.read(posixpath.join(root, "VERSION"), 4096).decode("utf-8", "replace"))
    except HostError as err:
        if not err.missing:
            problems.append((root + "/VERSION", err.message))
    go = posixpath.join(root, "bin", "go")
    try:
        host.lstat(go)
    except HostError as err:
        if err.missing:  # not a Go install at all: nothing else to read
            return InstallRecord(root, given_root or root, version_file, None, [], None, None,
                                 problems, True)
    go_data = _program(host, go, problems)
    go_check = integrity.check_program(go, go_data) if go_data is not None else None
    if go_check is None or not go_check.ok:
        # not a release's go as it was built: a package's (stripped), or a changed one
        package, verify_argv = _package_owner(host, go)
        if package is not None:
            result = host.run(verify_argv, timeout=RPM_TIMEOUT)
            lines = [line for line in result.text.splitlines() if line.strip()]
            if result.returncode not in (0, 1) and not lines:
                problems.append((" ".join(verify_argv), result.errtext.strip() or "no answer"))
            return InstallRecord(root, given_root or root, version_file, None, [], package,
                                 (lines, result), problems)
    tools = []
    embedded = _embedded_version(go_data) if go_data is not None else None
    for path in _programs(host, root, problems):
        if path == go:
            if go_check is not None:
                tools.append(go_check)
            continue
        data = _program(host, path, problems)
        if data is not None:
            tools.append(integrity.check_program(path, data))
    return InstallRecord(root, given_root or root, version_file, embedded, tools, None, None,
                         problems)


def _program(host, path, problems):
    """The bytes of the program at `path`, or None (the problem noted)."""
    try:
        size = host.stat(path).size
        if size > MAX_PROGRAM:
            problems.append((path, "larger than %d MiB: not read" % (MAX_PROGRAM >> 20)))
            return None
        return host.read_range(path, 0, size)
    except HostError as err:
        problems.append((path, err.message))
        return None


def _package_owner(host, go):
    """(package, the argv that verifies it) when rpm (or, on Debian, dpkg) owns `go`,
    else (None, None).  A packaged go is stripped after its build: the package's own
    checksums judge it, not the content IDs."""
    result = host.run(["rpm", "-qf", "--qf", "%{NAME}\\n", go], timeout=RPM_TIMEOUT)
    if result.returncode == 0 and result.text.strip():
        return result.text.strip().splitlines()[0], ["rpm", "-Vf", go]
    result = host.run(["dpkg-query", "-S", go], timeout=RPM_TIMEOUT)
    if result.returncode == 0 and ":" in result.text:
        package = result.text.strip().splitlines()[0].split(":")[0].split(",")[0].strip()
        return package, ["dpkg", "--verify", package]
    return None, None


def _programs(host, root, problems):
    paths = []
    for sub in ("bin",):
        paths.extend(_files(host, posixpath.join(root, sub), problems))
    tool_dir = posixpath.join(root, "pkg", "tool")
    try:
        platforms = sorted(host.listdir(tool_dir))
    except HostError as err:
        problems.append((tool_dir, err.message))
        platforms = []
    for platform in platforms:
        if platform.startswith("linux_"):
            paths.extend(_files(host, posixpath.join(tool_dir, platform), problems))
    return paths


def _files(host, directory, problems):
    try:
        names = sorted(host.listdir(directory))
    except HostError as err:
        problems.append((directory, err.message))
        return []
    out = []
    for name in names:
        path = posixpath.join(directory, name)
        try:
            st = host.lstat(path)
        except HostError as err:
            problems.append((path, err.message))
            continue
        if st.is_file or st.is_link:
            out.append(path)
    return out


def _embedded_version(data):
    from gotriage.parsers.elf import ElfError, parse_elf
    from gotriage.parsers.gobuildinfo import read_buildinfo

    def read(offset, length):
        return data[offset:offset + length]
    try:
        info = read_buildinfo(parse_elf(read, len(data), count_symbols=False), read)
    except (ElfError, ValueError):
        return None
    return info.go_version if info is not None else None


def archive_sha256(host, path):
    """The archive's SHA-256 (hex), read in chunks through the Host."""
    digest = hashlib.sha256()
    offset = 0
    while True:
        chunk = host.read_range(path, offset, ARCHIVE_CHUNK)
        if not chunk:
            return digest.hexdigest()
        digest.update(chunk)
        offset += len(chunk)
