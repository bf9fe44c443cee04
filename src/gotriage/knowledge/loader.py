"""Facts about starting a Linux program: the kernel's exec, glibc's dynamic loader and
what the shell prints when either refuses.  Used by `gotriage binary`.

Sources:
- glibc's loader paths per architecture: the ELF interpreter each glibc port installs
  (sysdeps/unix/sysv/linux/*/ldconfig.h, `readelf -l /bin/sh` on each EL architecture):
  x86_64 /lib64/ld-linux-x86-64.so.2, i686 /lib/ld-linux.so.2 (glibc.i686, not installed
  by default on EL x86_64), aarch64 /lib/ld-linux-aarch64.so.1, ppc64le /lib64/ld64.so.2,
  s390x /lib/ld64.so.1.
- The library search order (ld.so(8)): DT_RPATH (only without DT_RUNPATH),
  LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.cache, then the default directories (/lib64
  and /usr/lib64 for 64-bit EL, the multiarch directories on Debian).  $ORIGIN is the
  directory of the executable, $LIB "lib64" or "lib", $PLATFORM the machine.
- The loader's messages (glibc elf/rtld.c, elf/dl-load.c, elf/dl-version.c), printed
  with the program's argv[0]:
    ./app: error while loading shared libraries: libfoo.so.1: cannot open shared object file: No such file or directory
    ./app: /lib64/libc.so.6: version `GLIBC_2.34' not found (required by ./app)
  rtld checks every version need at start-up and prints one line per missing version,
  in the order of the binary's version needs (checked with glibc 2.31's loader in
  tests/test_binary.py).
- GLIBC_ABI_DT_RELR: a version need that binaries linked with `-z pack-relative-relocs`
  carry; glibc 2.36 introduced it (glibc 2.36 NEWS, "DT_RELR"), so it means glibc >= 2.36.
  GLIBC_PRIVATE is glibc's internal interface: only glibc's own libraries need it, and
  it is not a release number, so it is not compared.
- What bash prints when execve() fails (measured on Debian 12's bash 5.2.15; the EL
  form from Red Hat's bash patch "bash-2.05a-interpreter", BZ#484809):
    ENOEXEC (another architecture): bash: ./app: cannot execute binary file: Exec format error
      (bash 4.2 on EL7 prints it without ": Exec format error")
    ENOENT for a file that exists (its ELF interpreter is missing):
      EL bash:        bash: ./app: /lib/ld-musl-x86_64.so.1: bad ELF interpreter: No such file or directory
      bash 5.2:       bash: ./app: cannot execute: required file not found
      older bash, sh: bash: ./app: No such file or directory
- Architectures a kernel runs natively: x86_64 kernels also run i386 programs (IA32
  emulation is on in every EL kernel); other EL architectures run only their own
  (RHEL's aarch64 kernels have no AArch32 support).  With binfmt_misc and qemu-user
  registered, foreign programs run under emulation.
"""

from gotriage.versions import version_tuple

# The machine name (`uname -m` style, as parsers.elf.machine_name gives it) of each
# glibc loader, the loader's path, and the EL package that installs it.
GLIBC_LOADERS = {
    "x86_64": "/lib64/ld-linux-x86-64.so.2",
    "i386": "/lib/ld-linux.so.2",
    "aarch64": "/lib/ld-linux-aarch64.so.1",
    "ppc64le": "/lib64/ld64.so.2",
    "s390x": "/lib/ld64.so.1",
    "arm": "/lib/ld-linux-armhf.so.3",
}
LOADER_PACKAGE = {"x86_64": "glibc", "i386": "glibc.i686", "aarch64": "glibc",
                  "ppc64le": "glibc", "s390x": "glibc"}
# Loaders an EL install has out of the box, per host machine (glibc.i686 is extra).
EL_DEFAULT_LOADERS = {m: (path,) for m, path in GLIBC_LOADERS.items() if m != "i386"}

MUSL_LOADER_PREFIX = "/lib/ld-musl-"

# Libraries that glibc itself provides (a GLIBC_x.y need of any of them is a glibc need).
GLIBC_LIBRARIES = ("libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
                   "libresolv.so.2", "libutil.so.1", "libanl.so.1", "libnsl.so.1",
                   "libcrypt.so.1", "libmvec.so.1", "ld-linux-x86-64.so.2", "ld-linux.so.2",
                   "ld-linux-aarch64.so.1", "ld64.so.2", "ld64.so.1")

# The newest glibc release gotriage knows of (2.43, January 2026: the glibc 2.43 release
# announcement; 2.42 was August 2025, Debian's glibc 2.42 transition request).  glibc
# releases twice a year (February, August), so a --target a release or two newer than
# this is taken as written; a version past that, or not 2.x, is a mistake.
NEWEST_GLIBC = (2, 43)
GLIBC_TARGET_SLACK = 2  # releases past NEWEST_GLIBC a --target may name

