#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: move the program out of its cgroup by writing its pid to the cgroup.procs of a parent or root cgroup
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
before=$(cat /proc/self/cgroup)
for f in /sys/fs/cgroup/cgroup.procs /sys/fs/cgroup/*/cgroup.procs /sys/fs/cgroup/*/tasks; do
	[ -e "$f" ] || continue
	if (echo "$$" >"$f") 2>/dev/null; then
		escaped "wrote the program's pid to $f"
	fi
done
# The parent of the program's own cgroup, in each v1 hierarchy.
while IFS=: read -r _ ctl path; do
	[ -n "$ctl" ] || continue
	ctl=${ctl#name=}
	parent=/sys/fs/cgroup/$ctl${path%/*}
	if [ -e "$parent/cgroup.procs" ] && (echo "$$" >"$parent/cgroup.procs") 2>/dev/null; then
		escaped "moved to the parent cgroup $parent"
	fi
done </proc/self/cgroup
[ "$(cat /proc/self/cgroup)" = "$before" ] || escaped "/proc/self/cgroup changed"
blocked "no cgroup.procs accepted the pid"
