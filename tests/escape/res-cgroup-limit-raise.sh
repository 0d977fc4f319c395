#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: raise the box's own cgroup limits (memory.limit_in_bytes, memory.max, pids.max)
# modes: process code-and-process code-only
# options: --mem 64M --processes 64
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
n=0
while IFS=: read -r _ ctl path; do
	ctl=${ctl#name=}
	for f in "/sys/fs/cgroup/$ctl$path/memory.limit_in_bytes" "/sys/fs/cgroup/$ctl$path/memory.memsw.limit_in_bytes" \
		"/sys/fs/cgroup/$ctl$path/pids.max" "/sys/fs/cgroup$path/memory.max" "/sys/fs/cgroup$path/pids.max" \
		"/sys/fs/cgroup$path/memory.swap.max"; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		try_open_write "$f" && escaped "opened the box's own $f for writing"
	done
done </proc/self/cgroup
[ "$n" -gt 0 ] || blocked "no cgroup limit file is visible (no cgroupfs in the box)"
blocked "none of the box's $n limit files can be opened for writing"
