#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The example Node.js worker (examples/node-worker): its own tests, run with
# Node's built-in test runner against this build's apbox.
bats_require_minimum_version 1.5.0
load helpers/common

WORKER_DIR=$APBOX_SRCDIR/examples/node-worker

@test "node-worker: outcome classification and box pool (node --test, no root)" {
	requires node
	cd "$WORKER_DIR"
	run node --test test/classify.test.js
	[ "$status" -eq 0 ] || fail "node --test failed:
$output"
	assert_output --partial "# fail 0"
}

@test "node-worker: jobs against the real apbox (node --test)" {
	[ "$(id -u)" -eq 0 ] || skip "the worker tests run boxes with their own uids: they need root"
	requires root node
	cd "$WORKER_DIR"
	# The tests make their own box root, lock root and cgroup parent (test/world.js).
	run env APBOX="$APBOX" node --test test/worker.test.js
	[ "$status" -eq 0 ] || fail "node --test failed:
$output"
	assert_output --partial "# fail 0"
	# The suite must really have run (it skips itself without root or APBOX).
	refute_output --regexp "worker against apbox # SKIP"
}
