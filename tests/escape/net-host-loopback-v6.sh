#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: connect to a service on the host's ::1 without --share-net
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
[ -n "${ESC_PORT6:-}" ] || inconclusive "the host has no ::1 listener"
out=$("$P/try-escape" connect ::1 "$ESC_PORT6")
[ "$out" = ok ] && escaped "connected to the host's [::1]:$ESC_PORT6"
blocked "$out"
