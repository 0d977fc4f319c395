#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: open and flock another box's lock file in lock_root, so that its run and cleanup fail with "in use"
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
lock=${ESC_OTHER_BOX_LOCK:?}
[ -e "$lock" ] || blocked "another box's lock file is not visible"
if command -v flock >/dev/null && flock -n -x "$lock" true 2>/dev/null; then
	escaped "took the flock of another box's lock file $lock"
fi
try_open_read "$lock" && escaped "opened another box's lock file $lock for reading (enough to flock it)"
blocked "cannot open another box's lock file: $( (: <"$lock") 2>&1 | sed 's/.*: //')"
