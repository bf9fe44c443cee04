#!/bin/sh
# How rotation/ was recorded, once, with the real tools of a Debian 12 machine (gpg 2.2.40,
# rpm 4.18): a vendor key made on 2020-01-01 that expired a year later (gpg
# --faked-system-time), then extended by its vendor (the same key, a new self-signature),
# and where its two copies end up.  Run it in this directory.
set -eu
here=$(pwd)
work=$(mktemp -d)
trap 'GNUPGHOME="$work/vendor" gpgconf --kill gpg-agent; GNUPGHOME="$work/dnf" gpgconf --kill gpg-agent; rm -rf "$work"' EXIT
mkdir -p rotation "$work/vendor" "$work/dnf" "$work/rpmdb"
chmod 700 "$work/vendor" "$work/dnf"
batch="--batch --yes --pinentry-mode loopback --passphrase="
export GNUPGHOME="$work/vendor"
gpg $batch --faked-system-time 20200101T000000 --quick-gen-key "Vendor Repository <repo@vendor.example>" rsa2048 sign 1y
fpr=$(gpg --with-colons --list-keys | awk -F: '/^fpr/ {print $10; exit}')
gpg --batch --armor --export "$fpr" > rotation/RPM-GPG-KEY-vendor-2020
gpg $batch --quick-set-expire "$fpr" 2y
gpg --batch --armor --export "$fpr" > rotation/RPM-GPG-KEY-vendor
# dnf's keyring of the repository, as dnf's gpgme import made it from the 2020 copy
GNUPGHOME="$work/dnf" gpg --batch --import rotation/RPM-GPG-KEY-vendor-2020
cp "$work/dnf/pubring.kbx" rotation/pubring.kbx
# the rpm database: the 2020 copy imported, then the extended one (which rpm keeps out)
rpm --dbpath "$work/rpmdb" --import rotation/RPM-GPG-KEY-vendor-2020
rpm --dbpath "$work/rpmdb" --import rotation/RPM-GPG-KEY-vendor
rpm --dbpath "$work/rpmdb" -q gpg-pubkey --qf '%{NAME}-%{VERSION}-%{RELEASE}\t%{SUMMARY}\n%{DESCRIPTION}\n' \
    > rotation/rpm-keys.txt
cd "$here"
