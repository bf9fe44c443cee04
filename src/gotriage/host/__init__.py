"""Hosts: the live machine, a snapshot, and a recorder (see base.py)."""

from gotriage.host.base import CommandResult, Host, HostError, Identity, StatResult  # noqa: F401


def open_host(root=None, archive_limits=None):
    """The live host when `root` is None, else the snapshot directory or archive at `root`
    (an archive is checked against `archive_limits`, an ArchiveLimits, or the defaults)."""
    if root is None:
        from gotriage.host.live import LiveHost

        return LiveHost()
    from gotriage.host.snapshot import open_snapshot

    return open_snapshot(root, archive_limits)
