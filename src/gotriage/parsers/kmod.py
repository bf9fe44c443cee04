"""Kernel modules: /proc/modules (loaded), modules.builtin and modules.dep (available).

/proc/modules sample (EL9):

>>> loaded = parse_proc_modules('''nf_conntrack 188416 6 nft_ct,nf_nat,xt_conntrack,xt_MASQUERADE,Live 0xffffffffc0a1c000
... nf_defrag_ipv6 24576 1 nf_conntrack, Live 0xffffffffc0a14000
... ''')
>>> sorted(loaded)
['nf_conntrack', 'nf_defrag_ipv6']

modules.dep sample (/lib/modules/5.14.0-362.el9.x86_64/modules.dep); modules.builtin
lists one path per line (kernel/net/netfilter/nf_conntrack.ko):

>>> sorted(parse_module_paths(
...     "kernel/net/netfilter/nf_conntrack.ko.xz: kernel/net/ipv6/netfilter/nf_defrag_ipv6.ko.xz\\n"))
['nf_conntrack']
>>> module_name("kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz"), module_name("kernel/fs/nls/nls-utf8.ko")
('e1000e', 'nls_utf8')
"""

import posixpath


def module_name(path):
    """'kernel/net/netfilter/nf_conntrack.ko.xz' -> 'nf_conntrack' (dashes read as '_')."""
    base = posixpath.basename(path.strip().rstrip(":"))
    for suffix in (".xz", ".zst", ".gz"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    if base.endswith(".ko"):
        base = base[:-3]
    return base.replace("-", "_")


def parse_proc_modules(text):
    """Names of the loaded modules."""
    return {line.split()[0] for line in (text or "").splitlines() if line.split()}


def parse_module_paths(text):
    """Names of the modules in modules.builtin or modules.dep (the part before ':')."""
    names = set()
    for line in (text or "").splitlines():
        path = line.split(":", 1)[0].strip()
        if path:
            names.add(module_name(path))
    return names
