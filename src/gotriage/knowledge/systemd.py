"""Facts about systemd that the service layer compares a unit against, by release.

Every EL release ships one systemd and backports into it, so what a unit may say depends
on the release, not only on the upstream version number:

- EL7: systemd 219 (RHEL 7.9: systemd-219-78.el7) with backports (AmbientCapabilities=,
  PassEnvironment=, TasksMax=), but no StateDirectory=, no %S, no relative ExecStart=;
- EL8: systemd 239 (systemd-239-*.el8) with backports (RestrictSUIDSGID=);
- EL9: systemd 252 (systemd-252-*.el9);
- EL10: systemd 257 (systemd-257-*.el10).

Sources, quoted with each table:
  [rhel7]  the directive table of RHEL 7's systemd, src/core/load-fragment-gperf.gperf.m4
           of github.com/lnykryn/systemd-rhel (the RHEL 7 systemd tree, commit 048ed4b2),
           and its src/core/load-fragment.c (config_parse_exec: only the "-" and "@"
           prefixes; "Executable path is not absolute, ignoring")
  [rhel8]  the same file of github.com/redhat-plumbers/systemd-rhel8 (commit 2eb46cbd)
  [v252]   `systemd --dump-configuration-items` of systemd 252 (252.38, Debian 12), and
           the messages compiled into its libsystemd-core-252.so
  [news]   systemd's NEWS ("CHANGES WITH N"), /usr/share/doc/systemd/NEWS.gz of 252
"""

from gotriage.i18n import N_

# The systemd each EL major release ships.
EL_SYSTEMD = {7: 219, 8: 239, 9: 252, 10: 257}
EL_SYSTEMD_SOURCE = ("RHEL/CentOS packages: systemd-219-*.el7, systemd-239-*.el8, "
                     "systemd-252-*.el9, systemd-257-*.el10")

# ---------------------------------------------------------------------------------------
# Directives a [Unit], [Service] and [Install] section may hold, per systemd build.  A key
# not listed is logged by systemd ("Unknown lvalue 'X' in section 'Service'" on 219,
# "Unknown key 'X' in section [Service], ignoring." on 252) and otherwise ignored.

_EXEC_219 = """
WorkingDirectory RootDirectory User Group SupplementaryGroups Nice OOMScoreAdjust
IOSchedulingClass IOSchedulingPriority CPUSchedulingPolicy CPUSchedulingPriority
CPUSchedulingResetOnFork CPUAffinity UMask Environment EnvironmentFile PassEnvironment
StandardInput StandardOutput StandardError TTYPath TTYReset TTYVHangup TTYVTDisallocate
SyslogIdentifier SyslogFacility SyslogLevel SyslogLevelPrefix Capabilities SecureBits
CapabilityBoundingSet AmbientCapabilities TimerSlackNSec NoNewPrivileges SystemCallFilter
SystemCallArchitectures SystemCallErrorNumber RestrictAddressFamilies LimitCPU LimitFSIZE
LimitDATA LimitSTACK LimitCORE LimitRSS LimitNOFILE LimitAS LimitNPROC LimitMEMLOCK
LimitLOCKS LimitSIGPENDING LimitMSGQUEUE LimitNICE LimitRTPRIO LimitRTTIME
ReadWriteDirectories ReadOnlyDirectories InaccessibleDirectories PrivateTmp PrivateNetwork
PrivateDevices ProtectSystem ProtectHome MountFlags Personality RuntimeDirectoryMode
RuntimeDirectory PAMName IgnoreSIGPIPE UtmpIdentifier SELinuxContext AppArmorProfile
SmackProcessLabel
SendSIGKILL SendSIGHUP KillMode KillSignal
Slice CPUAccounting CPUShares StartupCPUShares CPUQuota MemoryAccounting MemoryLimit
DeviceAllow DevicePolicy BlockIOAccounting BlockIOWeight StartupBlockIOWeight
BlockIODeviceWeight BlockIOReadBandwidth BlockIOWriteBandwidth TasksAccounting TasksMax
Delegate
"""
_CONDITIONS_219 = """PathExists PathExistsGlob PathIsDirectory PathIsSymbolicLink
PathIsMountPoint PathIsReadWrite DirectoryNotEmpty FileNotEmpty FileIsExecutable
NeedsUpdate FirstBoot KernelCommandLine Architecture Virtualization Security Capability
Host ACPower Null"""
_UNIT_219 = """
Description Documentation SourcePath Requires RequiresOverridable Requisite
RequisiteOverridable Wants BindsTo BindTo Conflicts Before After OnFailure
PropagatesReloadTo PropagateReloadTo ReloadPropagatedFrom PropagateReloadFrom PartOf
JoinsNamespaceOf RequiresMountsFor StopWhenUnneeded RefuseManualStart RefuseManualStop
AllowIsolate DefaultDependencies OnFailureJobMode OnFailureIsolate IgnoreOnIsolate
IgnoreOnSnapshot JobTimeoutSec JobTimeoutAction JobTimeoutRebootArgument
""" + " ".join("Condition" + c for c in _CONDITIONS_219.split()) + " " + " ".join(
    "Assert" + c for c in _CONDITIONS_219.split())
