#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave /box/out -> a root-owned host file, so that a later run with --stdout BOXDIR/out overwrites it
# modes: process code-and-process code-only
# check: check_stdout_symlink
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
ln -s "${ESC_VICTIM:?}" "$SCRATCH/out" || inconclusive "cannot create the symlink"
blocked "planted /box/out -> $ESC_VICTIM; the runner runs again with --stdout on it"
