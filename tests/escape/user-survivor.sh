#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave a process behind in a session of its own (setsid, then an orphan) that outlives the run and the cleanup, as the worker's uid
# modes: code-only process code-and-process
# options: --wall-time 2
# blocked: exit0 wall-timeout
# check-cleanup: check_survivors
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
# shellcheck disable=SC2016 # expanded by the inner shell
setsid sh -c 'sleep "$1" </dev/null >/dev/null 2>&1 &' sh "${ESC_MARKER:?}"
sleep 0.1
blocked "left a sleep in a session of its own; the runner looks for it after the cleanup"
