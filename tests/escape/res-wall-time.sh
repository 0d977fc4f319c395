#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: outlast --wall-time 1 while ignoring SIGTERM, SIGINT and SIGHUP
# modes: process code-and-process code-only unsandboxed
# options: --wall-time 1
# blocked: wall-timeout
# check: check_survivors
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
trap '' TERM INT HUP
sleep "${ESC_MARKER:?}" &
i=0
while [ "$i" -lt 8 ]; do
	sleep 0.5
	i=$((i + 1))
done
escaped "ran 4 s under --wall-time 1"
