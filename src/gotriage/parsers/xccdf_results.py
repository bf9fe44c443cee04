"""OpenSCAP's results: an XCCDF 1.2 (or 1.1) results file (`oscap xccdf eval --results`)
or an ARF report (`--results-arf`, the XCCDF TestResult inside an
arf:asset-report-collection, with the data stream whose Rules give the titles).  Pure:
the bytes in, a ScanResults out; anything that is not such a file raises ResultsError
with one line (a truncated or corrupt file included).

A DTD is refused unread: neither format has one, and an entity declaration is how an
XML file turns a few bytes into gigabytes.
"""

import io

XCCDF_NAMESPACES = ("http://checklists.nist.gov/xccdf/1.2", "http://checklists.nist.gov/xccdf/1.1")
RULE_PREFIX = "xccdf_org.ssgproject.content_rule_"
# the results that mean the host does not comply (XCCDF 1.2, 6.6.4.2)
FAILED = ("fail", "error", "unknown")


class ResultsError(ValueError):
    """Not a results file, or a damaged one: the message is one line."""


class ScanResults(object):
    __slots__ = ("benchmark", "profile", "start", "target", "results", "titles")

    def __init__(self):
        self.benchmark = self.profile = self.start = self.target = None
        self.results = []  # [(rule id without the SSG prefix, result)], in the file's order
        self.titles = {}  # rule id -> title, when the file holds the benchmark (ARF)

    def failed(self):
        return [(rule, result) for rule, result in self.results if result in FAILED]


def short_rule_id(idref):
    """The SCAP Security Guide's rule id without its XCCDF prefix.

    >>> short_rule_id("xccdf_org.ssgproject.content_rule_sshd_disable_root_login")
    'sshd_disable_root_login'
    """
    return idref[len(RULE_PREFIX):] if idref.startswith(RULE_PREFIX) else idref


def _local(tag):
    namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, name


def parse_xccdf_results(data):
    """The TestResult of an XCCDF results file or ARF report.  A real file oscap 1.3.7
    wrote (`--results`), cut to one rule:

    >>> scan = parse_xccdf_results(b'''<?xml version="1.0" encoding="UTF-8"?>
    ... <TestResult xmlns="http://checklists.nist.gov/xccdf/1.2"
    ...   id="xccdf_org.open-scap_testresult_default-profile"
    ...   start-time="2026-12-07T18:16:08+00:00" end-time="2026-12-07T18:16:08+00:00"
    ...   version="0.1.65" test-system="cpe:/a:redhat:openscap:1.3.7">
    ...   <benchmark href="#scap_org.open-scap_comp_ssg-debian11-xccdf.xml"
    ...     id="xccdf_org.ssgproject.content_benchmark_DEBIAN-11"/>
    ...   <title>OSCAP Scan Result</title><target>vm</target>
    ...   <rule-result idref="xccdf_org.ssgproject.content_rule_no_empty_passwords"
    ...     role="full" time="2026-12-07T18:16:08+00:00" severity="high" weight="1.000000">
    ...     <result>fail</result></rule-result>
    ... </TestResult>''')
    >>> scan.benchmark, scan.target, scan.failed()
    ('xccdf_org.ssgproject.content_benchmark_DEBIAN-11', 'vm', [('no_empty_passwords', 'fail')])
    >>> try:
    ...     parse_xccdf_results(b'<TestResult xmlns="http://checklists.nist.gov/xccdf/1.2"><rule-re')
    ... except ResultsError as exc:
    ...     print(exc)
    not a complete XML file (truncated or damaged): unclosed token: line 1, column 57
    """
    from xml.etree import ElementTree

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ResultsError("an XML file with a DTD or entities: not an OpenSCAP results file")
    scan = ScanResults()
    found = False
    try:
        for event, element in ElementTree.iterparse(io.BytesIO(data), events=("start", "end")):
            namespace, name = _local(element.tag)
            if namespace not in XCCDF_NAMESPACES:
                if event == "end":  # an ARF's data stream (OVAL, CPE...): not kept
                    element.clear()
                continue
            if event == "start":
                if name == "TestResult":
                    found = True
                    scan.start = element.get("start-time")
                continue
            if name == "Rule":
                title = element.find("{%s}title" % namespace)
                if title is not None and title.text:
                    scan.titles[short_rule_id(element.get("id", ""))] = " ".join(title.text.split())
                element.clear()
            elif name == "benchmark" and found and scan.benchmark is None:
                scan.benchmark = element.get("id") or element.get("href")
            elif name == "profile" and found:
                scan.profile = element.get("idref")
            elif name == "target" and found and scan.target is None:
                scan.target = (element.text or "").strip()
            elif name == "rule-result":
                result = element.find("{%s}result" % namespace)
                scan.results.append((short_rule_id(element.get("idref", "")),
                                     (result.text or "").strip() if result is not None else ""))
                element.clear()
    except ElementTree.ParseError as exc:
        raise ResultsError("not a complete XML file (truncated or damaged): %s" % exc) from None
    if not found:
        raise ResultsError("no XCCDF TestResult in it: not an OpenSCAP results file "
                           "(`oscap xccdf eval --results FILE` or `--results-arf FILE`)")
    return scan
