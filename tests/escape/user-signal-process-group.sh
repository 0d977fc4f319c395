#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: SIGKILL the program's own process group, kill(0, SIGKILL): the worker's group (its sentinels, the other box's apbox) unless apbox gives the box a session of its own
# modes: code-only process code-and-process
# blocked: exit0 killed
# check: check_user_group
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
# The shell dies with its group either way: the runner's check decides.
kill -s KILL 0
blocked "kill(0, SIGKILL) was refused"
