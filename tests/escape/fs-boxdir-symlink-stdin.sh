#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave /box/in -> a root-only host file, so that a later run with --stdin BOXDIR/in reads it to the box
# modes: process code-and-process code-only
# check: check_stdin_symlink
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
ln -s "${ESC_HOST_SECRET:?}" "$SCRATCH/in" || inconclusive "cannot create the symlink"
blocked "planted /box/in -> $ESC_HOST_SECRET; the runner runs again with --stdin on it"
