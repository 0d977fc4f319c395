#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave an orphan behind by double-forking ((sleep &) &) so that it is reparented away from the program
# modes: process code-and-process code-only unsandboxed
# options: --wall-time 2
# blocked: exit0 wall-timeout
# check: check_survivors
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
( (sleep "${ESC_MARKER:?}" >/dev/null 2>&1 &) &)
sleep 0.1
blocked "double-forked sleep $ESC_MARKER; the runner looks for it after the run"
