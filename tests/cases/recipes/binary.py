"""Cases of `gotriage binary` (BIN-*).

Targets are named (el6...el10) so that a case does not depend on the machine that runs
it, except BIN-ELF-NOT-EXECUTABLE, which only a file on the live host can show.  The
programs are minimal ELF files written by recipes/build.elf (the headers, PT_INTERP, the
dynamic section with its version needs, and Go's build information blob, as the loader
and Go's debug/buildinfo read them), and one real C program: Go's own debug/buildinfo
test binary `notgo` (recipes/data/binary/notgo, from go1.27.3's
src/debug/buildinfo/testdata/notgo/notgo.base64, BSD-3-Clause, built with GCC 14).
"""

import os
import shutil

from recipes import case
from recipes.build import el_host, elf

HERE = os.path.dirname(os.path.abspath(__file__))
SYNTHETIC = "a minimal ELF written by tests/cases/recipes/build.py (elf)"
GO_STATIC = dict(go_version="go1.22.12", path="example.com/app",
                 settings=[("CGO_ENABLED", "0"), ("GOARCH", "amd64"), ("GOOS", "linux")])
CGO = dict(go_version="go1.22.12", path="example.com/app",
           settings=[("CGO_ENABLED", "1"), ("GOARCH", "amd64"), ("GOOS", "linux")])
LOADER = "/lib64/ld-linux-x86-64.so.2"


def binary(target=None, *extra):
    argv = ["binary", "{case}/app"]
    if target:
        argv += ["--target", target]
    return argv + list(extra)


def write(directory, content, mode=0o755, name="app"):
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.write(content)
    os.chmod(path, mode)


@case("bin-c-program-el8",
      "A C program (not Go) linked on a glibc 2.34+ host, judged for EL8: no Go build "
      "information, and it needs GLIBC_2.34 where EL8 has 2.28.",
      "Go's debug/buildinfo test binary notgo (tests/cases/recipes/data/binary/notgo, see "
      "recipes/binary.py)", binary("el8"), ["BIN-GLIBC-TOO-OLD", "BIN-GO-NOT-GO"])
def bin_c_program(directory):
    shutil.copyfile(os.path.join(HERE, "data", "binary", "notgo"), os.path.join(directory, "app"))
    os.chmod(os.path.join(directory, "app"), 0o755)


@case("bin-elf-not-elf",
      "The download saved GitHub's HTML error page instead of the release binary.",
      "hand-written HTML page", binary("el9"), ["BIN-ELF-NOT-ELF"])
def bin_elf_not_elf(directory):
    write(directory, b"<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Not Found</title></head>\n"
                     b"<body>Not Found</body>\n</html>\n")


@case("bin-elf-truncated",
      "A Go binary whose copy stopped in the middle of its data segment.",
      SYNTHETIC + ", cut short", binary("el9"), ["BIN-ELF-TRUNCATED"])
def bin_elf_truncated(directory):
    write(directory, elf(**GO_STATIC)[:0x1010])


@case("bin-elf-not-program",
      "A Go shared library (-buildmode=c-shared: no loader, no DF_1_PIE) run as a program.",
      SYNTHETIC, binary("el9"), ["BIN-ELF-NOT-PROGRAM"])
def bin_elf_not_program(directory):
    write(directory, elf(e_type=3, needed=["libc.so.6"], **CGO))


@case("bin-elf-not-executable",
      "A static Go binary copied without its execute bit, judged on the live host (x86_64).",
      SYNTHETIC + ", mode 0644", binary(), ["BIN-ELF-NOT-EXECUTABLE"])
def bin_elf_not_executable(directory):
    write(directory, elf(**GO_STATIC), mode=0o644)


@case("bin-arch-wrong",
      "A Go binary built on an arm64 laptop (GOARCH=arm64), judged for EL9 on x86_64.",
      SYNTHETIC, binary("el9"), ["BIN-ARCH-WRONG"])
def bin_arch_wrong(directory):
    write(directory, elf(machine=183, go_version="go1.22.12", path="example.com/app",
                         settings=[("CGO_ENABLED", "0"), ("GOARCH", "arm64"), ("GOOS", "linux")]))