_SERVICE_219 = """
PIDFile ExecStartPre ExecStart ExecStartPost ExecReload ExecStop ExecStopPost RestartSec
TimeoutSec TimeoutStartSec TimeoutStopSec WatchdogSec StartLimitInterval StartLimitBurst
StartLimitAction RebootArgument FailureAction Type Restart PermissionsStartOnly
RootDirectoryStartOnly RemainAfterExit GuessMainPID RestartPreventExitStatus
RestartForceExitStatus SuccessExitStatus SysVStartPriority NonBlocking BusName
FileDescriptorStoreMax NotifyAccess Sockets BusPolicy
""" + _EXEC_219

_EXEC_239 = """
WorkingDirectory RootDirectory RootImage User Group SupplementaryGroups Nice
OOMScoreAdjust IOSchedulingClass IOSchedulingPriority CPUSchedulingPolicy
CPUSchedulingPriority CPUSchedulingResetOnFork CPUAffinity UMask Environment
EnvironmentFile PassEnvironment UnsetEnvironment DynamicUser RemoveIPC StandardInput
StandardOutput StandardError StandardInputText StandardInputData TTYPath TTYReset
TTYVHangup TTYVTDisallocate SyslogIdentifier SyslogFacility SyslogLevel SyslogLevelPrefix
LogLevelMax LogRateLimitIntervalSec LogRateLimitBurst LogExtraFields Capabilities
SecureBits CapabilityBoundingSet AmbientCapabilities TimerSlackNSec NoNewPrivileges
KeyringMode SystemCallFilter SystemCallArchitectures SystemCallErrorNumber
MemoryDenyWriteExecute RestrictNamespaces RestrictRealtime RestrictSUIDSGID
RestrictAddressFamilies LockPersonality LimitCPU LimitFSIZE LimitDATA LimitSTACK LimitCORE
LimitRSS LimitNOFILE LimitAS LimitNPROC LimitMEMLOCK LimitLOCKS LimitSIGPENDING
LimitMSGQUEUE LimitNICE LimitRTPRIO LimitRTTIME ReadWriteDirectories ReadOnlyDirectories
InaccessibleDirectories ReadWritePaths ReadOnlyPaths InaccessiblePaths BindPaths
BindReadOnlyPaths TemporaryFileSystem PrivateTmp PrivateDevices ProtectKernelTunables
ProtectKernelModules ProtectControlGroups PrivateNetwork PrivateUsers PrivateMounts
ProtectSystem ProtectHome MountFlags MountAPIVFS Personality RuntimeDirectoryPreserve
RuntimeDirectoryMode RuntimeDirectory StateDirectoryMode StateDirectory
CacheDirectoryMode CacheDirectory LogsDirectoryMode LogsDirectory
ConfigurationDirectoryMode ConfigurationDirectory PAMName IgnoreSIGPIPE UtmpIdentifier
UtmpMode SELinuxContext AppArmorProfile SmackProcessLabel
SendSIGKILL SendSIGHUP KillMode KillSignal
Slice CPUAccounting CPUWeight StartupCPUWeight CPUShares StartupCPUShares CPUQuota
MemoryAccounting MemoryLow MemoryHigh MemoryMax MemorySwapMax MemoryLimit DeviceAllow
DevicePolicy IOAccounting IOWeight StartupIOWeight IODeviceWeight IOReadBandwidthMax
IOWriteBandwidthMax IOReadIOPSMax IOWriteIOPSMax BlockIOAccounting BlockIOWeight
StartupBlockIOWeight BlockIODeviceWeight BlockIOReadBandwidth BlockIOWriteBandwidth
TasksAccounting TasksMax Delegate IPAccounting IPAddressAllow IPAddressDeny NetClass
"""
_CONDITIONS_239 = _CONDITIONS_219 + " KernelVersion User Group ControlGroupController"
_UNIT_239 = """
Description Documentation SourcePath Requires Requisite Wants BindsTo BindTo Conflicts
Before After OnFailure PropagatesReloadTo PropagateReloadTo ReloadPropagatedFrom
PropagateReloadFrom PartOf JoinsNamespaceOf RequiresOverridable RequisiteOverridable
RequiresMountsFor StopWhenUnneeded RefuseManualStart RefuseManualStop AllowIsolate
DefaultDependencies OnFailureJobMode OnFailureIsolate IgnoreOnIsolate IgnoreOnSnapshot
JobTimeoutSec JobRunningTimeoutSec JobTimeoutAction JobTimeoutRebootArgument
StartLimitIntervalSec StartLimitInterval StartLimitBurst StartLimitAction FailureAction
SuccessAction RebootArgument CollectMode
""" + " ".join("Condition" + c for c in _CONDITIONS_239.split()) + " " + " ".join(
    "Assert" + c for c in _CONDITIONS_239.split())
