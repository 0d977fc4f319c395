#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: see host processes in /proc (the host victim's pid, its command line, more than the box's own)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
[ -e "/proc/${ESC_HOST_PID:?}" ] && escaped "/proc/$ESC_HOST_PID (the host victim) is visible"
n=0
for d in /proc/[0-9]*; do
	[ -e "$d" ] || continue
	n=$((n + 1))
	if tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -q -- "${ESC_HOST_MARK:?}"; then
		escaped "the host victim's command line is visible in $d"
	fi
done
[ "$n" -le 5 ] || escaped "$n processes visible: $(ls -d /proc/[0-9]* | tr '\n' ' ')"
out=$("$P/try-escape" kill "$ESC_HOST_PID")
[ "$out" = ok ] && escaped "the host victim's pid answers kill(0)"
blocked "$n processes visible, the host victim is not ($out)"
