"""SELinux facts as data: port types, booleans (RHEL/Fedora vs reference-policy names),
the types Go services meet, each with its source.

Sources:
- REFPOLICY: Debian 12's selinux-policy-default 2:2.20221101-9 (the SELinux reference
  policy), read with `seinfo policy.33 --portcon` / `-b` and its file_contexts.
- FEDORA: fedora-selinux/selinux-policy (what RHEL 8-10 ship), policy/modules/kernel/
  corenetwork.te.in (ports), policy/modules/kernel/domain.te and
  policy/modules/system/unconfined.te, userdomain.te (booleans) — the same names
  `getsebool -a` prints on RHEL 8/9.
"""

from gotriage.i18n import N_  # the words a finding shows: translated where shown

REFPOLICY = "Debian 12 selinux-policy-default 2:2.20221101-9 (reference policy), seinfo --portcon/-b"
FEDORA = "fedora-selinux/selinux-policy (RHEL 8-10 targeted policy)"

# Ports that already have a type: `semanage port -a` fails with "already defined", so
# the fix is `semanage port -m`.  (port, proto) -> type.  Same in both policies.
PORT_TYPES = {
    (80, "tcp"): "http_port_t", (443, "tcp"): "http_port_t",
    (8008, "tcp"): "http_port_t", (8009, "tcp"): "http_port_t", (8443, "tcp"): "http_port_t",
    (8080, "tcp"): "http_cache_port_t", (8081, "tcp"): "transproxy_port_t",
    (8000, "tcp"): "soundd_port_t", (9000, "tcp"): "cslistener_port_t",
    (9090, "tcp"): "websm_port_t", (9100, "tcp"): "hplip_port_t",
    (3000, "tcp"): "ntop_port_t", (3001, "tcp"): "ntop_port_t",
    (5000, "tcp"): "commplex_main_port_t", (3306, "tcp"): "mysqld_port_t",
    (5432, "tcp"): "postgresql_port_t", (6379, "tcp"): "redis_port_t",
}
PORT_SOURCE = REFPOLICY + "; 8080/9090/9100 identical in " + FEDORA

# Types of ports nothing defines: `semanage port -a` is the fix for these.  They are the
# only port types gotriage ever proposes to change: every other port type belongs to a
# service (5432 postgresql_port_t, 8080 http_cache_port_t...), and `semanage port -m`
# on it takes the port away from every domain that uses it.  A port's type is changed
# with -m only when it is the user's own (a local customisation, `semanage port -l -C`).
# In the reference policy these are the portcon ranges of 1000 ports and more and the
# initial SID `port` (tests/test_selinux_fixes.py checks them against policy.33).
UNDEFINED_PORT_TYPES = frozenset(["unreserved_port_t", "reserved_port_t", "hi_reserved_port_t",
                                  "port_t", "ephemeral_port_t"])

# File types no service module owns (the base policy's generic places: users' files,
# /tmp, /usr, /var...): a directory labelled one of these may be given a service's type
# with `semanage fcontext`.  A directory whose policy label is any other type belongs to
# a policy module (/var/www httpd_sys_content_t, ~/.config xdg_config_t...): gotriage
# never retypes it, it says restorecon (the policy's own label) or another place.
GENERIC_FILE_TYPES = frozenset([
    "default_t", "file_t", "unlabeled_t", "etc_t", "etc_runtime_t", "usr_t", "bin_t", "lib_t",
    "src_t", "var_t", "var_lib_t", "var_log_t", "var_run_t", "var_spool_t", "tmp_t",
    "user_tmp_t", "tmpfs_t", "user_tmpfs_t", "home_root_t", "user_home_dir_t", "user_home_t",
    "admin_home_t", "staff_home_t", "unconfined_home_t", "root_t", "mnt_t", "public_content_t"])

# Booleans that change every domain (or every daemon, every user, the whole kernel
# interface): turning one on to fix one service weakens the host.  Offered last, marked
# "affects the whole host".  Reference-policy names: every boolean of Debian's
# policy.33 whose rules reach domains of 10 or more families (tests/test_selinux_fixes.py
# computes it with setools); RHEL/Fedora names from its policy/modules (domain.te,
# userdomain.te, selinuxutil.te, files.te, init.te, authlogin.te).
HOST_WIDE_BOOLEANS = frozenset([
    # RHEL/Fedora
    "deny_execmem", "domain_can_mmap_files", "domain_can_write_kmsg", "domain_fd_use",
    "domain_kernel_load_modules", "deny_ptrace", "deny_bluetooth",
    "nis_enabled", "kerberos_enabled", "fips_mode", "global_ssp", "nscd_use_shm",
    "authlogin_nsswitch_use_ldap", "authlogin_radius", "authlogin_yubikey",
    "daemons_dump_core", "daemons_enable_cluster_mode", "daemons_use_tcp_wrapper",
    "daemons_use_tty", "polyinstantiation_enabled", "use_nfs_home_dirs", "use_samba_home_dirs",
    "use_ecryptfs_home_dirs", "use_fusefs_home_dirs", "unconfined_mmap_zero_ignore",
    "xserver_object_manager", "ssh_sysadm_login", "xdm_sysadm_login",
    # reference policy (Debian)
    "allow_execmem", "allow_execmod", "allow_execstack", "allow_execheap", "allow_ptrace",
    "allow_ypbind", "allow_kerberos", "allow_polyinstantiation", "allow_write_xshm",
    "authlogin_pam", "init_daemons_use_tty",
])
HOST_WIDE_PREFIXES = ("selinuxuser_", "secure_mode")
HOST_WIDE_CAUTION = N_("affects the whole host: it changes what every domain (or every user "
                       "or daemon) may do, not only this service; prefer the narrower fixes above")


