"""nft JSON expressions written back in nft's own syntax (close to `nft list
ruleset`), for the rule a verdict names."""


def nft_rule_text(exprs):
    """A rule's expressions in nft's own syntax (close to `nft list ruleset`)."""
    return " ".join(t for t in (nft_expr_text(e) for e in exprs) if t)


def _v(value):
    if isinstance(value, dict):
        if "set" in value:
            items = value["set"] if isinstance(value["set"], list) else [value["set"]]
            return "{ %s }" % ", ".join(_v(i) for i in items)
        if "prefix" in value:
            return "%s/%s" % (value["prefix"].get("addr"), value["prefix"].get("len"))
        if "range" in value:
            return "%s-%s" % tuple(_v(x) for x in value["range"])
        if "concat" in value:
            return " . ".join(_v(x) for x in value["concat"])
        if "elem" in value:
            return _v(value["elem"].get("val"))
        if "payload" in value:
            p = value["payload"]
            if "base" in p:
                return "@%s,%s,%s" % (p.get("base"), p.get("offset"), p.get("len"))
            return "%s %s" % (p.get("protocol"), p.get("field"))
        if "meta" in value:
            key = value["meta"].get("key")
            return key if key in ("iifname", "oifname", "iif", "oif", "mark", "l4proto", "nfproto") else "meta " + key
        if "ct" in value:
            c = value["ct"]
            return "ct %s%s" % (c.get("dir") + " " if c.get("dir") else "", c.get("key"))
        if "fib" in value:
            return "fib %s %s" % (" . ".join(value["fib"].get("flags") or []), value["fib"].get("result"))
        if "&" in value:
            return "%s & %s" % (_v(value["&"][0]), _v(value["&"][1]))
        if "|" in value:
            return "%s | %s" % (_v(value["|"][0]), _v(value["|"][1]))
        if len(value) == 1:
            k, b = next(iter(value.items()))
            return "%s %s" % (k, _v(b) if not isinstance(b, dict) else "")
        return str(value)
    if isinstance(value, list):
        return ",".join(_v(v) for v in value)
    if isinstance(value, bool):
        return "exists" if value else "missing"
    if isinstance(value, str):
        if value.startswith("@"):
            return value
        if any(c in value for c in " -") or value in ("lo",) or value.startswith("rfw") or "*" in value:
            return '"%s"' % value
        return value
    return str(value)


def nft_expr_text(expr):
    if not isinstance(expr, dict) or len(expr) != 1:
        return str(expr)
    key, body = next(iter(expr.items()))
    if key == "match":
        op = body.get("op", "==")
        left, right = _v(body.get("left")), _v(body.get("right"))
        if op in ("==", "in", "implicit"):
            return "%s %s" % (left, right)
        return "%s %s %s" % (left, op, right)
    if key in ("accept", "drop", "return", "continue"):
        return key
    if key in ("jump", "goto"):
        return "%s %s" % (key, body.get("target"))
    if key == "reject":
        if not body:
            return "reject"
        if body.get("type") in ("tcp reset", "tcp-reset"):
            return "reject with tcp reset"
        return "reject with %s %s" % (body.get("type", "icmpx"), body.get("expr", "port-unreachable"))
    if key == "counter":
        return ""
    if key == "log":
        return "log" + (' prefix "%s"' % body.get("prefix") if isinstance(body, dict) and body.get("prefix") else "")
    if key == "limit":
        return "limit rate %s%s/%s" % ("over " if body.get("inv") else "", body.get("rate"), body.get("per"))
    if key == "xt":
        return "xt %s %s" % (body.get("type"), body.get("name"))
    if key == "vmap":
        return "%s vmap %s" % (_v(body.get("key")), _v(body.get("data")))
    if key == "mangle":
        return "%s set %s" % (_v(body.get("key")), _v(body.get("value")))
    if key in ("dnat", "snat", "redirect", "masquerade"):
        body = body or {}
        target = "%s%s" % (body.get("addr", ""), ":%s" % body.get("port") if body.get("port") else "")
        return "%s%s" % (key, " to " + target if target else "")
    if key == "queue":
        return "queue"
    return key
