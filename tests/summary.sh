#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Count the results recorded by the automake test driver (.trs files) and
# print one line: "N passed, N failed, N skipped".
pass=0 fail=0 skip=0
for f in "$@"; do
	[ -f "$f" ] || { fail=$((fail + 1)); echo "missing result: $f" >&2; continue; }
	p=$(grep -c '^:test-result: PASS' "$f" || true)
	x=$(grep -c '^:test-result: XFAIL' "$f" || true)
	s=$(grep -c '^:test-result: SKIP' "$f" || true)
	b=$(grep -c -E '^:test-result: (FAIL|XPASS|ERROR)' "$f" || true)
	pass=$((pass + p + x)) skip=$((skip + s)) fail=$((fail + b))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
