#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read or plant POSIX shared memory of the host (/dev/shm) when the caller binds the host's /dev (--dir=/dev=/dev:dev)
# modes: process code-and-process
# process-options: --dir=/dev=/dev:dev
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
has_token "${ESC_HOST_SHM:?}" apbox-esc-host-shm && escaped "read the host's $ESC_HOST_SHM"
[ -e "$ESC_HOST_SHM" ] && escaped "$ESC_HOST_SHM is visible"
f=/dev/shm/apbox-esc-plant-$$
echo x >"$f" 2>/dev/null || inconclusive "/dev/shm is not writable: POSIX shared memory fails in the box"
rm -f "$f"
blocked "/dev/shm is private and writable: $(find /dev/shm -mindepth 1 -maxdepth 1 | wc -l) entries"
