#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The user worker part of the escape catalogue (tests/escape/run.sh with
# APBOX_ESCAPE_USER=only): the user-*.sh attacks, run in boxes that a worker
# running as an ordinary user spawns (tests/helpers/user-worker), in the
# modes code-only and process.  One test per attack and mode: it passes
# when the row is BLOCKED and fails when it is ESCAPED or ERROR.
#
# Run as root: the runner gives the worker uids of its own with no passwd
# entry (APBOX_ESCAPE_USER_UID, default here 64700, and the three after it)
# and removes whatever it made for them.  The process rows need user
# namespaces for such a uid; without them those tests skip.
bats_require_minimum_version 1.5.0
load helpers/common

setup_file() {
	export ESC_REPORT=$BATS_FILE_TMPDIR/security-user.md
	export ESC_ROWS=$BATS_FILE_TMPDIR/rows.tsv
	export ESC_LOG=$BATS_FILE_TMPDIR/run.log
	local st=0
	[ "$(id -u)" -eq 0 ] || return 0
	APBOX_ESCAPE_USER=only APBOX_ESCAPE_MODES="process code-only" \
		APBOX_ESCAPE_USER_UID=${APBOX_ESCAPE_USER_UID:-64700} APBOX_ESCAPE_CG_PARENT=apbox-uw \
		APBOX_ESCAPE_TSV=$ESC_ROWS APBOX_HELPERS=$HELPERS \
		bash "$APBOX_SRCDIR/tests/escape/run.sh" "$APBOX" "$ESC_REPORT" >"$ESC_LOG" 2>&1 || st=$?
	echo "$st" >"$BATS_FILE_TMPDIR/status"
}

setup() {
	requires root
	[ -s "$ESC_ROWS" ] || fail "the catalogue did not run: $(cat "$ESC_LOG")"
}

# user_row ATTACK MODE: the row of ATTACK in "MODE (user)" is BLOCKED.
user_row() {
	local attack=$1 mode="$2 (user)" line result detail
	if grep -qF "no \"$mode\" rows" "$ESC_LOG"; then
		skip "$(grep -F "no \"$mode\" rows" "$ESC_LOG" | head -1)"
	fi
	line=$(awk -F'\t' -v a="$attack" -v m="$mode" '$2 == a && $3 == m' "$ESC_ROWS")
	[ -n "$line" ] || fail "no row for $attack in $mode: $(tail -3 "$ESC_LOG")"
	IFS=$'\t' read -r _ _ _ result detail _ <<<"$line"
	[ "$result" = BLOCKED ] || fail "$result: $detail"
}

@test "escape user: run.sh set up the user worker world and finished" {
	local st
	st=$(cat "$BATS_FILE_TMPDIR/status")
	# 1: some row is not BLOCKED (the tests below say which); 2: setup failed.
	[ "$st" -le 1 ] || fail "run.sh failed (exit $st): $(tail -5 "$ESC_LOG")"
}

