"""What the baseline layer reads: the files its spec names (content, metadata and SELinux
label), the directories their globs list, a Go install's tree (names, sizes and mtimes,
never contents, apart from bin/go), the state commands a spec may name (a fixed list:
a spec names them by key, it cannot make gotriage run a program of its own), and whether
a package owns a file that drifted (docs/baseline.md)."""

from gotriage.inputs.spec import Command, File, Layer, Listing, Meta

# A recorded file is read whole up to this size; larger, only its digest is kept.
MAX_RECORDED_BYTES = 4 * 1024 * 1024

# key -> argv: the commands whose output is state.  A command is slow by nature when it
# loads the SELinux policy store (semanage): its own longer bound.
STATE_COMMANDS = {
    "getenforce": (["getenforce"], None, "SELinux's mode now"),
    "semanage-port": (["semanage", "port", "-l", "-C"], 30.0,
                      "the local SELinux port customisations"),
    "semanage-fcontext": (["semanage", "fcontext", "-l", "-C"], 30.0,
                          "the local SELinux file-context customisations"),
    "semanage-boolean": (["semanage", "boolean", "-l", "-C"], 30.0,
                         "the SELinux booleans changed from the policy's defaults"),
    "firewall-zones": (["firewall-cmd", "--list-all-zones"], None,
                       "firewalld's runtime state of every zone"),
    "firewall-policies": (["firewall-cmd", "--list-all-policies"], None,
                          "firewalld's runtime policies"),
}

INPUTS = Layer("baseline", [
    Meta("path", "{path}", "what a recorded path is now: type, mode, owner, group, size; its "
                           "SELinux label (security.selinux)"),
    File("file", "{path}", "a recorded file's content (profile.d, sudoers, units, firewalld, "
                           "SELinux and limits files the spec names)",
         max_bytes=MAX_RECORDED_BYTES),
    Listing("dir", "{dir}", "the entries a glob of the spec matches in a directory; a Go "
                            "install's tree for its digest"),
    File("go-binary", "{root}/bin/go", "a Go install's bin/go, for its SHA-256",
         max_bytes=256 << 20, redact="none"),
] + [Command("state-" + key, argv, reason, timeout=timeout)
     for key, (argv, timeout, reason) in sorted(STATE_COMMANDS.items())] + [
    Command("rpm-qf", ["rpm", "-qf", "--", "{path}"],
            "the package that owns a drifted file, if any"),
    Command("rpm-verify", ["rpm", "-Vf", "--", "{path}"],
            "whether the owning package's own checksums still match: a package update "
            "told apart from a hand edit"),
], uses=("toolchain/install-go", "toolchain/install-version", "service/unit-file"))
