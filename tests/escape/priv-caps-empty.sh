#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: look for any capability left in any set (inheritable, permitted, effective, bounding, ambient)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
st=$("$P/try-escape" caps)
for k in CapInh CapPrm CapEff CapBnd CapAmb; do
	v=$(echo "$st" | awk -v k="$k:" '$1 == k { print $2 }')
	[ -n "$v" ] || inconclusive "no $k line in /proc/self/status"
	case $v in
	*[1-9a-f]*) escaped "$k is $v" ;;
	esac
done
blocked "every capability set is empty"
