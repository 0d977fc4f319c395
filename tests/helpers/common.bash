# SPDX-License-Identifier: GPL-2.0-or-later
# Shared setup for the bats suites: every test gets its own box root, lock
# root, configuration and cgroup parent under a temp dir, and removes them.
bats_load_library bats-support
bats_load_library bats-assert

: "${APBOX:?APBOX must point at the apbox binary}"
: "${APBOX_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${APBOX_BUILDDIR:=$(dirname "$(dirname "$APBOX")")}"
HELPERS="$APBOX_BUILDDIR/tests/helpers"

# requires root cgroup_v1 cgroup_v2 userns node ...: skip, or fail when the
# requirement is listed in APBOX_TEST_REQUIRE (this machine must support it).
requires() {
	local r
	for r in "$@"; do
		case $r in
		root) [ "$(id -u)" -eq 0 ] ;;
		nonroot) [ "$(id -u)" -ne 0 ] ;;
		cgroup_v1) [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ] && [ -d /sys/fs/cgroup/memory ] ;;
		cgroup_v2) [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] ;;
		cgroup_mem) [ -d /sys/fs/cgroup/memory ] || grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null ;;
		userns) unshare -Ur true 2>/dev/null ;;
		node) command -v node >/dev/null ;;
		*) fail "BUG: unknown requirement '$r'" ;;
		esac && continue
		if [[ " ${APBOX_TEST_REQUIRE:-} " == *" $r "* ]]; then
			fail "requires $r"
		fi
		skip "requires $r"
	done
}

