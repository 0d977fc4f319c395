#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: find host root (or any range beyond the box's one id) mapped into the box's user namespace
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
for m in uid_map gid_map; do
	n=$(wc -l </proc/self/$m)
	[ "$n" -eq 1 ] || escaped "$m has $n lines: $(tr -s ' ' </proc/self/$m | tr '\n' ';')"
	# shellcheck disable=SC2046 # split the line into its three numbers
	set -- $(cat /proc/self/$m)
	[ "$2" = 0 ] && escaped "$m maps host id 0: $*"
	[ "$3" = 1 ] || escaped "$m maps $3 ids: $*"
done
[ "$(id -u)" = 0 ] && escaped "the program runs as uid 0 in its namespace"
blocked "one unprivileged id mapped ($(cat /proc/self/uid_map | tr -s ' '))"
