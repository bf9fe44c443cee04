"""The service layer: systemd units of Go services, from unit file to first syscall.

For every unit examined (`gotriage service UNIT`, or in `check --layer service` every
enabled or failed unit whose ExecStart= is a Go binary or runs `go`):

- SVC-UNIT     the unit file and drop-ins: found, loadable, known directives and
               specifiers for this systemd, `systemd-analyze verify`
- SVC-EXEC     the program ExecStart= starts: written so systemd runs it, there,
               executable by the unit's user, not on a noexec mount, an ELF that runs here
- SVC-WORKDIR  WorkingDirectory=
- SVC-USER     User= and Group=
- SVC-ENV      Environment= and EnvironmentFile=
- SVC-GO       for units that run `go`: the build cache in the unit's environment
- SVC-LIMITS   LimitNOFILE=, LimitNPROC=, TasksMax= against what the Go runtime needs
- SVC-PORT     ports below 1024 for a non-root User= without CAP_NET_BIND_SERVICE
- SVC-SANDBOX  ReadWritePaths= and friends, ProtectHome=
- SVC-LABEL    the SELinux label of the program against the policy's
- SVC-JOURNAL  what the journal says, mapped to the findings above
- SVC-TRACE    (--trace) what the program does under strace

Messages in `predicted_error` are systemd's own (the strings compiled into systemd 252
and systemd 219's sources, see knowledge/systemd.py) and the Go runtime's.

One check per module, named after its id (SVC-EXEC: svc_exec.py), with its private
helpers beside it; what several checks use is in _common.py.  A check's per-unit
function (`_exec(facts, unit)`) is private to the package: SVC-UNIT and SVC-JOURNAL
call the others' through the per-unit memo.  The modules are imported here in the order
of the report: a layer's checks run and print in the order they are registered.
"""

# isort: off
# The order of the report (isort would sort them by name).
from gotriage.checks.service.svc_unit import unit_files
from gotriage.checks.service.svc_exec import exec_start
from gotriage.checks.service.svc_workdir import working_directory
from gotriage.checks.service.svc_user import user_group
from gotriage.checks.service.svc_env import environment
from gotriage.checks.service.svc_go import go_in_service
from gotriage.checks.service.svc_limits import limits
from gotriage.checks.service.svc_port import CapSet, listen_ports, privileged_ports
from gotriage.checks.service.svc_sandbox import sandbox
from gotriage.checks.service.svc_label import label
from gotriage.checks.service.svc_journal import journal
from gotriage.checks.service.svc_trace import trace
from gotriage.checks.service.svc_input import inputs
# isort: on

__all__ = ["unit_files", "exec_start", "working_directory", "user_group", "environment",
           "go_in_service", "limits", "privileged_ports", "sandbox", "label", "journal",
           "trace", "inputs", "listen_ports", "CapSet"]
