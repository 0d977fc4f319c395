#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: kill pid 1 (apbox's proxy) with SIGKILL, SIGTERM, SIGINT and SIGHUP to break the run's supervision
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
# Only inside a pid namespace, where the program is pid 2: on the host,
# pid 1 is init, and SIGINT to systemd means ctrl-alt-del.
[ "$$" -lt 10 ] || inconclusive "pid $$: not in a pid namespace of its own, pid 1 is not apbox's"
for s in KILL TERM INT HUP; do
	kill -s "$s" 1 2>/dev/null
done
sleep 0.2
blocked "still running under pid 1 after SIGKILL, SIGTERM, SIGINT and SIGHUP"
