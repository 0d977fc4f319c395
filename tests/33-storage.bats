#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The box's storage: with root, init mounts a tmpfs of storage bytes and
# storage_inodes inodes on box_root/N.  /box lives in it, and each run of a
# process mode gets /tmp and /dev/shm from it (box_root/N/.tmp/K), emptied
# before and after the run: one bound for the three, never the host's disk.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root
	setup_world
	mkdir -p "$WORLD/bin"
	ln -s "$APBOX" "$WORLD/bin/isolate"
	ISOLATE=$WORLD/bin/isolate
	# no-mount ERRNO CMD...: CMD with mount(2) failing with ERRNO (x86_64's 165).
	cat >"$WORLD/no-mount" <<'PY'
#!/usr/bin/env python3
import ctypes, os, struct, sys
err = int(sys.argv[1])
prog = b"".join(struct.pack("HBBI", *i) for i in [
    (0x20, 0, 0, 0),                    # ld [nr]
    (0x15, 0, 1, 165),                  # jeq mount
    (0x06, 0, 0, 0x00050000 | err),     # ret ERRNO(err)
    (0x06, 0, 0, 0x7fff0000)])          # ret ALLOW
buf = ctypes.create_string_buffer(prog)
class Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
fp = Fprog(len(prog) // 8, ctypes.addressof(buf))
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(22, 2, ctypes.byref(fp), 0, 0) != 0:
    sys.exit("no-mount: prctl: " + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[2], sys.argv[2:])
PY
	chmod +x "$WORLD/no-mount"
}
teardown() {
	teardown_world
}

storage_conf() {
	printf '[sandbox]\nstorage = %s\nstorage_inodes = %s\n' "$1" "$2" >>"$APBOX_CONFIG"
}

# The mount on box_root/N: "FSTYPE OPTIONS" from mountinfo, or nothing.
box_mount() {
	awk -v d="$BOX_ROOT/$BOX" '$5 == d { for (i = 7; $i != "-"; i++); print $(i + 1), $(i + 3) }' \
		/proc/self/mountinfo
}

# Bytes free on box_root's filesystem (that of the world dir it is made in).
disk_free() {
	df --output=avail -B1 "$WORLD" | tail -1
}

# A program that writes 1 MiB files into its working directory until a
# write fails or it has written 2 * $1 MiB, then prints the KiB it holds.
FILL='i=0; while [ $i -lt $(($1 * 2)) ]; do head -c 1048576 /dev/zero >fill.$i 2>/dev/null || break; i=$((i + 1)); done; du -sk . | cut -f1'

@test "storage: init mounts a tmpfs of storage and storage_inodes on the box; cleanup unmounts it" {
	storage_conf 16M 100
	init_box --mode process
	run box_mount
	assert_output --regexp '^tmpfs .*size=16384k,nr_inodes=106'
	[ "$(stat -c '%u %a' "$BOX_ROOT/$BOX/box")" = "$(host_box_uid) 700" ]
	"$APBOX" cleanup -b "$BOX"
	run box_mount
	assert_output ""
	[ ! -e "$BOX_ROOT/$BOX" ]
}

@test "storage: a box writing without end stops at its limit in every mode; the host's disk is untouched" {
	local m before during after
	storage_conf 16M 1000
	for m in unsandboxed code-only process code-and-process; do
		before=$(disk_free)
		init_box --mode "$m"
		run_box -- /bin/sh -c "$FILL" sh 16
		assert_success
		# Everything it could write, and no more than the storage (plus a block or so).
		[ "$output" -ge $((15 * 1024)) ] && [ "$output" -le $((16 * 1024 + 64)) ] ||
			fail "$m: the box holds $output KiB with a storage of 16 MiB"
		during=$(disk_free)
		"$APBOX" cleanup -b "$BOX"
		after=$(disk_free)
		# The 16 MiB were never on box_root's disk (4 MiB of slack for the host's own writes).
		[ $((before - during)) -lt $((4 << 20)) ] ||
			fail "$m: box_root's disk lost $((before - during)) bytes while the box was full"
		[ $((before - after)) -lt $((4 << 20)) ] && [ $((after - before)) -lt $((4 << 20)) ] ||
			fail "$m: box_root's disk went from $before to $after bytes free"
	done
}

