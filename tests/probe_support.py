"""A real Go HTTP server for tests/test_probe_live.py and bench/bench_prober.py, built with
a local Go, with an injected error rate and latency; started on 127.0.0.1 with a port the
kernel picks, stopped by its PID.

Flags (see SERVER_GO for -mode, -bodydelay, -size): -fail F (this fraction of requests answer 500, spread evenly: request n fails when
floor((n+1)*F) > floor(n*F), so any run of 1/F requests has its share), -delay D and
-jitter J (request n waits D + J*((n*37) mod 100)/100 before answering: over every 100
requests each of J*0/100 ... J*99/100 once), -hang (accept and never answer), -tls
CERT,KEY (serve https).  It prints its address on the first line of stdout.
"""

import os
import signal
import subprocess
import time

from conftest import SHARED_GOCACHE

SERVER_GO = r'''package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

func main() {
	fail := flag.Float64("fail", 0, "fraction of requests that answer 500")
	delay := flag.Duration("delay", 0, "added before every answer")
	jitter := flag.Duration("jitter", 0, "spread of the added delay")
	hang := flag.Bool("hang", false, "accept connections and never answer")
	mode := flag.String("mode", "", "eof: read the request, close without an answer; reset: "+
		"the same with SO_LINGER 0 (an RST); slowbody: headers and part of the body, then "+
		"-bodydelay, then the rest")
	bodyDelay := flag.Duration("bodydelay", 0, "the pause inside the body (-mode slowbody)")
	size := flag.Int("size", 0, "body bytes to send, in 64 KiB flushed writes (chunked)")
	tlsFiles := flag.String("tls", "", "CERT,KEY: serve https")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().String())
	os.Stdout.Sync()
	if *hang {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) { time.Sleep(time.Hour); c.Close() }(c)
		}
	}
	var counter uint64
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := atomic.AddUint64(&counter, 1) - 1
		time.Sleep(*delay + time.Duration(int64(*jitter)*int64((n*37)%100)/100))
		switch *mode {
		case "eof", "reset":
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			if *mode == "reset" {
				conn.(*net.TCPConn).SetLinger(0)
			}
			conn.Close()
			return
		case "slowbody":
			w.Header().Set("Content-Length", "10")
			w.Write([]byte("part:"))
			w.(http.Flusher).Flush()
			time.Sleep(*bodyDelay)
			w.Write([]byte("rest\n"))
			return
		}
		if *size > 0 {
			chunk := make([]byte, 65536)
			for sent := 0; sent < *size; sent += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
			return
		}
		if uint64(float64(n+1)**fail) > uint64(float64(n)**fail) {
			http.Error(w, "injected failure", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "ok %d\n", n)
	})
	srv := &http.Server{Handler: handler}
	if *tlsFiles != "" {
		parts := strings.SplitN(*tlsFiles, ",", 2)
		err = srv.ServeTLS(ln, parts[0], parts[1])
	} else {
		err = srv.Serve(ln)
	}
	fmt.Fprintln(os.Stderr, err)
}
'''

CLIENT_GO = r'''package main

// The alternative gotriage probe is compared with in bench/bench_prober.py: N sequential
// GETs with a new connection each (DisableKeepAlives), the body read; prints each
// request's seconds, one a line.
import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

func main() {
	n, _ := strconv.Atoi(os.Args[2])
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := 0; i < n; i++ {
		start := time.Now()
		resp, err := client.Get(os.Args[1])
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		fmt.Println(time.Since(start).Seconds())
	}
}
'''

GO_CANDIDATES = ("/usr/lib/go-1.19/bin/go",)


def find_go():
    for go in GO_CANDIDATES:
        if os.path.exists(go):
            return go
    return None


def build(go, workdir, name, source):
    """Build `source` as program `name` in `workdir`; its path."""
    src = os.path.join(workdir, name + "-src")
    os.makedirs(src, exist_ok=True)
    with open(os.path.join(src, "go.mod"), "w") as f:
        f.write("module example.com/%s\n\ngo 1.19\n" % name)
    with open(os.path.join(src, "main.go"), "w") as f:
        f.write(source)
    out = os.path.join(workdir, name)
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-mod=mod", GOPROXY="off",
               CGO_ENABLED="0", GOCACHE=SHARED_GOCACHE, HOME=workdir)
    subprocess.run([go, "build", "-o", out, "."], cwd=src, env=env, check=True, timeout=600,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return out


class Server(object):
    """A running test server: `address` (127.0.0.1:PORT), `url`, stopped by stop() (its
    PID, SIGKILL)."""

    def __init__(self, binary, *flags, scheme="http"):
        self.proc = subprocess.Popen([binary] + list(flags), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        line = self.proc.stdout.readline().decode().strip()
        if not line:
            self.stop()
            raise RuntimeError("the test server did not start: %s" % self.proc.stderr.read())
        self.address = line
        self.port = int(line.rsplit(":", 1)[1])
        self.url = "%s://%s/" % (scheme, line)

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def make_self_signed(workdir, openssl="openssl"):
    """(cert, key) of a self-signed certificate for 127.0.0.1, made by the real openssl."""
    cert = os.path.join(workdir, "cert.pem")
    key = os.path.join(workdir, "key.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return cert, key


def openssl_dates(openssl, cert):
    """(notBefore, notAfter) of a PEM certificate as epoch seconds, as openssl reads them."""
    import calendar

    out = subprocess.run([openssl, "x509", "-in", cert, "-noout", "-startdate", "-enddate"],
                         stdout=subprocess.PIPE, check=True, timeout=60).stdout.decode()
    dates = dict(line.split("=", 1) for line in out.splitlines())
    return tuple(calendar.timegm(time.strptime(dates[k].replace(" GMT", "").split(None, 0)[0]
                                               .strip(), "%b %d %H:%M:%S %Y"))
                 for k in ("notBefore", "notAfter"))


def free_port():
    """A port nothing listens on (bound, then closed)."""
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    time.sleep(0)
    return port


ERRCLIENT_GO = r'''package main

// What a Go client prints for one request: errclient URL|tcp://HOST:PORT TIMEOUT [CAFILE];
// the error (err.Error()), or resp.Status for an answer.  tests/test_probe_live.py
// compares gotriage probe's wording with it.
import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	timeout, _ := time.ParseDuration(os.Args[2])
	if strings.HasPrefix(os.Args[1], "tcp://") {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(os.Args[1], "tcp://"), timeout)
		if err != nil {
			fmt.Println(err.Error())
			return
		}
		c.Close()
		fmt.Println("connected")
		return
	}
	transport := &http.Transport{DisableKeepAlives: true}
	if len(os.Args) > 3 {
		pem, _ := os.ReadFile(os.Args[3])
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		transport.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	client := &http.Client{Timeout: timeout, Transport: transport}
	resp, err := client.Get(os.Args[1])
	if err != nil {
		fmt.Println(err.Error())
		return
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err != nil {
		fmt.Println(err.Error())
		return
	}
	fmt.Println(resp.Status)
}
'''


def go_says(errclient, url, timeout="2s", cafile=None):
    """What the real Go client prints for one request to `url`."""
    argv = [errclient, url, timeout] + ([cafile] if cafile else [])
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return proc.stdout.decode().strip()
