"""Facts for the firewall layer, gathered through the Host (memoised, on demand):

- sockets: /proc/net/{tcp,tcp6,udp,udp6}, `ss -ltn` / `ss -lun` (dual-stack vs IPv6-only),
  owners through /proc/PID/fd socket inodes, Go programs by their .go.buildinfo;
- addresses and routes: `ip -j addr` (or `ip -o addr` on EL7), /proc/net/route, ipv6_route;
- firewalld: the permanent configuration from /usr/lib/firewalld and /etc/firewalld, the
  runtime one from its client in one process (firewall/client_script.py), else from
  `firewall-cmd`, with a timeout (D-Bus may be stuck: one stops the rest), its version;
- the live ruleset: `nft -j list ruleset`, `iptables-nft-save`, `ip6tables-nft-save`,
  `iptables-legacy-save`, `ip6tables-legacy-save` (or `iptables-save` where it is legacy).

Every problem reading them (a malformed XML file, JSON from a newer nft) is kept in
`problems` for the checks to report; the rest still loads.  A command that gives no answer
(a hung firewall-cmd: D-Bus is stuck) is kept in `inputs` with what it was read for
(inputs/firewall.py): FW-INPUT reports it.
"""

import posixpath
import re

from gotriage.facts.base import Facts
from gotriage.facts.inputs import Inputs
from gotriage.firewall.client_script import CLIENT_SCRIPT, client_results
from gotriage.firewall.firewalld import FirewalldConfig, version_tuple
from gotriage.firewall.netfilter import HostNet, Ruleset
from gotriage.i18n import _
from gotriage.inputs.firewall import INPUTS
from gotriage.inputs.reader import reader_of
from gotriage.knowledge.firewall import CONFIG_DIRS
from gotriage.parsers.firewalld_cmd import (
    parse_direct_rules,
    parse_list_all,
    shebang_interpreter,
)
from gotriage.parsers.firewalld_conf import parse_firewalld_conf
from gotriage.parsers.firewalld_xml import (
    ConfigError,
    parse_direct,
    parse_ipset,
    parse_policy,
    parse_service,
    parse_zone,
)
from gotriage.parsers.iptables_save import parse_iptables_save
from gotriage.parsers.nft_json import NftError, parse_nft_json
from gotriage.parsers.proc_net import (
    parse_ip_addr_json,
    parse_ip_addr_oneline,
    parse_proc_ipv6_route,
    parse_proc_net,
    parse_proc_route,
    parse_ss,
    socket_inodes,
)

# firewall-cmd's listings, by their arguments
_FIREWALL_CMD = {("--list-all-zones",): "firewall-cmd-zones",
                 ("--get-default-zone",): "firewall-cmd-default-zone",
                 ("--list-all-policies",): "firewall-cmd-policies",
                 ("--direct", "--get-all-rules"): "firewall-cmd-direct"}
_VERSION_RE = re.compile(r"""^VERSION\s*=\s*['"]([0-9][^'"]*)['"]""", re.M)


class Problem(object):
    """Something that could not be read as it should: kind is xml, rich-rule,
    nft-json, nft-newer, ipt, denied, missing-zone..."""

    __slots__ = ("kind", "where", "message", "evidence")

    def __init__(self, kind, where, message, evidence=None):
        self.kind, self.where, self.message, self.evidence = kind, where, message, evidence


class _LazyServices(dict):
    """Services parsed on first use: the stock set has ~200 files and a zone names a few."""

    def __init__(self, facts, cfg, paths):
        dict.__init__(self)
        self._facts, self._cfg, self._paths = facts, cfg, paths

    def get(self, name, default=None):
        if dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        paths = self._paths.get(name)
        if not paths:
            return default
        svc = self._facts._parse_layered("service", name, paths, parse_service, self._cfg)
        dict.__setitem__(self, name, svc)
        return svc if svc is not None else default

    def __contains__(self, name):
        return name in self._paths

    def names(self):
        return sorted(self._paths)


