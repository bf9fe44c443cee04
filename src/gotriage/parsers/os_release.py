"""os-release(5): KEY=value lines, values optionally quoted.

Sample (Rocky Linux 9.3, /etc/os-release):

>>> values = parse_os_release('''NAME="Rocky Linux"
... VERSION="9.3 (Blue Onyx)"
... ID="rocky"
... ID_LIKE="rhel centos fedora"
... VERSION_ID="9.3"
... PLATFORM_ID="platform:el9"
... ''')
>>> print(values["NAME"], "|", values["VERSION"], "|", values["ID_LIKE"])
Rocky Linux | 9.3 (Blue Onyx) | rhel centos fedora
>>> el_major(values), package_manager(values)
(9, 'dnf')
"""

import re
import shlex


def parse_os_release(text):
    """The os-release variables as a dict (unparseable lines are skipped)."""
    values = {}
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip()
        if not key.replace("_", "").isalnum():
            continue
        try:
            parts = shlex.split(value)
            value = parts[0] if parts else ""
        except ValueError:
            value = value.strip().strip("\"'")
        values[key] = value
    return values


_DIGITS = re.compile(r"[0-9]+\Z")  # not str.isdigit(): "²" is a digit to it, not to int()


def el_major(values):
    """The EL major release (7, 8, 9, 10) of an os-release dict, or None for other systems."""
    likes = (values.get("ID", "") + " " + values.get("ID_LIKE", "")).split()
    platform = values.get("PLATFORM_ID", "")
    if platform.startswith("platform:el"):
        digits = platform[len("platform:el"):]
        return int(digits) if _DIGITS.match(digits) else None
    if {"rhel", "centos", "fedora"} & set(likes) and values.get("ID") != "fedora":
        head = values.get("VERSION_ID", "").split(".")[0]
        return int(head) if _DIGITS.match(head) else None
    return None


def package_manager(values):
    """'dnf', 'yum' or 'apt-get': what installs packages on this system."""
    likes = set((values.get("ID", "") + " " + values.get("ID_LIKE", "")).split())
    if likes & {"debian", "ubuntu"}:
        return "apt-get"
    major = el_major(values)
    if major is not None and major <= 7:
        return "yum"
    return "dnf"