@test "storage: /box, /tmp and /dev/shm share the one bound, whatever the /dev rule" {
	local dev
	storage_conf 16M 1000
	init_box --mode process
	for dev in "" "--dir=/dev=/dev:dev"; do
		# shellcheck disable=SC2086 # one word per option
		run_box $dev -- /bin/sh -c 'head -c 10485760 /dev/zero >/box/ten
			head -c 16777216 /dev/zero >/tmp/rest 2>/dev/null; du -sk /tmp/rest | cut -f1
			head -c 16777216 /dev/zero >/dev/shm/more 2>/dev/null; du -sk /dev/shm/more | cut -f1
			rm /box/ten'
		assert_success
		# /tmp got what /box left (6 MiB), and /dev/shm nothing more.
		[ "${lines[0]}" -ge $((5 * 1024)) ] && [ "${lines[0]}" -le $((6 * 1024 + 64)) ] ||
			fail "dev rule '$dev': /tmp took ${lines[0]} KiB beside 10 MiB in /box"
		[ "${lines[1]}" -le 64 ] || fail "dev rule '$dev': /dev/shm took ${lines[1]} KiB more"
	done
}

@test "storage: storage_inodes bounds the files a box makes" {
	storage_conf 16M 40
	init_box --mode process
	run_box -- /bin/sh -c 'i=0; while [ $i -lt 200 ]; do touch /box/f$i 2>/dev/null || break; i=$((i + 1)); done
		echo $i; mkdir /tmp/d 2>&1 | grep -c "No space"'
	assert_success
	# 40, give or take the network namespace's pin (one inode, made by the first run).
	[ "${lines[0]}" -ge 39 ] && [ "${lines[0]}" -le 41 ] || fail "the box made ${lines[0]} files"
	assert_line --index 1 1
}

@test "storage: /tmp and /dev/shm are emptied after each run, and a full storage still runs" {
	storage_conf 16M 1000
	init_box --mode process
	run_box -- /bin/sh -c 'head -c 4194304 /dev/zero >/tmp/t; head -c 4194304 /dev/zero >/dev/shm/s; ls /tmp'
	assert_success
	# Nothing of it is left on the host side once the run is over.
	run find "$BOX_ROOT/$BOX/.tmp" -mindepth 2
	assert_output ""
	run_box -- /bin/sh -c 'ls -A /tmp /dev/shm | wc -w; df -k /box | awk "NR == 2 { print \$3 }"'
	assert_success
	# The two directory names only; nothing of the 8 MiB counts against the box any more.
	assert_line --index 0 2
	[ "${lines[1]}" -lt 1024 ] || fail "the storage still holds ${lines[1]} KiB"
	# Fill it to the last inode and byte: the next run still starts, and sees ENOSPC.
	run_box -- /bin/sh -c 'head -c 20000000 /dev/zero >/box/big; i=0
		while [ $i -lt 2000 ]; do touch /box/f$i 2>/dev/null || break; i=$((i + 1)); done'
	run_box -- /bin/sh -c 'echo x >/tmp/x || echo full'
	assert_success
	assert_output --partial "No space left on device"
	assert_line full
}

@test "storage: another box's uid cannot reach a box's /tmp" {
	storage_conf 16M 1000
	printf 'landlock = off\n' >>"$APBOX_CONFIG"
	init_box --mode process
	run_box -- /bin/true
	assert_success
	run stat -c '%a %u' "$BOX_ROOT/$BOX/.tmp" "$BOX_ROOT/$BOX/.tmp/0" "$BOX_ROOT/$BOX/.tmp/1"
	assert_line --index 0 "711 0"
	assert_line --index 1 "700 $(host_box_uid)"
	assert_line --index 2 "700 $(host_box_uid)"
	# A code-only box of another uid (no Landlock, so only the modes stop it).
	local other=$((BOX + 1)) target=$BOX_ROOT/$BOX/.tmp/0
	"$APBOX" init -b "$other" --mode code-only >/dev/null
	run "$APBOX" run -b "$other" -- /bin/sh -c "ls $target 2>&1; echo x >$target/planted 2>&1 || echo refused"
	"$APBOX" cleanup -b "$other"
	assert_output --partial "Permission denied"
	assert_line refused
	[ ! -e "$target/planted" ]
}

