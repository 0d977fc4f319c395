#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmark is separate from the test suite; this only checks that
# bench/run --quick works (it asserts nothing about the times).
bats_require_minimum_version 1.5.0
load helpers/common

@test "bench: bench/run --quick prints its table" {
	requires root
	run "$APBOX_SRCDIR/bench/run" --quick
	assert_success
	assert_output --partial "| floor:"
	assert_output --partial "apbox run --mode process"
}
