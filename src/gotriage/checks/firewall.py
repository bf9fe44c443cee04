"""The firewall layer: for the ports Go services listen on, who can connect and why."""
