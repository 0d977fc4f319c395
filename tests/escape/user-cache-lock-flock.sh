#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: take the flock of another box's lock file (lock_root/N) and hold it, so that the worker's runs of that box are refused as in use
# modes: code-only process code-and-process
# check: check_user_lock_held
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
f=${ESC_W_TARGET_LOCK:?the runner sets ESC_W_TARGET_LOCK}
[ -e "$f" ] || blocked "the other box's lock file is not in sight here"
# -w: the worker's probe holds the lock for an instant now and then.
rm -f "$SCRATCH/locked"
# shellcheck disable=SC2016 # expanded by the inner shell
flock -x -w 5 "$f" sh -c '. "$ESC_PROBES/lib.sh"; hold_for_worker; : >"$SCRATCH/locked"' 2>"$SCRATCH/flock.err"
if [ -e "$SCRATCH/locked" ]; then
	rm -f "$SCRATCH/locked" "$SCRATCH/flock.err"
	escaped "held the other box's lock while the worker looked"
fi
err=$(cat "$SCRATCH/flock.err")
rm -f "$SCRATCH/flock.err"
blocked "flock: ${err##*: }"
