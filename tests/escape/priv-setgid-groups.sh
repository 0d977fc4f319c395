#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: become gid 0 or join group 0 (setresgid, setgroups) with setpriv
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
if setpriv --regid=0 --clear-groups true 2>/dev/null; then
	escaped "setresgid(0) worked"
fi
if setpriv --groups=0 true 2>/dev/null; then
	escaped "setgroups([0]) worked"
fi
blocked "$(setpriv --regid=0 --clear-groups true 2>&1 | head -1)"
