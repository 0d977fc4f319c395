#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read the kernel log (dmesg, /dev/kmsg, /proc/kmsg)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
if dmesg >/dev/null 2>&1; then
	escaped "dmesg read the kernel log"
fi
# Open only: a read of /proc/kmsg would take messages from the host's syslog.
for f in /dev/kmsg /proc/kmsg; do
	try_open_read "$f" && escaped "opened $f for reading"
done
blocked "$(dmesg 2>&1 | head -1)"
