#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: learn the host's name (hostname, uname -n, /proc/sys/kernel/hostname, /etc/hostname)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
h=${ESC_HOSTNAME:?}
for v in "$(hostname 2>/dev/null)" "$(uname -n)" "$(cat /proc/sys/kernel/hostname 2>/dev/null)" \
	"$(cat /etc/hostname 2>/dev/null)"; do
	[ "$v" = "$h" ] && escaped "the host's name is visible: $v"
done
blocked "the box is called $(uname -n)"
