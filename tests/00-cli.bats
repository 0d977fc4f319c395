#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Command line and configuration: every bad input ends in one "apbox:" line,
# exit 125, and nothing created.
bats_require_minimum_version 1.5.0
load helpers/common

setup() { setup_world; }
teardown() { teardown_world; }

# One line on stderr, starting "apbox: ", and nothing on disk.
assert_one_error() {
	[ "${#lines[@]}" -eq 1 ] || fail "expected one line, got: $output"
	assert_line --index 0 --regexp '^apbox: '
	[ ! -e "$BOX_ROOT" ] || fail "box root was created: $(ls -R "$BOX_ROOT")"
}

@test "cli: --help prints usage and every command" {
	run -0 "$APBOX" --help
	assert_output --partial "Usage: apbox"
	for c in init run cleanup check; do assert_output --partial "  $c "; done
}

@test "cli: --version prints the version" {
	run -0 "$APBOX" --version
	assert_output --regexp '^apbox [0-9]+\.[0-9]+'
}

# configure links libcap and inih statically when their archives exist
# (each shared library costs every command its loading), and the whole
# binary as a static PIE when libc, libseccomp and those archives link
# (the dynamic loader itself costs every command its page faults).
# Otherwise the C library stays shared, and libmount and libseccomp are
# loaded with dlopen(); a static apbox still loads libmount that way.
@test "cli: the binary needs the libraries configure chose, and no other" {
	[ -f "${APBOX_BUILDDIR:-}/config.h" ] || skip "no build tree (installed apbox)"
	command -v readelf >/dev/null || skip "no readelf"
	run -0 readelf -d -l "$APBOX"
	local needed
	needed=$(printf '%s\n' "$output" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | sort | tr '\n' ' ')
	if grep -q '^#define APBOX_STATIC_BINARY 1' "$APBOX_BUILDDIR/config.h"; then
		[ -z "$needed" ] || fail "a static binary, but NEEDED: $needed"
		[[ "$output" != *INTERP* ]] || fail "a static binary names a program interpreter"
		[[ "$output" == *DYN* ]] || fail "a static binary, but not position-independent"
		return 0
	fi
	[[ "$needed" == *libc.so.6* ]] || fail "no shared C library: $needed"
	if grep -q '^#define APBOX_STATIC_LIBS 1' "$APBOX_BUILDDIR/config.h"; then
		[[ "$needed" != *libcap.so* && "$needed" != *libinih.so* ]] ||
			fail "static libcap and inih, but NEEDED: $needed"
	else
		[[ "$needed" == *libcap.so* && "$needed" == *libinih.so* ]] ||
			fail "shared libcap and inih, but NEEDED: $needed"
	fi
	[[ "$needed" != *libmount* && "$needed" != *libseccomp* ]] ||
		fail "libmount and libseccomp are loaded when needed, not linked: $needed"
}

@test "cli: no command is an error" {
	run -125 --separate-stderr "$APBOX"
	assert_output ""
	[[ "$stderr" == "apbox: no command given"* ]]
}

@test "cli: unknown command is an error" {
	run -125 "$APBOX" frobnicate
	assert_one_error
	assert_output --partial 'unknown command "frobnicate"'
}

@test "cli: unknown option is an error" {
	run -125 "$APBOX" run --frob -- true
	assert_one_error
	assert_output --partial '--frob'
}

@test "cli: option without its value is an error" {
	run -125 "$APBOX" run -b
	assert_one_error
}

@test "cli: option wrong for the command is an error" {
	run -125 "$APBOX" cleanup -b 1 --mem 10M
	assert_one_error
	assert_output --partial "--mem does not apply"
}

@test "cli: run without a program is an error" {
	run -125 "$APBOX" run -b 1
	assert_one_error
	assert_output --partial "no program"
}

@test "cli: --mode bogus prints one apbox line and exits 125" {
	run -125 "$APBOX" run -b "$BOX" --mode bogus -- /bin/true
	assert_one_error
	assert_output --partial 'unknown mode "bogus"'
}

@test "cli: every mode name and its Activepieces spelling parse" {
	local m
	for m in unsandboxed UNSANDBOXED code-only SANDBOX_CODE_ONLY process SANDBOX_PROCESS \
		code-and-process SANDBOX_CODE_AND_PROCESS sandbox_process; do
		run -0 "$APBOX" init -b "$BOX" --mode "$m"
		run -0 "$APBOX" cleanup -b "$BOX"
	done
}

@test "cli: AP_EXECUTION_MODE with a bad value is an error" {
	AP_EXECUTION_MODE=nope run -125 "$APBOX" init -b "$BOX"
	assert_one_error
	assert_output --partial "AP_EXECUTION_MODE"
}

