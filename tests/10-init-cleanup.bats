#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Box lifecycle: init, lock, cleanup; planted symlinks are never followed.
bats_require_minimum_version 1.5.0
load helpers/common

setup() { setup_world; }
teardown() {
	teardown_world
	[ -z "${SHM_MARK:-}" ] || rm -f "$SHM_MARK"
}

@test "init: creates the box dir owned by the box uid and prints it" {
	requires root
	run -0 "$APBOX" init -b "$BOX"
	assert_output "$BOX_ROOT/$BOX"
	[ -d "$BOX_ROOT/$BOX/box" ]
	[ "$(stat -c %u:%g "$BOX_ROOT/$BOX/box")" = "$((60000 + BOX)):$((60000 + BOX))" ]
	[ "$(stat -c %a "$BOX_ROOT/$BOX/box")" = 700 ]
}

@test "init: re-init resets the box" {
	init_box
	echo old > "$BOX_ROOT/$BOX/box/stale"
	init_box
	[ ! -e "$BOX_ROOT/$BOX/box/stale" ]
}

@test "cleanup: removes the box and exits 0 twice" {
	init_box
	run -0 "$APBOX" cleanup -b "$BOX"
	[ ! -e "$BOX_ROOT/$BOX" ]
	run -0 "$APBOX" cleanup -b "$BOX"
	[ ! -e "$BOX_ROOT/$BOX" ]
}

@test "cleanup: a box that never existed is not an error" {
	run -0 "$APBOX" cleanup -b 77
	[ ! -e "$BOX_ROOT/77" ]
}

@test "run: refuses a box that was not initialised" {
	run -125 "$APBOX" run -b "$BOX" -- /bin/true
	assert_output --partial "not initialised"
	assert_output --partial "apbox init -b $BOX"
}

@test "run: refuses a box after cleanup" {
	init_box
	"$APBOX" cleanup -b "$BOX"
	run -125 "$APBOX" run -b "$BOX" --mode unsandboxed -- /bin/true
	assert_output --partial "not initialised"
}

@test "lock: a second run on a busy box fails at once" {
	init_box --mode unsandboxed
	"$APBOX" run -b "$BOX" -- /bin/sh -c 'sleep 3' &
	local bg=$!
	sleep 0.5
	local t0=$SECONDS
	run -125 "$APBOX" run -b "$BOX" -- /bin/true
	assert_output --partial "box $BOX is in use"
	[ $((SECONDS - t0)) -le 1 ]
	wait "$bg"
}

@test "lock: --wait waits for a busy box" {
	init_box --mode unsandboxed
	"$APBOX" run -b "$BOX" -- /bin/sh -c 'sleep 1' &
	local bg=$!
	sleep 0.3
	run -0 "$APBOX" run -b "$BOX" --wait -- /bin/sh -c 'echo waited'
	assert_output "waited"
	wait "$bg"
}

@test "lock: cleanup of a busy box fails at once" {
	init_box --mode unsandboxed
	"$APBOX" run -b "$BOX" -- /bin/sh -c 'sleep 2' &
	local bg=$!
	sleep 0.3
	run -125 "$APBOX" cleanup -b "$BOX"
	assert_output --partial "in use"
	wait "$bg"
}

@test "lock: cleanup rewrites the lock record, never unlinks the file" {
	init_box
	[ -s "$LOCK_ROOT/$BOX" ]
	"$APBOX" cleanup -b "$BOX"
	[ -e "$LOCK_ROOT/$BOX" ]
	grep -q "^apbox-lock-1 init=0 *$" "$LOCK_ROOT/$BOX"
}

@test "lock: the files of lock_root are 0600, so no box uid can flock another box's lock" {
	requires root
	local other=$((60000 + BOX + 1))
	init_box --mode code-only
	# A code-only box runs on the host as its uid: it must not be able to take the lock.
	run ! setpriv --reuid="$other" --regid="$other" --clear-groups \
		flock -n -x "$LOCK_ROOT/$BOX" -c 'echo locked'
	refute_output --partial locked
	run -0 stat -c %a "$LOCK_ROOT/$BOX" "$LOCK_ROOT/etc.lock" "$LOCK_ROOT/seccomp.bpf"
	assert_output $'600\n600\n600'
	run -0 "$APBOX" run -b "$BOX" -- /bin/true
	run -0 "$APBOX" cleanup -b "$BOX"
}

@test "lock: a lock file an older apbox made 0644 is made 0600" {
	requires root
	mkdir -p "$LOCK_ROOT"
	: >"$LOCK_ROOT/$BOX"
	chmod 644 "$LOCK_ROOT/$BOX"
	init_box
	[ "$(stat -c %a "$LOCK_ROOT/$BOX")" = 600 ]
}