# Version needs that are not GLIBC_x.y but still demand a minimum glibc.
GLIBC_ABI_VERSIONS = {"GLIBC_ABI_DT_RELR": "2.36"}
GLIBC_SKIPPED_VERSIONS = ("GLIBC_PRIVATE",)


def glibc_need_version(name):
    """The glibc release a version need demands: GLIBC_2.34 -> (2, 34),
    GLIBC_ABI_DT_RELR -> (2, 36); None for GLIBC_PRIVATE and unknown names."""
    if name in GLIBC_ABI_VERSIONS:
        return version_tuple(GLIBC_ABI_VERSIONS[name])
    if name in GLIBC_SKIPPED_VERSIONS or not name.startswith("GLIBC_") \
            or not name[6:7].isdigit():
        return None
    return version_tuple(name)

# Debian-style multiarch directory names (the test machine, Ubuntu hosts).
MULTIARCH = {"x86_64": "x86_64-linux-gnu", "i386": "i386-linux-gnu",
             "aarch64": "aarch64-linux-gnu", "ppc64le": "powerpc64le-linux-gnu",
             "s390x": "s390x-linux-gnu", "arm": "arm-linux-gnueabihf",
             "riscv64": "riscv64-linux-gnu"}

# /etc/ld.so.cache entry flags (glibc sysdeps/generic/ldconfig.h): FLAG_ELF_LIBC6 (3)
# plus the architecture bits that each 64-bit port requires.
LD_CACHE_FLAGS = {"x86_64": 0x0303, "i386": 0x0003, "aarch64": 0x0A03, "ppc64le": 0x0503,
                  "s390x": 0x0403, "arm": 0x0903, "riscv64": 0x1003}


def default_lib_dirs(machine, bits):
    """The loader's built-in directories, EL style first, then multiarch ones."""
    dirs = ["/lib64", "/usr/lib64"] if bits == 64 else ["/lib", "/usr/lib"]
    triplet = MULTIARCH.get(machine)
    if triplet:
        dirs += ["/lib/" + triplet, "/usr/lib/" + triplet]
    return dirs


def lib_dir_name(bits):
    """What $LIB expands to on EL (and most 64-bit non-multiarch systems)."""
    return "lib64" if bits == 64 else "lib"


# Native machines per host machine (uname -m, normalised).
RUNS_NATIVELY = {"x86_64": ("x86_64", "i386"), "i386": ("i386",), "aarch64": ("aarch64",),
                 "ppc64le": ("ppc64le",), "ppc64": ("ppc64",), "s390x": ("s390x",),
                 "arm": ("arm",), "riscv64": ("riscv64",), "loongarch64": ("loongarch64",)}

# binfmt_misc handler names that qemu-user-binfmt registers, per machine.
QEMU_BINFMT = {"aarch64": "qemu-aarch64", "arm": "qemu-arm", "ppc64le": "qemu-ppc64le",
               "s390x": "qemu-s390x", "riscv64": "qemu-riscv64", "i386": "qemu-i386",
               "x86_64": "qemu-x86_64", "ppc64": "qemu-ppc64", "loongarch64": "qemu-loongarch64"}


def normalise_machine(name):
    """`uname -m` spellings -> the names parsers.elf uses (i686 -> i386, armv7l -> arm)."""
    if not name:
        return None
    name = name.strip()
    if name in ("i486", "i586", "i686", "x86"):
        return "i386"
    if name.startswith("armv") or name == "armhf":
        return "arm"
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(name, name)


# -- messages -------------------------------------------------------------------------------
def loader_missing_library(prog, library):
    return ("%s: error while loading shared libraries: %s: cannot open shared object file: "
            "No such file or directory" % (prog, library))


def loader_missing_version(prog, library_path, version):
    return "%s: %s: version `%s' not found (required by %s)" % (prog, library_path, version, prog)


def exec_format_error(prog, el7=False):
    if el7:
        return "bash: %s: cannot execute binary file" % prog
    return "bash: %s: cannot execute binary file: Exec format error" % prog


def musl_missing_interpreter(prog):
    """What a musl system (Alpine) prints for a program whose glibc loader it lacks: its
    shell is busybox ash, which reports ENOENT as "not found" (measured with Debian's
    busybox 1.35 in tests/test_binary_targets.py), and a container runtime starting it as
    the entrypoint says "no such file or directory" (runc's exec error)."""
    return ["sh: %s: not found" % prog,
            "exec %s: no such file or directory" % prog]


def missing_interpreter(prog, interp, el_first=True):
    """The lines bash prints for a missing ELF interpreter, the likeliest first."""
    el = "bash: %s: %s: bad ELF interpreter: No such file or directory" % (prog, interp)
    new = "bash: %s: cannot execute: required file not found" % prog
    old = "bash: %s: No such file or directory" % prog
    return [el, new, old] if el_first else [new, old, el]
