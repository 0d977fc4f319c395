#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: plant symlinks to a host directory, a host file and / in the box dir, for cleanup to follow
# modes: process code-and-process code-only
# check-cleanup: check_canary
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
mkdir -p "$SCRATCH/deep/er" || inconclusive "cannot make directories"
ln -s "${ESC_CANARY:?}" "$SCRATCH/canary-dir" &&
	ln -s "$ESC_CANARY/keep" "$SCRATCH/canary-file" &&
	ln -s "$ESC_CANARY" "$SCRATCH/deep/er/canary" &&
	ln -s / "$SCRATCH/deep/root" || inconclusive "cannot create the symlinks"
blocked "planted symlinks to the canary and /; the runner checks the canary after cleanup"
