#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# isolate-compatible invocation: apbox called through a symlink named
# "isolate", with isolate's options, exit codes (0/1/2), status line and meta
# file, and the command lines Activepieces' workers build, verbatim.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root
	setup_world
	# The configuration in isolate's own keys (Activepieces' default.cf), with
	# the box root moved into this test's world.
	ISO_ROOT=$WORLD/isolate
	cat > "$WORLD/apbox.conf" <<-CONF
	box_root = $ISO_ROOT
	lock_root = $LOCK_ROOT
	cg_root = /sys/fs/cgroup
	cg_parent = $CG_PARENT
	first_uid = 60000
	first_gid = 60000
	num_boxes = 1000
	CONF
	mkdir -p "$WORLD/bin"
	ln -s "$APBOX" "$WORLD/bin/isolate"
	ISOLATE=$WORLD/bin/isolate
	BOXDIR=$ISO_ROOT/$BOX/box
}
teardown() { teardown_world; }

init_iso() {
	"$ISOLATE" --box-id="$BOX" --cleanup && "$ISOLATE" --box-id="$BOX" --init >/dev/null
}

# Every line of the meta file is isolate's "key:value".
assert_meta_format() {
	local line
	[ -s "$META" ] || fail "empty meta file"
	while IFS= read -r line; do
		[[ $line =~ ^[a-z-]+:[^[:cntrl:]]*$ ]] || fail "meta line '$line' is not key:value"
	done < "$META"
}

# An Activepieces-like engine dir and an /etc with only resolv.conf.
make_engine() {
	ENGINE=$WORLD/engine
	CODES=$WORLD/codes
	ETC=$WORLD/etc
	mkdir -p "$ENGINE" "$CODES" "$ETC"
	echo "nameserver 127.0.0.1" > "$ETC/resolv.conf"
	cat > "$ENGINE/main.js" <<-'JS'
	'use strict';
	const fs = require('fs');
	const path = require('path');
	fs.writeFileSync(path.join('/box', 'engine-wrote.txt'), 'hello from ' + process.pid);
	console.log(JSON.stringify({
		engine: 'ok',
		cwd: process.cwd(),
		home: process.env.HOME,
		mode: process.env.AP_EXECUTION_MODE,
		apenv: process.env.AP_ENVIRONMENT || null,
		uid: process.getuid(),
	}));
	JS
	chmod -R a+rX "$ENGINE" "$CODES" "$ETC"
}

@test "compat: --init prints the box path, as isolate does" {
	run -0 "$ISOLATE" --box-id="$BOX" --init
	assert_output "$ISO_ROOT/$BOX"
	[ -d "$BOXDIR" ]
	[ "$(stat -c %u "$BOXDIR")" -eq $((60000 + BOX)) ]
}

@test "compat: --run of a good program exits 0 with isolate's OK line and meta" {
	init_iso
	run -0 --separate-stderr "$ISOLATE" --box-id="$BOX" --meta="$META" --run -- /bin/echo hi
	assert_output hi
	[[ $stderr =~ ^OK\ \([0-9]+\.[0-9]{3}\ sec\ real,\ [0-9]+\.[0-9]{3}\ sec\ wall\)$ ]] ||
		fail "status line: '$stderr'"
	assert_meta_format
	assert_meta exitcode 0
	refute_meta status
	for k in time time-wall max-rss csw-voluntary csw-forced; do
		grep -Eq "^$k:[0-9]+(\.[0-9]{3})?$" "$META" || fail "no numeric $k: $(cat "$META")"
	done
	assert_meta box-id "$BOX"
	assert_meta mode process
}

@test "compat: a failing program exits 1, meta RE with its exit code" {
	init_iso
	run -1 --separate-stderr "$ISOLATE" -b "$BOX" -M "$META" --run -- /bin/sh -c 'exit 3'
	assert_equal "$stderr" "Exited with error status 3"
	assert_meta_format
	assert_meta status RE
	assert_meta exitcode 3
	assert_meta message "Exited with error status 3"
}

@test "compat: --silent hides the status line" {
	init_iso
	run -1 --separate-stderr "$ISOLATE" -b "$BOX" --silent --run -- /bin/sh -c 'exit 3'
	assert_equal "$stderr" ""
}

@test "compat: --time kills a busy loop: TO, exit 1" {
	init_iso
	run -1 "$ISOLATE" -b "$BOX" --time=0.3 --meta="$META" --run -- /bin/sh -c 'while :; do :; done'
	assert_meta_format
	assert_meta status TO
	assert_meta killed 1
	assert_meta message "Time limit exceeded"
}

