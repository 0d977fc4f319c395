#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The process modes' /dev: with root, the first init makes the boxes' device
# nodes (box_root/.dev) and each run binds that directory read-only, plus a private
# devpts and /dev/shm; without root, or on a nodev box_root, each run builds
# a tmpfs /dev with one bind per device, as before.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root
	setup_world
}
teardown() {
	if [ -n "${NODEV_MNT:-}" ]; then
		"$APBOX" cleanup -b "$BOX" >/dev/null 2>&1 || true
		umount "$NODEV_MNT" 2>/dev/null || true
	fi
	teardown_world
}

# The devices work, nothing can be added, and /dev/shm and the ptys are private.
check_dev() {
	run_box -- /bin/sh -c 'echo x > /dev/null && head -c 3 /dev/zero | od -An -c; head -c 8 /dev/urandom | wc -c
		echo y > /dev/full || echo full; touch /dev/new || echo ro; mknod /dev/sda b 8 0 || echo nomknod
		echo s > /dev/shm/s && cat /dev/shm/s; ls /dev | tr "\n" " "'
	assert_line --index 0 --regexp '\\0 +\\0 +\\0'
	assert_line --index 1 8
	assert_line full
	assert_line ro
	assert_line nomknod
	assert_line s
	assert_output --partial "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero"
}

@test "dev: init makes the nodes; a run binds them, 3 mounts for /dev" {
	init_box --mode process
	[ -c "$BOX_ROOT/.dev/null" ]
	[ "$(stat -c '%u %t,%T %a' "$BOX_ROOT/.dev/null")" = "0 1,3 666" ]
	run ls -a "$BOX_ROOT"
	refute_output --partial ".dev."
	check_dev
	run_box -- /bin/sh -c 'awk "\$5 ~ \"^/dev(/|\$)\" { n++ } END { print n }" /proc/self/mountinfo; awk "\$5 == \"/dev\" { print \$6 }" /proc/self/mountinfo'
	assert_line --index 0 3
	assert_line --index 1 --regexp '^ro,nosuid,noexec(,|$)'
}

@test "dev: the box uid cannot change the box's /dev on the host" {
	init_box --mode process
	run setpriv --reuid=$((60000 + BOX)) --regid=$((60000 + BOX)) --clear-groups \
		/bin/sh -c "touch '$BOX_ROOT/.dev/x' || mknod '$BOX_ROOT/.dev/y' c 1 3 || rm -f '$BOX_ROOT/.dev/null'"
	assert_failure
	[ ! -e "$BOX_ROOT/.dev/x" ] && [ ! -e "$BOX_ROOT/.dev/y" ] && [ -c "$BOX_ROOT/.dev/null" ]
}

@test "dev: on a nodev box_root, runs build /dev themselves" {
	NODEV_MNT=$WORLD/nodev
	mkdir -p "$NODEV_MNT"
	mount -t tmpfs -o nodev,mode=755 apbox-test "$NODEV_MNT"
	sed -i "s#^box_root = .*#box_root = $NODEV_MNT#" "$APBOX_CONFIG"
	BOX_ROOT=$NODEV_MNT
	init_box --mode process
	[ ! -e "$BOX_ROOT/.dev" ]
	check_dev
	run_box -- /bin/sh -c 'awk "\$5 == \"/dev/null\" { n++ } END { print n }" /proc/self/mountinfo'
	assert_output 1
}

@test "dev: without the shared .dev (removed by hand), runs build /dev themselves" {
	init_box --mode process
	rm -rf "$BOX_ROOT/.dev"
	check_dev
}

@test "dev: cleanup leaves the shared .dev; a planted .dev is not used" {
	init_box --mode process
	"$APBOX" cleanup -b "$BOX"
	[ -c "$BOX_ROOT/.dev/null" ]
	rm -rf "$BOX_ROOT/.dev"
	mkdir "$BOX_ROOT/.dev"
	: >"$BOX_ROOT/.dev/null"
	chown -R nobody "$BOX_ROOT/.dev"
	init_box --mode process
	run_box -- /bin/sh -c 'awk "\$5 == \"/dev/null\" { n++ } END { print n }" /proc/self/mountinfo'
	assert_output 1
}
