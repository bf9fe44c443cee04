"""collect.sh's steps for the service layer: what facts/service.py finds on the host (the
units examined, their files and drop-ins, the programs ExecStart= starts and the files
EnvironmentFile= names, the running servers), found the same way in sh.  Each step
records a superset of what the facts read:

- the candidates: every *.service of /etc/systemd/system/*.wants and *.requires, and
  when systemd runs as PID 1 (/run/systemd/system) the failed units of `systemctl
  list-units --failed` (its declared argv and timeout);
- every unit directory of knowledge/systemd.UNIT_PATH listed, every NAME.d directory in
  them listed and each of its .conf files read; for each candidate, the first unit
  directory holding it (or its template, NAME@.service) lstat'ed in systemd's order,
  a symlink's target and real path, and that fragment read;
- ExecStart= and EnvironmentFile= of the fragment and its drop-ins (as recorded, after
  redaction), by an awk program: the program (stat, real path, the directories on its way,
  the file itself: an ELF whole and unredacted, a script redacted), a relative name
  stat'ed in every directory of systemd's default PATH (EL7's and the merged one); a
  value with a specifier (%n...) is not followed, and said so in the notes;
- what the binary layer reads of an ELF program (SVC-EXEC-BINARY): its interpreter's
  stat, the libraries it names that /etc/ld.so.cache lists, whole, /bin/sh whole;
- labels (security.selinux, security.capability) by `getfattr` when it exists, and
  `matchpathcon -n` for a labelled program; the policy's file_contexts files;
- the processes whose /proc/PID/exe is a recorded program: their cgroup and limits;
- per loaded unit: `journalctl -u`, `systemd-analyze verify` (with --man=no from
  systemd 235, both when the version is unknown), `systemctl show` when systemd runs.

Text goes through the redaction awk in its strict mode: a text that a command rule could
need (mysql, curl, sshpass...) is left out and said so in the notes, never written
unredacted.  What is not recorded: the unit's own `go env` (the toolchain layer's probe:
SVC-GO is not examined).
"""

from gotriage.inputs.service import INPUTS
from gotriage.inputs.spec import QUICK
from gotriage.knowledge.go import SYSTEMD_PATH_MERGED_USR, SYSTEMD_PATH_SPLIT_USR
from gotriage.knowledge.systemd import UNIT_PATH

# the declarations these steps record
KEYS = ("systemd-version", "failed-units", "unit-dir", "unit", "unit-file", "program", "path",
        "program-contents", "script", "environment-file", "label", "matchpathcon",
        "file-contexts", "unit-state", "processes", "process-exe", "process-cgroup",
        "process-limits", "journal", "verify")
# a program larger than this is not copied (as firewall_sh.EXE_LIMIT)
EXE_LIMIT = 256 * 1024 * 1024
# the file_contexts files facts/service_labels.py reads
FILE_CONTEXTS = ("file_contexts", "file_contexts.homedirs", "file_contexts.local",
                 "file_contexts.subs", "file_contexts.subs_dist")


def _search_dirs():
    dirs = []
    for path in (SYSTEMD_PATH_SPLIT_USR, SYSTEMD_PATH_MERGED_USR):
        for d in path.split(":"):
            if d.startswith("/") and d not in dirs:
                dirs.append(d)
    return dirs


def _timeout_word(decl):
    """rec_cmd's timeout word of a declaration (as gotriage.collect_sh's, which imports
    this module)."""
    if decl.timeout == QUICK:
        return "quick"
    return "default" if decl.timeout is None else str(int(decl.timeout))


def _cmd(quote, key, subs=None, drop=()):
    """rec_cmd of a declaration, its {param} words replaced by shell words (`subs`),
    the words in `drop` left out."""
    decl = INPUTS.inputs[key]
    words = []
    for word in decl.template:
        if word in drop:
            continue
        if word.startswith("{") and word.endswith("}"):
            words.append(subs[word[1:-1]])
        else:
            words.append(quote(word))
    return "rec_cmd %s %s" % (_timeout_word(decl), " ".join(words))


