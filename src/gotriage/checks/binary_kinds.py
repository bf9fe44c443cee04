"""What a file that is not an ELF program is, by its first bytes (BIN-ELF-NOT-ELF): a
script, an archive, a program for another OS, a web page saved by a failed download...

>>> non_elf(b"#!/bin/sh\\necho hi\\n")
('a script (#!/bin/sh), not a compiled program', None)
>>> non_elf(b"PK\\x03\\x04rest")[0]
'a zip archive (unpack it: unzip)'
"""

from gotriage.i18n import N_, _


def non_elf(head):
    """(what the file is, what running it does) for a file that is not ELF."""
    text = head.lstrip()[:64].lower()
    if not head:
        return (_("an empty file"), "nothing: bash runs an empty file as an empty shell script "
                "and exits 0")
    if head.startswith(b"#!"):
        line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
        return (_("a script (%(line)s), not a compiled program") % {"line": line}, None)
    known = [
        (head.startswith(b"\x1f\x8b"), N_("a gzip archive (unpack it: tar xzf)")),
        (head.startswith(b"PK\x03\x04"), N_("a zip archive (unpack it: unzip)")),
        (head.startswith(b"\xfd7zXZ"), N_("an xz archive (unpack it: tar xJf)")),
        (head.startswith(b"BZh"), N_("a bzip2 archive (unpack it: tar xjf)")),
        (head.startswith(b"\x28\xb5\x2f\xfd"), N_("a zstd archive")),
        (len(head) > 262 and head[257:262] == b"ustar", N_("a tar archive (unpack it: tar xf)")),
        (head[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf",
                      b"\xfe\xed\xfa\xce", b"\xca\xfe\xba\xbe"),
         N_("a macOS (Mach-O) program: download or build the linux one (GOOS=linux)")),
        (head.startswith(b"MZ"),
         N_("a Windows program: download or build the linux one (GOOS=linux)")),
        (head.startswith(b"\xed\xab\xee\xdb"),
         N_("an RPM package (install it: dnf install ./FILE)")),
        (head.startswith(b"!<arch>\n"), N_("an ar archive (a .deb or a static library)")),
        (text.startswith((b"<!doctype html", b"<html")),
         N_("an HTML page (a failed or redirected download?)")),
        (text.startswith(b"<?xml"), N_("an XML document")),
        (text.startswith((b"{", b"[")), N_("JSON or other text (a failed download?)")),
    ]
    what = next((_(label) for hit, label in known if hit), None)
    first_line = head.split(b"\n", 1)[0][:80]
    if b"\0" in first_line:
        return (what or _("binary data that is not ELF"),
                "bash: %s: cannot execute binary file: Exec format error")
    return (what or _("text, not a compiled program"),
            "bash runs it as a shell script: errors such as `%s: line 1: ...: command not "
            "found` or `syntax error`")