@case("bin-interp-missing",
      "A cgo binary linked on Alpine: its loader /lib/ld-musl-x86_64.so.1 is not on EL9.",
      SYNTHETIC, binary("el9"), ["BIN-INTERP-MISSING"])
def bin_interp_missing(directory):
    write(directory, elf(interp="/lib/ld-musl-x86_64.so.1", needed=["libc.musl-x86_64.so.1"],
                         **CGO))


@case("bin-kernel-too-old",
      "A Go 1.24 binary judged for EL6, whose kernel (2.6.32) is older than Go 1.24 needs.",
      SYNTHETIC, binary("el6"), ["BIN-KERNEL-TOO-OLD"])
def bin_kernel_too_old(directory):
    write(directory, elf(go_version="go1.24.1", path="example.com/app",
                         settings=[("CGO_ENABLED", "0"), ("GOARCH", "amd64"), ("GOOS", "linux")]))


def snapshot_host(directory, program, libraries=(), missing=()):
    """A Rocky 9 host holding the program at /opt/app/app, and `libraries` {path: ELF};
    the libraries `missing` are recorded as absent from every directory the loader
    searches (as collect records a failed stat)."""
    s = el_host("rocky-9.3", "web1")
    s.command(["uname", "-m"], "x86_64\n")
    s.command(["getconf", "GNU_LIBC_VERSION"], "glibc 2.34\n")
    s.file("/proc/sys/kernel/osrelease", "5.14.0-362.8.1.el9_3.x86_64\n")
    s.exe(LOADER, elf(e_type=3, go_version=None))
    versions = ["GLIBC_2.2.5", "GLIBC_2.3", "GLIBC_2.14", "GLIBC_2.17", "GLIBC_2.28", "GLIBC_2.32",
                "GLIBC_2.34"]
    s.exe("/usr/lib64/libc.so.6", elf(e_type=3, go_version=None, verdef=versions))
    for path, content in sorted(dict(libraries).items()):
        s.exe(path, content)
    s.exe("/opt/app/app", program)
    for name in missing:
        for libdir in ("/lib64", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"):
            s.fail(libdir + "/" + name, "stat", "ENOENT")
    s.fail("/etc/ld.so.cache", "read", "ENOENT")
    s.write(os.path.join(directory, "snapshot"))


@case("bin-libs-missing",
      "A cgo binary that needs libsqlite3.so.0, on a host without sqlite-libs.",
      "hand-built snapshot (tests/cases/recipes/binary.py): Rocky 9.3's real os-release and "
      "the program, " + SYNTHETIC,
      ["binary", "/opt/app/app", "--root", "{case}/snapshot"], ["BIN-LIBS-MISSING"])
def bin_libs_missing(directory):
    snapshot_host(directory, elf(interp=LOADER, needed=["libsqlite3.so.0", "libc.so.6"],
                                 verneed=[("libc.so.6", ["GLIBC_2.2.5", "GLIBC_2.34"])], **CGO),
                  missing=["libsqlite3.so.0"])


@case("bin-libs-too-old",
      "A cgo binary that needs LIBSYSTEMD_246 from libsystemd.so.0, on a host whose "
      "libsystemd defines versions up to LIBSYSTEMD_245.",
      "hand-built snapshot (tests/cases/recipes/binary.py): Rocky 9.3's real os-release, "
      "the program and the library " + SYNTHETIC.replace("a minimal ELF", "minimal ELFs"),
      ["binary", "/opt/app/app", "--root", "{case}/snapshot"], ["BIN-LIBS-TOO-OLD"])
def bin_libs_too_old(directory):
    libsystemd = elf(e_type=3, go_version=None,
                     verdef=["LIBSYSTEMD_209", "LIBSYSTEMD_221", "LIBSYSTEMD_239", "LIBSYSTEMD_245"])
    snapshot_host(directory, elf(interp=LOADER, needed=["libsystemd.so.0", "libc.so.6"],
                                 verneed=[("libsystemd.so.0", ["LIBSYSTEMD_209", "LIBSYSTEMD_246"]),
                                          ("libc.so.6", ["GLIBC_2.2.5", "GLIBC_2.34"])], **CGO),
                  {"/usr/lib64/libsystemd.so.0": libsystemd})
