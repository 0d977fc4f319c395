#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: connect to the worker's abstract unix socket from a box run with --share-net, as Activepieces runs its boxes
# modes: code-only process code-and-process
# options: --share-net
# check: check_user_abstract
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
out=$("$P/try-escape" open-unix "@${ESC_W_ABSTRACT:?the runner sets ESC_W_ABSTRACT}")
[ "$out" = ok ] && escaped "connected to the worker's abstract unix socket"
blocked "$out"
