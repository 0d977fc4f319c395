#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read a secret the caller passed with --env NAME=VALUE from the command line of apbox (an ancestor) in /proc
# modes: process code-and-process code-only
# options: --env ESC_CMDLINE_SECRET=apbox-esc-cmdline-token
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
secret=${ESC_CMDLINE_SECRET:?}
seen=0
p=$(awk '/^PPid:/ { print $2 }' /proc/$$/status)
while [ "${p:-0}" -gt 1 ]; do
	c=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)
	case $c in *ESC_CMDLINE_SECRET=*) seen=$((seen + 1)) ;; esac
	case $c in *"$secret"*) escaped "the --env value is in /proc/$p/cmdline: $(echo "$c" | cut -c1-60)" ;; esac
	p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
done
blocked "no ancestor's command line shows the value ($seen show the variable's name)"
