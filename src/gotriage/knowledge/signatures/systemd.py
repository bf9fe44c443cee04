"""Signatures of a service under systemd: the exit statuses systemd sets when it cannot
start the program (217/USER, 216/GROUP, 200/CHDIR, 203/EXEC, 209/STDOUT, 226/NAMESPACE),
unit files it cannot read, limits, and what a Go program prints when it dies.  The
forms are those of systemd 219 (EL7) to 257 (EL10), as parsers/journal.py reads them
(tests/test_journal.py on recorded journals; tests/data/go-crashes for Go's traces)."""

from gotriage.knowledge.signatures import LOW, MEDIUM, C, N, Signature

DROPIN = "systemctl edit {unit}"
UNIT_STATUS = C("systemctl", "status", "{unit}", otherwise="systemctl status UNIT",
                why="the unit's settings and its last lines")

SIGNATURES = [
    Signature(
        "SVC-USER-MISSING", "systemd", "the unit's User= does not exist (217/USER)",
        keys=("217/USER", "Failed to determine user credentials"),
        patterns=(r"Failed to determine user credentials: (?P<error>.+)$", r"status=217/USER"),
        cause="systemd could not find the user named in the unit's User= (217/USER), so the "
              "program never started.",
        fix=(C("systemctl", "cat", "{unit}", otherwise="systemctl cat UNIT", why="which User= it names"),
             N("create that user (useradd --system --shell /sbin/nologin NAME) or fix User=; "
               "or let systemd make one: DynamicUser=yes")),
        confirm=("SVC-USER-MISSING", "SVC-JOURNAL-USER"),
        examples=("api.service: Failed to determine user credentials: No such process",
                  "api.service: Main process exited, code=exited, status=217/USER")),
    Signature(
        "SVC-USER-GROUP-MISSING", "systemd", "the unit's Group= does not exist (216/GROUP)",
        keys=("216/GROUP", "Failed to determine group credentials"),
        patterns=(r"Failed to determine group credentials: (?P<error>.+)$", r"status=216/GROUP"),
        cause="systemd could not find the group named in Group= (216/GROUP).",
        fix=(N("create the group (groupadd --system NAME) or fix Group= in the unit"),),
        confirm=("SVC-USER-GROUP-MISSING",),
        beats=("SVC-USER-MISSING",),
        examples=("api.service: Failed to determine group credentials: No such process",)),
    Signature(
        "SVC-WORKDIR-MISSING", "systemd", "WorkingDirectory= does not exist (200/CHDIR)",
        keys=("Changing to the requested working directory failed", "200/CHDIR"),
        patterns=(r"Changing to the requested working directory failed: No such file or directory",
                  r"status=200/CHDIR"),
        cause="The unit's WorkingDirectory= does not exist (or is not reachable by its User=), "
              "so systemd did not start the program (200/CHDIR).",
        fix=(N("create it (install -d -o USER DIR) or fix WorkingDirectory=; prefix it with - "
               "(WorkingDirectory=-/srv/app) if it may be missing"),),
        confirm=("SVC-WORKDIR-MISSING", "SVC-WORKDIR-DENIED", "SVC-JOURNAL-CHDIR"),
        examples=("api.service: Changing to the requested working directory failed: No such file or directory",)),
    Signature(
        "SVC-WORKDIR-DENIED", "systemd", "the unit's user cannot enter WorkingDirectory=",
        keys=("Changing to the requested working directory failed: Permission denied",),
        patterns=(r"Changing to the requested working directory failed: Permission denied",),
        cause="The unit's User= may not enter its WorkingDirectory= (a directory on the way "
              "is not searchable, e.g. /root or a 0700 home), or SELinux forbids it.",
        fix=(N("move the service's files out of home directories (e.g. /srv/app, owned by its "
               "user); namei -l DIR shows which directory blocks"),),
        confirm=("SVC-WORKDIR-DENIED", "SVC-JOURNAL-CHDIR"),
        beats=("SVC-WORKDIR-MISSING",),
        examples=("api.service: Changing to the requested working directory failed: Permission denied",)),
    Signature(
        "SVC-EXEC-MISSING", "systemd", "ExecStart='s program does not exist (203/EXEC)",
        keys=("No such file or directory", ": No>", ": No >"),
        patterns=(r"Failed (?:at step EXEC spawning|to (?:locate|execute) executable|to execute) "
                  r"(?P<path>/\S+?): No(?: such file or directory|\s*>|$)",),
        cause="systemd cannot find {path}: a wrong path in ExecStart=, a binary not deployed "
              "yet, or (when the file is there) a missing loader or #! interpreter.",
        fix=(C("ls", "-l", "{path}"),
             N("if it is there: file {path} names the interpreter it needs (a musl or 32-bit "
               "build; a script's #! line)")),
        confirm=("SVC-EXEC-MISSING", "SVC-EXEC-INTERP", "SVC-EXEC-SCRIPT", "SVC-JOURNAL-EXEC"),
        examples=("api.service: Failed at step EXEC spawning /usr/local/bin/api: No such file or directory",
                  "api.service: Failed to locate executable /usr/local/bin/api: No such file or directory")),
    Signature(
        "SEL-AVC-EXEC-LABEL", "systemd", "systemd may not execute the program (203/EXEC Permission denied)",
        variant="203",
        keys=("Permission denied", "203/EXEC"),
        patterns=(r"Failed (?:at step EXEC spawning|to (?:locate|execute) executable|to execute) "
                  r"(?P<path>/(?:home|root|tmp|var/tmp|usr/local|opt|srv|var/lib|data)/\S+?): Permission denied",
                  r"Failed at step EXEC spawning \.\.\.: Permission denied",
                  r"ExecStart=(?P<path>/(?:home|root|usr/local|opt|srv)/\S+).*status=203/EXEC"),
        cause="On an SELinux host this is most often the program's label: a binary built in a "
              "home directory or /tmp and moved with mv keeps user_home_t/user_tmp_t, which "
              "init_t may not execute.  Otherwise the file lacks x, a directory on its path is "
              "not searchable by User=, or the mount is noexec.",
        fix=(C("ls", "-Z", "{path}", why="user_home_t or user_tmp_t means the label"),
             C("restorecon", "-v", "{path}", why="gives it the label of its place"),
             N("if the label was right: chmod +x {path}, and namei -l {path} for the directories")),
        confirm=("SVC-LABEL-DENIED", "SVC-EXEC-NOT-EXECUTABLE", "SVC-EXEC-DENIED", "SVC-EXEC-NOEXEC",
                 "SEL-AVC-EXEC-LABEL", "SVC-LABEL-MISMATCH"),
        beats=("BIN-ELF-NOT-EXECUTABLE", "SVC-EXEC-NOT-EXECUTABLE"),
        confidence=MEDIUM,
        examples=("api.service: Failed to execute /usr/local/bin/api: Permission denied",
                  "Failed at step EXEC spawning /usr/local/bin/api: Permission denied")),
    Signature(
        "SVC-EXEC-NOT-EXECUTABLE", "systemd", "ExecStart='s file is not executable (203/EXEC)",
        keys=("Permission denied",),
        patterns=(r"Failed (?:at step EXEC spawning|to (?:locate|execute) executable|to execute) "
                  r"(?P<path>/\S+?): Permission denied",),
        cause="systemd may not execute {path}: it lacks the execute bit (a script or a copy that "
              "lost its mode), a directory on its path is not searchable by User=, or SELinux "
              "forbids it (its label).",
        fix=(C("ls", "-lZ", "{path}", why="the mode, and the SELinux label"),
             C("chmod", "+x", "{path}", why="when it lacks x"),
             N("when the label is user_home_t or user_tmp_t: restorecon -v {path}")),
        confirm=("SVC-EXEC-NOT-EXECUTABLE", "SVC-EXEC-DENIED", "SVC-LABEL-DENIED", "SVC-EXEC-NOEXEC"),
        confidence=MEDIUM,
        examples=("NetworkManager-dispatcher.service: Failed to execute /etc/NetworkManager/dispatcher.d/"
                  "pre-up.d/10-x: Permission denied",)),
    Signature(
        "SVC-EXEC-NOEXEC", "systemd", "a program in /tmp (or /dev/shm) on a noexec mount",
        keys=(": Permission denied",),
        patterns=(r"(?P<path>/(?:tmp|var/tmp|dev/shm)/\S+): Permission denied",),
        cause="{path} is on a file system mounted noexec (hardened hosts mount /tmp, /var/tmp "
              "and /dev/shm so): nothing there may be executed, whatever its mode.",
        fix=(C("findmnt", "-T", "{path}", why="shows the noexec option"),
             N("run it from a directory that allows executing (e.g. /usr/local/libexec or the "
               "service's own directory), or set TMPDIR to one for the tool that writes it")),
        confirm=("SVC-EXEC-NOEXEC",),
        beats=("SEL-AVC-EXEC-LABEL", "BIN-ELF-NOT-EXECUTABLE"),
        confidence=MEDIUM,
        examples=("start-script output: /etc/one-context.d/net-97-start-script: line 21: "
                  "/tmp/one-context.yKZcbb/one-start-script: Permission denied",)),
    Signature(
        "SVC-EXEC-SCRIPT", "systemd", "ExecStart= names a script without a #! line",
        keys=("Exec format error",),
        patterns=(r"Failed (?:at step EXEC spawning|to execute) (?P<path>/\S+?\.(?:sh|bash|py|pl|rb))"
                  r": Exec format error",),
        cause="{path} is a script without a #! line, or a program for another architecture.",
        fix=(C("file", "{path}"),
             N("a script: begin it with #!/bin/sh (or run it as ExecStart=/bin/sh {path}); a "
               "program: build it for this host's GOARCH")),
        confirm=("SVC-EXEC-SCRIPT", "SVC-EXEC-ARCH", "SVC-TRACE-ENOEXEC"),
        beats=("BIN-ARCH-WRONG", "SVC-EXEC-ARCH"),
        examples=("api.service: Failed to execute /opt/api/run.sh: Exec format error",)),
    Signature(
        "SVC-EXEC-ARCH", "systemd", "ExecStart='s program is for another architecture",
        keys=("Exec format error",),
        patterns=(r"Failed (?:at step EXEC spawning|to execute) (?P<path>/\S+?): Exec format error",),
        cause="The kernel cannot execute {path}: a program built for another CPU (an amd64 "
              "build on an arm64 host, or the reverse), or a script without a #! line.",
        fix=(C("file", "{path}", why="says which architecture it is for, or that it is a script"),
             N("build it for this host (GOARCH=$(go env GOHOSTARCH), or uname -m's arch), or begin a "
               "script with #!/bin/sh")),
        confirm=("SVC-EXEC-ARCH", "SVC-EXEC-SCRIPT", "SVC-TRACE-ENOEXEC"),
        beats=("BIN-ARCH-WRONG",),
        examples=("redlib.service: Failed to execute /usr/local/bin/redlib: Exec format error",)),
    Signature(
        "SVC-JOURNAL-EXEC", "systemd", "systemd could not execute the program (203/EXEC)",
        keys=("203/EXEC",),
        patterns=(r"status=203/EXEC",),
        cause="systemd could not execute ExecStart='s program; the line just before this one "
              "in the journal says why (No such file or directory, Permission denied, Exec "
              "format error).",
        fix=(C("journalctl", "-u", "{unit}", "-b", "-n", "30", "--no-pager",
               otherwise="journalctl -u UNIT -b", why="the reason line"),
             C("gotriage", "service", "{unit}", otherwise="gotriage service UNIT",
               why="finds the cause on the host")),
        confirm=("SVC-JOURNAL-EXEC", "SVC-SANDBOX-HIDES", "SVC-EXEC-MISSING", "SVC-EXEC-NOT-EXECUTABLE"),
        consequence=True,
        confidence=LOW,
        examples=("api.service: Main process exited, code=exited, status=203/EXEC",)),
    Signature(
        "SVC-STDOUT-MISSING", "systemd", "the directory of the unit's log file does not exist (209/STDOUT)",
        keys=("Failed to set up standard output", "209/STDOUT", "Failed to set up standard error"),
        patterns=(r"Failed to set up standard (?:output|error): (?P<error>No such file or directory)$",),
        cause="StandardOutput=file:/append: names a file in a directory that does not exist: "
              "systemd creates the file, not its directories.",
        fix=(C("systemctl", "cat", "{unit}", otherwise="systemctl cat UNIT", why="which file"),
             N("create the directory (LogsDirectory=NAME in the unit makes /var/log/NAME)")),
        confirm=("SVC-JOURNAL-CONFIG",),
        beats=("SEL-AVC-FILE-LABEL",),
        examples=("api.service: Failed to set up standard output: No such file or directory",)),
    Signature(
        "SVC-SANDBOX-PATH-MISSING", "systemd", "a sandbox path of the unit does not exist (226/NAMESPACE)",
        keys=("Failed to set up mount namespacing", "226/NAMESPACE"),
        patterns=(r"Failed to set up mount namespacing(?::\s*(?P<path>/\S*))?: (?P<error>.+)$",
                  r"status=226/NAMESPACE"),
        cause="ReadWritePaths=, ReadOnlyPaths= or another sandbox setting names {path}, "
              "which does not exist.",
        fix=(N("create {path} or prefix it with - in the unit (ReadWritePaths=-{path})",
               otherwise="create the path or prefix it with - in the unit"),),
        confirm=("SVC-SANDBOX-PATH-MISSING", "SVC-JOURNAL-NAMESPACE"),
        examples=("api.service: Failed to set up mount namespacing: /var/lib/api: No such file or directory",)),
    Signature(
        "SVC-ENV-FILE-MISSING", "systemd", "EnvironmentFile= does not exist",
        keys=("Failed to load environment files",),
        patterns=(r"Failed to load environment files: (?P<error>.+)$",),
        cause="The unit's EnvironmentFile= names a file that does not exist ({error}).",
        fix=(N("create it, or prefix it with - (EnvironmentFile=-/etc/sysconfig/app) if it is optional"),),
        confirm=("SVC-ENV-FILE-MISSING",),
        examples=("api.service: Failed to load environment files: No such file or directory",)),
    Signature(
        "SVC-UNIT-UNKNOWN-KEY", "systemd", "a setting this systemd does not know is ignored",
        keys=("Unknown key name", "Unknown lvalue", "Unknown section"),
        patterns=(r"(?P<file>/\S+?):(?P<line>\d+)\]? ?:? ?Unknown (?:key name|lvalue) '(?P<key>[^']+)' "
                  r"in section '?(?P<section>[^',]+)'?",
                  r"Unknown (?:key name|lvalue) '(?P<key>[^']+)' in section '?(?P<section>[^',]+)'?"),
        cause="This systemd does not know {key}= in [{section}] (a newer systemd's setting, "
              "or a typo) and ignores it: the unit runs without it.",
        fix=(N("check the spelling; on EL7 (systemd 219) and EL8 (239) use what they know "
               "(man systemd.directives there), e.g. StartLimitInterval= in [Unit] on 219"),),
        confirm=("SVC-UNIT-UNKNOWN-KEY",),
        confidence=MEDIUM,
        examples=("/etc/systemd/system/api.service:12: Unknown key name 'ProtectHostname' in section "
                  "'Service', ignoring.",
                  "[/etc/systemd/system/api.service:9] Unknown lvalue 'StartLimitIntervalSec' in section 'Unit'")),
    Signature(
        "SVC-EXEC-VARIABLE-COMMAND", "systemd", "ExecStart= begins with a variable",
        keys=("ExecStart=$", "ignoring: $"),
        patterns=(r"ExecStart=\$\{?(?P<variable>\w+)",
                  r"Executable path is not absolute, ignoring: \$\{?(?P<variable>\w+)"),
        cause="systemd does not expand a variable in the program's place: ExecStart=${variable} "
              "(or $VAR) is not a path to execute (systemd expands variables only in the "
              "arguments).",
        fix=(N("write the program's absolute path first: ExecStart=/path/to/program ${ARGS}, or "
               "ExecStart=/bin/sh -c '${variable} ...' when it must come from the environment"),),
        beats=("SVC-EXEC-RELATIVE", "SVC-JOURNAL-EXEC"),
        examples=("[/etc/systemd/system/celery.service:22] Executable path is not absolute, ignoring: "
                  "$CELERY_BIN multi stopwait",)),
    Signature(
        "SVC-UNIT-MULTIPLE-EXECSTART", "systemd", "more than one ExecStart= for a service that is not oneshot",
        keys=("has more than one ExecStart= setting",),
        patterns=(r"(?P<unit>\S+) has more than one ExecStart= setting",),
        cause="A drop-in added an ExecStart= without first clearing the unit's own (an empty "
              "ExecStart= line), so the service has two: only Type=oneshot allows that.",
        fix=(N("in the drop-in (systemctl edit {unit}), put an empty ExecStart= line before the new "
               "ExecStart=", otherwise="in the drop-in, put an empty ExecStart= line before the new one"),),
        confirm=("SVC-UNIT-MULTIPLE-EXECSTART",),
        examples=("xxx.service has more than one ExecStart= setting, which is only allowed for "
                  "Type=oneshot services. Refusing.",)),
    Signature(
        "SVC-WORKDIR-QUOTED", "systemd", "WorkingDirectory= is quoted",
        keys=("is not absolute, ignoring", "Not an absolute path, ignoring: \""),
        patterns=(r"Working directory path '\"(?P<dir>[^\"]+)\"' is not absolute",
                  r"Not an absolute path, ignoring: \"(?P<dir>/[^\"]+)\""),
        cause="systemd takes quotes in WorkingDirectory= literally, so \"{dir}\" is not an "
              "absolute path and is ignored.",
        fix=(N("write it without quotes: WorkingDirectory={dir}"),),
        confirm=("SVC-WORKDIR-QUOTED",),
        beats=("SVC-UNIT-UNKNOWN-KEY", "SVC-EXEC-RELATIVE"),
        examples=("[/etc/systemd/system/xxx.service:10] Working directory path '\"/var/www/xxx\"' is "
                  "not absolute, ignoring.",)),
    Signature(
        "SVC-UNIT-BROKEN-CONTINUATION", "systemd", "a multi-line ExecStart= lost a backslash",
        keys=("Unknown lvalue '-", "Unknown key name '-"),
        patterns=(r"Unknown (?:lvalue|key name) '(?P<key>-[^']*)' in section",),
        cause="A line of the unit begins with {key}, an option: the line before it lost its "
              "trailing backslash, so the command ended there and the rest is read as a key.",
        fix=(N("add the missing \\ at the end of the line before it, then systemctl daemon-reload"),),
        beats=("SVC-UNIT-UNKNOWN-KEY",),
        examples=("[/lib/systemd/system/xyz.service:9] Unknown lvalue '--blacklists' in section 'Service'",)),
    Signature(
        "SVC-UNIT-WRONG-SECTION", "systemd", "a directive in the wrong section of the unit",
        keys=("Unknown lvalue '", "Unknown key name '"),
        patterns=(r"Unknown (?:lvalue|key name) '(?P<key>Wants|After|Before|Requires|Requisite|BindsTo|"
                  r"PartOf|Conflicts|Description|Documentation|StartLimit\w+|OnFailure|Condition\w+|"
                  r"Assert\w+)' in section '?(?P<section>Service|Install)'?",
                  r"Unknown (?:lvalue|key name) '(?P<key>Exec\w+|User|Group|Restart\w*|Type|Environment\w*|"
                  r"WorkingDirectory|Limit\w+|PIDFile|KillMode|TimeoutSec|TimeoutStartSec)' in section "
                  r"'?(?P<section>Unit|Install)'?",
                  r"Unknown (?:lvalue|key name) '(?P<key>WantedBy|RequiredBy|Alias|Also)' in section "
                  r"'?(?P<section>Unit|Service)'?"),
        cause="{key}= belongs to another section than [{section}]: systemd ignores it there, so "
              "what it was meant to do does not happen.",
        fix=(N("move {key}= to its section ([Unit] for After=/Wants=/Requires=, [Service] for "
               "Exec*/User=, [Install] for WantedBy=), then systemctl daemon-reload"),),
        beats=("SVC-UNIT-UNKNOWN-KEY",),
        examples=("[/lib/systemd/system/mboxd.service:7] Unknown lvalue 'Wants' in section 'Service'",)),
    Signature(
        "SVC-GO-NOT-FOUND", "systemd", "the service runs go, which is not on systemd's PATH",
        keys=('exec: "go": executable file not found', "go: command not found", "go: not found"),
        patterns=(r"\[\d+\]: .*(?:exec: \"go\": executable file not found|(?<!sudo: )\bgo: (?:command )?not found)",
                  r"\.service: .*(?:exec: \"go\": executable file not found|(?<!sudo: )\bgo: (?:command )?not found)"),
        cause="A service runs `go`, and the PATH systemd gives services (/usr/local/sbin:"
              "/usr/local/bin:/usr/sbin:/usr/bin) does not hold Go's bin directory.",
        fix=(N("give the unit Go's directory: systemctl edit {unit}, add [Service] "
               "Environment=PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin",
               otherwise="give the unit Go's directory: systemctl edit UNIT, add [Service] "
                         "Environment=PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"),
             N("or call go by its full path (/usr/local/go/bin/go)")),
        confirm=("SVC-GO-NOT-FOUND",),
        beats=("GO-PATH-NOT-FOUND",),
        examples=('Jul 11 16:45:48 host jupyter-lab[50675]: Failed to find path for the `go` program: exec: '
                  '"go": executable file not found in $PATH',)),
    Signature(
        "SVC-ENV-NO-HOME", "systemd", "the program needs HOME (or XDG_*_HOME), and the service has none",
        keys=("nor $HOME are defined",),
        patterns=(r"neither \$XDG_(?P<what>CACHE|CONFIG)_HOME nor \$HOME are defined",),
        cause="The program asks for its user cache or config directory (Go's os.UserCacheDir, "
              "os.UserConfigDir), and the service runs without HOME (no User=, or DynamicUser=).",
        fix=(N("give the unit a directory: systemctl edit {unit}, add [Service] CacheDirectory=NAME and "
               "Environment=XDG_CACHE_HOME=/var/cache/NAME (or HOME=/var/lib/NAME)",
               otherwise="give the unit a directory: CacheDirectory=NAME and "
                         "Environment=XDG_CACHE_HOME=/var/cache/NAME (or HOME=...) in a drop-in"),),
        beats=("SVC-JOURNAL-PANIC", "SVC-JOURNAL-EXIT"),
        examples=("panic: get user cache dir: neither $XDG_CACHE_HOME nor $HOME are defined",)),
    Signature(
        "SVC-EXEC-ENV-PREFIX", "systemd", "ExecStart= begins with VAR=value, as a shell line would",
        keys=("Executable path is not absolute, ignoring:",),
        patterns=(r"Executable path is not absolute, ignoring: (?P<var>[A-Za-z_]\w*)=(?P<value>\S*) (?P<path>\S+)",),
        cause="systemd does not read VAR=value before the program as a shell does: it takes "
              "{var}={value} for the program's path, which is not absolute, and ignores the line.",
        fix=(N("move it to its own line: Environment={var}={value}, and begin ExecStart= with {path}"),),
        confirm=("SVC-EXEC-ENV-PREFIX",),
        beats=("SVC-EXEC-RELATIVE",),
        examples=("[/etc/systemd/system/tagger.service:2] Executable path is not absolute, ignoring: "
                  "GOMAXPROCS=2 /usr/local/bin/tagger",)),
    Signature(
        "SVC-EXEC-MISSING", "systemd", "ExecStart= names a program that systemd's PATH does not have",
        variant="path-search",
        keys=("Failed to execute command: No such file or directory",),
        patterns=(r"Failed to execute command: No such file or directory",),
        cause="ExecStart= names its program without a path and systemd (239 and later) searched "
              "its own PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin) in vain: a "
              "program such as go in /usr/local/go/bin is not there.",
        fix=(N("write the program's absolute path in ExecStart= (e.g. /usr/local/go/bin/go), or "
               "set Environment=PATH=... in the unit"),),
        confirm=("SVC-GO-NOT-FOUND", "GO-PATH-NOT-FOUND", "SVC-EXEC-MISSING", "SVC-EXEC-RELATIVE"),
        examples=("api.service: Failed to execute command: No such file or directory",)),
    Signature(
        "SVC-UNIT-SYNTAX", "systemd", "systemd cannot load the unit file",
        keys=("failed to load properly", "failed to load:"),
        patterns=(r"Unit (?P<unit>\S+) failed to load(?: properly)?: (?P<why>.+?)\.?$",),
        cause="systemd could not parse {unit} ({why}): a syntax error, a bad encoding, or a "
              "file that is not a unit at all.",
        fix=(C("systemd-analyze", "verify", "{unit}", otherwise="systemd-analyze verify UNIT",
               why="names the line"),),
        confirm=("SVC-UNIT-SYNTAX", "SVC-UNIT-VERIFY"),
        examples=("Unit broken.service failed to load properly: Bad message.",)),
    Signature(
        "SVC-EXEC-RELATIVE", "systemd", "ExecStart= is not an absolute path",
        keys=("Executable path is not absolute", "Neither a valid executable name nor an absolute path"),
        patterns=(r"Executable path is not absolute", r"Neither a valid executable name nor an absolute path"),
        cause="systemd before 239 needs an absolute path in ExecStart= (later ones search "
              "only their own PATH).",
        fix=(N("write the program's full path in ExecStart= (command -v NAME prints it)"),),
        confirm=("SVC-EXEC-RELATIVE", "SVC-EXEC-PREFIX"),
        examples=("[/etc/systemd/system/api.service:7] Executable path is not absolute, ignoring: api --port 80",)),
    Signature(
        "SVC-UNIT-NOT-FOUND", "systemd", "the unit does not exist",
        keys=("not found.", "could not be found"),
        patterns=(r"Unit (?P<unit>\S+) (?:not found|could not be found)\.",),
        cause="systemd has no unit {unit}: a typo, a unit file not installed, or one added "
              "without `systemctl daemon-reload`.",
        fix=(C("systemctl", "daemon-reload"),
             C("systemctl", "list-unit-files", "*{unit_stem}*", otherwise="systemctl list-unit-files")),
        confirm=("SVC-UNIT-NOT-FOUND",),
        confidence=MEDIUM,
        examples=("Failed to start api.service: Unit api.service not found.",)),
    Signature(
        "SVC-UNIT-MASKED", "systemd", "the unit is masked",
        keys=("is masked",),
        patterns=(r"Unit (?P<unit>\S+) is masked",),
        cause="{unit} is masked (linked to /dev/null): systemd refuses to start it.",
        fix=(C("systemctl", "unmask", "{unit}"),),
        confirm=("SVC-UNIT-MASKED",),
        examples=("Failed to start api.service: Unit api.service is masked.",)),
    Signature(
        "SVC-DAEMON-RELOAD", "systemd", "the unit file changed and systemd has not reloaded it",
        keys=("changed on disk",),
        patterns=(r"changed on disk\. Run 'systemctl daemon-reload'",),
        cause="The unit file or a drop-in changed; systemd still runs the old version until "
              "it reloads.",
        fix=(C("systemctl", "daemon-reload"), C("systemctl", "restart", "{unit}", otherwise="then restart the unit")),
        confidence=MEDIUM,
        examples=("Warning: The unit file, source configuration file or drop-ins of api.service changed "
                  "on disk. Run 'systemctl daemon-reload' to reload units.",)),
    Signature(
        "SVC-PORT-PRIVILEGED", "systemd", "a port below 1024 without the capability to bind it",
        keys=("bind: permission denied",),
        patterns=(r"listen (?:tcp|udp)[46]? (?P<addr>\S*?):(?P<port>\d{1,3}|10[01]\d|102[0-3]): bind: permission denied",),
        cause="Ports below 1024 need CAP_NET_BIND_SERVICE, and the program runs as a user "
              "without it.",
        fix=(N("give the service the capability: " + DROPIN + ", add [Service] "
               "AmbientCapabilities=CAP_NET_BIND_SERVICE, then systemctl restart {unit}",
               otherwise="give the service the capability: systemctl edit UNIT, add [Service] "
                         "AmbientCapabilities=CAP_NET_BIND_SERVICE, then restart it"),
             N("or listen on a port above 1023 and forward {port} to it: firewall-cmd --permanent "
               "--add-forward-port=port={port}:proto=tcp:toport=8080")),
        confirm=("SVC-PORT-PRIVILEGED", "SVC-PORT-BOUNDING", "SVC-JOURNAL-BIND", "SEL-AVC-PORT"),
        examples=("listen tcp :80: bind: permission denied",
                  "2025/03/02 11:20:00 listen tcp 0.0.0.0:443: bind: permission denied")),
    Signature(
        "SVC-LIMITS-RUNNING", "systemd", "the process ran out of file descriptors",
        keys=("too many open files", "Too many open files"),
        patterns=(r"(?:accept4?|open|socket|dial \S+|pipe).*: too many open files",
                  r"[Tt]oo many open files"),
        cause="The process reached its open-files limit (RLIMIT_NOFILE, 1024 by default as the "
              "soft limit).  A service's limit is LimitNOFILE= of its unit: "
              "/etc/security/limits.conf does not apply to systemd services, and a running "
              "process keeps the limit it started with.",
        fix=(N(DROPIN + ", add [Service] LimitNOFILE=65536, then systemctl restart {unit}",
               otherwise="for a service: systemctl edit UNIT, add [Service] LimitNOFILE=65536, "
                         "restart it; for a shell: ulimit -n / limits.conf"),
             N("then check it took: grep 'open files' /proc/$(systemctl show -p MainPID --value "
               "{unit})/limits", otherwise="then check /proc/PID/limits of the running process")),
        confirm=("SVC-LIMITS-NOFILE", "SVC-LIMITS-RUNNING", "SVC-LIMITS-STALE", "SYS-LIMITS-NOFILE",
                 "SVC-JOURNAL-NOFILE"),
        examples=("http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying in 5ms",)),
    Signature(
        "SVC-LIMITS-NPROC", "systemd", "the process may not create more threads",
        keys=("failed to create new OS thread", "may need to increase max user processes",
              "pthread_create failed"),
        patterns=(r"runtime: failed to create new OS thread(?: \(have (?P<threads>\d+) already; errno=11\))?",
                  r"may need to increase max user processes",
                  r"pthread_create failed: Resource temporarily unavailable"),
        cause="The Go runtime could not start another OS thread: the user's process limit "
              "(LimitNPROC=, ulimit -u) or the unit's TasksMax= is reached.",
        fix=(N(DROPIN + ", add [Service] TasksMax=infinity (or a number) and LimitNPROC=, then "
               "restart", otherwise="raise TasksMax= and LimitNPROC= of the unit (systemctl edit "
                                    "UNIT), or ulimit -u for a shell"),),
        confirm=("SVC-LIMITS-NPROC", "SYS-LIMITS-NPROC"),
        examples=("runtime: failed to create new OS thread (have 2049 already; errno=11)",
                  "runtime: may need to increase max user processes (ulimit -u)")),
    Signature(
        "SVC-OOM", "systemd", "the process was killed for memory",
        keys=("oom-kill", "OOM killer", "Out of memory: Kill", "runtime: out of memory"),
        patterns=(r"Failed with result 'oom-kill'", r"killed by the OOM killer",
                  r"Out of memory: Kill(?:ed)? process \d+ \((?P<program>[^)]+)\)",
                  r"fatal error: runtime: out of memory"),
        cause="The kernel's OOM killer (or the unit's MemoryMax=) killed the process, or the "
              "Go runtime could not get memory: a leak, or a limit below what it needs.",
        fix=(N("see the memory use and limit: systemctl show -p MemoryMax -p MemoryCurrent {unit}",
               otherwise="see the unit's MemoryMax= and the memory use (systemctl show)"),
             N("raise MemoryMax= (systemctl edit), or set GOMEMLIMIT below it so Go's GC "
               "works harder before the limit")),
        examples=("api.service: Failed with result 'oom-kill'.",
                  "Out of memory: Killed process 2211 (api) total-vm:2113844kB")),
    Signature(
        "SVC-JOURNAL-PANIC", "systemd", "the Go program panicked",
        keys=("panic: ", "fatal error: ", "SIGSEGV: segmentation violation"),
        patterns=(r"^panic: (?P<message>.+)$", r"^fatal error: (?P<message>(?!runtime: out of memory).+)$",
                  r"^(?P<message>SIGSEGV: segmentation violation)"),
        cause="The program itself crashed ({message}): a bug or a condition it does not handle "
              "(a missing config file, a nil value); systemd only saw it exit with status 2.",
        fix=(N("the first frame of the crashing goroutine says where: {frame} at {location}",
               otherwise="the first frame of the crashing goroutine (below `goroutine N "
                         "[running]:`) says where"),
             N("if it dumped core: coredumpctl info {unit}", otherwise="if it dumped core: coredumpctl info")),
        confirm=("SVC-JOURNAL-PANIC",),
        examples=("panic: runtime error: invalid memory address or nil pointer dereference",
                  "fatal error: concurrent map writes")),
    Signature(
        "SVC-JOURNAL-START-LIMIT", "systemd", "systemd stopped restarting the unit",
        keys=("Start request repeated too quickly", "start-limit-hit"),
        patterns=(r"Start request repeated too quickly", r"Failed with result 'start-limit-hit'"),
        cause="The unit failed several times in a row and systemd gave up restarting it: the "
              "first failure further up is the cause.",
        fix=(N("fix the first failure, then: systemctl reset-failed {unit} && systemctl start {unit}",
               otherwise="fix the first failure, then systemctl reset-failed UNIT and start it"),),
        confirm=("SVC-JOURNAL-START-LIMIT",),
        consequence=True,
        confidence=LOW,
        examples=("api.service: Start request repeated too quickly.",)),
    Signature(
        "SVC-JOURNAL-EXIT", "systemd", "the program exited with a failure status",
        keys=("code=exited, status=",),
        patterns=(r"code=exited, status=(?P<status>[1-9]\d*)/(?P<name>(?!EXEC|USER|GROUP|CHDIR|STDOUT|NAMESPACE)[A-Z_]+)",),
        cause="The program ran and exited with status {status} ({name}): what it printed just "
              "before says why.",
        fix=(C("journalctl", "-u", "{unit}", "-b", "-n", "50", "--no-pager",
               otherwise="journalctl -u UNIT -b", why="its own last words"),),
        confirm=("SVC-JOURNAL-EXIT",),
        consequence=True,
        confidence=LOW,
        examples=("api.service: Main process exited, code=exited, status=1/FAILURE",)),
    Signature(
        "SVC-LIMITS-NOFILE", "systemd", "LimitNOFILE= is above what the kernel allows (205/LIMITS)",
        keys=("205/LIMITS", "Failed to adjust resource limit"),
        patterns=(r"Failed to adjust resource limit (?P<limit>RLIMIT_\w+): (?P<error>.+)$", r"status=205/LIMITS"),
        cause="systemd could not set a Limit*= of the unit (205/LIMITS): a LimitNOFILE= above the "
              "kernel's fs.nr_open (1048576 by default), or infinity where it means that.",
        fix=(N("lower it (LimitNOFILE=1048576 at most, 65536 is plenty for most servers) in the unit "
               "or its drop-in, or raise fs.nr_open first (sysctl.d)"),),
        confirm=("SVC-LIMITS-NOFILE",),
        examples=("api.service: Failed to adjust resource limit RLIMIT_NOFILE: Operation not permitted",
                  "api.service: Main process exited, code=exited, status=205/LIMITS")),
    Signature(
        "SVC-UNIT-SYNTAX", "systemd", "the unit has a setting systemd refuses", variant="bad-setting",
        keys=("has a bad unit file setting", "Unit configuration has fatal error"),
        patterns=(r"Unit (?P<unit>\S+) has a bad unit file setting", r"Unit configuration has fatal error"),
        cause="systemd refuses to start {unit}: one of its settings is invalid; the lines just "
              "before this one in the journal name it.",
        fix=(C("systemd-analyze", "verify", "{unit}", otherwise="systemd-analyze verify UNIT",
               why="names the line"),),
        confirm=("SVC-UNIT-SYNTAX", "SVC-UNIT-VERIFY", "SVC-JOURNAL-CONFIG"),
        confidence=MEDIUM,
        examples=("Failed to start api.service: Unit api.service has a bad unit file setting.",)),
    Signature(
        "SCRIPT-CRLF", "systemd", "a script saved with Windows line ends",
        keys=("bad interpreter", "\r': No such file"),
        patterns=(r"(?P<interp>\S+?)(?:\^M|\r): bad interpreter",
                  r"(?P<path>\S+): \S+\r?: bad interpreter: No such file or directory"),
        cause="The script's #! line ends in a carriage return (the file was saved on Windows), so "
              "the kernel looks for an interpreter named with a CR at its end.",
        fix=(N("strip the CRs: sed -i 's/\\r$//' SCRIPT (or dos2unix SCRIPT)"),),
        examples=("-bash: ./deploy.sh: /bin/bash^M: bad interpreter: No such file or directory",)),
    Signature(
        "SVC-JOURNAL-SIGNAL", "systemd", "the program was killed by a signal",
        keys=("code=dumped", "code=killed", "'core-dump'", "'signal'"),
        patterns=(r"code=(?P<code>dumped|killed), status=(?P<status>\d+)/(?P<signal>[A-Z]+)",
                  r"Failed with result '(?P<code>core-dump|signal)'"),
        cause="The program died of signal {signal} (code={code}): SEGV, BUS or ABRT with a core "
              "dump is a crash below Go's runtime (C code through cgo, a corrupt binary) or a Go "
              "crash with GOTRACEBACK=crash; KILL without an OOM message is something that "
              "killed it (a timeout of systemd's, a person, a watchdog).",
        fix=(C("coredumpctl", "info", "{unit}", otherwise="coredumpctl info",
               why="the crashing thread's stack, when a core was kept"),
             N("for KILL: journalctl -u {unit} -b around that time (TimeoutStopSec=, a watchdog, "
               "the OOM killer in journalctl -k)", otherwise="for KILL: the journal around that time "
               "(a stop timeout, a watchdog, the OOM killer in journalctl -k)")),
        confirm=("SVC-JOURNAL-SIGNAL",),
        consequence=False,
        confidence=MEDIUM,
        examples=("cgo-app.service: Main process exited, code=dumped, status=11/SEGV",)),
    Signature(
        "SYS-FILE-DENIED", "systemd", "the program may not open a file (mode, owner or label)",
        keys=(": permission denied",),
        patterns=(r"(?:open|mkdir|stat|remove|rename|chmod|chown|lstat|readdirent) (?P<path>/[^\s:]+): permission denied",),
        cause="The process may not use {path}: its user lacks the permission on the file or on a "
              "directory above it (a file left owned by root, a 0700 home), or, on an SELinux "
              "host, the file's label is not one the program's domain may use.",
        fix=(C("namei", "-l", "{path}", why="the owner and mode of every directory on the way"),
             C("ls", "-lZ", "{path}", why="the file's owner, mode and SELinux label"),
             N("then give the service's user access (chown/chmod the file, not a system directory), "
               "or relabel it (restorecon -v {path}) when an AVC denial names it")),
        confirm=("SVC-EXEC-DENIED", "SVC-WORKDIR-DENIED", "SEL-AVC-FILE-LABEL"),
        confidence=MEDIUM,
        examples=("open /etc/api/config.yaml: permission denied",)),
    Signature(
        "SVC-SANDBOX-HIDES", "systemd", "the service writes where its sandbox makes the file system read-only",
        keys=("read-only file system",),
        patterns=(r"(?:open|mkdir|create|remove|rename) (?P<path>/[^\s:]+): read-only file system",),
        cause="{path} is read-only for the process: the unit's ProtectSystem=strict/full (or "
              "ProtectHome=, ReadOnlyPaths=) mounts it read-only inside the service's namespace, "
              "or the file system itself is mounted read-only.",
        fix=(N("allow the directory in the unit: systemctl edit {unit}, add [Service] "
               "ReadWritePaths=DIR (or StateDirectory=/LogsDirectory= for /var/lib and /var/log)",
               otherwise="allow the directory in the unit: ReadWritePaths=DIR in a drop-in "
                         "(or StateDirectory=/LogsDirectory=)"),
             N("if it is not a service: findmnt -T {path} shows a read-only mount")),
        confirm=("SVC-SANDBOX-HIDES",),
        confidence=MEDIUM,
        examples=("open /var/lib/api/state.db: read-only file system",)),
    Signature(
        "SYS-SOCKET-DENIED", "systemd", "the user may not use the docker (or another daemon's) socket",
        keys=("docker.sock", "permission denied while trying to connect to the Docker daemon"),
        patterns=(r"permission denied while trying to connect to the Docker daemon socket",
                  r"dial unix (?P<path>/\S*docker\.sock): connect: permission denied"),
        cause="The Docker socket belongs to root and the docker group, and this user is in neither.",
        fix=(N("add the user to the docker group (sudo usermod -aG docker USER, then log in again), "
               "or run the command with sudo; rootless Podman needs no socket at all"),),
        examples=("Got permission denied while trying to connect to the Docker daemon socket at "
                  "unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json\": "
                  "dial unix /var/run/docker.sock: connect: permission denied",)),
    Signature(
        "SVC-ENV-BAD", "systemd", "an Environment= assignment systemd ignores",
        keys=("Invalid environment assignment",),
        patterns=(r"Invalid environment assignment, ignoring: (?P<value>.+)$",),
        cause="systemd ignores `{value}`: Environment= takes VAR=value words (quote a value with "
              "spaces: Environment=\"VAR=a b\").",
        fix=(N("write it as VAR=value (no spaces around =)"),),
        confirm=("SVC-ENV-BAD",),
        examples=("Invalid environment assignment, ignoring: GOMAXPROCS 4",)),
    Signature(
        "SVC-EXEC-QUOTING", "systemd", "ExecStart= has unbalanced quotes",
        keys=("Invalid command line, ignoring",),
        patterns=(r"Invalid command line, ignoring: (?P<value>.+)$",),
        cause="systemd could not split ExecStart= into words (an opening quote without its "
              "closing one): the line is ignored.",
        fix=(N("balance the quotes in ExecStart= (systemd splits like a shell, without its "
               "expansions)"),),
        confirm=("SVC-EXEC-QUOTING",),
        examples=('Invalid command line, ignoring: /usr/local/bin/app -name "Example API',)),
    Signature(
        "SVC-EXEC-RELATIVE", "systemd", "ExecStart= names a program that is not on systemd's PATH",
        variant="locate",
        keys=("Failed to locate executable",),
        patterns=(r"Failed to locate executable (?P<name>[^/\s]\S*): No such file or directory",),
        cause="ExecStart= names {name} without a path and systemd's own PATH does not have it.",
        fix=(N("write its absolute path in ExecStart= (command -v {name} prints it)"),),
        confirm=("SVC-EXEC-RELATIVE",),
        examples=("app.service: Failed to locate executable app: No such file or directory",)),
    Signature(
        "SVC-UNIT-NO-EXECSTART", "systemd", "the unit has no ExecStart=",
        keys=("has no ExecStart= setting", "lacks both ExecStart= and ExecStop="),
        patterns=(r"Service has no ExecStart= setting", r"lacks both ExecStart= and ExecStop= setting"),
        cause="The unit has no ExecStart= (a typo in the key, the line in another section, or "
              "one ignored for an error of its own above): systemd refuses to start it.",
        fix=(C("systemctl", "cat", "{unit}", otherwise="systemctl cat UNIT"),
             N("put ExecStart=/path/to/program under [Service]")),
        confirm=("SVC-UNIT-NO-EXECSTART",),
        examples=("Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.",)),
    Signature(
        "SVC-WORKDIR-UNSUPPORTED", "systemd", "WorkingDirectory=~ on a systemd that does not know it",
        keys=("Not an absolute path, ignoring: ~",),
        patterns=(r"Not an absolute path, ignoring: ~",),
        cause="WorkingDirectory=~ (the user's home) came in systemd 227: EL7's 219 ignores it.",
        fix=(N("write the home directory's path: WorkingDirectory=/home/USER"),),
        confirm=("SVC-WORKDIR-UNSUPPORTED",),
        beats=("SVC-WORKDIR-QUOTED",),
        examples=("[/etc/systemd/system/app.service:6] Not an absolute path, ignoring: ~",)),
]
