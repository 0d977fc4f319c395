#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Faults: apbox SIGKILLed at each phase of a run (waiting for the lock,
# holding it before clone, building the root, running, writing the meta
# file) and of init and cleanup; then "apbox cleanup" must leave no process,
# mount, cgroup, held lock or box file, and the box must work again.  Also
# SIGTERM mid-run, a full or read-only box_root, and a cgroup tree without
# controllers.  A phase is reached by stalling one system call with strace's
# fault injection (delay_enter), which changes nothing else in the run.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root
	setup_world
	# A unique program name to look for: "sleep 86.<pid><box>" sleeps 86 s.
	MARK="86.${BATS_ROOT_PID:-$$}${BOX}"
	MOUNTS_BEFORE=$(host_mounts)
	SP=
}

teardown() {
	local m
	[ -z "${SP:-}" ] || kill -KILL "$SP" 2>/dev/null || true
	# Only this test's own processes, by pid (the marker is unique to it).
	local pids
	# shellcheck disable=SC2086 # one pid per word
	pids=$(pgrep -f "sleep $MARK") && kill -KILL $pids 2>/dev/null
	true
	# Filesystems this test mounted in its world, deepest first.
	if [ -n "${WORLD:-}" ]; then
		awk -v w="$WORLD/" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r |
			while read -r m; do umount -l "$m" || true; done
	fi
	teardown_world
}

need_strace() {
	command -v strace >/dev/null || skip "requires strace (apt-get install strace)"
	strace -o /dev/null -e trace=none true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
}

