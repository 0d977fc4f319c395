#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave a process behind, then SIGKILL the box program's parent (apbox's process that reaps and kills what the program leaves, of the worker's uid), so that the process outlives the run and the cleanup
# modes: code-only process code-and-process
# options: --wall-time 5
# blocked: exit0 killed
# check-cleanup: check_survivors
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
# shellcheck disable=SC2016 # expanded by the inner shell
setsid sh -c 'sleep "$1" </dev/null >/dev/null 2>&1 &' sh "${ESC_MARKER:?}"
sleep 0.1
# Only the parent apbox made for this run (in a pid namespace, the
# namespace's PID 1, which ignores it).
parent=$PPID
comm=$(cat "/proc/$parent/comm" 2>/dev/null) || comm="not readable"
err=$(kill -s KILL "$parent" 2>&1) || blocked "kill of the parent ($comm): ${err##*: }"
sleep 0.2
blocked "SIGKILL to the parent ($comm, pid $parent) was sent; the runner looks for the process after the cleanup"