@test "storage: init --storage and isolate's --quota set it; 0 gives none; bad values leave nothing" {
	init_box --mode process --storage 4M,30
	run box_mount
	assert_output --regexp '^tmpfs .*size=4096k,nr_inodes=36'
	"$APBOX" cleanup -b "$BOX"
	run "$ISOLATE" --box-id="$BOX" --quota=2048,20 --init
	assert_success
	run box_mount
	assert_output --regexp '^tmpfs .*size=2048k,nr_inodes=26'
	"$APBOX" cleanup -b "$BOX"
	init_box --mode process --storage 0
	run box_mount
	assert_output ""
	[ -d "$BOX_ROOT/$BOX/box" ]
	"$APBOX" cleanup -b "$BOX"
	for bad in 4M,0 x 4M,y; do
		run -125 --separate-stderr "$APBOX" init -b "$BOX" --storage "$bad"
		assert_equal "$stderr" "apbox: --storage: expected SIZE[,INODES] (KiB or with K/M/G; inodes 1 or more), not \"$bad\""
	done
	run -2 --separate-stderr "$ISOLATE" --box-id="$BOX" --quota=10,x --init
	[ "${#stderr_lines[@]}" -eq 1 ]
	printf '[sandbox]\nstorage_inodes = 0\n' >>"$APBOX_CONFIG"
	run -125 "$APBOX" init -b "$BOX"
	assert_output --partial "apbox.conf:7: bad number \"0\" (at least 1)"
	[ ! -e "$BOX_ROOT/$BOX" ]
	run box_mount
	assert_output ""
}

@test "storage: check says each box's bound as root, and what bounds an ordinary user's boxes" {
	storage_conf 16M 100
	run "$APBOX" check
	assert_line --partial "storage:  each box holds at most 16M and 100 inodes in /box, /tmp and /dev/shm together"
	run "$APBOX" check --json
	assert_output --partial '"storage":{"bounded":true,"size":16777216,"inodes":100,'
	chmod 644 "$APBOX_CONFIG"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all "$APBOX" check
	assert_line --partial "storage:  not bounded by apbox (an ordinary user cannot mount each box's tmpfs)"
	assert_output --partial "each run's /tmp and /dev/shm in the process modes: a tmpfs of 16M"
	run env KUBERNETES_SERVICE_HOST=10.0.0.1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all "$APBOX" check --json
	assert_output --partial '"storage":{"bounded":false,"size":16777216,"inodes":100,'
	assert_output --partial '"pod":true'
}

@test "storage: an ordinary user's init --storage is refused, leaving nothing; without it, /box is a plain dir" {
	local conf=$WORLD/nobody.conf
	mkdir -p "$WORLD/nobody" && chown nobody:nogroup "$WORLD/nobody"
	printf 'box_root = %s\nlock_root = %s\n' "$WORLD/nobody/boxes" "$WORLD/nobody/locks" >"$conf"
	chmod 644 "$conf"
	as_nobody() { APBOX_CONFIG=$conf setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all "$@"; }
	run -125 --separate-stderr as_nobody "$APBOX" init -b "$BOX" --storage 4M
	assert_equal "$stderr" "apbox: --storage needs root with CAP_SYS_ADMIN, to mount the box's tmpfs (see apbox check)"
	[ ! -e "$WORLD/nobody/boxes/$BOX" ]
	run as_nobody "$APBOX" init -b "$BOX"
	assert_success
	[ "$(stat -c %d "$WORLD/nobody/boxes/$BOX")" = "$(stat -c %d "$WORLD/nobody/boxes")" ]
	as_nobody "$APBOX" cleanup -b "$BOX"
}

# Run a command with box_root bound (not recursively) on $WORLD/below: what
# the box storage mounts cover.
below() {
	local r=0
	mkdir -p "$WORLD/below"
	mount --bind "$BOX_ROOT" "$WORLD/below"
	"$@" || r=$?
	umount "$WORLD/below"
	return "$r"
}

