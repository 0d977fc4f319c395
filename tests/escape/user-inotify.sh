#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: use up the inotify instances of the worker's uid (fs.inotify.max_user_instances, counted per user) and hold them while the worker makes one
# modes: code-only process code-and-process
# check: check_user_inotify
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
# At most 4096 (the default limit is 128), held until the worker looked: its
# hold line goes on to the worker through tee as it is printed.
"$P/try-escape" inotify-hold 4096 | tee "$SCRATCH/inotify.out"
opened=$(sed -n 's/^opened //p' "$SCRATCH/inotify.out")
rm -f "$SCRATCH/inotify.out"
[ -n "$opened" ] || inconclusive "try-escape inotify-hold printed no count"
blocked "opened $opened; the worker's probe decides"
