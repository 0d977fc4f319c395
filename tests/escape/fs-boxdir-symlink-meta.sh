#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave /box/meta -> a root-owned host file, so that a later run with --meta BOXDIR/meta overwrites it
# modes: process code-and-process code-only
# check: check_meta_symlink
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
ln -s "${ESC_VICTIM:?}" "$SCRATCH/meta" || inconclusive "cannot create the symlink"
blocked "planted /box/meta -> $ESC_VICTIM; the runner runs again with --meta on it"
