"""The gate of `gotriage probe`: pure functions from the targets' Summaries and the
thresholds to the decisions, each with the numbers that decided it.

A limit is "at most": a value equal to its limit passes (compared with a tolerance of
1e-9, so that 7.000000000000001 is not above 7).  A target with no successful attempt
always fails (no latency to judge, nothing to compare).  Only the targets probed as
canaries are judged against the absolute limits; the baseline is their reference.
"""

import collections

EPSILON = 1e-9
DEFAULT_ERROR_INCREASE = 1.0   # points, when --baseline is given without a limit
DEFAULT_P95_RATIO = 1.5

Thresholds = collections.namedtuple(
    "Thresholds", "max_error_rate max_p95_ms max_error_increase max_p95_ratio")
Thresholds.__new__.__defaults__ = (None, None, None, None)

Decision = collections.namedtuple("Decision", "rule target value limit passed text")
Decision.__doc__ = """One judged rule: `rule` (answered, error-rate, p95,
error-increase, p95-ratio), `target` (its URL), `value` and `limit` (numbers; None when
the value cannot be computed), `passed`, and `text`, the line that says it."""


def judge(canaries, thresholds, baseline=None):
    """Decisions for [(url, Summary)] `canaries` against `thresholds`, and against
    `baseline` ((url, Summary)) when given.

    >>> from gotriage.probe.stats import Summary
    >>> s = Summary(20, 20, 19, 1, 5.0, 0.01, 0.02, 0.02, 0.01, 0.02, 0.015, [])
    >>> [d.passed for d in judge([("http://a/", s)], Thresholds(max_error_rate=5))]
    [True, True]
    >>> judge([("http://a/", s)], Thresholds(max_error_rate=4.99))[1].text
    'error rate of http://a/: 5.0% > 4.99% (1 of 20 failed)'
    """
    decisions = []
    for url, summary in canaries:
        decisions.append(_answered(url, summary))
        if thresholds.max_error_rate is not None and summary.error_rate is not None:
            decisions.append(_at_most(
                "error-rate", url, summary.error_rate, thresholds.max_error_rate, _pct,
                "error rate of %s" % url, " (%d of %d failed)" % (summary.failed, summary.finished)))
        if thresholds.max_p95_ms is not None:
            decisions.append(_at_most("p95", url, _ms(summary.p95), thresholds.max_p95_ms, _msec,
                                      "p95 of %s" % url, ""))
        if baseline is not None:
            decisions.extend(_against(url, summary, baseline, thresholds))
    if baseline is not None:
        decisions.append(_answered(baseline[0], baseline[1], role="baseline "))
    return decisions


def passed(decisions):
    return all(d.passed for d in decisions)


def _answered(url, summary, role=""):
    ok = summary.ok > 0
    if ok:
        text = "%s%s answered %d of %d" % (role, url, summary.ok, summary.finished)
    elif summary.finished:
        text = "%s%s never answered (%d of %d failed)" % (role, url, summary.failed, summary.finished)
    else:
        text = "%s%s: no attempt finished before the deadline" % (role, url)
    return Decision("answered", url, summary.ok, 1, ok, text)


def _against(url, summary, baseline, thresholds):
    base_url, base = baseline
    increase_limit = thresholds.max_error_increase
    if increase_limit is None:
        increase_limit = DEFAULT_ERROR_INCREASE
    ratio_limit = thresholds.max_p95_ratio
    if ratio_limit is None:
        ratio_limit = DEFAULT_P95_RATIO
    out = []
    increase = None
    if summary.error_rate is not None and base.error_rate is not None:
        increase = summary.error_rate - base.error_rate
    out.append(_at_most(
        "error-increase", url, increase, increase_limit, _points,
        "error rate of %s over the baseline's" % url,
        " (%s against %s)" % (_pct(summary.error_rate), _pct(base.error_rate))))
    ratio = None
    if summary.p95 is not None and base.p95 is not None:
        ratio = summary.p95 / base.p95 if base.p95 > 0 else float("inf")
    out.append(_at_most(
        "p95-ratio", url, ratio, ratio_limit, _times,
        "p95 of %s over the baseline's" % url,
        " (%s against %s)" % (_msec(_ms(summary.p95)), _msec(_ms(base.p95)))))
    return out


def _at_most(rule, url, value, limit, fmt, head, tail):
    """The Decision "value <= limit", worded `HEAD: VALUE <= LIMIT TAIL`."""
    if value is None:
        return Decision(rule, url, None, limit, False, "%s: not measured (no successful "
                                                       "attempt)%s" % (head, tail))
    ok = value <= limit + EPSILON
    return Decision(rule, url, value, limit, ok, "%s: %s %s %s%s" % (
        head, fmt(value), "<=" if ok else ">", fmt(limit), tail))


def _ms(seconds):
    return None if seconds is None else seconds * 1000.0


def _pct(value):
    return "n/a" if value is None else "%s%%" % _num(value)


def _points(value):
    return "%s points" % _num(value)


def _msec(value):
    return "n/a" if value is None else "%s ms" % _num(value)


def _times(value):
    return "%sx" % _num(value) if value != float("inf") else "infinite"


def _num(value):
    """A number as the view prints it: at least one decimal, up to 3 significant ones.

    >>> _num(5), _num(4.99), _num(51.234), _num(0.0004)
    ('5.0', '4.99', '51.2', '0.0004')
    """
    if value == int(value) and abs(value) < 1e15:
        return "%.1f" % value
    if abs(value) >= 10:
        return "%.1f" % value
    text = "%.3g" % value
    return text if "e" not in text else "%f" % value
