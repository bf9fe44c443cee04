"""collect.sh's steps for the firewall layer's declarations that the generic rules of
gotriage.collect_sh cannot fill: what facts/firewall.py finds on the host (firewalld's
Python package and its configuration directories, the processes and their sockets),
found the same way in sh.  Each step records a superset of what the facts read: every
.xml of a configuration directory, every process's file descriptors, the program of every
process that owns a socket (whole, up to EXE_LIMIT: the facts read its Go build
information in ranges).
"""

from gotriage.knowledge.firewall import CONFIG_DIRS

# the kinds of firewalld XML the facts read (facts/firewall.py, _layered)
XML_KINDS = ("zones", "services", "policies", "ipsets")
# firewalld's Python package: /usr/lib{,64}/python*/{site,dist}-packages
PYTHON_BASES = ("/usr/lib", "/usr/lib64")
PYTHON_SUBS = ("site-packages", "dist-packages")
# a program larger than this is not copied: its checks say so (FW-LISTEN's Go detection)
EXE_LIMIT = 256 * 1024 * 1024

# the declarations these steps record
KEYS = ("proc", "proc-net", "fds", "fd", "comm", "exe", "exe-contents", "netns", "netns-sockets",
        "python-dirs", "version-file", "config-dir", "conf", "xml-dir", "xml")


def lines(quote):
    """The shell lines (`quote`: gotriage.collect_sh's word quoting)."""
    dirs = " ".join(quote(d) for d in CONFIG_DIRS)
    return [
        "# firewall/proc-net: the sockets, where ss is missing",
        "for proto in tcp tcp6 udp udp6; do",
        '    rec_read /proc/net/"$proto" 16777216',
        "done",
        "# firewall/python-dirs, firewall/version-file: firewalld's version",
        "for base in %s; do" % " ".join(quote(b) for b in PYTHON_BASES),
        '    rec_list "$base" || continue',
        '    grep \'^python\' "$work/list" > "$work/pythons" || continue',
        "    while IFS= read -r python; do",
        "        for sub in %s; do" % " ".join(quote(s) for s in PYTHON_SUBS),
        '            rec_read "$base/$python/$sub/firewall/config/__init__.py" 16777216',
        "        done",
        '    done < "$work/pythons"',
        "done",
        "# firewall/config-dir, conf, xml-dir, xml: firewalld's configuration",
        "for base in %s; do" % dirs,
        '    rec_stat stat "$base"',
        '    rec_read "$base/firewalld.conf" 16777216',
        "    for kind in %s; do" % " ".join(quote(k) for k in XML_KINDS),
        '        rec_stat stat "$base/$kind"',
        '        rec_list "$base/$kind" || continue',
        '        grep \'[.]xml$\' "$work/list" > "$work/xmls" || continue',
        "        while IFS= read -r name; do",
        '            rec_read "$base/$kind/$name" 16777216',
        '        done < "$work/xmls"',
        "    done",
        "done",
        "# firewall/fds, fd, comm, exe, exe-contents, netns, netns-sockets: who owns a socket",
        'rec_readlink /proc/self/ns/net',
        'own_ns=$last_link',
        'if rec_list /proc; then',
        '    grep \'^[0-9][0-9]*$\' "$work/list" > "$work/pids"',
        "    while IFS= read -r pid; do",
        '        rec_fds "$pid"',
        '        if [ -s "$work/sockets" ]; then',
        '            rec_read "/proc/$pid/comm" 16777216',
        '            rec_readlink "/proc/$pid/exe"',
        '            rec_exe "$pid" %d' % EXE_LIMIT,
        "        fi",
        '        rec_readlink "/proc/$pid/ns/net"',
        '        if [ -n "$last_link" ] && [ "$last_link" != "$own_ns" ]; then',
        "            for proto in tcp tcp6 udp udp6; do",
        '                rec_read "/proc/$pid/net/$proto" 16777216',
        "            done",
        "        fi",
        '    done < "$work/pids"',
        "fi",
    ]


# shell functions the steps above use (appended to the template's)
FUNCTIONS = r'''
cat > "$work/fds.awk" <<'AWK_EOF'
# paths.tsv lines of a process's fd links, from `ls -l` (first file) and its errors
# (second file); socket targets to the file `sockets`
FILENAME == ARGV[1] {
    at = index($0, " -> "); if (!at) next
    n = split(substr($0, 1, at - 1), f, " ")
    target = substr($0, at + 4)
    printf "readlink\t/proc/%s/fd/%s\t\"%s\"\n", pid, f[n], jesc(target)
    if (target ~ /^socket:/) print target > sockets
    next
}
FILENAME == ARGV[2] {
    if (!match($0, /\/fd\/[0-9]+/)) next
    fd = substr($0, RSTART + 4, RLENGTH - 4); m = $0; sub(/^.*: /, "", m)
    e = (m ~ /ermission denied/) ? "EACCES" : (m ~ /No such file/) ? "ENOENT" : "EIO"
    printf "readlink\t/proc/%s/fd/%s\t{\"error\": \"%s\"}\n", pid, fd, e
}
AWK_EOF
# a symlink's target, as Host.readlink records it; $last_link is it ('' on failure)
rec_readlink() {
    last_link=''
    if last_link=$(LC_ALL=C readlink -v -- "$files_root$1" 2>"$work/err"); then
        put readlink "$1" "$(printf '%s\n' "$last_link" | LC_ALL=C awk -v mode=word -f "$work/json.awk")"
    else
        last_link=''
        put readlink "$1" "{\"error\": \"$(errno_of "$(cat "$work/err")")\"}"
    fi
}

# a process's file descriptors and their targets, straight into paths.tsv (one `ls -l`
# and one awk per process, not a readlink each); $work/sockets lists its socket inodes
rec_fds() {
    : > "$work/sockets"
    rec_list "/proc/$1/fd" || return 0
    # shellcheck disable=SC2012  # the names are numbers; find -printf is not POSIX
    LC_ALL=C ls -l -- "$files_root/proc/$1/fd" 2>"$work/fderr" > "$work/fdls"
    # the links ls could not read (another user namespace's, the kernel's ptrace rules)
    # say so on stderr: "cannot read symbolic link '/proc/1/fd/0': Permission denied"
    LC_ALL=C awk -v pid="$1" -v sockets="$work/sockets" -f "$work/json.awk" -f "$work/fds.awk" \
        "$work/fdls" "$work/fderr" >> "$paths"
}
# a process's program, whole (binary: not redacted), when it is at most $2 bytes
rec_exe() {
    size=$(LC_ALL=C stat -L -c '%s' -- "$files_root/proc/$1/exe" 2>"$work/err") || size=''
    if [ -z "$size" ]; then
        put read "/proc/$1/exe" "{\"error\": \"$(errno_of "$(cat "$work/err")")\"}"
        return
    fi
    if [ "$size" -gt "$2" ]; then
        note "/proc/$1/exe not recorded: its program is larger than $2 bytes"
        return
    fi
    mkdir -p "$out/files/proc/$1"
    if head -c "$2" -- "$files_root/proc/$1/exe" > "$out/files/proc/$1/exe" 2>"$work/err"; then
        put read "/proc/$1/exe" true
    else
        rm -f "$out/files/proc/$1/exe"
        put read "/proc/$1/exe" "{\"error\": \"$(errno_of "$(cat "$work/err")")\"}"
    fi
}
'''
