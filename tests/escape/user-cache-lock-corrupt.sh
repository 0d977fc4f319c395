#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: overwrite the lock file of another box of the worker (lock_root/N, which records its state) with garbage of the same size
# modes: code-only process code-and-process
# check: check_user_lock_file
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
f=${ESC_W_TARGET_LOCK:?the runner sets ESC_W_TARGET_LOCK}
[ -e "$f" ] || blocked "the other box's lock file is not in sight here"
size=$(wc -c <"$f" 2>/dev/null) || size=128
if err=$( (head -c "$size" /dev/zero | tr '\0' X >"$f") 2>&1); then
	escaped "overwrote the other box's lock file"
fi
blocked "the other box's lock file: ${err##*: }"
