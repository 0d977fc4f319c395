#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read the environment of apbox, its proxy and a host process through /proc/PID/environ
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
for pid in 1 "$PPID" "${ESC_HOST_PID:?}"; do
	[ "$pid" = "$$" ] && continue
	if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -q '^APBOX_ESC_LEAK='; then
		escaped "read the caller's environment in /proc/$pid/environ"
	fi
done
blocked "no environ of apbox or the host could be read"
