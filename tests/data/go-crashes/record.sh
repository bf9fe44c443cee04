#!/bin/sh
# Records what journalctl prints of Go programs that crash (see README.md).  As root:
#   sh tests/data/go-crashes/record.sh
# Everything happens in a private mount namespace (unshare -m): a journald of its own on
# tmpfs /run/systemd, /run/log and /var/log, each Go toolchain bind-mounted on
# /usr/local/go, the programs built and run in /srv/NAME (tmpfs).
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
TOOLCHAINS=${GOTRIAGE_TOOLCHAINS:-$ROOT/.cache/toolchains}
if [ -z "$IN_NAMESPACE" ]; then
    exec env IN_NAMESPACE=1 unshare -m --propagation private sh "$0" "$@"
fi
WORK=$(mktemp -d)
mount -t tmpfs tmpfs /run/systemd
mkdir -p /run/log && mount -t tmpfs tmpfs /run/log
mount -t tmpfs tmpfs /var/log
mount -t tmpfs tmpfs /srv
mount -t tmpfs tmpfs /usr/local && mkdir -p /usr/local/go
mkdir -p /run/systemd/journal
/usr/lib/systemd/systemd-journald >"$WORK/journald.log" 2>&1 &
JOURNALD=$!
trap 'kill $JOURNALD; rm -rf "$WORK"' EXIT
for i in $(seq 50); do [ -S /run/systemd/journal/stdout ] && break; sleep 0.1; done
for toolchain in /usr/lib/go-1.19 "$TOOLCHAINS/go1.21.13/go" "$TOOLCHAINS/go1.27.3/go"; do
    mount --bind "$toolchain" /usr/local/go
    version=$(/usr/local/go/bin/go env GOVERSION)
    for run in nilmap index explicit goroutine method repanic multiline mapwrites regexp segv \
               segv:GOTRACEBACK=crash nilmap:GOTRACEBACK=crash; do
        name=${run%%:*}
        extra=$(echo "$run" | sed -n 's/^[^:]*://p')
        out="$HERE/$version-$name${extra:+-crash}.journal"
        mkdir -p "/srv/$name"
        cp "$HERE/src/$name/main.go" "/srv/$name/main.go"
        printf 'module svc/%s\n\ngo 1.19\n' "$name" >"/srv/$name/go.mod"
        cgo=0; [ "$name" = segv ] && cgo=1
        (cd "/srv/$name" && HOME="$WORK" GOCACHE="$WORK/cache-$version" GOPROXY=off \
            GOTOOLCHAIN=local GOFLAGS= CGO_ENABLED=$cgo /usr/local/go/bin/go build -o "$name" .)
        # no core file is written (ulimit -c 0): the signal is what matters
        status=$(cd "/srv/$name" && ulimit -c 0 && EXTRA_ENV="$extra" timeout 30 \
            python3 "$HERE/stream.py" "$name" "./$name")
        sleep 0.3
        journalctl -o short-iso --no-pager -D /run/log/journal "_PID=${status% *}" >"$out"
        echo "$version $run: exit ${status#* }, $(wc -l <"$out") lines"
    done
    umount /usr/local/go
done
