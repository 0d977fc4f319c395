#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: write a 4 MiB file into the box dir under --fsize 1M
# modes: process code-and-process code-only unsandboxed
# options: --fsize 1M
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
f=$SCRATCH/esc-big.$$
st=$( (dd if=/dev/zero of="$f" bs=64k count=64 2>/dev/null; echo $?) | tail -1)
kib=$(du -k "$f" 2>/dev/null | cut -f1)
rm -f "$f"
[ "${kib:-0}" -gt 1024 ] && escaped "wrote ${kib} KiB to the box dir under --fsize 1M"
blocked "the write stopped at ${kib:-0} KiB (dd exit $st)"
