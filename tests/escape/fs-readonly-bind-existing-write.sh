#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: open existing files of the read-only binds (/etc/passwd, /usr/bin/env, /etc/hosts) for writing
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
for f in /etc/passwd /etc/group /etc/hosts /etc/resolv.conf /usr/bin/env /bin/sh /etc/ld.so.cache; do
	if try_open_write "$f"; then
		escaped "opened $f for writing"
	fi
done
blocked "every system file refused to open for writing"
