#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: spread 3 s of CPU over short-lived processes of about 0.3 s each, none of which reaches --time 1 alone
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
i=0
while [ "$(ticks)" -lt 300 ] && [ "$i" -lt 60 ]; do
	awk 'BEGIN { for (i = 0; i < 1000000; i++); }'
	i=$((i + 1))
done
[ "$(ticks)" -ge 300 ] || inconclusive "60 spinners used only $(ticks) ticks of CPU"
escaped "$i processes used $(ticks) ticks (1/100 s) of CPU under --time 1"
