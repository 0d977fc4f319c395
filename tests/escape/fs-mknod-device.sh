#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: create device nodes (a character device, a block device of a disk) in the box dir
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/try-escape" mknod "$SCRATCH/null2")
if [ "$out" = ok ]; then
	rm -f "$SCRATCH/null2"
	escaped "created the character device 1:3"
fi
if mknod "$SCRATCH/disk" b 8 0 2>/dev/null; then
	rm -f "$SCRATCH/disk"
	escaped "created the block device 8:0"
fi
blocked "mknod refused ($out)"
