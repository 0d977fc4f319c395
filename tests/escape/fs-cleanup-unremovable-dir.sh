#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: make the box dir outlive cleanup (directories of mode 000 and 0500, a read-only file), so the box cannot be reused
# modes: process code-and-process code-only
# check-cleanup: check_box_removed
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
mkdir -p "$SCRATCH/locked/inner" "$SCRATCH/readonly/inner" || inconclusive "cannot make directories"
echo x >"$SCRATCH/locked/inner/file"
echo x >"$SCRATCH/readonly/inner/file"
chmod 444 "$SCRATCH/readonly/inner/file"
chmod 000 "$SCRATCH/locked/inner" "$SCRATCH/locked"
chmod 500 "$SCRATCH/readonly/inner" "$SCRATCH/readonly"
blocked "left directories of mode 000 and 0500; the runner checks that cleanup removed the box"