@test "escape user: every user attack of tests/escape has a test here, in each mode it claims" {
	local f name m missing=
	for f in "$APBOX_SRCDIR"/tests/escape/user-*.sh; do
		name=${f##*/}
		name=${name%.sh}
		for m in $(sed -n 's/^# modes: //p' "$f"); do
			[ "$m" != code-and-process ] || continue
			grep -qxF "	user_row $name $m" "$BATS_TEST_FILENAME" || missing="$missing $name ($m)"
		done
	done
	[ -z "$missing" ] || fail "no test for:$missing"
}

@test "escape user: user-apbox-environ (code-only)" {
	user_row user-apbox-environ code-only
}

@test "escape user: user-apbox-environ (process)" {
	user_row user-apbox-environ process
}

@test "escape user: user-cache-etc (code-only)" {
	user_row user-cache-etc code-only
}

@test "escape user: user-cache-etc (process)" {
	user_row user-cache-etc process
}

@test "escape user: user-cache-lock-corrupt (code-only)" {
	user_row user-cache-lock-corrupt code-only
}

@test "escape user: user-cache-lock-corrupt (process)" {
	user_row user-cache-lock-corrupt process
}

@test "escape user: user-cache-lock-flock (code-only)" {
	user_row user-cache-lock-flock code-only
}

@test "escape user: user-cache-lock-flock (process)" {
	user_row user-cache-lock-flock process
}

@test "escape user: user-cache-seccomp (code-only)" {
	user_row user-cache-seccomp code-only
}

@test "escape user: user-cache-seccomp (process)" {
	user_row user-cache-seccomp process
}

@test "escape user: user-cgroup-move (code-only)" {
	user_row user-cgroup-move code-only
}

@test "escape user: user-cgroup-move (process)" {
	user_row user-cgroup-move process
}

@test "escape user: user-inotify (code-only)" {
	user_row user-inotify code-only
}

@test "escape user: user-inotify (process)" {
	user_row user-inotify process
}

@test "escape user: user-net-abstract (code-only)" {
	user_row user-net-abstract code-only
}

@test "escape user: user-net-abstract (process)" {
	user_row user-net-abstract process
}

@test "escape user: user-net-shared-abstract (code-only)" {
	user_row user-net-shared-abstract code-only
}

@test "escape user: user-net-shared-abstract (process)" {
	user_row user-net-shared-abstract process
}

@test "escape user: user-net-shared-unix-path (code-only)" {
	user_row user-net-shared-unix-path code-only
}

@test "escape user: user-net-shared-unix-path (process)" {
	user_row user-net-shared-unix-path process
}

@test "escape user: user-net-tcp (code-only)" {
	user_row user-net-tcp code-only
}

@test "escape user: user-net-tcp (process)" {
	user_row user-net-tcp process
}

@test "escape user: user-net-udp (code-only)" {
	user_row user-net-udp code-only
}

@test "escape user: user-net-udp (process)" {
	user_row user-net-udp process
}

@test "escape user: user-net-unix-path (code-only)" {
	user_row user-net-unix-path code-only
}

@test "escape user: user-net-unix-path (process)" {
	user_row user-net-unix-path process
}

@test "escape user: user-peer-boxdir (code-only)" {
	user_row user-peer-boxdir code-only
}

@test "escape user: user-peer-boxdir (process)" {
	user_row user-peer-boxdir process
}

@test "escape user: user-peer-environ (code-only)" {
	user_row user-peer-environ code-only
}

@test "escape user: user-peer-environ (process)" {
	user_row user-peer-environ process
}

@test "escape user: user-peer-mem (code-only)" {
	user_row user-peer-mem code-only
}

@test "escape user: user-peer-mem (process)" {
	user_row user-peer-mem process
}

@test "escape user: user-peer-signal (code-only)" {
	user_row user-peer-signal code-only
}

@test "escape user: user-peer-signal (process)" {
	user_row user-peer-signal process
}

@test "escape user: user-signal-group (code-only)" {
	user_row user-signal-group code-only
}

@test "escape user: user-signal-group (process)" {
	user_row user-signal-group process
}

@test "escape user: user-signal-process-group (code-only)" {
	user_row user-signal-process-group code-only
}

@test "escape user: user-signal-process-group (process)" {
	user_row user-signal-process-group process
}

@test "escape user: user-signal-worker (code-only)" {
	user_row user-signal-worker code-only
}

@test "escape user: user-signal-worker (process)" {
	user_row user-signal-worker process
}

@test "escape user: user-survivor-proxy (code-only)" {
	user_row user-survivor-proxy code-only
}

@test "escape user: user-survivor-proxy (process)" {
	user_row user-survivor-proxy process
}

@test "escape user: user-survivor (code-only)" {
	user_row user-survivor code-only
}

@test "escape user: user-survivor (process)" {
	user_row user-survivor process
}

@test "escape user: user-worker-dir-write (code-only)" {
	user_row user-worker-dir-write code-only
}

@test "escape user: user-worker-dir-write (process)" {
	user_row user-worker-dir-write process
}

@test "escape user: user-worker-environ (code-only)" {
	user_row user-worker-environ code-only
}

@test "escape user: user-worker-environ (process)" {
	user_row user-worker-environ process
}

@test "escape user: user-worker-file-attrs (code-only)" {
	user_row user-worker-file-attrs code-only
}

@test "escape user: user-worker-file-attrs (process)" {
	user_row user-worker-file-attrs process
}

@test "escape user: user-worker-file-read (code-only)" {
	user_row user-worker-file-read code-only
}

@test "escape user: user-worker-file-read (process)" {
	user_row user-worker-file-read process
}

@test "escape user: user-worker-file-xattr (code-only)" {
	user_row user-worker-file-xattr code-only
}

@test "escape user: user-worker-file-xattr (process)" {
	user_row user-worker-file-xattr process
}

@test "escape user: user-worker-mem (code-only)" {
	user_row user-worker-mem code-only
}

@test "escape user: user-worker-mem (process)" {
	user_row user-worker-mem process
}
