#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The process modes' /etc: one read-only bind of the boxes' shared copy of
# the etc_files (box_root/.etc-HASH, refreshed before each run when a host
# file changed), plus a bind per directory.  Host files are swapped by binding a temp file over them in
# a private mount namespace (unshare), so the host's /etc is never written.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root
	command -v unshare >/dev/null || skip "needs unshare(1)"
	setup_world
	init_box --mode process
	printf '192.0.2.1 first\n' > "$WORLD/hosts"
	chmod 644 "$WORLD/hosts"
}
teardown() {
	teardown_world
}

# run_etc PROGRAM...: apbox run -b $BOX PROGRAM with /etc/hosts being $WORLD/hosts.
run_etc() {
	run unshare --mount --propagation private -- /bin/sh -c \
		'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$WORLD/hosts" \
		"$APBOX" run -b "$BOX" "$@"
}

@test "etc: host files are copies, not one mount each" {
	run_etc -- /bin/sh -c 'cat /etc/hosts; grep -c " /etc/hosts \| /etc/passwd " /proc/self/mountinfo; grep " /etc " /proc/self/mountinfo | grep -c " ro,"'
	assert_line --index 0 "192.0.2.1 first"
	assert_line --index 1 0
	assert_line --index 2 1
}

@test "etc: a changed host file is copied again before the next run" {
	run_etc -- /bin/cat /etc/hosts
	assert_success
	assert_output "192.0.2.1 first"
	printf '192.0.2.2 second, longer\n' > "$WORLD/hosts"
	run_etc -- /bin/cat /etc/hosts
	assert_output "192.0.2.2 second, longer"
	# Same size, new content: the mtime tells.
	printf '192.0.2.3 second, longxr\n' > "$WORLD/hosts"
	touch -d '+2 seconds' "$WORLD/hosts"
	run_etc -- /bin/cat /etc/hosts
	assert_output "192.0.2.3 second, longxr"
	# A new mode alone is seen too.
	chmod 600 "$WORLD/hosts"
	run_etc -- /bin/cat /etc/hosts
	assert_failure
	assert_output --partial "Permission denied"
}

@test "etc: the copy keeps the owner and mode, never a set-id bit" {
	chmod 4755 "$WORLD/hosts"
	run_etc -- /usr/bin/stat -c '%a %u' /etc/hosts
	assert_success
	# Host root is unmapped in the box's user namespace: the overflow uid.
	assert_output "755 $(cat /proc/sys/kernel/overflowuid)"
	chmod 600 "$WORLD/hosts"
	run_etc -- /bin/sh -c 'cat /etc/hosts || echo unreadable'
	assert_line unreadable
	refute_output --partial "192.0.2.1"
}

@test "etc: the copy cannot be written from the box or by the box uid" {
	run_etc -- /bin/sh -c 'echo x > /etc/hosts || echo ro; touch /etc/new || echo ro2'
	assert_line ro
	assert_line ro2
	local copy
	copy=$(echo "$BOX_ROOT"/.etc-*)
	[ -d "$copy" ]
	[ "$(stat -c '%u %a' "$copy")" = "0 755" ]
	run setpriv --reuid=$((60000 + BOX)) --regid=$((60000 + BOX)) --clear-groups \
		touch "$copy/new" "$copy/hosts"
	assert_failure
	[ ! -e "$copy/new" ]
}

@test "etc: a name dropped from etc_files, or gone from the host, leaves the copy" {
	printf '[sandbox]\netc_files = hosts passwd apbox-no-such-file\n' >> "$APBOX_CONFIG"
	run_etc -- /bin/ls /etc
	assert_success
	assert_output "$(printf 'hosts\npasswd')"
	sed -i 's/^etc_files = .*/etc_files = hosts/' "$APBOX_CONFIG"
	run_etc -- /bin/ls /etc
	assert_output hosts
	# Leftovers in a copy (a refresh killed half-way) go at the next run.
	local copy
	for copy in "$BOX_ROOT"/.etc-*; do : >"$copy/.hosts.apbox-new"; done
	run_etc -- /bin/ls -a /etc
	assert_output "$(printf '.\n..\nhosts')"
}

