#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: connect to the worker's unix socket file in its 0700 directory from a box run with --share-net, as Activepieces runs its boxes
# modes: code-only process code-and-process
# options: --share-net
# check: check_user_unix_path
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
out=$("$P/try-escape" open-unix "${ESC_W_SOCK:?the runner sets ESC_W_SOCK}")
[ "$out" = ok ] && escaped "connected to the worker's unix socket file"
blocked "$out"
