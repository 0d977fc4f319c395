#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: find a network interface besides lo (the host's interfaces without --share-net)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
ifs=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')
[ "$ifs" = "lo " ] || escaped "interfaces: $ifs"
blocked "only lo"
