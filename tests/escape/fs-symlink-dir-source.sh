#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave /box/data -> / behind, so that a later run with --dir /data=BOXDIR/data binds the host's root
# modes: process code-and-process
# check: check_dir_source_symlink
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
ln -s / "$SCRATCH/data" || inconclusive "cannot create the symlink"
ln -s "${ESC_WORLD:?}" "$SCRATCH/world" || inconclusive "cannot create the symlink"
blocked "planted /box/data -> / and /box/world -> the runner's world; the runner binds them next"
