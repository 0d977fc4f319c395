#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Limits that hold and results that tell the truth, in unsandboxed and
# process modes: OOM, pids, time, and a SIGKILLed apbox.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root cgroup_mem
	setup_world
	setup_probes
}
teardown() { teardown_world; }

prepare() {
	init_box --mode "$1"
	if [ "$1" = process ]; then RUN_EXTRA=(--dir "/probes=$PROBES"); P=/probes; else P=$PROBES; fi
}

oom_test() {
	prepare "$1"
	run_box --mem 32M -- "$P/memhog" 100
	[ "$status" -eq 137 ] || fail "exit $status: $output"
	assert_meta cg-oom-killed 1
	assert_meta status SG
	assert_meta exitsig 9
	assert_meta message "Out of memory (killed by signal 9)"
	local mem; mem=$(meta_value cg-mem)
	[ "$mem" -ge 30000 ] && [ "$mem" -le 33000 ] || fail "cg-mem $mem, expected near 32768"
}

@test "limits: a memory hog under --mem 32M is OOM-killed (unsandboxed)" { oom_test unsandboxed; }
@test "limits: a memory hog under --mem 32M is OOM-killed (process)" { oom_test process; }
@test "limits: a memory hog under --mem 32M is OOM-killed (code-only)" { oom_test code-only; }

fits_test() {
	prepare "$1"
	run_box --mem 256M -- "$P/memhog" 100
	assert_success
	assert_output --partial "allocated 100 MiB"
	refute_meta cg-oom-killed
	refute_meta status
}

@test "limits: the same hog under --mem 256M finishes (unsandboxed)" { fits_test unsandboxed; }
@test "limits: the same hog under --mem 256M finishes (process)" { fits_test process; }

forkbomb_test() {
	prepare "$1"
	run_box --processes 16 --wall-time 20 -- "$P/forkbomb" 5
	assert_success
	assert_output --regexp "fork failed after 1[0-5]:"
	refute_meta killed
}

@test "limits: a fork bomb under --processes 16 is contained (unsandboxed)" { forkbomb_test unsandboxed; }
@test "limits: a fork bomb under --processes 16 is contained (process)" { forkbomb_test process; }
@test "limits: a fork bomb under --processes 16 is contained (code-only)" { forkbomb_test code-only; }

@test "limits: --wall-time 1 on sleep 10 is TO within 1.2 s (process)" {
	prepare process
	local t0 t1
	t0=$(date +%s%N)
	run_box --wall-time 1 -- /bin/sleep 10
	t1=$(date +%s%N)
	[ "$status" -eq 137 ]
	assert_meta status TO
	[ $(( (t1 - t0) / 1000000 )) -le 1200 ] || fail "took $(( (t1 - t0) / 1000000 )) ms"
}

@test "limits: --time counts the CPU of the whole box (process)" {
	prepare process
	run_box --time 1 -- /bin/sh -c 'while :; do :; done & while :; do :; done'
	[ "$status" -eq 137 ]
	assert_meta status TO
	# Counting only the main process would kill when it alone had 1 s, with
	# about 2 s spent in all; the box's total is what --time limits.
	local t
	t=$(meta_value time)
	t=${t/./}
	[ "$((10#$t))" -ge 1000 ] && [ "$((10#$t))" -le 1500 ] || fail "time $t ms"
}

sigkill_test() {
	local before after
	before=$(host_mounts)
	prepare "$1"
	"$APBOX" run -b "$BOX" "${RUN_EXTRA[@]}" -- /bin/sh -c 'sleep 61 & (setsid sleep 61 &); sleep 61' >/dev/null 2>&1 &
	local pid=$!
	sleep 1
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
	run -0 "$APBOX" cleanup -b "$BOX"
	sleep 0.2
	run pgrep -f '^sleep 61$'
	[ "$status" -ne 0 ] || fail "left behind: $(pgrep -af '^sleep 61$' | head)"
	[ ! -e "$BOX_ROOT/$BOX" ]
	for d in /sys/fs/cgroup/*/"$CG_PARENT"/box-"$BOX" /sys/fs/cgroup/"$CG_PARENT"/box-"$BOX"; do
		[ ! -d "$d" ] || fail "cgroup $d left"
	done
	after=$(host_mounts)
	[ "$before" = "$after" ] || fail "mounts changed"
	init_box --mode "$1"
	run_box -- /bin/true
	assert_success
}

@test "limits: after kill -9 of apbox, cleanup leaves nothing (unsandboxed)" { sigkill_test unsandboxed; }
@test "limits: after kill -9 of apbox, cleanup leaves nothing (process)" { sigkill_test process; }

# The box lock is apbox's alone: the box's processes (the proxy is a copy
# of apbox) do not hold it, so a cleanup right after apbox was killed finds
# the box free instead of "in use" while the kernel is still killing them.
lock_holders_test() {
	prepare "$1"
	"$APBOX" run -b "$BOX" "${RUN_EXTRA[@]}" -- /bin/sleep 61 >/dev/null 2>&1 &
	local pid=$! proxy="" held="" p fd
	for _ in $(seq 50); do
		proxy=$(pgrep -P "$pid" | head -1)
		[ -n "$proxy" ] && pgrep -f '^/bin/sleep 61$' >/dev/null && break
		sleep 0.1
	done
	for p in $proxy $(pgrep -f '^/bin/sleep 61$'); do
		for fd in /proc/"$p"/fd/*; do
			[ "$(readlink "$fd")" != "$LOCK_ROOT/$BOX" ] || held="$held $p:$fd"
		done
	done
	# apbox goes first, whatever was found: a failed check leaves nothing running.
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
	[ -n "$proxy" ] || fail "no proxy"
	[ -z "$held" ] || fail "the box lock is held by:$held"
	run -0 "$APBOX" cleanup -b "$BOX"
}
@test "limits: only apbox holds the box lock, so cleanup right after kill -9 succeeds (unsandboxed)" {
	lock_holders_test unsandboxed
}
@test "limits: only apbox holds the box lock, so cleanup right after kill -9 succeeds (process)" {
	lock_holders_test process
}

@test "limits: --processes 1 allows the program itself and no child" {
	prepare process
	run_box --processes 1 -- /bin/true
	assert_success
	run_box --processes 1 -- /bin/sh -c '/bin/true; echo after'
	assert_output --partial "Cannot fork"
	run_box --processes 2 -- /bin/sh -c '/bin/true && echo forked'
	assert_success
	assert_output forked
}