@test "etc: directories are still bound, read-only" {
	[ -d /etc/ssl ] || skip "no /etc/ssl here"
	printf '[sandbox]\netc_files = hosts ssl\n' >> "$APBOX_CONFIG"
	run_etc -- /bin/sh -c 'ls /etc/ssl | head -1; grep -c " /etc/ssl " /proc/self/mountinfo; touch /etc/ssl/x || echo ro'
	assert_line --index 1 1
	assert_line ro
}

@test "etc: a rule below /etc gets its mount point (one bind per file then)" {
	mkdir -p "$WORLD/extra"
	echo extra > "$WORLD/extra/f"
	chmod -R a+rX "$WORLD/extra"
	run_etc --dir "/etc/apbox-extra=$WORLD/extra" -- /bin/sh -c 'cat /etc/apbox-extra/f /etc/hosts; grep -c " /etc/hosts " /proc/self/mountinfo'
	assert_success
	assert_line --index 0 extra
	assert_line --index 1 "192.0.2.1 first"
	assert_line --index 2 1
}

@test "etc: boxes share one copy, which cleanup leaves to the others" {
	local other=$((BOX + 1)) copy
	"$APBOX" init -b "$other" --mode process >/dev/null
	run_etc -- /bin/true
	copy=$(echo "$BOX_ROOT"/.etc-*)
	[ -d "$copy" ]
	"$APBOX" cleanup -b "$BOX"
	[ ! -e "$BOX_ROOT/$BOX" ]
	[ -f "$copy/hosts" ]
	run unshare --mount --propagation private -- /bin/sh -c \
		'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$WORLD/hosts" \
		"$APBOX" run -b "$other" -- /bin/cat /etc/hosts
	"$APBOX" cleanup -b "$other"
	assert_success
	assert_output "192.0.2.1 first"
}

@test "etc: two boxes refreshing the shared copy at once both see the whole file" {
	local other=$((BOX + 1)) base
	"$APBOX" init -b "$other" --mode process >/dev/null
	base=$(date +%s)
	# Large enough that a copy takes a while.
	seq -f '192.0.2.1 host%g' 40000 >"$WORLD/hosts"
	# A new mtime every 20 ms: most runs copy the file again, many at the same time.
	(
		for i in $(seq 40); do
			touch -d "@$((base + i))" "$WORLD/hosts"
			sleep 0.02
		done
	) &
	run unshare --mount --propagation private -- /bin/sh -c '
		mount --bind "$1" /etc/hosts || exit 1
		apbox=$2 a=$3 b=$4
		for i in 1 2 3 4 5 6 7 8 9 10; do
			"$apbox" run -b "$a" -- /bin/sh -c "wc -l < /etc/hosts; tail -1 /etc/hosts" &
			"$apbox" run -b "$b" -- /bin/sh -c "wc -l < /etc/hosts; tail -1 /etc/hosts"
			wait
		done' sh "$WORLD/hosts" "$APBOX" "$BOX" "$other"
	wait
	"$APBOX" cleanup -b "$other"
	assert_success
	[ "$(grep -cx 40000 <<<"$output")" -eq 20 ]
	[ "$(grep -cx '192.0.2.1 host40000' <<<"$output")" -eq 20 ]
}

@test "etc: a refresh waits while another holds the shared copy's lock" {
	local copy t0 t1
	run_etc -- /bin/true
	copy=$(echo "$BOX_ROOT"/.etc-*)
	[ -d "$copy" ]
	# The lock is a file of lock_root, which no box reaches (a lock on the
	# copy itself, which boxes see as /etc, would let one box stall the others).
	flock "$LOCK_ROOT/etc.lock" sleep 1.5 &
	sleep 0.3
	t0=$(date +%s%N)
	run_etc -- /bin/cat /etc/hosts
	t1=$(date +%s%N)
	wait
	assert_success
	# Not a speed check: the run must have waited for the lock (about 1.2 s).
	[ $(((t1 - t0) / 1000000)) -ge 800 ]
}
