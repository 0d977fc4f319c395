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
	assert_output --partial "| a cycle's floor: apbox --version three times, then the run |"
	assert_output --partial "What a full cycle cannot go below"
}

# bench/template.c measures a design by hand; check that it still builds,
# runs both ways and takes down what it made.
@test "bench: template.c runs both ways and leaves no mount" {
	requires root userns
	command -v "${CC:-cc}" >/dev/null || skip "no C compiler"
	setup_world
	TPL=$WORLD/template
	"${CC:-cc}" -O2 -std=gnu11 -o "$TPL" "$APBOX_SRCDIR/bench/template.c"
	mkdir -m 755 "$WORLD/t"
	run -0 "$TPL" "$WORLD/t" setup
	run -0 "$TPL" "$WORLD/t" copy
	run -0 "$TPL" "$WORLD/t" template
	run -0 "$TPL" "$WORLD/t" teardown
	run -1 grep -F "$WORLD" /proc/self/mountinfo
	[ ! -e "$WORLD/t/pin" ] || fail "the pin is left"
}

teardown() {
	if [ -n "${TPL:-}" ] && [ -x "$TPL" ]; then
		"$TPL" "$WORLD/t" teardown || true
	fi
	teardown_world
}
