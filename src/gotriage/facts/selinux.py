"""Facts for the SELinux layer, gathered through the Host: the mode (now and after a
reboot), the policy, booleans with current and pending values, permissive domains, the
file contexts, and the denials in the audit log (one streaming pass, memoised).

The loaded policy file (policy.NN) is read by gotriage itself (selinux/policydb.py) for
the denials: the policy's types, attributes and classes (what seinfo lists), the types
the denied domains may use (sesearch), the port types (semanage port -l: the user's own
are compiled into it) and why the policy denied each denial (audit2why's reasoning,
selinux/policy_answers.py).  Only when it cannot be read or is not a policy that reader
knows are those tools asked instead.

Real tools are used, by absolute path (the host's rule: host.base.TOOL_DIRS) and with a
timeout, only to enrich what the files say: getsebool when /sys/fs/selinux is not
readable, semanage for the ports the user labelled, matchpathcon for the labels the
denials' paths should have (it applies the local rules), and, when the policy file does
not parse, for the denials each of these once, every question in its one run:
audit2why for why the policy denied each denial (the AVC lines on stdin), seinfo for the
policy's types, their attributes and the classes, sesearch for the types the denied
domains may use (every domain's rules in one run, parsed once) and semanage for the port
types.  The runs that do not wait for one another run at the same time (view()).  When a
tool is missing or fails, the files' answer stands; one that gives no answer is kept in
`inputs` (facts/inputs.py), which SEL-INPUT reports.

Answers are kept for the run only (the facts' memo), never on disk: a cache in the
user's directory would be a write to the host being examined (gotriage never changes
it), read outside the declared inputs, and a `collect` that found its answers there
would record no tool output in the snapshot (docs/selinux.md, "What it costs").
"""

import re

from gotriage.facts.base import Facts
from gotriage.facts.inputs import Inputs
from gotriage.host.base import TOOL_DIRS, HostError
from gotriage.inputs.reader import reader_of
from gotriage.inputs.selinux import INPUTS
from gotriage.parsers.audit2why import parse_audit2why
from gotriage.parsers.seinfo import parse_seinfo_listing
from gotriage.parsers.sesearch import parse_sesearch_allow
from gotriage.selinux import logfile, logread
from gotriage.selinux.analyzers import LABEL_CLASSES, View, explain, file_label, port
from gotriage.selinux.fcontext import FileContexts, parse_file_contexts
from gotriage.service.logpaths import log_paths as unit_log_paths

SELINUXFS = "/sys/fs/selinux"
MAX_SESEARCH_TYPES = 64  # domains asked in the one sesearch run (a regular expression each
# rule's source is matched with): those of the commonest denials
MAX_MATCHPATHCON = 32  # paths asked in the one matchpathcon run
MAX_AUDIT2WHY = 200  # denials (their first AVC line) given to the one audit2why run
CONFIG = "/etc/selinux/config"
TOOLS = ("getenforce", "getsebool", "sesearch", "semanage", "matchpathcon", "audit2why",
         "semodule", "seinfo")


class Config(object):
    def __init__(self, mode=None, policy=None, lines=None, path=CONFIG):
        self.mode = mode  # enforcing / permissive / disabled
        self.policy = policy  # targeted / mls / default ...
        self.lines = lines or {}  # key -> (number, text)
        self.path = path


def parse_config(text):
    mode = policy = None
    lines = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r"^\s*(SELINUX|SELINUXTYPE)\s*=\s*(\S+)", line)
        if match:
            key, value = match.group(1), match.group(2).strip("\"'").lower()
            lines[key] = (number, line.rstrip())
            if key == "SELINUX":
                mode = value
            else:
                policy = value
    return Config(mode, policy, lines)


def parse_semanage_ports(text):
    """{(port, proto): type} from `semanage port -l` output (`TYPE  tcp  80, 81, 8000-8009`);
    ranges wider than 64 ports (the generic unreserved ones) are left out."""
    table = {}
    for line in text.splitlines():
        match = re.match(r"^(\S+)\s+(tcp|udp|sctp|dccp)\s+(.+)$", line)
        if not match:
            continue
        for item in match.group(3).split(","):
            item = item.strip()
            low, _, high = item.partition("-")
            if low.isdecimal() and (not high or high.isdecimal()):
                lo, hi = int(low), int(high or low)
                if hi - lo <= 64:
                    for number in range(lo, hi + 1):
                        table.setdefault((number, match.group(2)), match.group(1))
    return table


