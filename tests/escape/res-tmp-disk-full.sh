#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: fill the private /tmp past its size (tmp_size) to eat the host's memory
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
lim=${ESC_TMP_MB:?}
f=/tmp/esc-fill.$$
err=$(dd if=/dev/zero of="$f" bs=1M count=$((lim * 2)) 2>&1 | head -1)
kib=$(du -k "$f" 2>/dev/null | cut -f1)
rm -f "$f"
[ "${kib:-0}" -gt $((lim * 1024)) ] && escaped "/tmp held ${kib} KiB, more than its ${lim} MiB"
blocked "/tmp stopped at ${kib:-0} KiB of ${lim} MiB: $err"
