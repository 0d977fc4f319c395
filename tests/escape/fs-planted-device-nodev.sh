#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: use device nodes planted in the box dir between init and run (/dev/null's twin, the host's root disk)
# modes: process code-and-process
# setup: setup_planted_devices
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
[ -c "$SCRATCH/null2" ] && [ -b "$SCRATCH/disk" ] || inconclusive "the planted devices are missing"
out=$("$P/try-escape" write "$SCRATCH/null2")
[ "$out" = ok ] && escaped "wrote to the planted character device 1:3"
out2=$("$P/try-escape" read "$SCRATCH/disk")
[ "$out2" = ok ] && escaped "read the host's root disk through the planted block device"
blocked "planted devices are unusable (nodev): $out; $out2"
