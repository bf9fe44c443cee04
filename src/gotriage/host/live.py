"""The live machine, read-only.

Commands run with no stdin (or the bytes a caller gives them), in their own session (so
a timeout kills the whole process group: firewall-cmd and friends hang when D-Bus is
stuck), with a hard timeout cut to what is left of the run's deadline, and with their
output capped.  A tool named without a path is the system's (base.TOOL_DIRS), never one
that the caller's PATH puts first.  Paths, arguments and environment values reach the
kernel as UTF-8 bytes whatever the locale (base.fs_path).  Nothing here writes to the host.
"""

import os
import posixpath
import pwd
import time

from gotriage.host.base import (
    DEFAULT_MAX_READ,
    DEFAULT_TIMEOUT,
    CommandResult,
    Host,
    HostError,
    Identity,
    StatResult,
    errno_name,
    fs_path,
    fs_text,
    http_get_argv,
    stdin_digest,
    tool_candidates,
)

MAX_OUTPUT = 8 * 1024 * 1024


def _wrap(op, path, func, *args):
    try:
        return func(*args)
    except OSError as exc:
        raise HostError(errno_name(exc), path, op) from None


class LiveHost(Host):
    kind = "live"

    def __init__(self, root="/"):
        Host.__init__(self)
        self.description = "live host"
        self._streams = {}  # path of a pipe being read -> [file, bytes read so far]

    def read(self, path, max_bytes=DEFAULT_MAX_READ, redact=None):
        def _read():
            # In chunks: /proc and /sys files refuse one huge read (ENOMEM for a 16 MiB
            # buffer on /proc/sys), and most files are small.
            chunks, left = [], max_bytes
            with open(fs_path(path), "rb") as f:
                while left > 0:
                    chunk = f.read(min(left, 65536))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    left -= len(chunk)
            return b"".join(chunks)

        try:
            data = _wrap("read", path, _read)
        except HostError as err:
            self._note_denied(err)
            raise
        if redact == "shadow":  # the hashes dropped before anything sees the data
            from gotriage.host.redact_shadow import redact_shadow

            data = redact_shadow(data)
        return data

    def read_range(self, path, offset, length, redact=None):
        def _fill(f):
            chunks, left = [], length
            while left > 0:
                chunk = f.read(min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)

        def _read():
            stream = self._streams.get(path)
            if stream is not None and stream[1] == offset:
                return self._stream_read(path, stream, _fill)
            f = open(fs_path(path), "rb")
            if not f.seekable():
                # a pipe (`gotriage avc /dev/stdin`, a FIFO): read on from where the last
                # range ended, which is how a streaming reader asks; it is read once
                if offset != 0:
                    f.close()
                    raise OSError(29, "a pipe is read once, from its start")  # ESPIPE
                return self._stream_read(path, [f, 0], _fill)
            with f:
                f.seek(offset)
                return _fill(f)

        try:
            return _wrap("read", path, _read)
        except HostError as err:
            self._note_denied(err)
            raise

    def _stream_read(self, path, stream, fill):
        data = fill(stream[0])
        stream[1] += len(data)
        if data:
            self._streams[path] = stream
        else:  # its end: closed, and not read again
            self._streams.pop(path, None)
            stream[0].close()
        return data

    def stat(self, path):
        return StatResult.from_os(_wrap("stat", path, os.stat, fs_path(path)))

    def lstat(self, path):
        return StatResult.from_os(_wrap("lstat", path, os.lstat, fs_path(path)))

    def listdir(self, path):
        return sorted(fs_text(n) for n in _wrap("listdir", path, os.listdir, fs_path(path)))

    def readlink(self, path):
        return fs_text(_wrap("readlink", path, os.readlink, fs_path(path)))

    def realpath(self, path):
        return fs_text(os.path.realpath(fs_path(path)))

    def getxattr(self, path, name):
        if not hasattr(os, "getxattr"):
            raise HostError("ENOTSUP", path, "getxattr")
        return _wrap("getxattr", path, os.getxattr, fs_path(path), name)

    def run(self, argv, env=None, cwd="/", timeout=DEFAULT_TIMEOUT, input=None):
        # Imported here: subprocess (and socket below) cost more than the rest of a
        # `gotriage binary` run, which usually starts no command at all.
        import subprocess

        started = time.monotonic()
        timeout = self.time_left(timeout)
        if timeout is None:
            return self.past_deadline(argv, env, cwd, input)
        if cwd and not os.path.isdir(fs_path(cwd)):
            return _stamped(CommandResult(argv, env, cwd, None, b"",
                                          ("working directory %s does not exist" % cwd).encode(),
                                          0.0, "failed"), input)
        executable = self.resolve(argv[0], env)
        if executable is None:
            return _stamped(CommandResult(argv, env, cwd, None, b"", (
                "%s: not found in %s" % (argv[0], ", ".join(posixpath.dirname(c) for c in tool_candidates(
                    argv[0], os.geteuid(), _path_of(env))))).encode(), 0.0, "not-found"), input)
        try:
            # executable= runs the file found while the program still sees argv[0] as
            # asked (multi-call programs such as xtables-*-multi dispatch on it)
            proc = subprocess.Popen(
                [fs_path(a) for a in argv], executable=fs_path(executable),
                env=None if env is None else {fs_path(k): fs_path(v) for k, v in env.items()},
                cwd=fs_path(cwd) if cwd else cwd,
                stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                close_fds=True)
        except OSError as exc:
            code = errno_name(exc)
            error = {"ENOENT": "not-found", "EACCES": "denied", "ENOEXEC": "failed"}.get(code, "failed")
            return _stamped(CommandResult(argv, env, cwd, None, b"", str(exc).encode(), 0.0, error),
                            input)
        try:
            # communicate writes `input` and closes stdin; a program that exits without
            # reading it all is not an error (BrokenPipeError is handled there).
            out, err = proc.communicate(input=input, timeout=timeout)
            error = None
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            try:
                out, err = proc.communicate(timeout=2)
            except subprocess.TimeoutExpired as exc:
                # A grandchild that left the process group (setsid, a daemon) still holds
                # the pipes: stop reading rather than wait for it.
                out, err = exc.output or b"", exc.stderr or b""
                proc.stdout.close()
                proc.stderr.close()
                proc.wait()
            error = "timeout"
        except BaseException:
            # Ctrl-C (KeyboardInterrupt) or another exception while waiting: the program
            # runs in its own session (so a timeout can kill its whole group), which a
            # terminal's SIGINT does not reach; it must not outlive gotriage
            _kill_group(proc)
            proc.wait()
            raise
        duration = time.monotonic() - started
        result = CommandResult(argv, env, cwd, proc.returncode if error is None else None,
                               out[:MAX_OUTPUT], err[:MAX_OUTPUT], round(duration, 4), error)
        result.executable = executable
        return _stamped(result, input)

    def resolve(self, name, env=None):
        """The file to run for argv[0] `name`: itself when it holds a slash, else the first
        executable regular file of tool_candidates (TOOL_DIRS; PATH too when not root)."""
        if "/" in name:
            return name
        for candidate in tool_candidates(name, os.geteuid(), _path_of(env)):
            if os.path.isfile(fs_path(candidate)) and os.access(fs_path(candidate), os.X_OK):
                return candidate
        return None

    def connect(self, address, port, timeout=5.0):
        import socket

        argv = ["tcp-connect", address, str(port)]
        timeout = self.time_left(timeout)
        if timeout is None:
            return self.past_deadline(argv)
        started = time.monotonic()
        try:
            sock = socket.create_connection((address, int(port)), timeout)
            sock.close()
            out, code, error = b"connected\n", 0, None
        except socket.timeout:
            out, code, error = b"i/o timeout\n", None, "timeout"
        except (OSError, ValueError) as exc:
            out, code, error = (str(exc) + "\n").encode(), 1, None
        duration = round(time.monotonic() - started, 4)
        stdout, stderr = (out, b"") if code == 0 else (b"", out)
        return CommandResult(argv, None, "/", code, stdout, stderr, duration, error)

    def http_get(self, url, proxy=None, timeout=5.0):
        from gotriage.host.httpget import http_get

        timeout = self.time_left(timeout)
        if timeout is None:
            return self.past_deadline(http_get_argv(url, proxy))
        return http_get(url, proxy, timeout)

    def identity(self):
        uid, gid = os.getuid(), os.getgid()
        try:
            pw = pwd.getpwuid(uid)
            user, home, shell = pw.pw_name, pw.pw_dir, pw.pw_shell
        except KeyError:
            user, home, shell = str(uid), None, None
        return Identity(user, uid, gid, os.getgroups(), home, shell)

    def environ(self):
        # os.environb, decoded as every path is (fs_text): the same text under any locale
        return {fs_text(k): fs_text(v) for k, v in os.environb.items()}

    def hostname(self):
        return os.uname()[1]


def _path_of(env):
    """The PATH a command would search: its own environment's, else gotriage's."""
    return (env if env is not None else os.environ).get("PATH", "")


def _stamped(result, input):
    result.stdin_sha256 = stdin_digest(input)
    return result


def _kill_group(proc):
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        try:
            proc.kill()
        except OSError:
            pass
