"""`audit2why -p POLICY` output (AVC record lines read on stdin) -> one verdict per AVC:
why the policy denied it.

audit2why is `audit2allow -w` (policycoreutils-python-utils): for each AVC line it
prints the line, then "\\tWas caused by:" and the reason the policy gives, computed by
libsepol's `audit2why.analyze()` against the policy file.  Real output, captured on
Debian 12 (policycoreutils 3.4, selinux-policy-default's policy.33) from lines of
tests/data/selinux/httpd_can_network_connect.log and sepolgen-short.log (three of its
blocks: a boolean, a missing allow rule, a constraint; audit2why indents with tabs):

>>> verdicts = parse_audit2why('''node=judy.example.com type=AVC msg=audit(1165963069.244:853): avc:  denied  { name_connect } for  pid=21134 comm="httpd" src=81 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:reserved_port_t:s0 tclass=tcp_socket
...
... \\tWas caused by:
... \\tOne of the following booleans was set incorrectly.
... \\tDescription:
... \\tDetermine whether httpd scripts and modules can connect to the network using TCP.
...
... \\tAllow access by executing:
... \\t# setsebool -P httpd_can_network_connect 1
... \\tDescription:
... \\tAllow system to run with NIS
...
... \\tAllow access by executing:
... \\t# setsebool -P allow_ypbind 1
... type=AVC msg=audit(1162850333.186:980): avc:  denied  { read } for  pid=6306 comm="beagled" name="max_user_instances" dev=proc ino=-268435218 scontext=staff_u:staff_r:staff_t:s0 tcontext=system_u:object_r:sysctl_fs_t:s0 tclass=file
...
... \\tWas caused by:
... \\t\\tMissing type enforcement (TE) allow rule.
...
... \\t\\tYou can use audit2allow to generate a loadable module to allow this access.
...
... type=AVC msg=audit(1162850335.022:981): avc:  denied  { read write } for  pid=6336 comm="clock-applet" name="bonobo-activation-register.lock" dev=dm-0 ino=5434689 scontext=staff_u:staff_r:staff_t:s0 tcontext=user_u:object_r:user_tmp_t:s0 tclass=file
...
... \\tWas caused by:
...
... #Constraint rule:
...
... #\\tconstrain file { ioctl read write create getattr setattr lock relabelfrom relabelto append map unlink link rename execute quotaon mounton audit_access open execmod watch watch_mount watch_sb watch_with_perm watch_reads execute_no_trans entrypoint } ((u1 == u2 -Fail-)  or (u1 == system_u -Fail-)  or (u1 == unconfined_u -Fail-)  or (u1 == sysadm_u -Fail-)  or (u2 == system_u -Fail-)  or (t1 != ubac_constrained_type -Fail-)  or (t2 != ubac_constrained_type -Fail-)  or (t1 == ubacfile -Fail-) ); Constraint DENIED
...
... #\\tPossible cause is the source user (staff_u) and target user (user_u) are different.
... ''')
>>> for v in verdicts:
...     print(v.event, v.node, v.reason, v.boolean_names)
1165963069.244:853 judy.example.com boolean ['httpd_can_network_connect', 'allow_ypbind']
1162850333.186:980 None te-rule []
1162850335.022:981 None constraint []
>>> verdicts[2].causes
['source user (staff_u) and target user (user_u) are different']
>>> verdicts[0].summary()
'a boolean allows it: setsebool -P httpd_can_network_connect 1 or setsebool -P allow_ypbind 1'

A fourth reason, for a line the policy given would allow (sepolgen-short.log again)::

    type=AVC msg=audit(1162850332.318:979): avc:  denied  { read } for  pid=6306 comm="beagled" ... tclass=file

    <TAB>Was caused by:
    <TAB><TAB>Unknown - would be allowed by active policy
    <TAB><TAB>Possible mismatch between this policy and the one under which the audit message was generated.

    <TAB><TAB>Possible mismatch between current in-memory boolean settings vs. permanent ones.

The other reasons audit2allow prints (its __output_audit2why): "Unknown - should be
dontaudit'd by active policy", "Missing role allow rule." and "Typebounds violation.".
A line the policy cannot judge (a type, class or permission it lacks) gets no block at
all: libsepol says why on stderr.  The description lines come from sepolicy and are
missing when it is not installed.

Pure: text in, verdicts out, in the order of the output; never raises.
"""

import re

ALLOWED, DONTAUDIT, BOOLEAN, TE_RULE, CONSTRAINT, RBAC, BOUNDS, UNKNOWN = (
    "allowed", "dontaudit", "boolean", "te-rule", "constraint", "rbac", "bounds", "unknown")

