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

@test "cgroup: init creates the box cgroup of a mode without a pid namespace; cleanup removes it" {
	requires cgroup_mem
	local m
	for m in unsandboxed code-only; do
		init_box --mode $m
		[ -n "$(box_cgroups)" ] || fail "$m: no box cgroup after init"
		"$APBOX" cleanup -b "$BOX"
		[ -z "$(box_cgroups)" ] || fail "$m: left: $(box_cgroups)"
	done
}

# A process box's pid namespace holds and kills its processes: a run that
# asks for no limit needs no cgroup, and a worker that sets none (Activepieces)
# pays for none; the first run with a limit makes them.
@test "cgroup: a process box gets its cgroups from the first run that asks for a limit" {
	requires cgroup_mem
	init_box --mode process
	[ -z "$(box_cgroups)" ] || fail "init made: $(box_cgroups)"
	run_box -- /bin/cat /proc/self/cgroup
	assert_success
	refute_output --partial "box-$BOX"
	[ -z "$(box_cgroups)" ] || fail "a run without limits made: $(box_cgroups)"
	refute_meta cg-mem
	run_box --mem 64M -- /bin/true
	assert_success
	[ -n "$(box_cgroups)" ] || fail "a run with --mem made none"
	[ -n "$(meta_value cg-mem)" ] || fail "no cg-mem with --mem"
	# The isolate-compatible --cg asks for the cgroup's figures.
	"$APBOX" cleanup -b "$BOX"
	init_box --mode process
	run "$APBOX" --box-id="$BOX" --cg --meta="$META" --run -- /bin/true
	assert_success
	[ -n "$(box_cgroups)" ] || fail "--cg made none"
	[ -n "$(meta_value cg-mem)" ] || fail "no cg-mem with --cg"
	"$APBOX" cleanup -b "$BOX"
	[ -z "$(box_cgroups)" ] || fail "left: $(box_cgroups)"
}

# cleanup skips looking for the box cgroups only where the record says none
# was made: a run that makes them says so first, a re-init removes them, and
# a record without the word (an older apbox's) is looked through.
@test "cgroup: cleanup finds the cgroups of every box whose record does not rule them out" {
	requires cgroup_mem
	init_box --mode process
	grep -q 'cgmade=0' "$LOCK_ROOT/$BOX" || fail "init's record: $(cat "$LOCK_ROOT/$BOX")"
	run_box --mem 64M -- /bin/true
	assert_success
	grep -q 'cgmade=1' "$LOCK_ROOT/$BOX" || fail "the run's record: $(cat "$LOCK_ROOT/$BOX")"
	run -0 "$APBOX" cleanup -b "$BOX"
	[ -z "$(box_cgroups)" ] || fail "cleanup after a run with --mem left: $(box_cgroups)"
	# A re-init takes them too, and then records none.
	init_box --mode process
	run_box --mem 64M -- /bin/true
	assert_success
	init_box --mode process
	[ -z "$(box_cgroups)" ] || fail "re-init left: $(box_cgroups)"
	grep -q 'cgmade=0' "$LOCK_ROOT/$BOX" || fail "re-init's record: $(cat "$LOCK_ROOT/$BOX")"
	# An older apbox's record (no cgmade) over cgroups a run made.
	run_box --mem 64M -- /bin/true
	assert_success
	sed -i 's/ cgmade=[01]/        /' "$LOCK_ROOT/$BOX"
	run -0 "$APBOX" cleanup -b "$BOX"
	[ -z "$(box_cgroups)" ] || fail "cleanup of an older record left: $(box_cgroups)"
	# An unsandboxed box made them at init.
	init_box --mode unsandboxed
	grep -q 'cgmade=1' "$LOCK_ROOT/$BOX" || fail "unsandboxed init's record: $(cat "$LOCK_ROOT/$BOX")"
}

