#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: open /proc/sysrq-trigger and /proc/sys/kernel/sysrq for writing (reboot or crash the host)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
n=0
for f in /proc/sysrq-trigger /proc/sys/kernel/sysrq; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	try_open_write "$f" && escaped "opened $f for writing"
done
[ "$n" -gt 0 ] || blocked "no sysrq file on this kernel (CONFIG_MAGIC_SYSRQ=n)"
blocked "$n sysrq files refused to open for writing"