class SELinuxFacts(Facts):
    def __init__(self, host, logs=None, since=None, timeout=10.0, use_tools=True, rerun=None,
                 facts_of=None, read_policy=True):
        self.host = host
        # the runner's other layers: the service layer's units name their log files
        self._facts_of = facts_of
        self.notes = []
        self.logs = logs
        # the command that runs the same analysis again (the module fix extends it)
        self.rerun = rerun or (["gotriage", "avc"] + (
            ["--root", getattr(host, "origin", "")] if host.kind == "snapshot" else []) +
            list(logs or []))
        self.since = since
        self.use_tools = use_tools  # False: judge from the files only (a log from elsewhere)
        # False: ask seinfo, sesearch, semanage and audit2why even when the policy file
        # parses (the tests that compare both ways)
        self.read_policy = read_policy
        self._memo = {}
        self._sesearch = {}  # (stype, tclass, perm) -> [target types] or None, once asked
        self._deferred = None  # [(key, result)] of the runs made while view() prefetches
        # tool name -> [CommandResult, how many items it was asked about, answer used]
        self.tool_runs = {}
        self.inputs = Inputs()
        self.verdicts = {}  # denial key -> audit2why's Verdict, once view(denials=) ran
        # the policy file as gotriage read it: {"path", "seconds", "bytes", "error"}
        self.policy_read = None
        # every read of the host goes through the declared inputs (inputs/selinux.py)
        self.io = reader_of(host, {"timeout": timeout}).layer(INPUTS, self.inputs)

    @classmethod
    def from_options(cls, host, options):
        return cls(host, options.get("avc_logs"), options.get("since"), options.get("timeout"),
                   facts_of=options.get("facts_of"))

    def _once(self, name, func):
        if name not in self._memo:
            self._memo[name] = func()
        return self._memo[name]

    # -- state ------------------------------------------------------------------------------
    @property
    def config(self):
        def load():
            text = self.io.read_text("config")
            return parse_config(text) if text is not None else None
        return self._once("config", load)

    @property
    def kernel_has_selinux(self):
        """False when the running kernel has no SELinux (selinuxfs is not a file system it
        knows: not built in, or not the LSM it booted with), True when it does, None when
        /proc/filesystems cannot be read (or was not recorded)."""
        def load():
            text = self.io.read_text("filesystems")
            if text is None:
                return None
            return any(line.split()[-1:] == ["selinuxfs"] for line in text.splitlines())
        return self._once("kernel", load)

    @property
    def selinux_off_at_boot(self):
        """True when the kernel command line says selinux=0 (or None if unread)."""
        def load():
            text = self.io.read_text("cmdline")
            return None if text is None else "selinux=0" in text.split()
        return self._once("cmdline", load)

    @property
    def el_family(self):
        """Whether the host is an EL-family system (SELinux on by default), from
        /etc/os-release; None when that is unknown."""
        def load():
            from gotriage.parsers.os_release import el_major, parse_os_release

            text = self.io.read_text("os-release")
            return None if text is None else el_major(parse_os_release(text)) is not None
        return self._once("el", load)

    @property
    def selinuxfs(self):
        """True when selinuxfs is mounted (SELinux enabled in the kernel)."""
        return self._once("fs", lambda: self.io.exists("enforce"))

    @property
    def mode(self):
        """(mode, evidence source): enforcing / permissive / disabled, or None."""
        def load():
            text = self.io.read_text("enforce")
            if text is not None and text.strip() in ("0", "1"):
                return ("enforcing" if text.strip() == "1" else "permissive",
                        SELINUXFS + "/enforce")
            result = self.run("getenforce")
            if result is not None and result.ok and result.text.strip():
                return result.text.strip().lower(), result
            if not self.io.exists("selinuxfs"):
                return "disabled", SELINUXFS
            return None, None
        return self._once("mode", load)

    @property
    def policy_name(self):
        cfg = self.config
        return cfg.policy if cfg and cfg.policy else "targeted"

    @property
    def booleans(self):
        """{name: (current, pending)} from /sys/fs/selinux/booleans (or getsebool -a)."""
        def load():
            values = {}
            for name in self.io.try_listdir("booleans"):
                text = self.io.read_text("boolean", name=name)
                parts = (text or "").split()
                if len(parts) == 2 and all(p in ("0", "1") for p in parts):
                    values[name] = (int(parts[0]), int(parts[1]))
            if not values:
                result = self.run("getsebool")
                if result is not None and result.ok:
                    for line in result.text.splitlines():
                        match = re.match(r"^(\S+) --> (on|off)", line)
                        if match:
                            bit = 1 if match.group(2) == "on" else 0
                            values[match.group(1)] = (bit, bit)
            return values
        return self._once("booleans", load)

    @property
    def store(self):
        return "/var/lib/selinux/%s/active" % self.policy_name

    @property
    def persistent_booleans(self):
        """{name: value} set with setsebool -P / semanage boolean -m (booleans.local)."""
        def load():
            text = self.io.read_text("booleans-local", policy=self.policy_name)
            values = {}
            for line in (text or "").splitlines():
                match = re.match(r"^\s*(\S+)\s*=\s*(\d)", line)
                if match:
                    values[match.group(1)] = int(match.group(2))
            return values
        return self._once("pbooleans", load)

    @property
    def permissive_domains(self):
        """Domains made permissive with `semanage permissive -a` (modules permissive_*)."""
        def load():
            found = []
            for priority in self.io.try_listdir("modules", policy=self.policy_name):
                for name in self.io.try_listdir("modules-priority", policy=self.policy_name,
                                                priority=priority):
                    if name.startswith("permissive_"):
                        found.append(name[len("permissive_"):])
            return sorted(set(found))
        return self._once("permissive", load)

    @property
    def fcontexts(self):
        def load():
            base = "/etc/selinux/%s/contexts/files/file_contexts" % self.policy_name
            specs = []
            for suffix in ("", ".homedirs", ".local"):
                path = base + suffix
                text = self.io.read_text("file-contexts", policy=self.policy_name,
                                         name="file_contexts" + suffix)
                if text:
                    specs.extend(parse_file_contexts(text, path))
            return FileContexts(specs) if specs else None
        return self._once("fcontexts", load)

    @property
    def policy_file(self):
        def load():
            directory = "/etc/selinux/%s/policy" % self.policy_name
            names = [n for n in self.io.try_listdir("policy-dir", policy=self.policy_name)
                     if re.match(r"^policy\.\d+$", n)]
            if not names:
                return None
            return directory + "/" + max(names, key=lambda n: int(n.split(".")[1]))
        return self._once("policy_file", load)

    @property
    def policydb(self):
        """The loaded policy as selinux/policydb.py reads it, or None: the tools are off
        (--no-tools, a log from another policy), there is no policy file, or it cannot be
        read or is not a policy that reader knows (policy_read["error"] says why; the
        tools are asked instead)."""
        def load():
            path = self.policy_file
            if not self.use_tools or not self.read_policy or path is None:
                return None
            import time

            from gotriage.selinux.policydb import PolicyError, read_policy

            start = time.time()
            self.policy_read = read = {"path": path, "seconds": 0.0, "bytes": None, "error": None}
            try:
                data = self.io.read("policy-file", policy=self.policy_name,
                                    name=path.rsplit("/", 1)[1])
                read["bytes"] = len(data)
                policy = read_policy(data)
            except (HostError, PolicyError) as err:
                read["error"] = str(err) or err.__class__.__name__
                policy = None
            read["seconds"] = time.time() - start
            return policy
        return self._once("policydb", load)

    def boolean_descriptions(self):
        """{boolean: description} as audit2why prints them (sepolicy.boolean_desc: the
        policy's policy.xml when installed, else "Allow A to B C" made of the name)."""
        def load():
            import re
            import zlib
            from html import unescape

            text = None
            try:
                data = self.io.read("policy-xml")
                if data[:2] == b"\x1f\x8b":
                    data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
                text = data.decode("utf-8", "replace")
            except (HostError, zlib.error):
                pass
            found = {}
            # sepolicy takes the text of each <bool>/<tunable>'s first <desc><p>
            for match in re.finditer(r'<(?:bool|tunable) name="([^"]+)"[^>]*>\s*<desc>\s*<p>([^<]*)',
                                     text or ""):
                found.setdefault(match.group(1), unescape(match.group(2)).strip("\n").replace(
                    "\n", " "))
            return found
        return self._once("boolean-descriptions", load)

    def boolean_description(self, name):
        found = self.boolean_descriptions().get(name)
        if found is None:
            words = name.split("_")
            found = "Allow %s to %s" % (words[0], " ".join(words[1:]))
        # as parsers.audit2why reads the line audit2why prints (a '")' ending some of
        # policy.xml's texts is dropped)
        return found.rstrip('")').strip() if found.endswith('")') else found

    # -- tools ------------------------------------------------------------------------------
    def tool(self, name):
        def load():
            if not self.use_tools:
                return None
            if name not in TOOLS:
                return None
            for directory in TOOL_DIRS:
                st = self.io.try_stat("tool", dir=directory, name=name)
                if st is not None and st.is_file and st.perms & 0o111:
                    return directory
            return None
        return self._once("tool:" + name, load)

    def run(self, key, input=None, **params):
        """Run the declared tool command `key` from the directory its tool is in, or None
        when the tool is missing (or the run is not recorded)."""
        directory = self.tool(self.io.decl(key).template[0].rsplit("/", 1)[1])
        if directory is None:
            return None
        deferred = self._deferred
        # while runs go on at the same time, their answers are noted afterwards, in one
        # order (the layer's Inputs lists them as they are noted)
        result = self.io.run(key, input=input, dir=directory, note=deferred is None, **params)
        if deferred is not None:
            deferred.append((key, result))
        return result if result.error != "not-recorded" else None

    def ask(self, name, key, asked, answer, input=None, **params):
        """Run tool `name` once on behalf of the denials and record it in tool_runs (the
        command, how many items it was asked about, whether its answer was used).
        `answer(result)` turns a successful run into the answer, or a false value when
        the output is unusable.  Returns the answer, or None."""
        result = self.run(key, input=input, **params)
        if result is None:
            return None
        run = self.tool_runs[name] = [result, asked, False]
        value = answer(result) if result.ok else None
        run[2] = bool(value)
        return value or None

    def expected_labels(self, denials):
        """{path: context, or "<<none>>"} for the paths of the first denials on files, from
        one `matchpathcon -n P1 P2 ...` (what restorecon would set, with the host's
        substitutions and local rules); {} when it is missing or fails."""
        paths = []
        for d in denials:
            path = d.path
            if (d.tclass in LABEL_CLASSES and path and path.startswith("/") and path not in paths
                    and "\n" not in path and len(paths) < MAX_MATCHPATHCON):
                paths.append(path)

        def labels(result):
            answers = result.text.splitlines()
            # -n prints one context per path, in order; a path it cannot look up prints
            # nothing (and exits 1), so anything but one well-formed line per path is unusable
            if len(answers) != len(paths) or not all(
                    a == "<<none>>" or re.match(r"^[^\s:]+:[^\s:]+:[^\s:]+(:\S+)?$", a)
                    for a in answers):
                return None
            return dict(zip(paths, answers))

        def load():
            if not paths:
                return {}
            return self.ask("matchpathcon", "matchpathcon", len(paths), labels, paths=paths) or {}
        return self._once("matchpathcon:" + "\0".join(paths), load)

    def audit2why(self, denials):
        """{denial key: Verdict} from one `audit2why -p POLICY` run with the first AVC line
        of each of the first MAX_AUDIT2WHY denials on stdin; {} when audit2why or the
        policy file is missing, or it fails."""
        lines, keys = [], {}
        for d in denials:
            if len(lines) >= MAX_AUDIT2WHY:
                break
            line = d.lines[0].rstrip() if d.lines else ""  # as audit2why echoes it, parsed
            # what sepolgen reads as one AVC record: ASCII (its stdin's encoding may be C),
            # one line (text mode also ends lines at \r), not cut by the scanner
            if (d.granted or "avc:" not in line or "\r" in line or len(line) > 2000
                    or not all(" " <= c <= "~" or c in "\t\x1d" for c in line)):
                continue
            if line not in keys:
                lines.append(line)
            keys.setdefault(line, []).append(d.key)

        def verdicts(result):
            by_key = {}
            for verdict in parse_audit2why(result.text):
                for key in keys.get(verdict.line, ()):
                    by_key[key] = verdict
            return by_key

        def load():
            policy = self.policy_file
            if not lines or policy is None:
                return {}
            if self.policydb is not None:
                return self._verdicts(denials, keys)
            data = "".join(line + "\n" for line in lines).encode("ascii")
            return self.ask("audit2why", "audit2why", len(lines), verdicts, input=data,
                            policy=policy) or {}
        return self._once("audit2why:" + "\0".join(lines), load)

    def _verdicts(self, denials, keys):
        """{denial key: Verdict} computed from the policy file, for the AVC lines audit2why
        would have been given (`keys`: line -> denial keys)."""
        from gotriage.selinux.policy_answers import verdict

        by_line = {d.lines[0].rstrip(): d for d in denials if d.lines}
        by_key = {}
        for line, denial_keys in keys.items():
            d = by_line[line]
            found = verdict(self.policydb, line, d.scontext, d.tcontext, d.tclass, d.perms)
            if found is None:
                continue
            found.booleans = [(name, value, self.boolean_description(name))
                              for name, value, _none in found.booleans]
            for key in denial_keys:
                by_key[key] = found
        return by_key

    def sesearch(self, stype, tclass, perm):
        """Target types `stype` may `perm` on `tclass`, asked of the policy: the answer of
        the one sesearch run view() made for every question of the denials (a question
        it did not foresee is asked in a run of its own); None when unknown."""
        question = (stype, tclass, perm)
        if question not in self._sesearch:
            self.sesearch_all([question])
        return self._sesearch.get(question)

    def sesearch_all(self, questions):
        """Answer every (stype, tclass, perm) of `questions` not answered yet from one run,
        `sesearch -A -rs -s '^(T1|T2...)$' -c C1,C2... POLICY`: every allow rule whose
        source is one of those types or an attribute that holds one, in the asked classes,
        parsed once.  A question's answer is what `sesearch -A -s T -c C -p P POLICY`
        answers: the targets of the rules of class C that grant P and whose source is T or
        one of T's attributes (seinfo's listing says which), in sesearch's order.  A type
        or class the policy lacks (or past MAX_SESEARCH_TYPES types) has no answer (None),
        as that run would have failed, and so has a permission its class lacks; without
        seinfo's listing there is no run."""
        new = []
        for question in questions:
            if question not in self._sesearch and question not in new:
                new.append(question)
                self._sesearch[question] = None
        policy = self.policy_file
        if new and self.policydb is not None:
            from gotriage.selinux.policy_answers import allow_targets

            for stype, tclass, perm in new:
                self._sesearch[(stype, tclass, perm)] = allow_targets(
                    self.policydb, stype, tclass, perm)
            return
        if not new or policy is None or self.tool("sesearch") is None:
            return
        listing = self.policy_listing()
        if listing is None or listing.attributes is None:
            return
        def known(question):
            stype, tclass, perm = question
            return stype in listing.types and (listing.classes is None or tclass in listing.classes) \
                and (listing.perms is None or perm in listing.perms.get(tclass, ()))
        types = []
        for question in new:
            if known(question) and question[0] not in types and len(types) < MAX_SESEARCH_TYPES:
                types.append(question[0])
        asked = [q for q in new if q[0] in types and known(q)]
        if not asked:
            return
        classes = sorted(set(q[1] for q in asked))

        def answers(result):
            by_source = {}  # (source, class) -> [(place, target, permissions)]
            for place, (source, target, tclass, perms) in enumerate(parse_sesearch_allow(result.text)):
                by_source.setdefault((source, tclass), []).append((place, target, perms))
            found = {}
            for stype, tclass, perm in asked:
                rules = []
                for source in (stype,) + tuple(sorted(listing.attributes.get(stype, ()))):
                    rules.extend(by_source.get((source, tclass), ()))
                targets = []
                for _place, target, perms in sorted(rules, key=lambda r: r[0]):
                    if perm in perms and target not in targets:
                        targets.append(target)
                found[(stype, tclass, perm)] = targets
            return found

        found = self.ask("sesearch", "sesearch", len(asked), answers, policy=policy,
                         sources="^(%s)$" % "|".join(t.replace(".", "\\.") for t in types),
                         classes=",".join(classes))
        self._sesearch.update(found or {})

    def questions(self, denials, labels):
        """The (stype, tclass, perm) the analyzers will ask sesearch about `denials`, found
        by running those that ask it (file_label, port) on a view whose sesearch only takes
        note (what they ask depends on the denial and the expected labels, never on an
        earlier answer); and whether one will want the user's own port labels.  A question
        another analyzer asks later is still answered, in a run of its own."""
        asked, ports = [], []

        def note(stype, tclass, perm):
            if (stype, tclass, perm) not in asked:
                asked.append((stype, tclass, perm))

        def local_ports():
            ports.append(True)
            return None

        dry = View(self.booleans, self.fcontexts, None, note, self.policy_name, labels=labels,
                   local_ports=local_ports, log_paths=self.log_paths(denials))
        for denial in denials:
            for analyzer in (logfile.log_file, file_label, port):
                analyzer(denial, dry)
        return asked, bool(ports)

    @property
    def port_types(self):
        """{(port, proto): type} from `semanage port -l` on this host, or None."""
        def load():
            if self.policydb is not None:
                from gotriage.selinux.policy_answers import port_types

                return port_types(self.policydb)
            result = self.run("semanage-ports")
            if result is None or not result.ok:
                return None
            return parse_semanage_ports(result.text)
        return self._once("ports", load)

    def local_port_types(self):
        """{(port, proto): type} of the ports the user labelled (`semanage port -l -C`:
        the local customisations only), or None when unknown.  Asked only when a denial
        is on a port that has a type: it decides whether that type is the user's own.
        Read from the policy store's ports.local, which semanage itself reads (0.5 CPU-s
        less); a store without one has none; semanage only when neither is known."""
        def load():
            from gotriage.parsers.ports_local import parse_ports_local

            try:
                table = parse_ports_local(self.io.read("ports-local", policy=self.policy_name)
                                          .decode("utf-8", "replace"))
            except HostError as err:
                table = {} if err.missing and not err.unrecorded and self.io.try_listdir(
                    "modules", policy=self.policy_name) else None
            if table is not None:
                return table
            result = self.run("semanage-local-ports")
            if result is None or not result.ok:
                return None
            return parse_semanage_ports(result.text)
        return self._once("local-ports", load)

    def policy_listing(self):
        """The loaded policy's types (with their aliases and attributes) and classes, from
        one `seinfo POLICY --flat -t -x -c --common` (about 0.4 s), as a parsers.seinfo.Listing, or
        None when seinfo or the policy is missing or the answer is not such a listing."""
        def load():
            policy = self.policy_file
            if policy is None:
                return None
            if self.policydb is not None:
                from gotriage.selinux.policy_answers import listing

                return listing(self.policydb)
            return self.ask("seinfo", "seinfo-types", 1,
                            lambda result: parse_seinfo_listing(result.text), policy=policy)
        return self._once("seinfo-types", load)

    def policy_types(self):
        """The types of the loaded policy (a frozenset, from policy_listing()), or None.
        Asked before anything else (is a log from this policy?), they are read from the
        policy file's symbol tables alone: a log from another policy then costs no more."""
        if self.use_tools and self.read_policy and "policydb" not in self._memo \
                and "seinfo-types" not in self._memo and self.policy_file:
            types = self._once("policy-type-names", self._type_names)
            if types is not None:
                return types
        listing = self.policy_listing()
        return listing.types if listing is not None else None

    def _type_names(self):
        from gotriage.selinux.policydb import PolicyError, read_policy

        try:
            data = self.io.read("policy-file", policy=self.policy_name,
                                name=self.policy_file.rsplit("/", 1)[1])
            policy = read_policy(data, symbols_only=True)
        except (HostError, PolicyError):
            return None
        return frozenset(name for value, name in enumerate(policy.type_names)
                         if not policy.is_attribute[value])

    def prefetch(self, denials, need_ports=False):
        """Ask every tool the denials need at once, each in one run, those that do not wait
        for one another at the same time (each in a thread, each still bounded by its
        timeout): audit2why, seinfo and semanage's port list start together; matchpathcon
        runs meanwhile, then the analyzers' sesearch questions are known (they depend on
        its labels) and sesearch runs once seinfo has listed the types, with semanage's
        list of the user's own ports beside it when a denial will want it.  The answers
        are remembered: view() and the analyzers then find them.  The runs are noted in
        one order whatever order they ended in."""
        import threading

        if not denials or not self.use_tools:
            return
        if self.policydb is not None:
            return  # every answer but matchpathcon's is the policy file's, at once
        _read = (self.booleans, self.fcontexts, self.policy_file)  # before the threads start
        self._deferred = []
        threads = []

        def start(func, *args):
            thread = threading.Thread(target=func, args=args)
            thread.daemon = True
            thread.start()
            threads.append(thread)
            return thread

        try:
            start(self.audit2why, denials)
            listing = start(self.policy_listing)
            if need_ports:
                start(lambda: self.port_types)
            labels = self.expected_labels(denials)
            questions, local_ports = self.questions(denials, labels) \
                if self.tool("sesearch") and self.policy_file else ([], False)
            if local_ports and need_ports:
                start(self.local_port_types)
            if questions:
                listing.join()
                self.sesearch_all(questions)
            for thread in threads:
                thread.join()
        finally:
            deferred, self._deferred = self._deferred, None
        order = ("matchpathcon", "audit2why", "semanage-ports", "seinfo-types", "sesearch",
                 "semanage-local-ports")
        deferred.sort(key=lambda run: order.index(run[0]) if run[0] in order else len(order))
        for key, result in deferred:
            self.inputs.note(result, self.io.decl(key).need)

    def log_paths(self, denials):
        """[(unit name, LogPath)] of the log files the service layer's units name (the
        units `check` examines, or the one `gotriage service` names), when a denial of
        `denials` writes a file or a directory; [] without the service layer (`gotriage
        avc`) or without such a denial."""
        if self._facts_of is None or not any(
                d.tclass in ("file", "dir") and set(d.perms) & logfile.WRITES for d in denials or ()):
            return []

        def load():
            service = self._facts_of("service")
            return [(unit.name, p) for unit in service.units if unit.found and not unit.masked
                    for p in unit_log_paths(unit)]
        return self._once("log_paths", load)

    def explained(self):
        """([(denial, explanations)], View) of the scan's distinct denials, commonest first:
        what SEL-AVC reports, and what the service layer asks about a unit's log file
        (checks/service/svc_journal.py), explained once."""
        def load():
            denials = sorted(self.scan.distinct(), key=lambda d: (-d.count, d.index))
            view = self.view(need_ports=any(d.tclass.endswith("_socket") for d in denials),
                             denials=denials)
            return [(d, explain(d, view)) for d in denials], view
        return self._once("explained", load)

    def view(self, need_ports=False, denials=None):
        """What the analyzers know of the policy; with `denials` (commonest first) also
        matchpathcon's labels for their paths and audit2why's verdicts, when present."""
        self.prefetch(denials, need_ports)
        labels = self.expected_labels(denials) if denials else {}
        verdicts = self.audit2why(denials) if denials else {}
        self.verdicts = verdicts
        run = self.tool_runs.get("audit2why")
        return View(self.booleans, self.fcontexts,
                    self.port_types if need_ports else None,
                    self.sesearch if self.policy_file and (
                        self.policydb is not None or self.tool("sesearch")) else None,
                    self.policy_name, labels=labels, verdicts=verdicts,
                    audit2why=run[0] if run and verdicts else None,
                    types=self.policy_types() if denials else None,
                    local_ports=self.local_port_types if need_ports else None,
                    rerun=self.rerun, log_paths=self.log_paths(denials),
                    verdicts_from=self.policy_file if verdicts and self.policydb is not None
                    else None)

    # -- the audit log --------------------------------------------------------------------
    @property
    def scan(self):
        return self._once("scan", lambda: logread.scan(_AuditLogs(self.io), self.logs,
                                                       since=self.since))

    def log_errors(self):
        """[(path, code, message)] of logs that could not be read."""
        out = []
        for entry in self.scan.files:
            if entry.get("error"):
                out.append((entry["path"], entry["error"], entry.get("message", "")))
        return out



class _AuditLogs(object):
    """What selinux/logread asks of a Host (the audit directory, logs read in ranges),
    answered through the declared inputs."""

    def __init__(self, io):
        self.io = io

    def try_listdir(self, path):
        return self.io.try_listdir("audit-dir")

    def read_range(self, path, offset, length):
        return self.io.read_range("audit-log", offset, length, path=path)

    def _note_denied(self, err):
        self.io.host._note_denied(err)
