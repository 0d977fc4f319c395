#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: raise the program's CPU priority (a negative nice value)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
before=$(awk '{ print $19 }' /proc/$$/stat)
if renice -n -5 -p $$ >/dev/null 2>&1; then
	now=$(awk '{ print $19 }' /proc/$$/stat)
	[ "$now" -lt "$before" ] && escaped "nice went from $before to $now"
fi
blocked "nice stays at $before: $(renice -n -5 -p $$ 2>&1 | sed 's/.*: //')"
