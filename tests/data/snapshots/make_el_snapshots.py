#!/usr/bin/env python3
"""Write the EL7, EL8 and EL9 snapshot fixtures of tests/test_el_snapshots.py.

Each fixture is a snapshot as docs/snapshot-format.md describes, built by hand: the
release files are real (tests/data/el, see SOURCES.md); the Go installs and the
`go env -json` outputs are modelled on each release's golang package and on the go.dev
tarball, in the exact JSON shape real Go prints.  Run it again after changing it:

    python3 tests/data/snapshots/make_el_snapshots.py
"""

import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
EL = os.path.join(os.path.dirname(HERE), "el")
PROBE = ["env", "-json", "GOROOT", "GOVERSION", "GOPATH", "GOCACHE", "GOMODCACHE", "GOENV",
         "GOFLAGS", "GO111MODULE", "GOTOOLCHAIN", "GOPROXY", "GOSUMDB", "GOPRIVATE",
         "GONOSUMDB", "GONOPROXY", "CGO_ENABLED", "CC", "GOOS", "GOARCH"]
FILE, EXE, DIR = 0o100644, 0o100755, 0o40755
PASSWD = ("root:x:0:0:root:/root:/bin/bash\n"
          "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n")


def real(release, path):
    with open(os.path.join(EL, release, path.lstrip("/"))) as f:
        return f.read()


def go_env(**values):
    """`go env -json` output: go prints the named variables sorted, tab-indented."""
    out = {name: "" for name in PROBE[2:]}
    out.update(values)
    if out.get("GOVERSION") is None:
        del out["GOVERSION"]  # go before 1.16 has no GOVERSION (it prints "")
    return json.dumps(out, indent="\t", sort_keys=True) + "\n"


def go_install(files, paths, root, version):
    files[root + "/VERSION"] = version + "\n"
    # bin/go's contents are not recorded (its stat is): the probe below is what go says
    paths[root + "/bin/go"] = {"stat": {"mode": EXE, "size": 16000000}}
    paths[root + "/pkg/tool"] = {"stat": {"mode": DIR}}


def probe(go, environ, stdout, duration):
    """The probe command exactly as gotriage runs it in the shell context: the shell's
    environment plus GOTOOLCHAIN=local, from /.  (Other contexts stay unrecorded.)"""
    return {"argv": [go] + PROBE, "env": dict(environ, GOTOOLCHAIN="local"), "cwd": "/",
            "returncode": 0, "stdout": stdout, "stderr": "", "duration": duration}


