#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: leave a FIFO at /box/in, so that a later run with --stdin BOXDIR/in blocks apbox in open() for good
# modes: process code-and-process code-only
# check: check_stdin_fifo
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
mkfifo "$SCRATCH/in" 2>/dev/null || inconclusive "cannot make a FIFO"
blocked "planted the FIFO /box/in; the runner runs again with --stdin on it"