def lines(quote):
    """The shell lines (`quote`: gotriage.collect_sh's word quoting)."""
    max_unit = INPUTS.inputs["unit-file"].max_bytes
    max_env = INPUTS.inputs["environment-file"].max_bytes
    return [
        "# service: text through the strict redaction (a command line's secret: left out)",
        "redact_strict=1",
        "# service/systemd-version: which options systemd-analyze takes",
        _cmd(quote, "systemd-version"),
        'svc_version=$(LC_ALL=C awk \'$1 == "systemd" && $2 ~ /^[0-9]+$/ { print $2; exit }\' "$work/out")',
        "svc_booted=0",
        '[ -d "$files_root/run/systemd/system" ] && svc_booted=1',
        "# service/unit-dir: every unit directory, its NAME.d drop-in directories and their .conf",
        ': > "$work/svc_dirs"',
        "for dir in %s; do" % " ".join(quote(d) for d in UNIT_PATH),
        '    rec_list "$dir" || continue',
        '    grep \'[.]d$\' "$work/list" > "$work/svc_dropin_dirs" || continue',
        "    while IFS= read -r name; do",
        '        [ -d "$files_root$dir/$name" ] || continue',
        '        rec_list "$dir/$name" || continue',
        '        grep \'[.]conf$\' "$work/list" > "$work/svc_confs" || continue',
        "        while IFS= read -r conf; do",
        '            rec_read "$dir/$name/$conf" %d || :' % max_unit,
        '        done < "$work/svc_confs"',
        '    done < "$work/svc_dropin_dirs"',
        "done",
        "# the candidates: enabled (*.wants, *.requires of /etc/systemd/system), and failed",
        ': > "$work/svc_candidates"',
        "if rec_list /etc/systemd/system; then",
        '    grep \'[.]wants$\\|[.]requires$\' "$work/list" > "$work/svc_wants" || :',
        "    while IFS= read -r wants; do",
        '        if rec_list "/etc/systemd/system/$wants"; then',
        '            grep \'[.]service$\' "$work/list" >> "$work/svc_candidates" || :',
        "        fi",
        '    done < "$work/svc_wants"',
        "fi",
        'if [ "$svc_booted" = 1 ]; then',
        "    " + _cmd(quote, "failed-units"),
        '    svc_failed >> "$work/svc_candidates"',
        "fi",
        'LC_ALL=C awk \'!seen[$0]++\' "$work/svc_candidates" > "$work/svc_units"',
        "# service/unit, unit-file: each candidate's fragment, then its drop-ins, parsed",
        ': > "$work/svc_loaded"',
        ': > "$work/svc_targets"',
        ': > "$work/svc_programs"',
        "while IFS= read -r unit; do",
        "    svc_fragment ''",
        '    [ -n "$fragment" ] || continue',
        '    printf \'%s\\t%s\\n\' "$unit" "$fragment" >> "$work/svc_loaded"',
        '    svc_files "$unit" > "$work/svc_unit_files"',
        '    while IFS= read -r file; do',
        '        [ -f "$out/files$file" ] && printf \'%s\\n\' "$out/files$file"',
        '    done < "$work/svc_unit_files" > "$work/svc_recorded"',
        '    [ -s "$work/svc_recorded" ] || continue',
        "    # shellcheck disable=SC2046  # one recorded file a line, none with a newline",
        '    (IFS=\'\n\'; LC_ALL=C awk -f "$work/svc_exec.awk" $(cat "$work/svc_recorded")) >> "$work/svc_targets"',
        'done < "$work/svc_units"',
        "# service/program, program-contents, script, environment-file, label: what they name",
        "svc_ldcache=''",
        'LC_ALL=C awk \'!seen[$0]++\' "$work/svc_targets" > "$work/svc_todo"',
        "while IFS='\t' read -r kind value; do",
        '    case $kind in',
        '        spec) note "$value not followed: collect.sh does not expand systemd\'s specifiers (%n, %i...)" ;;',
        "        envfile) rec_read \"$value\" %d || : ;;" % max_env,
        '        exec)',
        '            case $value in',
        '                /*) svc_program "$value" ;;',
        "                *) for dir in %s; do" % " ".join(quote(d) for d in _search_dirs()),
        '                       rec_stat stat "$dir/$value"',
        '                       [ -f "$files_root$dir/$value" ] && svc_program "$dir/$value"',
        "                   done ;;",
        "            esac ;;",
        "    esac",
        'done < "$work/svc_todo"',
        "# service/file-contexts: the policy's file contexts (SELINUXTYPE=, first, as is)",
        'svc_policy=$(LC_ALL=C awk \'match($0, /^[ \\t]*SELINUXTYPE[ \\t]*=[ \\t]*/) { '
        'v = substr($0, RLENGTH + 1); if (match(v, /^[^ \\t\\r]+/)) { print substr(v, 1, RLENGTH); exit } }\' '
        '"$out/files/etc/selinux/config" 2>/dev/null)',
        '[ -n "$svc_policy" ] || svc_policy=targeted',
        "# (regular expressions and contexts: no command line, the usual redaction)",
        "redact_strict=''",
        "for name in %s; do" % " ".join(quote(n) for n in FILE_CONTEXTS),
        '    rec_read "/etc/selinux/$svc_policy/contexts/files/$name" %d || :'
        % INPUTS.inputs["file-contexts"].max_bytes,
        "done",
        "redact_strict=1",
        "# service/processes, process-exe, -cgroup, -limits: who runs a recorded program",
        'if [ -s "$work/svc_programs" ] && rec_list /proc; then',
        '    grep \'^[0-9][0-9]*$\' "$work/list" > "$work/svc_pids"',
        "    while IFS= read -r pid; do",
        '        rec_readlink "/proc/$pid/exe"',
        '        [ -n "$last_link" ] || continue',
        '        if grep -Fqx -e "$last_link" -e "${last_link% (deleted)}" "$work/svc_programs"; then',
        '            rec_read "/proc/$pid/cgroup" 16777216 || :',
        '            rec_read "/proc/$pid/limits" 16777216 || :',
        "        fi",
        '    done < "$work/svc_pids"',
        "fi",
        "# service/unit-state, journal, verify: what systemd says of each loaded unit",
        "while IFS='\t' read -r unit fragment; do",
        '    if [ "$svc_booted" = 1 ]; then',
        "        " + _cmd(quote, "unit-state", {"unit": '"$unit"'}),
        "    fi",
        "    " + _cmd(quote, "journal", {"unit": '"$unit"'}),
        '    if [ -z "$svc_version" ] || [ "$svc_version" -ge 235 ]; then',
        "        " + _cmd(quote, "verify", {"options*": "--man=no", "path": '"$fragment"'}),
        "    fi",
        '    if [ -z "$svc_version" ] || [ "$svc_version" -lt 235 ]; then',
        "        " + _cmd(quote, "verify", {"path": '"$fragment"'}, drop=("{options*}",)),
        "    fi",
        'done < "$work/svc_loaded"',
        "redact_strict=''",
    ]


