#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: reach the outside over IPv4 without --share-net (192.0.2.1, the host's gateway side)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
[ "$(tail -n +2 /proc/net/route | wc -l)" -eq 0 ] || escaped "IPv4 routes: $(tail -n +2 /proc/net/route | cut -f1,2 | tr '\n' ' ')"
out=$("$P/try-escape" connect 192.0.2.1 80)
case $out in
*"Network is unreachable"*) blocked "$out" ;;
*) escaped "connect 192.0.2.1:80: $out" ;;
esac
