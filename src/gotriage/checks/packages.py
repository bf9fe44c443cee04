"""The packages layer (dnf/yum): repositories, keys and caches, and where golang comes from."""
