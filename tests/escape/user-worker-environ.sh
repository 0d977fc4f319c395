#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read the secret in the environment of the worker that spawned apbox, through /proc/PID/environ
# modes: code-only process code-and-process
# check: check_user_env_secret
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
f=/proc/$ESC_W_PID/environ
if line=$(tr '\0' '\n' <"$f" 2>/dev/null | grep '^APBOX_ESC_WORKER_SECRET='); then
	echo "$line"
	escaped "read the worker's secret in its /proc/PID/environ"
fi
err=$(cat "$f" 2>&1 >/dev/null) || blocked "the worker's /proc/PID/environ: ${err##*: }"
inconclusive "read the worker's /proc/PID/environ, but it has no APBOX_ESC_WORKER_SECRET"