# Test files named *-rootless.bats are links to a suite that then runs every
# apbox command as nobody with no capability at all, as in a container
# without privileges.
ROOTLESS=
if [[ ${BATS_TEST_FILENAME##*/} == *-rootless.bats ]]; then
	ROOTLESS=1
	REAL_APBOX=$APBOX
fi

# skip_rootless REASON: this property does not exist without root.
skip_rootless() {
	[ -z "$ROOTLESS" ] || skip "rootless: $1"
}

# The uid the box's files belong to on the host.
host_box_uid() {
	if [ -n "$ROOTLESS" ]; then id -u nobody; else echo $((60000 + BOX)); fi
}

# A private world for one test.
setup_world() {
	WORLD=$(mktemp -d /tmp/apbox-test.XXXXXX)
	chmod 755 "$WORLD"
	if [ -n "$ROOTLESS" ]; then
		requires root userns
		chown nobody:nogroup "$WORLD"
		cat > "$WORLD/apbox-nobody" <<-SH
		#!/bin/sh
		exec setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all "$REAL_APBOX" "\$@"
		SH
		chmod 755 "$WORLD/apbox-nobody"
		APBOX=$WORLD/apbox-nobody
	fi
	BOX_ROOT=$WORLD/boxes
	LOCK_ROOT=$WORLD/locks
	CG_PARENT="apbox-test-${BATS_ROOT_PID:-$$}-${BATS_SUITE_TEST_NUMBER:-0}"
	BOX=$(( (${BATS_SUITE_TEST_NUMBER:-1} % 900) + 10 ))
	META=$WORLD/meta
	cat > "$WORLD/apbox.conf" <<-CONF
	box_root = $BOX_ROOT
	lock_root = $LOCK_ROOT
	num_boxes = 1000
	[cgroup]
	parent = $CG_PARENT
	CONF
	chmod 644 "$WORLD/apbox.conf"
	export APBOX_CONFIG=$WORLD/apbox.conf
	unset AP_EXECUTION_MODE
	RUN_EXTRA=()
}

teardown_world() {
	local c
	[ -n "${WORLD:-}" ] || return 0
	"$APBOX" cleanup -b "$BOX" >/dev/null 2>&1 || true
	# box_root's mount template (root only), then anything a failed test left mounted.
	"${REAL_APBOX:-$APBOX}" cleanup --templates >/dev/null 2>&1 || true
	awk -v w="$WORLD/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r c; do umount -l "$c" 2>/dev/null || true; done
	for c in /sys/fs/cgroup/*/"$CG_PARENT" /sys/fs/cgroup/"$CG_PARENT"; do
		[ -d "$c" ] || continue
		find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	rm -rf "$WORLD"
}

# no_lsan COMMAND...: for a command run under strace, since LeakSanitizer
# cannot work under ptrace (the sanitizer build's apbox would fail).
no_lsan() {
	env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$@"
}

# mode_of ARGS...: the value of the last --mode in ARGS (empty when none).
mode_of() {
	local m=
	while [ $# -gt 0 ]; do
		case $1 in
		--mode) m=${2:-}; shift ;;
		--mode=*) m=${1#--mode=} ;;
		--) break ;;
		esac
		shift
	done
	echo "$m"
}

init_box() {
	BOX_MODE=$(mode_of "$@")
	"$APBOX" init -b "$BOX" "$@" >/dev/null
}

# run_box [apbox run options] -- PROGRAM ARGS: run in $BOX with the meta file at $META.
# RUN_EXTRA holds options every run of the test file needs (e.g. the probes bind).
# A code-only run reaches only what its Landlock domain grants: the probes
# are granted (at their own path) when setup_probes made them.
run_box() {
	local m grant=()
	m=$(mode_of "$@")
	[ -n "$m" ] || m=${BOX_MODE:-}
	case $m in
	code-only | SANDBOX_CODE_ONLY) [ -n "${PROBES:-}" ] && grant=(--dir "$PROBES") ;;
	esac
	run "$APBOX" run -b "$BOX" --meta "$META" "${grant[@]}" "${RUN_EXTRA[@]}" "$@"
}

# assert_meta KEY VALUE: the meta file has KEY:VALUE.
assert_meta() {
	local line
	line=$(grep "^$1:" "$META" | head -1) || fail "meta has no key $1: $(cat "$META")"
	[ "${line#*:}" = "$2" ] || fail "meta $1 is '${line#*:}', expected '$2' ($(tr '\n' ' ' < "$META"))"
}

refute_meta() {
	if grep -q "^$1:" "$META"; then
		fail "meta has key $1: $(tr '\n' ' ' < "$META")"
	fi
}

meta_value() {
	grep "^$1:" "$META" | head -1 | cut -d: -f2-
}

# A /bin/sh script for a code-only box: walk the program's ancestors (apbox
# among them) by PPid and report whether any command line shows $SECRET.
# Prints "seen:yes" when a command line with "SECRET=" was read at all.
CMDLINE_PROBE='seen=; found=
p=$(awk "/^PPid:/ { print \$2 }" /proc/$$/status)
while [ "${p:-0}" -gt 1 ]; do
	c=$(tr "\0" " " </proc/$p/cmdline 2>/dev/null)
	case $c in *SECRET=*) seen=yes ;; esac
	case $c in *"$SECRET"*) found="$found $p" ;; esac
	p=$(awk "/^PPid:/ { print \$2 }" /proc/$p/status 2>/dev/null)
done
echo "seen:${seen:-no} found:${found:-none}"'

# Copy the static probes where the box user can reach them ($WORLD is 0755,
# while the build tree may sit under a 0700 home).  Sets PROBES.
setup_probes() {
	PROBES=$WORLD/probes
	mkdir -p "$PROBES"
	cp "$HELPERS"/memhog "$HELPERS"/forkbomb "$HELPERS"/seccomp-probe "$HELPERS"/try-escape "$PROBES"/
	chmod 755 "$PROBES" "$PROBES"/*
}

# Process modes: bind the probes at /probes for every run.
bind_probes() {
	setup_probes
	RUN_EXTRA=(--dir "/probes=$PROBES")
}

# The demo engine and code artifact, readable by the box user.  Sets ENGINE, CODE.
setup_engine() {
	ENGINE=$WORLD/engine
	CODE=$WORLD/code
	cp -r "$APBOX_SRCDIR/examples/engine" "$ENGINE"
	cp -r "$APBOX_SRCDIR/examples/code" "$CODE"
	chmod -R a+rX "$ENGINE" "$CODE"
}

# The host's mounts that involve this test's world (its boxes, binds, probes),
# but box_root's mount template (tests/34-template.bats checks that one): a
# cache of box_root, like the /etc copy, which the first process-mode run
# makes.  Other test files run in parallel and mount things elsewhere.
host_mounts() {
	grep -F "$WORLD" /proc/self/mountinfo |
		awk -v t="${BOX_ROOT:-$WORLD/boxes}/.tpl-" 'index($5, t) != 1 {print $5, $9, $10}' | sort
}