_SERVICE_239 = """
PIDFile ExecStartPre ExecStart ExecStartPost ExecReload ExecStop ExecStopPost RestartSec
TimeoutSec TimeoutStartSec TimeoutStopSec RuntimeMaxSec WatchdogSec StartLimitInterval
StartLimitBurst StartLimitAction FailureAction RebootArgument Type Restart
PermissionsStartOnly RootDirectoryStartOnly RemainAfterExit GuessMainPID
RestartPreventExitStatus RestartForceExitStatus SuccessExitStatus SysVStartPriority
NonBlocking BusName FileDescriptorStoreMax NotifyAccess Sockets BusPolicy
USBFunctionDescriptors USBFunctionStrings
""" + _EXEC_239

_UNIT_252 = """
Description Documentation SourcePath Requires Requisite Wants BindsTo BindTo Upholds
Conflicts Before After OnSuccess OnFailure PropagatesReloadTo PropagateReloadTo
ReloadPropagatedFrom PropagateReloadFrom PropagatesStopTo StopPropagatedFrom PartOf
JoinsNamespaceOf RequiresOverridable RequisiteOverridable RequiresMountsFor
StopWhenUnneeded RefuseManualStart RefuseManualStop AllowIsolate DefaultDependencies
OnSuccessJobMode OnFailureJobMode OnFailureIsolate IgnoreOnIsolate JobTimeoutSec
JobRunningTimeoutSec JobTimeoutAction JobTimeoutRebootArgument StartLimitIntervalSec
StartLimitInterval StartLimitBurst StartLimitAction FailureAction SuccessAction
FailureActionExitStatus SuccessActionExitStatus RebootArgument ConditionPathExists
ConditionPathExistsGlob ConditionPathIsDirectory ConditionPathIsSymbolicLink
ConditionPathIsMountPoint ConditionPathIsReadWrite ConditionPathIsEncrypted
ConditionDirectoryNotEmpty ConditionFileNotEmpty ConditionFileIsExecutable
ConditionNeedsUpdate ConditionFirstBoot ConditionArchitecture ConditionFirmware
ConditionVirtualization ConditionHost ConditionKernelCommandLine ConditionKernelVersion
ConditionCredential ConditionSecurity ConditionCapability ConditionACPower
ConditionMemory ConditionCPUFeature ConditionCPUs ConditionEnvironment ConditionUser
ConditionGroup ConditionControlGroupController ConditionOSRelease
ConditionMemoryPressure ConditionCPUPressure ConditionIOPressure AssertPathExists
AssertPathExistsGlob AssertPathIsDirectory AssertPathIsSymbolicLink
AssertPathIsMountPoint AssertPathIsReadWrite AssertPathIsEncrypted
AssertDirectoryNotEmpty AssertFileNotEmpty AssertFileIsExecutable AssertNeedsUpdate
AssertFirstBoot AssertArchitecture AssertVirtualization AssertHost
AssertKernelCommandLine AssertKernelVersion AssertCredential AssertSecurity
AssertCapability AssertACPower AssertMemory AssertCPUFeature AssertCPUs
AssertEnvironment AssertUser AssertGroup AssertControlGroupController AssertOSRelease
AssertMemoryPressure AssertCPUPressure AssertIOPressure CollectMode
"""
_SERVICE_252 = """
PIDFile ExecCondition ExecStartPre ExecStart ExecStartPost ExecReload ExecStop
ExecStopPost RestartSec TimeoutSec TimeoutStartSec TimeoutStopSec TimeoutAbortSec
TimeoutStartFailureMode TimeoutStopFailureMode RuntimeMaxSec RuntimeRandomizedExtraSec
WatchdogSec StartLimitInterval StartLimitBurst StartLimitAction FailureAction
RebootArgument Type ExitType Restart PermissionsStartOnly RootDirectoryStartOnly
RemainAfterExit GuessMainPID RestartPreventExitStatus RestartForceExitStatus
SuccessExitStatus NonBlocking BusName FileDescriptorStoreMax NotifyAccess Sockets
USBFunctionDescriptors USBFunctionStrings OOMPolicy WorkingDirectory RootDirectory
RootImage RootImageOptions RootHash RootHashSignature RootVerity ExtensionDirectories
ExtensionImages MountImages User Group SupplementaryGroups Nice OOMScoreAdjust
CoredumpFilter IOSchedulingClass IOSchedulingPriority CPUSchedulingPolicy
CPUSchedulingPriority CPUSchedulingResetOnFork CPUAffinity NUMAPolicy NUMAMask UMask
Environment EnvironmentFile PassEnvironment UnsetEnvironment DynamicUser RemoveIPC
StandardInput StandardOutput StandardError StandardInputText StandardInputData TTYPath
TTYReset TTYVHangup TTYVTDisallocate TTYRows TTYColumns SyslogIdentifier SyslogFacility
SyslogLevel SyslogLevelPrefix LogLevelMax LogRateLimitIntervalSec LogRateLimitBurst
LogExtraFields SecureBits CapabilityBoundingSet AmbientCapabilities TimerSlackNSec
NoNewPrivileges KeyringMode ProtectProc ProcSubset SystemCallFilter
SystemCallArchitectures SystemCallErrorNumber SystemCallLog MemoryDenyWriteExecute
RestrictNamespaces RestrictRealtime RestrictSUIDSGID RestrictAddressFamilies
LockPersonality RestrictFileSystems LimitCPU LimitFSIZE LimitDATA LimitSTACK LimitCORE
LimitRSS LimitNOFILE LimitAS LimitNPROC LimitMEMLOCK LimitLOCKS LimitSIGPENDING
LimitMSGQUEUE LimitNICE LimitRTPRIO LimitRTTIME ReadWriteDirectories ReadOnlyDirectories
InaccessibleDirectories ReadWritePaths ReadOnlyPaths InaccessiblePaths ExecPaths
NoExecPaths ExecSearchPath BindPaths BindReadOnlyPaths TemporaryFileSystem PrivateTmp
PrivateDevices ProtectKernelTunables ProtectKernelModules ProtectKernelLogs ProtectClock
ProtectControlGroups NetworkNamespacePath IPCNamespacePath LogNamespace PrivateNetwork
PrivateUsers PrivateMounts PrivateIPC ProtectSystem ProtectHome MountFlags MountAPIVFS
Personality RuntimeDirectoryPreserve RuntimeDirectoryMode RuntimeDirectory
StateDirectoryMode StateDirectory CacheDirectoryMode CacheDirectory LogsDirectoryMode
LogsDirectory ConfigurationDirectoryMode ConfigurationDirectory SetCredential
SetCredentialEncrypted LoadCredential LoadCredentialEncrypted TimeoutCleanSec PAMName
IgnoreSIGPIPE UtmpIdentifier UtmpMode SELinuxContext AppArmorProfile SmackProcessLabel
ProtectHostname Slice AllowedCPUs StartupAllowedCPUs AllowedMemoryNodes
StartupAllowedMemoryNodes CPUAccounting CPUWeight StartupCPUWeight CPUShares
StartupCPUShares CPUQuota CPUQuotaPeriodSec MemoryAccounting MemoryMin DefaultMemoryMin
DefaultMemoryLow MemoryLow MemoryHigh MemoryMax MemorySwapMax MemoryLimit DeviceAllow
DevicePolicy IOAccounting IOWeight StartupIOWeight IODeviceWeight IOReadBandwidthMax
IOWriteBandwidthMax IOReadIOPSMax IOWriteIOPSMax IODeviceLatencyTargetSec
BlockIOAccounting BlockIOWeight StartupBlockIOWeight BlockIODeviceWeight
BlockIOReadBandwidth BlockIOWriteBandwidth TasksAccounting TasksMax Delegate
DisableControllers IPAccounting IPAddressAllow IPAddressDeny IPIngressFilterPath
IPEgressFilterPath ManagedOOMSwap ManagedOOMMemoryPressure ManagedOOMMemoryPressureLimit
ManagedOOMPreference BPFProgram SocketBindAllow SocketBindDeny RestrictNetworkInterfaces
SendSIGKILL SendSIGHUP KillMode KillSignal RestartKillSignal FinalKillSignal
WatchdogSignal
"""
_INSTALL = "Alias WantedBy RequiredBy Also DefaultInstance"


