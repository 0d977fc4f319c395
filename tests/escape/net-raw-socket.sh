#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: open a raw IP socket or a packet socket (forge packets, sniff)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/try-escape" raw-socket | tail -1)
[ "$out" = ok ] && escaped "$("$P/try-escape" raw-socket | head -1)"
blocked "$out"
