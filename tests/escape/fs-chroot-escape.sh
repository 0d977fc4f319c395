#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: the classic chroot break-out (chroot into a subdirectory, walk "..", chroot ".")
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
cd "$SCRATCH" || inconclusive "no scratch dir"
out=$("$P/try-escape" chroot-escape "${ESC_HOST_SECRET:?}")
[ "$out" = ok ] && escaped "chroot break-out reached $ESC_HOST_SECRET"
blocked "$out"
