"""The network hosts in mainland China are on: what Go's and CentOS's own servers are
replaced with there, as alternatives a fix may offer (never as the first step: a host
outside China must not be told to use them).

From mainland China proxy.golang.org, sum.golang.org and go.dev's downloads usually do not
answer; teams there set GOPROXY to a domestic module proxy and GOSUMDB to
sum.golang.google.cn, and point end-of-life CentOS repositories at a domestic copy of
vault.centos.org.  Sources (checked 2026-12-07; docs/explain.md, "The network in
mainland China", and docs/releases.md):

- GOSUMDB=sum.golang.google.cn is the sum.golang.org database served from China: go
  rewrites the name to "sum.golang.org https://sum.golang.google.cn", so the same key
  verifies it (golang/go src/cmd/go/internal/modfetch/sumdb.go, dbDial, read in Debian's
  go 1.19 source /usr/lib/go-1.19 and in go1.27.3's; the Go 1.13-era `go help
  module-auth`: "the name sum.golang.google.cn (available inside mainland China) connects
  to the sum.golang.org checksum database").
- https://golang.google.cn/dl/ is go.dev/dl served in China: golang/website's
  cmd/golangorg serves the site, download pages included, for the host golang.google.cn.
- https://goproxy.cn (goproxy/goproxy.cn's README; its issue threads show the setting
  `GOPROXY=https://goproxy.cn,direct`) and https://mirrors.aliyun.com/goproxy/ (Alibaba
  Cloud's mirror page https://developer.aliyun.com/mirror/goproxy).
- the vault copies https://mirrors.aliyun.com/centos-vault/ and
  https://mirrors.tuna.tsinghua.edu.cn/centos-vault/ (its help page
  https://mirrors.tuna.tsinghua.edu.cn/help/centos-vault/): the same tree as
  vault.centos.org under another prefix.
"""

import re

OFFICIAL_PROXY_HOST = "proxy.golang.org"
OFFICIAL_SUMDB = "sum.golang.org"

# (GOPROXY value, who runs it), the first one the one a fix shows as a command
CHINA_GOPROXIES = (
    ("https://goproxy.cn,direct", "the goproxy.cn module proxy (run by Qiniu)"),
    ("https://mirrors.aliyun.com/goproxy/,direct", "Alibaba Cloud's module proxy"),
)
CHINA_GOSUMDB = "sum.golang.google.cn"
# go.dev/dl served in China by the same server (golang/website cmd/golangorg registers the
# download pages for the host golang.google.cn too)
CHINA_GO_DOWNLOAD_URL = "https://golang.google.cn/dl/"

# hosts of module proxies that already serve mainland China: a GOPROXY naming one is
# respected (no advice to switch back to proxy.golang.org)
CHINA_PROXY_HOSTS = ("goproxy.cn", "mirrors.aliyun.com", "goproxy.io",
                     "mirrors.cloud.tencent.com")

CENTOS_VAULT = "https://vault.centos.org/"
# (prefix that replaces CENTOS_VAULT, who runs it)
CHINA_CENTOS_VAULTS = (
    ("https://mirrors.aliyun.com/centos-vault/", "Alibaba Cloud"),
    ("https://mirrors.tuna.tsinghua.edu.cn/centos-vault/", "Tsinghua TUNA"),
)

SOURCES = (
    "https://go.dev/ref/mod#authenticating",
    "https://github.com/golang/website/blob/master/cmd/golangorg/server.go",
    "https://github.com/goproxy/goproxy.cn",
    "https://developer.aliyun.com/mirror/goproxy",
    "https://mirrors.tuna.tsinghua.edu.cn/help/centos-vault/",
    "https://developer.aliyun.com/mirror/centos-vault",
)


def _host(url):
    return url.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1].split(":")[0].lower()


def is_official_proxy(url):
    """Whether a GOPROXY entry is proxy.golang.org.

    >>> is_official_proxy("https://proxy.golang.org"), is_official_proxy("https://goproxy.cn")
    (True, False)
    """
    return _host(url) == OFFICIAL_PROXY_HOST


def names_china_proxy(goproxy):
    """Whether a GOPROXY list already names a proxy that serves mainland China.

    >>> names_china_proxy("https://goproxy.cn,direct")
    True
    >>> names_china_proxy("https://proxy.golang.org,direct")
    False
    """
    entries = [e.strip() for e in re.split(r"[,|]", goproxy or "") if e.strip()]
    return any(_host(e) in CHINA_PROXY_HOSTS for e in entries if e not in ("direct", "off"))


def china_vault_urls(url):
    """The domestic copies of a vault.centos.org URL ([(url, who)]), [] for any other URL
    and for AltArch (whose copies were not verified).

    >>> china_vault_urls("https://vault.centos.org/7.9.2009/os/$basearch/")[0][0]
    'https://mirrors.aliyun.com/centos-vault/7.9.2009/os/$basearch/'
    >>> china_vault_urls("https://vault.centos.org/altarch/7.9.2009/os/$basearch/")
    []
    """
    for prefix in (CENTOS_VAULT, "http://vault.centos.org/"):
        if url.startswith(prefix):
            rest = url[len(prefix):]
            if rest.startswith("altarch/"):
                return []
            return [(mirror + rest, who) for mirror, who in CHINA_CENTOS_VAULTS]
    return []
