#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# One entry point for a fresh Debian 12 machine:
#   ./build.sh demo   install what is missing, build, run the demo flow in a box
#   ./build.sh test   install what is missing, build, run the whole test suite
#   ./build.sh build  install what is missing and build (into ./build)
# CONFIGURE_FLAGS is passed to configure (CI adds --enable-werror); BUILD_DIR
# (default build) is where it builds, so several configurations can coexist.
set -eu
cd "$(dirname "$0")"
top=$(pwd)
# The build directory: BUILD_DIR, absolute or relative to the source tree.
case ${BUILD_DIR:-build} in
/*) bdir=$BUILD_DIR ;;
*) bdir=$top/${BUILD_DIR:-build} ;;
esac

PKGS="autoconf automake autoconf-archive pkgconf make gcc libc6-dev libcap-dev libmount-dev
libinih-dev libseccomp-dev bats bats-assert bats-support nodejs npm iproute2 procps util-linux
asciidoctor"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() {
	missing=
	for p in $PKGS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			missing="$missing $p"
	done
	# node and npm may come from elsewhere than Debian's packages: only install when absent
	command -v node >/dev/null && missing=$(echo "$missing" | sed 's/ nodejs//')
	command -v npm >/dev/null && missing=$(echo "$missing" | sed 's/ npm//')
	[ -z "$missing" ] && return 0
	echo "installing:$missing" >&2
	as_root apt-get update -q
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
}

build() {
	install_deps
	[ -x configure ] || ./autogen.sh
	mkdir -p "$bdir"
	cd "$bdir"
	# shellcheck disable=SC3013 # dash, bash and busybox sh all have -nt
	if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
		# shellcheck disable=SC2086
		"$top/configure" ${CONFIGURE_FLAGS:-}
	fi
	make -j"$(nproc)"
	cd "$top"
}

demo() {
	build
	apbox=$bdir/src/apbox
	# The demo's boxes live in a scratch root, so it never touches a real
	# installation; the engine and code are copied there, since the box's
	# uid cannot enter a private home where the clone may be.
	root=$(mktemp -d /tmp/apbox-demo.XXXXXX)
	chmod 755 "$root"
	trap 'demo_cleanup' EXIT
	printf 'box_root = %s/boxes\nlock_root = %s/locks\n[cgroup]\nparent = apbox-demo\n' \
		"$root" "$root" > "$root/apbox.conf"
	export APBOX_CONFIG="$root/apbox.conf"
	cp -R "$top/examples/engine" "$top/examples/code" "$root/"
	chmod -R a+rX "$root/engine" "$root/code"
	node=$(command -v node)
	if as_root env APBOX_CONFIG="$APBOX_CONFIG" "$apbox" check --mode process >/dev/null 2>&1; then
		mode=process
		set -- --engine "$root/engine" --code "$root/code" -- "$node" /root/common/main.js
	else
		mode=unsandboxed
		set -- --env AP_BASE_CODE_DIRECTORY="$root/code" -- "$node" "$root/engine/main.js"
	fi
	echo "== apbox run --mode $mode (engine output, then the meta file)"
	as_root env APBOX_CONFIG="$APBOX_CONFIG" "$apbox" init -b 0 --mode "$mode" >/dev/null
	as_root env APBOX_CONFIG="$APBOX_CONFIG" "$apbox" run -b 0 --mode "$mode" --mem 256M \
		--processes 64 --wall-time 30 --meta - "$@"
}

# Remove everything the demo made: the box, the caches the boxes share (a
# mount template is a mount below box_root), the scratch root, the cgroups.
# Every step runs, whatever the one before it did.
demo_cleanup() {
	st=$?
	set +e
	as_root env APBOX_CONFIG="$APBOX_CONFIG" "$apbox" cleanup -b 0 >/dev/null
	as_root env APBOX_CONFIG="$APBOX_CONFIG" "$apbox" cleanup --shared >/dev/null
	as_root rm -rf "$root"
	for d in /sys/fs/cgroup/*/apbox-demo /sys/fs/cgroup/apbox-demo; do
		[ -d "$d" ] && as_root rmdir "$d"
	done
	[ -e "$root" ] && { echo "demo: cannot remove $root" >&2; st=1; }
	exit "$st"
}

run_tests() {
	build
	cd "$bdir"
	rc=0
	make -k check || rc=$?
	make -s check-summary
	exit $rc
}

case "${1:-}" in
demo) demo ;;
test) run_tests ;;
build) build ;;
*) echo "usage: $0 demo|test|build" >&2; exit 2 ;;
esac
