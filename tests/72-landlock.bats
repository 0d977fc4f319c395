#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The layers a box has beside its namespaces: a Landlock domain from the
# directory rules, a session of its own, the run's second seccomp filter,
# apbox not dumpable, caches trusted only where no box could write them,
# and what check and the meta file say of them.  72-landlock-rootless.bats
# runs the same tests as nobody.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	setup_world
	setup_probes
	mkdir -m 0777 "$WORLD/data"
	echo apbox-landlock-secret >"$WORLD/data/secret"
	chmod 644 "$WORLD/data/secret"
}
teardown() { teardown_world; }

# The kernel's Landlock ABI, asked without apbox (0: none).
kernel_abi() {
	python3 -c 'import ctypes; r = ctypes.CDLL(None).syscall(444, 0, 0, 1); print(max(r, 0))'
}

requires_abi() {
	local have
	have=$(kernel_abi)
	[ "$have" -ge "$1" ] || skip "requires Landlock ABI $1 (this kernel: $have)"
}

@test "landlock: check names the kernel's ABI and, per mode, what a box has and lacks" {
	local abi
	abi=$(kernel_abi)
	run -0 "$APBOX" check --json
	assert_output --partial "\"landlock\":{\"abi\":$abi,"
	assert_output --regexp '"code-only":\{"ok":(true|false)(,"why":"[^"]*")?,"has":\["session",'
	if [ "$abi" -ge 6 ]; then
		assert_output --regexp '"code-only":\{[^}]*"has":\[[^]]*"landlock-fs","landlock-scope"'
	fi
	run "$APBOX" check
	assert_line --regexp "^landlock: (ABI $abi \\(fs[a-z,-]*\\)|.+)$"
}

@test "landlock: the meta file says what domain the run had" {
	requires_abi 1
	local abi
	abi=$(kernel_abi)
	init_box --mode code-only
	run_box -- /bin/true
	assert_success
	assert_meta landlock "$abi"
	[[ $(meta_value landlock-features) == fs* ]]
	if [ "$abi" -ge 4 ]; then
		[[ ,$(meta_value landlock-features), == *,tcp,* ]]
		run_box --share-net -- /bin/true
		[[ ,$(meta_value landlock-features), != *,tcp,* ]]
	fi
	run_box --mode unsandboxed -- /bin/true
	refute_meta landlock
	printf '[sandbox]\nlandlock = off\n' >>"$APBOX_CONFIG"
	run_box -- /bin/true
	assert_success
	assert_meta landlock off
}

@test "landlock: code-only reads and writes only what its rules grant, at their own paths" {
	requires_abi 1
	init_box --mode code-only
	run_box -- /bin/cat "$WORLD/data/secret"
	assert_failure
	assert_output --partial "Permission denied"
	run_box --dir "$WORLD/data" -- /bin/cat "$WORLD/data/secret"
	assert_success
	assert_output apbox-landlock-secret
	run_box --dir "$WORLD/data" -- /bin/sh -c "echo x > '$WORLD/data/new'"
	assert_failure
	[ ! -e "$WORLD/data/new" ]
	run_box --dir "$WORLD/data:rw" -- /bin/sh -c "echo x > '$WORLD/data/new'"
	assert_success
	[ -e "$WORLD/data/new" ]
	# the box directory is the box's own
	run_box -- /bin/sh -c 'echo y > own && cat own'
	assert_success
	assert_output y
}

@test "landlock: code-only refuses rules it cannot grant; unsandboxed refuses every rule" {
	init_box --mode code-only
	local before
	before=$(host_mounts)
	for rule in /scratch:tmp /proc2=proc:fs /etc=; do
		run -125 "$APBOX" run -b "$BOX" --dir "$rule" -- /bin/true
		assert_output --regexp '^apbox: '
		[ "${#lines[@]}" -eq 1 ]
	done
	run -125 "$APBOX" run -b "$BOX" --mode unsandboxed --dir "$WORLD/data" -- /bin/true
	assert_output --partial "need a mode with its own root or a Landlock domain"
	[ "$(host_mounts)" = "$before" ]
	run_box -- /bin/true
	assert_success
}

@test "landlock: a bad landlock policy in the configuration is one apbox line" {
	printf '[sandbox]\nlandlock = maybe\n' >>"$APBOX_CONFIG"
	run -125 "$APBOX" run -b "$BOX" -- /bin/true
	assert_output --regexp '^apbox: .*bad landlock policy "maybe"'
	[ "${#lines[@]}" -eq 1 ]
	[ ! -e "$BOX_ROOT/$BOX" ]
}

@test "landlock: code-only has no sockets without --share-net, and no unix sockets with it" {
	requires node
	init_box --mode code-only
	local js='const net = require("net"), cp = require("child_process");
		cp.execFileSync("/bin/true"); console.log("spawn ok");
		const s = net.connect(process.argv[1], "127.0.0.1");
		s.on("error", e => { console.log("tcp " + e.code); const u = net.connect("/run/apbox-none");
			u.on("error", e => console.log("unix " + e.code)); });
		s.on("connect", () => { console.log("tcp connected"); s.destroy();
			const u = net.connect("/run/apbox-none"); u.on("error", e => console.log("unix " + e.code)); });'
	local port
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	run_box -- /usr/bin/node -e "$js" "$port"
	assert_success
	assert_line "spawn ok"
	assert_line "tcp EACCES"
	assert_line "unix EACCES"
	run_box --share-net -- /usr/bin/node -e "$js" "$port"
	assert_success
	assert_line "tcp ECONNREFUSED"
	assert_line "unix EACCES"
}

