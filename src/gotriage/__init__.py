"""gotriage: find out why Go will not build, run or serve on a RHEL-family host."""

__version__ = "0.1.0"
