"""The oldest Linux kernel each Go release runs on.

Sources: the Go release notes and wiki "MinimumRequirements": Go up to 1.23 requires
Linux 2.6.32 or later; Go 1.24 raised it to Linux 3.2 (go.dev/doc/go1.24#linux).  A Go
binary on an older kernel dies at start-up because the epoll system calls it needs are
missing (ENOSYS, errno 38): `runtime: epollcreate failed with 38` / `epollwait failed with
38` (EL5's 2.6.18 is the classic case).
"""

from gotriage.versions import dotted_numbers

MIN_KERNEL_BY_GO = (
    ((1, 24), (3, 2)),   # go.dev/doc/go1.24: "Go 1.24 requires Linux kernel version 3.2 or later"
    ((1, 0), (2, 6, 32)),  # go.dev/wiki/MinimumRequirements (Go 1.x up to 1.23)
)

EPOLL_ENOSYS = "runtime: epollcreate failed with 38"
# The oldest kernel any Go release supports: below it no Go release is the fix (Go's
# install docs long said "CentOS/RHEL 5.x not supported": their 2.6.18 is below it).
OLDEST_SUPPORTED = min(kernel for _, kernel in MIN_KERNEL_BY_GO)


def _go_release(go_version):
    """'go1.24.1' / '1.22rc1' -> (1, 24) / (1, 22), or None."""
    parts = dotted_numbers(go_version)
    if not parts:
        return None
    return tuple(parts + (0,))[:2]


def min_kernel(go_version):
    """The minimum kernel (a tuple) for a Go version string ('go1.24.1', '1.22'), or None."""
    version = _go_release(go_version)
    if version is None:
        return None
    for since, kernel in MIN_KERNEL_BY_GO:
        if version[:2] >= since:
            return kernel
    return None


def parse_kernel(release):
    """'5.14.0-362.el9.x86_64' -> (5, 14, 0); '2.6.32-754.el6' -> (2, 6, 32); None if unparsable."""
    if not release or not release[:1].isdigit():
        return None
    return dotted_numbers(release) or None


def format_kernel(version):
    return ".".join(str(p) for p in version)


def kernel_fixes(running):
    """What makes a Go program run on a kernel (a tuple) older than the minimum of the Go
    release that built it: the last Go releases that support that kernel when there are
    some, else what does run Go (a newer kernel), never "an older Go" that fails too."""
    from gotriage.i18n import _

    if running < OLDEST_SUPPORTED:
        return [_("no Go release supports Linux %(kernel)s: every one needs %(oldest)s or later "
                  "(Go up to 1.23: 2.6.32, as EL6 ships; Go 1.24 and later: 3.2, EL7's 3.10 and "
                  "newer)") % {"kernel": format_kernel(running),
                               "oldest": format_kernel(OLDEST_SUPPORTED)},
                _("run it on a host or release with a newer kernel (EL6 or later; EL7 or "
                  "later for Go 1.24+)")]
    first_too_new = min(since for since, kernel in MIN_KERNEL_BY_GO if kernel > running)
    floor = max(kernel for _since, kernel in MIN_KERNEL_BY_GO if kernel <= running)
    return [_("build with Go %(major)d.%(minor)d or older (the last releases for Linux "
              "%(kernel)s)") % {"major": first_too_new[0], "minor": first_too_new[1] - 1,
                                "kernel": format_kernel(floor)},
            _("or move the program to a release with a newer kernel")]


# The kernel each EL major release ships (its kernel package's base version), for
# `gotriage binary --target elN`: EL5 2.6.18, EL6 2.6.32, EL7 3.10.0, EL8 4.18.0, EL9
# 5.14.0, EL10 6.12.0 (Red Hat Enterprise Linux release dates and kernel versions,
# access.redhat.com article 3078).
EL_KERNEL = {5: "2.6.18", 6: "2.6.32", 7: "3.10.0", 8: "4.18.0", 9: "5.14.0", 10: "6.12.0"}
