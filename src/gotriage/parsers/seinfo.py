"""setools' seinfo, the listing form: `seinfo POLICY --flat -t` prints the policy's type
names one per line, without the count header and the indentation.  A real sample (Debian
12, setools 4.4.1, the reference policy policy.33, 3,936 types; the first three):

>>> sorted(parse_seinfo_names('''NetworkManager_etc_rw_t
... NetworkManager_etc_t
... NetworkManager_exec_t
... '''))
['NetworkManager_etc_rw_t', 'NetworkManager_etc_t', 'NetworkManager_exec_t']
>>> print(parse_seinfo_names("Types: 3936\\n"))   # not the listing form
None

With -x each type is a statement with its aliases and attributes, `-c` adds the object
classes (each with its own permissions and the common it inherits) and `--common` the
commons' permissions: what gotriage asks, `seinfo POLICY --flat -t -x -c --common`, in
one run.  Real lines of the same policy (the permission lists cut short):

>>> listing = parse_seinfo_listing('''class file
... inherits file
... {
... \\tentrypoint
... \\texecute_no_trans
... }
... class tcp_socket
... inherits socket
... {
... \\tname_connect
... }
... common file
... {
... \\tappend
... \\tread
... }
... common socket
... {
... \\tbind
... \\tname_bind
... }
... type bin_t alias { systemd_run_exec_t ls_exec_t sbin_t }, entry_type, exec_type, file_type;
... type httpd_t, can_change_object_identity, daemon, domain, nsswitch_domain;
... type NetworkManager_runtime_t alias NetworkManager_var_run_t, file_type, pidfile;
... type unlabeled_t;
... ''')
>>> sorted(listing.types)
['NetworkManager_runtime_t', 'bin_t', 'httpd_t', 'unlabeled_t']
>>> sorted(listing.attributes["httpd_t"])
['can_change_object_identity', 'daemon', 'domain', 'nsswitch_domain']
>>> listing.aliases["sbin_t"], listing.aliases["NetworkManager_var_run_t"]
('bin_t', 'NetworkManager_runtime_t')
>>> sorted(listing.classes)
['file', 'tcp_socket']
>>> sorted(listing.perms["file"]), sorted(listing.perms["tcp_socket"])
(['append', 'entrypoint', 'execute_no_trans', 'read'], ['bind', 'name_bind', 'name_connect'])
"""

import re

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_IDENT = r"[A-Za-z][A-Za-z0-9_.-]*"
_TYPE = re.compile(r"^type (%s)(?: alias (?:(%s)|\{ ((?:%s )+)\}))?((?:, %s)*);$" % (
    _IDENT, _IDENT, _IDENT, _IDENT))
_BLOCK = re.compile(r"^(class|common|inherits) (%s)$" % _IDENT)
_PERM = re.compile(r"^\t(%s)$" % _IDENT)


class Listing(object):
    """The policy's types (a frozenset), {alias: type}, {type: frozenset of its
    attributes} (None when the listing did not carry them), its classes (a frozenset, or
    None when not listed) and {class: frozenset of its permissions, its common's too}
    (None when the commons were not listed)."""

    __slots__ = ("types", "aliases", "attributes", "classes", "perms")

    def __init__(self, types, aliases=None, attributes=None, classes=None, perms=None):
        self.types = types
        self.aliases = aliases or {}
        self.attributes = attributes
        self.classes = classes
        self.perms = perms


def parse_seinfo_names(text):
    """The names `seinfo --flat` lists one per line, as a frozenset; None when a line is not
    a policy identifier (the answer is not such a list) or there are none."""
    names = set()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not _NAME.match(line):
            return None
        names.add(line)
    return frozenset(names) or None


def parse_seinfo_listing(text):
    """A Listing of `seinfo POLICY --flat -t -x -c --common` (or of the bare names of
    `--flat -t`), or None when a line is of neither form or no type is listed."""
    if not text.startswith(("type ", "class ", "common ")):
        names = parse_seinfo_names(text)
        return Listing(names) if names else None
    types, aliases, attributes = set(), {}, {}
    own, inherits, commons = {}, {}, {}
    block = name_of_class = None  # the class or common being read, its permissions
    for line in text.splitlines():
        match = _TYPE.match(line)
        if match:
            name = match.group(1)
            types.add(name)
            for alias in [match.group(2)] + (match.group(3) or "").split():
                if alias:
                    aliases[alias] = name
            attributes[name] = frozenset(a for a in (match.group(4) or "").split(", ") if a)
            continue
        match = _BLOCK.match(line) or _PERM.match(line)
        if match and match.re is _BLOCK:
            kind, name = match.groups()
            if kind == "inherits":
                if name_of_class is None:
                    return None
                inherits[name_of_class] = name
            else:
                block = (own if kind == "class" else commons).setdefault(name, set())
                name_of_class = name if kind == "class" else None
        elif match:
            if block is None:
                return None
            block.add(match.group(1))
        elif line not in ("{", "}", ""):
            return None
    if not types:
        return None
    perms = None
    if commons or not inherits:
        perms = {name: frozenset(mine | commons.get(inherits.get(name), set()))
                 for name, mine in own.items()}
    return Listing(frozenset(types), aliases, attributes, frozenset(own) or None, perms)
