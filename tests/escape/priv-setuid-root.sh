#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: setuid(0)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/try-escape" setuid)
[ "$out" = ok ] && escaped "setuid(0) worked"
blocked "setuid(0): $out"
