"""`gotriage explain`: pasted error text -> the causes, the evidence and the fixes
(match.py, denials.py), confirmed on a host when there is one (confirm.py), printed by
command.py."""
