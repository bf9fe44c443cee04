"""How long a run takes when every command it starts hangs (run by hand, as root, not a
test: tests/test_deadline.py asserts the bound, this measures it).

    .venv/bin/python bench/bench_hung.py [--runs 1] [-- EXTRA GOTRIAGE OPTIONS]

Each fake tool is bind-mounted over the real one in a private mount namespace
(tests/hung_support.py).  Prints, for `check` with its default options, `check --timeout 2`,
`check --deadline 10`, `check --timeout 2 --deadline 10` (the last two once --deadline
exists), `port` and `service`: the wall time, how many hung commands were started, and
whether any of them outlived gotriage.
"""

import argparse
import os
import sys
import tempfile
import time

import _common

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from hung_support import alive, run_with_hung_tools  # noqa: E402

UNIT = """[Unit]
Description=bench

[Service]
ExecStart=/usr/local/bin/bench-app
User=root
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-deadline", action="store_true",
                        help="only the runs without --deadline (for a gotriage without it)")
    parser.add_argument("extra", nargs="*")
    args = parser.parse_args()
    _common.as_users_run()
    tmp = tempfile.mkdtemp(prefix="bench-hung-")
    unit = os.path.join(tmp, "bench-app.service")
    with open(unit, "w") as f:
        f.write(UNIT)
    cases = [["check"], ["check", "--timeout", "2"]]
    if not args.no_deadline:
        cases += [["check", "--deadline", "10"], ["check", "--timeout", "2", "--deadline", "10"],
                  ["service", unit], ["port", "8080", "--from", "127.0.0.1"]]
    for case in cases:
        for i in range(args.runs):
            work = os.path.join(tmp, "run-%d-%d" % (cases.index(case), i))
            os.mkdir(work)
            proc, elapsed, fakes = run_with_hung_tools(work, case + args.extra)
            time.sleep(0.2)
            left = [f for f in fakes if alive(f[0])]
            started = [f for f in fakes if not f[2].endswith("(child)")]
            print("%-45s %6.1f s  exit %d  %2d hung commands started (%d distinct tools)  "
                  "%d left running" % (" ".join(case), elapsed, proc.returncode, len(started),
                                       len(set(f[2] for f in started)), len(left)))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
