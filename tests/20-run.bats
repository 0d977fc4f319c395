#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# run in unsandboxed mode: exit statuses, meta file, environment, stdio,
# rlimits, time limits and signals.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	setup_world
	init_box --mode unsandboxed
}
teardown() { teardown_world; }

@test "run: exit code passes through, meta says RE" {
	run_box -- /bin/sh -c 'exit 7'
	[ "$status" -eq 7 ]
	assert_meta exitcode 7
	assert_meta status RE
	assert_meta message "Exited with error status 7"
}

@test "run: success has exitcode 0 and no status" {
	run_box -- /bin/true
	[ "$status" -eq 0 ]
	assert_meta exitcode 0
	refute_meta status
	for k in time time-wall max-rss csw-voluntary csw-forced; do
		grep -q "^$k:" "$META" || fail "no $k in meta"
	done
	assert_meta mode unsandboxed
	assert_meta box-id "$BOX"
}

@test "run: --meta - prints the meta file on stdout after the program" {
	run -7 "$APBOX" run -b "$BOX" --meta - -- /bin/sh -c 'echo out; exit 7'
	assert_line --index 0 out
	assert_line exitcode:7
	assert_line status:RE
}

@test "run: death by signal exits 128+N, meta says SG" {
	run_box -- /bin/sh -c 'kill -SEGV $$'
	[ "$status" -eq 139 ]
	assert_meta status SG
	assert_meta exitsig 11
	refute_meta exitcode
}

@test "run: a missing program exits 127, meta says RE 127" {
	run_box -- /nonexistent/program
	[ "$status" -eq 127 ]
	assert_meta status RE
	assert_meta exitcode 127
	assert_output --partial "apbox: cannot execute \"/nonexistent/program\""
}

@test "run: a program that is not executable exits 126" {
	printf '#!/bin/sh\necho hi\n' > "$WORLD/noexec.sh"
	chmod 644 "$WORLD/noexec.sh"
	run_box -- "$WORLD/noexec.sh"
	[ "$status" -eq 126 ]
	assert_meta exitcode 126
}

@test "run: the program is found on PATH" {
	run_box -- sh -c 'echo found'
	[ "$status" -eq 0 ]
	assert_output found
}

@test "run: --meta-format json has the same keys" {
	run -7 "$APBOX" run -b "$BOX" --meta "$META" --meta-format json -- /bin/sh -c 'exit 7'
	run node -e 'const m=JSON.parse(require("fs").readFileSync(process.argv[1])); if(m.exitcode!==7||m.status!=="RE"||m["box-id"]!=='"$BOX"'||typeof m.time!=="number"||m.mode!=="unsandboxed") process.exit(1)' "$META"
	[ "$status" -eq 0 ] || fail "bad json meta: $(cat "$META")"
}

@test "run: cwd is the box dir and files land there" {
	run_box -- /bin/sh -c 'pwd; echo data > f'
	assert_output "$BOX_ROOT/$BOX/box"
	[ "$(cat "$BOX_ROOT/$BOX/box/f")" = data ]
}

@test "env: the environment is clean" {
	FOO=leak run_box -- /usr/bin/env
	assert_success
	refute_output --partial FOO
	assert_line "PATH=/usr/local/bin:/usr/bin:/bin"
	assert_line "HOME=$BOX_ROOT/$BOX/box"
	assert_line "TMPDIR=$BOX_ROOT/$BOX/box"
	assert_line "AP_EXECUTION_MODE=UNSANDBOXED"
	[ "${#lines[@]}" -eq 4 ]
}

@test "env: --env sets and passes variables" {
	FOO=inherited run_box --env FOO --env BAR=set --env MISSING -- /usr/bin/env
	assert_line FOO=inherited
	assert_line BAR=set
	refute_output --partial MISSING
}

@test "env: --full-env passes everything, --env still wins" {
	FOO=inherited run_box --full-env --env FOO=over -- /usr/bin/env
	assert_line FOO=over
	assert_line --partial "APBOX_CONFIG="
}

