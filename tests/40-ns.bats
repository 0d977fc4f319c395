#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Namespaces and credentials of the process modes.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root
	setup_world
	bind_probes
	init_box --mode process
}
teardown() { teardown_world; }

@test "ns: the program is pid 2 under pid 1 in its own pid namespace" {
	run_box -- /bin/sh -c 'echo $$; ls /proc | grep -c "^[0-9]"'
	assert_success
	assert_line --index 0 2
	[ "${lines[1]}" -le 4 ] || fail "sees ${lines[1]} processes"
}

@test "ns: host pids are invisible and cannot be signalled" {
	run_box -- /probes/try-escape kill "$$"
	[ "$status" -ne 0 ]
	run_box -- /bin/sh -c "test -e /proc/$$ && echo visible || echo invisible"
	assert_output invisible
}

@test "ns: every namespace differs from the host's" {
	local ns
	for ns in user pid mnt uts ipc cgroup net; do
		run_box -- /bin/sh -c "readlink /proc/self/ns/$ns"
		assert_success
		[ "$output" != "$(readlink /proc/self/ns/$ns)" ] || fail "$ns namespace is the host's"
	done
}

@test "ns: hostname defaults to apbox-N and --hostname sets it" {
	run_box -- /bin/hostname
	assert_output "apbox-$BOX"
	run_box --hostname flowbox -- /bin/hostname
	assert_output flowbox
	[ "$(hostname)" != flowbox ]
}

@test "ns: the box cannot change the host's hostname" {
	local before
	before=$(hostname)
	run_box -- /probes/try-escape sethostname pwned
	[ "$status" -ne 0 ]
	[ "$(hostname)" = "$before" ]
}

@test "ns: the box runs as the box uid, mapped to an unprivileged host uid" {
	run_box -- /bin/sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
	assert_success
	assert_line --index 0 $((60000 + BOX))
	assert_line --index 1 $((60000 + BOX))
	[ "$(echo "${lines[2]}" | awk '{print $1, $2, $3}')" = "$((60000 + BOX)) $(host_box_uid) 1" ]
	refute_output --regexp '(^| )0 +0 '
}

@test "ns: the host sees the program under the box uid, never root" {
	"$APBOX" run -b "$BOX" -- /bin/sleep 3 &
	local bg=$! pid=
	for _ in $(seq 50); do
		pid=$(pgrep -u "$(host_box_uid)" -x sleep | head -1) && [ -n "$pid" ] && break
		sleep 0.1
	done
	[ -n "$pid" ] || fail "no sleep under uid $(host_box_uid)"
	[ "$(awk '/^Uid:/{print $2}' "/proc/$pid/status")" = "$(host_box_uid)" ]
	kill "$bg"
	wait "$bg" || true
}

@test "ns: only lo, and it is up" {
	run_box -- /bin/sh -c 'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "; cat /proc/net/route | wc -l'
	assert_success
	assert_line --index 0 lo
	[ "${#lines[@]}" -eq 2 ]
	run_box -- /probes/try-escape connect 127.0.0.1 1
	assert_output --partial "refused"
}

@test "ns: --share-net keeps the host network" {
	run_box --share-net -- /bin/sh -c 'readlink /proc/self/ns/net'
	assert_success
	[ "$output" = "$(readlink /proc/self/ns/net)" ]
}

# A shell starts background jobs with SIGINT ignored, nohup ignores SIGHUP,
# Node's child_process keeps what the worker ignored: an ignored disposition
# survives execve, and the program must start with none (in process mode
# the proxy resets them while it waits for its id maps; in the other modes
# the program's process does).
@test "signals: dispositions the caller ignored do not reach the program" {
	local mode
	for mode in process code-only; do
		run bash -c 'trap "" INT PIPE USR1 HUP TERM; exec "$@"' sh "$APBOX" run -b "$BOX" \
			--mode "$mode" -- /bin/grep -E "^Sig(Ign|Blk):" /proc/self/status
		assert_success
		assert_line --regexp '^SigIgn:[[:space:]]+0+$'
		assert_line --regexp '^SigBlk:[[:space:]]+0+$'
	done
}

@test "caps: every capability set is empty and no_new_privs is on" {
	run_box -- /bin/sh -c 'grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/self/status'
	assert_success
	assert_line --regexp '^CapInh:[[:space:]]+0000000000000000$'
	assert_line --regexp '^CapPrm:[[:space:]]+0000000000000000$'
	assert_line --regexp '^CapEff:[[:space:]]+0000000000000000$'
	assert_line --regexp '^CapBnd:[[:space:]]+0000000000000000$'
	assert_line --regexp '^CapAmb:[[:space:]]+0000000000000000$'
	assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
}

@test "caps: fds above 2 are closed" {
	exec 7<"$APBOX_CONFIG"
	run_box -- /bin/sh -c 'ls /proc/self/fd'
	exec 7<&-
	assert_success
	refute_line 7
	[ "${#lines[@]}" -le 4 ]
}

@test "ns: the bar: pid, hostname, uid, caps, read-only engine" {
	mkdir -p "$WORLD/eng"
	chmod 755 "$WORLD/eng"
	run "$APBOX" run -b "$BOX" --mode process --engine "$WORLD/eng" -- /bin/sh -c \
		'echo $$; hostname; id -u; grep -E "Cap(Eff|Bnd)|NoNewPrivs" /proc/self/status; touch /root/common/x'
	[ "$status" -ne 0 ]
	assert_line --index 0 2
	[ "${lines[1]}" != "$(hostname)" ]
	[ "${lines[2]}" -ne 0 ]
	assert_line --regexp '^CapEff:[[:space:]]+0+$'
	assert_line --regexp '^CapBnd:[[:space:]]+0+$'
	assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
	assert_output --partial "Read-only file system"
}

@test "ns: each box has a network namespace of its own" {
	skip_rootless "an ordinary user's runs each make a network namespace"
	local other=$((BOX + 1)) a b
	"$APBOX" init -b "$other" --mode process >/dev/null
	run_box -- /bin/sh -c 'readlink /proc/self/ns/net'
	a=$output
	run "$APBOX" run -b "$other" -- /bin/sh -c 'readlink /proc/self/ns/net'
	b=$output
	"$APBOX" cleanup -b "$other"
	[ -n "$a" ] && [ "$a" != "$b" ] && [ "$a" != "$(readlink /proc/self/ns/net)" ]
}

@test "ns: /proc/self/cgroup shows no host cgroup path" {
	run_box -- /bin/cat /proc/self/cgroup
	assert_success
	refute_output --partial "$CG_PARENT"
	refute_output --partial "box-$BOX"
	refute_output --partial ".."
}
