#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: ptrace pid 1 (apbox's proxy, which holds the link to the keeper)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/try-escape" ptrace 1)
[ "$out" = ok ] && escaped "PTRACE_SEIZE on pid 1 worked"
blocked "$out"
