"""Signatures of SELinux as people paste it: setroubleshoot's summary ("SELinux is
preventing ... from ... access on ..."), and the booleans and contexts it names.  Raw
AVC and USER_AVC records are not matched here: explain reads them with the audit log's
own scanner (parsers/audit.py) and explains each with the analyzers of `gotriage avc`
(selinux/analyzers.py), which give the narrowest fix."""

from gotriage.knowledge.signatures import LOW, MEDIUM, C, N, Signature

_PREVENTING = (r"SELinux (?:is preventing|prevents) (?P<program>\S+) from (?:using the )?"
               r"(?:accessing (?P<target>\S+) with )?"
               r"(?P<perms>[\w, ]+?) access (?:on|to) (?:the )?(?P<tclass>[\w ]+?)(?: (?P<target2>.+?))?\.?"
               r"(?:\s+For complete SELinux messages run:\s+sealert -l (?P<uuid>[0-9a-f-]+))?\s*$")
# The causes a denial's finding explains away when both are in the text: systemd's
# 203/EXEC "Permission denied" is the execute denial seen from the unit's side.
DENIAL_BEATS = {
    "SEL-AVC-EXEC-LABEL": ("SVC-LABEL-DENIED", "SVC-JOURNAL-EXEC", "BIN-ELF-NOT-EXECUTABLE"),
    "SEL-AVC-PORT": ("SVC-PORT-PRIVILEGED", "FW-PORT-UNREACHABLE", "SVC-JOURNAL-EXIT"),
    "SEL-AVC-FILE-LABEL": ("SVC-STDOUT-DENIED", "SVC-WORKDIR-DENIED", "SVC-JOURNAL-EXIT",
                           "GO-CACHE-NOT-WRITABLE", "SYS-FILE-DENIED"),
    "SEL-AVC-BOOLEAN": ("SVC-JOURNAL-EXIT", "FW-PORT-UNREACHABLE"),
    "SEL-AVC-MODULE": ("SVC-JOURNAL-EXIT",),
}


# The finding ids whose checks confirm a denial's cause on a host: the SELinux layer's
# own, and the service layer's view of the same failure.
DENIAL_CONFIRMS = {
    "SEL-AVC-EXEC-LABEL": ("SEL-AVC-EXEC-LABEL", "SVC-LABEL-DENIED", "SVC-LABEL-MISMATCH"),
    "SEL-AVC-PORT": ("SEL-AVC-PORT", "SVC-JOURNAL-BIND"),
    "SEL-AVC-FILE-LABEL": ("SEL-AVC-FILE-LABEL", "SVC-JOURNAL-CONFIG"),
}

SEALERT = C("sealert", "-l", "{uuid}", otherwise="sealert -a /var/log/audit/audit.log",
            why="setroubleshoot's full analysis")
AVC_FIX = N("then `gotriage avc` (or ausearch -m AVC -ts recent | gotriage avc -) gives the "
            "narrowest fix for the denial itself")