def host_wide(name):
    """True for a boolean that changes every domain rather than one service's."""
    return name in HOST_WIDE_BOOLEANS or name.startswith(HOST_WIDE_PREFIXES)

# The port type a confined domain is allowed to bind or connect to (its own service
# port), used when sesearch is not there to ask the policy.
DOMAIN_PORTS = {
    "httpd_t": "http_port_t",
    "nginx_t": "http_port_t",
    "squid_t": "http_cache_port_t",
    "smbd_t": "smbd_port_t",
    "sshd_t": "ssh_port_t",
    "postgresql_t": "postgresql_port_t",
    "mysqld_t": "mysqld_port_t",
    "redis_t": "redis_port_t",
}

# Where a file should not be when a service uses it: the label says it belongs to a
# user's home, a temporary directory or nothing at all.  `mv` keeps these labels.
MISPLACED_TYPES = frozenset([
    "user_home_t", "user_home_dir_t", "user_tmp_t", "tmp_t", "admin_home_t", "default_t",
    "unlabeled_t", "file_t", "home_root_t", "var_t", "etc_runtime_t", "staff_home_t",
    "user_tmpfs_t", "unconfined_home_t"])

# Types systemd (init_t) may execute for a service; on RHEL a unit whose binary is
# bin_t or usr_t runs as unconfined_service_t.
SERVICE_EXEC_TYPES = frozenset(["bin_t", "usr_t", "shell_exec_t"])
SERVICE_DOMAIN = "unconfined_service_t"

# Content types a confined service may use: (domain prefix, need) -> type.
CONTENT_TYPES = {
    ("httpd", "read"): "httpd_sys_content_t",
    ("httpd", "write"): "httpd_sys_rw_content_t",
    ("httpd", "exec"): "httpd_sys_script_exec_t",
    ("smbd", "read"): "samba_share_t",
    ("smbd", "write"): "samba_share_t",
    ("ftpd", "read"): "public_content_t",
    ("ftpd", "write"): "public_content_rw_t",
    ("nginx", "read"): "httpd_sys_content_t",
}
# Domains whose own types are the system's (init_t's are systemd's /run and /var/lib):
# a service's files are never given one of them.
SYSTEM_DOMAINS = frozenset(["init_t", "kernel_t"])
WRITE_PERMS = frozenset(["write", "append", "create", "unlink", "rename", "add_name",
                         "remove_name", "setattr", "link", "rmdir", "reparent"])
EXEC_PERMS = frozenset(["execute", "execute_no_trans", "entrypoint"])


class Boolean(object):
    __slots__ = ("name", "policy", "meaning", "allows_when", "source")

    def __init__(self, name, policy, meaning, allows_when=1, source=None):
        self.name = name
        self.policy = policy  # "rhel", "refpolicy" or "both"
        self.meaning = meaning
        self.allows_when = allows_when  # deny_execmem allows when 0
        self.source = source or (FEDORA if policy == "rhel" else REFPOLICY)