# What is left of box $BOX: prints one line per leftover, nothing when clean.
leftovers() {
	local d
	pgrep -af "sleep $MARK" | sed 's/^/process: /'
	for d in /sys/fs/cgroup/*/"$CG_PARENT"/box-"$BOX" /sys/fs/cgroup/"$CG_PARENT"/box-"$BOX"; do
		[ ! -d "$d" ] || echo "cgroup: $d"
	done
	[ ! -e "$BOX_ROOT/$BOX" ] || echo "file: $BOX_ROOT/$BOX"
	if [ -e "$LOCK_ROOT/$BOX" ] && ! flock -n "$LOCK_ROOT/$BOX" true; then
		echo "lock: $LOCK_ROOT/$BOX is held"
	fi
	[ "$(host_mounts)" = "$MOUNTS_BEFORE" ] || echo "mounts: $(diff <(echo "$MOUNTS_BEFORE") <(host_mounts) | tr '\n' ' ')"
}

# apbox cleanup succeeds, leaves nothing, and the box works again in mode $1.
assert_recovers() {
	local left
	run -0 "$APBOX" cleanup -b "$BOX"
	# A SIGKILLed process may take a moment to be reaped by its new parent.
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		left=$(leftovers)
		[ -n "$left" ] || break
		sleep 0.1
	done
	[ -z "$left" ] || fail "left after cleanup: $left"
	run -0 "$APBOX" init -b "$BOX" --mode "$1"
	run_box -- /bin/sh -c 'echo again'
	assert_success
	assert_output again
	run -0 "$APBOX" cleanup -b "$BOX"
	[ -z "$(leftovers)" ] || fail "left after the second run: $(leftovers)"
}

# strace_apbox LOG STRACE-OPTIONS -- APBOX-ARGS: start apbox under strace in
# the background (SP is strace's pid).
strace_apbox() {
	local log=$1
	shift
	local sopts=()
	while [ "$1" != -- ]; do sopts+=("$1"); shift; done
	shift
	strace -o "$log" "${sopts[@]}" "$APBOX" "$@" >/dev/null 2>&1 3>&- &
	SP=$!
}

# wait_for LOG PATTERN [COUNT]: until strace logged PATTERN COUNT times (5 s at most).
wait_for() {
	local n
	for _ in $(seq 100); do
		n=$(grep -c -- "$2" "$1" 2>/dev/null) || true
		[ "${n:-0}" -ge "${3:-1}" ] && return 0
		sleep 0.05
	done
	fail "strace never showed $2 (log: $(head -c 2000 "$1"))"
}

# SIGKILL the apbox that strace runs (strace's child), then reap strace.
kill_traced_apbox() {
	local ap
	ap=$(pgrep -P "$SP" | head -1)
	[ -n "$ap" ] || fail "no apbox under strace $SP"
	kill -KILL "$ap"
	wait "$SP" 2>/dev/null || true
	SP=
}

@test "faults: kill -9 while waiting for the box lock (--wait) leaves nothing" {
	init_box --mode unsandboxed
	# The holder: a real run that keeps the lock for 2 s (cwd is the box dir).
	"$APBOX" run -b "$BOX" --meta "$WORLD/holder.meta" -- /bin/sh -c 'touch started; sleep 2; echo held' \
		>"$WORLD/holder.out" 2>&1 3>&- &
	local holder=$! waiter
	for _ in $(seq 50); do
		[ -e "$BOX_ROOT/$BOX/box/started" ] && break
		sleep 0.05
	done
	"$APBOX" run -b "$BOX" --wait --meta "$META" -- /bin/sleep "$MARK" >/dev/null 2>&1 3>&- &
	waiter=$!
	# Blocked in flock(2) (locks_lock_inode_wait; flock_lock_inode_wait before 4.4).
	for _ in $(seq 50); do
		[[ $(cat "/proc/$waiter/wchan" 2>/dev/null) == *lock*wait* ]] && break
		sleep 0.02
	done
	[[ $(cat "/proc/$waiter/wchan") == *lock*wait* ]] ||
		fail "the waiter is not blocked on the lock ($(cat "/proc/$waiter/wchan"))"
	kill -KILL "$waiter"
	wait "$waiter" 2>/dev/null || true
	# The holder's run is not disturbed.
	wait "$holder"
	[ "$(cat "$WORLD/holder.out")" = held ]
	grep -q "^status:" "$WORLD/holder.meta" && fail "holder: $(cat "$WORLD/holder.meta")"
	# The waiter never reached the box: its meta file is empty, nothing ran.
	[ ! -s "$META" ]
	assert_recovers unsandboxed
}

@test "faults: kill -9 while holding the lock just before clone leaves nothing (process)" {
	need_strace
	init_box --mode process
	strace_apbox "$WORLD/strace.log" -e trace=clone3,clone -e inject=clone3:delay_enter=5000000 \
		-- run -b "$BOX" --meta "$META" --mem 64M --processes 32 -- /bin/sleep "$MARK"
	wait_for "$WORLD/strace.log" 'clone3('
	# The box is locked, its cgroup prepared with limits, the meta file open.
	flock -n "$LOCK_ROOT/$BOX" true && fail "the lock is not held before clone"
	kill_traced_apbox
	[ ! -s "$META" ]
	assert_recovers process
}

@test "faults: kill -9 during mount setup leaves nothing (process)" {
	need_strace
	init_box --mode process
	# The third mount(2) of the proxy: "/" made private and the root tmpfs
	# are done, the first bind is stalled.
	strace_apbox "$WORLD/strace.log" -f -e trace=mount -e inject=mount:delay_enter=5000000:when=3 \
		-- run -b "$BOX" --meta "$META" -- /bin/sleep "$MARK"
	wait_for "$WORLD/strace.log" 'mount(' 3
	kill_traced_apbox
	assert_recovers process
}

@test "faults: kill -9 during mount_setattr (read-only binds) leaves nothing (code-and-process)" {
	need_strace
	init_box --mode code-and-process
	strace_apbox "$WORLD/strace.log" -f -e trace=mount_setattr \
		-e inject=mount_setattr:delay_enter=5000000:when=2 \
		-- run -b "$BOX" --meta "$META" -- /bin/sleep "$MARK"
	wait_for "$WORLD/strace.log" 'mount_setattr(' 2
	kill_traced_apbox
	assert_recovers code-and-process
}

running_test() {
	init_box --mode "$1"
	"$APBOX" run -b "$BOX" --meta "$META" -- /bin/sh -c \
		"/bin/sleep $MARK & (setsid /bin/sleep $MARK &); /bin/sleep $MARK" >/dev/null 2>&1 3>&- &
	local pid=$!
	for _ in $(seq 50); do
		[ "$(pgrep -f "^/bin/sleep $MARK" | wc -l)" -ge 3 ] && break
		sleep 0.1
	done
	[ "$(pgrep -f "^/bin/sleep $MARK" | wc -l)" -ge 3 ] || fail "the program did not start"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
	assert_recovers "$1"
}

@test "faults: kill -9 while the program runs leaves nothing (code-only)" { running_test code-only; }
@test "faults: kill -9 while the program runs leaves nothing (code-and-process)" { running_test code-and-process; }

@test "faults: kill -9 while writing the meta file leaves nothing (process)" {
	need_strace
	init_box --mode process
	# -P: only the write(2) to the meta file is traced and stalled.
	strace_apbox "$WORLD/strace.log" -P "$META" -e trace=write -e inject=write:delay_enter=5000000 \
		-- run -b "$BOX" --meta "$META" -- /bin/sh -c 'echo done > /box/out'
	wait_for "$WORLD/strace.log" 'write('
	# The program has finished; the keeper is stuck in its last step.
	[ "$(cat "$BOX_ROOT/$BOX/box/out")" = "done" ]
	kill_traced_apbox
	[ ! -s "$META" ]
	assert_recovers process
}

@test "faults: kill -9 during init, then cleanup and init work" {
	need_strace
	# Stall the chown of the new work dir: the box dir exists, the state is not saved.
	strace_apbox "$WORLD/strace.log" -e trace=fchown -e inject=fchown:delay_enter=5000000 \
		-- init -b "$BOX" --mode process
	wait_for "$WORLD/strace.log" 'fchown('
	kill_traced_apbox
	run -125 "$APBOX" run -b "$BOX" -- /bin/true
	assert_output --partial "not initialised"
	assert_recovers process
}

@test "faults: kill -9 during cleanup, then cleanup again leaves nothing" {
	need_strace
	init_box --mode unsandboxed
	# A run killed with an orphan still alive in the box cgroup.
	"$APBOX" run -b "$BOX" -- /bin/sh -c "(setsid /bin/sleep $MARK &); /bin/sleep $MARK" \
		>/dev/null 2>&1 3>&- &
	local pid=$!
	for _ in $(seq 50); do
		[ "$(pgrep -f "^/bin/sleep $MARK" | wc -l)" -ge 2 ] && break
		sleep 0.1
	done
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
	# The cleanup is killed at its first unlinkat(2): after the kill, before the cgroups go.
	strace_apbox "$WORLD/strace.log" -e trace=unlinkat -e inject=unlinkat:delay_enter=5000000:when=1 \
		-- cleanup -b "$BOX"
	wait_for "$WORLD/strace.log" "unlinkat("
	kill_traced_apbox
	assert_recovers unsandboxed
}

sigterm_test() {
	init_box --mode "$1"
	"$APBOX" run -b "$BOX" --meta "$META" -- /bin/sh -c "/bin/sleep $MARK & /bin/sleep $MARK" \
		>/dev/null 2>&1 3>&- &
	local pid=$! st=0
	for _ in $(seq 50); do
		[ "$(pgrep -f "^/bin/sleep $MARK" | wc -l)" -ge 2 ] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid" || st=$?
	[ "$st" -eq 143 ] || fail "exit $st, expected 143"
	assert_meta status SG
	assert_meta message Interrupted
	assert_meta exitsig 15
	assert_meta killed 1
	# The box died with the run; nothing waits for cleanup.
	[ -z "$(pgrep -af "sleep $MARK")" ] || fail "left running: $(pgrep -af "sleep $MARK")"
	flock -n "$LOCK_ROOT/$BOX" true || fail "lock still held"
	assert_recovers "$1"
}

@test "faults: SIGTERM mid-run still writes the meta file (process)" { sigterm_test process; }
@test "faults: SIGTERM mid-run still writes the meta file (unsandboxed)" { sigterm_test unsandboxed; }

# Mount a tiny tmpfs at $WORLD/$1 (options $2), world-searchable.
small_fs() {
	mkdir -p "$WORLD/$1"
	mount -t tmpfs -o "$2" "apbox-faults" "$WORLD/$1"
	chmod 755 "$WORLD/$1"
	MOUNTS_BEFORE=$(host_mounts)
}

# Use up every inode and block of the filesystem at $1.
fill_fs() {
	local i=0
	while : 2>/dev/null >"$1/fill$i"; do i=$((i + 1)); done
	rm -f "$1/fill$((i - 1))" "$1/fill$((i - 2))"
	dd if=/dev/zero of="$1/fill-data" bs=4k 2>/dev/null || true
	while : 2>/dev/null >"$1/fill$i"; do i=$((i + 1)); done
	[ "$(stat -fc %a "$1")" -eq 0 ] || fail "$1 still has free blocks"
}

# The failed command printed exactly one "apbox: ..." line ending with $1
# (stderr is set by bats' run --separate-stderr).
# shellcheck disable=SC2154
assert_one_error_line() {
	local n
	n=$(printf '%s\n' "$stderr" | grep -c .) || true
	[ "$n" -eq 1 ] || fail "expected one line on stderr, got $n: $stderr"
	[[ $stderr == "apbox: "*"$1" ]] || fail "unexpected message: $stderr"
}

use_box_root() {
	sed -i "s|^box_root = .*|box_root = $1|" "$APBOX_CONFIG"
	BOX_ROOT=$1
}

@test "faults: init on a full box_root fails with one line and leaves nothing" {
	small_fs small size=1m,nr_inodes=64
	use_box_root "$WORLD/small/boxes"
	mkdir "$BOX_ROOT"
	fill_fs "$WORLD/small"
	run -125 --separate-stderr "$APBOX" init -b "$BOX" --mode process
	assert_one_error_line "No space left on device"
	assert_output ""
	[ -z "$(leftovers)" ] || fail "left: $(leftovers)"
	run -125 "$APBOX" run -b "$BOX" -- /bin/true
	assert_output --partial "not initialised"
	# Space again: the same box initialises and runs.
	rm -f "$WORLD"/small/fill*
	assert_recovers process
}

@test "faults: init with lock_root on a full filesystem fails with one line" {
	small_fs small size=1m,nr_inodes=64
	sed -i "s|^lock_root = .*|lock_root = $WORLD/small/locks|" "$APBOX_CONFIG"
	LOCK_ROOT=$WORLD/small/locks
	mkdir "$LOCK_ROOT"
	fill_fs "$WORLD/small"
	run -125 --separate-stderr "$APBOX" init -b "$BOX" --mode process
	assert_one_error_line "No space left on device"
	[ -z "$(leftovers)" ] || fail "left: $(leftovers)"
	rm -f "$WORLD"/small/fill*
	assert_recovers process
}

@test "faults: box_root filling up: ENOSPC for a box without a storage of its own, not for one with; cleanup frees it" {
	requires cgroup_mem
	small_fs small size=1m,nr_inodes=256
	use_box_root "$WORLD/small/boxes"
	# Without a storage of its own, the box writes on box_root's filesystem.
	init_box --mode process --storage 0
	fill_fs "$WORLD/small"
	run_box -- /bin/sh -c 'echo x > /box/new || exit 3'
	[ "$status" -eq 3 ] || fail "exit $status: $output"
	assert_meta status RE
	# With one (the default), a full box_root is none of the box's business.
	"$APBOX" cleanup -b "$BOX"
	rm -f "$WORLD"/small/fill*
	init_box --mode process
	fill_fs "$WORLD/small"
	run_box -- /bin/sh -c 'echo x > /box/new && echo y > /tmp/new'
	assert_success
	rm -f "$WORLD"/small/fill*
	assert_recovers process
}

@test "faults: a meta file that cannot be written fails the run with one line (exit 125)" {
	small_fs small size=1m,nr_inodes=64
	init_box --mode unsandboxed
	: >"$WORLD/small/meta"
	fill_fs "$WORLD/small"
	# The file opens (it exists) but no byte of it can be written.
	run --separate-stderr "$APBOX" run -b "$BOX" --meta "$WORLD/small/meta" -- /bin/true
	[ "$status" -eq 125 ] || fail "exit $status with an empty meta file (stderr: $stderr)"
	assert_one_error_line "No space left on device"
	rm -f "$WORLD"/small/fill*
	assert_recovers unsandboxed
}

@test "faults: init on a read-only box_root fails with one line and leaves nothing" {
	small_fs ro size=1m
	mkdir "$WORLD/ro/boxes"
	mount -o remount,ro "$WORLD/ro"
	MOUNTS_BEFORE=$(host_mounts)
	use_box_root "$WORLD/ro/boxes"
	run -125 --separate-stderr "$APBOX" init -b "$BOX" --mode process
	assert_one_error_line "\"$WORLD/ro/boxes/$BOX\": Read-only file system"
	[ -z "$(leftovers)" ] || fail "left: $(leftovers)"
	# The lock record says "not initialised".
	run -125 "$APBOX" run -b "$BOX" -- /bin/true
	assert_output --partial "not initialised"
	run -0 "$APBOX" cleanup -b "$BOX"
	# A box_root that does not exist yet on a read-only fs: the mkdir fails clearly.
	use_box_root "$WORLD/ro/new/boxes"
	run -125 --separate-stderr "$APBOX" init -b "$BOX" --mode process
	assert_one_error_line "\"$WORLD/ro/new\": Read-only file system"
}

# Point the configuration at a cgroup root with no controller in it.
fake_cgroup() {
	mkdir -p "$WORLD/fakecg"
	sed -i "s|^\[cgroup\]|[cgroup]\nroot = $WORLD/fakecg${1:+\nversion = $1}|" "$APBOX_CONFIG"
}

missing_controller_test() {
	fake_cgroup "$1"
	init_box --mode process
	run -125 --separate-stderr "$APBOX" run -b "$BOX" --meta "$META" --mem 32M -- /bin/true
	assert_one_error_line "Operation not supported"
	[[ $stderr == *"memory limit requested but no"* ]] || fail "message: $stderr"
	[[ $stderr == *"$WORLD/fakecg"* ]] || fail "the message does not name the cgroup root: $stderr"
	assert_meta status XX
	# Without a limit the box runs.
	run_box -- /bin/true
	assert_success
	run -0 "$APBOX" cleanup -b "$BOX"
	[ ! -e "$BOX_ROOT/$BOX" ]
}

@test "faults: a cgroup root without controllers refuses --mem clearly (auto)" { missing_controller_test ""; }
@test "faults: cgroup v1 without a memory hierarchy refuses --mem clearly" { missing_controller_test 1; }
@test "faults: cgroup version none refuses --mem clearly" { missing_controller_test none; }
