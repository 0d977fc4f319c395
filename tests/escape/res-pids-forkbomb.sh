#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: fork bomb under --processes 16
# modes: process code-and-process code-only unsandboxed
# options: --processes 16
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/forkbomb" 5 2>&1)
st=$?
n=$(echo "$out" | sed -n 's/^fork failed after \([0-9]*\):.*/\1/p')
[ "$st" -eq 0 ] && [ -n "$n" ] && [ "$n" -lt 16 ] && blocked "$out"
[ -n "$n" ] && escaped "$out (limit 16)"
[ "$st" -eq 2 ] && escaped "$out"
inconclusive "forkbomb exit $st: $out"