# ipc_of UID: the System V objects (shm, sem, msg) uid owns, one "kind id" per line.
ipc_of() {
	awk -v u="$1" 'FNR == 1 { for (i = 1; i <= NF; i++) { if ($i == "uid") c = i; if ($i ~ /id$/ && !k) k = i }; next }
		$c == u { print FILENAME, $k } FNR == 1 { k = 0 }' /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg
}

@test "cleanup and init remove the IPC objects and /dev/shm entries a code-only box left" {
	requires root
	local uid=$((60000 + BOX)) cmd
	# Where the kernel has no Landlock: with it, the box cannot write /dev/shm at all.
	printf '[sandbox]\nlandlock = off\n' >>"$APBOX_CONFIG"
	SHM_MARK=/dev/shm/apbox-test-root-$$
	echo root >"$SHM_MARK"
	cmd="ipcmk -M 4096 && ipcmk -S 1 && ipcmk -Q && echo x >/dev/shm/apbox-test-$$ &&
		ln -s $SHM_MARK /dev/shm/apbox-test-link-$$ && mkdir /dev/shm/apbox-test-dir-$$ &&
		echo y >/dev/shm/apbox-test-dir-$$/f"
	for step in cleanup init; do
		init_box --mode code-only
		run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c "$cmd"
		[ "$(ipc_of "$uid" | wc -l)" -eq 3 ]
		[ -e "/dev/shm/apbox-test-$$" ] && [ -L "/dev/shm/apbox-test-link-$$" ]
		if [ "$step" = cleanup ]; then
			run -0 "$APBOX" cleanup -b "$BOX"
		else
			init_box --mode code-only
		fi
		run ipc_of "$uid"
		assert_output ""
		[ ! -e "/dev/shm/apbox-test-$$" ] && [ ! -L "/dev/shm/apbox-test-link-$$" ]
		[ ! -e "/dev/shm/apbox-test-dir-$$" ]
		# what the box uid does not own stays, and the link's target too
		[ "$(cat "$SHM_MARK")" = root ]
	done
}

# cleanup skips the sweep only for a box whose every run had its own IPC
# namespace and wrote nothing but its own storage (the lock record says so).
@test "cleanup sweeps what a process box's writable bind or code-only run left in the host's IPC" {
	requires root
	requires userns
	local uid=$((60000 + BOX))
	printf '[sandbox]\nlandlock = off\n' >>"$APBOX_CONFIG"
	init_box --mode process
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c 'echo x >/dev/shm/own; echo y >/box/f'
	grep -q 'hostipc=0' "$LOCK_ROOT/$BOX" || fail "record: $(cat "$LOCK_ROOT/$BOX")"
	# The host's /dev/shm, bound writable.
	run -0 "$APBOX" run -b "$BOX" --dir "/hostshm=/dev/shm:rw" -- \
		/bin/sh -c "echo x >/hostshm/apbox-test-bind-$$"
	[ "$(stat -c %u "/dev/shm/apbox-test-bind-$$")" = "$uid" ]
	grep -q 'hostipc=1' "$LOCK_ROOT/$BOX" || fail "record: $(cat "$LOCK_ROOT/$BOX")"
	run -0 "$APBOX" cleanup -b "$BOX"
	[ ! -e "/dev/shm/apbox-test-bind-$$" ] || fail "cleanup left the box's file in /dev/shm"
	# A code-only run of a box initialised for the process mode.
	init_box --mode process
	run -0 "$APBOX" run -b "$BOX" --mode code-only -- /bin/sh -c "ipcmk -M 4096 >/dev/null"
	[ "$(ipc_of "$uid" | wc -l)" -eq 1 ]
	run -0 "$APBOX" cleanup -b "$BOX"
	run ipc_of "$uid"
	assert_output ""
	# Without a storage of its own, /box's filesystem is the host's: swept.
	printf '[sandbox]\nstorage = 0\n' >>"$APBOX_CONFIG"
	init_box --mode process
	run -0 "$APBOX" run -b "$BOX" -- /bin/true
	grep -q 'hostipc=1' "$LOCK_ROOT/$BOX" || fail "record without storage: $(cat "$LOCK_ROOT/$BOX")"
}

@test "cleanup sweeps the host's IPC of a box whose box_root was removed by hand" {
	requires root
	local uid=$((60000 + BOX))
	printf '[sandbox]\nlandlock = off\n' >>"$APBOX_CONFIG"
	init_box --mode code-only
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c "ipcmk -M 4096 >/dev/null"
	[ "$(ipc_of "$uid" | wc -l)" -eq 1 ]
	umount "$BOX_ROOT/$BOX" 2>/dev/null || true
	"$APBOX" cleanup --templates
	rm -r "${BOX_ROOT:?}"
	run -0 "$APBOX" cleanup -b "$BOX"
	run ipc_of "$uid"
	assert_output ""
}