@test "compat: --wall-time kills a sleeper: TO (wall clock), exit 1" {
	init_iso
	run -1 "$ISOLATE" -b "$BOX" --wall-time=0.5 --meta="$META" --run -- /bin/sleep 10
	assert_meta status TO
	assert_meta message "Time limit exceeded (wall clock)"
}

@test "compat: --cleanup of a box that does not exist exits 0" {
	run -0 "$ISOLATE" --box-id="$BOX" --cleanup
	[ ! -e "$ISO_ROOT/$BOX/box" ]
}

@test "compat: --cleanup removes the box; --run afterwards is an error (2, XX)" {
	init_iso
	run -0 "$ISOLATE" --box-id="$BOX" --cleanup
	[ ! -e "$ISO_ROOT/$BOX" ]
	run -2 "$ISOLATE" --box-id="$BOX" --meta="$META" --run -- /bin/true
	assert_output --partial "isolate: "
	assert_meta status XX
}

@test "compat: an unknown option exits 2 and names it, in one line" {
	run -2 --separate-stderr "$ISOLATE" --box-id="$BOX" --frobnicate --run -- /bin/true
	assert_equal "$stderr" "isolate: unrecognized option '--frobnicate'"
	assert_output ""
}

@test "compat: an isolate option apbox cannot honour is refused by name" {
	init_iso
	run -2 "$ISOLATE" --box-id="$BOX" --as-uid=1000 --init
	assert_output --partial "'--as-uid' is not supported"
	run -2 "$ISOLATE" --box-id="$BOX" --tty-hack --run -- /bin/true
	assert_output --partial "'--tty-hack' is not supported"
}

@test "compat: called as apbox with --init/--run, it speaks isolate's syntax as apbox" {
	run -0 "$APBOX" --box-id="$BOX" --init
	assert_output "$ISO_ROOT/$BOX"
	run -1 "$APBOX" --box-id="$BOX" --run -- /bin/sh -c 'exit 4'
	run -2 "$APBOX" --box-id="$BOX" --bogus --run -- /bin/true
	assert_output "apbox: unrecognized option '--bogus'"
}

@test "compat: options after --run, and a program without --" {
	init_iso
	X=from-apbox run -0 --separate-stderr "$ISOLATE" --box-id="$BOX" --run --silent \
		--env=X --env=Y=set /bin/sh -c 'echo "$X $Y"; echo "$@"' sh -s --run
	assert_output "from-apbox set
-s --run"
	assert_equal "$stderr" ""
}

@test "compat: --env=VAR= removes, --full-env inherits, the rest is clean" {
	init_iso
	A=1 B=2 run -0 "$ISOLATE" -b "$BOX" -s --full-env --env=B= --run -- /bin/sh -c 'echo "${A:-none} ${B:-none}"'
	assert_output "1 none"
	A=1 run -0 "$ISOLATE" -b "$BOX" -s --run -- /bin/sh -c 'echo "${A:-none}"'
	assert_output "none"
}

@test "compat: an --env value is not in apbox's /proc/PID/cmdline while the box runs" {
	AP_EXECUTION_MODE=SANDBOX_CODE_ONLY init_iso
	local secret=apbox-secret-$$-$RANDOM
	run -0 "$ISOLATE" -b "$BOX" -s --env=SECRET="$secret" -E PATH=/usr/bin:/bin --run -- \
		/bin/sh -c "$CMDLINE_PROBE"
	assert_output "seen:yes found:none"
	SECRET=$secret run -0 "$ISOLATE" -b "$BOX" -s --env=SECRET --run -- /bin/sh -c 'echo "$SECRET"'
	assert_output "$secret"
}

@test "compat: the caller's AP_EXECUTION_MODE reaches the program unchanged in either process mode" {
	local box_mode x
	for box_mode in SANDBOX_PROCESS SANDBOX_CODE_AND_PROCESS; do
		AP_EXECUTION_MODE=$box_mode init_iso
		for x in SANDBOX_CODE_AND_PROCESS SANDBOX_PROCESS SANDBOX_CODE_ONLY UNSANDBOXED; do
			run -0 "$ISOLATE" -b "$BOX" -s --env=AP_EXECUTION_MODE="$x" --run -- \
				/bin/sh -c 'echo "$AP_EXECUTION_MODE"'
			assert_output "$x"
			# --env=AP_EXECUTION_MODE passes apbox's own value, the same way
			AP_EXECUTION_MODE=$x run -0 "$ISOLATE" -b "$BOX" -s --env=AP_EXECUTION_MODE \
				--run -- /bin/sh -c 'echo "$AP_EXECUTION_MODE"'
			assert_output "$x"
		done
	done
}

