#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Load: many runs without a leak (tests/soak/soak.sh does the work and the
# counting; its report shows in the TAP output as "# " lines).  The size is
# APBOX_SOAK_N (runs of the sequential phase; default 1000;
# the parallel phase makes as many, unsandboxed a fifth) and
# APBOX_SOAK_BOXES (boxes running at once, default 32).
bats_require_minimum_version 1.5.0
load helpers/common

SOAK=$APBOX_SRCDIR/tests/soak/soak.sh

setup() {
	requires root cgroup_mem
	export APBOX
}

soak() {
	run "$SOAK" "$1"
	# The report, before any verdict, so a failure shows its numbers.
	printf '%s\n' "$output" | grep '^#' >&3
	[ "$status" -eq 0 ] || fail "$(printf '%s\n' "$output" | grep -E 'FAIL|soak.sh' | head -5)"
}

@test "soak: ${APBOX_SOAK_N:-1000} sequential runs of one box leak nothing (process)" { soak sequential; }
@test "soak: 2 x $((${APBOX_SOAK_N:-1000} / 2)) runs on two boxes in parallel leak nothing (process)" { soak parallel; }
@test "soak: $((${APBOX_SOAK_N:-1000} / 5)) sequential runs leak nothing (unsandboxed)" { soak unsandboxed; }
@test "soak: ${APBOX_SOAK_BOXES:-32} boxes running at once all succeed and are cleaned (process)" { soak concurrent; }
