#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: SIGKILL the worker (a sentinel process of the worker's, of its uid, standing for it)
# modes: code-only process code-and-process
# check: check_user_sentinel
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
: "${ESC_W_SENTINEL:?the worker sets ESC_W_SENTINEL}"
err=$(kill -s KILL "$ESC_W_SENTINEL" 2>&1) && escaped "SIGKILL to the worker's sentinel was delivered"
blocked "kill: ${err##*: }"