@test "env: AP_EXECUTION_MODE cannot claim more isolation than the box gives" {
	run -125 "$APBOX" run -b "$BOX" --env AP_EXECUTION_MODE=SANDBOX_PROCESS -- \
		/bin/sh -c 'echo ran $AP_EXECUTION_MODE'
	assert_output "apbox: --env: AP_EXECUTION_MODE=SANDBOX_PROCESS asks for isolation that mode unsandboxed does not give (use --mode, or init the box in that mode)"
	run -125 "$APBOX" run -b "$BOX" --env AP_EXECUTION_MODE=nope -- /bin/true
	assert_output --partial 'AP_EXECUTION_MODE="nope" is not a mode'
	run -0 "$APBOX" run -b "$BOX" --env AP_EXECUTION_MODE=UNSANDBOXED -- /bin/sh -c 'echo $AP_EXECUTION_MODE'
	assert_output UNSANDBOXED
}

@test "env: an --env value is not in apbox's /proc/PID/cmdline while the box runs" {
	requires root
	local secret=apbox-secret-$$-$RANDOM
	run -0 "$APBOX" run -b "$BOX" --mode code-only --env "SECRET=$secret" -- /bin/sh -c "$CMDLINE_PROBE"
	assert_output "seen:yes found:none"
	# --env NAME passes apbox's own variable, never on any command line.
	SECRET=$secret run -0 "$APBOX" run -b "$BOX" --mode code-only --env SECRET -- \
		/bin/sh -c 'echo "$SECRET"'
	assert_output "$secret"
}

@test "env: --env with a bad name is an error" {
	run -125 "$APBOX" run -b "$BOX" --env '1BAD=x' -- /bin/true
	assert_output --partial "bad variable"
}

@test "stdio: --stdin, --stdout and --stderr redirect" {
	echo input > "$WORLD/in"
	run_box --stdin "$WORLD/in" --stdout "$WORLD/out" --stderr "$WORLD/err" -- \
		/bin/sh -c 'read x; echo "got $x"; echo oops >&2'
	assert_success
	assert_output ""
	[ "$(cat "$WORLD/out")" = "got input" ]
	[ "$(cat "$WORLD/err")" = "oops" ]
}

@test "stdio: --stderr-to-stdout merges" {
	run_box --stdout "$WORLD/out" --stderr-to-stdout -- /bin/sh -c 'echo a; echo b >&2'
	[ "$(cat "$WORLD/out")" = "$(printf 'a\nb')" ]
}

@test "stdio: a missing --stdin file is an error before anything runs" {
	run -125 "$APBOX" run -b "$BOX" --stdin "$WORLD/none" -- /bin/sh -c 'touch ran'
	assert_output --partial "$WORLD/none"
	[ ! -e "$BOX_ROOT/$BOX/box/ran" ]
}

@test "stdio: a FIFO a box left as --stdin is refused at once, never waited on" {
	mkfifo "$BOX_ROOT/$BOX/box/in"
	run -125 timeout 10 "$APBOX" run -b "$BOX" --meta "$META" --stdin "$BOX_ROOT/$BOX/box/in" -- \
		/bin/sh -c 'touch ran'
	assert_output "apbox: cannot read \"$BOX_ROOT/$BOX/box/in\": a FIFO below box_root (a box may have made it)"
	assert_meta status XX
	[ ! -e "$BOX_ROOT/$BOX/box/ran" ]
	run -125 "$APBOX" run -b "$BOX" --stdin "$WORLD" -- /bin/true
	assert_output --partial "not a regular file nor a device"
}

@test "stdio: the caller's own FIFO outside box_root is read, after its writer comes" {
	mkfifo "$WORLD/fifo"
	(sleep 0.3; echo from-fifo >"$WORLD/fifo") &
	run -0 timeout 10 "$APBOX" run -b "$BOX" --stdin "$WORLD/fifo" -- /bin/cat
	assert_output from-fifo
	run -0 "$APBOX" run -b "$BOX" --stdin /dev/null -- /bin/cat
	assert_output ""
}