@test "compat: AP_EXECUTION_MODE naming more isolation than the box gives is refused (exit 2)" {
	AP_EXECUTION_MODE=SANDBOX_CODE_ONLY init_iso
	run -2 "$ISOLATE" -b "$BOX" -s --meta="$META" --env=AP_EXECUTION_MODE=SANDBOX_PROCESS --run -- \
		/bin/sh -c 'echo ran'
	assert_output "isolate: --env: AP_EXECUTION_MODE=SANDBOX_PROCESS asks for isolation that mode code-only does not give (use --mode, or init the box in that mode)"
	assert_meta status XX
	run -0 "$ISOLATE" -b "$BOX" -s --env=AP_EXECUTION_MODE=UNSANDBOXED --run -- \
		/bin/sh -c 'echo "$AP_EXECUTION_MODE"'
	assert_output UNSANDBOXED
}

@test "compat: LIBC_FATAL_STDERR_=1 and an unlimited stack unless --stack, as in isolate" {
	init_iso
	run -0 "$ISOLATE" -b "$BOX" -s --run -- /bin/sh -c 'ulimit -s; echo "$LIBC_FATAL_STDERR_"'
	assert_output "$(printf 'unlimited\n1')"
	run -0 "$ISOLATE" -b "$BOX" -s --stack=4096 --env=LIBC_FATAL_STDERR_= --run -- \
		/bin/sh -c 'ulimit -s; echo "${LIBC_FATAL_STDERR_:-unset}"'
	assert_output "$(printf '4096\nunset')"
}

@test "compat: Activepieces' /dev=/dev:dev gives a writable, private /dev/shm" {
	init_iso
	run -0 "$ISOLATE" -b "$BOX" -s --no-default-dirs --dir=/bin/ --dir=/lib/ --dir=/lib64/:maybe \
		--dir=/usr/bin/ --dir=/usr/lib/ --dir=/dev=/dev:dev --run -- \
		/bin/sh -c 'echo s >/dev/shm/apbox-compat-s && cat /dev/shm/apbox-compat-s'
	assert_output s
	[ ! -e /dev/shm/apbox-compat-s ]
}

@test "compat: --stdout/--stderr are box paths, opened by the box user" {
	init_iso
	# in.txt does not exist yet: an error of the box (XX), as in isolate
	run -2 "$ISOLATE" -b "$BOX" --stdin=in.txt --run -- /bin/cat
	assert_output --partial '"in.txt"'
	echo "input" > "$BOXDIR/in.txt"
	run -0 "$ISOLATE" -b "$BOX" --stdout=out.txt --stderr=err.txt --stdin=in.txt --run -- \
		/bin/sh -c 'cat; echo out; echo err >&2'
	assert_equal "$(cat "$BOXDIR/out.txt")" "input
out"
	assert_equal "$(cat "$BOXDIR/err.txt")" "err"
	[ "$(stat -c %u "$BOXDIR/out.txt")" -eq $((60000 + BOX)) ]
}

@test "compat: a FIFO in the box as --stdin is refused at once (exit 2), /dev/null is read" {
	init_iso
	mkfifo "$BOXDIR/in"
	chown $((60000 + BOX)) "$BOXDIR/in"
	run -2 timeout 10 "$ISOLATE" -b "$BOX" --stdin=in --run -- /bin/cat
	assert_output 'isolate: cannot read "in": not a regular file nor a device'
	run -0 timeout 10 "$ISOLATE" -b "$BOX" -s --stdin=/dev/null --run -- /bin/cat
}

@test "compat: with --chdir, relative --stdout still lands in /box, as in isolate" {
	init_iso
	run -0 "$ISOLATE" -b "$BOX" --chdir=/tmp --stdout=where.txt --run -- /bin/pwd
	assert_equal "$(cat "$BOXDIR/where.txt")" "/tmp"
}

@test "compat: --stderr-to-stdout sends both into one file, in order" {
	init_iso
	run -0 "$ISOLATE" -b "$BOX" --stdout=both.txt --stderr-to-stdout --run -- \
		/bin/sh -c 'echo one; echo two >&2; echo three'
	assert_equal "$(cat "$BOXDIR/both.txt")" "one
two
three"
}

