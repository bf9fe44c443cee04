"""repomd.xml: the index of a repository's metadata (what dnf and yum download first).

Sample (as createrepo_c 0.17 writes it, here with --simple-md-filenames and without its
filelists and other entries; the copy in dnf's cache is the same file):

>>> md = parse_repomd(b'''<?xml version="1.0" encoding="UTF-8"?>
... <repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
...   <revision>1730000000</revision>
...   <data type="primary">
...     <checksum type="sha256">15fd8ee5e93a42403b9d8f5c6421ed1fd7b8fe318e1f07fb19e54118df7b7d84</checksum>
...     <open-checksum type="sha256">b6e8355f8fe0983784e538db22c71b4e33f7c28f69848e73b54249e6232fa7db</open-checksum>
...     <location href="repodata/primary.xml.gz"/>
...     <timestamp>1730000000</timestamp>
...     <size>576</size>
...     <open-size>1118</open-size>
...   </data>
... </repomd>
... ''')
>>> md.error, md.revision, md.location("primary"), md.newest_timestamp
(None, '1730000000', 'repodata/primary.xml.gz', 1730000000)
>>> primary = md.data["primary"]
>>> primary.size, primary.checksum[:16]
(576, '15fd8ee5e93a4240')
>>> parse_repomd(b"<html><body>404 Not Found</body></html>").error
'root element is <html>, not <repomd>'

`revision` is usually the creation time (seconds since the epoch) but may be any string;
each `data` entry has the time its file was made.  dnf prints the newest of these as
"using metadata from <date>".  Never raises: a file that is not a repomd gives a Repomd
with `error` set.
"""

import re
import xml.etree.ElementTree as ET

_NS = "{http://linux.duke.edu/metadata/repo}"


class RepomdData(object):
    __slots__ = ("type", "location", "timestamp", "checksum", "size")

    def __init__(self, type, location=None, timestamp=None, checksum=None, size=None):
        self.type = type
        self.location = location
        self.timestamp = timestamp
        self.checksum = checksum
        self.size = size


class Repomd(object):
    def __init__(self):
        self.revision = None
        self.data = {}  # type -> RepomdData
        self.error = None

    @property
    def newest_timestamp(self):
        """The newest file time in the index (what dnf calls "metadata from"), or None."""
        stamps = [d.timestamp for d in self.data.values() if d.timestamp is not None]
        return max(stamps) if stamps else None

    def location(self, type):
        entry = self.data.get(type)
        return entry.location if entry is not None else None


def _number(text):
    try:
        return int(float((text or "").strip()))
    except ValueError:
        return None


def parse_repomd(data):
    """A Repomd from the bytes (or text) of a repomd.xml."""
    md = Repomd()
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or not data.strip():
        md.error = "empty file"
        return md
    if b"\0" in data:
        md.error = "binary data, not XML"
        return md
    # No DTDs: a repomd.xml never has one, and refusing them keeps entity expansion out.
    if re.search(rb"<!(DOCTYPE|ENTITY)", data[:4096]):
        md.error = "has a DTD (not a repomd.xml)"
        return md
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        md.error = "not well-formed XML (%s)" % err
        return md
    except (LookupError, ValueError) as err:
        # an encoding in the XML declaration that Python lacks ("TF-8"), that is not a
        # text encoding, or that expat cannot take
        md.error = "not well-formed XML (encoding: %s)" % err
        return md
    if root.tag not in (_NS + "repomd", "repomd"):
        md.error = "root element is <%s>, not <repomd>" % root.tag.replace(_NS, "")
        return md

    def child(node, name):
        found = node.find(_NS + name)
        return found if found is not None else node.find(name)

    revision = child(root, "revision")
    if revision is not None and revision.text:
        md.revision = revision.text.strip()
    for entry in list(root.findall(_NS + "data")) + list(root.findall("data")):
        kind = entry.get("type")
        if not kind:
            continue
        location = child(entry, "location")
        checksum = child(entry, "checksum")
        md.data[kind] = RepomdData(
            kind,
            location.get("href") if location is not None else None,
            _number(child(entry, "timestamp").text) if child(entry, "timestamp") is not None else None,
            checksum.text.strip() if checksum is not None and checksum.text else None,
            _number(child(entry, "size").text) if child(entry, "size") is not None else None)
    if "primary" not in md.data and "primary_db" not in md.data:
        md.error = "lists no primary metadata"
    return md
