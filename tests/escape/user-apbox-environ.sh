#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read the worker's secret from apbox, which inherited the worker's environment: /proc/PID/environ of the program's parents below the worker, and of PID 1
# modes: code-only process code-and-process
# check: check_user_env_secret
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
# The program's parents up to the worker (8 at most), then PID 1 (in the
# process modes, an apbox process of the box's own pid namespace).
pids=
p=$PPID
i=0
while [ "$i" -lt 8 ] && [ "${p:-0}" -gt 1 ] && [ "$p" != "$ESC_W_PID" ]; do
	pids="$pids $p"
	p=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f2)
	i=$((i + 1))
done
n=0
err=
for p in $pids 1; do
	n=$((n + 1))
	what="the box's parent $n"
	[ "$p" = 1 ] && what="PID 1"
	if line=$(tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep '^APBOX_ESC_WORKER_SECRET='); then
		echo "$line"
		escaped "read the worker's secret in the environment of $what"
	fi
	if [ -z "$err" ]; then
		e=$(cat "/proc/$p/environ" 2>&1 >/dev/null) || err="$what: ${e##*: }"
	fi
done
blocked "no environment with the worker's secret (${err:-every one read had none})"
