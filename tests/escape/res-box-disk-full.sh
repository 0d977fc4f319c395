#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: write without end into /box (and /tmp, /dev/shm) to fill the host's disk past the box's storage
# modes: process code-and-process code-only unsandboxed
# caller: root
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
# The storage is the configuration's (tmp_size, its older name): ESC_TMP_MB.
lim=${ESC_TMP_MB:?}
i=0 err=
# Bounded: twice the storage, in 1 MiB files, first in the work dir ...
while [ $i -lt $((lim * 2)) ]; do
	err=$(head -c 1048576 /dev/zero 2>&1 >"esc-fill.$i") || break
	i=$((i + 1))
done
kib=$(du -sk . 2>/dev/null | cut -f1)
# ... then into /tmp and /dev/shm where they are the box's own (the process
# modes, whose TMPDIR is /tmp; elsewhere they are the host's, out of reach
# of code-only and not the box's in unsandboxed).
for d in /tmp /dev/shm; do
	[ "${TMPDIR:-}" = /tmp ] && [ -w "$d" ] || continue
	head -c $((lim * 2 * 1048576)) /dev/zero >"$d/esc-fill.$$" 2>/dev/null
	more=$(du -sk "$d/esc-fill.$$" 2>/dev/null | cut -f1)
	kib=$((kib + ${more:-0}))
	rm -f "$d/esc-fill.$$"
done
rm -f esc-fill.*
[ "${kib:-0}" -gt $((lim * 1024 + 1024)) ] &&
	escaped "the box stored ${kib} KiB, more than its ${lim} MiB"
blocked "the box stopped at ${kib:-0} KiB of ${lim} MiB: ${err:-no error}"