# shell functions the steps above use (appended to the template's)
FUNCTIONS = r'''
cat > "$work/svc_exec.awk" <<'AWK_EOF'
# ExecStart= programs and EnvironmentFile= paths of unit files (a superset of what
# parsers/systemd_unit.py's effective settings give: every assignment of every file):
# "exec<tab>PROGRAM", "envfile<tab>PATH", "spec<tab>VALUE" (a specifier: not followed)
FNR == 1 { section = ""; cont = "" }
function emit(kind, value) {
    if (value == "") return
    if (index(value, "%")) print "spec\t" value
    else print kind "\t" value
}
{
    sub(/\r$/, "")
    if (cont != "") { line = cont " " $0; cont = "" } else line = $0
    if (line ~ /\\$/) { cont = substr(line, 1, length(line) - 1); next }
    sub(/^[ \t]+/, "", line)
    if (line ~ /^[#;]/) next
    if (line ~ /^\[/) { section = line; next }
    if (section != "[Service]") next
    if (match(line, /^ExecStart[ \t]*=[ \t]*/)) {
        value = substr(line, RLENGTH + 1)
        sub(/^[-@:+!]+/, "", value)
        q = substr(value, 1, 1)
        if (q == "\"" || q == "'") { value = substr(value, 2); e = index(value, q); if (e) value = substr(value, 1, e - 1) }
        else { sub(/[ \t].*$/, "", value) }
        emit("exec", value)
    } else if (match(line, /^EnvironmentFile[ \t]*=[ \t]*/)) {
        value = substr(line, RLENGTH + 1)
        sub(/[ \t]+$/, "", value)
        sub(/^-/, "", value)
        emit("envfile", value)
    }
}
AWK_EOF
# the failed units of `systemctl list-units --failed` (its output, in $work/out), as the
# facts read them: each line's first word, the bullet and stars taken for spaces
svc_failed() {
    LC_ALL=C awk '{ gsub(/[*]/, " "); gsub(/\342\227\217/, " "); if ($1 ~ /[.]service$/) print $1 }' "$work/out"
}
# a candidate unit's fragment: the first unit directory holding the unit (or its
# template), lstat'ed in systemd's order; $fragment is it ('' when none, or masked)
svc_fragment() {
    fragment=''
    svc_template=''
    case $unit in
        *@?*.*) svc_template="${unit%%@*}@.${unit##*.}" ;;
    esac
    for dir in @UNIT_PATH@; do
        for name in "$unit" "$svc_template"; do
            [ -n "$name" ] || continue
            rec_stat lstat "$dir/$name"
            if [ -L "$files_root$dir/$name" ]; then
                rec_readlink "$dir/$name"
                svc_realpath "$dir/$name"
                [ "$last_link" = /dev/null ] && return 0
            elif [ ! -e "$files_root$dir/$name" ]; then
                continue
            fi
            fragment=$dir/$name
            rec_read "$fragment" @MAX_UNIT@ || :
            return 0
        done
    done
}
# the files of a unit: its fragment, then the .conf of its drop-in directories (the
# unit's, its template's, the dashed prefixes', the type's), as recorded above
svc_files() {
    printf '%s\n' "$fragment"
    svc_prefix=${1%.*}
    set -- "$1.d" service.d
    [ -n "$svc_template" ] && set -- "$@" "$svc_template.d"
    svc_prefix=${svc_prefix%%@*}
    while case $svc_prefix in *-*) true ;; *) false ;; esac; do
        svc_prefix=${svc_prefix%-*}
        set -- "$@" "$svc_prefix-.service.d"
    done
    for dir in @UNIT_PATH@; do
        for name in "$@"; do
            [ -d "$files_root$dir/$name" ] || continue
            for conf in "$files_root$dir/$name"/*.conf; do
                [ -f "$conf" ] && printf '%s\n' "${conf#"$files_root"}"
            done
        done
    done
}
# the real path of a path, as Host.realpath records it (the path itself where it cannot
# be resolved); $svc_real is it
svc_realpath() {
    svc_real=$(readlink -f -- "$files_root$1" 2>/dev/null) || svc_real=''
    if [ -n "$svc_real" ] && [ -n "$files_root" ]; then
        svc_real=${svc_real#"$files_root"}
    fi
    [ -n "$svc_real" ] || svc_real=$1
    put realpath "$1" "$(printf '%s\n' "$svc_real" | LC_ALL=C awk -v mode=word -f "$work/json.awk")"
}
# the extended attributes the facts ask for, as Host.getxattr records them (getfattr;
# without it, none: the labels are not recorded); svc_labelled=1 when a label was read
svc_labels() {
    svc_labelled=0
    have getfattr || return 0
    svc_attrs=''
    for svc_name in security.selinux security.capability; do
        if svc_attr=$(LC_ALL=C getfattr -e base64 -n "$svc_name" --absolute-names -- "$files_root$1" 2>"$work/err"); then
            svc_attr=$(printf '%s\n' "$svc_attr" | LC_ALL=C awk -v n="$svc_name" 'index($0, n "=0s") == 1 { print substr($0, length(n) + 4) }')
            svc_value="{\"b64\": \"$svc_attr\"}"
            [ "$svc_name" = security.selinux ] && svc_labelled=1
        else
            case $(cat "$work/err") in
                *'No such attribute'*|*'No data available'*) svc_errno=ENODATA ;;
                *'Operation not supported'*) svc_errno=EOPNOTSUPP ;;
                *) svc_errno=$(errno_of "$(cat "$work/err")") ;;
            esac
            svc_value="{\"error\": \"$svc_errno\"}"
        fi
        svc_attrs="$svc_attrs${svc_attrs:+, }\"$svc_name\": $svc_value"
    done
    put xattr "$1" "{$svc_attrs}"
}
# a file whole, unredacted (an ELF: a program, a library), when at most @EXE_LIMIT@ bytes
svc_copy() {
    [ -f "$files_root$1" ] || return 0
    size=$(LC_ALL=C stat -L -c '%s' -- "$files_root$1" 2>/dev/null) || return 0
    if [ "$size" -gt @EXE_LIMIT@ ]; then
        note "$1 not recorded: it is larger than @EXE_LIMIT@ bytes"
        return 0
    fi
    mkdir -p "$out/files${1%/*}"
    if head -c @EXE_LIMIT@ -- "$files_root$1" > "$out/files$1" 2>"$work/err"; then
        put read "$1" true
    else
        rm -f "$out/files$1"
        put read "$1" "{\"error\": \"$(errno_of "$(cat "$work/err")")\"}"
    fi
}
# a program ExecStart= starts: its stat, real path, the directories on its way, the file
# (an ELF whole, and what the binary layer reads of it; a script redacted), its labels
svc_program() {
    rec_stat stat "$1"
    svc_realpath "$1"
    svc_prog_real=$svc_real
    printf '%s\n%s\n' "$1" "$svc_prog_real" >> "$work/svc_programs"
    svc_dir=''
    svc_rest=${1#/}
    while case $svc_rest in */*) true ;; *) false ;; esac; do
        svc_dir=$svc_dir/${svc_rest%%/*}
        svc_rest=${svc_rest#*/}
        rec_stat stat "$svc_dir"
    done
    for svc_path in "$1" "$svc_prog_real"; do
        [ -f "$files_root$svc_path" ] || continue
        [ "$svc_path" = "$1" ] || rec_stat stat "$svc_path"
        if [ "$(head -c 4 -- "$files_root$svc_path" 2>/dev/null | tail -c 3)" = ELF ]; then
            svc_copy "$svc_path"
            svc_elf "$svc_path"
        else
            rec_read "$svc_path" 16777216 || :
        fi
        svc_labels "$svc_path"
        if [ "$svc_labelled" = 1 ]; then
            @MATCHPATHCON@
        fi
        [ "$svc_prog_real" != "$1" ] || break
    done
}
# what the binary layer reads of an ELF: the loader it names, the libraries it names
# that /etc/ld.so.cache lists (or that are in the default directories), /bin/sh
svc_elf() {
    if [ -z "$svc_ldcache" ]; then
        svc_ldcache=1
        rec_read /etc/ld.so.cache 16777216 || :
        LC_ALL=C tr -c '\040-\176' '\n' < "$files_root/etc/ld.so.cache" 2>/dev/null | grep '^/' > "$work/svc_ldpaths"
        rec_read /proc/sys/kernel/arch 16777216 || :
        if rec_list /proc/sys/fs/binfmt_misc; then
            cp "$work/list" "$work/svc_binfmt"
            while IFS= read -r name; do
                rec_read "/proc/sys/fs/binfmt_misc/$name" 16777216 || :
            done < "$work/svc_binfmt"
        fi
        rec_stat stat /bin/sh
        svc_realpath /bin/sh
        svc_copy /bin/sh
    fi
    LC_ALL=C tr -c '\040-\176' '\n' < "$files_root$1" 2>/dev/null \
        | grep '^/[^ ]*ld[^ /]*[.]so[.0-9]*$\|^lib[A-Za-z0-9_.+-]*[.]so[.0-9]*$' \
        | LC_ALL=C awk '!seen[$0]++' > "$work/svc_names"
    while IFS= read -r name; do
        case $name in
            /*) rec_stat stat "$name" ;;
            *)
                for dir in /lib64 /usr/lib64 /lib /usr/lib; do
                    rec_stat stat "$dir/$name"
                done
                grep "/$name\$" "$work/svc_ldpaths" > "$work/svc_libs" || continue
                while IFS= read -r lib; do
                    rec_stat stat "$lib"
                    svc_realpath "$lib"
                    svc_copy "$lib"
                done < "$work/svc_libs"
                ;;
        esac
    done < "$work/svc_names"
}
'''


def functions(quote):
    """FUNCTIONS with the values of this generator filled in."""
    return (FUNCTIONS.replace("@UNIT_PATH@", " ".join(quote(d) for d in UNIT_PATH))
            .replace("@MAX_UNIT@", "%d" % INPUTS.inputs["unit-file"].max_bytes)
            .replace("@EXE_LIMIT@", "%d" % EXE_LIMIT)
            .replace("@MATCHPATHCON@", _cmd(quote, "matchpathcon", {"path": '"$svc_path"'})))
