#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: connect to a service on the host's own network address without --share-net
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
[ -n "${ESC_ADDR4:-}${ESC_ADDR6:-}" ] || inconclusive "the host has no address besides loopback"
out=
if [ -n "${ESC_ADDR4:-}" ]; then
	out=$("$P/try-escape" connect "$ESC_ADDR4" "${ESC_APORT4:?}")
	[ "$out" = ok ] && escaped "connected to the host's $ESC_ADDR4:$ESC_APORT4"
fi
if [ -n "${ESC_ADDR6:-}" ]; then
	o6=$("$P/try-escape" connect "$ESC_ADDR6" "${ESC_APORT6:?}")
	[ "$o6" = ok ] && escaped "connected to the host's [$ESC_ADDR6]:$ESC_APORT6"
	out="$out; $o6"
fi
blocked "$out"
