#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: move itself out of the box cgroup with a cgroup file held open by the box's PID 1 or the program's parent (apbox opens the tasks files the box's first process joins its v1 cgroups with): through pidfd_getfd(2), /proc/PID/fd or an fd of its own
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
before=$(cat /proc/self/cgroup)
is_cgroup() {
	case $1 in /sys/fs/cgroup/*) return 0 ;; esac
	return 1
}
# An fd of its own: written to as it is ("0" is the writer, try-escape).
for n in $("$P/try-escape" fds); do
	t=$(readlink "/proc/self/fd/$n" 2>/dev/null) || continue
	is_cgroup "$t" || continue
	if "$P/try-escape" write0 "$n" >/dev/null; then
		escaped "moved itself through its own fd $n ($t)"
	fi
done
for pid in $(printf '%s\n' "$PPID" 1 | sort -u); do
	[ "$pid" != $$ ] || continue
	# A copy of each fd of the process: apbox's box processes deny it.
	if out=$("$P/try-escape" getfds "$pid"); then
		escaped "took fds of pid $pid: $(echo "$out" | grep -v '^ok$' | tr '\n' ' ')"
	fi
	# Reopened through /proc: the file's own permissions apply.
	for f in "/proc/$pid/fd"/*; do
		t=$(readlink "$f" 2>/dev/null) || continue
		is_cgroup "$t" || continue
		if [ -d "$f" ]; then
			for name in tasks cgroup.procs; do
				if (echo 0 >"$f/$name") 2>/dev/null; then
					escaped "moved itself through $f/$name ($t)"
				fi
			done
		elif (echo 0 >"$f") 2>/dev/null; then
			escaped "moved itself through $f ($t)"
		fi
	done
done
[ "$(cat /proc/self/cgroup)" = "$before" ] || escaped "/proc/self/cgroup changed"
blocked "no cgroup file of the box's PID 1 or parent within reach"
