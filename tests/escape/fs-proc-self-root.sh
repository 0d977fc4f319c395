#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: reach host files through /proc/self/root, /proc/1/root and /proc/self/cwd with ".."
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
for r in /proc/self/root /proc/$$/root /proc/1/root /proc/self/root/../.. /proc/self/cwd/../../../../..; do
	if has_token "$r${ESC_HOST_SECRET:?}" apbox-esc-host-secret; then
		escaped "read a root-only host file through $r"
	fi
	if is_process_mode && has_token "$r${ESC_HOST_FILE:?}" apbox-esc-host-file; then
		escaped "read a host file through $r from inside the new root"
	fi
done
if is_process_mode && [ "$(readlink /proc/self/root)" != / ]; then
	escaped "/proc/self/root names $(readlink /proc/self/root)"
fi
blocked "no /proc root link leads out"