BOOLEANS = dict((b.name, b) for b in [
    Boolean("deny_execmem", "rhel", N_("when on, denies execmem (memory both writable and "
            "executable) to unconfined and user domains, unconfined_service_t included"),
            allows_when=0),
    Boolean("selinuxuser_execmod", "rhel", N_("user domains may execmod (text relocations in "
            "shared libraries)")),
    Boolean("selinuxuser_execstack", "rhel", N_("user domains may make their stack executable")),
    Boolean("selinuxuser_execheap", "rhel", N_("user domains may make their heap executable")),
    Boolean("domain_can_mmap_files", "rhel", N_("every domain may mmap files it can read "
            "(the `map` permission)")),
    Boolean("allow_execmem", "refpolicy", N_("unconfined and user domains may execmem")),
    Boolean("allow_execmod", "refpolicy", N_("unconfined and user domains may execmod")),
    Boolean("allow_execstack", "refpolicy", N_("unconfined and user domains may execstack")),
    Boolean("allow_execheap", "refpolicy", N_("unconfined and user domains may execheap")),
    Boolean("httpd_execmem", "both", N_("httpd_t may execmem (JITs, some Go programs built "
            "with cgo)")),
    Boolean("httpd_can_network_connect", "both", N_("httpd_t may connect to any TCP port")),
    Boolean("httpd_can_network_connect_db", "both", N_("httpd_t may connect to database ports")),
    Boolean("httpd_enable_homedirs", "both", N_("httpd_t may read users' home directories")),
    Boolean("httpd_enable_cgi", "both", N_("httpd_t may run CGI scripts (httpd_sys_script_exec_t)")),
    Boolean("httpd_unified", "both", N_("httpd_t may read, write and execute all httpd content")),
    Boolean("httpd_read_user_content", "rhel", N_("httpd_t may read user content")),
    Boolean("ftpd_full_access", "rhel", N_("ftpd may read and write every file")),
    Boolean("allow_ftpd_full_access", "refpolicy", N_("ftpd may read and write every file")),
    Boolean("samba_enable_home_dirs", "both", N_("samba may share home directories")),
    Boolean("samba_export_all_ro", "both", N_("samba may read every file")),
    Boolean("samba_export_all_rw", "both", N_("samba may read and write every file")),
    Boolean("nis_enabled", "rhel", N_("every domain may connect to any port (NIS); far too broad")),
    Boolean("allow_ypbind", "refpolicy", N_("every domain may connect to any port (NIS); far too broad")),
])

# Names people look for that do not exist in any policy.
NOT_BOOLEANS = {
    "go_execmem": N_("there is no go_execmem boolean: Go binaries run in the domain of "
                  "whatever starts them (unconfined_service_t for systemd units)"),
    "execmod": N_("execmod is a permission of the file class (text relocations), not a "
               "boolean; the booleans that grant it are selinuxuser_execmod (RHEL) and "
               "allow_execmod (reference policy)"),
}

# Unconfined and user domains the exec* booleans apply to.
USER_DOMAINS = frozenset(["unconfined_t", "unconfined_service_t", "unconfined_execmem_t",
                          "user_t", "staff_t", "guest_t", "xguest_t", "sysadm_t"])


def boolean_candidates(denial):
    """[(rhel name, refpolicy name)] of booleans that may allow this denial, narrowest
    first.  A name is None where that policy has no such boolean."""
    perms = set(denial.perms)
    stype, tclass, ttype = denial.stype, denial.tclass, denial.ttype
    out = []
    if tclass == "process":
        if "execmem" in perms:
            if stype.startswith("httpd"):
                out.append(("httpd_execmem", "httpd_execmem"))
            if stype in USER_DOMAINS:
                out.append(("deny_execmem", "allow_execmem"))
        if "execstack" in perms and stype in USER_DOMAINS:
            out.append(("selinuxuser_execstack", "allow_execstack"))
        if "execheap" in perms and stype in USER_DOMAINS:
            out.append(("selinuxuser_execheap", "allow_execheap"))
    if tclass == "file" and "execmod" in perms and stype in USER_DOMAINS:
        out.append(("selinuxuser_execmod", "allow_execmod"))
    if "map" in perms and tclass in ("file", "chr_file", "blk_file"):
        out.append(("domain_can_mmap_files", None))
    if stype.startswith("httpd"):
        if tclass == "tcp_socket" and "name_connect" in perms:
            if ttype in ("mysqld_port_t", "postgresql_port_t", "mssql_port_t", "oracle_port_t"):
                out.append(("httpd_can_network_connect_db", "httpd_can_network_connect_db"))
            out.append(("httpd_can_network_connect", "httpd_can_network_connect"))
        if ttype in ("user_home_t", "user_home_dir_t", "home_root_t"):
            out.append(("httpd_enable_homedirs", "httpd_enable_homedirs"))
        if ttype == "httpd_sys_script_exec_t" and perms & EXEC_PERMS:
            out.append(("httpd_enable_cgi", "httpd_enable_cgi"))
        if ttype == "httpd_sys_content_t" and perms & WRITE_PERMS:
            out.append(("httpd_unified", "httpd_unified"))
    if stype == "smbd_t":
        if ttype in ("user_home_t", "user_home_dir_t", "home_root_t"):
            out.append(("samba_enable_home_dirs", "samba_enable_home_dirs"))
        if tclass in ("file", "dir", "lnk_file"):
            out.append(("samba_export_all_rw" if perms & WRITE_PERMS else "samba_export_all_ro",
                        "samba_export_all_rw" if perms & WRITE_PERMS else "samba_export_all_ro"))
    if stype == "ftpd_t" and tclass in ("file", "dir"):
        out.append(("ftpd_full_access", "allow_ftpd_full_access"))
    return out
