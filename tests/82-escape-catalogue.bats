#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The escape catalogue of tests/escape/: every attack, run inside a box in
# every mode that claims to stop it (and, with user namespaces, in the
# process modes as nobody).  One run of tests/escape/run.sh serves every
# test of the file; doc/security.md is the committed copy of its report.
bats_require_minimum_version 1.5.0
load helpers/common

setup_file() {
	export ESC_REPORT=$BATS_FILE_TMPDIR/security.md
	export ESC_ROWS=$BATS_FILE_TMPDIR/rows.tsv
	export ESC_LOG=$BATS_FILE_TMPDIR/run.log
	local st=0
	[ "$(id -u)" -eq 0 ] || return 0
	# The committed report has the rootless rows: ask for them too.
	APBOX_ESCAPE_ROOTLESS=1 APBOX_ESCAPE_TSV=$ESC_ROWS APBOX_HELPERS=$HELPERS \
		bash "$APBOX_SRCDIR/tests/escape/run.sh" "$APBOX" "$ESC_REPORT" >"$ESC_LOG" 2>&1 || st=$?
	echo "$st" >"$BATS_FILE_TMPDIR/status"
}

setup() {
	requires root
	[ -s "$ESC_ROWS" ] || fail "the catalogue did not run: $(cat "$ESC_LOG")"
}

# The rows of the results table of a report: "area|attack|mode|result".
table_rows() {
	sed -n '/^## Results/,/^## /p' "$1" | awk -F' *[|] *' 'NF == 6 && $2 != "area" && $2 !~ /^-+$/ {
		gsub("`", "", $3); print $2 "|" $3 "|" $4 "|" $5 }' | sort
}

@test "escape catalogue: every attack is blocked in every mode that claims to stop it" {
	local bad
	bad=$(awk -F'\t' '$4 != "BLOCKED" { printf "  %s %s (%s): %s\n", $4, $2, $3, $5 }' "$ESC_ROWS")
	[ -z "$bad" ] || fail "$(printf 'rows that are not BLOCKED:\n%s' "$bad")"
	[ "$(cat "$BATS_FILE_TMPDIR/status")" -eq 0 ] || fail "run.sh failed: $(tail -5 "$ESC_LOG")"
}

@test "escape catalogue: at least 60 attacks, in every mode" {
	local n mode
	n=$(cut -f2 "$ESC_ROWS" | sort -u | wc -l)
	[ "$n" -ge 60 ] || fail "only $n attacks"
	for mode in process code-and-process code-only unsandboxed; do
		cut -f3 "$ESC_ROWS" | grep -qx "$mode" || fail "no row for $mode"
	done
}

@test "escape catalogue: doc/security.md has the rows and results of a fresh run" {
	local committed=$APBOX_SRCDIR/doc/security.md fresh modes
	[ -f "$committed" ] || fail "no $committed: run tests/escape/run.sh (see its header)"
	fresh=$(table_rows "$ESC_REPORT")
	# Without user namespaces for nobody the fresh run has no rootless rows:
	# compare the modes it has.
	modes=$(cut -d'|' -f3 <<<"$fresh" | sort -u)
	run diff -u <(table_rows "$committed" | grep -F -f <(sed 's/.*/|&|/' <<<"$modes")) <(echo "$fresh")
	[ "$status" -eq 0 ] || fail "$(printf 'doc/security.md is out of date (- committed, + fresh run); regenerate it:\n%s' "$output")"
}