def _table(unit, service):
    return {"Unit": frozenset(unit.split()), "Service": frozenset(service.split()),
            "Install": frozenset(_INSTALL.split())}


# systemd version -> (directives by section, source).  Versions in between use the
# nearest older table; 253 and later are judged by 252's (never "unknown" there).
DIRECTIVES = {
    219: (_table(_UNIT_219, _SERVICE_219), "[rhel7] lnykryn/systemd-rhel load-fragment-gperf.gperf.m4"),
    239: (_table(_UNIT_239, _SERVICE_239), "[rhel8] redhat-plumbers/systemd-rhel8 load-fragment-gperf.gperf.m4"),
    252: (_table(_UNIT_252, _SERVICE_252), "[v252] systemd --dump-configuration-items"),
}


def directive_table(version):
    """(directives by section, source, table version) for systemd `version`, or None for
    a version older than the oldest table."""
    known = [v for v in sorted(DIRECTIVES) if v <= (version or 0)]
    if not known:
        return None
    v = known[-1]
    return DIRECTIVES[v][0], DIRECTIVES[v][1], v


def newest_known(section):
    return DIRECTIVES[max(DIRECTIVES)][0].get(section, frozenset())


def first_version_with(section, key):
    """The oldest tabled systemd version (219, 239, 252) that knows `key`, or None."""
    for v in sorted(DIRECTIVES):
        if key in DIRECTIVES[v][0].get(section, ()):
            return v
    return None


