#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: list and read through /proc/PID/cwd and /proc/PID/root of apbox, its proxy and a host process
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
me=$(id -u)
for pid in "${ESC_HOST_PID:?}" 1 "$PPID"; do
	[ "$pid" = "$$" ] && continue
	for l in cwd root; do
		d=/proc/$pid/$l
		[ -e "/proc/$pid" ] || continue
		# The program may look at its own processes; not at a process
		# of another user (apbox as root, the host victim).
		owner=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
		if [ -n "$owner" ] && [ "$owner" = "$me" ] && [ "$pid" != "$ESC_HOST_PID" ] && ! is_process_mode; then
			continue
		fi
		if ls "$d/" >/dev/null 2>&1; then
			escaped "listed $d/ (pid $pid, uid ${owner:-?}): $(ls "$d/" | head -3 | tr '\n' ' ')"
		fi
		if has_token "$d/host-file" apbox-esc-host-file; then
			escaped "read the host victim's working directory through $d"
		fi
	done
done
blocked "no cwd or root link of another process could be followed"
