#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# cgroups: detection, one box cgroup per box, removal by cleanup, refusal
# of limits nobody can enforce.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root
	setup_world
}
teardown() { teardown_world; }

# The box's cgroup directories (v1: one per controller; v2: one).
box_cgroups() {
	local d
	for d in /sys/fs/cgroup/*/"$CG_PARENT"/box-"$BOX" /sys/fs/cgroup/"$CG_PARENT"/box-"$BOX"; do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}

@test "cgroup: init records the detected layout" {
	init_box
	local want=v2
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || want=v1
	grep -q "cg=$want" "$LOCK_ROOT/$BOX"
}

@test "cgroup: init creates the box cgroup and cleanup removes it" {
	requires cgroup_mem
	init_box
	[ -n "$(box_cgroups)" ]
	"$APBOX" cleanup -b "$BOX"
	[ -z "$(box_cgroups)" ] || fail "left: $(box_cgroups)"
}

@test "cgroup: cleanup removes cgroups made below the box cgroup" {
	requires cgroup_mem
	init_box
	local d
	for d in $(box_cgroups); do
		mkdir "$d/sub" "$d/sub/deeper"
	done
	run -0 "$APBOX" cleanup -b "$BOX"
	[ -z "$(box_cgroups)" ] || fail "left: $(box_cgroups)"
}

@test "cgroup: cleanup kills what is left in the box cgroup" {
	requires cgroup_mem
	init_box --mode unsandboxed
	local d
	d=$(box_cgroups | grep -m1 -E '/memory/|^/sys/fs/cgroup/[^/]+/box-')
	sleep 300 &
	local victim=$!
	echo "$victim" > "$d/cgroup.procs"
	run -0 "$APBOX" cleanup -b "$BOX"
	sleep 0.1
	! kill -0 "$victim" 2>/dev/null || fail "process survived cleanup"
	wait "$victim" 2>/dev/null || true
	[ -z "$(box_cgroups)" ]
}

# v1: each box cgroup costs init an mkdir, cleanup an rmdir and every run a
# move; cpuacct (CPU time while the program runs) and freezer (killing
# without a pid namespace) are made by the first run that needs them.
@test "cgroup: v1 cpuacct and freezer come with the first run that needs them" {
	requires cgroup_mem
	[ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] || skip "cgroup v1 only"
	local cpu=/sys/fs/cgroup/cpuacct fz=/sys/fs/cgroup/freezer
	[ -L "$cpu" ] || [ ! -d "$cpu" ] && cpu=/sys/fs/cgroup/cpu,cpuacct
	[ -f "$cpu/cgroup.procs" ] && [ -f "$fz/cgroup.procs" ] || skip "no cpuacct or freezer hierarchy"
	cpu=$cpu/$CG_PARENT/box-$BOX
	fz=$fz/$CG_PARENT/box-$BOX
	init_box --mode process
	[ -d "/sys/fs/cgroup/memory/$CG_PARENT/box-$BOX" ] && [ -d "/sys/fs/cgroup/pids/$CG_PARENT/box-$BOX" ]
	[ ! -e "$cpu" ] && [ ! -e "$fz" ] || fail "init made: $(box_cgroups)"
	run_box -- /bin/true
	assert_success
	[ ! -e "$cpu" ] && [ ! -e "$fz" ] || fail "a run that needs neither made: $(box_cgroups)"
	run_box --time 5 -- /bin/true
	assert_success
	[ -d "$cpu" ] && [ ! -e "$fz" ] || fail "after a CPU time limit: $(box_cgroups)"
	run_box --mode unsandboxed -- /bin/cat /proc/self/cgroup
	assert_success
	assert_line --regexp ":freezer:/$CG_PARENT/box-$BOX\$"
	assert_line --regexp ":memory:/$CG_PARENT/box-$BOX\$"
	refute_line --regexp ":cpuacct[^:]*:/$CG_PARENT/box-$BOX\$"
	"$APBOX" cleanup -b "$BOX"
	[ -z "$(box_cgroups)" ] || fail "left: $(box_cgroups)"
}

@test "cgroup: the program is inside the box cgroup from its first instruction" {
	requires cgroup_mem
	init_box --mode unsandboxed
	run_box -- /bin/cat /proc/self/cgroup
	assert_success
	assert_output --regexp "memory:/$CG_PARENT/box-$BOX|0::/$CG_PARENT/box-$BOX"
}

@test "cgroup: a memory limit with no cgroup is refused, naming the fix" {
	printf 'version = none\n' >> "$APBOX_CONFIG"
	init_box --mode unsandboxed
	run_box --mem 32M -- /bin/true
	[ "$status" -eq 125 ]
	assert_output --partial "memory"
	assert_meta status XX
}

@test "cgroup: cg-mem reports the peak and is reset between runs" {
	requires cgroup_mem
	setup_probes
	init_box --mode unsandboxed
	run_box --mem 256M -- "$PROBES/memhog" 64
	assert_success
	local first; first=$(meta_value cg-mem)
	[ "$first" -ge 60000 ] || fail "cg-mem $first after 64 MiB"
	run_box --mem 256M -- /bin/true
	local second; second=$(meta_value cg-mem)
	[ "$second" -lt 20000 ] || fail "cg-mem $second stuck from the first run"
}

@test "cgroup: a limit from an earlier run does not stick" {
	requires cgroup_mem
	setup_probes
	init_box --mode unsandboxed
	run_box --mem 32M -- "$PROBES/memhog" 64
	[ "$status" -eq 137 ]
	run_box -- "$PROBES/memhog" 64
	assert_success
	refute_meta cg-oom-killed
}

@test "cgroup: re-init with another cgroup setting removes the old box cgroup" {
	requires cgroup_mem
	init_box
	[ -n "$(box_cgroups)" ]
	printf 'version = none\n' >> "$APBOX_CONFIG"
	init_box
	[ -z "$(box_cgroups)" ] || fail "left: $(box_cgroups)"
	grep -q "cg=none" "$LOCK_ROOT/$BOX"
}
