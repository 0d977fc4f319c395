#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The process modes' /dev: with root, the first init makes the boxes' device
# nodes (box_root/.dev2) and each run binds that directory read-only, plus a private
# devpts; /dev/shm is a link to the run's private /tmp.  Without root, or on a
# nodev box_root, each run builds a tmpfs /dev with one bind per device, as before.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root
	setup_world
}
teardown() {
	[ -z "${SHM_MARK:-}" ] || rm -f "$SHM_MARK"
	if [ -n "${NODEV_MNT:-}" ]; then
		"$APBOX" cleanup -b "$BOX" >/dev/null 2>&1 || true
		umount "$NODEV_MNT" 2>/dev/null || true
	fi
	teardown_world
}

# The devices work, nothing can be added, and /dev/shm (the run's /tmp) and
# the ptys are private.
check_dev() {
	run_box -- /bin/sh -c 'echo x > /dev/null && head -c 3 /dev/zero | od -An -c; head -c 8 /dev/urandom | wc -c
		echo y > /dev/full || echo full; touch /dev/new || echo ro; mknod /dev/sda b 8 0 || echo nomknod
		echo s > /dev/shm/s && echo "shm $(cat /dev/shm/s) tmp $(cat /tmp/s)"; ls /dev | tr "\n" " "'
	assert_line --index 0 --regexp '\\0 +\\0 +\\0'
	assert_line --index 1 8
	assert_line full
	assert_line ro
	assert_line nomknod
	assert_line "shm s tmp s"
	assert_output --partial "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero"
	run_box -- /bin/sh -c 'readlink /dev/shm; ls -A /dev/shm/ | wc -l'
	assert_output "$(printf '/tmp\n0')"
}

@test "dev: init makes the nodes; a run binds them, 2 mounts for /dev" {
	init_box --mode process
	[ -c "$BOX_ROOT/.dev2/null" ]
	[ "$(stat -c '%u %t,%T %a' "$BOX_ROOT/.dev2/null")" = "0 1,3 666" ]
	run ls -a "$BOX_ROOT"
	refute_output --partial ".dev."
	check_dev
	run_box -- /bin/sh -c 'awk "\$5 ~ \"^/dev(/|\$)\" { n++ } END { print n }" /proc/self/mountinfo; awk "\$5 == \"/dev\" { print \$6 }" /proc/self/mountinfo'
	assert_line --index 0 2
	assert_line --index 1 --regexp '^ro,nosuid,noexec(,|$)'
	[ "$(readlink "$BOX_ROOT/.dev2/shm")" = /tmp ]
}

@test "dev: a .dev of apbox 0.1.0 (a directory at shm) is left alone" {
	mkdir -p "$BOX_ROOT/.dev/shm"
	init_box --mode process
	[ -d "$BOX_ROOT/.dev/shm" ] && [ -c "$BOX_ROOT/.dev2/null" ]
	run_box -- /bin/sh -c 'readlink /dev/shm; awk "\$5 ~ \"^/dev(/|\$)\" { n++ } END { print n }" /proc/self/mountinfo'
	assert_output "$(printf '/tmp\n2')"
	[ -z "$(ls -A "$BOX_ROOT/.dev/shm")" ]
}

@test "dev: the box uid cannot change the box's /dev on the host" {
	init_box --mode process
	run setpriv --reuid=$((60000 + BOX)) --regid=$((60000 + BOX)) --clear-groups \
		/bin/sh -c "touch '$BOX_ROOT/.dev2/x' || mknod '$BOX_ROOT/.dev2/y' c 1 3 || rm -f '$BOX_ROOT/.dev2/null'"
	assert_failure
	[ ! -e "$BOX_ROOT/.dev2/x" ] && [ ! -e "$BOX_ROOT/.dev2/y" ] && [ -c "$BOX_ROOT/.dev2/null" ]
}

@test "dev: on a nodev box_root, runs build /dev themselves" {
	NODEV_MNT=$WORLD/nodev
	mkdir -p "$NODEV_MNT"
	mount -t tmpfs -o nodev,mode=755 apbox-test "$NODEV_MNT"
	sed -i "s#^box_root = .*#box_root = $NODEV_MNT#" "$APBOX_CONFIG"
	BOX_ROOT=$NODEV_MNT
	init_box --mode process
	[ ! -e "$BOX_ROOT/.dev2" ]
	check_dev
	run_box -- /bin/sh -c 'awk "\$5 == \"/dev/null\" { n++ } END { print n }" /proc/self/mountinfo'
	assert_output 1
}

@test "dev: without the shared .dev2 (removed by hand), runs build /dev themselves" {
	init_box --mode process
	rm -rf "$BOX_ROOT/.dev2"
	check_dev
}

@test "dev: cleanup leaves the shared .dev2; a planted .dev2 is not used" {
	init_box --mode process
	"$APBOX" cleanup -b "$BOX"
	[ -c "$BOX_ROOT/.dev2/null" ]
	rm -rf "$BOX_ROOT/.dev2"
	mkdir "$BOX_ROOT/.dev2"
	: >"$BOX_ROOT/.dev2/null"
	chown -R nobody "$BOX_ROOT/.dev2"
	init_box --mode process
	run_box -- /bin/sh -c 'awk "\$5 == \"/dev/null\" { n++ } END { print n }" /proc/self/mountinfo'
	assert_output 1
}

@test "dev: with the host's /dev bound, /dev/shm is a private, writable tmpfs of tmp_size" {
	local rules
	SHM_MARK=/dev/shm/apbox-test-$$-$RANDOM
	echo host >"$SHM_MARK"
	printf '[sandbox]\ntmp_size = 8M\n' >>"$WORLD/apbox.conf"
	init_box --mode process
	for rules in "" "--no-default-dirs --dir=/bin --dir=/lib --dir=/lib64:maybe --dir=/usr"; do
		# shellcheck disable=SC2086 # one word per option
		run_box $rules --dir=/dev=/dev:dev -- /bin/sh -c "echo s >/dev/shm/s && cat /dev/shm/s
			ls -A /dev/shm | wc -l; cat $SHM_MARK 2>&1 || true; stat -fc '%T %b %S' /dev/shm"
		assert_success
		assert_line --index 0 s
		assert_line --index 1 1
		refute_output --partial host
		assert_line --index 3 "tmpfs 2048 4096"
	done
	[ ! -e /dev/shm/s ]
}
