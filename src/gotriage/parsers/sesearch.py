"""setools' sesearch, the allow rules it prints (`sesearch -A ...`): one rule a line, its
source and target a type or an attribute, one permission bare or several in braces, and a
conditional rule followed by its boolean expression.  Real lines (Debian 12, setools
4.4.1, the reference policy policy.33, `sesearch -A -rs -s '^(httpd_t)$' -c dir,tcp_socket`):

>>> for rule in parse_sesearch_allow('''allow daemon init_t:tcp_socket { getattr getopt ioctl read setopt write };
... allow daemon netlabel_peer_t:tcp_socket recvfrom;
... allow httpd_t file_context_t:file map; [ allow_kerberos ]:True
... allow daemon device_t:dir { getattr ioctl lock open read search }; [ init_daemons_use_tty ]:True
... allowxperm httpd_t self:tcp_socket ioctl { 0x8910 };
... '''):
...     print(rule[0], rule[1], rule[2], sorted(rule[3]))
daemon init_t tcp_socket ['getattr', 'getopt', 'ioctl', 'read', 'setopt', 'write']
daemon netlabel_peer_t tcp_socket ['recvfrom']
httpd_t file_context_t file ['map']
daemon device_t dir ['getattr', 'ioctl', 'lock', 'open', 'read', 'search']

(allowxperm rules and anything else are not allow rules, and are left out.)
"""

import re

_ALLOW = re.compile(r"^\s*allow (\S+) (\S+):(\S+) (?:\{ ([^{}]*) \}|([^\s;{}]+));")


def parse_sesearch_allow(text):
    """[(source, target, class, frozenset of permissions)] of the allow rules in `text`,
    in its order."""
    rules = []
    for line in text.splitlines():
        match = _ALLOW.match(line)
        if match:
            perms = (match.group(4) or match.group(5)).split()
            rules.append((match.group(1), match.group(2), match.group(3), frozenset(perms)))
    return rules
