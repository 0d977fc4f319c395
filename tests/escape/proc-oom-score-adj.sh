#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: make the program the OOM killer's last choice (oom_score_adj -1000) so the host dies first
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
before=$(cat /proc/self/oom_score_adj)
for v in -1000 -500 -1; do
	if [ "$v" -lt "$before" ] && (echo "$v" >/proc/self/oom_score_adj) 2>/dev/null; then
		escaped "lowered oom_score_adj from $before to $v"
	fi
done
blocked "oom_score_adj stays at $before: $( (echo -1000 >/proc/self/oom_score_adj) 2>&1 | sed 's/.*: //')"
