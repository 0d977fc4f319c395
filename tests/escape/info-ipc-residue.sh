#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave System V IPC objects and /dev/shm files behind for the box's next job (the same uid) to read
# modes: process code-and-process code-only
# check-cleanup: check_ipc_residue
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
n=0
echo apbox-esc-residue >"/dev/shm/apbox-esc-residue-${ESC_MARKER:?}" 2>/dev/null && n=$((n + 1))
command -v ipcmk >/dev/null || inconclusive "no ipcmk"
ipcmk -M 4096 >/dev/null 2>&1 && n=$((n + 1))
ipcmk -S 1 >/dev/null 2>&1 && n=$((n + 1))
ipcmk -Q >/dev/null 2>&1 && n=$((n + 1))
[ "$n" -gt 0 ] || inconclusive "could make neither a /dev/shm file nor an IPC object"
blocked "left $n objects; the runner looks for them after cleanup"
