#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: move a process of the box out of the box's cgroup into the worker's delegated cgroup above it, where it outlives the run and the cleanup
# modes: code-only process code-and-process
# cgroup: delegated
# check: check_user_cgroup_moved
# check-cleanup: check_survivors
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
# A sleep in a session of its own, so that only the cgroup can end it.
setsid -f sleep "${ESC_MARKER:?}" </dev/null >/dev/null 2>&1
pid=
for _ in 1 2 3 4 5 6 7 8 9 10; do
	pid=$(pgrep -f "^sleep $ESC_MARKER\$" | head -1)
	[ -n "$pid" ] && break
	sleep 0.05
done
[ -n "$pid" ] || inconclusive "the sleep did not start"
moved=
own=
while IFS=: read -r _ ctl path; do
	[ "$path" != / ] || continue
	own=1
	ctl=${ctl#name=}
	if [ -z "$ctl" ]; then
		base=/sys/fs/cgroup/unified
		[ -d "$base" ] || base=/sys/fs/cgroup
	else
		base=/sys/fs/cgroup/$ctl
	fi
	(echo "$pid" >"$base${path%/*}/cgroup.procs") 2>/dev/null && moved="$moved ${ctl:-v2}"
done <"/proc/$pid/cgroup"
[ -n "$moved" ] && escaped "moved a process into the cgroup above the box's ($moved )"
[ -n "$own" ] || blocked "the box has no cgroup of its own to leave, nor one it can see above it"
blocked "no cgroup.procs above the box's cgroup took the process"
