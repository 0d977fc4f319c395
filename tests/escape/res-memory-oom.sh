#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: allocate and touch 200 MiB under --mem 32M
# modes: process code-and-process code-only unsandboxed
# options: --mem 32M
# blocked: exit0 oom
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/memhog" 200 2>&1)
st=$?
[ "$st" -eq 0 ] && escaped "$out under --mem 32M"
[ "$st" -eq 137 ] && blocked "memhog was OOM-killed (exit $st)"
[ "$st" -eq 3 ] && blocked "memhog: malloc failed"
inconclusive "memhog exit $st: $out"