@test "cleanup and init give the next run a fresh network namespace" {
	requires root
	local probe='awk "/^Ip:/ { if (++n == 2) print \$4 }" /proc/net/snmp
		bash -c "exec 3<>/dev/tcp/127.0.0.1/1" 2>/dev/null; true'
	init_box --mode process
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c "$probe"
	assert_output 0
	# the box's namespace is pinned between the runs of one init: it counts on
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c "$probe"
	refute_output 0
	"$APBOX" cleanup -b "$BOX"
	init_box --mode process
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c "$probe"
	assert_output 0
	init_box --mode process
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c "$probe"
	assert_output 0
}

@test "escape: cleanup does not follow a symlink planted in the box" {
	init_box
	mkdir "$WORLD/outside"
	echo precious > "$WORLD/outside/file"
	ln -s "$WORLD/outside" "$BOX_ROOT/$BOX/box/link"
	ln -s "$WORLD/outside/file" "$BOX_ROOT/$BOX/box/filelink"
	mkdir -p "$BOX_ROOT/$BOX/box/deep/er"
	ln -s / "$BOX_ROOT/$BOX/box/deep/er/root"
	run -0 "$APBOX" cleanup -b "$BOX"
	[ ! -e "$BOX_ROOT/$BOX" ]
	[ "$(cat "$WORLD/outside/file")" = precious ]
}

@test "escape: init does not follow a symlink planted in an old box" {
	init_box
	mkdir "$WORLD/outside"
	echo precious > "$WORLD/outside/file"
	ln -s "$WORLD/outside" "$BOX_ROOT/$BOX/box/link"
	init_box
	[ "$(cat "$WORLD/outside/file")" = precious ]
	[ ! -e "$BOX_ROOT/$BOX/box/link" ]
}

@test "escape: a box dir replaced by a symlink is removed, not followed" {
	init_box
	mkdir "$WORLD/outside"
	echo precious > "$WORLD/outside/file"
	rm -rf "$BOX_ROOT/$BOX/box"
	ln -s "$WORLD/outside" "$BOX_ROOT/$BOX/box"
	run -0 "$APBOX" cleanup -b "$BOX"
	[ "$(cat "$WORLD/outside/file")" = precious ]
	[ ! -e "$BOX_ROOT/$BOX" ]
}

@test "escape: run refuses a box whose work dir became a symlink" {
	init_box --mode unsandboxed
	mkdir "$WORLD/outside"
	rm -rf "$BOX_ROOT/$BOX/box"
	ln -s "$WORLD/outside" "$BOX_ROOT/$BOX/box"
	run "$APBOX" run -b "$BOX" -- /bin/sh -c 'touch planted'
	[ "$status" -ne 0 ]
	[ ! -e "$WORLD/outside/planted" ]
}

@test "init: bad input leaves no box behind" {
	run -125 "$APBOX" init -b "$BOX" --mode nope
	[ ! -e "$BOX_ROOT/$BOX" ]
}

@test "run: process-mode runs mount their root on the shared box_root/.root, never on the host" {
	init_box --mode process
	[ ! -e "$BOX_ROOT/$BOX/root" ]
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c 'ls / | tr "\n" " "'
	assert_output --partial "box "
	[ -d "$BOX_ROOT/.root" ] && [ -z "$(ls -A "$BOX_ROOT/.root")" ]
	! grep -q " $BOX_ROOT/.root " /proc/self/mountinfo || fail "the box's root is mounted on the host"
	"$APBOX" cleanup -b "$BOX"
	[ -d "$BOX_ROOT/.root" ] && [ ! -e "$BOX_ROOT/$BOX" ]
	# A box made before .root (with its own root/, no .root) still runs:
	# the run makes .root; the old root/ goes at cleanup.
	init_box --mode process
	mkdir "$BOX_ROOT/$BOX/root"
	rmdir "$BOX_ROOT/.root"
	run -0 "$APBOX" run -b "$BOX" -- /bin/true
	[ -d "$BOX_ROOT/.root" ]
	"$APBOX" cleanup -b "$BOX"
	[ ! -e "$BOX_ROOT/$BOX" ]
}