@test "cli: box id out of range is an error" {
	run -125 "$APBOX" init -b 1000
	assert_one_error
	assert_output --partial "out of range"
	run -125 "$APBOX" init -b -1
	assert_one_error
	run -125 "$APBOX" init -b 12x
	assert_one_error
}

@test "cli: bad sizes, times and counts are errors" {
	run -125 "$APBOX" run -b 1 --mem 12Q -- true
	assert_one_error
	run -125 "$APBOX" run -b 1 --time abc -- true
	assert_one_error
	run -125 "$APBOX" run -b 1 --processes -3 -- true
	assert_one_error
	run -125 "$APBOX" run -b 1 --open-files 99999999999 -- true
	assert_one_error
	run -125 "$APBOX" run -b 1 --meta-format xml -- true
	assert_one_error
}

@test "cli: --stderr and --stderr-to-stdout exclude each other" {
	run -125 "$APBOX" run -b 1 --stderr /dev/null --stderr-to-stdout -- true
	assert_one_error
}

@test "cli: --dir with an unknown option is an error" {
	run -125 "$APBOX" run -b 1 --dir /x:frob -- true
	assert_one_error
	assert_output --partial "frob"
}

@test "conf: an unknown key names the file and line" {
	printf 'box_root = %s\n\nfrobnicate = 1\n' "$BOX_ROOT" > "$WORLD/bad.conf"
	run -125 "$APBOX" --config "$WORLD/bad.conf" init -b 1
	assert_one_error
	assert_output "apbox: $WORLD/bad.conf:3: unknown key \"frobnicate\""
}

@test "conf: a bad value names the file and line" {
	printf 'box_root = %s\n[limits]\nmem = lots\n' "$BOX_ROOT" > "$WORLD/bad.conf"
	run -125 "$APBOX" --config "$WORLD/bad.conf" init -b 1
	assert_one_error
	assert_output --partial "$WORLD/bad.conf:3: bad size"
}

@test "conf: a line inih rejects names the file and line" {
	printf 'box_root = %s\nthis is not ini\n' "$BOX_ROOT" > "$WORLD/bad.conf"
	run -125 "$APBOX" --config "$WORLD/bad.conf" init -b 1
	assert_one_error
	assert_output --partial "$WORLD/bad.conf:2: syntax error"
}

@test "conf: relative box_root, bad mode and zero boxes are rejected" {
	printf 'box_root = relative/dir\n' > "$WORLD/bad.conf"
	run -125 "$APBOX" --config "$WORLD/bad.conf" init -b 1
	assert_output --partial ":1: "
	printf 'mode = turbo\n' > "$WORLD/bad.conf"
	run -125 "$APBOX" --config "$WORLD/bad.conf" init -b 1
	assert_output --partial 'unknown mode "turbo"'
	printf 'num_boxes = 0\n' > "$WORLD/bad.conf"
	run -125 "$APBOX" --config "$WORLD/bad.conf" init -b 1
	assert_output --partial ":1: "
}

@test "conf: a missing --config file is an error" {
	run -125 "$APBOX" --config "$WORLD/none.conf" init -b 1
	assert_one_error
	assert_output --partial "none.conf"
}

@test "conf: APBOX_CONFIG is used and --config overrides it" {
	run -0 "$APBOX" init -b "$BOX"
	assert_output "$BOX_ROOT/$BOX"
	printf 'box_root = %s/other\nlock_root = %s/locks2\n[cgroup]\nparent = %s\n' "$WORLD" "$WORLD" \
		"$CG_PARENT" > "$WORLD/other.conf"
	run -0 "$APBOX" --config "$WORLD/other.conf" init -b "$BOX"
	assert_output "$WORLD/other/$BOX"
	run -0 "$APBOX" --config "$WORLD/other.conf" cleanup -b "$BOX"
}

@test "conf: num_boxes bounds the box id" {
	printf 'box_root = %s\nlock_root = %s\nnum_boxes = 5\n[cgroup]\nparent = %s\n' "$BOX_ROOT" \
		"$LOCK_ROOT" "$CG_PARENT" > "$WORLD/small.conf"
	run -125 "$APBOX" --config "$WORLD/small.conf" init -b 5
	assert_output --partial "0..4"
	run -0 "$APBOX" --config "$WORLD/small.conf" init -b 4
	run -0 "$APBOX" --config "$WORLD/small.conf" cleanup -b 4
}

@test "conf: the default mode comes from the config file" {
	printf 'box_root = %s\nlock_root = %s\nmode = unsandboxed\n[cgroup]\nparent = %s\n' "$BOX_ROOT" \
		"$LOCK_ROOT" "$CG_PARENT" > "$WORLD/m.conf"
	run -0 "$APBOX" --config "$WORLD/m.conf" init -b "$BOX"
	run -0 "$APBOX" --config "$WORLD/m.conf" run -b "$BOX" -- /bin/sh -c 'echo $AP_EXECUTION_MODE'
	assert_output "UNSANDBOXED"
}
