#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Escape attempts from inside the box.  Each test must fail if its property
# breaks, and must be harmless if the sandbox is broken and the attack runs on
# the host: no kill -1, writes only under $WORLD, bounded loops.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root
	setup_world
	bind_probes
	init_box --mode process
}
teardown() {
	[ -z "${LISTENER:-}" ] || kill "$LISTENER" 2>/dev/null || true
	teardown_world
}

@test "escape: a setuid-root binary gains nothing (nosuid, no_new_privs)" {
	mkdir -p "$WORLD/eng"
	cp /usr/bin/id "$WORLD/eng/suid-id"
	chown root:root "$WORLD/eng/suid-id"
	chmod 4755 "$WORLD/eng/suid-id"
	chmod 755 "$WORLD/eng"
	run_box --engine "$WORLD/eng" -- /root/common/suid-id -u
	assert_success
	assert_output $((60000 + BOX))
}

@test "escape: mknod of a device fails" {
	run_box -- /probes/try-escape mknod /box/mem
	[ "$status" -ne 0 ]
	[ ! -e "$BOX_ROOT/$BOX/box/mem" ]
}

@test "escape: a device node smuggled into /box is unusable (nodev)" {
	mknod "$BOX_ROOT/$BOX/box/null2" c 1 3
	chmod 666 "$BOX_ROOT/$BOX/box/null2"
	run_box -- /probes/try-escape write /box/null2
	[ "$status" -ne 0 ]
	assert_output --partial "Permission denied"
}

@test "escape: mount, unshare and setns are refused" {
	run_box -- /probes/seccomp-probe mount unshare-user unshare-ns setns pivot_root
	assert_success
	run_box -- /bin/sh -c 'mount -t tmpfs none /box 2>&1; unshare -U true 2>&1; echo done'
	refute_output --partial "done" || true
	run_box -- /bin/sh -c 'grep -c " /box " /proc/self/mountinfo'
	assert_output 1
}

@test "escape: the seccomp filter refuses every probe in process mode" {
	run_box -- /probes/seccomp-probe all
	assert_success
	refute_output --regexp ': ok$'
}

@test "escape: ptrace of pid 1 (apbox's proxy) is refused" {
	run_box -- /probes/try-escape ptrace 1
	[ "$status" -ne 0 ]
}

@test "escape: /proc/1/root and /proc/1/cwd are out of reach" {
	run_box -- /bin/sh -c 'ls /proc/1/root/ 2>&1 | head -3; readlink /proc/1/cwd || echo denied'
	assert_line denied
	refute_line usr
}

@test "escape: killing pid 1 from inside does nothing" {
	# refused (EPERM: outside the box's Landlock domain) or ignored by pid 1
	run_box -- /bin/sh -c 'kill -9 1 2>/dev/null; kill -TERM 1 2>/dev/null; sleep 0.2; echo alive'
	assert_success
	assert_output alive
}

@test "escape: the keeper and other host processes cannot be signalled" {
	sleep 30 &
	local victim=$!
	run_box -- /probes/try-escape kill "$victim"
	kill -0 "$victim"
	kill "$victim"
	[ "$status" -ne 0 ]
}

@test "escape: setuid(0) and chroot tricks fail" {
	run_box -- /probes/try-escape setuid
	[ "$status" -ne 0 ]
	run_box -- /probes/try-escape chroot-escape /etc/shadow
	[ "$status" -ne 0 ]
}

@test "escape: the host's loopback is unreachable without --share-net" {
	requires node
	local port
	node -e 'const s=require("net").createServer(c=>c.end("hi")).listen(0,"127.0.0.1",()=>{require("fs").writeFileSync(process.argv[1],String(s.address().port))}); setTimeout(()=>process.exit(0),15000)' "$WORLD/port" &
	LISTENER=$!
	for _ in $(seq 50); do [ -s "$WORLD/port" ] && break; sleep 0.1; done
	port=$(cat "$WORLD/port")
	run_box -- /probes/try-escape connect 127.0.0.1 "$port"
	[ "$status" -ne 0 ]
	run_box --share-net -- /probes/try-escape connect 127.0.0.1 "$port"
	assert_success
}

@test "escape: no route out without --share-net" {
	run_box -- /probes/try-escape connect 192.0.2.1 80
	[ "$status" -ne 0 ]
	assert_output --partial "unreachable"
}

