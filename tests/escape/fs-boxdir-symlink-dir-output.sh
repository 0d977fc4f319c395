#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave /box/logs -> a root-only host directory, so that a later run with --stdout or --meta BOXDIR/logs/FILE creates files in it
# modes: process code-and-process code-only
# check: check_output_dir_symlink
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
ln -s "${ESC_VICTIM_DIR:?}" "$SCRATCH/logs" || inconclusive "cannot create the symlink"
blocked "planted /box/logs -> $ESC_VICTIM_DIR; the runner runs again with --stdout and --meta below it"
