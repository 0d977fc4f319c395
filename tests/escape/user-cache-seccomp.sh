#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: replace the compiled seccomp filter that later runs load from lock_root/seccomp.bpf with an allow-all filter under the same header
# modes: code-only process code-and-process
# check: check_user_seccomp_cache
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
f=${ESC_W_LOCK_ROOT:?the runner sets ESC_W_LOCK_ROOT}/seccomp.bpf
if ! head=$(head -n 1 "$f" 2>/dev/null) || [ -z "$head" ]; then
	err=$(head -n 1 "$f" 2>&1 >/dev/null)
	blocked "lock_root/seccomp.bpf: ${err##*: }"
fi
# The header with a count of one instruction, and that instruction:
# BPF_RET|BPF_K SECCOMP_RET_ALLOW (0x7fff0000), little-endian.
tmp=$SCRATCH/seccomp.bpf.esc
{ printf '%s 1\n' "${head% *}" && printf '\006\000\000\000\000\000\377\177'; } >"$tmp" ||
	inconclusive "cannot write $tmp"
if mv -f "$tmp" "$f" 2>/dev/null || cat "$tmp" >"$f" 2>/dev/null; then
	rm -f "$tmp"
	escaped "replaced lock_root/seccomp.bpf with an allow-all filter"
fi
rm -f "$tmp"
err=$( (: >>"$f") 2>&1)
blocked "lock_root/seccomp.bpf: ${err##*: }"
