"""What the SELinux layer reads: the mode (now and after a reboot), the booleans, the
policy store and file contexts, the audit logs, and the SELinux tools, run by absolute
path (host.base.TOOL_DIRS) only to enrich what the files say (facts/selinux.py,
selinux/logread.py)."""

from gotriage.i18n import N_
from gotriage.inputs.spec import Command, File, Layer, Listing, Meta, Need

POLICY_MAX_BYTES = 64 * 1024 * 1024  # Debian's policy.33 is 2.1 MB: room for much larger ones
POLICY_TOOL_TIMEOUT = 30.0  # at least: these load the whole policy (0.5 s on Debian, more on RHEL)
_POLICY_TOOL = Need(("SEL-AVC",), N_("it loads the whole policy: slow on a small host, or stuck"),
                    N_("the denials below are explained from the policy files alone"))
_TOOLS_STUCK = N_("the SELinux tools are stuck")

INPUTS = Layer("selinux", [
    File("config", "/etc/selinux/config", "the mode and policy after a reboot"),
    Meta("selinuxfs", "/sys/fs/selinux", "whether SELinux is enabled in the kernel"),
    File("enforce", "/sys/fs/selinux/enforce", "the mode now"),
    File("filesystems", "/proc/filesystems", "whether the running kernel has SELinux at all "
                                             "(selinuxfs registered)"),
    File("cmdline", "/proc/cmdline", "selinux=0 on the kernel command line"),
    File("os-release", "/etc/os-release", "an EL-family system (SELinux is its default) or "
                                          "another, where a config file alone means nothing"),
    Listing("booleans", "/sys/fs/selinux/booleans", "the booleans"),
    File("boolean", "/sys/fs/selinux/booleans/{name}", "a boolean's current and pending value"),
    File("booleans-local", "/var/lib/selinux/{policy}/active/booleans.local",
         "booleans set persistently (setsebool -P)"),
    File("ports-local", "/var/lib/selinux/{policy}/active/ports.local",
         "the ports the user labelled (semanage port -a/-m), read in place of `semanage port "
         "-l -C`"),
    Listing("modules", "/var/lib/selinux/{policy}/active/modules",
            "the policy store's module priorities"),
    Listing("modules-priority", "/var/lib/selinux/{policy}/active/modules/{priority}",
            "the modules of a priority (permissive domains: permissive_*)"),
    File("file-contexts", "/etc/selinux/{policy}/contexts/files/{name}",
         "the labels the policy gives paths (file_contexts, .homedirs, .local)",
         max_bytes=16 * 1024 * 1024),
    Listing("policy-dir", "/etc/selinux/{policy}/policy", "the compiled policy (policy.N)"),
    File("policy-file", "/etc/selinux/{policy}/policy/{name}",
         "the compiled policy, read by gotriage itself for the denials (its types, allow "
         "rules, port types, and why the policy denied each one) instead of asking seinfo, "
         "sesearch, semanage and audit2why", max_bytes=POLICY_MAX_BYTES, redact="none"),
    File("policy-xml", "/usr/share/selinux/devel/policy.xml",
         "the booleans' descriptions (those audit2why prints, from sepolicy), when the "
         "policy says a boolean would allow a denial", max_bytes=POLICY_MAX_BYTES, redact="none"),
    Listing("audit-dir", "/var/log/audit", "the audit log and its rotations"),
    File("audit-log", "{path}", "an audit log (the default ones, or given), read a MiB at a "
                                "time", ranged=True),
    Meta("tool", "{dir}/{name}", "whether an SELinux tool is installed"),
    Command("getenforce", ["{dir}/getenforce"], "the mode, where selinuxfs cannot be read",
            need=Need(("SEL-MODE",), _TOOLS_STUCK, N_("SELinux's current mode is taken from "
                                                   "the files"))),
    Command("getsebool", ["{dir}/getsebool", "-a"], "the booleans, where selinuxfs cannot "
                                                   "be read",
            need=Need(("SEL-BOOL",), _TOOLS_STUCK, N_("the booleans' current values are unknown"))),
    Command("sesearch", ["{dir}/sesearch", "-A", "-rs", "-s", "{sources}", "-c", "{classes}",
                         "{policy}"],
            "the types the denied domains may use (one run for all: the allow rules of "
            "those domains, `^(httpd_t|init_t)$`, in the asked classes)", need=_POLICY_TOOL),
    Command("semanage-ports", ["{dir}/semanage", "port", "-l"], "this host's port types",
            timeout=POLICY_TOOL_TIMEOUT, need=_POLICY_TOOL),
    Command("semanage-local-ports", ["{dir}/semanage", "port", "-l", "-C"],
            "the ports the user labelled (whether a port's type is theirs to change)",
            timeout=POLICY_TOOL_TIMEOUT, need=_POLICY_TOOL),
    Command("seinfo-types", ["{dir}/seinfo", "{policy}", "--flat", "-t", "-x", "-c", "--common"],
            "the loaded policy's types, their attributes, its classes and permissions (a fix "
            "naming a type the policy lacks; which rules sesearch printed are a domain's)",
            timeout=POLICY_TOOL_TIMEOUT, need=_POLICY_TOOL),
    Command("matchpathcon", ["{dir}/matchpathcon", "-n", "{paths*}"],
            "the labels the denials' paths should have (one run, at most 32 paths)",
            need=_POLICY_TOOL),
    Command("audit2why", ["{dir}/audit2why", "-p", "{policy}"],
            "why the policy denied each denial (one run, the AVC lines on stdin)",
            timeout=POLICY_TOOL_TIMEOUT, need=_POLICY_TOOL),
])