@test "cgroup: cleanup removes cgroups made below the box cgroup" {
	requires cgroup_mem
	init_box --mode unsandboxed
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

# The first step of a worker's job is the cleanup of a box cleaned up
# already: when the lock record says a cleanup finished and there is no box
# directory, cleanup looks no further.  Whatever makes that record lie keeps
# the full cleanup.
@test "cgroup: cleanup of a box cleaned up already looks at no cgroup" {
	requires cgroup_mem
	command -v strace >/dev/null || skip "requires strace"
	strace -o /dev/null -e trace=none true 2>/dev/null || skip "strace cannot trace here"
	init_box
	"$APBOX" cleanup -b "$BOX"
	run -0 no_lsan strace -f -qq -o "$WORLD/trace" -e trace=%file "$APBOX" cleanup -b "$BOX"
	run grep -c /sys/fs/cgroup "$WORLD/trace"
	assert_output 0
	grep -q "^apbox-lock-1 init=0 *$" "$LOCK_ROOT/$BOX"
}

@test "cgroup: cleanup after an init killed with its cgroups made removes them" {
	requires cgroup_mem
	init_box --mode unsandboxed
	"$APBOX" cleanup -b "$BOX"
	init_box --mode unsandboxed
	# What an init killed before it wrote its record leaves: the cleanup's.
	printf '%-127s\n' "apbox-lock-1 init=0" > "$LOCK_ROOT/$BOX"
	[ -n "$(box_cgroups)" ]
	run -0 "$APBOX" cleanup -b "$BOX"
	[ -z "$(box_cgroups)" ] || fail "left: $(box_cgroups)"
	[ ! -e "$BOX_ROOT/$BOX" ]
}

@test "cgroup: an init after one killed with its cgroups made removes them, whatever its mode" {
	requires cgroup_mem
	init_box --mode unsandboxed
	"$APBOX" cleanup -b "$BOX"
	init_box --mode unsandboxed
	printf '%-127s\n' "apbox-lock-1 init=0" > "$LOCK_ROOT/$BOX"
	[ -n "$(box_cgroups)" ]
	# A process box makes none: it must still take the old ones, or record them.
	init_box --mode process
	if grep -q 'cgmade=0' "$LOCK_ROOT/$BOX"; then
		[ -z "$(box_cgroups)" ] || fail "recorded none, left: $(box_cgroups)"
	fi
	run -0 "$APBOX" cleanup -b "$BOX"
	[ -z "$(box_cgroups)" ] || fail "left: $(box_cgroups)"
}

@test "cgroup: cleanup without a lock record removes the box cgroups" {
	requires cgroup_mem
	init_box --mode unsandboxed
	# A new lock_root and a box directory removed by hand: no record to trust.
	: > "$LOCK_ROOT/$BOX"
	umount "$BOX_ROOT/$BOX" 2>/dev/null || true
	rm -r "${BOX_ROOT:?}/$BOX"
	[ -n "$(box_cgroups)" ]
	run -0 "$APBOX" cleanup -b "$BOX"
	[ -z "$(box_cgroups)" ] || fail "left: $(box_cgroups)"
}

# v1: a move of another process into a cgroup takes the kernel's global
# threadgroup lock, whose writer waits for an RCU grace period (8-15 ms here)
# unless another move just did; a thread that moves itself does not take it.
# So the box's PID 1 writes "0" to each box cgroup's tasks file, which apbox
# opened for it, and apbox moves no process by its pid.
@test "cgroup: v1: the box moves itself into its cgroups, nothing is moved by pid" {
	requires cgroup_mem
	[ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] || skip "cgroup v1 only"
	command -v strace >/dev/null || skip "requires strace"
	strace -o /dev/null -e trace=none true 2>/dev/null || skip "strace cannot trace here"
	local m
	for m in process unsandboxed; do
		init_box --mode $m
		run no_lsan strace -f -qq -o "$WORLD/trace" -e trace=openat,write \
			"$APBOX" run -b "$BOX" --mode $m --mem 64M -- /bin/true
		assert_success
		# apbox opens the tasks files of memory, pids and (no pid namespace to
		# kill the box with) freezer ...
		local apbox_pid fds fd want=2
		[ $m = unsandboxed ] && [ -f /sys/fs/cgroup/freezer/cgroup.procs ] && want=3
		apbox_pid=$(awk 'NR == 1 { print $1 }' "$WORLD/trace")
		fds=$(awk -v p="$apbox_pid" '$1 == p && /openat\([0-9]+, "tasks", O_WRONLY/ { print $NF }' "$WORLD/trace")
		[ "$(wc -w <<<"$fds")" = "$want" ] || fail "tasks opened by apbox: '$fds' ($(grep tasks "$WORLD/trace"))"
		# ... and another process, the box's first, writes "0" (itself) to each.
		for fd in $fds; do
			grep -qE "^[0-9]+ +write\($fd, \"0\", 1" <(grep -v "^$apbox_pid " "$WORLD/trace") ||
				fail "nobody but apbox wrote to fd $fd: $(grep "($fd," "$WORLD/trace")"
		done
		run grep -E '"(cgroup\.procs|tasks)", O_WRONLY' "$WORLD/trace"
		refute_output --partial cgroup.procs
		"$APBOX" cleanup -b "$BOX"
	done
}

# The files that move processes into a box cgroup are opened by apbox as
# root: the box must never hold one (it could move a host process in).
@test "cgroup: the box's processes hold no fd of a cgroup file" {
	requires cgroup_mem
	local m procs p fd n apbox_pid
	for m in process unsandboxed; do
		init_box --mode $m
		"$APBOX" run -b "$BOX" --mode $m --mem 64M -- /bin/sleep 20 </dev/null >/dev/null 2>&1 &
		apbox_pid=$!
		# The proxy and the program (bounded wait: 10 s); a process box's
		# cgroup is made by this run.
		n=0
		for _ in $(seq 200); do
			procs=$(box_cgroups | grep -m1 -E '/memory/|^/sys/fs/cgroup/[^/]+/box-' || true)/cgroup.procs
			[ -f "$procs" ] && n=$(wc -l < "$procs")
			[ "$n" -ge 2 ] && break
			sleep 0.05
		done
		[ "$n" -ge 2 ] || { kill "$apbox_pid"; fail "the box never had two processes ($n)"; }
		while read -r p; do
			for fd in "/proc/$p/fd"/*; do
				case $(readlink "$fd") in
				/sys/fs/cgroup/*)
					kill "$apbox_pid"
					fail "process $p of the $m box holds $fd -> $(readlink "$fd")"
					;;
				esac
			done
		done <"$procs"
		kill "$apbox_pid"
		wait "$apbox_pid" || true
		"$APBOX" cleanup -b "$BOX"
	done
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
	init_box --mode unsandboxed
	[ -n "$(box_cgroups)" ]
	printf 'version = none\n' >> "$APBOX_CONFIG"
	init_box --mode unsandboxed
	[ -z "$(box_cgroups)" ] || fail "left: $(box_cgroups)"
	grep -q "cg=none" "$LOCK_ROOT/$BOX"
}