class FirewallFacts(Facts):
    def __init__(self, host, timeout=None, use_firewall_cmd=True):
        self.host = host
        self.use_firewall_cmd = use_firewall_cmd  # False: files and the live ruleset only
        self.notes = []
        self.problems = []
        self.inputs = Inputs()
        # every read of the host goes through the declared inputs (inputs/firewall.py); the
        # reader runs each command once, also for the threads of prefetch()
        self.io = reader_of(host, {"timeout": timeout}).layer(INPUTS, self.inputs)
        self._cache = {}
        self._fwcmd_dead = None  # the CommandResult of a firewall-cmd that hung
        self._guessed = None
        self._nft_failed = False

    @classmethod
    def from_options(cls, host, options):
        return cls(host, timeout=options.get("timeout"))

    def _memo(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def _problem(self, kind, where, message, evidence=None):
        for p in self.problems:
            if (p.kind, p.where, p.message) == (kind, where, message):
                return
        self.problems.append(Problem(kind, where, message, evidence))

    def _note(self, text):
        if text not in self.notes:
            self.notes.append(text)

    def run(self, key):
        """A declared command's result, run once (prefetch() may have run it already)."""
        return self.io.run(key)

    def prefetch(self, families=("ipv4", "ipv6")):
        """Run the independent commands a verdict needs at the same time (each in a thread,
        each still bounded by the timeout): ss, ip, nft, the legacy dumps and, when firewalld
        is there, firewall-cmd's runtime listings -- so a hung D-Bus costs one timeout, not
        one per call, and a verdict costs the slowest command, not their sum."""
        import threading

        keys = ["ss", "ip", "nft"]
        for family in families:
            keys.append("%s-legacy-save" % ("iptables" if family == "ipv4" else "ip6tables"))
        client = False
        if self.use_firewall_cmd and self.firewalld_installed and self._fwcmd_dead is None:
            client = self.firewalld_python is not None  # the four listings in one process
            keys += [] if client else list(_FIREWALL_CMD.values())
        threads = [threading.Thread(target=self.io.run, args=(key,), kwargs={"note": False})
                   for key in keys] + [threading.Thread(target=self._client_sections)] * client
        if self.host.kind == "snapshot":
            threads = []  # a recorded answer is a lookup: threads would only cost (fleet report)
        for t in threads:
            t.daemon = True
            t.start()
        for t in threads:
            t.join()
        for key in keys:  # noted in this order (not as they finished), used or not
            self.io.run(key)
        if client:
            self._note_client()

    # -- sockets -------------------------------------------------------------------------
    @property
    def byteorder(self):
        def compute():
            arch = (self.io.read_text("arch") or "").strip()
            return "big" if arch.startswith("s390") else "little"
        return self._memo("byteorder", compute)

    @property
    def sockets(self):
        """Every listening TCP and bound UDP socket of this network namespace."""
        return self._memo("sockets", self._load_sockets)

    @property
    def sockets_known(self):
        """Whether the socket tables were read at all (ss, or /proc/net/tcp and the like):
        without them an empty `sockets` means "not recorded", not "nothing listens"."""
        self.sockets  # noqa: B018 - loads them, and sets what was read
        return self._cache.get("sockets-known", False)

    def _load_sockets(self):
        # ss -e: both protocols, with inode, uid and v6only, from sock_diag (no -p: ss would
        # read every process's fds, which attach_owners does only for the sockets asked about)
        result = self.run("ss")
        if result.ok:
            self._cache["sockets-known"] = True
            found = parse_ss(result.text, "tcp") + parse_ss(result.text, "udp")
            for sock in found:
                sock.source = "ss -ltune"
            return self._v6only_default(found)
        found = []
        for proto in ("tcp", "udp"):
            for family, suffix in (("ipv4", ""), ("ipv6", "6")):
                text = self.io.read_text("proc-net", proto=proto + suffix)
                if text is None:
                    continue
                self._cache["sockets-known"] = True
                found.extend(parse_proc_net(text, proto, family, self.byteorder))
        # /proc cannot tell IPv6-only from dual-stack: a snapshot may hold `ss -ltn` / `ss -lun`
        if result.error == "not-recorded":
            for proto in ("tcp", "udp"):
                older = self.run("ss-" + proto)
                if older.ok:
                    self._cache["sockets-known"] = True
                    self._merge_ss(found, parse_ss(older.text, proto), proto)
        elif result.error == "not-found":
            self._note(_("ss is not installed: whether an IPv6 socket on [::] takes IPv4 "
                         "(IPV6_V6ONLY) is not in /proc/net -- a Go program's is taken as "
                         "dual-stack (what Go's \"tcp\" network sets), another's from "
                         "net.ipv6.bindv6only"))
        return self._v6only_default(found)

    @property
    def bindv6only(self):
        """net.ipv6.bindv6only of this network namespace: 1, 0, or None (not read)."""
        def compute():
            text = (self.io.read_text("bindv6only") or "").strip()
            return int(text) if text in ("0", "1") else None
        return self._memo("bindv6only", compute)

    def _v6only_default(self, found):
        """Where a wildcard IPv6 socket's own IPV6_V6ONLY is not known (/proc/net, an old
        kernel's ss), the default the kernel gave it: net.ipv6.bindv6only (a program that
        sets the flag itself, as Go does, is judged in attach_owners)."""
        wild = [s for s in found if s.family == "ipv6" and s.address == "::"]
        for sock in wild:
            if sock.v6only is not None:
                sock.v6only_from = "socket"
        if wild:
            value = self.bindv6only  # read also when ss knows: it says where the flag came from
            for sock in wild:
                if sock.v6only is None and value is not None:
                    sock.v6only, sock.v6only_from = value == 1, "sysctl"
        return found

    @staticmethod
    def _merge_ss(found, from_ss, proto):
        for s in from_ss:
            for sock in found:
                if sock.proto == proto and sock.port == s.port and sock.family == s.family and \
                        sock.address == s.address and sock.v6only is None:
                    sock.v6only = s.v6only if s.family == "ipv6" else None
                    sock.iface = s.iface
                    if s.pid:
                        sock.pid, sock.process = s.pid, s.process
                    break
            else:
                found.append(s)

    def owners(self, inodes):
        """{inode: (pid, comm, exe)} for socket inodes, from /proc/*/fd."""
        wanted = set(i for i in inodes if i)
        found = {}
        if not wanted:
            return found
        mark = len(self.host.denied)
        try:
            self._scan_fds(wanted, found)
        finally:
            skipped = len(self.host.denied) - mark
            del self.host.denied[mark:]  # one note below, not one per file descriptor
            if skipped and len(found) < len(wanted):
                self._note("%d file descriptors of other processes could not be read%s: some "
                           "sockets' owners are unknown%s" % (skipped, *(
                               (" even as root", " (processes of another user namespace, or "
                                                 "kept from root by the kernel's ptrace rules)")
                               if self.as_root else ("", " (run as root)"))))
        return found

    def _scan_fds(self, wanted, found):
        for pid in self.pids:
            links = {}
            for name in self.io.try_listdir("fds", pid=pid):
                try:
                    links[name] = self.io.readlink("fd", pid=pid, fd=name)
                except Exception:  # noqa: BLE001 - a process that exited, a denied fd
                    continue
            for inode in socket_inodes(links):
                if inode in wanted:
                    found[inode] = self.process(pid)
            if len(found) == len(wanted):
                break

    @property
    def as_root(self):
        """Whether gotriage read the host as root (then /proc/*/fd shows every process)."""
        return self._memo("as_root", lambda: self.host.identity().uid == 0)

    @property
    def pids(self):
        return self._memo("pids", lambda: sorted(
            (n for n in self.io.try_listdir("proc") if n.isdecimal()), key=int))

    def process(self, pid):
        def compute():
            comm = (self.io.read_text("comm", pid=pid) or "").strip() or None
            try:
                exe = self.io.readlink("exe", pid=pid)
            except Exception:  # noqa: BLE001
                exe = None
            return (int(pid), comm, exe)
        return self._memo(("process", str(pid)), compute)

    def go_version_of(self, pid):
        """The Go version of a process's executable ("go1.22.1"), or None when not Go."""
        def compute():
            from gotriage.firewall.goexe import go_version

            try:
                return go_version(lambda offset, length: self.io.read_range(
                    "exe-contents", offset, length, pid=pid))
            except Exception:  # noqa: BLE001 - unreadable (not root), exited
                return None
        return self._memo(("go", str(pid)), compute)

    def attach_owners(self, sockets):
        todo = [s for s in sockets if s.pid is None and s.inode]
        owners = self.owners([s.inode for s in todo]) if todo else {}
        for sock in sockets:
            if sock.pid is None and sock.inode in owners:
                sock.pid, sock.process, sock.exe = owners[sock.inode]
            elif sock.pid is not None and sock.exe is None:
                _, comm, exe = self.process(sock.pid)
                sock.exe = exe
                sock.process = sock.process or comm
            if sock.family == "ipv6" and sock.address == "::" and sock.pid is not None and \
                    sock.v6only_from in (None, "sysctl") and self.go_version_of(sock.pid):
                # Go sets IPV6_V6ONLY on every IPv6 socket, whatever the default: 0 for the
                # "tcp" network (":8080"), 1 for "tcp6"; /proc/net does not say which
                sock.v6only, sock.v6only_from = False, "go"
        return sockets

    def other_netns_listeners(self, proto, port):
        """[(pid, comm, Socket)] of sockets on `port` in other network namespaces."""
        try:
            own = self.io.readlink("netns", pid="self")
        except Exception:  # noqa: BLE001
            return []
        seen, results = {own}, []
        for pid in self.pids:
            try:
                ns = self.io.readlink("netns", pid=pid)
            except Exception:  # noqa: BLE001
                continue
            if ns in seen:
                continue
            seen.add(ns)
            for family, suffix in (("ipv4", ""), ("ipv6", "6")):
                text = self.io.read_text("netns-sockets", pid=pid, proto=proto + suffix)
                for sock in parse_proc_net(text or "", proto, family, self.byteorder):
                    if sock.port == port:
                        _, comm, exe = self.process(pid)
                        sock.pid, sock.process, sock.exe = int(pid), comm, exe
                        results.append((ns, sock))
        return results

    # -- addresses -----------------------------------------------------------------------
    @property
    def interfaces(self):
        def compute():
            result = self.run("ip")
            if result.ok and result.text.strip().startswith("["):
                try:
                    return parse_ip_addr_json(result.text)
                except ValueError:
                    pass
            result = self.run("ip-oneline")
            if result.ok:
                return parse_ip_addr_oneline(result.text)
            self._note(_("the host's addresses are unknown (`ip addr` did not run): interfaces "
                         "and routes are guessed"))
            return []
        return self._memo("interfaces", compute)

    @property
    def routes(self):
        def compute():
            routes = parse_proc_route(self.io.read_text("routes") or "", self.byteorder)
            routes += parse_proc_ipv6_route(self.io.read_text("routes6") or "")
            return routes
        return self._memo("routes", compute)

    # -- firewalld -----------------------------------------------------------------------
    @property
    def firewalld_version(self):
        """(version tuple, where it was read) or (None, None)."""
        def compute():
            for base in ("/usr/lib", "/usr/lib64"):
                for name in self.io.try_listdir("python-dirs", dir=base):
                    if not name.startswith("python"):
                        continue
                    for sub in ("site-packages", "dist-packages"):
                        path = "%s/%s/%s/firewall/config/__init__.py" % (base, name, sub)
                        text = self.io.read_text("version-file", dir=base, python=name, sub=sub)
                        if text:
                            match = _VERSION_RE.search(text)
                            if match:
                                return version_tuple(match.group(1)), path
            return None, None
        return self._memo("fwversion", compute)

    @property
    def firewalld_installed(self):
        return any(self.io.is_dir("config-dir", dir=d) for d in CONFIG_DIRS) or \
            self.firewalld_version[0] is not None

    @property
    def conf(self):
        def compute():
            for base in reversed(CONFIG_DIRS):  # /etc first
                path = base + "/firewalld.conf"
                text = self.io.read_text("conf", dir=base)
                if text is not None:
                    return parse_firewalld_conf(text, path)
            return None
        return self._memo("conf", compute)

    def _layered(self, kind):
        """{name: [paths]} of the XML files of a kind, /usr/lib first, /etc last (it wins)."""
        found = {}
        for base in CONFIG_DIRS:
            directory = "%s/%s" % (base, kind)
            for name in self.io.try_listdir("xml-dir", dir=base, kind=kind):
                if name.endswith(".xml"):
                    found.setdefault(name[:-4], []).append(posixpath.join(directory, name))
        return found

    def _parse_layered(self, kind, name, paths, parser, cfg):
        """Parse the winning file (/etc over /usr/lib); when it is broken -- not XML, or a
        rich rule firewalld refuses -- fall back to the next one: firewalld 1.3.3 logs
        `PARSE_ERROR` and loads the /usr/lib file instead (test bed), so a zone's ports in
        /etc vanish with one bad rule."""
        if len(paths) > 1:
            cfg.overrides.append((kind, name, paths[-1], paths[0]))
        for path in reversed(paths):
            directory, _, file_name = path.rpartition("/")
            base, _, sub = directory.rpartition("/")
            text = self.io.read_text("xml", dir=base, kind=sub, name=file_name)
            if text is None:
                continue
            try:
                obj = parser(text, name, path)
            except ConfigError as exc:
                cfg.errors.append((path, str(exc)))
                self._problem("xml", path, str(exc))
                continue
            bad = getattr(obj, "bad_rules", [])
            for rule_text, err in bad:
                cfg.bad_rules.append((path, rule_text, err))
                self._problem("rich-rule", path, "%s (%s): %s" % (err.code, err.message or "invalid",
                                                                  " ".join(rule_text.split())))
            if bad:
                cfg.errors.append((path, "refused for its invalid rich rule"))
                continue
            return obj
        return None

    def _base_config(self, origin):
        cfg = FirewalldConfig(origin)
        version, where = self.firewalld_version
        cfg.version, cfg.version_source = version, where
        conf = self.conf
        cfg.conf = conf
        if conf is not None:
            cfg.default_zone = conf.get("DefaultZone", "public") or "public"
            cfg.backend = (conf.get("FirewallBackend") or (
                "iptables" if version is not None and version < (0, 6, 0) else "nftables")).lower()
            cfg.drifting = conf.flag("AllowZoneDrifting", False)
        elif version is not None and version < (0, 6, 0):
            cfg.backend = "iptables"
        if cfg.version is None:
            cfg.version = self._guess_version()
            if cfg.version is not None:
                cfg.version_source = "guessed: " + self._guessed
        service_paths = self._layered("services")
        cfg.services = _LazyServices(self, cfg, service_paths)
        for name, paths in sorted(self._layered("ipsets").items()):
            ipset = self._parse_layered("ipset", name, paths, parse_ipset, cfg)
            if ipset is not None:
                cfg.ipsets[name] = ipset
        return cfg

    def _guess_version(self):
        """No version file: infer from what the configuration and ruleset look like."""
        nft = self.nft
        if nft is not None and nft.table("inet", "firewalld") is not None:
            table = nft.table("inet", "firewalld")
            for name, chain in table.chains.items():
                if name.startswith("filter_IN_") and chain.rules and \
                        "reject" in chain.rules[-1].expr[-1]:
                    self._guessed = "its ruleset is firewalld 1.x's"
                    return (1, 0, 0)
        if self.io.is_dir("config-dir", dir="/usr/lib/firewalld/policies"):
            self._guessed = "it has policies"
            return (0, 9, 0) if self.conf is not None and "AllowZoneDrifting" in self.conf.values else (1, 0, 0)
        if self.io.is_dir("config-dir", dir="/usr/lib/firewalld/zones"):
            self._guessed = "it has no policies: read as firewalld 0.6-0.8"
            return (0, 6, 0)
        return None

    @property
    def permanent(self):
        """The permanent configuration (FirewalldConfig), or None when firewalld is absent."""
        def compute():
            if not self.firewalld_installed:
                return None
            cfg = self._base_config("permanent")
            for name, paths in sorted(self._layered("zones").items()):
                zone = self._parse_layered("zone", name, paths, parse_zone, cfg)
                if zone is not None:
                    cfg.zones[name] = zone
            for name, paths in sorted(self._layered("policies").items()):
                policy = self._parse_layered("policy", name, paths, parse_policy, cfg)
                if policy is not None:
                    cfg.policies[name] = policy
            text = self.io.read_text("direct")
            if text is not None:
                try:
                    cfg.direct = parse_direct(text, "/etc/firewalld/direct.xml").rules
                except ConfigError as exc:
                    cfg.errors.append(("/etc/firewalld/direct.xml", str(exc)))
                    self._problem("xml", "/etc/firewalld/direct.xml", str(exc))
            if cfg.default_zone not in cfg.zones:
                self._problem("missing-zone", cfg.conf.path if cfg.conf else "firewalld.conf", _(
                    "DefaultZone=%(zone)s names a zone that does not exist") % {"zone": cfg.default_zone})
            return cfg
        return self._memo("permanent", compute)

    @property
    def firewalld_python(self):
        """The interpreter of firewall-cmd (its #! line) when it is a Python, else None."""
        python = self._memo("fwpython", lambda: shebang_interpreter(self.io.read_text("firewall-cmd-script")))
        return python if posixpath.basename(python or "").startswith(("python", "platform-python")) else None

    def _client_sections(self):
        """{firewall-cmd arguments: CommandResult} of the runtime listings from one process
        (firewall/client_script.py), or None: then firewall-cmd is asked call by call."""
        def compute():
            if self.firewalld_python is None:
                return None
            result = self.io.run("firewalld-client", python=self.firewalld_python,
                                 input=CLIENT_SCRIPT.encode(), note=False)
            if result.timed_out:  # D-Bus is stuck: the four calls would hang as well
                self._fwcmd_dead = result
                return {}
            return client_results(result, _FIREWALL_CMD)
        return self._memo("fwclient", compute)

    def _note_client(self):
        """The one process's answers (or hang) into the inputs, in a fixed order (not from
        prefetch's threads: the report's order would be the threads')."""
        found, dead = self._client_sections() or {}, self._fwcmd_dead
        if dead is not None and dead.argv[:1] == [self.firewalld_python]:
            self.inputs.note(dead, self.io.decl("firewalld-client").need)
        for result in (found.get(args) for args in _FIREWALL_CMD):
            self.inputs.note(result)  # (None: nothing)

    def firewall_cmd(self, *args):
        """A CommandResult of `firewall-cmd ARGS`, or None when firewall-cmd is missing,
        hung before, or not recorded."""
        if self._fwcmd_dead is not None or not self.use_firewall_cmd:
            return None
        result = (self._client_sections() or {}).get(tuple(args))
        self._note_client()
        if self._fwcmd_dead is not None:
            return None
        if result is None:
            result = self.run(_FIREWALL_CMD[tuple(args)])
        if result.timed_out:  # kept in self.inputs: FW-INPUT reports it
            self._fwcmd_dead = result
            return None
        if result.error in ("not-found", "not-recorded", "denied"):
            return None
        return result

    @property
    def running(self):
        """True / False when firewall-cmd said so (its --list-all-zones answers, or exits
        252 NOT_RUNNING), None when unknown (hung, no firewall-cmd: then the ruleset tells)."""
        def compute():
            result = self.firewall_cmd("--list-all-zones")
            if result is None:
                if self._fwcmd_dead is not None:
                    return None
                return True if self.ruleset_has_firewalld else None
            if result.ok:
                return True
            if result.returncode == 252 or "not running" in result.excerpt().lower():
                return False
            # e.g. DBUS_ERROR (36): no D-Bus; firewalld's rules may still be loaded
            first = (result.excerpt().splitlines() or ["failed"])[0]
            self._note(_("firewall-cmd failed (exit %(code)s: %(error)s): the runtime configuration "
                         "is unknown") % {"code": result.returncode, "error": first})
            return True if self.ruleset_has_firewalld else False
        return self._memo("running", compute)

    @property
    def ruleset_has_firewalld(self):
        """Whether the live ruleset holds firewalld's chains (nftables or iptables backend)."""
        if self.nft is not None and self.nft.table("inet", "firewalld") is not None:
            return True
        for save in self.iptables_dumps("ipv4").values():
            filt = save.tables.get("filter")
            if filt is not None and ("INPUT_ZONES" in filt.chains or "INPUT_direct" in filt.chains):
                return True
        return False

    @property
    def runtime(self):
        """The runtime configuration from firewall-cmd, or None."""
        def compute():
            if not self.running or self.permanent is None:
                return None
            zones = self.firewall_cmd("--list-all-zones")
            if zones is None or not zones.ok:
                return None
            cfg = self._base_config("runtime")
            default = self.firewall_cmd("--get-default-zone")
            if default is not None and default.ok and default.text.strip():
                cfg.default_zone = default.text.strip()
            for zone in parse_list_all(zones.text, "zone"):
                cfg.zones[zone.name] = zone
                for rule_text, err in zone.bad_rules:
                    self._problem("rich-rule", "firewall-cmd --list-all-zones", "%s: %s" % (err.code, rule_text))
            policies = self.firewall_cmd("--list-all-policies")
            if policies is not None and policies.ok:
                for pol in parse_list_all(policies.text, "policy"):
                    cfg.policies[pol.name] = pol
            direct = self.firewall_cmd("--direct", "--get-all-rules")
            if direct is not None and direct.ok:
                cfg.direct = parse_direct_rules(direct.text)
            # runtime ipset entries are the nft sets of firewalld's table
            nft = self.nft
            table = nft.table("inet", "firewalld") if nft is not None else None
            if table is not None:
                for name, ipset in cfg.ipsets.items():
                    nset = table.sets.get(name)
                    if nset is not None:
                        ipset.entries = [_element_text(e) for e in nset.elements]
            return cfg
        return self._memo("runtime", compute)

    @property
    def config(self):
        """The configuration in force: runtime when known, else permanent."""
        return self.runtime or self.permanent

    # -- the live ruleset ----------------------------------------------------------------
    @property
    def nft(self):
        def compute():
            result = self.run("nft")
            if result.error in ("not-found", "not-recorded"):
                return None
            self._nft_failed = True
            if result.timed_out:
                return None  # kept in self.inputs: FW-INPUT reports it
            if not result.ok:
                text = result.excerpt()
                if "Operation not permitted" in text or "Permission denied" in text:
                    self._note(_("the nftables ruleset needs root (`nft -j list ruleset`): "
                                 "packet-level verdicts are missing"))
                else:
                    self._problem("nft-json", "nft -j list ruleset", text.splitlines()[0] if text else "failed",
                                  result)
                return None
            if not result.text.strip():
                return None
            try:
                ruleset = parse_nft_json(result.text)
            except NftError as exc:
                self._problem("nft-json", "nft -j list ruleset", str(exc), result)
                return None
            self._nft_failed = False
            if ruleset.newer_schema:
                self._problem("nft-newer", "nft -j list ruleset",
                              "JSON schema version %s (nft %s) is newer than gotriage knows (1): "
                              "expressions it does not know are reported where they matter" % (
                                  ruleset.schema, ruleset.version))
            if ruleset.unknown:
                self._note(_("nft printed objects gotriage does not read: %(objects)s") % {"objects": ", ".join(sorted(set(ruleset.unknown))[:5])})
            return ruleset
        return self._memo("nft", compute)

    def _save(self, key, family, source):
        result = self.run(key)
        if not result.ok:
            if result.error is None and "Permission denied" in result.excerpt():
                self._note(_("`%(command)s` needs root") % {"command": key})
            return None, result
        save = parse_iptables_save(result.text, family, source)
        if save.errors:
            self._problem("ipt", key, "%d line(s) not understood, first: %s" % (
                len(save.errors), save.errors[0][1].strip()))
        return save, result

    def _nft_complete(self, family):
        """Whether nft's JSON shows every rule of the family's iptables-nft tables in full
        (no opaque `xt` match or target): then iptables-nft-save adds nothing."""
        nft = self.nft
        if nft is None:
            return False
        prefix = "ip" if family == "ipv4" else "ip6"
        for table in nft.tables.values():
            if table.family != prefix:
                continue
            for chain in table.chains.values():
                for rule in chain.rules:
                    if any(isinstance(e, dict) and "xt" in e for e in rule.expr):
                        return False
        return True

    def iptables_dumps(self, family):
        """{source: IptablesSave} of one family: iptables-nft (when nft's JSON hides its
        rules) and legacy (the rules nft never shows), read on first use."""
        def compute():
            dumps = {}
            tool = "iptables" if family == "ipv4" else "ip6tables"
            if not self._nft_complete(family):
                nft_save, _ = self._save("%s-nft-save" % tool, family, "iptables-nft")
                if nft_save is not None:
                    dumps["iptables-nft"] = nft_save
            legacy, result = self._save("%s-legacy-save" % tool, family, "iptables-legacy")
            if legacy is None and result.error == "not-found":
                plain, presult = self._save("%s-save" % tool, family, "iptables")
                if plain is not None:
                    header = presult.text.splitlines()[0] if presult.text else ""
                    if "nf_tables" in header:
                        dumps.setdefault("iptables-nft", plain)
                    else:
                        legacy = plain
            if legacy is not None and legacy.rule_count:
                legacy.source = "iptables-legacy"
                dumps["iptables-legacy"] = legacy
            return dumps
        return self._memo(("iptables", family), compute)

    def _load_family(self, ruleset, family):
        """Add a family's iptables dumps to `ruleset` (iptables-nft tables replace nft's
        opaque view of them)."""
        dumps = self.iptables_dumps(family)
        prefix = "ip" if family == "ipv4" else "ip6"
        if "iptables-nft" in dumps:
            ruleset.drop_nft_tables(["%s %s" % (prefix, name) for name in dumps["iptables-nft"].tables])
        for source in ("iptables-nft", "iptables-legacy"):
            if source in dumps:
                ruleset.add_iptables(dumps[source], source)
        ruleset.net.ipsets = self.ipsets

    @property
    def ipsets(self):
        """ipset contents for iptables `-m set` rules: {name: [entries]}."""
        def compute():
            sets = {}
            cfg = self.config
            if cfg is not None:
                for name, ipset in cfg.ipsets.items():
                    sets[name] = list(ipset.entries)
            loaded = [v for k, v in self._cache.items() if isinstance(k, tuple) and k[0] == "iptables"]
            if any("set" in r.modules for dumps in loaded for save in dumps.values()
                   for t in save.tables.values() for c in t.chains.values() for r in c.rules):
                result = self.run("ipset")
                if result.ok:
                    for line in result.text.splitlines():
                        parts = line.split()
                        if len(parts) >= 3 and parts[0] == "add":
                            sets.setdefault(parts[1], []).append(parts[2])
            return sets
        return self._memo("ipsets", compute)

    @property
    def ruleset(self):
        """The Ruleset to evaluate packets against, or None when nothing could be read."""
        def compute():
            net = HostNet(self.interfaces, self.routes)
            ruleset = Ruleset(net, family_loader=self._load_family)
            if self.nft is not None:
                ruleset.add_nft(self.nft)
            if self.nft is None and not any(self.iptables_dumps(f) for f in ("ipv4", "ipv6")):
                return None
            if self._nft_failed:
                self._note(_("the nftables ruleset could not be read: verdicts come from "
                             "firewalld's configuration, not from the packets"))
                return None
            return ruleset
        return self._memo("ruleset", compute)


def _element_text(element):
    if isinstance(element, dict):
        if "prefix" in element:
            return "%s/%s" % (element["prefix"].get("addr"), element["prefix"].get("len"))
        if "range" in element:
            return "%s-%s" % tuple(element["range"])
        if "elem" in element:
            return _element_text(element["elem"].get("val"))
    return str(element)
