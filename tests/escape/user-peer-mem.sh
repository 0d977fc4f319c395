#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: overwrite the secret in the heap of the program of the worker's other box, running at the same time, through /proc/PID/mem
# modes: code-only process code-and-process
# check: check_user_peer_heap
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
if [ -z "${ESC_W_PEER_PID:-}" ] || [ -z "${ESC_W_PEER_HEAP:-}" ]; then
	inconclusive "the worker started no other box"
fi
out=$("$P/try-escape" mem-write "$ESC_W_PEER_PID" "$ESC_W_PEER_HEAP" apbox-esc-overwritten)
[ "$out" = ok ] && escaped "overwrote the other box's heap through /proc/PID/mem"
blocked "$out"