_EVENT = re.compile(r"audit\((\d+(?:\.\d+)?:\d+)\)")
_NODE = re.compile(r"^node=(\S+) ")
_SETSEBOOL = re.compile(r"^#\s*setsebool\s+-P\s+(\S+)\s+(\d+)\s*$")
_ONE_BOOLEAN = re.compile(r"^The boolean (\S+) was set incorrectly")
_CAUSE = re.compile(r"^#\s*Possible cause is the (.+?)\.?\s*$")


class Verdict(object):
    """What audit2why said about one AVC line."""

    __slots__ = ("line", "event", "node", "reason", "booleans", "constraint", "causes")

    def __init__(self, line, reason=UNKNOWN):
        self.line = line  # the AVC record as audit2why echoed it
        match = _EVENT.search(line)
        self.event = match.group(1) if match else None  # "1165963069.244:853"
        match = _NODE.match(line)
        self.node = match.group(1) if match else None
        self.reason = reason
        self.booleans = []  # [(name, value, description or None)] that would allow it
        self.constraint = None  # the constrain rule that failed (text)
        self.causes = []  # "source user (staff_u) and target user (user_u) are different"

    @property
    def boolean_names(self):
        return [name for name, _value, _desc in self.booleans]

    def summary(self):
        """One line in audit2why's own terms."""
        if self.reason == BOOLEAN:
            return "a boolean allows it: %s" % " or ".join(
                "setsebool -P %s %d" % (name, value) for name, value, _d in self.booleans)
        if self.reason == CONSTRAINT:
            return "constraint violation%s" % (
                ": the " + "; the ".join(self.causes) if self.causes else "")
        return {
            TE_RULE: "missing type enforcement (TE) allow rule",
            ALLOWED: "unknown - would be allowed by the policy given (another policy, or a "
                     "boolean or module changed since)",
            DONTAUDIT: "unknown - should be dontaudit'd by the policy given (another policy, or "
                       "changed since)",
            RBAC: "missing role allow rule",
            BOUNDS: "typebounds violation",
        }.get(self.reason, "no reason given")

    def to_dict(self):
        d = {"event": self.event, "reason": self.reason, "summary": self.summary(),
             "line": self.line}
        if self.node:
            d["node"] = self.node
        if self.booleans:
            d["booleans"] = [{"name": n, "value": v, "description": desc}
                             for n, v, desc in self.booleans]
        if self.constraint:
            d["constraint"] = self.constraint
        if self.causes:
            d["causes"] = list(self.causes)
        return d


def parse_audit2why(text):
    """[Verdict] in output order: one per AVC line audit2why judged."""
    verdicts = []
    current = None
    description = None  # the "Description:" text waiting for its setsebool line
    expect = None
    header = None  # a record line not yet followed by "Was caused by:"
    # "\n" only: str.splitlines would also split at 0x1D, the ENRICHED separator
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not raw[:1].isspace() and not raw.startswith("#") and line:
            header = raw.rstrip()
            continue
        if line == "Was caused by:" and header is not None:
            current = Verdict(header)
            verdicts.append(current)
            header, description, expect = None, None, None
            continue
        if current is None or not line:
            continue
        if line.startswith("Unknown - would be allowed"):
            current.reason = ALLOWED
        elif line.startswith("Unknown - should be dontaudit"):
            current.reason = DONTAUDIT
        elif line.startswith("Missing type enforcement"):
            current.reason = TE_RULE
        elif line.startswith("Missing role allow rule"):
            current.reason = RBAC
        elif line.startswith("Typebounds violation"):
            current.reason = BOUNDS
        elif line == "#Constraint rule:":
            current.reason = CONSTRAINT
        elif line.startswith("One of the following booleans") or _ONE_BOOLEAN.match(line):
            current.reason = BOOLEAN
        elif line == "Description:":
            expect = "description"
        elif line == "Allow access by executing:":
            expect = None
        elif _SETSEBOOL.match(line):
            match = _SETSEBOOL.match(line)
            current.reason = BOOLEAN
            current.booleans.append((match.group(1), int(match.group(2)), description))
            description = None
        elif current.reason == CONSTRAINT and _CAUSE.match(line):
            current.causes.append(_CAUSE.match(line).group(1))
        elif current.reason == CONSTRAINT and line.startswith("#") and current.constraint is None:
            current.constraint = line.lstrip("#").strip()
        elif expect == "description":
            description = line.rstrip('")').strip() if line.endswith('")') else line
            expect = None
    return verdicts
