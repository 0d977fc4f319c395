#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read the secret in the environment of the program of the worker's other box, running at the same time, through /proc/PID/environ
# modes: code-only process code-and-process
# check: check_user_peer_env
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
[ -n "${ESC_W_PEER_PID:-}" ] || inconclusive "the worker started no other box"
f=/proc/$ESC_W_PEER_PID/environ
if line=$(tr '\0' '\n' <"$f" 2>/dev/null | grep '^ESC_PEER_SECRET='); then
	echo "$line"
	escaped "read the other box's secret in its /proc/PID/environ"
fi
err=$(cat "$f" 2>&1 >/dev/null) || blocked "the other box's /proc/PID/environ: ${err##*: }"
blocked "/proc/PID/environ is not the other box's program here: no ESC_PEER_SECRET"
