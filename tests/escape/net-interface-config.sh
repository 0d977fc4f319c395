#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: reconfigure the network (add an address to lo, add a dummy link), undone at once if it works
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
ip=/usr/sbin/ip
[ -x "$ip" ] || ip=/sbin/ip
[ -x "$ip" ] || inconclusive "no ip(8)"
if "$ip" addr add 198.51.100.77/32 dev lo 2>/dev/null; then
	"$ip" addr del 198.51.100.77/32 dev lo
	escaped "added 198.51.100.77 to lo"
fi
if "$ip" link add apboxesc0 type dummy 2>/dev/null; then
	"$ip" link del apboxesc0
	escaped "added the link apboxesc0"
fi
blocked "$("$ip" addr add 198.51.100.77/32 dev lo 2>&1 | head -1)"