# Older names a newer systemd still reads, and what to write on old releases instead.
RENAMED = {
    "ReadWritePaths": "ReadWriteDirectories",
    "ReadOnlyPaths": "ReadOnlyDirectories",
    "InaccessiblePaths": "InaccessibleDirectories",
    "MemoryMax": "MemoryLimit",
    "CPUWeight": "CPUShares",
    "StartLimitIntervalSec": "StartLimitInterval (in [Service] on systemd 219)",
}

# What an EL7 host does instead of a directive it does not know, for the fix.  systemd
# 235+ creates the directories of these directives under their root for the unit's user
# (systemd.exec(5)); before, the fix creates them once with `install -d -o USER`.
MANAGED_DIRECTORY_ROOTS = {"StateDirectory": "/var/lib", "CacheDirectory": "/var/cache",
                           "LogsDirectory": "/var/log", "ConfigurationDirectory": "/etc"}
# DynamicUser=: a system user of the unit's name instead (`useradd -r -s /sbin/nologin`).
DYNAMIC_USER_SHELL = "/sbin/nologin"

# ---------------------------------------------------------------------------------------
# Specifiers ([news]): letter -> (first version, what it resolves to for a system unit).
SPECIFIERS = {
    "%": (0, "a literal %"),
    "n": (0, "the full unit name"), "N": (0, "the unit name without the type suffix"),
    "p": (0, "the prefix name"), "P": (0, "the unescaped prefix name"),
    "i": (0, "the instance name"), "I": (0, "the unescaped instance name"),
    "f": (0, "the unescaped file name"), "t": (0, "the runtime directory root (/run)"),
    "u": (0, "the user name"), "U": (0, "the user UID"), "h": (0, "the user's home"),
    "s": (0, "the user's shell"), "m": (0, "the machine ID"), "b": (0, "the boot ID"),
    "H": (0, "the host name"), "v": (0, "the kernel release"),
    "S": (236, "the state directory root (/var/lib)"),
    "C": (236, "the cache directory root (/var/cache)"),
    "L": (236, "the logs directory root (/var/log)"),
    "j": (239, "the final component of the prefix"), "J": (239, "the same, unescaped"),
    "T": (239, "the temporary directory (/tmp)"), "V": (239, "/var/tmp"),
    "E": (239, "the configuration directory root (/etc)"),
    "g": (240, "the group of the service manager"), "G": (240, "its GID"),
    "a": (246, "the architecture"), "o": (246, "the OS ID"), "w": (246, "the OS version ID"),
    "B": (246, "the OS build ID"), "W": (246, "the OS variant ID"),
    "l": (246, "the short host name"),
    "M": (249, "the OS image ID"), "A": (249, "the OS image version"),
    "y": (251, "the unit file path"), "Y": (251, "its directory"),
    "q": (251, "the pretty host name"), "d": (251, "the credentials directory"),
}
# Removed in 234 ([news] "Support for the %c, %r, %R specifiers in unit files has been
# removed"): they resolved to the unit's cgroup paths.
SPECIFIERS_REMOVED = {"c": 234, "r": 234, "R": 234}
# Before 236 an unknown specifier was kept as it is ("%S" stays "%S"); from 236 on
# ([news] "Unknown '%' specifiers in configuration files are now rejected") it is an
# error: most settings ignore the assignment ("Failed to resolve unit specifiers in ...,
# ignoring"), and in an Exec*= line the unit does not load at all ([v252] verify:
# "Failed to resolve unit specifiers in %Z: Invalid slot", "Unit configuration has fatal
# error, unit will not be started.").
UNKNOWN_SPECIFIER_REJECTED_SINCE = 236
SPECIFIER_VALUES = {"t": "/run", "S": "/var/lib", "C": "/var/cache", "L": "/var/log",
                    "T": "/tmp", "V": "/var/tmp", "E": "/etc", "%": "%"}

