#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: open /proc/sys/kernel/core_pattern for writing (a pipe there runs a program as host root)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
f=/proc/sys/kernel/core_pattern
[ -e "$f" ] || blocked "$f is not there"
try_open_write "$f" && escaped "opened $f for writing"
blocked "$( (: >>"$f") 2>&1 | sed 's/.*: //')"
