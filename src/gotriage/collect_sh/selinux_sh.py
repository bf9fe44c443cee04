"""collect.sh's steps for the SELinux layer's declarations that the generic rules of
gotriage.collect_sh cannot fill: what facts/selinux.py finds on the host for the mode,
the booleans and the permissive domains (SEL-MODE, SEL-BOOL, SEL-PERMISSIVE), found the
same way in sh.

- the policy's name: SELINUXTYPE= of /etc/selinux/config as the script recorded it
  (redacted: what `check --root` parses), as facts/selinux.parse_config reads it (the
  last such line, its value stripped of quotes, in lower case), else "targeted";
- the policy store (/var/lib/selinux/POLICY/active): booleans.local, and every priority
  directory of modules/ listed (a superset of what the facts look at: permissive_*);
- the booleans: every entry of /sys/fs/selinux/booleans read; getsebool -a run only when
  none of them reads as "CURRENT PENDING", as the facts run it;
- getenforce run only when /sys/fs/selinux/enforce does not read as 0 or 1, from the first
  of TOOL_DIRS where it is a file with an execute bit (every candidate is stat'ed, as
  the facts stat them until one fits).

The declarations only SEL-AVC reads (the audit logs, the policy file, file contexts,
policy.xml and the tools that explain denials) are not recorded (SKIPPED): the audit logs
would need redact_audit.py's rules (command lines decoded from hex), which the script's
awk does not have; the snapshot's manifest marks SEL-AVC not examined.
"""

from gotriage.host.base import TOOL_DIRS

# the declarations these steps record
KEYS = ("booleans", "boolean", "booleans-local", "modules", "modules-priority", "tool",
        "getenforce", "getsebool")
# the tools whose commands these steps run (facts/selinux.py: tool(), run())
RUN_TOOLS = ("getenforce", "getsebool")

_AVC_ONLY = ("only SEL-AVC reads it, and collect.sh does not record the audit logs (it has "
             "no audit record redaction)")
# declarations deliberately not recorded: key -> why (the snapshot's notes say so)
SKIPPED = dict((key, _AVC_ONLY) for key in (
    "file-contexts", "policy-dir", "policy-file", "policy-xml", "audit-dir", "audit-log",
    "sesearch", "semanage-ports", "semanage-local-ports", "ports-local", "seinfo-types",
    "matchpathcon", "audit2why"))


def lines(quote):
    """The shell lines (`quote`: gotriage.collect_sh's word quoting)."""
    dirs = " ".join(quote(d) for d in TOOL_DIRS)
    return [
        "# selinux/booleans-local, modules, modules-priority: the policy store of the policy",
        "# that /etc/selinux/config names (as recorded above), else targeted",
        'sel_policy=$(LC_ALL=C awk -f "$work/selinux_policy.awk" "$out/files/etc/selinux/config" 2>/dev/null)',
        '[ -n "$sel_policy" ] || sel_policy=targeted',
        'rec_read "/var/lib/selinux/$sel_policy/active/booleans.local" 16777216',
        'if rec_list "/var/lib/selinux/$sel_policy/active/modules"; then',
        '    cp "$work/list" "$work/sel_priorities"',
        "    while IFS= read -r priority; do",
        '        rec_list "/var/lib/selinux/$sel_policy/active/modules/$priority" || :',
        '    done < "$work/sel_priorities"',
        "fi",
        "# selinux/booleans, boolean: each boolean's current and pending value",
        "sel_booleans=0",
        "if rec_list /sys/fs/selinux/booleans; then",
        '    cp "$work/list" "$work/sel_booleans"',
        "    while IFS= read -r entry; do",
        '        if [ ! -d "$files_root/sys/fs/selinux/booleans/$entry" ] && '
        'rec_read "/sys/fs/selinux/booleans/$entry" 16777216 && '
        'sel_reads "$out/files/sys/fs/selinux/booleans/$entry" boolean; then',
        "            sel_booleans=1",
        "        fi",
        '    done < "$work/sel_booleans"',
        "fi",
        "# selinux/tool, getenforce, getsebool: the tools the facts run where selinuxfs",
        "# does not say",
        "for name in %s; do" % " ".join(quote(t) for t in RUN_TOOLS),
        "    sel_dir=''",
        "    for dir in %s; do" % dirs,
        '        rec_stat stat "$dir/$name"',
        '        if [ -z "$sel_dir" ] && sel_executable "$dir/$name"; then sel_dir=$dir; fi',
        "    done",
        '    [ -n "$sel_dir" ] || continue',
        '    if [ "$name" = getenforce ]; then',
        '        sel_reads "$out/files/sys/fs/selinux/enforce" mode || rec_cmd default "$sel_dir/getenforce"',
        '    elif [ "$sel_booleans" = 0 ]; then',
        '        rec_cmd default "$sel_dir/getsebool" -a',
        "    fi",
        "done",
    ]


# shell functions the steps above use (appended to the template's)
FUNCTIONS = r'''
cat > "$work/selinux_policy.awk" <<'AWK_EOF'
# SELINUXTYPE= of /etc/selinux/config as facts/selinux.parse_config reads it: the last
# such line's first word, stripped of quotes, in lower case
{
    line = $0
    sub(/^[ \t\r]*/, "", line)
    if (line !~ /^SELINUXTYPE[ \t\r]*=/) next
    sub(/^SELINUXTYPE[ \t\r]*=[ \t\r]*/, "", line)
    if (!match(line, /^[^ \t\r]+/)) next
    value = substr(line, 1, RLENGTH)
    gsub(/^["']+|["']+$/, "", value)
    policy = tolower(value)
}
END { print policy }
AWK_EOF
# whether a recorded file reads as the facts want it: "mode" (0 or 1, stripped) or
# "boolean" (two words, each 0 or 1)
sel_reads() {
    [ -f "$1" ] || return 1
    LC_ALL=C awk -v want="$2" '
        { text = text (NR > 1 ? "\n" : "") $0; n += NF; for (i = 1; i <= NF; i++) if ($i !~ /^[01]$/) bad = 1 }
        END {
            if (want == "boolean") exit !(n == 2 && !bad)
            gsub(/^[ \t\r\n]+|[ \t\r\n]+$/, "", text)
            exit !(text == "0" || text == "1")
        }' "$1"
}
# whether a path is a file with an execute bit (facts/selinux.py: tool())
sel_executable() {
    sel_mode=$(LC_ALL=C stat -L -c '%f' -- "$files_root$1" 2>/dev/null) || return 1
    [ $((0x$sel_mode & 0170000)) = $((0100000)) ] && [ $((0x$sel_mode & 0111)) != 0 ]
}
'''
