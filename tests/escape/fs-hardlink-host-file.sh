#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: hard-link host files (/etc/shadow, /etc/passwd, a root-only file, a setuid binary) into the box dir
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
i=0
for f in /etc/shadow /etc/passwd /usr/bin/passwd /usr/bin/su "${ESC_HOST_SECRET:?}" "${ESC_HOST_FILE:?}" "$P/try-escape"; do
	i=$((i + 1))
	if ln "$f" "$SCRATCH/hl-$i" 2>/dev/null; then
		rm -f "$SCRATCH/hl-$i"
		escaped "hard-linked $f into the box dir"
	fi
done
blocked "every hard link was refused: $(ln /etc/passwd "$SCRATCH/hl" 2>&1 | sed 's/.*: //')"
