#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: open /sys/kernel/uevent_helper or /proc/sys/kernel/hotplug for writing (run a program as host root on the next uevent)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
n=
for f in /sys/kernel/uevent_helper /proc/sys/kernel/hotplug; do
	[ -e "$f" ] || continue
	n="$n $f"
	try_open_write "$f" && escaped "opened $f for writing"
done
blocked "${n:+refused to open for writing:}${n:-neither /sys/kernel/uevent_helper nor /proc/sys/kernel/hotplug is there}"
