#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: connect to the worker's TCP listener on 127.0.0.1
# modes: code-only process code-and-process
# check: check_user_tcp
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
out=$("$P/try-escape" connect 127.0.0.1 "${ESC_W_TCP:?the worker sets ESC_W_TCP}")
[ "$out" = ok ] && escaped "connected to the worker's 127.0.0.1 TCP port"
blocked "$out"
