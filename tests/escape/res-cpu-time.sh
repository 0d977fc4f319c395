#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: burn 3 s of CPU in one process under --time 1
# modes: process code-and-process code-only unsandboxed
# options: --time 1
# blocked: exit0 cpu-timeout
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
# The spinner reads its own CPU time (utime + stime, 1/100 s) from
# /proc/self/stat: what counts is CPU received, not wall clock, which a
# loaded host hands out slowly.  15 s of wall clock at most.
timeout 15 awk 'BEGIN {
	while (1) {
		for (i = 0; i < 200000; i++);
		getline l < "/proc/self/stat"; close("/proc/self/stat")
		split(l, f, " ")
		if (f[14] + f[15] >= 300) exit 0
	}
}'
st=$?
[ "$st" -eq 0 ] && escaped "one process burnt 3 s of CPU under --time 1"
[ "$st" -eq 124 ] && inconclusive "the spinner got less than 3 s of CPU in 15 s"
# Killed by RLIMIT_CPU (SIGXCPU, SIGKILL) before apbox's own kill arrived.
blocked "the spinner was killed (exit $st)"
