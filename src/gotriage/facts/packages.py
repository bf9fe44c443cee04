"""Facts for the packages layer (dnf/yum), gathered through the Host."""


class PackagesFacts(object):
    def __init__(self, host):
        self.host = host
        self.notes = []

    @classmethod
    def from_options(cls, host, options):
        return cls(host)
