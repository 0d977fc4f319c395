#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: raise an inheritable and ambient capability (cap_net_raw, cap_sys_admin) so that it survives execve
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
for c in net_raw sys_admin dac_override; do
	if out=$(setpriv --inh-caps="+$c" --ambient-caps="+$c" "$P/try-escape" caps 2>&1); then
		if echo "$out" | grep -q '^CapEff:.*[1-9a-f]'; then
			escaped "cap_$c raised through the ambient set: $(echo "$out" | grep CapEff)"
		fi
	fi
done
blocked "$(setpriv --inh-caps=+net_raw --ambient-caps=+net_raw true 2>&1 | head -1)"