# ---------------------------------------------------------------------------------------
# Exec*= command lines.
# Prefixes ([rhel7] config_parse_exec takes only "-" and "@"; [news] 231: "+", 235: "!"
# and "!!", 242: ":"; 239: a non-absolute name is looked up in systemd's own PATH).
EXEC_PREFIX_SINCE = {"@": 0, "-": 0, "+": 231, "!": 235, "!!": 235, ":": 242}
RELATIVE_EXEC_SINCE = 239
EXEC_SEARCH_PATH_SINCE = 250  # ExecSearchPath=

# WorkingDirectory=: 227 ([news]) added "~" and the "-" prefix (config_parse_working_directory);
# before that the value went through config_parse_path: "Not an absolute path, ignoring".
WORKING_DIRECTORY_PARSER_SINCE = 227

# A line without "=" in a unit file: fatal for the whole file on 219 (parse_line returns
# -EBADMSG after "Missing '='."), only that line later ("Missing '=', ignoring line.").
MISSING_EQUALS_FATAL_BEFORE = 221

# ---------------------------------------------------------------------------------------
# Where unit files live, highest priority first (systemd.unit(5) "Unit File Load Path").
UNIT_PATH = ("/etc/systemd/system.control", "/run/systemd/system.control",
             "/run/systemd/transient", "/etc/systemd/system", "/run/systemd/system",
             "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system")
# Drop-in directories of the unit type itself ("service.d/"): 244 ([news]); of the dashed
# prefixes ("foo-.service.d/" for foo-bar.service): 239 ([news]).
TYPE_DROPINS_SINCE = 244
PREFIX_DROPINS_SINCE = 239

# systemd's compiled-in PATH used to find a non-absolute ExecStart= (239+) is the
# services' default PATH (knowledge.go.systemd_default_path).

