#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: ptrace a host process (a root-owned victim) and apbox itself
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/try-escape" ptrace "${ESC_HOST_PID:?}")
[ "$out" = ok ] && escaped "PTRACE_SEIZE on the host victim worked"
if ! is_process_mode; then
	o2=$("$P/try-escape" ptrace "$PPID")
	[ "$o2" = ok ] && escaped "PTRACE_SEIZE on apbox ($PPID) worked"
fi
blocked "$out"
