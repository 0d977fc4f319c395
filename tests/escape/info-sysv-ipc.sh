#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: see or attach the host's System V shared memory (a 0666 segment made by the runner)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
id=${ESC_SHM_ID:?}
if awk -v id="$id" '$2 == id { f = 1 } END { exit !f }' /proc/sysvipc/shm 2>/dev/null; then
	escaped "the host's segment $id is listed in /proc/sysvipc/shm"
fi
if ipcs -m -i "$id" 2>/dev/null | grep -q "shmid=$id"; then
	escaped "ipcs sees the host's segment $id"
fi
blocked "the host's segment $id is not there ($(($(wc -l </proc/sysvipc/shm) - 1)) segments)"
