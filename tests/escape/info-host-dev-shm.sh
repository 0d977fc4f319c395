#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read or plant POSIX shared memory of the host (/dev/shm)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
has_token "${ESC_HOST_SHM:?}" apbox-esc-host-shm && escaped "read the host's $ESC_HOST_SHM"
[ -e "$ESC_HOST_SHM" ] && escaped "$ESC_HOST_SHM is visible"
blocked "/dev/shm is private: $(ls -a /dev/shm | wc -l) entries"
