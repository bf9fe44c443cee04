"""Per-target numbers of `gotriage probe`, as pure functions of its attempts.

Percentiles use the nearest-rank method: the p-th percentile of n sorted values is the
value at rank ceil(p/100 * n) (1-based), always one of the measured values, never an
interpolation.  They are taken over the successful attempts only (a timeout's latency is
the timeout, which says nothing about the server's speed); the error rate is over every
finished attempt.
"""

import collections
import math

PERCENTILES = (50, 95, 99)
SAMPLES = 3  # per-error samples kept for -v and --json

Summary = collections.namedtuple(
    "Summary", "planned finished ok failed error_rate p50 p95 p99 min max mean errors")
Summary.__doc__ = """A target's numbers: attempts `planned`, `finished`, `ok`, `failed`;
`error_rate` in percent of the finished ones (None when none finished); latencies of the
successful ones in seconds (None when none succeeded); `errors`: ErrorGroups, largest first."""

ErrorGroup = collections.namedtuple("ErrorGroup", "kind message count samples")
ErrorGroup.__doc__ = """The failures with one Go-worded `message`: their `kind`, `count`, and
up to SAMPLES (seq, latency) pairs."""


def nearest_rank(sorted_values, p):
    """The p-th percentile (0 < p <= 100) of ascending values, nearest-rank.

    >>> nearest_rank([15, 20, 35, 40, 50], 30), nearest_rank([15, 20, 35, 40, 50], 40)
    (20, 20)
    >>> nearest_rank([15, 20, 35, 40, 50], 50), nearest_rank([15, 20, 35, 40, 50], 100)
    (35, 50)
    >>> nearest_rank(list(range(1, 101)), 95), nearest_rank(list(range(1, 101)), 99)
    (95, 99)
    """
    if not sorted_values:
        return None
    if not 0 < p <= 100:
        raise ValueError("percentile %r is not in (0, 100]" % (p,))
    # p * n / 100 in exact integer arithmetic where it can be (95 * 20 / 100 is 19, not
    # 19.000000000000004 and rank 20)
    n = len(sorted_values)
    product = p * n
    rank = -(-product // 100) if float(p).is_integer() else int(math.ceil(product / 100.0))
    return sorted_values[max(1, int(rank)) - 1]


def summarize(attempts, planned):
    """A Summary of one target's Attempts (prober.Attempt or anything with ok, latency,
    kind, message, seq).

    >>> from collections import namedtuple
    >>> A = namedtuple("A", "seq ok latency kind message")
    >>> s = summarize([A(0, True, 0.010, None, None), A(1, False, 2.0, "timeout", "i/o timeout"),
    ...                A(2, True, 0.030, None, None), A(3, True, 0.020, None, None)], 5)
    >>> s.finished, s.ok, s.error_rate, s.p50, s.p95, s.errors[0].count
    (4, 3, 25.0, 0.02, 0.03, 1)
    """
    latencies = sorted(a.latency for a in attempts if a.ok)
    failed = [a for a in attempts if not a.ok]
    finished = len(attempts)
    groups = collections.OrderedDict()
    for a in sorted(failed, key=lambda a: a.seq):
        key = (a.kind, a.message)
        count, samples = groups.get(key, (0, []))
        if len(samples) < SAMPLES:
            samples.append((a.seq, a.latency))
        groups[key] = (count + 1, samples)
    errors = [ErrorGroup(kind, message, count, samples)
              for (kind, message), (count, samples) in groups.items()]
    errors.sort(key=lambda g: -g.count)
    p50, p95, p99 = (nearest_rank(latencies, p) for p in PERCENTILES)
    return Summary(
        planned, finished, len(latencies), len(failed),
        100.0 * len(failed) / finished if finished else None,
        p50, p95, p99,
        latencies[0] if latencies else None, latencies[-1] if latencies else None,
        sum(latencies) / len(latencies) if latencies else None,
        errors)
