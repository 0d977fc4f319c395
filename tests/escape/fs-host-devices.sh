#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: open the host's sensitive devices (/dev/mem, /dev/kmem, /dev/port, disks, /dev/kmsg, consoles)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
# Never /dev/watchdog: opening it as root on a broken sandbox arms it.
for d in /dev/mem /dev/kmem /dev/port /dev/vda /dev/sda /dev/xvda /dev/nvme0n1 /dev/dm-0 \
	/dev/kmsg /dev/vcs /dev/vcsa /dev/snapshot /dev/cpu/0/msr; do
	if [ -e "$d" ] && [ "$("$P/try-escape" read "$d")" = ok ]; then
		escaped "read $d"
	fi
done
# Terminals: open only (a read would wait for, or steal, a keystroke).
for d in /dev/console /dev/tty0 /dev/tty1 /dev/ttyS0; do
	try_open_read "$d" && escaped "opened $d"
done
blocked "no sensitive device could be read ($(ls /dev | tr '\n' ' '))"