def write(name, manifest, files, paths, commands):
    target = os.path.join(HERE, name)
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    manifest = dict({"format": 1, "tool": "hand-built fixture"}, **manifest)
    with open(os.path.join(target, "gotriage-snapshot.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    with open(os.path.join(target, "paths.json"), "w") as f:
        json.dump(paths, f, indent=1, sort_keys=True)
    for path, content in files.items():
        dest = os.path.join(target, "files", path.lstrip("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w") as f:
            f.write(content)
    os.makedirs(os.path.join(target, "commands"))
    for number, entry in enumerate(commands, 1):
        with open(os.path.join(target, "commands", "%04d.json" % number), "w") as f:
            json.dump(entry, f, indent=1, sort_keys=True)


def el7():
    """CentOS 7, root: go.dev's go1.22.12 in /usr/local/go, on root's PATH through
    /etc/profile.d/go.sh but not on sudo's secure_path nor systemd's PATH."""
    files = {"/etc/os-release": real("centos-7.1.1503", "/etc/os-release"),
             "/etc/sudoers": real("rhel-10.0", "/etc/sudoers"),
             "/etc/passwd": PASSWD,
             "/etc/profile.d/go.sh": 'export PATH="$PATH:/usr/local/go/bin"\n'}
    paths = {"/etc/sudoers": {"stat": {"mode": 0o100440, "size": 4300}}}
    go_install(files, paths, "/usr/local/go", "go1.22.12")
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/root/bin:/usr/local/go/bin",
           "HOME": "/root", "USER": "root", "LANG": "en_US.UTF-8", "PWD": "/root"}
    out = go_env(GOROOT="/usr/local/go", GOVERSION="go1.22.12", GOPATH="/root/go",
                 GOCACHE="/root/.cache/go-build", GOMODCACHE="/root/go/pkg/mod",
                 GOENV="/root/.config/go/env", GOTOOLCHAIN="local",
                 GOPROXY="https://proxy.golang.org,direct", GOSUMDB="sum.golang.org",
                 CGO_ENABLED="1", CC="gcc", GOOS="linux", GOARCH="amd64")
    paths["/usr/bin/gcc"] = {"stat": {"mode": EXE}}
    files["/usr/include/stdlib.h"] = "/* glibc-devel */\n"
    commands = [probe("/usr/local/go/bin/go", env, out, 0.006),
                {"argv": ["systemctl", "show-environment"], "returncode": 0,
                 "stdout": "LANG=en_US.UTF-8\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n",
                 "stderr": "", "duration": 0.01}]
    write("el7-sudo-path", {"hostname": "centos7-build", "environ": env,
                            "identity": {"user": "root", "uid": 0, "gid": 0, "home": "/root",
                                         "shell": "/bin/bash"}}, files, paths, commands)


def el8():
    """Rocky 8.4, root, minimal: AppStream's go1.15.14 at /usr/lib/golang (/usr/bin/go is
    a symlink), no gcc; the project wants Go 1.21.1, embeds files, and has a toolchain line."""
    files = {"/etc/os-release": real("rocky-8.4", "/etc/os-release"),
             "/etc/sudoers": real("rhel-10.0", "/etc/sudoers"),
             "/etc/passwd": PASSWD,
             "/srv/app/go.mod": "module example.com/app\n\ngo 1.21.1\n\ntoolchain go1.21.13\n",
             "/srv/app/main.go": 'package main\n\nimport _ "embed"\n\n//go:embed VERSION\nvar version string\n\n'
                                 'func main() { println(version) }\n'}
    paths = {"/usr/bin/go": {"stat": {"mode": EXE}, "realpath": "/usr/lib/golang/bin/go"}}
    go_install(files, paths, "/usr/lib/golang", "go1.15.14")
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/root/bin", "HOME": "/root",
           "USER": "root", "LANG": "en_US.UTF-8", "PWD": "/srv/app"}
    out = go_env(GOROOT="/usr/lib/golang", GOVERSION=None, GOPATH="/root/go",
                 GOCACHE="/root/.cache/go-build", GOMODCACHE="/root/go/pkg/mod",
                 GOENV="/root/.config/go/env", GOPROXY="direct", GOSUMDB="off",
                 CGO_ENABLED="1", CC="gcc", GOOS="linux", GOARCH="amd64")
    commands = [probe("/usr/bin/go", env, out, 0.005)]
    write("el8-old-go", {"hostname": "rocky8-app", "environ": env,
                         "identity": {"user": "root", "uid": 0, "gid": 0, "home": "/root",
                                      "shell": "/bin/bash"}}, files, paths, commands)


def el9():
    """Rocky 9.3 as alice (not root): AppStream's go1.21.13 (/usr/bin/go) comes before
    go.dev's go1.22.12 on PATH, and alice once ran `go env -w GOROOT=/usr/local/go`."""
    files = {"/etc/os-release": real("rocky-9.3", "/etc/os-release"),
             "/etc/passwd": PASSWD,
             "/home/alice/.config/go/env": "GOROOT=/usr/local/go\n"}
    paths = {"/etc/sudoers": {"read": {"error": "EACCES"}, "stat": {"mode": 0o100440}},
             "/usr/bin/go": {"stat": {"mode": EXE}, "realpath": "/usr/lib/golang/bin/go"},
             "/home/alice": {"stat": {"mode": 0o40700, "uid": 1000, "gid": 1000}},
             # root-owned: left behind by a `sudo go build` in alice's home
             "/home/alice/.cache": {"stat": {"mode": DIR, "uid": 0, "gid": 0}}}
    go_install(files, paths, "/usr/lib/golang", "go1.21.13")
    go_install(files, paths, "/usr/local/go", "go1.22.12")
    env = {"PATH": "/home/alice/.local/bin:/home/alice/bin:/usr/local/bin:/usr/bin:/usr/local/go/bin",
           "HOME": "/home/alice", "USER": "alice", "LANG": "en_US.UTF-8", "PWD": "/home/alice"}
    out = go_env(GOROOT="/usr/local/go", GOVERSION="go1.21.13", GOPATH="/home/alice/go",
                 GOCACHE="/home/alice/.cache/go-build", GOMODCACHE="/home/alice/go/pkg/mod",
                 GOENV="/home/alice/.config/go/env", GOTOOLCHAIN="local",
                 GOPROXY="https://proxy.golang.org,direct", GOSUMDB="sum.golang.org",
                 CGO_ENABLED="0", CC="gcc", GOOS="linux", GOARCH="amd64")
    commands = [probe("/usr/bin/go", env, out, 0.007)]
    write("el9-goroot-envfile", {"hostname": "rocky9-dev", "environ": env,
                                 "identity": {"user": "alice", "uid": 1000, "gid": 1000,
                                              "home": "/home/alice", "shell": "/bin/bash"}},
          files, paths, commands)


if __name__ == "__main__":
    el7()
    el8()
    el9()