@test "run: a root box's first run pins its network namespace, later runs join it" {
	requires root
	init_box
	[ ! -e "$BOX_ROOT/$BOX/netns" ] || fail "init made a network namespace nobody asked for"
	run -0 "$APBOX" run -b "$BOX" --share-net -- /bin/true
	[ ! -e "$BOX_ROOT/$BOX/netns" ] || fail "a --share-net run made a network namespace"
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c 'readlink /proc/self/ns/net'
	local first=$output
	grep -q " $BOX_ROOT/$BOX/netns .* nsfs " /proc/self/mountinfo
	[ "$(stat -fc %T "$BOX_ROOT/$BOX/netns")" = nsfs ]
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c 'readlink /proc/self/ns/net'
	[ "$output" = "$first" ] || fail "second run: $output, first: $first"
	[ "$first" != "$(readlink /proc/self/ns/net)" ]
	[ "$(grep -c " $BOX_ROOT/$BOX/netns " /proc/self/mountinfo)" -eq 1 ] || fail "a run stacked a second mount"
	init_box
	! grep -q " $BOX_ROOT/$BOX/netns " /proc/self/mountinfo || fail "re-init kept the namespace"
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c 'readlink /proc/self/ns/net'
	[ "$output" != "$first" ] || fail "re-init: the old namespace came back"
	"$APBOX" cleanup -b "$BOX"
	[ -z "$(host_mounts)" ] || fail "left: $(host_mounts)"
}

@test "run: a first run that fails before its program starts leaves no namespace pinned" {
	requires root
	init_box
	run -125 "$APBOX" run -b "$BOX" --stdin "$WORLD/missing" -- /bin/true
	[ ! -e "$BOX_ROOT/$BOX/netns" ] || fail "stdin: the pin stayed"
	run -125 "$APBOX" run -b "$BOX" --dir "/opt/x=$WORLD/missing" -- /bin/true
	[ ! -e "$BOX_ROOT/$BOX/netns" ] || fail "--dir: the pin stayed"
	! grep -q " $BOX_ROOT/$BOX/netns " /proc/self/mountinfo || fail "a pin is still mounted"
}

@test "run: a plain file where the namespace is pinned is replaced, never trusted" {
	requires root
	init_box
	: > "$BOX_ROOT/$BOX/netns"
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c 'readlink /proc/self/ns/net'
	[ "$output" != "$(readlink /proc/self/ns/net)" ]
	[ "$(stat -fc %T "$BOX_ROOT/$BOX/netns")" = nsfs ]
	"$APBOX" cleanup -b "$BOX"
	[ ! -e "$BOX_ROOT/$BOX" ]
}

@test "cleanup --shared: after every box is cleaned up, box_root can be removed and no mount is left" {
	requires root
	local before after other=$((BOX + 1))
	before=$(awk '{ print $5 }' /proc/self/mountinfo | sort)
	init_box --mode process
	run -0 "$APBOX" run -b "$BOX" --mode process -- /bin/true
	run -0 "$APBOX" init -b "$other" --mode code-only
	run -0 "$APBOX" run -b "$other" --mode code-only -- /bin/true
	# The shared caches are there: the template is a mount below box_root.
	run -0 find "$BOX_ROOT" -maxdepth 1 -name '.tpl-*'
	[ -n "$output" ] || skip "no mount template on this host"
	run -0 "$APBOX" cleanup -b "$BOX"
	run -0 "$APBOX" cleanup -b "$other"
	run -0 "$APBOX" cleanup --shared
	after=$(awk '{ print $5 }' /proc/self/mountinfo | sort)
	[ "$before" = "$after" ] || fail "mounts left: $(diff <(echo "$before") <(echo "$after"))"
	run -0 find "$BOX_ROOT" "$LOCK_ROOT" -mindepth 1 -maxdepth 1 ! -regex '.*/[0-9]+'
	assert_output ""
	rm -rf "$BOX_ROOT"
	[ ! -e "$BOX_ROOT" ]
	# Idempotent, and a missing box_root is no error.
	run -0 "$APBOX" cleanup --shared
	run -125 --separate-stderr "$APBOX" cleanup --shared -b "$BOX"
	[ "$stderr" = "apbox: --box-id and --shared cannot be used together" ]
}

@test "cleanup and init recover a box whose lock file is corrupt; run refuses it" {
	init_box --mode code-only
	local dir=$BOX_ROOT/$BOX
	[ -d "$dir" ]
	printf 'garbage\n' >"$LOCK_ROOT/$BOX"
	run -125 "$APBOX" run -b "$BOX" -- /bin/true
	assert_output --partial "corrupt lock file"
	run -0 "$APBOX" cleanup -b "$BOX"
	[ ! -e "$dir" ]
	printf 'garbage\n' >"$LOCK_ROOT/$BOX"
	run -0 "$APBOX" init -b "$BOX" --mode code-only
	run -0 "$APBOX" run -b "$BOX" -- /bin/true
}
