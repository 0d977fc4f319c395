#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: unmount the box's /proc to reach the proc below it (the mount template's)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
# Only as PID 2 or so of a pid namespace of its own (inside a box): a broken
# sandbox must never unmount the host's /proc.
[ "$$" -lt 10 ] || blocked "not in a pid namespace of its own (pid $$): not tried"
out=$("$P/try-escape" umount /proc)
[ "$out" = ok ] && escaped "unmounted /proc: $(ls /proc | head -c 200 | tr '\n' ' ')"
blocked "$out"
