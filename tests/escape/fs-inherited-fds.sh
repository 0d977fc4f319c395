#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: use descriptors inherited from apbox's caller (fd 7: a root-only host file, fd 8: a host directory)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
if has_token /dev/fd/7 apbox-esc-host-secret || (cat <&7) 2>/dev/null | grep -q apbox-esc-host-secret; then
	escaped "read the root-only host file through inherited fd 7"
fi
if [ -e /proc/self/fd/8/host-file ]; then
	escaped "listed the host directory through inherited fd 8"
fi
fds=$("$P/try-escape" fds | tr '\n' ' ')
for fd in $fds; do
	t=$(readlink "/proc/self/fd/$fd" 2>/dev/null)
	case $t in
	/proc/*/fd | "") ;;
	*) escaped "fd $fd is open in the program: $t" ;;
	esac
done
blocked "no descriptor above 2 reached the program (${fds:-none})"
