#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: reach the outside over IPv6 without --share-net (2001:db8::1)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/try-escape" connect 2001:db8::1 80)
case $out in
*"Network is unreachable"* | *"Address family not supported"* | *"Cannot assign requested address"*) ;;
*) escaped "connect [2001:db8::1]:80: $out" ;;
esac
if [ -r /proc/net/ipv6_route ] && grep -v ' lo$' /proc/net/ipv6_route | grep -q .; then
	escaped "IPv6 routes beyond lo: $(grep -v ' lo$' /proc/net/ipv6_route | awk '{ print $10 }' | sort -u | tr '\n' ' ')"
fi
blocked "$out"