SIGNATURES = [
    Signature(
        "SEL-AVC-PORT", "selinux", "SELinux forbids the program to use that port",
        variant="setroubleshoot",
        keys=("SELinux is preventing", "SELinux prevents"),
        patterns=(_PREVENTING.replace(r"(?P<perms>[\w, ]+?)", r"(?P<perms>name_bind|name_connect)"),),
        cause="{program} runs in a confined domain that may not {perms} the port {target}: the "
              "port has no type that domain may use.",
        fix=(SEALERT,
             N("label the port for that service: semanage port -a -t TYPE -p tcp PORT (TYPE: a "
               "port type the domain may {perms}, e.g. http_port_t for a web server)"),
             AVC_FIX),
        confirm=("SEL-AVC-PORT",),
        examples=("SELinux is preventing /usr/local/bin/api from name_bind access on the tcp_socket port 8081.",)),
    Signature(
        "SEL-AVC-EXEC-LABEL", "selinux", "SELinux forbids executing the program (its label)",
        variant="setroubleshoot",
        keys=("SELinux is preventing", "SELinux prevents"),
        patterns=(_PREVENTING.replace(r"(?P<perms>[\w, ]+?)", r"(?P<perms>execute(?:_no_trans)?(?:, \w+)*)"),),
        cause="{program} may not execute {target}: the file's label (often user_home_t or "
              "user_tmp_t after a `mv` from a home directory or /tmp) is not one its domain may "
              "run.",
        fix=(SEALERT, C("restorecon", "-v", "{target_path}",
                        otherwise="restorecon -v on the program's path",
                        why="gives the file the label of its place"),
             AVC_FIX),
        confirm=("SEL-AVC-EXEC-LABEL", "SVC-LABEL-DENIED", "SVC-LABEL-MISMATCH"),
        beats=("SVC-LABEL-DENIED", "SVC-JOURNAL-EXEC", "BIN-ELF-NOT-EXECUTABLE"),
        examples=("SELinux is preventing /usr/lib/systemd/systemd from execute access on the file "
                  "/usr/local/bin/api.",)),
    Signature(
        "SEL-AVC-FILE-LABEL", "selinux", "SELinux forbids the access (a file's label)",
        variant="setroubleshoot",
        keys=("SELinux is preventing", "SELinux prevents"),
        patterns=(_PREVENTING.replace(r"(?P<perms>[\w, ]+?)",
                                      r"(?P<perms>(?!name_bind|name_connect|execute)[\w, ]+?)"),),
        cause="{program} may not {perms} {target} ({tclass}): most often the file is not "
              "labelled for what the program does with it; a boolean or a module are the "
              "wider fixes.",
        fix=(SEALERT, C("restorecon", "-v", "{target_path}",
                        otherwise="restorecon -v on the file",
                        why="when the file is where the policy expects such files"),
             AVC_FIX),
        confirm=("SEL-AVC-FILE-LABEL", "SEL-AVC-BOOLEAN", "SEL-AVC-MODULE"),
        confidence=MEDIUM,
        beats=("SVC-JOURNAL-EXIT",),
        examples=("SELinux is preventing /usr/local/bin/api from write access on the directory logs.",
                  "SELinux is preventing api from open access on the file /srv/api/config.yaml.")),
    Signature(
        "SEL-AVC-PORT", "selinux", "a server may not bind its port (SELinux)",
        variant="daemon",
        keys=("Permission denied", "permission denied", "Cannot bind any address"),
        patterns=(r"Bind to port (?P<port>\d+) on \S+ failed: Permission denied",
                  r"bind\(\) to (?P<addr>\S+):(?P<port>\d+) failed \(13: Permission denied\)",
                  r"\(13\)Permission denied: AH00072: make_sock: could not bind to address "
                  r"(?P<addr>\S+):(?P<port>\d+)",
                  r"Failed to create listening socket \((?P<addr>.*):(?P<port>\d+)\): Permission denied",
                  r"Socket bind failed on local address .*: Permission denied",
                  r"listen (?:tcp|udp)[46]? (?P<addr>\S*?):(?P<port>\d{4,5}): bind: permission denied",
                  r"fatal: Cannot bind any address"),
        cause="A server that starts as root (sshd, nginx, httpd, openvpn, systemd's sockets) or "
              "binds a port above 1023 needs no capability, so `Permission denied` comes from "
              "SELinux: its domain may not bind {port} (the port has no type it may use).",
        fix=(C("semanage", "port", "-l", why="which type the port has, and which ports the service's type covers"),
             N("label the port for the service: semanage port -a -t TYPE -p tcp {port} (TYPE: the "
               "service's port type, e.g. ssh_port_t, http_port_t); -m instead of -a if the port "
               "already has a type", otherwise="label the port for the service: semanage port -a "
               "-t TYPE -p tcp PORT (e.g. ssh_port_t, http_port_t)"),
             AVC_FIX),
        confirm=("SEL-AVC-PORT", "SVC-JOURNAL-BIND"),
        beats=("SVC-JOURNAL-EXIT",),
        confidence=MEDIUM,
        examples=("sshd[1594]: error: Bind to port 2849 on 0.0.0.0 failed: Permission denied.",
                  "nginx: [emerg] bind() to 0.0.0.0:7443 failed (13: Permission denied)",
                  "listen tcp :8081: bind: permission denied",
                  "sshd.socket: Failed to create listening socket ([::]:12221): Permission denied")),
    Signature(
        "SEL-AVC-BOOLEAN", "selinux", "a web server may not connect to other services (SELinux boolean)",
        variant="httpd-connect",
        keys=("failed (13: Permission denied) while connecting to upstream",),
        patterns=(r"connect\(\) to (?P<addr>\S+?):(?P<port>\d+) failed \(13: Permission denied\) while "
                  r"connecting to upstream",),
        cause="nginx (httpd_t) may not connect to {addr}:{port} under SELinux unless the boolean "
              "httpd_can_network_connect is on (a reverse proxy to an application port).",
        fix=(C("setsebool", "-P", "httpd_can_network_connect", "1",
               why="persistent; lets the web server connect to any port"),
             N("narrower, for one port: semanage port -a -t http_port_t -p tcp {port} (when that "
               "port has no type yet)")),
        confirm=("SEL-AVC-BOOLEAN",),
        examples=("2021/02/26 15:16:55 [crit] 67245#0: *494 connect() to 127.0.0.1:8001 failed (13: "
                  "Permission denied) while connecting to upstream, client: 47.221.167.40",)),
    Signature(
        "SEL-AVC-FILE-LABEL", "selinux", "a web server may not use a file (its SELinux label)",
        variant="httpd",
        keys=("(13: Permission denied)",),
        patterns=(r"(?:open|mkdir|opendir|stat|rename|unlink)\(\) \"(?P<path>/[^\"]+)\" failed \(13: Permission denied\)",),
        cause="nginx/httpd (httpd_t) may not use {path}: under SELinux a web server reads only "
              "httpd_sys_content_t and writes only httpd_sys_rw_content_t (or the log and cache "
              "types), whatever the file modes say.",
        fix=(N("label the directory for the web server: semanage fcontext -a -t "
               "httpd_sys_rw_content_t 'DIR(/.*)?' (httpd_sys_content_t for read-only content), "
               "then restorecon -Rv DIR"),
             AVC_FIX),
        confirm=("SEL-AVC-FILE-LABEL",),
        confidence=MEDIUM,
        examples=('nginx: [emerg] mkdir() "/usr/local/nginx/content/cache/epochtimes" failed (13: '
                  'Permission denied)',)),
    Signature(
        "SEL-AVC-FILE-LABEL", "selinux", "systemd may not open the unit's log file (209/STDOUT)",
        variant="stdout",
        keys=("Failed to set up standard output", "209/STDOUT", "Failed to set up standard error"),
        patterns=(r"Failed to set up standard (?:output|error): (?P<error>Permission denied)",
                  r"status=209/STDOUT"),
        cause="StandardOutput=file:/append: names a file systemd may not open for the service: on "
              "an SELinux host its directory is not labelled for logs (a directory made by hand "
              "under /var/log, /srv or /opt), or User= may not write there.",
        fix=(C("systemctl", "cat", "{unit}", otherwise="systemctl cat UNIT", why="which file"),
             N("label its directory for logs: semanage fcontext -a -t var_log_t 'DIR(/.*)?' then "
               "restorecon -Rv DIR (never /var/log itself); and let User= write there"),
             AVC_FIX),
        confirm=("SEL-AVC-FILE-LABEL", "SVC-JOURNAL-CONFIG"),
        confidence=MEDIUM,
        examples=("api.service: Failed to set up standard output: Permission denied",
                  "api.service: Main process exited, code=exited, status=209/STDOUT")),
    Signature(
        "SEL-AVC-VOLUME-LABEL", "selinux", "a container may not use a bind-mounted host directory",
        keys=("-v ", "--volume", "can't create directory", "--mount"),
        patterns=(r"(?:docker|podman) (?:container )?(?:run|create)\b.*?(?:-v|--volume)[ =]\"?(?P<src>[^\s:\"]+):"
                  r"(?P<dst>/[^\s:\"]*)(?![^\s\"]*:[\w,]*[zZ])",
                  r"^mkdir: can't create directory '(?P<dst>[^']+)': Permission denied"),
        cause="A host directory bind-mounted into a container keeps its host label (user_home_t, "
              "default_t...), which the container's domain (container_t) may not use: inside, "
              "every access is `Permission denied`, even as root.",
        fix=(N("mount it with :Z (private to this container) or :z (shared): -v SRC:DST:Z"),
             N("or label the directory once: chcon -Rt container_file_t SRC (svirt_sandbox_file_t "
               "on EL7)")),
        confirm=("SEL-AVC-FILE-LABEL",),
        confidence=LOW,
        examples=("podman run -it -v $(pwd):/mailman docker.io/d3fk/mailman2 bash",
                  "mkdir: can't create directory '/config/qBittorrent/': Permission denied")),
    Signature(
        "SEL-AVC-EXEC-LABEL", "selinux", "a service uses a file labelled for a home directory",
        variant="sealert-context",
        keys=("Target Context",),
        patterns=(r"Target Context\s+\S+:(?P<ttype>user_home_t|user_tmp_t|admin_home_t|user_home_dir_t)\b",),
        cause="setroubleshoot's report names a target labelled {ttype}: a file in (or moved "
              "from) a home directory or /tmp, which system services may not use.",
        fix=(N("move what the service needs out of the home directory (e.g. /opt/APP or "
               "/srv/APP, installed with cp or install so it gets that place's label), or "
               "restorecon -v it if it already lives in a standard directory"),),
        confirm=("SEL-AVC-EXEC-LABEL", "SVC-LABEL-DENIED"),
        confidence=MEDIUM,
        beats=("SEL-AVC-FILE-LABEL",),
        examples=("Target Context                unconfined_u:object_r:user_home_t:s0",)),
    Signature(
        "SEL-AVC-UNIT-FILE-LABEL", "selinux", "systemd may not read a unit file moved from a home directory",
        keys=("does not exist.",),
        patterns=(r"Unit file (?P<unit>\S+) does not exist\.",),
        cause="systemd says {unit} does not exist although it was just written: a unit file "
              "made in a home directory and moved (mv) to /etc/systemd/system keeps user_home_t, "
              "which systemd may not read.",
        fix=(C("ls", "-Z", "/etc/systemd/system/{unit}", otherwise="ls -Z /etc/systemd/system/UNIT"),
             C("restorecon", "-v", "/etc/systemd/system/{unit}",
               otherwise="restorecon -v /etc/systemd/system/UNIT"),
             C("systemctl", "daemon-reload")),
        confirm=("SVC-UNIT-NOT-FOUND",),
        confidence=MEDIUM,
        examples=("Failed to enable unit: Unit file actions.runner.org-repo.linux-1.service does not exist.",)),
    Signature(
        "SEL-PORT-ALREADY-DEFINED", "selinux", "semanage port -a on a port that already has a type",
        keys=("already defined",),
        patterns=(r"Port (?P<proto>tcp|udp)/(?P<port>\d+) already defined",),
        cause="semanage port -a refuses {proto}/{port}: the policy (or an earlier local rule) "
              "already gives it a type; -a only adds new ports.",
        fix=(C("semanage", "port", "-m", "-t", "TYPE", "-p", "{proto}", "{port}",
               otherwise="semanage port -m -t TYPE -p tcp PORT",
               why="modify instead of add (TYPE: the port type the service needs)"),),
        examples=("ValueError: Port tcp/8020 already defined",)),
]
