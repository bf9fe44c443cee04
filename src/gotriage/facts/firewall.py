"""Facts for the firewall layer, gathered through the Host."""


class FirewallFacts(object):
    def __init__(self, host):
        self.host = host
        self.notes = []

    @classmethod
    def from_options(cls, host, options):
        return cls(host)
