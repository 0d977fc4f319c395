#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave a process behind in a new session (setsid sleep &) that outlives the run
# modes: process code-and-process code-only unsandboxed
# options: --wall-time 2
# blocked: exit0 wall-timeout
# check: check_survivors
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
setsid sleep "${ESC_MARKER:?}" >/dev/null 2>&1 &
sleep 0.1
blocked "started setsid sleep $ESC_MARKER; the runner looks for it after the run"