# ---------------------------------------------------------------------------------------
# Exit statuses systemd sets when it could not start a program ([v252]
# `systemd-analyze exit-status`); name -> what it means for a Go service (translated where
# a finding says it).
EXIT_STATUS = {
    0: ("SUCCESS", N_("success")), 1: ("FAILURE", N_("the program failed (exit 1)")),
    2: ("INVALIDARGUMENT", N_("exit 2: what a Go program exits with after a panic or a "
                              "`fatal error:`")),
    3: ("NOTIMPLEMENTED", ""), 4: ("NOPERMISSION", ""), 5: ("NOTINSTALLED", ""),
    6: ("NOTCONFIGURED", ""), 7: ("NOTRUNNING", ""),
    64: ("USAGE", ""), 65: ("DATAERR", ""), 66: ("NOINPUT", ""), 67: ("NOUSER", ""),
    68: ("NOHOST", ""), 69: ("UNAVAILABLE", ""), 70: ("SOFTWARE", ""), 71: ("OSERR", ""),
    72: ("OSFILE", ""), 73: ("CANTCREAT", ""), 74: ("IOERR", ""), 75: ("TEMPFAIL", ""),
    76: ("PROTOCOL", ""), 77: ("NOPERM", ""), 78: ("CONFIG", ""),
    200: ("CHDIR", N_("systemd could not change to WorkingDirectory=")),
    201: ("NICE", ""), 202: ("FDS", ""),
    203: ("EXEC", N_("systemd could not execute the ExecStart= program")),
    204: ("MEMORY", ""), 205: ("LIMITS", N_("a Limit*= value could not be applied")),
    206: ("OOM_ADJUST", ""), 207: ("SIGNAL_MASK", ""), 208: ("STDIN", ""),
    209: ("STDOUT", N_("standard output could not be set up (StandardOutput=file:...)")),
    210: ("CHROOT", ""), 211: ("IOPRIO", ""), 212: ("TIMERSLACK", ""),
    213: ("SECUREBITS", ""), 214: ("SETSCHEDULER", ""), 215: ("CPUAFFINITY", ""),
    216: ("GROUP", N_("the Group= or SupplementaryGroups= group does not exist")),
    217: ("USER", N_("the User= user does not exist")),
    218: ("CAPABILITIES", N_("capabilities could not be applied")),
    219: ("CGROUP", ""), 220: ("SETSID", ""), 221: ("CONFIRM", ""), 222: ("STDERR", ""),
    224: ("PAM", ""), 225: ("NETWORK", ""),
    226: ("NAMESPACE", N_("the file system namespace (ReadWritePaths=, ProtectSystem=, "
                         "PrivateTmp=...) could not be set up")),
    227: ("NO_NEW_PRIVILEGES", ""), 228: ("SECCOMP", ""),
    229: ("SELINUX_CONTEXT", N_("SELinuxContext= could not be applied")),
    230: ("PERSONALITY", ""), 231: ("APPARMOR", ""), 232: ("ADDRESS_FAMILIES", ""),
    233: ("RUNTIME_DIRECTORY", N_("RuntimeDirectory= could not be created")),
    235: ("CHOWN", ""), 236: ("SMACK_PROCESS_LABEL", ""), 237: ("KEYRING", ""),
    238: ("STATE_DIRECTORY", N_("StateDirectory= could not be created")),
    239: ("CACHE_DIRECTORY", N_("CacheDirectory= could not be created")),
    240: ("LOGS_DIRECTORY", N_("LogsDirectory= could not be created")),
    241: ("CONFIGURATION_DIRECTORY", ""), 242: ("NUMA_POLICY", ""),
    243: ("CREDENTIALS", N_("LoadCredential= could not be read")), 244: ("BPF", ""),
    255: ("EXCEPTION", ""),
}


def exit_status_name(code):
    return EXIT_STATUS.get(code, ("", ""))[0]


# Variables systemd sets for a service (systemd.exec(5) "Environment Variables in
# Spawned Processes"): HOME, USER, LOGNAME and SHELL only when User= is set.
USER_ENV_VARS = ("HOME", "USER", "LOGNAME", "SHELL")

# The default LimitNOFILE of services: 219 gives soft 1024 / hard 4096; 240 and later
# soft 1024 / hard 524288 ([news] 240: "the default hard limit ... 512K").
DEFAULT_NOFILE = {219: (1024, 4096), 240: (1024, 524288)}


def default_nofile(version):
    return DEFAULT_NOFILE[240] if (version or 0) >= 240 else DEFAULT_NOFILE[219]


SOURCES = {
    "news": "https://github.com/systemd/systemd/blob/main/NEWS",
    "exec": "https://www.freedesktop.org/software/systemd/man/systemd.exec.html",
    "service": "https://www.freedesktop.org/software/systemd/man/systemd.service.html",
    "unit": "https://www.freedesktop.org/software/systemd/man/systemd.unit.html",
    "rhel7": "https://github.com/lnykryn/systemd-rhel",
    "rhel8": "https://github.com/redhat-plumbers/systemd-rhel8",
}
