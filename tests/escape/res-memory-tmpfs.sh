#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: hide memory from the limit in tmpfs: write 100 MiB into /tmp and /dev/shm under --mem 32M
# modes: process code-and-process
# options: --mem 32M
# blocked: exit0 oom
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
got=
for d in /tmp /dev/shm; do
	f=$d/esc-fill.$$
	dd if=/dev/zero of="$f" bs=1M count=100 2>/dev/null
	kib=$(du -k "$f" 2>/dev/null | cut -f1)
	rm -f "$f"
	[ "${kib:-0}" -ge 65536 ] && escaped "$d held ${kib} KiB under --mem 32M"
	got="$got $d: ${kib:-0} KiB"
done
blocked "tmpfs writes stopped at the memory limit ($got)"
