#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: follow symlinks planted in the box dir between init and run (box/evil -> /etc, box/world -> a host dir)
# modes: process code-and-process code-only
# setup: setup_planted_symlinks
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
[ -L "$SCRATCH/evil" ] && [ -L "$SCRATCH/world" ] || inconclusive "the planted symlinks are missing"
if head -c1 "$SCRATCH/evil/shadow" >/dev/null 2>&1; then
	escaped "read the host's /etc/shadow through box/evil"
fi
if has_token "$SCRATCH/world/host-secret" apbox-esc-host-secret; then
	escaped "read a root-only host file through box/world"
fi
if is_process_mode && has_token "$SCRATCH/world/host-file" apbox-esc-host-file; then
	escaped "read a host file through box/world from inside the new root"
fi
blocked "the planted symlinks lead nowhere useful: $(cat "$SCRATCH/evil/shadow" 2>&1 | head -1)"
