"""How long a whole run may take by default (`--deadline`): a constant of its own, so
that the checks that word a hung command (checks/unanswered.py) and the host that
enforces the deadline (host/base.py) share it without the checks importing the host."""

DEFAULT_DEADLINE = 60.0
