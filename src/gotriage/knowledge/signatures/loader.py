"""Signatures of a program that will not start: the dynamic loader (glibc versions,
libraries, the interpreter of a musl or 32-bit binary), another architecture, a kernel
too old for Go, a file that is busy or not executable.  The messages are those of
glibc's ld.so, bash (4.2 on EL7 to 5.2), dash/busybox sh and container runtimes, as
knowledge/loader.py writes them for the binary layer (tested against real loaders in
tests/test_binary_realloader.py)."""

from gotriage.knowledge.signatures import LOW, MEDIUM, C, N, Signature

STATIC = N("or build it without cgo, which needs no C library at all: CGO_ENABLED=0 go build")

SIGNATURES = [
    Signature(
        "BIN-GLIBC-TOO-OLD", "loader", "built against a newer glibc than this host has",
        keys=("version `GLIBC_", "version 'GLIBC_", "version GLIBC_"),
        patterns=(r"(?:(?:(?P<program>\S+): )?(?P<library>/\S+): )?version [`']?(?P<glibc>GLIBC_[\d.]+)'? not found"
                  r"(?: \(required by (?P<required>\S+)\))?",),
        cause="The program was linked on a system with a newer glibc and needs {glibc}, which "
              "this host's glibc lacks (EL7 has 2.17, EL8 2.28, EL9 2.34, EL10 2.39).  A Go "
              "binary needs glibc only when cgo was on (net, os/user, or C code).",
        fix=(N("build it for this host: CGO_ENABLED=0 go build (pure Go: no glibc, so no {glibc} needed)"),
             N("or, if it needs cgo, build it on (or in a container of) the oldest release it "
               "must run on, e.g. a rockylinux:8 image for EL8"),
             C("gotriage", "binary", "{required}", "--target", "el8",
               otherwise="check any binary against a release: gotriage binary FILE --target el8")),
        confirm=("BIN-GLIBC-TOO-OLD", "SYS-GOBIN-WONT-RUN", "SVC-JOURNAL-LOADER", "SVC-EXEC-BINARY"),
        examples=("./api: /lib64/libc.so.6: version `GLIBC_2.34' not found (required by ./api)",
                  "/usr/local/bin/api: /lib64/libc.so.6: version `GLIBC_2.32' not found "
                  "(required by /usr/local/bin/api)")),
    Signature(
        "BIN-LIBS-TOO-OLD", "loader", "a shared library here is older than the program needs",
        keys=("' not found (required by",),
        patterns=(r"(?P<library>/\S+): version [`'](?P<need>(?!GLIBC_)[A-Z][\w.]*_[\d.]+\w*)' not found"
                  r"(?: \(required by (?P<required>\S+)\))?",),
        cause="{library} on this host lacks the symbol version {need} that the program was "
              "linked against: it was built on a newer release.",
        fix=(N("build it on (or for) this release, or install the library version it needs "
               "beside it"),
             STATIC),
        confirm=("BIN-LIBS-TOO-OLD",),
        examples=("./api: /lib64/libstdc++.so.6: version `GLIBCXX_3.4.29' not found (required by ./api)",)),
    Signature(
        "BIN-LIBS-MISSING", "loader", "a shared library the program needs is not installed",
        keys=("error while loading shared libraries",),
        patterns=(r"(?:(?P<program>\S+): )?error while loading shared libraries: (?P<lib>[^:\s]+): "
                  r"cannot open shared object file",),
        cause="The program is linked against {lib} and no directory the loader searches has "
              "it.",
        fix=(C("dnf", "provides", "*/{lib}", why="names the package that has it"),
             N("then dnf install -y that package; or build without cgo: CGO_ENABLED=0 go build")),
        confirm=("BIN-LIBS-MISSING", "SVC-JOURNAL-LOADER"),
        examples=("./api: error while loading shared libraries: libssl.so.3: cannot open shared "
                  "object file: No such file or directory",)),
    Signature(
        "BIN-INTERP-MISSING", "loader", "the program's loader (ELF interpreter) is missing",
        keys=("bad ELF interpreter",),
        patterns=(r"(?P<program>\S+): (?P<interp>/\S+): bad ELF interpreter",),
        cause="The program asks the kernel for the loader {interp}, which this host does not "
              "have: a musl build (Alpine) needs /lib/ld-musl-*, a 32-bit build "
              "/lib/ld-linux.so.2 (glibc.i686).",
        fix=(N("build it for this host: CGO_ENABLED=0 go build (a static binary has no loader)"),
             C("dnf", "install", "-y", "glibc.i686",
               why="only for a 32-bit glibc program (/lib/ld-linux.so.2)")),
        confirm=("BIN-INTERP-MISSING", "SVC-EXEC-INTERP", "SVC-TRACE-INTERP"),
        examples=("bash: ./api: /lib/ld-musl-x86_64.so.1: bad ELF interpreter: No such file or directory",
                  "-bash: ./tool: /lib/ld-linux.so.2: bad ELF interpreter: No such file or directory")),
    Signature(
        "BIN-INTERP-MISSING", "loader", "a file that exists 'is not found': its loader is missing",
        variant="not-found",
        keys=("required file not found", ": No such file or directory", "没有那个文件或目录"),
        patterns=(r"^-?(?:bash|sh|zsh)(?: line \d+)?: (?P<program>\.{0,2}/\S+): cannot execute: required file not found",
                  r"^-?bash: (?P<program>\.{0,2}/\S+): No such file or directory\s*$",
                  r"^-?bash[:：] ?(?P<program>\.{0,2}/\S+)[:：] ?没有那个文件或目录\s*$"),
        cause="When a program that exists cannot be run 'because it does not exist', the "
              "missing file is its loader: a musl binary (built on Alpine), a 32-bit one, or a "
              "script whose #! line names a missing interpreter (or ends in a Windows CR).",
        fix=(C("file", "{program}", otherwise="look at it: file PROGRAM",
               why="names the interpreter it asks for"),
             N("rebuild it for this host: CGO_ENABLED=0 go build; for a script, fix its #! line "
               "(sed -i 's/\\r$//' on a script saved with Windows line ends)")),
        confirm=("BIN-INTERP-MISSING",),
        confidence=MEDIUM,
        examples=("bash: ./api: cannot execute: required file not found",
                  "-bash: ./api: No such file or directory", "-bash: ./api: 没有那个文件或目录")),
    Signature(
        "BIN-INTERP-MISSING", "loader", "a glibc binary in a musl or empty image",
        variant="container",
        keys=("no such file or directory", "not found"),
        patterns=(r"exec (?P<program>/\S+): no such file or directory",
                  r"exec user process caused:? \"?no such file or directory",
                  r"^(?:/bin/)?sh: (?:\d+: )?(?P<program>\.{0,2}/\S+): not found"),
        cause="In a container, a program that is there but 'not found' asks for a loader the "
              "image lacks: a Go binary built with cgo (the default with a C compiler) needs "
              "glibc's /lib64/ld-linux-x86-64.so.2, which alpine and scratch images do not have.",
        fix=(N("build it static: CGO_ENABLED=0 go build (or use a glibc base image such as "
               "ubi9-minimal; on Alpine, apk add gcompat runs many glibc programs)"),),
        confirm=("BIN-INTERP-MISSING",),
        confidence=MEDIUM,
        examples=("exec /app: no such file or directory",
                  "standard_init_linux.go:228: exec user process caused: no such file or directory",
                  "sh: ./api: not found")),
    Signature(
        "BIN-ARCH-WRONG", "loader", "built for another CPU architecture",
        keys=("Exec format error", "exec format error", "cannot execute binary file",
              "Fehler im Format der Programmdatei", "可执行文件格式错误", "Erreur de format pour exec"),
        patterns=(r"(?P<program>\S+): cannot execute binary file(?:: Exec format error)?\s*$",
                  r"(?P<program>\S+): [^:]+: (?:Fehler im Format der Programmdatei|可执行文件格式错误|"
                  r"Erreur de format pour exec\(\))",
                  r"(?:fork/)?exec (?P<program>\S+): exec format error",
                  r"exec user process caused:? \"?exec format error"),
        cause="The file is a program for another CPU (an arm64 build on x86_64, or the "
              "reverse; a 64-bit build on a 32-bit system), or not a program at all.",
        fix=(C("file", "{program}", otherwise="look at it: file PROGRAM",
               why="says which architecture it is for"),
             N("build it for this host: GOOS=linux GOARCH=amd64 go build for x86-64 (arm64 for "
               "aarch64 hosts: uname -m says which); a container image for the right --platform")),
        confirm=("BIN-ARCH-WRONG", "SVC-EXEC-ARCH", "SVC-TRACE-ENOEXEC", "SYS-GOBIN-WONT-RUN"),
        examples=("bash: ./api: cannot execute binary file: Exec format error",
                  "bash: ./api: cannot execute binary file",
                  "exec /app: exec format error")),
    Signature(
        "BIN-KERNEL-TOO-OLD", "loader", "the kernel is older than this Go (or glibc) supports",
        keys=("failed with 38",),
        patterns=(r"runtime: epoll\w*(?: on fd \d+)? failed with (?P<errno>38)",),
        cause="Go's runtime needs system calls this kernel lacks (errno 38, ENOSYS): Go 1.24+ "
              "needs Linux 3.2, Go 1.18-1.23 2.6.32 (EL6 and later).  EL5's 2.6.18 runs no "
              "supported Go.",
        fix=(N("run it on a newer release (EL7 or later), or build it with the newest Go that "
               "supports this kernel (Go 1.23 for 2.6.32)"),),
        confirm=("BIN-KERNEL-TOO-OLD", "SYS-KERNEL-TOO-OLD"),
        beats=("SVC-JOURNAL-PANIC",),
        examples=("runtime: epollcreate failed with 38", "runtime: epollwait on fd 4 failed with 38")),
    Signature(
        "BIN-GLIBC-KERNEL-TOO-OLD", "loader", "a static glibc made for a newer kernel",
        keys=("kernel too old",),
        patterns=(r"FATAL:? kernel too old",),
        cause="glibc itself refuses to start: the program carries (statically linked) or loads "
              "a glibc configured for a newer kernel than this host runs (`file` says `for "
              "GNU/Linux 3.2.0`, EL6 runs 2.6.32); typically a cgo binary linked with -static, "
              "or a tool built on a newer distribution.",
        fix=(N("build it without cgo (CGO_ENABLED=0 go build needs no glibc), or on the oldest "
               "release it must run on; or move it to a host with a newer kernel"),),
        confirm=("BIN-KERNEL-TOO-OLD", "SYS-KERNEL-TOO-OLD"),
        examples=("FATAL: kernel too old",)),
    Signature(
        "BIN-ELF-NOT-EXECUTABLE", "loader", "the program is not executable (mode or mount)",
        keys=(": Permission denied", "权限不够"),
        patterns=(r"^-?(?:bash|sh|zsh)(?: line \d+)?: (?P<program>\.{0,2}/\S+): Permission denied",
                  r"^-?(?:bash|sh|zsh)(?: 第 \d+ 行)?[:：] ?(?P<program>\.{0,2}/\S+)[:：] ?权限不够",
                  r"fork/exec (?P<program>\S+): permission denied"),
        cause="The file has no execute permission (copied without its mode, unpacked from a "
              "zip), or it is on a file system mounted noexec (/tmp, /home on hardened hosts).",
        fix=(C("chmod", "+x", "{program}", otherwise="chmod +x PROGRAM"),
             N("if it already has x: findmnt -T {program} shows a noexec mount; move it to "
               "/usr/local/bin",
               otherwise="if it already has x, it is on a noexec mount: move it to /usr/local/bin")),
        confirm=("BIN-ELF-NOT-EXECUTABLE", "SVC-EXEC-NOT-EXECUTABLE", "SVC-EXEC-NOEXEC"),
        confidence=MEDIUM,
        examples=("bash: ./api: Permission denied", "-bash: ./api: 权限不够")),
    Signature(
        "SYS-TEXT-BUSY", "loader", "the program is being replaced while it runs",
        keys=("Text file busy", "text file busy"),
        patterns=(r"cannot create regular file '(?P<path>[^']+)': Text file busy",
                  r"(?:open|fork/exec) (?P<path>/\S+): text file busy"),
        cause="The file is a running program (or open for writing): Linux refuses to write "
              "over it in place.",
        fix=(N("install the new build beside it and rename it over the old one (rename is "
               "atomic): install -m 0755 NEW {path}.new && mv -f {path}.new {path}",
               otherwise="install the new build under another name and `mv -f` it over the old one"),
             N("or stop the service first (systemctl stop UNIT), then copy")),
        examples=("cp: cannot create regular file '/usr/local/bin/api': Text file busy",)),
    Signature(
        "BIN-ELF-TRUNCATED", "loader", "the program crashed before Go's runtime could report",
        keys=("Segmentation fault", "Bus error"),
        patterns=(r"(?:Segmentation fault|Bus error)(?: \(core dumped\))?",),
        cause="A Go program reports its own crashes (panic, SIGSEGV with a trace); a bare "
              "'Segmentation fault' means it died before that: a truncated or corrupt copy, or "
              "a crash in C code (cgo).",
        fix=(N("compare the file's sha256sum with the original and copy it again"),
             N("if it is whole: coredumpctl info shows where it crashed")),
        confirm=("BIN-ELF-TRUNCATED",),
        confidence=LOW,
        examples=("Segmentation fault (core dumped)",)),
    Signature(
        "BIN-ELF-NOT-ELF", "loader", "the file is not a program: the shell read it as a script",
        keys=("syntax error near unexpected token", "line 1: "),
        patterns=(r"(?P<program>\S+): line 1: (?:syntax error near unexpected token|`?<|.*: command not found)",),
        cause="bash ran {program} as a shell script because it is no program: an HTML error page "
              "or a JSON answer saved by a download, an archive not unpacked, a file for another "
              "system.",
        fix=(C("file", "{program}", why="says what it really is"),
             N("download the release asset itself (curl -fL fails on an HTTP error instead of "
               "saving the page) and unpack it if it is an archive")),
        confirm=("BIN-ELF-NOT-ELF",),
        confidence=MEDIUM,
        examples=("./app: line 1: syntax error near unexpected token `newline'",)),
]
