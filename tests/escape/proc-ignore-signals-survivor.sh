#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave a daemon behind that ignores SIGTERM, SIGHUP and SIGINT (nohup, trap '', own process group)
# modes: process code-and-process code-only unsandboxed
# options: --wall-time 2
# blocked: exit0 wall-timeout
# check: check_survivors
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
setsid sh -c 'trap "" TERM HUP INT; exec nohup sleep "$1"' sh "${ESC_MARKER:?}" </dev/null >/dev/null 2>&1 &
sleep 0.1
blocked "started a signal-ignoring sleep $ESC_MARKER; the runner looks for it after the run"
