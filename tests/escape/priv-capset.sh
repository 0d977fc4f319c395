#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: capset() each capability back into the permitted and effective sets
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/try-escape" capset | tail -1)
[ "$out" = ok ] && escaped "capset raised a capability: $("$P/try-escape" capset | head -1)"
blocked "capset: $out"
