"""`gotriage fleet`: commands about many hosts, run on a workstation (docs/fleet.md)."""
