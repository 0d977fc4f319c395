#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: run a setuid-root and a setgid-root copy of id(1)
# modes: process code-and-process code-only
# process-options: --dir /suid=@WORLD@/suid
# options: --dir @WORLD@/suid
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
d=/suid
is_process_mode || d=${ESC_WORLD:?}/suid
[ -u "$d/suid-id" ] && [ -g "$d/sgid-id" ] || inconclusive "the setuid and setgid copies are missing in $d"
u=$("$d/suid-id" -u) || inconclusive "cannot run $d/suid-id"
g=$("$d/sgid-id" -g) || inconclusive "cannot run $d/sgid-id"
[ "$u" = 0 ] && escaped "the setuid binary ran with euid 0"
[ "$g" = 0 ] && escaped "the setgid binary ran with egid 0"
blocked "setuid and setgid bits ignored (euid $u, egid $g)"
