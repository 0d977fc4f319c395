#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# update-profiles.sh [--check]: the seccomp profiles of seccomp/ from Debian's
# packages.  Downloads golang-github-docker-docker-dev and
# golang-github-containerd-containerd-dev with apt-get download (nothing is
# installed: together they would pull in a Go toolchain and 260 packages),
# unpacks the two files, and copies them over seccomp/ with their SHA-256 and
# Debian versions written into seccomp/PROVENANCE.  The upstream versions in
# PROVENANCE are a person's to update (Debian's version names them).
#   --check  compare only: exit 1 when a copy differs from the package's file
set -eu
here=$(cd "$(dirname "$0")" && pwd)
check=0
[ "${1:-}" = --check ] && check=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download -q golang-github-docker-docker-dev golang-github-containerd-containerd-dev \
	2>&1 | grep -v 'Download is performed unsandboxed' >&2 || true
for d in ./*.deb; do
	[ -f "$d" ] || { echo "update-profiles: apt-get download failed (apt-get update?)" >&2; exit 2; }
	dpkg-deb -x "$d" x
done
g=x/usr/share/gocode/src/github.com
rc=0
# name in seccomp/, path in the package, package
while read -r name path pkg; do
	src=$g/$path
	[ -f "$src" ] || { echo "update-profiles: $pkg has no $path" >&2; exit 2; }
	ver=$(dpkg-deb -f ./"$pkg"_*.deb Version)
	if cmp -s "$src" "$here/seccomp/$name"; then
		echo "$name: the same as $pkg $ver"
		continue
	fi
	if [ $check = 1 ]; then
		echo "$name: differs from $pkg $ver"
		rc=1
		continue
	fi
	cp "$src" "$here/seccomp/$name"
	sum=$(sha256sum "$src" | cut -d' ' -f1)
	sed -i -e "s|^sha256: [0-9a-f]*  $name\$|sha256: $sum  $name|" \
		-e "s|$pkg [^ ]* |$pkg $ver |" "$here/seccomp/PROVENANCE"
	echo "$name: updated from $pkg $ver (check the upstream version in PROVENANCE)"
done <<EOF
docker-default.json docker/docker/profiles/seccomp/default.json golang-github-docker-docker-dev
containerd-seccomp_default.go containerd/containerd/contrib/seccomp/seccomp_default.go golang-github-containerd-containerd-dev
EOF
exit $rc
