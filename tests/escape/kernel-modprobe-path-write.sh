#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: open /proc/sys/kernel/modprobe for writing (the kernel runs it as root to load a module)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
f=/proc/sys/kernel/modprobe
# procfs is the kernel's: absent here means absent on the host (CONFIG_MODULES=n).
[ -e "$f" ] || blocked "$f does not exist on this kernel"
try_open_write "$f" && escaped "opened $f for writing"
blocked "$f: $( (: >>"$f") 2>&1 | sed 's/.*: //')"
