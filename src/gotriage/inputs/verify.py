"""What `gotriage verify` reads and runs (verify/gather.py, verify/runtime.py;
docs/verify.md): a Go tree's VERSION and programs (hashed whole, read in ranges), the
package manager's verdict on a packaged go, an archive's bytes, and with --build the go
under test building and running hello programs in its own temporary directory."""

from gotriage.inputs.spec import Command, File, Layer, Listing, Meta

RPM_NAME_FORMAT = "%{NAME}\\n"
BUILD_TIMEOUT = 120.0  # go build of a hello program, cold cache, on a slow host

INPUTS = Layer("verify", [
    Meta("go-root", "{root}", "the Go install's real directory"),
    File("version-file", "{root}/VERSION", "the release the tree says it is",
         max_bytes=4096),
    Meta("program-meta", "{path}", "a file of bin/ or pkg/tool: regular? its size"),
    File("program", "{path}", "a program of bin/ or pkg/tool, read whole in ranges: its Go "
                              "build ID, the content ID its bytes hash to, bin/go's build "
                              "info", ranged=True, redact="none"),
    Listing("tree-dir", "{dir}", "bin/, pkg/tool and pkg/tool/linux_*: the programs a "
                                 "release has there"),
    Command("rpm-owner", ["rpm", "-qf", "--qf", "{format}", "{path}"],
            "the package (format %s) that installed a go whose programs are not as built "
            "(stripped)" % RPM_NAME_FORMAT),
    Command("rpm-verify", ["rpm", "-Vf", "{path}"],
            "that package's files against its own checksums", timeout=30.0),
    Command("dpkg-owner", ["dpkg-query", "-S", "{path}"], "on Debian: the package of that go"),
    Command("dpkg-verify", ["dpkg", "--verify", "{package}"],
            "on Debian: that package's files against its md5sums", timeout=30.0),
    File("archive", "{path}", "a release archive (--archive), hashed in 1 MiB ranges",
         ranged=True, redact="none"),
    Command("go-build", ["{go}", "build", "-o", "{out}", "hello.go"],
            "--build only: the go under test builds a hello program in the context's "
            "environment, in verify's own temporary directory", timeout=BUILD_TIMEOUT),
    Command("hello-run", ["{program}"], "--build only: the program it built runs"),
])
