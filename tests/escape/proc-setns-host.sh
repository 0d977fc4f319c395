#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: join the mount namespace of a host process or of apbox (setns)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
for pid in "${ESC_HOST_PID:?}" "$PPID" 1; do
	out=$("$P/try-escape" setns-pid "$pid")
	[ "$out" = ok ] && escaped "joined the mount namespace of pid $pid"
done
blocked "$out"
