#!/bin/sh
# How the files of this directory were recorded, once, with the real tools of a Debian 12
# machine (rpm 4.18 rpmbuild, createrepo_c 0.17, gpg 2.2.40); the recipes only copy them.
# Run it in an empty directory: it writes repo/, the keys and the golang lookup output.
set -eu
work=$(pwd)
mkdir -p rpmbuild/SPECS repo gnupg
chmod 700 gnupg
cat > rpmbuild/SPECS/golang.spec <<'SPEC'
Name: golang
Version: 1.20.10
Release: 1.el9
Summary: gotriage case package (empty)
License: BSD
BuildArch: noarch
%description
Empty package for repository metadata cases.
%files
SPEC
rpmbuild -bb --nodeps --define "_topdir $work/rpmbuild" rpmbuild/SPECS/golang.spec
cp rpmbuild/RPMS/noarch/golang-1.20.10-1.el9.noarch.rpm repo/
createrepo_c --no-database --simple-md-filenames --revision 1730000000 --set-timestamp-to-revision repo
export GNUPGHOME="$work/gnupg"
batch="--batch --yes --pinentry-mode loopback --passphrase="
gpg $batch --quick-gen-key "gotriage case repository <repo@example.invalid>" rsa3072 sign never
gpg --batch --armor --export "gotriage case repository" > RPM-GPG-KEY-case
gpg $batch --detach-sign --armor -o repo/repodata/repomd.xml.asc repo/repodata/repomd.xml
gpg $batch --cert-digest-algo SHA1 --quick-gen-key "Old Vendor <rpm@example.invalid>" rsa2048 sign never
gpg --batch --armor --export "Old Vendor" > RPM-GPG-KEY-sha1
gpgconf --kill gpg-agent
# the golang lookup gotriage runs on the host (facts.packages.golang_lookup_argv)
LC_ALL=C PATH=/usr/bin:/bin sh -c '"$1" -dc -- "$2" | grep -F -A3 "<name>golang</name>"' sh gzip \
    repo/repodata/primary.xml.gz > golang-lookup.txt
rm -rf rpmbuild gnupg repo/*.rpm