@test "compat: a missing bind source is an error: exit 2, meta XX" {
	init_iso
	run -2 "$ISOLATE" -b "$BOX" --meta="$META" --dir=/data="$WORLD/nonexistent" --run -- /bin/true
	assert_meta status XX
	assert_meta_format
	run -0 "$ISOLATE" -b "$BOX" --dir=/data="$WORLD/nonexistent":maybe --run -- /bin/true
}

@test "compat: --mem is the cgroup memory limit: node starts, a hog is OOM-killed" {
	requires node cgroup_mem
	setup_probes
	init_iso
	# isolate's RLIMIT_AS would stop node at startup under 256 MiB; apbox does not.
	run -0 "$ISOLATE" -b "$BOX" -s --mem=262144 --processes --run -- /usr/bin/node -e 'console.log("node ok")'
	assert_output "node ok"
	run -1 "$ISOLATE" -b "$BOX" --mem=32768 --meta="$META" --dir=/probes="$PROBES" --run -- \
		/probes/memhog 128
	assert_meta_format
	assert_meta status SG
	assert_meta exitsig 9
	assert_meta cg-oom-killed 1
}

@test "compat: Activepieces' current worker command line, verbatim" {
	requires node
	make_engine
	# The worker: cleanup, init, then mkdir under the box's root (isolate.ts step 4).
	run -0 "$ISOLATE" --box-id="$BOX" --cleanup
	run -0 "$ISOLATE" --box-id="$BOX" --init
	mkdir -p "$ISO_ROOT/$BOX/root/root/common" "$ISO_ROOT/$BOX/root/root/codes"
	run -0 --separate-stderr "$ISOLATE" --no-default-dirs --dir=/bin/ --dir=/lib/ \
		--dir=/lib64/:maybe --dir=/usr/bin/ --dir=/usr/lib/ --dir=/usr/local/ \
		--dir=/etc/="$ETC" --dir=proc=proc:fs --dir=/dev=/dev:dev \
		--dir=/box="$BOXDIR":rw --dir=/root/common="$ENGINE" \
		--dir=/root/codes="$CODES":maybe --share-net --box-id="$BOX" --processes \
		--open-files=1024 --chdir=/root --env=HOME=/tmp/ \
		--env=AP_EXECUTION_MODE=SANDBOX_PROCESS --run -- /usr/bin/node /root/common/main.js
	assert_output --partial '"engine":"ok"'
	assert_output --partial '"cwd":"/root"'
	assert_output --partial '"home":"/tmp/"'
	assert_output --partial '"mode":"SANDBOX_PROCESS"'
	assert_output --partial "\"uid\":$((60000 + BOX))"
	[[ $stderr == OK* ]] || fail "status line: $stderr"
	[[ $(cat "$BOXDIR/engine-wrote.txt") == "hello from "* ]]
	run -0 "$ISOLATE" --box-id="$BOX" --cleanup
	[ ! -e "$ISO_ROOT/$BOX" ]
}

@test "compat: Activepieces' 2023 worker command line, verbatim (options after --run)" {
	requires node
	make_engine
	run -0 "$ISOLATE" --box-id="$BOX" --cleanup
	run -0 "$ISOLATE" --box-id="$BOX" --init
	cp "$ENGINE/main.js" "$BOXDIR/main.js"
	AP_ENVIRONMENT=prod run -0 "$ISOLATE" --dir=/usr/bin/ --dir=/etc/="$ETC" --share-net \
		--box-id="$BOX" --processes --wall-time=600 --meta="$BOXDIR/meta.txt" \
		--stdout=_standardOutput.txt --stderr=_standardError.txt --run \
		--env=AP_ENVIRONMENT /usr/bin/node main.js
	assert_output --regexp '^OK \('
	META=$BOXDIR/meta.txt
	assert_meta_format
	assert_meta exitcode 0
	refute_meta status
	# The worker's parser: split each line on ':' and keep parts[0] -> parts[1].
	run -0 node -e '
		const r = {};
		for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
			const p = l.split(":"); if (p[0]) r[p[0]] = p[1];
		}
		if (r.status !== undefined || isNaN(parseFloat(r.time))) process.exit(1);
		console.log(r.time);' "$META"
	run cat "$BOXDIR/_standardOutput.txt"
	assert_output --partial '"engine":"ok"'
	assert_output --partial '"cwd":"/box"'
	assert_output --partial '"apenv":"prod"'
	[ ! -s "$BOXDIR/_standardError.txt" ]
}
