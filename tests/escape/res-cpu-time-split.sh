#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: spread 3 s of CPU over short-lived processes of 0.3 s of CPU each, none of which reaches --time 1 alone
# modes: process code-and-process code-only unsandboxed
# options: --time 1
# blocked: cpu-timeout
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
# CPU of the reaped children of this shell, in clock ticks (utime is not
# counted: the shell itself only waits).
ticks() {
	awk '{ print $16 + $17 }' "/proc/$$/stat"
}
# Each spinner runs until it has received 0.3 s of CPU itself (utime +
# stime of /proc/self/stat, 1/100 s): the work is counted, not the loop
# iterations, so the attack is the same on a CPU 20 times faster or slower.
# 15 s of wall clock at most for each.
i=0
while [ "$(ticks)" -lt 300 ] && [ "$i" -lt 20 ]; do
	timeout 15 awk 'BEGIN {
		while (1) {
			for (i = 0; i < 20000; i++);
			getline l < "/proc/self/stat"; close("/proc/self/stat")
			split(l, f, " ")
			if (f[14] + f[15] >= 30) exit 0
		}
	}'
	i=$((i + 1))
done
[ "$(ticks)" -ge 300 ] || inconclusive "$i spinners got only $(ticks) ticks of CPU"
escaped "$i processes used $(ticks) ticks (1/100 s) of CPU under --time 1"
