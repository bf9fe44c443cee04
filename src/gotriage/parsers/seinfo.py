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
"""

import re

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


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
