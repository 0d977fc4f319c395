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
: "${ESC_W_CGROUP:?the runner sets ESC_W_CGROUP}"
# A sleep in a session of its own, so that only the cgroup can end it.
setsid -f sleep "${ESC_MARKER:?}" </dev/null >/dev/null 2>&1
pid=
for _ in 1 2 3 4 5 6 7 8 9 10; do
	pid=$(pgrep -f "^sleep $ESC_MARKER\$" | head -1)
	[ -n "$pid" ] && break
	sleep 0.05
done
[ -n "$pid" ] || inconclusive "the sleep did not start"
# The cgroups above the box's: the parents of the paths /proc/PID/cgroup
# shows (only "/" in a cgroup namespace), and the delegated parent by the
# name the runner gave it, in every hierarchy mounted here.
targets=
while IFS=: read -r _ ctl path; do
	[ "$path" != / ] || continue
	ctl=${ctl#name=}
	if [ -z "$ctl" ]; then
		base=/sys/fs/cgroup/unified
		[ -d "$base" ] || base=/sys/fs/cgroup
	else
		base=/sys/fs/cgroup/${ctl%%,*}
	fi
	targets="$targets $base${path%/*}"
done <"/proc/$pid/cgroup"
for base in /sys/fs/cgroup /sys/fs/cgroup/*; do
	[ -d "$base/$ESC_W_CGROUP" ] || continue
	case " $targets " in
	*" $base/$ESC_W_CGROUP "*) ;;
	*) targets="$targets $base/$ESC_W_CGROUP" ;;
	esac
done
moved=
err=
for t in $targets; do
	if e=$( (echo "$pid" >"$t/cgroup.procs") 2>&1); then
		moved="$moved ${t#/sys/fs/cgroup/}"
	else
		[ -n "$err" ] || err="$t: ${e##*: }"
	fi
done
[ -n "$moved" ] && escaped "moved a process into the cgroup above the box's:$moved"
if [ -z "$targets" ]; then
	e=$(ls -d /sys/fs/cgroup 2>&1 >/dev/null)
	blocked "no cgroup above the box's is in sight (/proc/PID/cgroup shows only roots; /sys/fs/cgroup: ${e##*: })"
fi
blocked "no cgroup.procs above the box's cgroup took the process (${err})"