@test "escape: another box's files are not there" {
	local other=$((BOX + 1))
	"$APBOX" init -b "$other" --mode process >/dev/null
	echo s3cr3t-content > "$BOX_ROOT/$other/box/file"
	run_box -- /bin/sh -c "cat $BOX_ROOT/$other/box/file || echo nope"
	"$APBOX" cleanup -b "$other"
	refute_output --partial s3cr3t-content
}

@test "escape: in code-only mode another box's files are unreadable" {
	skip_rootless "code-only boxes of one ordinary user share that user's uid"
	local other=$((BOX + 1))
	"$APBOX" init -b "$other" --mode code-only >/dev/null
	echo s3cr3t-content > "$BOX_ROOT/$other/box/file"
	chown $((60000 + other)) "$BOX_ROOT/$other/box/file"
	RUN_EXTRA=()
	run_box --mode code-only -- /bin/sh -c "cat $BOX_ROOT/$other/box/file || echo nope"
	"$APBOX" cleanup -b "$other"
	refute_output --partial s3cr3t-content
	assert_output --partial nope
}

@test "escape: code-only cannot move itself out of its cgroup" {
	RUN_EXTRA=()
	run_box --mode code-only -- /bin/sh -c 'for f in /sys/fs/cgroup/memory/cgroup.procs /sys/fs/cgroup/pids/cgroup.procs /sys/fs/cgroup/cgroup.procs; do [ -e $f ] && { echo $$ > $f && echo moved; }; done; echo done'
	refute_line moved
}

@test "escape: a double-forked, setsid'd process dies with the run" {
	run_box -- /bin/sh -c '(setsid sleep 97 &) ; (sleep 98 &); echo started'
	assert_success
	sleep 0.3
	run pgrep -f '^sleep 9[78]$'
	[ "$status" -ne 0 ] || fail "survivors: $(pgrep -af '^sleep 9[78]$')"
}

@test "escape: the host's hostname and environment do not leak" {
	FOO_SECRET=leak run_box -- /bin/sh -c 'hostname; env'
	assert_success
	refute_output --partial "$(hostname)"
	refute_output --partial FOO_SECRET
}

@test "escape: the host mount table is not visible" {
	run_box -- /bin/sh -c 'cat /proc/self/mountinfo'
	refute_output --partial "$BOX_ROOT/.root"
	refute_output --partial " /work "
	refute_output --partial "/sys/fs/cgroup"
}

@test "escape: writes through read-only binds fail everywhere" {
	run_box -- /bin/sh -c 'for d in / /usr /usr/bin /bin /lib /etc /proc/sys /dev; do touch $d/apbox-x 2>/dev/null && echo "wrote $d"; done; echo done'
	assert_success
	refute_output --partial wrote
}

@test "escape: a symlink planted where the caller's meta file goes is not followed" {
	echo precious > "$WORLD/victim"
	chmod 666 "$WORLD/victim"
	run_box -- /bin/sh -c "ln -s $WORLD/victim /box/meta.txt"
	assert_success
	run "$APBOX" run -b "$BOX" --meta "$BOX_ROOT/$BOX/box/meta.txt" -- /bin/true
	[ "$status" -eq 125 ]
	assert_output --partial "apbox: cannot open \"$BOX_ROOT/$BOX/box/meta.txt\""
	[ "$(cat "$WORLD/victim")" = precious ]
}

@test "escape: a hard link planted where the caller's stdout goes is not written" {
	# A hard link the box could make to a file of its own, or to a host file
	# where hard-link protection is off: planted here from the host.  The
	# box's storage (a tmpfs of its own) makes any such link cross-device:
	# without it (storage 0, an ordinary user's box), apbox must still refuse.
	init_box --mode process --storage 0
	echo precious > "$WORLD/victim"
	ln "$WORLD/victim" "$BOX_ROOT/$BOX/box/out.txt"
	run "$APBOX" run -b "$BOX" --stdout "$BOX_ROOT/$BOX/box/out.txt" -- /bin/echo overwritten
	[ "$status" -eq 125 ]
	# root sees a second link; nobody may not even open root's file
	assert_output --regexp 'not a plain file|Permission denied'
	[ "$(cat "$WORLD/victim")" = precious ]
}
