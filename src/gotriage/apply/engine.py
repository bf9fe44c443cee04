"""The apply engine: runs a Plan on this host, the one place gotriage changes it.

Order (docs/apply.md):
 1. preflight, before anything changes: every file is as the plan saw it (its SHA-256,
    or still absent), every validator the plan needs is installed, and each command's
    state is queried (a command already in effect is skipped: a second --apply changes
    nothing);
 2. the steps, in order, each recorded in the journal as it completes: a file is backed
    up, then written atomically (a temporary file in the same directory, fsync, mode,
    owner and label, the validator that must accept it first (visudo -c -f), rename,
    fsync of the directory), so that it is the old content or the new, never part;
 3. the validations of what the files belong to (systemd-analyze verify, visudo -c,
    firewall-cmd --check-config...), then the reloads, then the restarts asked for;
 4. at the first failure, the completed steps are undone in reverse order (files from
    their backups, commands by their undo) and the reloads run again.

One apply at a time: a second one, while the first holds STATE_DIR/apply.lock, is
refused before it reads anything.

A run killed on the way (kill -9, power loss) leaves the journal saying so: the next run
reports it, removes the temporary file it names, and a new plan (made from the host as it
is now) finishes the job.  GOTRIAGE_FAILPOINT (tests only) kills the process at a named
point: before-step-N, after-step-N, mid-write-N, before-rename-N, before-validate,
before-reload.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from gotriage.apply.commands import RELOADS, Query
from gotriage.apply.plan import ABSENT, RELOADS_ORDER, before_rename, sha256
from gotriage.host.base import fs_path
from gotriage.quoting import shell_join

DEFAULT_STATE_DIR = "/var/lib/gotriage"
SELINUX_LABEL = "security.selinux"


class ApplyError(Exception):
    """Apply refused or failed: a one-line reason (after rollback, when there was one)."""


class Outcome(object):
    def __init__(self):
        self.done, self.skipped, self.undone, self.rollback_errors = [], [], [], []
        self.failure = None  # (what failed, message)
        self.validated, self.reloaded, self.restarted = [], [], []
        self.notes = []

    @property
    def ok(self):
        return self.failure is None


def _failpoint(name):
    if os.environ.get("GOTRIAGE_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _selinux_enabled():
    return os.path.exists("/sys/fs/selinux/enforce")


class Engine(object):
    def __init__(self, plan, backup_dir, state_dir=DEFAULT_STATE_DIR, timeout=60.0,
                 restart=False, log=None):
        self.plan = plan
        self.backup_dir = backup_dir
        self.journal_path = os.path.join(state_dir, "apply.journal")
        self.state_dir = state_dir
        self.timeout = timeout
        self.log = log or (lambda text: None)
        self.out = Outcome()
        self._done = []  # (step, undo record)
        self._journal = None
        self._reloading = False  # a reload ran (or was tried): rollback reloads again
        self._renamed = False  # the file step under way has replaced its file

    # -- running commands ----------------------------------------------------------
    def _run(self, argv):
        """(exit status, stdout text, stderr's last line); status None: it could not run."""
        env = dict(os.environ, LC_ALL="C", LANG="C")
        try:
            done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env, timeout=self.timeout)
        except FileNotFoundError:
            return None, "", "%s is not installed" % argv[0]
        except subprocess.TimeoutExpired:
            return None, "", "no answer in %.0f s" % self.timeout
        except OSError as exc:
            return None, "", exc.strerror or str(exc)
        out = done.stdout.decode("utf-8", "replace")
        return done.returncode, out, _message(done.stderr.decode("utf-8", "replace"), out)

    # -- journal -------------------------------------------------------------------
    def _write_journal(self, **changes):
        self._journal.update(changes)
        data = (json.dumps(self._journal, indent=1, sort_keys=True) + "\n").encode("utf-8")
        tmp = self.journal_path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, self.journal_path)

    def _open_journal(self):
        os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        self._journal = {"title": self.plan.title, "digest": self.plan.digest(),
                         "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                         "backup_dir": self.backup_dir, "state": "running", "done": [],
                         "tmp": None, "reloads": self.plan.reloads(),
                         "validations": self.plan.validations()}
        self._write_journal()

    # -- preflight -----------------------------------------------------------------
    def preflight(self):
        """Refuse before any change: files changed since the plan, validators missing.
        Returns {step index: Query} for the command steps."""
        for step in self.plan.file_steps:
            if os.path.islink(fs_path(step.path)):
                # a rename would replace the link with a file, and what it points to would
                # keep the old content
                raise ApplyError("%s is a symbolic link (to %s): gotriage does not replace "
                                 "links; nothing applied" % (
                                     step.path, os.readlink(fs_path(step.path)).decode(
                                         "utf-8", "surrogateescape")))
            now = _current_sha(step.path)
            if now != step.expect:
                raise ApplyError("%s changed since the plan was made (%s, the plan saw %s): "
                                 "nothing applied; make the plan again" % (
                                     step.path, _short(now), _short(step.expect)))
        wanted = set()
        for step in self.plan.file_steps:
            if not step.remove:
                wanted.update(argv[0] for argv in before_rename(step.path))
        wanted.update(argv[0] for argv, _ in self.plan.validations())
        missing = sorted(t for t in wanted if shutil.which(t) is None)
        if missing:
            raise ApplyError("cannot validate the change: %s not installed; nothing "
                             "applied" % ", ".join(missing))
        queries = {}
        for index, step in enumerate(self.plan.steps):
            if step.kind == "command":
                queries[index] = self._query(step.bound)
        return queries

    def _query(self, bound):
        captured = {}
        if bound.capture:
            what, path, recursive = bound.capture
            if what == "labels":
                captured["labels"] = _labels(path, recursive)
            elif what == "stat":
                try:
                    st = os.lstat(fs_path(path))
                    captured.update(mode=st.st_mode & 0o7777, uid=st.st_uid, gid=st.st_gid)
                except OSError:
                    pass
        if bound.query:
            status, out, _ = self._run(bound.query)
            return Query(status if status is not None else -1, out, captured)
        return Query(0, "", captured)

    # -- the run -------------------------------------------------------------------
    def apply(self, interrupted=None):
        """Run the plan; `interrupted`: the journal of a killed run this one finishes."""
        lock = self._lock()
        try:
            return self._apply(interrupted)
        finally:
            os.close(lock)  # (the kernel drops the lock with the descriptor, or the process)

    def _lock(self):
        """One --apply at a time on a host: an exclusive lock on STATE_DIR/apply.lock,
        refused at once (never waited for) when another run holds it."""
        import fcntl

        os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        fd = os.open(os.path.join(self.state_dir, "apply.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ApplyError("another gotriage --apply is running on this host (it holds %s):"
                             " nothing applied" % os.path.join(self.state_dir, "apply.lock")) \
                from None
        return fd

    def _apply(self, interrupted):
        queries = self.preflight()
        if interrupted is not None:
            stray = take_interrupted(self.state_dir, interrupted)
            if stray:
                self.out.notes.append("removed the temporary file %s of the killed run"
                                      % stray)
        self._open_journal()
        try:
            self._steps(queries)
            _failpoint("before-validate")
            self._validate()
            _failpoint("before-reload")
            self._reloading = True
            self._reload(self.plan.reloads(), self.out.reloaded)
            self._steps(queries, after_reload=True)
            for unit in self.plan.restarts:
                self._must(["systemctl", "restart", unit], "restart %s" % unit)
                self.out.restarted.append(unit)
        except ApplyError as exc:
            self.out.failure = str(exc)
            self._rollback()
        except OSError as exc:  # a directory that is gone, a full disk, a read-only mount
            name = getattr(exc, "filename", None) or "a file"
            if isinstance(name, bytes):
                name = name.decode("utf-8", "surrogateescape")
            self.out.failure = "%s: %s" % (name, exc.strerror or exc)
            self._rollback()
        self._write_journal(state="failed" if self.out.failure else "done", tmp=None)
        return self.out

    def _steps(self, queries, after_reload=False):
        for index, step in enumerate(self.plan.steps):
            number = index + 1
            if step.kind == "manual" or after_reload != (
                    step.kind == "command" and step.bound.after_reload):
                continue
            _failpoint("before-step-%d" % number)
            if step.kind == "command":
                query = queries[index]
                if step.bound.applied(query):
                    self.out.skipped.append("%s (already in effect)" % shell_join(step.argv))
                    continue
                self._must(step.argv, "step %d" % number)
                self._done.append((step, step.bound.undo(query)))
                self.log("applied %d: %s\n" % (number, shell_join(step.argv)))
                self.out.done.append(shell_join(step.argv))
            else:
                self._file_step(step, number)
            self._write_journal(done=self._journal["done"] + [number])
            _failpoint("after-step-%d" % number)

    def _must(self, argv, what):
        status, _, last = self._run(argv)
        if status != 0:
            raise ApplyError("%s failed: `%s`: %s" % (
                what, shell_join(argv), last or "exit %s" % status))

    def _file_step(self, step, number):
        now = _current_sha(step.path)
        if now != step.expect:  # an earlier step of this plan changed it
            raise ApplyError("%s changed while the plan was applied (%s, the plan saw %s)"
                             % (step.path, _short(now), _short(step.expect)))
        backup = self._backup(step.path)
        # recorded as done before it is: undoing a step that did not happen puts back
        # what is already there, while a step done but not recorded would stay
        self._done.append((step, backup))
        if step.remove:
            os.unlink(fs_path(step.path))
            _fsync_dir(os.path.dirname(step.path))
            what = "removed %s" % step.path
        elif step.content is None:
            _set_metadata(step.path, step.mode, step.uid, step.gid, step.label)
            what = "set the mode, owner and label of %s" % step.path
        else:
            self._renamed = False
            try:
                self._write(step, number)
            except BaseException:
                if not self._renamed:
                    self._done.pop()  # failed before the rename: the file is untouched
                raise
            what = "wrote %s" % step.path
        self.log("applied %d: %s\n" % (number, what))
        self.out.done.append(what)

    def _write(self, step, number):
        mode, uid, gid, label = step.mode, step.uid, step.gid, step.label
        try:
            st = os.lstat(fs_path(step.path))
            mode = mode or "%04o" % (st.st_mode & 0o7777)
            uid = st.st_uid if uid is None else uid
            gid = st.st_gid if gid is None else gid
            label = label or _label(step.path)
        except FileNotFoundError:
            mode = mode or "0644"
        directory = os.path.dirname(step.path)
        fd, tmp_raw = _mkstemp(step.path)
        tmp = tmp_raw.decode("utf-8", "surrogateescape")
        self._write_journal(tmp=tmp)
        try:
            with os.fdopen(fd, "wb") as f:
                half = len(step.content) // 2
                f.write(step.content[:half])
                f.flush()
                _failpoint("mid-write-%d" % number)
                f.write(step.content[half:])
                f.flush()
                os.fsync(f.fileno())
            _copy_xattrs(step.path, tmp)  # ACLs and other attributes the old file had
            _set_metadata(tmp, mode, uid, gid, label)
            for argv in before_rename(step.path):
                argv = [tmp if a == "{file}" else a for a in argv]
                status, _, last = self._run(argv)
                if status != 0:
                    raise ApplyError("the new %s is refused by `%s`: %s" % (
                        step.path, argv[0], (last or "exit %s" % status).replace(
                            tmp, step.path)))
            _failpoint("before-rename-%d" % number)
            os.rename(fs_path(tmp), fs_path(step.path))
            self._renamed = True
            _fsync_dir(directory)
        except BaseException:
            if os.path.lexists(fs_path(tmp)):
                os.unlink(fs_path(tmp))
            raise
        finally:
            self._write_journal(tmp=None)

    def _backup(self, path):
        """Copy `path` (content and metadata) into the backup directory; the record undo
        needs: {"absent": True} or the metadata and where the copy is."""
        try:
            st = os.lstat(fs_path(path))
        except FileNotFoundError:
            return {"path": path, "absent": True}
        copy = os.path.join(self.backup_dir, "files", path.lstrip("/"))
        os.makedirs(fs_path(os.path.dirname(copy)), mode=0o700, exist_ok=True)
        shutil.copyfile(fs_path(path), fs_path(copy))
        os.chmod(fs_path(copy), 0o600)
        record = {"path": path, "absent": False, "copy": copy,
                  "mode": "%04o" % (st.st_mode & 0o7777), "uid": st.st_uid, "gid": st.st_gid,
                  "label": _label(path)}
        manifest = os.path.join(self.backup_dir, "manifest.json")
        entries = []
        if os.path.exists(manifest):
            with open(manifest) as f:
                entries = json.load(f)
        entries.append(record)
        with open(manifest, "w") as f:
            json.dump(entries, f, indent=1, sort_keys=True)
        return record

    def _validate(self):
        for argv, why in self.plan.validations():
            if argv[0] == "systemd-analyze" and not os.path.exists(argv[-1]) \
                    and "/" in argv[-1]:
                continue  # the unit file was removed: nothing of it to verify
            status, _, last = self._run(argv)
            if status != 0 and "--man=no" in argv and "unrecognized option" in last:
                argv = [a for a in argv if a != "--man=no"]  # systemd < 235 (EL7's 219)
                status, _, last = self._run(argv)
            if status != 0:
                raise ApplyError("`%s` refuses %s: %s" % (shell_join(argv), why,
                                                          last or "exit %s" % status))
            self.out.validated.append(shell_join(argv))

    def _reload(self, names, into):
        for name in sorted(names, key=RELOADS_ORDER.index):
            self._must(RELOADS[name], "reload")
            into.append(shell_join(RELOADS[name]))

    # -- rollback ------------------------------------------------------------------
    def _rollback(self):
        for step, undo in reversed(self._done):
            try:
                if step.kind == "file":
                    self._undo_file(undo)
                    self.out.undone.append("put back %s" % step.path)
                else:
                    for op in undo:
                        self._undo_op(op)
                    self.out.undone.append("undid `%s`" % shell_join(step.argv))
            except (OSError, ApplyError) as exc:
                self.out.rollback_errors.append("%s: %s" % (
                    getattr(step, "path", None) or shell_join(step.argv),
                    getattr(exc, "strerror", None) or exc))
        self._done = []
        touched = self.plan.reloads()
        if touched and self.out.undone and self._reloading:
            again = []
            try:
                self._reload(touched, again)
            except ApplyError as exc:
                self.out.rollback_errors.append(str(exc))

    def _undo_file(self, record):
        path = record["path"]
        if record["absent"]:
            if os.path.lexists(fs_path(path)):
                os.unlink(fs_path(path))
            return
        with open(fs_path(record["copy"]), "rb") as f:
            data = f.read()
        directory = os.path.dirname(path)
        fd, tmp = _mkstemp(path)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            _set_metadata(tmp, record["mode"], record["uid"], record["gid"], record["label"])
            os.rename(tmp, fs_path(path))
            _fsync_dir(directory)
        except BaseException:
            if os.path.lexists(tmp):
                os.unlink(tmp)
            raise

    def _undo_op(self, op):
        if op[0] == "run":
            self._must(op[1], "undo")
        elif op[0] == "label":
            _set_label(op[1], op[2])
        elif op[0] == "mode":
            os.chmod(fs_path(op[1]), op[2])
        elif op[0] == "owner":
            os.lchown(fs_path(op[1]), op[2], op[3])


def _message(err, out):
    """The line of a tool's output that says what is wrong: the first naming an error
    (visudo: "FILE:1:9: syntax error", then the line and a caret), else the last with
    words in it."""
    lines = [line.strip() for line in (err or out).splitlines()
             if any(c.isalpha() for c in line)]
    for line in lines:
        if "error" in line.lower() or "fail" in line.lower():
            return line
    return lines[-1] if lines else ""


def read_interrupted(state_dir):
    """The journal of an apply that was killed on the way, or None when the last one
    finished (or there was none).  A new plan, made from the host as it is now, finishes
    its job and runs the validations and reloads the killed run did not reach (docs/
    apply.md, "Interrupted"); take_interrupted marks it taken when that plan runs."""
    try:
        with open(os.path.join(state_dir, "apply.journal"), "rb") as f:
            previous = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(previous, dict) or previous.get("state") != "running":
        return None
    return previous


def take_interrupted(state_dir, previous):
    """Remove the temporary file the killed run was writing and mark its journal taken;
    the name of the file removed, or None."""
    stray = previous.get("tmp")
    if stray and os.path.lexists(fs_path(stray)):
        os.unlink(fs_path(stray))
    else:
        stray = None
    path = os.path.join(state_dir, "apply.journal")
    with open(path + ".tmp", "w") as f:
        json.dump(dict(previous, state="interrupted", removed_tmp=stray), f, indent=1,
                  sort_keys=True)
    os.rename(path + ".tmp", path)
    return stray


def interrupted_note(previous):
    return ("a previous apply (%s, started %s) was killed after %d of its steps; its "
            "backups are in %s; this plan was made from the host as it is now, and runs "
            "the validations and reloads it did not reach" % (
                previous.get("title", "?"), previous.get("started", "?"),
                len(previous.get("done", [])), previous.get("backup_dir", "?")))


# -- files -------------------------------------------------------------------------
def _mkstemp(path):
    """(fd, bytes path) of a new temporary file beside `path`, named after it."""
    directory, name = os.path.split(fs_path(path))
    return tempfile.mkstemp(prefix=b"." + name + b".gotriage.", dir=directory or b"/")


def current_sha(path):
    """The SHA-256 of the file at `path` now, or plan.ABSENT (what a plan's `expect` is)."""
    return _current_sha(path)


def _current_sha(path):
    try:
        with open(fs_path(path), "rb") as f:
            return sha256(f.read())
    except FileNotFoundError:
        return ABSENT
    except OSError as exc:
        raise ApplyError("%s cannot be read: %s; nothing applied" % (
            path, exc.strerror or exc)) from None


def _short(value):
    return value if value == ABSENT else "sha256 %s" % value[:12]


def _fsync_dir(directory):
    fd = os.open(fs_path(directory or "/"), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _label(path):
    try:
        return os.getxattr(fs_path(path), SELINUX_LABEL, follow_symlinks=False) \
            .rstrip(b"\0").decode("utf-8", "replace")
    except OSError:
        return None


def _set_label(path, label):
    if label and _selinux_enabled():
        os.setxattr(fs_path(path), SELINUX_LABEL, label.encode("utf-8") + b"\0",
                    follow_symlinks=False)


def _copy_xattrs(source, target):
    """The extended attributes of `source` (POSIX ACLs, user.*), but the SELinux label
    (set on its own), onto `target`; nothing when `source` does not exist or the file
    system keeps none."""
    try:
        names = os.listxattr(fs_path(source), follow_symlinks=False)
    except OSError:
        return
    for name in names:
        if name == SELINUX_LABEL:
            continue
        try:
            os.setxattr(target, name, os.getxattr(fs_path(source), name,
                                                  follow_symlinks=False))
        except OSError:
            pass  # an attribute this file system or this user cannot set: the rest goes on


def _set_metadata(path, mode, uid, gid, label):
    if uid is not None and gid is not None:
        os.chown(fs_path(path), uid, gid)
    if mode:
        os.chmod(fs_path(path), int(mode, 8))
    _set_label(path, label)


def _labels(path, recursive, limit=20000):
    """{path: label} of `path` (and of its tree when recursive, up to `limit` entries)."""
    found = {}
    label = _label(path)
    if label:
        found[path] = label
    if recursive and os.path.isdir(fs_path(path)):
        for directory, dirs, files in os.walk(path):
            for name in dirs + files:
                full = os.path.join(directory, name)
                label = _label(full)
                if label:
                    found[full] = label
                if len(found) >= limit:
                    raise ApplyError("%s holds more than %d entries: restorecon -R on it "
                                     "cannot be undone entry by entry; run it yourself"
                                     % (path, limit))
    return found