@test "session: the program leads a session and group of its own, in every mode" {
	local mode sid
	sid=$(ps -o sid= -p $$ | tr -d ' ')
	for mode in unsandboxed code-only process; do
		[ "$mode" != process ] || requires userns
		init_box --mode "$mode"
		run_box -- /bin/sh -c 'read -r _ _ _ _ pgrp sid _ </proc/self/stat; echo "$pgrp $sid"'
		assert_success
		read -r g s <<<"$output"
		[ "$s" != 0 ] && [ "$s" != "$sid" ] && [ "$g" = "$s" ] ||
			fail "$mode: program in group $g, session $s (the test's session: $sid)"
	done
}

@test "session: kill(0) in a box reaches nothing of its caller's process group" {
	local mode uid
	for mode in unsandboxed code-only; do
		init_box --mode "$mode"
		# the box's uid on the host, so that the box could signal the sentinel
		uid=$(host_box_uid)
		[ "$mode" = code-only ] || uid=$([ -n "$ROOTLESS" ] && id -u nobody || id -u)
		# In a session made for the test: a broken apbox kills this sh's
		# group (its sentinel), never the test itself.
		run setsid -w /bin/sh -c 'setpriv --reuid="$3" --regid="$3" --clear-groups sleep 30 & s=$!
			"$1" run -b "$2" -- /bin/sh -c "kill -9 0"
			if kill -0 "$s" 2>/dev/null; then echo alive; kill "$s"; fi' sh "$APBOX" "$BOX" "$uid"
		assert_line alive
	done
}

@test "landlock: an ordinary user's code-only box changes nothing of the caller's files by path" {
	[ -n "$ROOTLESS" ] || skip "root's boxes have a uid of their own"
	requires_abi 1
	init_box --mode code-only
	chown nobody "$WORLD/data/secret"
	run_box -- /bin/sh -c "chmod 600 '$WORLD/data/secret'; touch -d @1 '$WORLD/data/secret'"
	[ "$(stat -c %a "$WORLD/data/secret")" = 644 ]
	[ "$(stat -c %Y "$WORLD/data/secret")" != 1 ]
}

@test "apbox is not dumpable: a box of the caller's uid cannot read apbox's environment" {
	[ -n "$ROOTLESS" ] || skip "root's boxes have a uid of their own"
	# without Landlock, whose ptrace rule would stop it anyway
	printf '[sandbox]\nlandlock = off\n' >>"$APBOX_CONFIG"
	init_box --mode code-only
	# the program's parent is apbox's proxy, whose parent is apbox itself
	run_box -- /bin/sh -c \
		'k=$(sed -n "s/^PPid:[[:space:]]*//p" /proc/$PPID/status); echo "keeper $k"
		for p in $PPID $k; do tr "\0" "\n" <"/proc/$p/environ" | grep -c "^APBOX_CONFIG=" || true; done'
	assert_line --regexp '^keeper [0-9]+$'
	refute_line 1
	[ "$(grep -c '^0$' <<<"$output")" -eq 2 ]
}

@test "caches: without Landlock an ordinary user's boxes could write lock_root: no cached filter is loaded" {
	[ -n "$ROOTLESS" ] || skip "root's caches are root's alone"
	printf '[sandbox]\nlandlock = off\n' >>"$APBOX_CONFIG"
	init_box --mode code-only
	[ ! -e "$LOCK_ROOT/seccomp.bpf" ]
	# an allow-all program under this version's header, as a box could plant it
	local hdr
	hdr="apbox-seccomp-3 $("${REAL_APBOX:-$APBOX}" --version | cut -d' ' -f2) 1"
	printf '%s\n\006\000\000\000\000\000\377\177' "$hdr" >"$LOCK_ROOT/seccomp.bpf"
	chown nobody "$LOCK_ROOT/seccomp.bpf"
	chmod 644 "$LOCK_ROOT/seccomp.bpf"
	run_box -- "$PROBES/seccomp-probe" unshare-user
	assert_success
	assert_line "unshare-user: EPERM"
}

@test "landlock: a process box with --share-net reaches no abstract socket of the host, with or without Landlock" {
	requires userns
	local name=apbox-ll-test-$$ pid conf
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind("\0" + sys.argv[1]); s.listen()
open(sys.argv[2], "w").close(); time.sleep(30)' "$name" "$WORLD/listening" &
	pid=$!
	for _ in $(seq 100); do [ -e "$WORLD/listening" ] && break; sleep 0.1; done
	init_box --mode process
	local try='import socket, sys
try:
    s = socket.socket(socket.AF_UNIX); s.connect("\0" + sys.argv[1]); print("connected")
except OSError as e:
    print("refused", e.errno)'
	# the socket is there to be reached: unsandboxed does
	run_box --mode unsandboxed -- /usr/bin/python3 -c "$try" "$name"
	assert_output connected
	for conf in "" "landlock = off"; do
		[ -z "$conf" ] || printf '[sandbox]\n%s\n' "$conf" >>"$APBOX_CONFIG"
		run_box --share-net -- /usr/bin/python3 -c "$try" "$name"
		assert_success
		assert_line --regexp '^refused [0-9]+$'
	done
	kill "$pid"
}
