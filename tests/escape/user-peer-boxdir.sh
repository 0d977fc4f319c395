#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read the 0600 secret file in the box directory of the worker's other box, running at the same time, and create a file there
# modes: code-only process code-and-process
# check: check_user_peer_dir
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
d=${ESC_W_PEER_DIR:?the runner sets ESC_W_PEER_DIR}
got=
cat "$d/peer-secret" 2>/dev/null && got="read its 0600 file"
# Left in place for the runner's check, which removes the other box.
(: >"$d/planted") 2>/dev/null && got="${got:+$got and }created a file"
[ -n "$got" ] && escaped "the other box's directory: $got"
err=$(cat "$d/peer-secret" 2>&1 >/dev/null)
blocked "the other box's file: ${err##*: }"
