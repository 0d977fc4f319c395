#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: SIGKILL the worker's process group by its id, kill(-PGID, SIGKILL) (the group the worker spawns apbox in, with its sentinels)
# modes: code-only process code-and-process
# blocked: exit0 killed
# check: check_user_group
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
: "${ESC_W_GROUP:?the worker sets ESC_W_GROUP}"
# When the program is in that group it dies too: the runner's check decides.
err=$(kill -s KILL -- "-$ESC_W_GROUP" 2>&1) && escaped "SIGKILL to the worker's process group was delivered"
blocked "kill: ${err##*: }"