@test "stdio: an unwritable --meta path is an error before anything runs" {
	run -125 "$APBOX" run -b "$BOX" --meta "$WORLD/no/such/dir/meta" -- /bin/sh -c 'touch ran'
	assert_output --partial "meta"
	[ ! -e "$BOX_ROOT/$BOX/box/ran" ]
}

@test "limits: open files default to 1024, never 64" {
	run_box -- /bin/sh -c 'ulimit -n'
	assert_output 1024
}

@test "limits: --open-files, --fsize and --stack set rlimits" {
	run_box --open-files 77 --fsize 100 --stack 4M -- /bin/sh -c 'ulimit -n; ulimit -f; ulimit -s'
	assert_success
	assert_line --index 0 77
	assert_line --index 1 200
	assert_line --index 2 4096
}

@test "limits: --fsize stops a big write" {
	run_box --fsize 64 -- /bin/sh -c 'head -c 1000000 /dev/zero > big'
	[ "$status" -ne 0 ]
	[ "$(stat -c %s "$BOX_ROOT/$BOX/box/big")" -le 65536 ]
}

@test "time: --time kills a busy loop: exit 137, status TO" {
	run_box --time 1 -- /bin/sh -c 'while :; do :; done'
	[ "$status" -eq 137 ]
	assert_meta status TO
	assert_meta killed 1
	assert_meta message "Time limit exceeded"
	local t; t=$(meta_value time)
	[ "${t%.*}" -ge 1 ] && [ "${t%.*}" -lt 2 ] || fail "time $t"
}

@test "time: --wall-time kills a sleeper" {
	run_box --wall-time 0.5 -- /bin/sleep 10
	[ "$status" -eq 137 ]
	assert_meta status TO
	assert_meta message "Time limit exceeded (wall clock)"
	local w; w=$(meta_value time-wall)
	[ "${w%.*}" -lt 2 ] || fail "wall $w"
}

@test "time: --wall-time kills the whole process tree" {
	run_box --wall-time 0.5 -- /bin/sh -c 'sleep 30 & sleep 30 & (setsid sleep 31 &) ; wait'
	[ "$status" -eq 137 ]
	sleep 0.2
	run pgrep -f '^sleep 3[01]$'
	[ "$status" -ne 0 ] || fail "left behind: $(pgrep -af '^sleep 3[01]$')"
}

@test "time: --extra-time lets the program run past --time" {
	run_box --time 0.3 --extra-time 0.5 -- /bin/sh -c 'while :; do :; done'
	[ "$status" -eq 137 ]
	assert_meta status TO
	local t; t=$(meta_value time)
	[ "${t/./}" -ge 750 ] || fail "killed at $t, before time+extra"
}

@test "time: a program under its limits is not killed" {
	run_box --time 5 --wall-time 5 -- /bin/sh -c 'exit 3'
	[ "$status" -eq 3 ]
	refute_meta killed
}

@test "signals: SIGTERM to apbox kills the program and still writes meta" {
	"$APBOX" run -b "$BOX" --meta "$META" -- /bin/sh -c 'sleep 30' &
	local pid=$!
	sleep 0.5
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ] || fail "exit $rc"
	assert_meta status SG
	assert_meta exitsig 15
	assert_meta killed 1
	assert_meta message Interrupted
	run pgrep -f '^(/bin/)?sleep 30$'
	[ "$status" -ne 0 ]
}

@test "signals: SIGINT to apbox kills the program" {
	"$APBOX" run -b "$BOX" --meta "$META" -- /bin/sleep 30 &
	local pid=$!
	sleep 0.5
	kill -INT "$pid"
	local rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ] || fail "exit $rc"
	assert_meta exitsig 2
}

@test "run: -v tells the plan and the status line; quiet by default" {
	run -0 --separate-stderr "$APBOX" run -b "$BOX" -- /bin/true
	[ -z "$stderr" ]
	run -0 --separate-stderr "$APBOX" -v run -b "$BOX" -- /bin/true
	[[ "$stderr" == *"box $BOX: mode unsandboxed"* ]]
	[[ "$stderr" == *"OK ("*"sec real"* ]]
}