# cleanup keeps the storage's mount point, empty and root's, as
# box_root/.spare-N, and the next init mounts on it: two renames instead of
# an rmdir and a mkdir on box_root's disk.  Only such a directory is taken.
@test "storage: cleanup keeps the empty mount point for the next init, which takes nothing else" {
	init_box --mode process
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c 'echo secret >/box/f; echo t >/tmp/t'
	run -0 "$APBOX" cleanup -b "$BOX"
	[ ! -e "$BOX_ROOT/$BOX" ]
	[ -z "$(box_mount)" ]
	[ "$(stat -c '%U %a %F' "$BOX_ROOT/.spare-$BOX")" = "root 755 directory" ]
	[ -z "$(ls -A "$BOX_ROOT/.spare-$BOX")" ]
	local ino
	ino=$(stat -c %i "$BOX_ROOT/.spare-$BOX")
	init_box --mode process
	[ ! -e "$BOX_ROOT/.spare-$BOX" ]
	[[ "$(box_mount)" == tmpfs* ]] || fail "no storage on the spare: $(box_mount)"
	[ "$(below stat -c %i "$WORLD/below/$BOX")" = "$ino" ] || fail "the spare was not the mount point"
	run -0 "$APBOX" run -b "$BOX" -- /bin/sh -c 'ls -A /box /tmp'
	refute_output --partial f
	run -0 "$APBOX" cleanup -b "$BOX"
	# Not empty, a file, a link out, another owner's: removed (not followed), never the box.
	mkdir "$WORLD/outside"
	echo precious >"$WORLD/outside/keep"
	local spare=$BOX_ROOT/.spare-$BOX kind
	for kind in full file link other mode; do
		rm -rf "$spare"
		case $kind in
		full) mkdir "$spare" && echo planted >"$spare/f" ;;
		file) echo planted >"$spare" ;;
		link) ln -s "$WORLD/outside" "$spare" ;;
		other) mkdir "$spare" && chown nobody "$spare" ;;
		mode) mkdir -m 777 "$spare" ;;
		esac
		init_box --mode process
		[ -d "$BOX_ROOT/$BOX" ] && [ ! -L "$BOX_ROOT/$BOX" ]
		[[ "$(box_mount)" == tmpfs* ]] || fail "$kind: no storage: $(box_mount)"
		run -0 below stat -c '%U %a' "$WORLD/below/$BOX"
		assert_output "root 755"
		run -0 below ls -A "$WORLD/below/$BOX"
		assert_output ""
		[ "$(cat "$WORLD/outside/keep")" = precious ]
		run -0 "$APBOX" cleanup -b "$BOX"
	done
	# storage = 0: no mount, no spare taken or kept.
	rm -rf "$spare"
	storage_conf 0 65536
	init_box --mode process
	run -0 "$APBOX" cleanup -b "$BOX"
	[ ! -e "$spare" ] && [ ! -e "$BOX_ROOT/$BOX" ]
	# cleanup --shared takes the spares with the rest.
	storage_conf 16M 1000
	init_box --mode process
	run -0 "$APBOX" cleanup -b "$BOX"
	[ -d "$spare" ]
	run -0 "$APBOX" cleanup --shared
	[ ! -e "$spare" ]
}

# Root with CAP_SYS_ADMIN whose mount(2) a security module or seccomp
# profile refuses: the default bound gives way (as without the capability),
# one asked for by name is refused and leaves nothing.
@test "storage: a mount refused to root (EACCES, EPERM) drops the default bound and refuses --storage" {
	[ "$(uname -m)" = x86_64 ] || skip "the filter below names x86_64's mount(2)"
	command -v python3 >/dev/null || skip "requires python3"
	local err
	for err in 13 1; do
		run -0 --separate-stderr "$WORLD/no-mount" "$err" "$APBOX" init -b "$BOX" --mode process
		[ -d "$BOX_ROOT/$BOX/box" ] || fail "errno $err: no box: $stderr"
		[ -z "$(box_mount)" ] || fail "errno $err: mounted: $(box_mount)"
		run -0 "$APBOX" run -b "$BOX" -- /bin/true
		run -0 "$APBOX" cleanup -b "$BOX"
		run -125 --separate-stderr "$WORLD/no-mount" "$err" "$APBOX" init -b "$BOX" --storage 4M
		[[ "$stderr" == "apbox: cannot mount the storage of box $BOX"* ]] || fail "errno $err: $stderr"
		[ "$(grep -c . <<<"$stderr")" -eq 1 ] || fail "more than one line: $stderr"
		[ ! -e "$BOX_ROOT/$BOX" ] && [ -z "$(box_mount)" ]
	done
}
