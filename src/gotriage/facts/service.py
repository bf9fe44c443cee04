"""Facts for the service layer, gathered through the Host."""


class ServiceFacts(object):
    def __init__(self, host):
        self.host = host
        self.notes = []

    @classmethod
    def from_options(cls, host, options):
        return cls(host)
