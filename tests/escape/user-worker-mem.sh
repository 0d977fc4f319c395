#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read the secret in the worker's heap and overwrite it, through /proc/PID/mem of the worker
# modes: code-only process code-and-process
# check: check_user_worker_heap
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
: "${ESC_W_HEAP:?the worker sets ESC_W_HEAP}"
rd=
"$P/try-escape" mem-read "$ESC_W_PID" "$ESC_W_HEAP" && rd=1
out=$("$P/try-escape" mem-write "$ESC_W_PID" "$ESC_W_HEAP" apbox-esc-overwritten)
[ "$out" = ok ] && escaped "overwrote the worker's heap through /proc/PID/mem"
[ -n "$rd" ] && escaped "read the worker's heap through /proc/PID/mem"
blocked "$out"
