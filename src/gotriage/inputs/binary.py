"""What the binary layer reads: the ELF file itself and what its loader would find on the
host, the host's architecture and kernel, qemu's binfmt_misc handlers, and the packages
that provide a missing library (facts/binary.py).  ELF files are read in small ranges,
never whole, and stored by `collect` as read (no redaction: they are not text)."""

from gotriage.inputs.spec import Command, File, Layer, Listing, Meta

INPUTS = Layer("binary", [
    Meta("program", "{path}", "the file to examine: a regular file? its size; its real "
                              "directory ($ORIGIN)"),
    File("program-elf", "{path}", "its ELF headers, dynamic section, symbol versions and Go "
                                  "build information, read in ranges", ranged=True,
         redact="none"),
    File("arch", "/proc/sys/kernel/arch", "the host's architecture (Linux 6.1+: `uname -m`)"),
    File("kernel", "/proc/sys/kernel/osrelease", "the running kernel, against the binary's Go "
                                                 "release"),
    File("elf-header", "{path}", "the ELF header of a host file: /bin/sh (the host's "
                                 "architecture), a candidate library (its class and machine)",
         ranged=True, redact="none"),
    File("library-elf", "{path}", "the symbol versions a host library defines (libc.so.6: "
                                  "GLIBC_2.x)", ranged=True, redact="none"),
    Meta("path", "{path}", "whether a path exists on the host: the ELF interpreter, a "
                           "candidate library, the rpm database"),
    File("ld-so-cache", "/etc/ld.so.cache", "where the loader finds libraries by name",
         max_bytes=64 << 20, redact="none"),
    Listing("binfmt", "/proc/sys/fs/binfmt_misc", "qemu-user handlers that run other "
                                                  "architectures' programs"),
    File("binfmt-entry", "/proc/sys/fs/binfmt_misc/{name}", "whether a handler is enabled"),
    Command("whatprovides", ["rpm", "-q", "--whatprovides", "{capability}"],
            "the installed packages that provide a missing library"),
], uses=("system/machine", "system/glibc", "system/os-release"))
