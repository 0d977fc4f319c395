#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: SIGKILL the program of the worker's other box, running at the same time
# modes: code-only process code-and-process
# check: check_user_peer_alive
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
[ -n "${ESC_W_PEER_PID:-}" ] || inconclusive "the worker started no other box"
# In a pid namespace of the box's own, the number names no process (or one
# of the box's): the runner's check says whether the other box lived.
err=$(kill -s KILL "$ESC_W_PEER_PID" 2>&1) && escaped "SIGKILL to the other box's program was delivered"
blocked "kill: ${err##*: }"
