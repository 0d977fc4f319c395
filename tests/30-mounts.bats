#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The process modes' filesystem: a new root from read-only binds, a
# writable /box, a private /tmp, a fresh /proc, a minimal /dev and /etc.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root
	setup_world
	bind_probes
	init_box --mode process
}
teardown() {
	if [ -n "${SUBMNT:-}" ]; then umount "$SUBMNT" 2>/dev/null || true; fi
	teardown_world
}

@test "mounts: the root is a fresh tmpfs, read-only at the top" {
	run_box -- /bin/sh -c 'ls /; touch /newfile'
	[ "$status" -ne 0 ]
	assert_line box
	assert_line usr
	assert_output --partial "Read-only file system"
}

@test "mounts: /usr is read-only" {
	run_box -- /bin/sh -c 'touch /usr/apbox-test'
	[ "$status" -ne 0 ]
	assert_output --partial "Read-only file system"
	[ ! -e /usr/apbox-test ]
}

@test "mounts: --engine and --code are read-only and readable" {
	mkdir -p "$WORLD/eng" "$WORLD/codes"
	echo engine > "$WORLD/eng/main.js"
	echo code > "$WORLD/codes/step.js"
	chmod -R a+rX "$WORLD/eng" "$WORLD/codes"
	run_box --engine "$WORLD/eng" --code "$WORLD/codes" -- /bin/sh -c \
		'cat /root/common/main.js /root/codes/step.js; touch /root/common/x || echo ro1; touch /root/codes/x || echo ro2'
	assert_line engine
	assert_line code
	assert_line ro1
	assert_line ro2
	[ ! -e "$WORLD/eng/x" ] && [ ! -e "$WORLD/codes/x" ]
}

@test "mounts: read-only covers submounts of a bind" {
	mkdir -p "$WORLD/src/sub"
	SUBMNT=$WORLD/src/sub
	mount -t tmpfs -o size=1m apbox-test "$SUBMNT"
	chmod 777 "$SUBMNT"
	run_box --dir "/data=$WORLD/src" -- /bin/sh -c 'ls /data; touch /data/sub/x'
	[ "$status" -ne 0 ]
	assert_output --partial "Read-only file system"
	[ ! -e "$SUBMNT/x" ]
}

# Binds are made as detached copies (open_tree, mount_setattr, move_mount);
# a kernel without one of them (before 5.2 or 5.12, or valgrind) gets
# mount(MS_BIND) and, without mount_setattr, remounts: the same flags.
@test "mounts: without open_tree, move_mount or mount_setattr, binds get the same flags" {
	command -v strace >/dev/null || skip "requires strace"
	strace -o /dev/null -e trace=none true 2>/dev/null || skip "strace cannot trace here"
	local call
	for call in open_tree move_mount mount_setattr; do
		# LeakSanitizer (the sanitizer build) cannot run under ptrace.
		run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -o /dev/null -e trace="$call" -e inject="$call":error=ENOSYS \
			"$APBOX" run -b "$BOX" -- /bin/sh -c 'touch /usr/x 2>/dev/null || echo usr-ro
			awk "\$5 == \"/usr\" || \$5 == \"/box\" || \$5 == \"/etc\" { print \$5, \$6 }" /proc/self/mountinfo'
		assert_success
		assert_line usr-ro
		assert_line --regexp '^/usr ro,nosuid,nodev(,|$)'
		assert_line --regexp '^/etc ro,nosuid,nodev(,|$)'
		assert_line --regexp '^/box rw,nosuid,nodev(,|$)'
	done
}

@test "mounts: /box is writable and is the box dir" {
	run_box -- /bin/sh -c 'pwd; echo hi > /box/f; ls -ld /box'
	assert_success
	assert_line --index 0 /box
	[ "$(cat "$BOX_ROOT/$BOX/box/f")" = hi ]
	[ "$(stat -c %u "$BOX_ROOT/$BOX/box/f")" = "$(host_box_uid)" ]
}

@test "mounts: /tmp is private and writable" {
	local mark
	mark=apbox-host-mark-$$
	touch "/tmp/$mark"
	run_box -- /bin/sh -c "ls -A /tmp; echo x > /tmp/inside-$$; ls /tmp"
	rm -f "/tmp/$mark"
	assert_success
	refute_output --partial "$mark"
	assert_output --partial "inside-$$"
	[ ! -e "/tmp/inside-$$" ]
}

@test "mounts: /tmp size comes from the config (storage, or its older name tmp_size)" {
	printf '[sandbox]\ntmp_size = 1M\n' >> "$APBOX_CONFIG"
	init_box --mode process
	run_box -- /bin/sh -c 'head -c 3000000 /dev/zero > /tmp/big'
	[ "$status" -ne 0 ]
	assert_output --partial "No space left"
}

@test "mounts: /dev is minimal, never the host's" {
	run_box -- /bin/sh -c 'ls /dev; echo ok > /dev/null; head -c 4 /dev/urandom | wc -c'
	assert_success
	for d in null zero full random urandom tty ptmx pts shm; do assert_line "$d"; done
	refute_line vda
	refute_line mem
	refute_line kmsg
	assert_line 4
}

@test "mounts: /etc is minimal: no shadow" {
	run_box -- /bin/sh -c 'ls /etc; cat /etc/shadow'
	[ "$status" -ne 0 ]
	assert_line hosts
	refute_line shadow
	refute_line sudoers
}

