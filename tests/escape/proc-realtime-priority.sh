#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: take a real-time scheduling class (SCHED_FIFO 99, SCHED_RR 1) to starve the host
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
if chrt -f 99 true 2>/dev/null; then
	escaped "ran under SCHED_FIFO 99"
fi
if chrt -r 1 true 2>/dev/null; then
	escaped "ran under SCHED_RR 1"
fi
blocked "$(chrt -f 99 true 2>&1 | head -1)"
