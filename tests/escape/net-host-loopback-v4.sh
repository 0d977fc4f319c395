#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: connect to a service on the host's 127.0.0.1 without --share-net
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/try-escape" connect 127.0.0.1 "${ESC_PORT4:?}")
[ "$out" = ok ] && escaped "connected to the host's 127.0.0.1:$ESC_PORT4"
blocked "$out"