@test "mounts: the /etc set is a config key" {
	printf '[sandbox]\netc_files = hostname\n' >> "$APBOX_CONFIG"
	run_box -- /bin/sh -c 'ls /etc'
	assert_success
	assert_output hostname
}

@test "mounts: /proc is fresh and /proc/sys is read-only" {
	run_box -- /bin/sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; echo x > /proc/sys/kernel/hostname'
	[ "$status" -ne 0 ]
	assert_output --partial "Read-only file system"
}

@test "mounts: /proc/keys, /proc/timer_list, /proc/kcore and /proc/sysrq-trigger are masked" {
	[ "$(wc -c < /proc/timer_list)" -gt 0 ] || skip "host has an empty /proc/timer_list"
	run_box -- /bin/sh -c 'wc -c < /proc/timer_list; wc -c < /proc/keys;
		cat /proc/kcore 2>/dev/null | head -c 16 | wc -c;
		[ -e /proc/sysrq-trigger ] && echo h > /proc/sysrq-trigger && echo wrote; echo done'
	assert_line --index 0 0
	assert_line --index 1 0
	assert_line --index 2 0
	refute_line wrote
}

@test "mounts: --dir rw binds a writable directory" {
	mkdir -p "$WORLD/data"
	chmod 777 "$WORLD/data"
	run_box --dir "/data=$WORLD/data:rw" -- /bin/sh -c 'echo w > /data/f'
	assert_success
	[ "$(cat "$WORLD/data/f")" = w ]
}

@test "mounts: --dir maybe skips a missing source" {
	run_box --dir "/opt/x=$WORLD/missing:maybe" -- /bin/sh -c 'test -e /opt/x && echo there || echo absent'
	assert_success
	assert_output absent
}

@test "mounts: --dir with a missing source is one clear error" {
	local before after
	before=$(host_mounts)
	run_box --dir "/opt/x=$WORLD/missing" -- /bin/true
	[ "$status" -eq 125 ]
	assert_output --partial "apbox: "
	assert_output --partial "$WORLD/missing"
	assert_meta status XX
	after=$(host_mounts)
	[ "$before" = "$after" ] || fail "host mounts changed"
}

@test "mounts: --dir IN= removes a default rule" {
	run_box --dir /tmp= --dir /etc/hosts= -- /bin/sh -c 'test -e /etc/hosts && echo hosts; test -e /tmp && echo tmp; echo done'
	assert_success
	refute_line hosts
	refute_line tmp
	assert_line done
}

@test "mounts: --no-default-dirs drops every default" {
	run_box --no-default-dirs --dir /bin --dir /lib --dir /lib64:maybe --dir /usr -- /bin/sh -c 'pwd; ls /'
	assert_success
	assert_line --index 0 /
	refute_line box
	refute_line tmp
	refute_line proc
}

@test "mounts: a user rule over /etc replaces the /etc defaults" {
	mkdir -p "$WORLD/etc"
	echo "nameserver 192.0.2.1" > "$WORLD/etc/resolv.conf"
	chmod -R a+rX "$WORLD/etc"
	run_box --dir "/etc=$WORLD/etc" -- /bin/sh -c 'ls /etc; cat /etc/resolv.conf'
	assert_success
	assert_line resolv.conf
	refute_line hosts
	assert_line "nameserver 192.0.2.1"
}

@test "mounts: a run leaves no mount on the host" {
	local before after
	# The box's first run pins its network namespace (box state until cleanup).
	run_box -- /bin/true
	assert_success
	before=$(host_mounts)
	run_box --dir "/data=$WORLD" -- /bin/sh -c 'cat /proc/self/mountinfo | wc -l'
	assert_success
	after=$(host_mounts)
	[ "$before" = "$after" ] || fail "host mounts changed"
}

@test "mounts: the engine case: node runs an engine from a read-only bind" {
	requires node
	setup_engine
	run_box --engine "$ENGINE" --code "$CODE" -- node /root/common/main.js
	assert_success
	assert_output --partial '"greeting":"hello, apbox"'
	assert_output --partial '"mode":"SANDBOX_PROCESS"'
	assert_output --partial '"cwd":"/box"'
	[ -s "$BOX_ROOT/$BOX/box/output.json" ]
}

@test "mounts: a rw /proc still has its kernel knobs read-only" {
	run_box --dir /proc=proc:fs:rw -- /bin/sh -c 'echo 1 > /proc/sys/kernel/hostname || echo sys-ro; echo 0 > /proc/self/oom_score_adj && echo self-rw'
	assert_line sys-ro
	assert_line self-rw
}

@test "mounts: merged-/usr links (/bin -> usr/bin) are links in the box, binds when a rule needs a dir" {
	[ "$(readlink /bin)" = usr/bin ] || skip "/bin is not the link usr/bin here"
	run_box -- /bin/sh -c 'readlink /bin; awk "\$5 == \"/bin\"" /proc/self/mountinfo | wc -l; ln -sfn / /bin 2>/dev/null || echo ro'
	assert_success
	assert_line --index 0 usr/bin
	assert_line --index 1 0
	assert_line ro
	mkdir -p "$WORLD/x"
	chmod 755 "$WORLD/x"
	run_box --dir "/usr/apbox-x=$WORLD/x:maybe" -- /bin/sh -c 'test -L /bin && echo link || echo bind'
	assert_output bind
}
