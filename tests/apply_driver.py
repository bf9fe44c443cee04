"""Run the apply engine on a plan described in JSON, print the outcome as JSON: the tests
run it inside namespaces they create (a private mount namespace, the firewall bed's),
where the engine changes files and firewalld for real.

    python apply_driver.py PLAN.json

PLAN.json: {"state_dir": DIR, "backup_dir": DIR, "restarts": [],
            "steps": [{"kind": "file", "path": P, "content": TEXT | null, "mode": "0644",
                       "remove": false}
                      | {"kind": "command", "argv": [...]}]}
A file step's `expect` is what the file holds when the driver starts (the plan is made
now), unless the step gives one.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "src"))

from gotriage.apply.commands import bind  # noqa: E402
from gotriage.apply.engine import ApplyError, Engine  # noqa: E402
from gotriage.apply.plan import ABSENT, CommandStep, FileStep, Plan, sha256  # noqa: E402


def current(path):
    try:
        with open(path, "rb") as f:
            return sha256(f.read())
    except FileNotFoundError:
        return ABSENT


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    steps = []
    for s in spec["steps"]:
        if s["kind"] == "file":
            content = s.get("content")
            steps.append(FileStep(s["path"], content=None if content is None else
                                  content.encode("utf-8"), mode=s.get("mode"),
                                  expect=s.get("expect") or current(s["path"]),
                                  remove=s.get("remove", False), why="test"))
        else:
            bound = bind(s["argv"])
            assert bound is not None, s["argv"]
            steps.append(CommandStep(bound, why="test"))
    plan = Plan("test", steps, restarts=spec.get("restarts", ()))
    engine = Engine(plan, spec["backup_dir"], state_dir=spec["state_dir"], timeout=60)
    try:
        out = engine.apply()
    except ApplyError as exc:
        print(json.dumps({"refused": str(exc)}))
        return
    print(json.dumps({"ok": out.ok, "failure": out.failure, "done": out.done,
                      "skipped": out.skipped, "undone": out.undone,
                      "rollback_errors": out.rollback_errors, "validated": out.validated,
                      "reloaded": out.reloaded}))


if __name__ == "__main__":
    main()
