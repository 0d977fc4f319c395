#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: signal a host process (a root-owned victim) and apbox itself (signal 0 only)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/try-escape" kill "${ESC_HOST_PID:?}")
[ "$out" = ok ] && escaped "kill($ESC_HOST_PID, 0) on the host victim worked"
if ! is_process_mode; then
	# The parent is apbox, running as root.
	o2=$("$P/try-escape" kill "$PPID")
	[ "$o2" = ok ] && escaped "kill($PPID, 0) on apbox worked"
fi
blocked "$out"
